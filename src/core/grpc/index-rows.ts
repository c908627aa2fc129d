/**
 * gRPC rows in the capture index, beside remoting frames (src/core/capture/protocols.ts: what the
 * columns mean for `grpc`): registerGrpcDecoding() taps every connection of every index pass with a
 * GrpcConnectionDecoder, and each call that ends appends its rows (requests, responses, paired) with
 * the call kept in `index.attached` for the details. The list, filters (proto=grpc), pairing,
 * latency, summary and details then treat them like remoting frames.
 */
import { CaptureIndex, ConnectionTap, registerConnectionTap } from '../capture/capture-index';
import { ProtocolId, registerProtocolRows } from '../capture/protocols';
import { FrameWarn } from '../capture/types';
import type { FrameDescription } from '../frame/frame-description';
import type { ConnInfo, StreamSink } from '../capture/tcp';
import { GrpcCall, GrpcConnection, GrpcConnectionDecoder } from './connection';
import { grpcRows, GrpcRow, inferMethod } from './capture';
import { connectionProtocol, describeGrpcRow, grpcStatusName, rocketmqStatus } from './describe';
import { decodeAs, messagingServiceMethods, rocketmqRoot } from './proto';
import * as protobuf from 'protobufjs/light';

/** Method ids for the code column: the MessagingService methods first, other paths as they appear. */
const METHODS: string[] = [];
const METHOD_IDS = new Map<string, number>();
function methodId(name: string): number {
  if (!METHODS.length) for (const m of messagingServiceMethods()) { METHOD_IDS.set(m, METHODS.length); METHODS.push(m); }
  let id = METHOD_IDS.get(name);
  if (id === undefined && METHODS.length < 10_000) { id = METHODS.length; METHOD_IDS.set(name, id); METHODS.push(name); }
  return id ?? -1;
}
export function grpcMethodName(id: number): string {
  if (!METHODS.length) methodId('QueryRoute');
  return METHODS[id] ?? 'unknown method';
}

const SERVICE_PREFIX = '/apache.rocketmq.v2.MessagingService/';

/**
 * The method ids a part of a Code filter names: a MessagingService method by short name
 * (`SendMessage`, any case) or full path (`/apache.rocketmq.v2.MessagingService/SendMessage`, the
 * leading slash optional), another path seen in a capture by its path; else every method whose short
 * name contains the part (`receive`), as a part of a remoting code name selects every code containing it.
 */
export function grpcMethodsNamed(part: string): number[] {
  if (!METHODS.length) methodId('QueryRoute');
  const p = part.trim();
  if (!p) return [];
  const path = p.startsWith('/') ? p : `/${p}`;
  const exact = METHODS.findIndex((m) => m.toLowerCase() === p.toLowerCase() || m === path || SERVICE_PREFIX + m === path);
  if (exact >= 0) return [exact];
  const needle = p.toLowerCase();
  const out: number[] = [];
  METHODS.forEach((m, id) => { if (!m.startsWith('/') && m.toLowerCase().includes(needle)) out.push(id); });
  return out;
}

let codeEnum: protobuf.Enum | undefined;
function v2CodeName(code: number): string {
  codeEnum ??= rocketmqRoot().lookupEnum('apache.rocketmq.v2.Code');
  return codeEnum.valuesById[code] ?? String(code);
}

/** The status column of a response row: gRPC status when not OK, else the RocketMQ Code in the message. */
function statusCode(call: GrpcCall, r: GrpcRow): number {
  if (call.grpcStatus !== undefined && call.grpcStatus !== 0) return call.grpcStatus;
  const st = rocketmqStatus(call, r.message);
  if (st) { const n = rocketmqRoot().lookupEnum('apache.rocketmq.v2.Code').values[st.code]; if (n !== undefined) return n; }
  return call.grpcStatus ?? -1;
}

/** The topic of a row's message, when its type has one (request topic, a message's topic). */
function topicOf(call: GrpcCall, r: GrpcRow): string | null {
  const t = r.dir === 0 ? call.method?.requestType : call.method?.responseType;
  if (!t || !r.message?.payload) return null;
  const d = decodeAs(t, r.message.payload);
  if (!d.ok) return null;
  const m = d.message as unknown as { topic?: { name?: string }; messages?: { topic?: { name?: string } }[]; message?: { topic?: { name?: string } }; message_queue?: { topic?: { name?: string } } };
  return m.topic?.name ?? m.messages?.[0]?.topic?.name ?? m.message?.topic?.name ?? m.message_queue?.topic?.name ?? null;
}

export interface AttachedGrpcRow { row: GrpcRow; connection: GrpcConnection }

