/**
 * Stored-message format (docs/protocol.md §5.3): the body of PULL_MESSAGE / QUERY_MESSAGE /
 * VIEW_MESSAGE_BY_ID responses and of CHECK_TRANSACTION_STATE requests — records back to back.
 *
 * TOTALSIZE i32 | MAGIC i32 | BODYCRC i32 | QUEUEID i32 | FLAG i32 | QUEUEOFFSET i64 | PHYSICALOFFSET i64 |
 * SYSFLAG i32 | BORNTIMESTAMP i64 | BORNHOST ip[4|16] port i32 | STORETIMESTAMP i64 |
 * STOREHOST ip[4|16] port i32 | RECONSUMETIMES i32 | PREPAREDTXOFFSET i64 | BODYLEN i32 body |
 * TOPICLEN (V1 i8 | V2 i16) topic | PROPLEN i16 properties
 */
import { MessageExt } from './message';
import { MessageSysFlag, compressionType } from './sysflag';
import { decompressBody } from './compression';
import { decodeProperties, encodeProperties, MessageConst } from './properties';
import { bytesToIp, createOffsetMessageId, ipToBytes } from './ids';
import { decodeBatchBody } from './batch';
import { DataError } from '../errors';

export const MAGIC_V1 = 0xdaa320a7 | 0;
export const MAGIC_V2 = 0xdaa320ab | 0;
/** Commit-log end-of-file filler marker. */
export const BLANK_MAGIC = 0xcbd43194 | 0;

export class StoredMessageError extends DataError {
  override name = 'StoredMessageError';
  readonly kind = 'stored-message' as const;
  constructor(readonly offset: number, message: string) { super(`${message} (record at byte ${offset})`); }
}

export interface DecodeOptions {
  /** Inflate compressed bodies (default true). */
  decompress?: boolean;
  /** Unwrap 5.x inner-batch records (sysFlag INNER_BATCH|NEED_UNWRAP) into their messages (default true). */
  unwrapInnerBatch?: boolean;
}

export interface DecodeAllResult {
  messages: MessageExt[];
  /** Set when decoding stopped early (the Java decoder silently stops at the first bad record). */
  error?: StoredMessageError;
  /** Bytes consumed by the successfully decoded records. */
  consumed: number;
}

function num64(b: Buffer, at: number): number {
  return Number(b.readBigInt64BE(at));
}

