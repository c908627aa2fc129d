import { RemotingCommand } from './command';
import { CodecError } from './errors';
import { javaHashMapOrder } from './java-hashmap-order';
import { utf8Range } from './utf8';

/**
 * The ROCKETMQ binary header (docs/protocol.md §1.4):
 *   code int16 | language u8 | version int16 | opaque int32 | flag int32 |
 *   remarkLen int32 | remark | extLen int32 | { keyLen int16 | key | valLen int32 | val }*
 * Zero-length strings mean null, so empty remarks and values cannot be carried.
 */
export const BINARY_HEADER_FIXED_SIZE = 21;

export function encodeBinaryHeader(cmd: RemotingCommand): Buffer {
  if (cmd.code < -32768 || cmd.code > 32767) {
    // Java would silently truncate (POP_MESSAGE 200050 arrives as 3442); refusing is kinder.
    throw new CodecError('unencodable', `code ${cmd.code} does not fit the ROCKETMQ header's int16; use JSON`, 0);
  }
  if (cmd.version < -32768 || cmd.version > 65535) {
    throw new CodecError('unencodable', `version ${cmd.version} does not fit the ROCKETMQ header's int16`, 3);
  }
  if (cmd.language < 0 || cmd.language > 255) {
    throw new CodecError('unencodable', `language ${cmd.languageRaw ?? cmd.language} has no ROCKETMQ language byte`, 2);
  }
  const remark = cmd.remark ? Buffer.from(cmd.remark, 'utf8') : null;
  const entries: [Buffer, Buffer][] = [];
  let extLen = 0;
  if (cmd.extFields) {
    for (const k of javaHashMapOrder(Object.keys(cmd.extFields))) {
      const key = Buffer.from(k, 'utf8');
      const val = Buffer.from(cmd.extFields[k], 'utf8');
      if (key.length > 32767) throw new CodecError('unencodable', `extFields key of ${key.length} bytes exceeds int16`, 0);
      entries.push([key, val]);
      extLen += 2 + key.length + 4 + val.length;
    }
  }
  const out = Buffer.allocUnsafe(BINARY_HEADER_FIXED_SIZE + (remark?.length ?? 0) + extLen);
  let p = 0;
  p = out.writeInt16BE(cmd.code, p);
  p = out.writeUInt8(cmd.language, p);
  p = out.writeUInt16BE(cmd.version & 0xffff, p);
  p = out.writeInt32BE(cmd.opaque | 0, p);
  p = out.writeInt32BE(cmd.flag | 0, p);
  p = out.writeInt32BE(remark?.length ?? 0, p);
  if (remark) p += remark.copy(out, p);
  p = out.writeInt32BE(extLen, p);
  for (const [key, val] of entries) {
    p = out.writeInt16BE(key.length, p);
    p += key.copy(out, p);
    p = out.writeInt32BE(val.length, p);
    p += val.copy(out, p);
  }
  return out;
}

export function decodeBinaryHeader(bytes: Uint8Array, baseOffset = 0): Omit<RemotingCommand, 'serializeType' | 'body'> {
  const { serializeType: _s, body: _b, ...header } = decodeBinaryCommand(bytes, baseOffset, null);
  return header;
}

const i16 = (b: Uint8Array, p: number): number => ((b[p] << 24) | (b[p + 1] << 16)) >> 16;
const i32 = (b: Uint8Array, p: number): number => (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];

function overflow(what: string, p: number, n: number, end: number, baseOffset: number): CodecError {
  return n < 0
    ? new CodecError('binary-field-overflow', `${what} has negative length ${n}`, baseOffset + p)
    : new CodecError('binary-field-overflow', `${what} needs ${n} bytes but the header has ${Math.max(0, end - p)} left`, baseOffset + p);
}

/** The whole command of a ROCKETMQ frame: its header bytes decoded, with the body passed through. */
export function decodeBinaryCommand(b: Uint8Array, baseOffset: number, body: Uint8Array | null): RemotingCommand {
  const end = b.length;
  if (end < BINARY_HEADER_FIXED_SIZE - 4) throw overflow('fixed header part', 0, BINARY_HEADER_FIXED_SIZE - 4, end, baseOffset);
  const code = i16(b, 0);
  const language = b[2];
  const version = i16(b, 3);
  const opaque = i32(b, 5);
  const flag = i32(b, 9);
  let p = 13;
  if (p + 4 > end) throw overflow('remark length', p, 4, end, baseOffset);
  const remarkLen = i32(b, p); p += 4;
  if (remarkLen < 0 || p + remarkLen > end) throw overflow('remark', p, remarkLen, end, baseOffset);
  const remark = remarkLen > 0 ? utf8Range(b, p, p + remarkLen) : null;
  p += remarkLen;
  if (p + 4 > end) throw overflow('extFields length', p, 4, end, baseOffset);
  const extLen = i32(b, p); p += 4;
  if (extLen < 0 || p + extLen > end) throw overflow('extFields map', p, extLen, end, baseOffset);
  let extFields: Record<string, string> | null = null;
  if (extLen > 0) {
    extFields = Object.create(null) as Record<string, string>;
    const mapEnd = p + extLen;
    while (p < mapEnd) {
      if (p + 2 > mapEnd) throw new CodecError('binary-field-overflow', 'extFields key length runs past the map', baseOffset + p);
      const kl = i16(b, p); p += 2;
      if (kl < 0 || p + kl > mapEnd) throw new CodecError('binary-field-overflow', `extFields key of ${kl} bytes runs past the map`, baseOffset + p - 2);
      const key = utf8Range(b, p, p + kl); p += kl;
      if (p + 4 > mapEnd) throw new CodecError('binary-field-overflow', `value length of extFields key "${key}" runs past the map`, baseOffset + p);
      const vl = i32(b, p); p += 4;
      if (vl < 0 || p + vl > mapEnd) throw new CodecError('binary-field-overflow', `value of extFields key "${key}" (${vl} bytes) runs past the map`, baseOffset + p - 4);
      // Java reads a zero-length key or value as null and keeps the entry (HashMap.put(key, null)); we keep
      // what is on the wire: the key with an empty value, as the JSON form carries it ("attributes": "").
      // A null key cannot be named, so it is dropped. The last duplicate wins.
      if (kl > 0) extFields[key] = vl > 0 ? utf8Range(b, p, p + vl) : '';
      p += vl;
    }
  }
  return { code, language, version, opaque, flag, remark, extFields, serializeType: 'ROCKETMQ', body };
}
