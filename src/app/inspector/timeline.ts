/**
 * The inspector's timeline: frames per time bucket, error frames and unanswered requests among them,
 * and the latency of the busiest request codes per bucket — computed from the index's typed columns
 * (tsFirst, tsLast, flag, code, reqCode, pair, warn, proto) in one pass into a fixed number of
 * buckets, so a million-frame capture costs milliseconds and the webview receives a few thousand
 * numbers, never frames.
 *
 * The definitions are the core's, so the picture and the list agree:
 * - error frames as the filter's `error` (errors.ts isErrorFrame: error responses, the requests they
 *   answer, damaged frames); unanswered requests by the index's `unanswered` warning (counted apart
 *   only when not an error frame too, so the stacked bar never counts a frame twice);
 * - latency of a pair as the stats engine counts it: on the response (response first byte − request
 *   last byte), grouped by request code; p50 is stats.ts's nearest rank: the element at
 *   `percentileIndex` (where `percentile` reads in the sorted values), found by selection rather
 *   than by sorting each bucket — the same value, in linear time (sorting was half the cost);
 * - times are first bytes (tsFirst), the column `time>=` / `time<=` filter on; bucket edges count
 *   from the range start, which for the whole capture is captureOriginUs — the zero of relative times.
 *
 * Plain Node: no vscode import.
 */
import { CaptureIndex, captureOriginUs } from '../../core/capture/capture-index';
import { ERROR_WARNINGS, isErrorFrame } from '../../core/capture/errors';
import { percentileIndex } from '../../core/capture/stats';
import { protocolName, protocolRows } from '../../core/capture/protocols';
import { FrameWarn } from '../../core/capture/types';
import { requestCodeName } from '../../core/remoting/codes';
import type { TimelineData, TimelineSeries } from '../../shared/inspector-protocol';

export interface TimelineRequest {
  /** The range (µs since the epoch); default: the capture's origin to its last frame. */
  fromUs?: number;
  toUs?: number;
  /** At most this many buckets (the width is rounded up to 1, 2 or 5 × 10^k µs). */
  buckets: number;
  /** How many request codes get a latency line (the ones with the most pairs in the range). */
  topCodes?: number;
}

export const DEFAULT_TOP_CODES = 4;

/** The smallest 1, 2 or 5 × 10^k µs (at least 1 µs) that is ≥ `us`: bucket edges at readable times. */
export function niceBucketUs(us: number): number {
  if (!(us > 1)) return 1;
  const p = 10 ** Math.floor(Math.log10(us));
  for (const m of [1, 2, 5, 10]) if (m * p >= us * (1 - 1e-12)) return m * p;
  return 10 * p;
}

/** Latencies (µs) of one request code, with the bucket each was answered in. Grows by doubling. */
class CodeSamples {
  n = 0;
  lat = new Float64Array(64);
  bucket = new Uint16Array(64);
  constructor(readonly key: number, readonly proto: number, readonly code: number) {}
  push(l: number, k: number): void {
    if (this.n === this.lat.length) {
      const lat = new Float64Array(this.n * 2); lat.set(this.lat); this.lat = lat;
      const b = new Uint16Array(this.n * 2); b.set(this.bucket); this.bucket = b;
    }
    this.lat[this.n] = l;
    this.bucket[this.n++] = k;
  }
}

/** Remoting request codes below this are looked up in an array (the rest, and gRPC methods, in a Map). */
const DIRECT_CODES = 4096;