/** Decodes one record at `offset`. Throws StoredMessageError on a truncated or malformed record. */
export function decodeStoredMessage(input: Uint8Array, offset = 0, opts: DecodeOptions = {}): MessageExt {
  const b = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const need = (at: number, n: number, what: string) => {
    if (at + n > b.length) throw new StoredMessageError(offset, `truncated: ${what} needs ${n} bytes at ${at}, only ${b.length - at} left`);
  };
  need(offset, 8, 'TOTALSIZE+MAGIC');
  const storeSize = b.readInt32BE(offset);
  const magic = b.readInt32BE(offset + 4);
  if (magic !== MAGIC_V1 && magic !== MAGIC_V2) {
    throw new StoredMessageError(offset, `bad magic 0x${(magic >>> 0).toString(16)}${magic === BLANK_MAGIC ? ' (commit-log blank marker)' : ''}`);
  }
  if (storeSize < 91) throw new StoredMessageError(offset, `TOTALSIZE ${storeSize} is below the 91-byte minimum`);
  need(offset, storeSize, 'record of TOTALSIZE');
  const end = offset + storeSize;
  let p = offset + 8;
  const take = (n: number, what: string) => {
    if (p + n > end) throw new StoredMessageError(offset, `field ${what} (${n} bytes) runs past TOTALSIZE`);
    const at = p;
    p += n;
    return at;
  };
  const bodyCRC = b.readInt32BE(take(4, 'BODYCRC'));
  const queueId = b.readInt32BE(take(4, 'QUEUEID'));
  const flag = b.readInt32BE(take(4, 'FLAG'));
  const queueOffset = num64(b, take(8, 'QUEUEOFFSET'));
  const commitLogOffset = num64(b, take(8, 'PHYSICALOFFSET'));
  const sysFlag = b.readInt32BE(take(4, 'SYSFLAG'));
  const bornTimestamp = num64(b, take(8, 'BORNTIMESTAMP'));
  const bornIpLen = sysFlag & MessageSysFlag.BORNHOST_V6_FLAG ? 16 : 4;
  const bornIp = b.subarray(take(bornIpLen, 'BORNHOST'), p);
  const bornPort = b.readInt32BE(take(4, 'BORNHOST port'));
  const storeTimestamp = num64(b, take(8, 'STORETIMESTAMP'));
  const storeIpLen = sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG ? 16 : 4;
  const storeIp = b.subarray(take(storeIpLen, 'STOREHOST'), p);
  const storePort = b.readInt32BE(take(4, 'STOREHOST port'));
  const reconsumeTimes = b.readInt32BE(take(4, 'RECONSUMETIMES'));
  const preparedTransactionOffset = num64(b, take(8, 'PREPAREDTXOFFSET'));
  const bodyLen = b.readInt32BE(take(4, 'BODYLEN'));
  if (bodyLen < 0) throw new StoredMessageError(offset, `negative BODYLEN ${bodyLen}`);
  const rawBody = new Uint8Array(b.subarray(take(bodyLen, 'BODY'), p));
  const topicLen = magic === MAGIC_V1 ? b.readInt8(take(1, 'TOPICLEN')) : b.readInt16BE(take(2, 'TOPICLEN'));
  if (topicLen < 0) throw new StoredMessageError(offset, `negative TOPICLEN ${topicLen}`);
  const topic = b.toString('utf8', take(topicLen, 'TOPIC'), p);
  const propLen = b.readInt16BE(take(2, 'PROPLEN'));
  if (propLen < 0) throw new StoredMessageError(offset, `negative PROPLEN ${propLen}`);
  const propertiesString = b.toString('utf8', take(propLen, 'PROPERTIES'), p);
  const properties = decodeProperties(propertiesString);

  const compressed = (sysFlag & MessageSysFlag.COMPRESSED_FLAG) !== 0;
  let body: Uint8Array | undefined = rawBody;
  let compression: string | undefined;
  let decompressError: string | undefined;
  if (compressed) {
    compression = compressionType(sysFlag);
    if (opts.decompress === false) body = undefined;
    else {
      const r = decompressBody(rawBody, compression as never);
      if (r.ok) body = r.body;
      else { body = undefined; decompressError = r.reason; }
    }
  }
  const storeHost = bytesToIp(storeIp);
  return {
    recordOffset: offset,
    storeSize,
    magic,
    magicVersion: magic === MAGIC_V1 ? 'V1' : 'V2',
    bodyCRC,
    queueId,
    flag,
    queueOffset,
    commitLogOffset,
    sysFlag,
    bornTimestamp,
    bornHost: bytesToIp(bornIp),
    bornPort,
    storeTimestamp,
    storeHost,
    storePort,
    reconsumeTimes,
    preparedTransactionOffset,
    topic,
    rawBody,
    body,
    compressed,
    compression,
    decompressError,
    propertiesString,
    properties,
    msgId: properties.get(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX),
    offsetMsgId: createOffsetMessageId(storeIp, storePort, BigInt(commitLogOffset)),
    tags: properties.get(MessageConst.TAGS),
    keys: properties.get(MessageConst.KEYS),
  };
}

/**
 * Decodes all records. Unlike Java's `decodes` it reports why it stopped (`error`) instead of
 * silently dropping the rest. Inner batches (5.x) are unwrapped unless told otherwise.
 */
export function decodeStoredMessages(input: Uint8Array, opts: DecodeOptions = {}): DecodeAllResult {
  const messages: MessageExt[] = [];
  let p = 0;
  while (p < input.byteLength) {
    let m: MessageExt;
    try {
      m = decodeStoredMessage(input, p, opts);
    } catch (e) {
      if (e instanceof StoredMessageError) return { messages, error: e, consumed: p };
      throw e;
    }
    p += m.storeSize;
    if (opts.unwrapInnerBatch !== false && (m.sysFlag & MessageSysFlag.INNER_BATCH_FLAG) && (m.sysFlag & MessageSysFlag.NEED_UNWRAP_FLAG) && m.body) {
      const inner = decodeBatchBody(m.body);
      inner.forEach((im, i) => {
        const props = im.properties;
        messages.push({
          ...m,
          flag: im.flag,
          queueOffset: m.queueOffset + i,
          rawBody: im.body,
          body: im.body,
          compressed: false,
          compression: undefined,
          propertiesString: im.propertiesString,
          properties: props,
          msgId: props.get(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX),
          tags: props.get(MessageConst.TAGS),
          keys: props.get(MessageConst.KEYS),
        });
      });
    } else {
      messages.push(m);
    }
  }
  return { messages, consumed: p };
}

