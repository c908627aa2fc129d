import { RemotingCommand } from './command';
import { languageCodeOf, languageName, unknownName } from './codes';
import { CodecError } from './errors';
import { isJsonObject, JsonObject, JsonValue, parseLenientJson, stringifyJsonValue } from './lenient-json';
import { javaHashMapOrder } from './java-hashmap-order';

/**
 * The JSON header, written exactly as fastjson 1.2.83 writes a RemotingCommand (protocol.md §1.3):
 * keys alphabetical, null members left out, the language as its enum name, `serializeTypeCurrentRPC`
 * present, extFields in Java HashMap iteration order, Java's string escaping.
 */
export function encodeJsonHeader(cmd: RemotingCommand): Buffer {
  let s = `{"code":${cmd.code}`;
  if (cmd.extFields) {
    const keys = javaHashMapOrder(Object.keys(cmd.extFields));
    s += ',"extFields":{';
    s += keys.map((k) => `${quoteJava(k)}:${quoteJava(cmd.extFields![k])}`).join(',');
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
  return Buffer.from(s, 'utf8');
}

const HEX = '0123456789ABCDEF';

/**
 * fastjson's default escaping: control characters, `"` and `\`, U+007F–U+009F and U+2028/U+2029 (as
 * `\u2028`/`\u2029`); U+00A0 and `/` stay raw. Checked against fastjson 1.2.69 (RocketMQ 4.9.7) and
 * 1.2.83 (5.3.3) by test/cluster/java-crosscheck.test.ts.
 */
export function quoteJava(v: string): string {
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

const NUMERIC_FIELDS = ['code', 'flag', 'opaque', 'version'] as const;

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
  for (const k of NUMERIC_FIELDS) {
    const n = o[k];
    if (typeof n === 'number' && !Number.isSafeInteger(n)) return undefined;
  }
  const ext = o.extFields;
  if (ext !== undefined && ext !== null) {
    if (typeof ext !== 'object' || Array.isArray(ext)) return undefined;
    for (const val of Object.values(ext as Record<string, unknown>)) if (typeof val !== 'string') return undefined;
  }
  return o as JsonObject;
}

/**
 * Reads a JSON header with fastjson's leniency: unknown keys ignored, missing keys defaulted, numbers
 * and booleans in extFields coerced to strings, language as name or ordinal (unknown names decode to
 * -1 with the raw name kept, where Java would decode null).
 */
export function decodeJsonHeader(bytes: Uint8Array, baseOffset = 0): Omit<RemotingCommand, 'serializeType' | 'body'> {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const v = fastParse(text) ?? parseLenientJson(text, { baseOffset });
  if (!isJsonObject(v)) throw new CodecError('invalid-header', 'JSON header is not an object', baseOffset);

  const int = (key: string, def: number): number => {
    const x = v[key];
    if (x === undefined || x === null) return def;
    const n = typeof x === 'bigint' ? Number(BigInt.asIntN(32, x)) : typeof x === 'string' ? Number(x) : x;
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      throw new CodecError('invalid-header', `JSON header field "${key}" is not an integer: ${stringifyJsonValue(x)}`, baseOffset);
    }
    return n | 0;
  };

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
  if (isJsonObject(ext)) {
    extFields = Object.create(null) as Record<string, string>;
    for (const k of Object.keys(ext)) {
      const val = ext[k];
      if (val === null) continue;
      extFields[k] = typeof val === 'string' ? val : stringifyJsonValue(val as JsonValue);
    }
  } else if (ext !== undefined && ext !== null) {
    throw new CodecError('invalid-header', 'JSON header field "extFields" is not an object', baseOffset);
  }

  const cmd: Omit<RemotingCommand, 'serializeType' | 'body'> = {
    code: int('code', 0),
    language,
    version: int('version', 0),
    opaque: int('opaque', 0),
    flag: int('flag', 0),
    remark: remark === undefined || remark === null ? null : typeof remark === 'string' ? remark : stringifyJsonValue(remark),
    extFields,
  };
  if (languageRaw !== undefined) cmd.languageRaw = languageRaw;
  return cmd;
}
