import { RemotingCommand } from './command';
import { languageCodeOf, languageName, unknownName } from './codes';
import { CodecError } from './errors';
import { isJsonObject, JsonObject, JsonValue, parseLenientJson, stringifyJsonValue } from './lenient-json';
import { javaHashMapOrderShared } from './java-hashmap-order';
import { utf8Range } from './utf8';

/**
 * The JSON header, written exactly as fastjson 1.2.83 writes a RemotingCommand (protocol.md §1.3):
 * keys alphabetical, null members left out, the language as its enum name, `serializeTypeCurrentRPC`
 * present, extFields in Java HashMap iteration order, Java's string escaping.
 */
export function encodeJsonHeader(cmd: RemotingCommand): Buffer {
  return Buffer.from(jsonHeaderText(cmd), 'utf8');
}

/** The JSON header as text (encodeFrame writes it straight into the frame). */
export function jsonHeaderText(cmd: RemotingCommand): string {
  let s = `{"code":${cmd.code}`;
  const ext = cmd.extFields;
  if (ext) {
    const keys = javaHashMapOrderShared(Object.keys(ext));
    s += ',"extFields":{';
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      s += `${i === 0 ? '' : ','}${quoteJava(k)}:${quoteJava(ext[k])}`;
    }
    s += '}';
  }
  s += `,"flag":${cmd.flag}`;
  const lang = cmd.language >= 0 ? languageName(cmd.language) : unknownName(cmd.language);
  // A language outside the table cannot be named; fastjson also reads a number as the enum ordinal.
  s += lang.startsWith('UNKNOWN(') ? `,"language":${cmd.language}` : `,"language":"${lang}"`;
  s += `,"opaque":${cmd.opaque}`;
  if (cmd.remark !== null) s += `,"remark":${quoteJava(cmd.remark)}`;
  s += ',"serializeTypeCurrentRPC":"JSON"';
  s += `,"version":${cmd.version}}`;
  return s;
}

/** Characters quoteJava must escape; most header strings have none and are copied as they are. */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\u007f-\u009f\u2028\u2029]/;

const HEX = '0123456789ABCDEF';

/**
 * fastjson's default escaping: control characters, `"` and `\`, U+007F–U+009F and U+2028/U+2029 (as
 * `\u2028`/`\u2029`); U+00A0 and `/` stay raw. Checked against fastjson 1.2.69 (RocketMQ 4.9.7) and
 * 1.2.83 (5.3.3) by test/cluster/java-crosscheck.test.ts.
 */
export function quoteJava(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return `"${v}"`;
  let out = '"';
  let from = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      switch (c) {
        case 0x08: rep = '\\b'; break;
        case 0x09: rep = '\\t'; break;
        case 0x0a: rep = '\\n'; break;
        case 0x0c: rep = '\\f'; break;
        case 0x0d: rep = '\\r'; break;
        default: rep = `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
      }
    } else if (c === 0x2028 || c === 0x2029) rep = c === 0x2028 ? '\\u2028' : '\\u2029';
    else if (c === 0x22) rep = '\\"';
    else if (c === 0x5c) rep = '\\\\';
    if (rep !== undefined) {
      out += v.slice(from, i) + rep;
      from = i + 1;
    }
  }
  return out + v.slice(from) + '"';
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
