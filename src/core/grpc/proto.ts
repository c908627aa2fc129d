/**
 * The apache.rocketmq.v2 protocol (vendored .proto files, compiled to a protobufjs JSON descriptor in
 * rocketmq-v2-descriptor.ts) and protobuf decoding with protobufjs: by method for known RPCs, and a
 * schema-less wire-format reading for messages whose type is not known (the method was lost with the
 * HPACK state, or another service).
 */
import * as protobuf from 'protobufjs/light';
import { ROCKETMQ_V2_DESCRIPTOR } from './rocketmq-v2-descriptor';

export const ROCKETMQ_PACKAGE = 'apache.rocketmq.v2';

let root: protobuf.Root | undefined;
/** The protobufjs root of apache.rocketmq.v2 (built once). */
export function rocketmqRoot(): protobuf.Root {
  if (!root) {
    root = protobuf.Root.fromJSON(ROCKETMQ_V2_DESCRIPTOR as protobuf.INamespace);
    root.resolveAll();
  }
  return root;
}

export interface GrpcMethod {
  /** '/apache.rocketmq.v2.MessagingService/SendMessage' */
  path: string;
  /** 'apache.rocketmq.v2.MessagingService' */
  service: string;
  /** 'SendMessage' */
  name: string;
  /** Fully qualified protobuf types; undefined for services we have no definitions for. */
  requestType?: protobuf.Type;
  responseType?: protobuf.Type;
  requestStream: boolean;
  responseStream: boolean;
}

const methodCache = new Map<string, GrpcMethod | null>();

/** A gRPC path ('/package.Service/Method') and, for the RocketMQ services, its message types. */
export function methodOf(path: string): GrpcMethod | null {
  const hit = methodCache.get(path);
  if (hit !== undefined) return hit;
  const m = /^\/([^/]+)\/([^/]+)$/.exec(path);
  let out: GrpcMethod | null = null;
  if (m) {
    out = { path, service: m[1], name: m[2], requestStream: false, responseStream: false };
    try {
      const svc = rocketmqRoot().lookup(m[1]);
      if (svc instanceof protobuf.Service) {
        const rpc = svc.methods[m[2]];
        if (rpc) {
          rpc.resolve();
          out.requestType = rpc.resolvedRequestType ?? undefined;
          out.responseType = rpc.resolvedResponseType ?? undefined;
          out.requestStream = !!rpc.requestStream;
          out.responseStream = !!rpc.responseStream;
        }
      }
    } catch { /* not ours */ }
  }
  if (methodCache.size < 1000) methodCache.set(path, out);
  return out;
}

/** Every RPC of apache.rocketmq.v2.MessagingService in the definitions (for tests and help texts). */
export function messagingServiceMethods(): string[] {
  const svc = rocketmqRoot().lookupService(`${ROCKETMQ_PACKAGE}.MessagingService`);
  return Object.keys(svc.methods);
}

export type DecodeResult = { ok: true; message: protobuf.Message } | { ok: false; error: string };

/** Decodes protobuf bytes as `type`; a malformed message is an error result, never an exception. */
export function decodeAs(type: protobuf.Type, bytes: Uint8Array): DecodeResult {
  try {
    return { ok: true, message: type.decode(bytes) };
  } catch (e) {
    return { ok: false, error: `not a valid ${type.fullName.replace(/^\./, '')}: ${(e as Error).message}` };
  }
}

/** One field read without a schema: number, wire type, and the value as far as the wire says. */
export interface RawField {
  field: number;
  wireType: 'varint' | 'fixed64' | 'bytes' | 'fixed32' | 'group';
  /** varint/fixed: the number (exact, as text); bytes: text when printable, else hex. */
  value: string;
  /** bytes that parse as a protobuf message themselves (a guess: shown as such, labelled). */
  nested?: RawField[];
  bytes?: Uint8Array;
}

const printable = (b: Uint8Array): string | null => {
  try {
    const t = new TextDecoder('utf-8', { fatal: true }).decode(b);
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(t) ? null : t;
  } catch { return null; }
};

/**
 * Reads protobuf wire format without a schema (depth-limited). Returns null when the bytes are not a
 * well-formed sequence of fields (so the caller shows them as binary instead).
 */