export interface StoredMessageInit {
  topic: string;
  body: Uint8Array;
  queueId?: number;
  flag?: number;
  queueOffset?: number | bigint;
  commitLogOffset?: number | bigint;
  sysFlag?: number;
  bornTimestamp?: number;
  bornHost?: string;
  bornPort?: number;
  storeTimestamp?: number;
  storeHost?: string;
  storePort?: number;
  reconsumeTimes?: number;
  preparedTransactionOffset?: number | bigint;
  bodyCRC?: number;
  properties?: ReadonlyMap<string, string> | Readonly<Record<string, string>> | string;
  /** Force V2 magic; by default V2 is used only when the topic is longer than 127 bytes. */
  magicV2?: boolean;
}

/** Encodes one stored-message record (Java `MessageDecoder.encode`); used for tests and fixtures. */
export function encodeStoredMessage(m: StoredMessageInit): Uint8Array {
  const bornHost = ipToBytes(m.bornHost ?? '127.0.0.1');
  const storeHost = ipToBytes(m.storeHost ?? '127.0.0.1');
  let sysFlag = m.sysFlag ?? 0;
  sysFlag = bornHost.length === 16 ? sysFlag | MessageSysFlag.BORNHOST_V6_FLAG : sysFlag & ~MessageSysFlag.BORNHOST_V6_FLAG;
  sysFlag = storeHost.length === 16 ? sysFlag | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG : sysFlag & ~MessageSysFlag.STOREHOSTADDRESS_V6_FLAG;
  const topic = Buffer.from(m.topic, 'utf8');
  const v2 = m.magicV2 ?? topic.length > 127;
  const propsStr = typeof m.properties === 'string' ? m.properties : encodeProperties(m.properties ?? new Map(), true);
  const props = Buffer.from(propsStr, 'utf8');
  const size = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + bornHost.length + 4 + 8 + storeHost.length + 4 + 4 + 8 + 4 + m.body.length + (v2 ? 2 : 1) + topic.length + 2 + props.length;
  const b = Buffer.alloc(size);
  let p = 0;
  p = b.writeInt32BE(size, p);
  p = b.writeInt32BE(v2 ? MAGIC_V2 : MAGIC_V1, p);
  p = b.writeInt32BE(m.bodyCRC ?? (crc32(m.body) & 0x7fffffff), p);
  p = b.writeInt32BE(m.queueId ?? 0, p);
  p = b.writeInt32BE(m.flag ?? 0, p);
  p = b.writeBigInt64BE(BigInt(m.queueOffset ?? 0), p);
  p = b.writeBigInt64BE(BigInt(m.commitLogOffset ?? 0), p);
  p = b.writeInt32BE(sysFlag, p);
  p = b.writeBigInt64BE(BigInt(m.bornTimestamp ?? 0), p);
  b.set(bornHost, p); p += bornHost.length;
  p = b.writeInt32BE(m.bornPort ?? 0, p);
  p = b.writeBigInt64BE(BigInt(m.storeTimestamp ?? 0), p);
  b.set(storeHost, p); p += storeHost.length;
  p = b.writeInt32BE(m.storePort ?? 0, p);
  p = b.writeInt32BE(m.reconsumeTimes ?? 0, p);
  p = b.writeBigInt64BE(BigInt(m.preparedTransactionOffset ?? 0), p);
  p = b.writeInt32BE(m.body.length, p);
  b.set(m.body, p); p += m.body.length;
  if (v2) p = b.writeInt16BE(topic.length, p);
  else p = b.writeInt8(topic.length, p);
  b.set(topic, p); p += topic.length;
  p = b.writeInt16BE(props.length, p);
  b.set(props, p); p += props.length;
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

let crcTable: Int32Array | undefined;
/** CRC-32 (IEEE), as `UtilAll.crc32`. */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