function appendCall(ix: CaptureIndex, call: GrpcCall, conn: GrpcConnection): void {
  if (!call.method) inferMethod(call);
  const rows = grpcRows([call]);
  const base = ix.length;
  const method = call.method ? methodId(call.method.name) : call.path ? methodId(call.path) : -1;
  rows.forEach((r, k) => {
    const m = r.message;
    let warn = 0;
    if (m?.missing) warn |= FrameWarn.Gap;
    if (m?.truncated) warn |= FrameWarn.Truncated;
    // a stream's later request messages (Telemetry) pair with nothing by design: only a call without any answer is unanswered
    if (r.dir === 0 && r.pair === undefined && k === 0 && !rows.some((x) => x.dir === 1)) warn |= FrameWarn.Unanswered;
    if (r.dir === 1 && r.pair === undefined) warn |= FrameWarn.OrphanResponse;
    ix.appendRow({
      proto: ProtocolId.grpc, conn: call.conn, dir: r.dir, tsFirst: r.ts, tsLast: m ? m.tsLast : r.ts, posMin: 0, posMax: 0,
      size: m ? Math.max(0, m.wireLength) + 5 : 0, headerLen: m ? 5 : 0, missing: m?.missing ?? 0,
      code: r.dir === 0 ? method : statusCode(call, r), opaque: call.streamId, response: r.dir === 1, reqCode: method,
      topic: topicOf(call, r), warn, pair: r.dir === 1 && r.pair !== undefined ? base + r.pair : undefined,
      attached: { row: r, connection: conn } satisfies AttachedGrpcRow,
    });
  });
}

/** Records what the connection turned out to be in its index entry (the connection list's label). */
function markConnection(ix: CaptureIndex, c: GrpcConnection): void {
  const k = ix.conns[c.conn];
  const d = k && connectionProtocol(c);
  if (d) k.detected = d;
}

const tap: ConnectionTap = (info: ConnInfo, ix: CaptureIndex) => {
  const d = new GrpcConnectionDecoder(info, (call, conn) => { appendCall(ix, call, conn); markConnection(ix, conn); });
  // labelled once the first bytes decided what it is (TLS has no calls), again as calls end, and at the end
  let decided = false;
  const watch = (s: StreamSink): StreamSink => ({
    begin: (fromSyn) => s.begin(fromSyn),
    data: (buf, off, len, seq, ts, rec, recMin) => {
      s.data(buf, off, len, seq, ts, rec, recMin);
      if (!decided && d.out.kind !== 'other') { decided = true; markConnection(ix, d.out); }
    },
    gap: (n, seq, reason, ts, rec) => s.gap(n, seq, reason, ts, rec),
    end: (reason) => { s.end(reason); markConnection(ix, d.out); },
  });
  return [watch(d.sinks[0]), watch(d.sinks[1])];
};

let registered = false;
/** Every capture index pass (file, bytes, live) also decodes gRPC from now on. Idempotent. */
export function registerGrpcDecoding(): void {
  if (registered) return;
  registered = true;
  registerConnectionTap(tap);
  registerProtocolRows(ProtocolId.grpc, {
    codeName: (code, isResponse, reqCode) => grpcMethodName(isResponse ? reqCode : code),
    statusName: (code) => (code < 0 ? 'no status' : code === 0 ? 'OK (gRPC)' : code < 100 ? `gRPC ${grpcStatusName(code)}` : v2CodeName(code)),
    // MESSAGE_NOT_FOUND answers a long poll that found nothing: not an error (like PULL_NOT_FOUND for pulls)
    isError: (code, isResponse, reqCode) => isResponse && code > 0 && code !== 20000
      && !(code === 40401 && (grpcMethodName(reqCode) === 'ReceiveMessage' || grpcMethodName(reqCode) === 'PullMessage')),
    text: (ix, i) => grpcRowText(ix, i),
    codesNamed: grpcMethodsNamed,
  });
}

/** The description of an indexed gRPC row (null when the row is not one). */
export function describeIndexedGrpc(ix: CaptureIndex, i: number): FrameDescription | null {
  const a = ix.attached.get(i) as AttachedGrpcRow | undefined;
  return a ? describeGrpcRow(a.row) : null;
}

/** What content search looks in: every field row, property and body text of the row's description. */
export function grpcRowText(ix: CaptureIndex, i: number): string {
  const d = describeIndexedGrpc(ix, i);
  if (!d) return '';
  const parts: string[] = [d.title];
  const walk = (secs: typeof d.sections) => {
    for (const s of secs) {
      for (const r of s.rows ?? []) parts.push(r.key, r.value);
      if (s.text) parts.push(s.text);
      if (s.children) walk(s.children);
    }
  };
  walk(d.sections);
  for (const p of d.properties) parts.push(p.key, p.value);
  if (d.body?.text) parts.push(d.body.text);
  return parts.join('\n');
}

/** The message bytes of an indexed gRPC row (inflated), for hex views and copying. */
export function grpcRowBytes(ix: CaptureIndex, i: number): Uint8Array {
  const a = ix.attached.get(i) as AttachedGrpcRow | undefined;
  return a?.row.message?.payload ?? new Uint8Array(0);
}