export function decodeRawFields(b: Uint8Array, depth = 0): RawField[] | null {
  const r = protobuf.Reader.create(b);
  const out: RawField[] = [];
  try {
    while (r.pos < r.len) {
      const tag = r.uint32();
      const field = tag >>> 3;
      const wt = tag & 7;
      if (field === 0) return null;
      if (wt === 0) out.push({ field, wireType: 'varint', value: r.uint64().toString() });
      else if (wt === 1) out.push({ field, wireType: 'fixed64', value: r.fixed64().toString() });
      else if (wt === 5) out.push({ field, wireType: 'fixed32', value: String(r.fixed32()) });
      else if (wt === 2) {
        const bytes = r.bytes();
        const f: RawField = { field, wireType: 'bytes', value: '', bytes };
        const t = printable(bytes);
        const nested = depth < 8 && bytes.length > 0 && t === null ? decodeRawFields(bytes, depth + 1) : null;
        if (nested) f.nested = nested;
        f.value = t !== null ? t : Buffer.from(bytes.subarray(0, 64)).toString('hex') + (bytes.length > 64 ? '…' : '');
        out.push(f);
      } else if (wt === 3) { r.skipType(3); out.push({ field, wireType: 'group', value: '' }); }
      else return null;
      if (out.length > 10_000) return out;
    }
  } catch {
    return null;
  }
  return out;
}

const WIRE_OK: Record<RawField['wireType'], ReadonlySet<string>> = {
  varint: new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool']),
  fixed64: new Set(['fixed64', 'sfixed64', 'double']),
  fixed32: new Set(['fixed32', 'sfixed32', 'float']),
  bytes: new Set(['string', 'bytes']),
  group: new Set(),
};

/**
 * How well raw fields fit a type, recursively: the number of fields explained, or -1 when a field
 * number or wire type does not exist in the type. Used to name a message whose method is unknown.
 */
function fitScore(type: protobuf.Type, raw: RawField[], depth = 0): number {
  let score = 0;
  for (const f of raw) {
    const field = type.fieldsById[f.field];
    if (!field) return -1;
    field.resolve();
    const rt = field.resolvedType;
    if (f.wireType === 'bytes') {
      if (field.map) { score++; continue; }
      if (rt instanceof protobuf.Type) {
        if (f.nested && depth < 6) {
          const s = fitScore(rt, f.nested, depth + 1);
          if (s < 0) return -1;
          score += 1 + s;
        } else if (f.bytes && f.bytes.length && !f.nested) {
          // bytes that do not parse as fields cannot be this message (printable text can: a string-only message)
          if (printable(f.bytes) === null) return -1;
          score++;
        } else score++;
        continue;
      }
      // packed repeated scalars also come as bytes
      if (WIRE_OK.bytes.has(field.type) || (field.repeated && (rt instanceof protobuf.Enum || WIRE_OK.varint.has(field.type) || WIRE_OK.fixed32.has(field.type) || WIRE_OK.fixed64.has(field.type)))) { score++; continue; }
      return -1;
    }
    if (f.wireType === 'varint' && rt instanceof protobuf.Enum) { score++; continue; }
    if (WIRE_OK[f.wireType].has(field.type)) { score++; continue; }
    return -1;
  }
  return score;
}

/**
 * The RocketMQ methods whose request (dir 0) or response (dir 1) type fits the bytes best (several
 * when they fit equally well, e.g. responses that hold only a status). Empty when none fits.
 */
export function inferMethods(payload: Uint8Array, dir: 0 | 1): GrpcMethod[] {
  const raw = decodeRawFields(payload);
  if (!raw || !raw.length) return [];
  let best = 0;
  let out: GrpcMethod[] = [];
  for (const name of messagingServiceMethods()) {
    const m = methodOf(`/${ROCKETMQ_PACKAGE}.MessagingService/${name}`);
    const t = dir === 0 ? m?.requestType : m?.responseType;
    if (!m || !t) continue;
    const s = fitScore(t, raw);
    if (s <= 0 || s < best) continue;
    if (s > best) { best = s; out = []; }
    out.push(m);
  }
  return out;
}
