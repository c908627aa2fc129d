import { RemotingCommand } from './command';
import { languageCodeOf, languageName, unknownName } from './codes';
import { CodecError } from './errors';
import { isJsonObject, JsonObject, JsonValue, parseLenientJson, stringifyJsonValue } from './lenient-json';
import { javaHashMapOrderShared } from './java-hashmap-order';
import { utf8Range } from './utf8';

/**
 * The JSON header, written exactly as fastjson 1.2.83 writes a RemotingCommand (docs/protocol.md §1.3):
 * keys alphabetical, null members left out, the language as its enum name, `serializeTypeCurrentRPC`
 * present, extFields in Java HashMap iteration order, Java's string escaping.
 */
export function encodeJsonHeader(cmd: RemotingCommand): Buffer {
  return Buffer.from(jsonHeaderBytes(cmd));
}

/**
 * The JSON header in a shared scratch buffer, valid until the next call (encodeFrame copies it
 * straight into the frame). Every send writes one, so it is built in bytes: built as a string it made
 * about 4 KB of garbage per message (40 % of the producer's allocation), where this makes none.
 */
export function jsonHeaderBytes(cmd: RemotingCommand): Buffer {
  const n = writeJsonHeader(cmd);
  return out.subarray(0, n);
}

function writeJsonHeader(cmd: RemotingCommand): number {
  if (out.length > SCRATCH_KEEP) out = Buffer.allocUnsafe(4096); // the last header was huge: not kept around
  pos = 0;
  ascii('{"code":');
  int(cmd.code);
  const ext = cmd.extFields;
  if (ext) {
    const keys = javaHashMapOrderShared(Object.keys(ext));
    ascii(',"extFields":{');
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (i > 0) byte(0x2c);
      quoted(k);
      byte(0x3a);
      quoted(ext[k]);
    }
    byte(0x7d);
  }
  ascii(',"flag":');
  int(cmd.flag);
  const lang = cmd.language >= 0 ? languageName(cmd.language) : unknownName(cmd.language);
  // A language outside the table cannot be named; fastjson also reads a number as the enum ordinal.
  if (lang.startsWith('UNKNOWN(')) { ascii(',"language":'); int(cmd.language); } else { ascii(',"language":'); quoted(lang); }
  ascii(',"opaque":');
  int(cmd.opaque);
  if (cmd.remark !== null) { ascii(',"remark":'); quoted(cmd.remark); }
  ascii(',"serializeTypeCurrentRPC":"JSON","version":');
  int(cmd.version);
  byte(0x7d);
  return pos;
}

/** Larger scratch buffers are dropped at the next header. */
const SCRATCH_KEEP = 64 * 1024;
let out = Buffer.allocUnsafe(4096);
let pos = 0;

function room(n: number): void {
  if (pos + n <= out.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, pos + n));
  out.copy(bigger, 0, 0, pos);
  out = bigger;
}

function byte(b: number): void {
  room(1);
  out[pos++] = b;
}

/** `s` holds only ASCII characters (the constant parts). */
function ascii(s: string): void {
  room(s.length);
  for (let i = 0; i < s.length; i++) out[pos++] = s.charCodeAt(i);
}

function int(n: number): void {
  if (!Number.isSafeInteger(n)) { ascii(String(n)); return; }
  room(17);
  if (n < 0) { out[pos++] = 0x2d; n = -n; }
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  for (let i = pos + digits - 1; i >= pos; i--) { out[i] = 0x30 + (n % 10); n = Math.floor(n / 10); }
  pos += digits;
}

const HEX = '0123456789ABCDEF';

/**
 * A JSON string as fastjson writes it, UTF-8 encoded: control characters, `"` and `\`, U+007F–U+009F
 * and U+2028/U+2029 escaped (`\u2028`); U+00A0 and `/` raw; a lone surrogate becomes U+FFFD, as
 * Buffer's UTF-8 encoder makes it. Checked against fastjson 1.2.69 (RocketMQ 4.9.7) and 1.2.83
 * (5.3.3) by test/cluster/java-crosscheck.test.ts. Written char by char: the properties string of
 * every message holds the 0x01/0x02 separators, so the escaping path is the common one.
 */