export function computeTimeline(ix: CaptureIndex, req: TimelineRequest): TimelineData {
  const t0 = performance.now();
  const c = ix.cols;
  const n = ix.length;
  const ts = c.tsFirst;
  const originUs = captureOriginUs(ix);
  let from = req.fromUs;
  let to = req.toUs;
  if (from === undefined || to === undefined) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) { const t = ts[i]; if (t < lo) lo = t; if (t > hi) hi = t; }
    if (from === undefined) from = n ? Math.min(originUs, lo) : originUs;
    if (to === undefined) to = n ? hi : from;
  }
  if (to < from) to = from;
  const maxBuckets = Math.max(1, Math.min(65535, Math.floor(req.buckets)));
  const bucketUs = niceBucketUs((to - from) / maxBuckets);
  const nb = Math.max(1, Math.min(maxBuckets, Math.ceil((to - from) / bucketUs)));
  const inv = 1 / bucketUs;
  const frames = new Uint32Array(nb), errors = new Uint32Array(nb), unanswered = new Uint32Array(nb);
  const direct: (CodeSamples | undefined)[] = new Array(DIRECT_CODES);
  const other = new Map<number, CodeSamples>();
  const { flag, code, reqCode, pair, warn, proto, tsLast } = c;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const t = ts[i];
    if (t < from || t > to) continue;
    let k = ((t - from) * inv) | 0;
    if (k >= nb) k = nb - 1;
    total++;
    frames[k]++;
    const w = warn[i];
    const resp = (flag[i] & 1) !== 0;
    const p = pair[i];
    // The common case — a remoting frame of a SUCCESS exchange, undamaged — is no error frame by
    // errors.ts's definition; everything else asks that definition.
    const plain = proto[i] === 0 && (w & ERROR_WARNINGS) === 0 && (resp ? code[i] === 0 : p < 0 || code[p] === 0);
    if (!plain && isErrorFrame(ix, i)) errors[k]++;
    else if (w & FrameWarn.Unanswered) unanswered[k]++;
    if (!resp || p < 0) continue;
    const rq = reqCode[i];
    const pr = proto[i];
    let s: CodeSamples | undefined;
    if (pr === 0 && rq >= 0 && rq < DIRECT_CODES) {
      s = direct[rq];
      if (!s) s = direct[rq] = new CodeSamples(rq, 0, rq);
    } else {
      // the same keys as computeStats: another protocol's codes apart from remoting's
      const key = pr ? -(pr * 1_000_000) - 10 - rq : rq;
      s = other.get(key);
      if (!s) other.set(key, s = new CodeSamples(key, pr, rq));
    }
    s.push(t - tsLast[p], k);
  }
  const all: CodeSamples[] = [];
  for (const s of direct) if (s) all.push(s);
  for (const s of other.values()) all.push(s);
  all.sort((a, b) => b.n - a.n || a.key - b.key);
  const series = all.slice(0, req.topCodes ?? DEFAULT_TOP_CODES).map((s) => seriesOf(s, nb));
  return {
    fromUs: from, toUs: to, bucketUs, originUs,
    frames: Array.from(frames), errors: Array.from(errors), unanswered: Array.from(unanswered),
    series, total, indexed: n, ms: performance.now() - t0,
  };
}

/** Per bucket p50 (nearest rank, stats.ts) and max of one code's latencies: grouped by bucket, the p50 selected in each group. */
function seriesOf(s: CodeSamples, nb: number): TimelineSeries {
  const start = new Uint32Array(nb + 1);
  for (let j = 0; j < s.n; j++) start[s.bucket[j] + 1]++;
  for (let k = 0; k < nb; k++) start[k + 1] += start[k];
  const sorted = new Float64Array(s.n);
  const at = start.slice(0, nb);
  for (let j = 0; j < s.n; j++) sorted[at[s.bucket[j]]++] = s.lat[j];
  const p50Us: (number | null)[] = new Array(nb).fill(null);
  const maxUs: (number | null)[] = new Array(nb).fill(null);
  for (let k = 0; k < nb; k++) {
    if (start[k + 1] === start[k]) continue;
    const g = sorted.subarray(start[k], start[k + 1]);
    let max = g[0];
    for (let j = 1; j < g.length; j++) if (g[j] > max) max = g[j];
    p50Us[k] = selectNth(g, percentileIndex(g.length, 0.5));
    maxUs[k] = max;
  }
  const rows = s.proto ? protocolRows(s.proto) : undefined;
  return {
    code: s.code, protocol: protocolName(s.proto), name: rows ? rows.codeName(s.code, false, s.code) : requestCodeName(s.code),
    pairs: s.n, p50Us, maxUs,
  };
}

/**
 * The value that would be at position `nth` (0-based) if `a` were sorted ascending: Hoare's
 * quickselect with a median-of-three pivot, reordering `a` in place. Linear on average.
 */
export function selectNth(a: Float64Array, nth: number): number {
  let lo = 0, hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three as the pivot: sorted inputs stay linear
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { swap(a, i, j); i++; j--; }
    }
    if (nth <= j) hi = j;
    else if (nth >= i) lo = i;
    else return a[nth];
  }
  return a[nth];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]; a[i] = a[j]; a[j] = t;
}

/**
 * The session's last timeline, reused while the index and the request are unchanged (the webview asks
 * again on every progress while a capture grows, at most once a second; a finished capture's answer
 * stays valid).
 */
export class TimelineCache {
  private last: { key: string; data: TimelineData } | null = null;
  constructor(private readonly ix: CaptureIndex) {}
  get(req: TimelineRequest): TimelineData {
    const key = `${req.fromUs}|${req.toUs}|${req.buckets}|${req.topCodes}|${this.ix.length}|${this.ix.state}|${this.ix.firstUs}`;
    if (this.last?.key !== key) this.last = { key, data: computeTimeline(this.ix, req) };
    return this.last.data;
  }
}
