/**
 * The inspector's host-side view of a capture: which frames are in the list (filter) and in which
 * order (sort), rows by range, expert summary. Works on the index's typed columns only — no object
 * per frame — so a million frames filter and sort in well under two seconds.
 *
 * The view is a permutation of frame numbers (`Uint32Array`), or `null` meaning "all frames in
 * capture order" (nothing materialized; the common case while indexing).
 *
 * Plain Node: no vscode import.
 */
import { CaptureIndex, captureOriginUs, formatEndpoint } from '../../core/capture/capture-index';
import { compileFilter, ContentMatches, FrameFilter, isEmptyFilter, parseCodeList } from '../../core/capture/filter';
import { computeStats } from '../../core/capture/stats';
import { FrameWarn, FRAME_WARN_LABELS, warnLabels } from '../../core/capture/types';
import { protocolId, protocolName, protocolRows } from '../../core/capture/protocols';
import { requestCodeName, responseCodeName } from '../../core/remoting/codes';
import type {
  ExpertItem, ExpertSummary, FilterSpec, FrameRow, LatencyStat, SortSpec,
} from '../../shared/inspector-protocol';

export const DEFAULT_SORT: SortSpec = { column: 'index', descending: false };

/** Content-search results by free-text term (the session's cache), for the filter's Text field. */
export type ContentLookup = (term: string) => ContentMatches | undefined;
/** The frames of a doctor finding by its id (the session's last report). */
export type EvidenceLookup = (id: string) => { has(i: number): boolean } | undefined;

export class InspectorModel {
  private order: Uint32Array | null = null;
  /** Frames [0, scanned) have been considered for the current view. */
  private scanned = 0;
  private sort: SortSpec = DEFAULT_SORT;
  private filter: FilterSpec = {};
  private matcher: ((i: number) => boolean) | null = null;
  /** Sort is not by capture order: new frames are added at `finish()`, not as they arrive. */
  private stale = false;
  private readonly warnLabelCache = new Map<number, string[]>();
  private readonly connLabels = new Map<number, string>();

  constructor(readonly index: CaptureIndex) {}

  get length(): number { return this.order ? this.order.length : this.index.length; }
  get currentSort(): SortSpec { return this.sort; }
  get currentFilter(): FilterSpec { return this.filter; }

  /** Time of the first frame (µs), the origin of relative times. */
  get originUs(): number {
    return captureOriginUs(this.index);
  }

  /** "client:port → server:port" (connections are in the index from their first packet; endpoints never change). */
  connLabel(conn: number): string {
    let l = this.connLabels.get(conn);
    if (l !== undefined) return l;
    const c = this.index.conns[conn];
    if (!c) return `connection ${conn}`;
    l = `${formatEndpoint(c.client, c.clientPort)} → ${formatEndpoint(c.server, c.serverPort)}`;
    this.connLabels.set(conn, l);
    return l;
  }

  /**
   * Sets sort and filter; returns the new number of frames in view. `content`: the session's
   * content-search results (search.ts) for the Text field; without them Text matches the index
   * strings only.
   */
  setView(sort: SortSpec, filter: FilterSpec, content?: ContentLookup, evidence?: EvidenceLookup): number {
    this.sort = sort;
    this.filter = filter;
    this.matcher = buildMatcher(this, filter, content, evidence);
    this.rebuild();
    return this.length;
  }

  private rebuild(): void {
    const n = this.index.length;
    const identity = !this.matcher && this.sort.column === 'index' && !this.sort.descending;
    if (identity) { this.order = null; this.scanned = n; this.stale = false; return; }
    let sel: Uint32Array;
    if (this.matcher) {
      const tmp = new Uint32Array(n);
      let k = 0;
      const m = this.matcher;
      for (let i = 0; i < n; i++) if (m(i)) tmp[k++] = i;
      sel = tmp.slice(0, k);
    } else {
      sel = new Uint32Array(n);
      for (let i = 0; i < n; i++) sel[i] = i;
    }
    this.scanned = n;
    this.order = sortFrames(this, sel, this.sort);
    this.stale = false;
  }

  /** Frames were appended to the index (indexing in progress): extend the view cheaply. */
  grow(): void {
    const n = this.index.length;
    if (this.scanned >= n) return;
    if (!this.order) { this.scanned = n; return; }
    if (this.sort.column !== 'index' || this.sort.descending) { this.stale = true; return; }
    const m = this.matcher;
    const add: number[] = [];
    for (let i = this.scanned; i < n; i++) if (!m || m(i)) add.push(i);
    this.scanned = n;
    if (add.length) {
      const next = new Uint32Array(this.order.length + add.length);
      next.set(this.order);
      next.set(add, this.order.length);
      this.order = next;
    }
  }

