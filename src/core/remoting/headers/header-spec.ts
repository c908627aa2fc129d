/**
 * Typed RemotingCommand headers: a header is the extFields map of a request or response, every
 * value a string on the wire (JSON: a string member; ROCKETMQ binary: a length-prefixed string).
 * Each code family declares its header once, in its own file of this folder, with the wire layout
 * as that file's first comment; the producer and queries encode with the declaration
 * ({@link encodeHeader}), every view checks and names fields with it ({@link headerProblems}).
 *
 * Java's CommandCustomHeader classes are the reference: field names are the Java field names, and
 * `required` marks the @CFNotNull fields, which a broker's decodeCommandCustomHeader refuses to miss.
 */
import { CodecError } from '../errors';

export type HeaderFieldType = 'string' | 'int' | 'long' | 'bool';

export interface HeaderField {
  /** The key on the wire. */
  readonly key: string;
  readonly type: HeaderFieldType;
  /** @CFNotNull in Java: a server refuses the request without it. */
  readonly required?: boolean;
  /** The name shown to people when it differs from the key (`brokerName` for `bname`). */
  readonly name?: string;
}

export interface HeaderSpec {
  /** The Java class (what a reader searches RocketMQ's sources for). */
  readonly javaClass: string;
  readonly fields: readonly HeaderField[];
}

export type HeaderValue = string | number | bigint | boolean | null | undefined;

const INT = /^-?\d+$/;

/** Why `value` is not of `type` (null when it is). Java parses int/long with Integer/Long.parseLong, bool with Boolean.parseBoolean (anything not "true" is false). */
export function valueProblem(type: HeaderFieldType, value: string): string | null {
  switch (type) {
    case 'string': return null;
    case 'bool': return /^(true|false)$/i.test(value) ? null : 'not true/false (Java reads it as false)';
    case 'int': {
      if (!INT.test(value)) return 'not an int';
      const n = Number(value);
      return n >= -(2 ** 31) && n <= 2 ** 31 - 1 ? null : 'outside the int range';
    }
    case 'long': {
      if (!INT.test(value)) return 'not a long';
      const n = BigInt(value);
      return n >= -(2n ** 63n) && n <= 2n ** 63n - 1n ? null : 'outside the long range';
    }
  }
}

/**
 * The extFields for `values` (keyed by the field's key). Unset values are left out, as Java leaves
 * out null fields. A required field without a value, a value name the header does not have, or a
 * value of the wrong type is a CodecError 'unencodable': a bug in the caller, caught before sending.
 */
export function encodeHeader(spec: HeaderSpec, values: Readonly<Record<string, HeaderValue>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(values)) {
    if (!spec.fields.some((f) => f.key === k)) throw new CodecError('unencodable', `${spec.javaClass} has no field ${k}`, 0);
  }
  for (const f of spec.fields) {
    const v = values[f.key];
    if (v === undefined || v === null) {
      if (f.required) throw new CodecError('unencodable', `${spec.javaClass}.${f.key} is required`, 0);
      continue;
    }
    const text = String(v);
    const problem = valueProblem(f.type, text);
    if (problem) throw new CodecError('unencodable', `${spec.javaClass}.${f.key} = ${JSON.stringify(text)}: ${problem}`, 0);
    out[f.key] = text;
  }
  return out;
}

/** What a decoded header's extFields break of its declaration: missing required fields, values of the wrong type. */
export function headerProblems(spec: HeaderSpec, ext: Readonly<Record<string, string>>): { key: string; problem: string }[] {
  const out: { key: string; problem: string }[] = [];
  for (const f of spec.fields) {
    const v = ext[f.key];
    if (v === undefined || v === null) {
      if (f.required) out.push({ key: f.key, problem: `required by ${spec.javaClass}, missing` });
      continue;
    }
    const p = valueProblem(f.type, v);
    if (p) out.push({ key: f.key, problem: `${f.type}: ${p}` });
  }
  return out;
}
