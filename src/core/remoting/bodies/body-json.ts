import { CodecError } from '../errors';
import { isJsonObject, JsonObject, JsonValue, parseLenientJson } from '../lenient-json';

/** Parses a body as fastjson JSON; bodies arrive as bytes (from frames) or text (from files). */
export function parseBodyJson(body: Uint8Array | string | null, what: string): JsonObject {
  if (body === null || body.length === 0) throw new CodecError('invalid-body', `${what}: empty body`, 0);
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  const v = parseLenientJson(text);
  if (!isJsonObject(v)) throw new CodecError('invalid-body', `${what}: body is not a JSON object`, 0);
  return v;
}

/** Small typed readers that name the path of a field that has the wrong shape. */
export class Fields {
  constructor(private readonly o: JsonObject, private readonly path: string) {}

  private bad(key: string, expected: string): never {
    throw new CodecError('invalid-body', `${this.path}.${key}: expected ${expected}`, 0);
  }
  str(key: string): string {
    const v = this.o[key];
    if (typeof v === 'string') return v;
    return this.bad(key, 'a string');
  }
  optStr(key: string): string | undefined {
    const v = this.o[key];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : this.bad(key, 'a string');
  }
  int(key: string, def?: number): number {
    const v = this.o[key];
    if ((v === undefined || v === null) && def !== undefined) return def;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
    return this.bad(key, 'an integer');
  }
  optInt(key: string): number | undefined {
    const v = this.o[key];
    return v === undefined || v === null ? undefined : this.int(key);
  }
  /** Any JSON number (fastjson writes doubles such as consumeTps as `0.1`). */
  num(key: string, def?: number): number {
    const v = this.o[key];
    if ((v === undefined || v === null) && def !== undefined) return def;
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    return this.bad(key, 'a number');
  }
  bool(key: string, def: boolean): boolean {
    return this.optBool(key) ?? def;
  }
  /** An array of strings (other members are a shape error). */
  strList(key: string): string[] {
    return this.arr(key, []).map((x, i) => (typeof x === 'string' ? x : this.bad(`${key}[${i}]`, 'a string')));
  }
  optBool(key: string): boolean | undefined {
    const v = this.o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    return this.bad(key, 'a boolean');
  }
  arr(key: string, def?: JsonValue[]): JsonValue[] {
    const v = this.o[key];
    if ((v === undefined || v === null) && def) return def;
    return Array.isArray(v) ? v : this.bad(key, 'an array');
  }
  obj(key: string, def?: JsonObject): JsonObject {
    const v = this.o[key];
    if ((v === undefined || v === null) && def) return def;
    return isJsonObject(v) ? v : this.bad(key, 'an object');
  }
  child(v: JsonValue, name: string): Fields {
    if (!isJsonObject(v)) throw new CodecError('invalid-body', `${this.path}.${name}: expected an object`, 0);
    return new Fields(v, `${this.path}.${name}`);
  }
}