function quoted(v: string): void {
  room(v.length + 2);
  out[pos++] = 0x22;
  for (let i = 0; i < v.length; i++) {
    if (pos + 7 > out.length) room(7);
    const c = v.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      if (c === 0x22 || c === 0x5c) out[pos++] = 0x5c;
      out[pos++] = c;
    } else if (c < 0xa0) {
      out[pos++] = 0x5c;
      const short = c === 0x08 ? 0x62 : c === 0x09 ? 0x74 : c === 0x0a ? 0x6e : c === 0x0c ? 0x66 : c === 0x0d ? 0x72 : 0;
      if (short) out[pos++] = short;
      else { out[pos++] = 0x75; out[pos++] = 0x30; out[pos++] = 0x30; out[pos++] = HEX.charCodeAt(c >> 4); out[pos++] = HEX.charCodeAt(c & 15); }
    } else if (c < 0x800) {
      out[pos++] = 0xc0 | (c >> 6); out[pos++] = 0x80 | (c & 63);
    } else if (c === 0x2028 || c === 0x2029) {
      out[pos++] = 0x5c; out[pos++] = 0x75; out[pos++] = 0x32; out[pos++] = 0x30; out[pos++] = 0x32; out[pos++] = c === 0x2028 ? 0x38 : 0x39;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < v.length ? v.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        out[pos++] = 0xf0 | (cp >> 18); out[pos++] = 0x80 | ((cp >> 12) & 63); out[pos++] = 0x80 | ((cp >> 6) & 63); out[pos++] = 0x80 | (cp & 63);
        i++;
      } else {
        out[pos++] = 0xef; out[pos++] = 0xbf; out[pos++] = 0xbd;
      }
    } else {
      out[pos++] = 0xe0 | (c >> 12); out[pos++] = 0x80 | ((c >> 6) & 63); out[pos++] = 0x80 | (c & 63);
    }
  }
  room(1);
  out[pos++] = 0x22;
}

/**
 * Java peers write standard JSON with string extFields, which the engine's JSON.parse reads several
 * times faster than our lenient parser (header decoding is a hot path for the producer and the
 * capture decoder). Its result is used only when it cannot differ from the lenient one: numbers that
 * could lose precision, or anything fastjson-specific, fall back to the lenient parser.
 */
function fastParse(text: string): JsonObject | undefined {
  let v: unknown;
  try { v = JSON.parse(text); } catch { return undefined; }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (!safeNumber(o.code) || !safeNumber(o.flag) || !safeNumber(o.opaque) || !safeNumber(o.version)) return undefined;
  const ext = o.extFields;
  if (ext !== undefined && ext !== null) {
    if (typeof ext !== 'object' || Array.isArray(ext)) return undefined;
    for (const k in ext) if (typeof (ext as Record<string, unknown>)[k] !== 'string') return undefined;
  }
  return o as JsonObject;
}

const safeNumber = (n: unknown): boolean => typeof n !== 'number' || Number.isSafeInteger(n);

function intField(v: JsonObject, key: string, def: number, baseOffset: number): number {
  const x = v[key];
  if (x === undefined || x === null) return def;
  const n = typeof x === 'bigint' ? Number(BigInt.asIntN(32, x)) : typeof x === 'string' ? Number(x) : x;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new CodecError('invalid-header', `JSON header field "${key}" is not an integer: ${stringifyJsonValue(x)}`, baseOffset);
  }
  return n | 0;
}

/**
 * Reads a JSON header with fastjson's leniency: unknown keys ignored, missing keys defaulted, numbers
 * and booleans in extFields coerced to strings, language as name or ordinal (unknown names decode to
 * -1 with the raw name kept, where Java would decode null).
 */
export function decodeJsonHeader(bytes: Uint8Array, baseOffset = 0): Omit<RemotingCommand, 'serializeType' | 'body'> {
  const { serializeType: _s, body: _b, ...header } = decodeJsonCommand(bytes, baseOffset, null);
  return header;
}

/** The whole command of a JSON frame: its header bytes decoded, with the body passed through. */
export function decodeJsonCommand(bytes: Uint8Array, baseOffset: number, body: Uint8Array | null): RemotingCommand {
  const text = utf8Range(bytes, 0, bytes.length);
  const fast = fastParse(text);
  const v = fast ?? parseLenientJson(text, { baseOffset });
  if (!isJsonObject(v)) throw new CodecError('invalid-header', 'JSON header is not an object', baseOffset);

  let language = 0;
  let languageRaw: string | undefined;
  const lang = v.language;
  if (typeof lang === 'string') {
    const code = languageCodeOf(lang);
    if (code === undefined) { language = -1; languageRaw = lang; } else language = code;
  } else if (typeof lang === 'number') {
    language = lang;
  }

  const remark = v.remark;
  let extFields: Record<string, string> | null = null;
  const ext = v.extFields;
  if (isJsonObject(ext) && fast !== undefined) {
    // JSON.parse's own object, all values strings (fastParse checked): adopted, not copied
    extFields = Object.setPrototypeOf(ext, null) as Record<string, string>;
  } else if (isJsonObject(ext)) {
    extFields = Object.create(null) as Record<string, string>;
    for (const k in ext) {
      const val = ext[k];
      if (val === null) continue;
      extFields[k] = typeof val === 'string' ? val : stringifyJsonValue(val as JsonValue);
    }
  } else if (ext !== undefined && ext !== null) {
    throw new CodecError('invalid-header', 'JSON header field "extFields" is not an object', baseOffset);
  }

  const cmd: RemotingCommand = {
    code: intField(v, 'code', 0, baseOffset),
    language,
    version: intField(v, 'version', 0, baseOffset),
    opaque: intField(v, 'opaque', 0, baseOffset),
    flag: intField(v, 'flag', 0, baseOffset),
    remark: remark === undefined || remark === null ? null : typeof remark === 'string' ? remark : stringifyJsonValue(remark),
    extFields,
    serializeType: 'JSON',
    body,
  };
  if (languageRaw !== undefined) cmd.languageRaw = languageRaw;
  return cmd;
}
