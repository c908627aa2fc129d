/**
 * HPACK (RFC 7541) header-block decoding for one direction of an HTTP/2 connection, on hpack.js's
 * primitive decoder (integers, Huffman-coded and raw strings) and header table (static table, dynamic
 * table with size-based eviction). The field loop is ours (hpack.js's own Decompressor is a stream
 * that reports errors asynchronously), so that a capture can be decoded synchronously and honestly:
 *
 * - From the connection's start the dynamic table is exact.
 * - A capture that starts mid-connection misses the entries added before it. Entries added after the
 *   capture's start are still at the right indices (a new entry is always index 62, older ones shift
 *   up and are evicted oldest-first), so they resolve; a reference to an older entry is reported as
 *   unknown (the field's name and value say so) and decoding goes on with the rest of the block.
 */
import * as hpack from 'hpack.js';

/** One decoded header field. `unknown`: it referenced a dynamic-table entry from before the capture. */
export interface HeaderField {
  name: string;
  value: string;
  neverIndex?: true;
  unknown?: true;
}

export interface HeaderBlockResult {
  fields: HeaderField[];
  /** Fields that referenced entries from before the capture (state not known). */
  unknownRefs: number;
  /** Set when the block is malformed (the rest of it is lost, and so is the table's state). */
  error?: string;
}

const DEFAULT_TABLE_SIZE = 4096;
export const UNKNOWN_NAME = '(unknown: HPACK entry from before the capture)';
export const UNKNOWN_VALUE = '(unknown)';

/** Header values are octets; gRPC's are ASCII (grpc-message percent-encoded), but never trust that. */
function octetsToText(o: number[]): string {
  return Buffer.from(o).toString('utf8');
}

export class HpackDecoder {
  private table = hpack.table.create({ maxSize: DEFAULT_TABLE_SIZE });
  /** Entries before the capture may exist (mid-connection start, or after a gap in a header block). */
  private partial: boolean;
  /** A malformed block left the table in an unknown state. */
  broken = false;

  constructor(fromConnectionStart: boolean) {
    this.partial = !fromConnectionStart;
  }

  /** The state is exactly known (decoding since the connection's first header block, nothing lost). */
  get exact(): boolean { return !this.partial && !this.broken; }

  /** SETTINGS_HEADER_TABLE_SIZE announced by this direction's decoder (the peer): the encoder's limit. */
  setProtocolMaxSize(size: number): void {
    this.table.protocolMaxSize = Math.max(size, 0);
  }

  /** From here on, entries before may be unknown (a header block was lost in a gap). */
  markPartial(): void { this.partial = true; }

  decode(block: Uint8Array): HeaderBlockResult {
    const d = hpack.decoder.create();
    d.push(Buffer.from(block.buffer, block.byteOffset, block.byteLength));
    const fields: HeaderField[] = [];
    let unknownRefs = 0;
    const lookup = (index: number): hpack.HpackEntry | null => {
      if (index === 0) throw new Error('index 0 is not a valid HPACK index');
      if (index <= this.table.length) return this.table.lookup(index);
      if (this.partial || this.broken) { unknownRefs++; return null; }
      throw new Error(`HPACK index ${index} is beyond the table (${this.table.length} entries)`);
    };
    try {
      while (!d.isEmpty()) {
        if (d.decodeBit()) {
          // indexed field
          const e = lookup(d.decodeInt());
          fields.push(e ? { name: e.name, value: e.value } : { name: UNKNOWN_NAME, value: UNKNOWN_VALUE, unknown: true });
          continue;
        }
        const incremental = d.decodeBit() === 1;
        let neverIndex = false;
        if (!incremental) {
          if (d.decodeBit()) {
            // dynamic table size update
            const size = d.decodeInt();
            if (size > this.table.protocolMaxSize && !this.partial) throw new Error(`HPACK table size update to ${size} above the announced ${this.table.protocolMaxSize}`);
            if (size > this.table.protocolMaxSize) this.table.protocolMaxSize = size;
            this.table.updateSize(size);
            continue;
          }
          neverIndex = d.decodeBit() === 1;
        }
        const index = d.decodeInt();
        let name: string;
        let nameSize: number;
        let known = true;
        if (index === 0) {
          const o = d.decodeStr();
          name = octetsToText(o);
          nameSize = o.length;
        } else {
          const e = lookup(index);
          if (e) { name = e.name; nameSize = e.nameSize; } else { name = UNKNOWN_NAME; nameSize = 0; known = false; }
        }
        const v = d.decodeStr();
        const value = octetsToText(v);
        // An entry with an unknown name still takes its place (and size, roughly) in the table.
        if (incremental) this.table.add(name, value, known ? nameSize : 0, v.length);
        const f: HeaderField = { name, value };
        if (neverIndex) f.neverIndex = true;
        if (!known) f.unknown = true;
        fields.push(f);
      }
    } catch (e) {
      this.broken = true;
      return { fields, unknownRefs, error: `HPACK: ${(e as Error).message}` };
    }
    return { fields, unknownRefs };
  }
}