  /** Indexing finished: pairing and warnings may have changed old frames; recompute the view. */
  finish(): void {
    if (this.order || this.stale || this.matcher) this.rebuild();
    else this.scanned = this.index.length;
  }

  frameAt(position: number): number {
    return this.order ? this.order[position] : position;
  }

  /** Position of a frame in the current view, -1 when filtered out. */
  locate(frame: number): number {
    if (frame >= this.index.length) return -1;
    if (!this.order) return frame;
    const o = this.order;
    for (let k = 0; k < o.length; k++) if (o[k] === frame) return k;
    return -1;
  }

  rows(start: number, count: number): FrameRow[] {
    const end = Math.min(this.length, start + count);
    const out: FrameRow[] = [];
    for (let p = start; p < end; p++) out.push(this.row(this.frameAt(p)));
    return out;
  }

  warnLabels(mask: number): string[] {
    let l = this.warnLabelCache.get(mask);
    if (!l) { l = warnLabels(mask); this.warnLabelCache.set(mask, l); }
    return l;
  }

  codeName(i: number): string {
    const c = this.index.cols;
    const resp = (c.flag[i] & 1) !== 0;
    const other = protocolRows(c.proto[i]);
    if (other) return other.codeName(c.code[i], resp, c.reqCode[i]);
    if (c.code[i] === -1 && (c.warn[i] & FrameWarn.UndecodableHeader)) return '(undecodable)';
    if (!resp) return requestCodeName(c.code[i]);
    return c.reqCode[i] >= 0 ? requestCodeName(c.reqCode[i]) : '(response)';
  }

  status(i: number): string | null {
    const c = this.index.cols;
    const resp = (c.flag[i] & 1) !== 0;
    const other = protocolRows(c.proto[i]);
    if (other) {
      if (resp) return other.statusName(c.code[i], c.reqCode[i]);
      const q = c.pair[i];
      return q >= 0 ? other.statusName(c.code[q], c.reqCode[q]) : null;
    }
    if (resp) return responseCodeName(c.code[i], c.reqCode[i] >= 0 ? c.reqCode[i] : undefined);
    const p = c.pair[i];
    if (p >= 0) return responseCodeName(c.code[p], c.code[i]);
    return null;
  }

  /** For another protocol's rows: whether the status shown (the row's, or its answer's) is an error answer. */
  private statusError(i: number): { statusError?: boolean } {
    const c = this.index.cols;
    const other = protocolRows(c.proto[i]);
    if (!other) return {};
    const st = c.flag[i] & 1 ? i : c.pair[i];
    return { statusError: st >= 0 && other.isError(c.code[st], true, c.reqCode[st]) };
  }

  row(i: number): FrameRow {
    const ix = this.index;
    const c = ix.cols;
    const resp = (c.flag[i] & 1) !== 0;
    return {
      frame: i,
      protocol: protocolName(c.proto[i]),
      timeUs: c.tsFirst[i],
      conn: c.conn[i],
      connLabel: this.connLabel(c.conn[i]),
      dir: c.dir[i] === 0 ? 'c2s' : 's2c',
      code: c.code[i],
      codeName: this.codeName(i),
      opaque: c.opaque[i],
      flag: c.flag[i],
      response: resp,
      oneway: !resp && (c.flag[i] & 2) !== 0,
      topic: ix.topicOf(i),
      status: this.status(i),
      ...this.statusError(i),
      latencyUs: ix.latencyUs(i),
      size: c.size[i],
      warnings: this.warnLabels(c.warn[i]),
      pair: c.pair[i] >= 0 ? c.pair[i] : null,
    };
  }

