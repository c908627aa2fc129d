/**
 * THE stats engine: summary statistics of an index — frames by code, errors, unanswered requests,
 * latency percentiles. Used by the CLI summary (`formatSummary`, `--stats-json`) and by the
 * inspector's expert summary (view-model.ts), so both print the same numbers for one capture.
 *
 * - Errors are error responses as errors.ts defines them (`isErrorResponseCode`).
 * - Latency of a pair: the response's first byte − the request's last byte (CaptureIndex.latencyUs),
 *   counted on the response, grouped by the request code.
 * - Percentiles are nearest-rank (`percentile`): the smallest observed latency with at least p·n of
 *   the n observations at or below it. Always a latency that was actually measured (no value is
 *   invented between two observations), p100 is the maximum, and on few samples it does not
 *   pretend a precision the capture does not have.
 */
import { requestCodeName, responseCodeName } from '../remoting/codes';
import { CaptureIndex, connectionKindLabel, formatEndpoint } from './capture-index';
import { isErrorResponseCode } from './errors';
import { protocolRows } from './protocols';
import { FRAME_WARN_LABELS, FrameWarn } from './types';

export interface CodeStats {
  code: number;
  name: string;
  requests: number;
  responses: number;
  oneway: number;
  errors: number;
  unanswered: number;
  bytes: number;
  latencyUs: LatencySummary | null;
}

export interface CaptureStats {
  packets: number;
  frames: number;
  connections: number;
  rocketmqConnections: number;
  durationUs: number;
  byCode: CodeStats[];
  errorResponses: { code: number; name: string; requestCode: number | null; count: number }[];
  unanswered: number;
  orphanResponses: number;
  warningsByLabel: Record<string, number>;
  captureWarnings: Record<string, number>;
}

/**
 * Nearest-rank percentile of ascending `sorted` values, 0 < p ≤ 1: the value at rank ⌈p·n⌉ (1-based),
 * i.e. the smallest value with at least p·n values at or below it. 0 for no values.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  return sorted[percentileIndex(n, p)];
}

/**
 * Where `percentile` reads: the 0-based position of the nearest-rank p-percentile among n ascending
 * values (n ≥ 1). For callers that select that element instead of sorting everything (the
 * inspector's timeline, per bucket), so both give the same value.
 */
export function percentileIndex(n: number, p: number): number {
  // p·n computed in integer-friendly steps: 0.29·100 is 28.999999999999996 in floating point
  const rank = Math.ceil(Math.round(p * n * 1e9) / 1e9);
  return Math.min(n - 1, Math.max(0, rank - 1));
}

export interface LatencySummary { count: number; p50: number; p90: number; p99: number; max: number }

/** Latency summary (µs) of unsorted samples. */
export function latencySummary(samples: ArrayLike<number>): LatencySummary | null {
  if (samples.length === 0) return null;
  const a = Float64Array.from(samples).sort();
  return { count: a.length, p50: percentile(a, 0.5), p90: percentile(a, 0.9), p99: percentile(a, 0.99), max: a[a.length - 1] };
}

export function computeStats(ix: CaptureIndex): CaptureStats {
  const c = ix.cols;
  const by = new Map<number, CodeStats & { lat: number[] }>();
  const errs = new Map<string, { code: number; name: string; requestCode: number | null; count: number }>();
  const warnCounts: Record<string, number> = {};
  let unanswered = 0, orphans = 0;
  // another protocol's rows (gRPC) count under their own names, apart from remoting codes
  const get = (code: number, proto = 0) => {
    const key = proto ? -(proto * 1_000_000) - 10 - code : code;
    let s = by.get(key);
    const other = proto ? protocolRows(proto) : undefined;
    if (!s) { s = { code, name: other ? other.codeName(code, false, code) : code < 0 ? 'UNDECODABLE' : requestCodeName(code), requests: 0, responses: 0, oneway: 0, errors: 0, unanswered: 0, bytes: 0, latencyUs: null, lat: [] }; by.set(key, s); }
    return s;
  };
  for (let i = 0; i < c.n; i++) {
    const resp = (c.flag[i] & 1) !== 0;
    const w = c.warn[i];
    if (w) for (const [bit, label] of FRAME_WARN_LABELS) if (w & bit) warnCounts[label] = (warnCounts[label] ?? 0) + 1;
    if (w & FrameWarn.OrphanResponse) orphans++;
    if (c.code[i] === -1 && (w & FrameWarn.UndecodableHeader)) { get(-1).requests++; continue; }
    const other = c.proto[i] ? protocolRows(c.proto[i]) : undefined;
    if (other) {
      const s = get(c.reqCode[i], c.proto[i]);
      s.bytes += c.size[i];
      if (!resp) {
        s.requests++;
        if (w & FrameWarn.Unanswered) { s.unanswered++; unanswered++; }
        continue;
      }
      s.responses++;
      if (other.isError(c.code[i], true, c.reqCode[i])) {
        s.errors++;
        const key = `p${c.proto[i]}/${c.code[i]}/${c.reqCode[i]}`;
        const e = errs.get(key) ?? { code: c.code[i], name: other.statusName(c.code[i], c.reqCode[i]), requestCode: null, count: 0 };
        e.count++;
        errs.set(key, e);
      }
      const l = ix.latencyUs(i);
      if (l !== null) s.lat.push(l);
      continue;
    }
    if (!resp) {
      const s = get(c.code[i]);
      s.requests++;
      s.bytes += c.size[i];
      if (c.flag[i] & 2) s.oneway++;
      if (w & FrameWarn.Unanswered) { s.unanswered++; unanswered++; }
    } else {
      const rc = c.reqCode[i];
      const s = get(rc >= 0 ? rc : -2);
      if (rc < 0) s.name = 'response without request';
      s.responses++;
      s.bytes += c.size[i];
      const code = c.code[i];
      if (isErrorResponseCode(code, rc)) {
        s.errors++;
        const key = `${code}/${rc}`;
        const e = errs.get(key) ?? { code, name: responseCodeName(code, rc >= 0 ? rc : undefined), requestCode: rc >= 0 ? rc : null, count: 0 };
        e.count++;
        errs.set(key, e);
      }
      const l = ix.latencyUs(i);
      if (l !== null) s.lat.push(l);
    }
  }
  const byCode = [...by.values()].map(({ lat, ...s }) => {
    s.latencyUs = latencySummary(lat);
    return s;
  }).sort((a, b) => b.requests + b.responses - (a.requests + a.responses));
  return {
    packets: ix.packets,
    frames: c.n,
    connections: ix.conns.filter(Boolean).length,
    // remoting, and RocketMQ gRPC (the Proxy's clients) where a decoder recognised it
    rocketmqConnections: ix.conns.filter((k) => k?.rocketmq || k?.detected?.rocketmq).length,
    durationUs: ix.lastUs - ix.firstUs,
    byCode,
    errorResponses: [...errs.values()].sort((a, b) => b.count - a.count),
    unanswered,
    orphanResponses: orphans,
    warningsByLabel: warnCounts,
    captureWarnings: Object.fromEntries(ix.warnings.counts),
  };
}

