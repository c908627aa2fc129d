/**
 * gRPC in a capture file: the capture's one pass (pcap/pcapng → IP → TCP reassembly, the same layers
 * as the remoting index) with a GrpcConnectionDecoder tapped onto every TCP connection. Connections
 * that are not HTTP/2 are dropped after their first bytes.
 */
import { indexCaptureBytes, indexCaptureFile, IndexOptions, CaptureIndex } from '../capture/capture-index';
import type { ConnInfo, StreamSink } from '../capture/tcp';
import { GrpcCall, GrpcConnection, GrpcConnectionDecoder, GrpcMessage } from './connection';
import { inferMethods } from './proto';

export interface GrpcCaptureResult {
  /** HTTP/2 and TLS connections (others are left out). */
  connections: GrpcConnection[];
  /** Every call, in the order its stream began. */
  calls: GrpcCall[];
}

/** Collects the gRPC side of a pass: give `tap` to the pass's options, read `result()` after it. */
export class GrpcCollector {
  private readonly decoders: GrpcConnectionDecoder[] = [];

  readonly tap = (info: ConnInfo): [StreamSink, StreamSink] => {
    const d = new GrpcConnectionDecoder(info);
    this.decoders.push(d);
    return d.sinks;
  };

  result(): GrpcCaptureResult {
    const connections = this.decoders.map((d) => d.out).filter((c) => c.kind !== 'other');
    const calls = connections.flatMap((c) => c.calls).sort((a, b) => a.tsStart - b.tsStart || a.conn - b.conn || a.streamId - b.streamId);
    for (const c of calls) if (!c.method) inferMethod(c);
    return { connections, calls };
  }
}

/** A call whose :path is unknown: name it by the shape of its first message (request first), when that is telling. */
export function inferMethod(c: GrpcCall): void {
  for (const [msgs, dir] of [[c.requests, 0], [c.responses, 1]] as const) {
    const m = msgs.find((x) => x.payload && x.payload.length && !x.missing);
    if (!m?.payload) continue;
    const fits = inferMethods(m.payload, dir);
    if (!fits.length) continue;
    c.inferred = fits.map((f) => f.name);
    if (fits.length === 1) c.method = fits[0];
    return;
  }
}

/** Reads a capture once: the remoting index and the gRPC calls. */
export async function decodeGrpcCapture(path: string, opts: IndexOptions = {}): Promise<{ index: CaptureIndex; grpc: GrpcCaptureResult }> {
  const g = new GrpcCollector();
  const index = await indexCaptureFile(path, { ...opts, tap: g.tap });
  return { index, grpc: g.result() };
}

/** One row per gRPC message (or per call without messages in a direction): what the inspector lists. */
export interface GrpcRow {
  call: GrpcCall;
  dir: 0 | 1;
  /** null: a headers-only row (a call whose request or response carried no message, e.g. an error). */
  message: GrpcMessage | null;
  ts: number;
  /** Request row this response row answers (index into the rows), or the response for a request row. */
  pair?: number;
  /** Response rows: µs from the request's first frame to this row's first frame. */
  latencyUs?: number;
}

/** Rows of calls: each message; a request or response that had none still gets one row (headers/status). */
export function grpcRows(calls: GrpcCall[]): GrpcRow[] {
  const rows: GrpcRow[] = [];
  for (const call of calls) {
    const reqRows: number[] = [];
    const reqs = call.requests.length ? call.requests : [null];
    if (!(call.headersMissing && !call.requests.length)) {
      for (const m of reqs) { reqRows.push(rows.length); rows.push({ call, dir: 0, message: m, ts: m ? m.tsFirst : call.tsStart }); }
    }
    const hasResponse = call.responses.length || call.tsResponseHeaders !== undefined || call.reset || call.grpcStatus !== undefined;
    const resps = call.responses.length ? call.responses : hasResponse ? [null] : [];
    for (const m of resps) {
      const ts = m ? m.tsFirst : (call.tsResponseHeaders ?? call.reset?.ts ?? call.tsEnd ?? call.tsStart);
      const r: GrpcRow = { call, dir: 1, message: m, ts };
      if (reqRows.length) {
        r.pair = reqRows[0];
        if (!call.headersMissing) r.latencyUs = ts - call.tsStart;
      }
      rows.push(r);
    }
    if (reqRows.length && resps.length) rows[reqRows[0]].pair = rows.length - resps.length;
  }
  // list order: by time, requests before responses at the same instant
  const order = rows.map((_, i) => i).sort((a, b) => rows[a].ts - rows[b].ts || rows[a].dir - rows[b].dir || a - b);
  const pos = new Map(order.map((i, k) => [i, k]));
  return order.map((i) => ({ ...rows[i], pair: rows[i].pair === undefined ? undefined : pos.get(rows[i].pair!) }));
}

/** The same for a capture held in memory (tests, fuzzing). */
export function decodeGrpcCaptureBytes(bytes: Uint8Array): { index: CaptureIndex; grpc: GrpcCaptureResult } {
  const g = new GrpcCollector();
  const index = indexCaptureBytes(bytes, { tap: g.tap });
  return { index, grpc: g.result() };
}