  /**
   * The expert summary. Error counts and latency percentiles come from the core stats engine
   * (computeStats: errors as errors.ts defines them, nearest-rank percentiles), the same numbers the
   * CLI summary prints.
   */
  summary(): ExpertSummary {
    const ix = this.index;
    const c = ix.cols;
    const n = ix.length;
    const st = computeStats(ix);
    let slow = 0;
    for (let i = 0; i < n; i++) {
      if (!(c.flag[i] & 1)) continue;
      const l = ix.latencyUs(i);
      if (l !== null && l > 1e6) slow++;
    }
    const items: ExpertItem[] = [];
    const byLabel = new Map(FRAME_WARN_LABELS.map(([bit, label]) => [bit, label]));
    const w = (bit: number) => st.warningsByLabel[byLabel.get(bit) ?? ''] ?? 0;
    const push = (label: string, count: number, filter: FilterSpec, severity: ExpertItem['severity']) => { if (count > 0) items.push({ label, count, filter, severity }); };
    push('Unanswered requests', w(FrameWarn.Unanswered), { warning: 'unanswered' }, 'warning');
    const errs = new Map<string, { code: number; name: string; count: number }>();
    for (const e of st.errorResponses) {
      const key = `${e.code} ${e.name}`;
      const x = errs.get(key) ?? { code: e.code, name: e.name, count: 0 };
      x.count += e.count;
      errs.set(key, x);
    }
    for (const e of [...errs.values()].sort((a, b) => b.count - a.count)) {
      push(`Error responses: ${e.name} (${e.code})`, e.count, { responseCode: e.code, kind: 'responses', errorsOnly: true }, 'error');
    }
    push('Responses without a request in the capture', w(FrameWarn.OrphanResponse), { warning: 'orphan-response' }, 'info');
    push('Frames with TCP gaps (missing bytes)', w(FrameWarn.Gap), { warning: 'gap' }, 'error');
    push('Frames after skipped stream bytes', w(FrameWarn.SkippedBefore), { warning: 'skipped-bytes-before' }, 'warning');
    push('Truncated frames', w(FrameWarn.Truncated), { warning: 'truncated' }, 'warning');
    push('Oversize frames (length above 16 MiB)', w(FrameWarn.Oversize), { warning: 'oversize' }, 'error');
    push('Undecodable headers', w(FrameWarn.UndecodableHeader), { warning: 'undecodable-header' }, 'error');
    push('Frames cut by the capture snaplen', w(FrameWarn.Snaplen), { warning: 'snaplen-truncated' }, 'warning');
    push('Retransmissions with different bytes', w(FrameWarn.RetransmitMismatch), { warning: 'retransmit-mismatch' }, 'warning');
    push('Responses to oneway requests', w(FrameWarn.ResponseToOneway), { warning: 'response-to-oneway' }, 'warning');
    push('Latency above 1 s', slow, { latencyAboveMs: 1000 }, 'warning');
    const latency: LatencyStat[] = [];
    for (const b of st.byCode) {
      const l = b.latencyUs;
      if (!l) continue;
      latency.push({ code: b.code, codeName: b.code >= 0 ? b.name : '(unknown)', count: l.count, p50Ms: l.p50 / 1000, p90Ms: l.p90 / 1000, p99Ms: l.p99 / 1000, maxMs: l.max / 1000 });
    }
    latency.sort((a, b) => b.count - a.count);
    let gapBytes = 0;
    for (const cs of ix.conns) if (cs) gapBytes += cs.gapBytes;
    const captureWarnings = [...ix.warnings.counts].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count);
    if (gapBytes > 0) captureWarnings.unshift({ kind: `tcp: ${gapBytes} bytes never captured`, count: gapBytes });
    const conns = new Set<number>();
    for (let i = 0; i < n; i++) conns.add(c.conn[i]);
    // every connection by what it carried: remoting, what another decoder recognised (gRPC, TLS), other
    const kinds = new Map<string, number>();
    for (const k of ix.conns) {
      if (!k) continue;
      const label = k.rocketmq ? 'RocketMQ remoting' : k.detected?.kind ?? 'other TCP';
      kinds.set(label, (kinds.get(label) ?? 0) + 1);
    }
    const connectionKinds = [...kinds].map(([label, count]) => ({ label, count }))
      .sort((a, b) => Number(a.label === 'other TCP') - Number(b.label === 'other TCP') || (a.label < b.label ? -1 : 1));
    return { frames: n, connections: conns.size, items, latency, captureWarnings, doctor: null, connectionKinds };
  }
}

/**
 * The inspector's FilterSpec as the core filter (src/core/capture/filter.ts), which does all the
 * matching for the CLI and the inspector alike:
 *   code → request codes (names, numbers, part of a name), response code names, and other protocols'
 *   methods (gRPC: short name, full path, part of a name) (a list that names nothing matches nothing);
 *   kind; errorsOnly → error frames (errors.ts); topic → topic containing, case-insensitive; opaque;
 *   conn; timeFromSec / timeToSec → the CLI's time>= / time<= with a time into the capture (first byte
 *   within [origin + from, origin + to], captureOriginUs); latencyAboveMs; warning → a label, or 'any';
 *   responseCode → status; text → one
 *   free-text term (trimmed): index strings, and frame contents when the session searched them;
 *   evidence → the frames of that doctor finding (none when the report does not know the id).
 */
