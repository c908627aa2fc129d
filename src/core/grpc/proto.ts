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