/** A latency in µs as the CLI summary prints it. */
export function formatLatencyUs(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)}s`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(2)}ms`;
  return `${v.toFixed(0)}µs`;
}

/** Human-readable summary text (CLI). */
export function formatSummary(ix: CaptureIndex, s = computeStats(ix)): string {
  const L: string[] = [];
  L.push(`Capture: ${ix.source.path ?? '(memory)'} (${ix.source.format ?? '?'}${ix.source.gzip ? ', gzip' : ''}), ${s.packets} packets, ${(s.durationUs / 1e6).toFixed(3)} s`);
  L.push(`Frames: ${s.frames} in ${s.rocketmqConnections} RocketMQ connection(s) of ${s.connections} TCP connection(s)`);
  L.push('');
  L.push('Connections:');
  // another protocol's rows (gRPC) per connection and direction: its connections carry no remoting frame
  const rows = new Map<number, [number, number]>();
  for (let i = 0; i < ix.cols.n; i++) {
    if (ix.cols.proto[i] === 0) continue;
    const r = rows.get(ix.cols.conn[i]) ?? [0, 0];
    r[ix.cols.dir[i]]++;
    rows.set(ix.cols.conn[i], r);
  }
  for (const k of ix.conns) {
    if (!k) continue;
    if (!k.rocketmq && !k.detected && ix.conns.length > 50) continue;
    L.push(`  #${k.id} ${formatEndpoint(k.client, k.clientPort)} → ${formatEndpoint(k.server, k.serverPort)}  ${connectionKindLabel(k)}  ${rows.has(k.id) && !k.rocketmq ? `rows ${rows.get(k.id)![0]}/${rows.get(k.id)![1]}` : `frames ${k.frames[0]}/${k.frames[1]}`}  bytes ${k.bytes[0]}/${k.bytes[1]}${k.closed ? `  ${k.closed}` : ''}${k.sawSyn ? '' : '  (started before capture)'}${k.gapBytes ? `  gaps ${k.gapBytes} B` : ''}`);
  }
  L.push('');
  L.push('Frames by code (requests / responses, errors, unanswered, latency p50 / p90 / p99 / max, nearest-rank):');
  for (const b of s.byCode) {
    const us = formatLatencyUs;
    const lat = b.latencyUs ? `  ${us(b.latencyUs.p50)} / ${us(b.latencyUs.p90)} / ${us(b.latencyUs.p99)} / ${us(b.latencyUs.max)} (n=${b.latencyUs.count})` : '';
    L.push(`  ${b.code >= 0 ? String(b.code).padStart(5) : '    ?'} ${b.name.padEnd(34)} ${String(b.requests).padStart(7)} / ${String(b.responses).padEnd(7)}${b.oneway ? ` oneway ${b.oneway}` : ''}${b.errors ? ` errors ${b.errors}` : ''}${b.unanswered ? ` unanswered ${b.unanswered}` : ''}${lat}`);
  }
  if (s.errorResponses.length) {
    L.push('');
    L.push('Error responses:');
    for (const e of s.errorResponses) L.push(`  ${e.code} ${e.name}${e.requestCode !== null ? ` (to ${requestCodeName(e.requestCode)})` : ''}: ${e.count}`);
  }
  L.push('');
  L.push(`Unanswered requests: ${s.unanswered}; responses without request: ${s.orphanResponses}`);
  const fw = Object.entries(s.warningsByLabel);
  if (fw.length) L.push(`Frame warnings: ${fw.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const cw = Object.entries(s.captureWarnings);
  if (cw.length) {
    L.push(`Capture warnings: ${cw.map(([k, v]) => `${k} ${v}`).join(', ')}`);
    for (const w of ix.warnings.items.slice(0, 20)) L.push(`  [${w.kind}] ${w.message}${w.fileOffset !== undefined ? ` @${w.fileOffset}` : ''}${w.conn !== undefined ? ` conn #${w.conn}${w.dir !== undefined ? (w.dir ? ' s2c' : ' c2s') : ''}` : ''}`);
    if (ix.warnings.items.length > 20) L.push(`  … ${ix.warnings.total - 20} more`);
  }
  return L.join('\n');
}