export function filterFromSpec(f: FilterSpec, evidence?: EvidenceLookup): FrameFilter {
  const out: FrameFilter = {};
  if (f.code !== undefined && f.code.trim()) {
    const l = parseCodeList(f.code);
    if (l.codes.length === 0 && l.responseCodes.length === 0 && Object.keys(l.protocolCodes).length === 0) out.none = true;
    out.codes = l.codes;
    out.responseCodes = l.responseCodes;
    out.protocolCodes = l.protocolCodes;
  }
  if (f.kind === 'requests') out.kind = 'request';
  if (f.kind === 'responses') out.kind = 'response';
  if (f.errorsOnly) out.errorsOnly = true;
  if (f.topic) out.topicContains = f.topic;
  if (f.opaque !== undefined) out.opaque = f.opaque;
  if (f.conn !== undefined) out.conn = f.conn;
  if (f.protocol !== undefined) {
    const id = protocolId(f.protocol);
    if (id === undefined) out.none = true;
    else out.protocol = id;
  }
  if (f.timeFromSec !== undefined) out.fromOffsetUs = f.timeFromSec * 1e6;
  if (f.timeToSec !== undefined) out.toOffsetUs = f.timeToSec * 1e6;
  if (f.latencyAboveMs !== undefined) out.latencyAboveUs = f.latencyAboveMs * 1000;
  if (f.warning) {
    if (f.warning === 'any') out.anyWarning = true;
    else {
      const bit = FRAME_WARN_LABELS.find(([, l]) => l === f.warning)?.[0];
      if (bit === undefined) out.none = true;
      else out.warnMask = bit;
    }
  }
  if (f.responseCode !== undefined) out.status = [f.responseCode];
  const text = f.text?.trim();
  if (text) out.text = [text];
  if (f.evidence) {
    const frames = evidence?.(f.evidence);
    if (frames) out.frames = frames; else out.none = true;
  }
  return out;
}

/** Compiles a FilterSpec into a predicate over frame numbers (null: matches everything). */
export function buildMatcher(m: InspectorModel, f: FilterSpec, content?: ContentLookup, evidence?: EvidenceLookup): ((i: number) => boolean) | null {
  const ff = filterFromSpec(f, evidence);
  if (isEmptyFilter(ff)) return null;
  return compileFilter(m.index, ff, { content });
}

/** Sorts frame numbers in place by a column (ties by frame number, so sorting is stable). */
export function sortFrames(m: InspectorModel, sel: Uint32Array, sort: SortSpec): Uint32Array {
  const ix = m.index;
  const c = ix.cols;
  let key: Float64Array | null = null;
  const n = ix.length;
  const col = (f: (i: number) => number) => { const k = new Float64Array(n); for (let j = 0; j < sel.length; j++) k[sel[j]] = f(sel[j]); return k; };
  switch (sort.column) {
    case 'index': break;
    case 'time': key = col((i) => c.tsFirst[i]); break;
    case 'conn': key = col((i) => c.conn[i]); break;
    case 'dir': key = col((i) => c.dir[i]); break;
    case 'code': {
      const rank = rankStrings((i) => m.codeName(i), sel, (i) => ((c.reqCode[i] & 0xffff) * 65536 + (c.code[i] & 0xffff)) * 2 + (c.flag[i] & 1));
      key = col(rank);
      break;
    }
    case 'status': {
      const rank = rankStrings((i) => m.status(i) ?? '', sel, (i) => {
        const p = c.pair[i];
        const rc = c.flag[i] & 1 ? c.code[i] : p >= 0 ? c.code[p] : 0x7fff;
        return (rc & 0xffff) * 2 + (p >= 0 || c.flag[i] & 1 ? 1 : 0);
      });
      key = col(rank);
      break;
    }
    case 'opaque': key = col((i) => c.opaque[i]); break;
    case 'flag': key = col((i) => c.flag[i]); break;
    case 'topic': {
      const names = ix.topics.names;
      const order = names.map((_, t) => t).sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
      const rank = new Float64Array(names.length);
      order.forEach((t, r) => { rank[t] = r; });
      key = col((i) => (c.topic[i] >= 0 ? rank[c.topic[i]] : -1));
      break;
    }
    case 'latency': key = col((i) => { const l = ix.latencyUs(i); return l === null ? (sort.descending ? -Infinity : Infinity) : l; }); break;
    case 'size': key = col((i) => c.size[i]); break;
    case 'warnings': key = col((i) => c.warn[i]); break;
  }
  const dirm = sort.descending ? -1 : 1;
  if (!key) {
    if (sort.descending) sel.reverse();
    return sel;
  }
  const k = key;
  return sel.sort((a, b) => (k[a] - k[b]) * dirm || a - b);
}

/** Ranks distinct strings (computed once per distinct numeric key) in alphabetical order. */
function rankStrings(label: (i: number) => string, sel: Uint32Array, keyOf: (i: number) => number): (i: number) => number {
  const byKey = new Map<number, string>();
  for (let j = 0; j < sel.length; j++) { const i = sel[j]; const k = keyOf(i); if (!byKey.has(k)) byKey.set(k, label(i)); }
  const distinct = [...new Set(byKey.values())].sort();
  const rankOf = new Map(distinct.map((s, r) => [s, r]));
  const keyRank = new Map<number, number>();
  for (const [k, s] of byKey) keyRank.set(k, rankOf.get(s)!);
  return (i) => keyRank.get(keyOf(i)) ?? 0;
}
