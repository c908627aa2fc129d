/**
 * Batch body (docs/protocol.md §3.6): per message
 * TOTALSIZE i32 | MAGIC i32 (0) | BODYCRC i32 (0) | FLAG i32 | BODYLEN i32 body | PROPLEN i16 properties
 */
import { decodeProperties } from './properties';
import { DataError } from '../errors';

export interface BatchEntry {
  flag: number;
  body: Uint8Array;
  /** Already-encoded properties string. */
  propertiesString: string;
}

export interface DecodedBatchEntry extends BatchEntry {
  properties: Map<string, string>;
  magic: number;
  bodyCRC: number;
}

export class BatchBodyError extends DataError {
  override name = 'BatchBodyError';
  readonly kind = 'batch-body' as const;
}

export function encodeBatchEntry(e: BatchEntry): Buffer {
  const props = Buffer.from(e.propertiesString, 'utf8');
  if (props.length > 32767) throw new BatchBodyError(`properties of a batch entry are ${props.length} bytes; the limit is 32767`);
  const size = 20 + e.body.length + 2 + props.length;
  const b = Buffer.alloc(size);
  let p = b.writeInt32BE(size, 0);
  p = b.writeInt32BE(0, p);
  p = b.writeInt32BE(0, p);
  p = b.writeInt32BE(e.flag | 0, p);
  p = b.writeInt32BE(e.body.length, p);
  b.set(e.body, p); p += e.body.length;
  p = b.writeInt16BE(props.length, p);
  b.set(props, p);
  return b;
}

export function encodeBatchBody(entries: readonly BatchEntry[]): Uint8Array {
  const parts = entries.map(encodeBatchEntry);
  return new Uint8Array(Buffer.concat(parts));
}

/** Decodes a batch body; throws BatchBodyError naming the entry and byte offset on malformed input. */
export function decodeBatchBody(input: Uint8Array): DecodedBatchEntry[] {
  const b = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const out: DecodedBatchEntry[] = [];
  let p = 0;
  while (p < b.length) {
    const at = p;
    const fail = (why: string): never => { throw new BatchBodyError(`batch entry ${out.length} at byte ${at}: ${why}`); };
    if (p + 20 > b.length) fail('truncated fixed part');
    const total = b.readInt32BE(p);
    const magic = b.readInt32BE(p + 4);
    const bodyCRC = b.readInt32BE(p + 8);
    const flag = b.readInt32BE(p + 12);
    const bodyLen = b.readInt32BE(p + 16);
    p += 20;
    if (bodyLen < 0 || p + bodyLen + 2 > b.length) fail(`BODYLEN ${bodyLen} runs past the end`);
    const body = new Uint8Array(b.subarray(p, p + bodyLen));
    p += bodyLen;
    const propLen = b.readInt16BE(p);
    p += 2;
    if (propLen < 0 || p + propLen > b.length) fail(`PROPLEN ${propLen} runs past the end`);
    const propertiesString = b.toString('utf8', p, p + propLen);
    p += propLen;
    if (total !== p - at) fail(`TOTALSIZE ${total} does not match the record length ${p - at}`);
    out.push({ flag, body, propertiesString, properties: decodeProperties(propertiesString), magic, bodyCRC });
  }
  return out;
}
