import { CodecError } from './errors';

/**
 * JSON as fastjson writes and reads it. RocketMQ bodies are not always standard JSON: fastjson writes
 * non-String map keys unquoted (`{0:"127.0.0.1:10911"}`) and object keys as objects
 * (`{{"brokerName":"b","queueId":0,"topic":"t"}:11110}`), and its parser also takes single quotes and
 * duplicate keys (last wins). `JSON.parse` rejects all of these (docs/protocol.md §4.2).
 *
 * Integers outside ±(2^53−1) come back as bigint so that commit-log offsets are never rounded.
 * Object keys that were objects or arrays become their canonical JSON text.
 */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject;
export interface JsonObject { [key: string]: JsonValue }

export interface LenientJsonOptions {
  /** Nesting limit: hostile input must not exhaust the stack. */
  maxDepth?: number;
  /** Added to error offsets, so callers can report positions in a larger buffer. */
  baseOffset?: number;
}

const DEFAULT_MAX_DEPTH = 256;

export function parseLenientJson(text: string, opts: LenientJsonOptions = {}): JsonValue {
  const p = new Parser(text, opts.maxDepth ?? DEFAULT_MAX_DEPTH, opts.baseOffset ?? 0);
  p.skipWs();
  const v = p.value(0);
  p.skipWs();
  if (p.pos < text.length) p.fail(`unexpected ${JSON.stringify(text[p.pos])} after the JSON value`);
  return v;
}

/** Canonical text of a parsed value: standard JSON, keys in their parsed order, bigints as digits. */
export function stringifyJsonValue(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stringifyJsonValue).join(',')}]`;
  return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${stringifyJsonValue(v[k])}`).join(',')}}`;
}

class Parser {
  pos = 0;
  constructor(private readonly s: string, private readonly maxDepth: number, private readonly base: number) {}

  fail(msg: string): never {
    throw new CodecError('invalid-json', `invalid JSON: ${msg}`, this.base + this.byteOffset(this.pos));
  }

  /** Offsets are reported in UTF-8 bytes, like every other offset in the codec. */
  private byteOffset(charPos: number): number {
    return Buffer.byteLength(this.s.slice(0, charPos), 'utf8');
  }

  skipWs(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x08) this.pos++;
      else break;
    }
  }

  value(depth: number): JsonValue {
    if (depth > this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth}`);
    const c = this.s[this.pos];
    switch (c) {
      case '{': return this.object(depth + 1);
      case '[': return this.array(depth + 1);
      case '"': case '\'': return this.string(c);
      case undefined: return this.fail('unexpected end of input');
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return this.number();
        return this.word();
    }
  }

  private object(depth: number): JsonObject {
    const obj: JsonObject = Object.create(null);
    this.pos++; // {
    this.skipWs();
    for (;;) {
      if (this.s[this.pos] === '}') { this.pos++; return obj; }
      const key = this.key(depth);
      this.skipWs();
      if (this.s[this.pos] !== ':') this.fail(`expected ':' after key ${JSON.stringify(key)}`);
      this.pos++;
      this.skipWs();
      obj[key] = this.value(depth);
      this.skipWs();
      const sep = this.s[this.pos];
      if (sep === ',') { this.pos++; this.skipWs(); continue; }
      if (sep === '}') { this.pos++; return obj; }
      this.fail(sep === undefined ? 'unterminated object' : `expected ',' or '}' but found ${JSON.stringify(sep)}`);
    }
  }

  private key(depth: number): string {
    const c = this.s[this.pos];
    if (c === '"' || c === '\'') return this.string(c);
    if (c === '{' || c === '[') return stringifyJsonValue(this.value(depth));
    // Bare key: fastjson's unquoted numbers and identifiers.
    const start = this.pos;
    while (this.pos < this.s.length && /[A-Za-z0-9_$.+\-]/.test(this.s[this.pos])) this.pos++;
    if (this.pos === start) this.fail(c === undefined ? 'unterminated object' : `unexpected ${JSON.stringify(c)} where a key was expected`);
    return this.s.slice(start, this.pos);
  }

  private array(depth: number): JsonValue[] {
    const arr: JsonValue[] = [];
    this.pos++; // [
    this.skipWs();
    for (;;) {
      if (this.s[this.pos] === ']') { this.pos++; return arr; }
      arr.push(this.value(depth));
      this.skipWs();
      const sep = this.s[this.pos];
      if (sep === ',') { this.pos++; this.skipWs(); continue; }
      if (sep === ']') { this.pos++; return arr; }
      this.fail(sep === undefined ? 'unterminated array' : `expected ',' or ']' but found ${JSON.stringify(sep)}`);
    }
  }

  private string(quote: string): string {
    const s = this.s;
    let i = ++this.pos;
    // Fast path: no escapes.
    const end = s.indexOf(quote, i);
    if (end < 0) this.fail('unterminated string');
    const bs = s.indexOf('\\', i);
    if (bs < 0 || bs > end) { this.pos = end + 1; return s.slice(i, end); }
    let out = '';
    for (;;) {
      if (i >= s.length) { this.pos = i; this.fail('unterminated string'); }
      const ch = s[i];
      if (ch === quote) { this.pos = i + 1; return out; }
      if (ch !== '\\') { out += ch; i++; continue; }
      const e = s[i + 1];
      i += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\'': out += '\''; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'v': out += '\v'; break; // fastjson writes \v in some modes
        case '0': out += '\0'; break;
        case 'x': {
          const hex = s.slice(i, i + 2);
          if (!/^[0-9a-fA-F]{2}$/.test(hex)) { this.pos = i; this.fail('bad \\x escape'); }
          out += String.fromCharCode(parseInt(hex, 16)); i += 2; break;
        }
        case 'u': {
          const hex = s.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) { this.pos = i; this.fail('bad \\u escape'); }
          out += String.fromCharCode(parseInt(hex, 16)); i += 4; break;
        }
        default:
          this.pos = i - 1;
          this.fail(e === undefined ? 'unterminated string' : `bad escape \\${e}`);
      }
    }
  }

  private number(): number | bigint {
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.pos, this.pos + 400));
    if (!m) this.fail('bad number');
    this.pos += m[0].length;
    // Java longs may carry an L suffix in fastjson's non-standard output.
    if (this.s[this.pos] === 'L') this.pos++;
    if (!m[1] && !m[2]) {
      const n = Number(m[0]);
      return Number.isSafeInteger(n) ? n : BigInt(m[0]);
    }
    return Number(m[0]);
  }

  private word(): JsonValue {
    for (const [w, v] of [['true', true], ['false', false], ['null', null], ['undefined', null]] as const) {
      if (this.s.startsWith(w, this.pos)) { this.pos += w.length; return v; }
    }
    return this.fail(`unexpected ${JSON.stringify(this.s[this.pos])}`);
  }
}

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
