/**
 * Layer 9: THE frame filter — one compiled matcher over the index columns, used by the CLI
 * (`capture FILE --filter "…"`, parsed by `parseFilter`) and by the inspector's filter bar (its
 * FilterSpec is translated into a `FrameFilter` by `filterFromSpec` in the inspector's view model).
 *
 * Syntax (CLI `--filter`, space-separated terms, all must match; see FILTER_SYNTAX in filter-help.ts):
 *   code=SEND_MESSAGE_V2,105      request codes by name or number — a request with that code or a
 *                                 response to one; part of a name ("PULL") means every request code
 *                                 whose name contains it; a response code *name* (TOPIC_NOT_EXIST)
 *                                 means responses with that code. These select remoting frames;
 *                                 another protocol's names select its rows (codesNamed in
 *                                 protocols.ts): code=SendMessage or the full path
 *                                 /apache.rocketmq.v2.MessagingService/SendMessage, gRPC calls of
 *                                 that method (requests and responses)
 *   status=17|TOPIC_NOT_EXIST     responses whose response code is one of these
 *   req | resp                    requests only / responses only
 *   error                         error frames, as errors.ts defines them: responses with a code
 *                                 other than SUCCESS (10–12 FLUSH_DISK_TIMEOUT / SLAVE_NOT_AVAILABLE /
 *                                 FLUSH_SLAVE_TIMEOUT included) except the normal-flow answers (19–21
 *                                 to pulls, 22 to lookups, 208/210 to pops), the requests they
 *                                 answer, and damaged frames (undecodable, truncated, gap, oversize)
 *   topic=TopicTest | topic~=test topic (exact) / topic containing (case-insensitive)
 *   opaque=123
 *   conn=3 | conn=127.0.0.1:10911 connection id or an endpoint (address or address:port)
 *   proto=remoting                frames of one protocol (protocols.ts)
 *   time=START..END               first byte within [START, END]: µs since epoch or ISO times; either side may be empty
 *   time>=T | time<=T             first byte at or after / at or before T: µs since epoch, an ISO time, or a
 *                                 time into the capture — a duration with a unit (1.5s, 250ms, 80us) or
 *                                 +SECONDS (+1.5) — counted from the capture's origin (captureOriginUs),
 *                                 the zero of the inspector's relative times; the inspector's time range
 *                                 (its From / To fields, a span brushed on its timeline) is this term
 *   latency>5ms                   paired frames (both sides) whose latency exceeds (units us, ms, s)
 *   warn | warn=gap | unanswered  frames with any / a given warning label
 *   frames=3,5-9                  these frame numbers (the doctor's evidence of a finding)
 *   text | "text with spaces"     free text (case-insensitive): code and status names, topic,
 *                                 endpoints, warning labels, opaque (whole number); and, when the
 *                                 caller ran a content search (search.ts) for the term, message keys,
 *                                 UNIQ_KEY / msgId, offsetMsgId, property values, header field values,
 *                                 remark and body text (inflated, batch entries, pulled messages). The
 *                                 response to a request whose content matches matches too.
 */
import { allRequestCodes, requestCodeName, requestCodeOf, responseCodeName, responseCodeOf } from '../remoting/codes';
import { CaptureIndex, captureOriginUs, formatEndpoint } from './capture-index';
import { isErrorFrame } from './errors';
import { FRAME_WARN_LABELS, FrameWarn, warnLabels } from './types';
import { InputError } from '../errors';
import { PROTOCOL_NAMES, ProtocolId, protocolId, protocolRows, registeredProtocolRows } from './protocols';

export interface FrameFilter {
  /** Request codes: requests with one of them, and responses to them. OR'ed with `responseCodes`. */
  codes?: number[];
  /** Response codes given by name in `code=`: responses with one of them. OR'ed with `codes`. */
  responseCodes?: number[];
  /**
   * Request codes of other protocols named in `code=` (protocols.ts `codesNamed`: gRPC method ids),
   * by protocol id: that protocol's requests with one of them and the responses to them. OR'ed with
   * `codes` and `responseCodes`, which select remoting frames only.
   */
  protocolCodes?: Record<number, number[]>;
  /** Responses whose code is one of these (`status=`; the inspector's responseCode). */
  status?: number[];
  kind?: 'request' | 'response';
  /** Error frames (errors.ts). */
  errorsOnly?: boolean;
  topic?: string;
  /** Topic containing this text, case-insensitive. */
  topicContains?: string;
  opaque?: number;
  conn?: number;
  endpoint?: string;
  /** Protocol id (protocols.ts). */
  protocol?: number;
  /** First byte of the frame at or after / at or before (µs since the epoch). */
  fromUs?: number;
  toUs?: number;
  /**
   * First byte of the frame at or after / at or before this many µs from the capture's origin
   * (captureOriginUs: the time the inspector's relative times count from), resolved when compiled.
   */
  fromOffsetUs?: number;
  toOffsetUs?: number;
  latencyAboveUs?: number;
  warnMask?: number;
  anyWarning?: boolean;
  /** Free-text terms; every one must match. */
  text?: string[];
  /** These frame numbers only (the doctor's evidence: `frames=3,5-9`). */
  frames?: { has(i: number): boolean };
  /** Matches no frame (a code name or warning label that names nothing). */
  none?: boolean;
}

/** Frame numbers of a `frames=` term: numbers and ranges (`3,5-9`), at most MAX_FRAME_TERMS of them. */
export function parseFrameList(text: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new FilterSyntaxError(`bad frame list ${JSON.stringify(text)}: give numbers and ranges like 3,5-9`);
    const a = Number(m[1]), b = m[2] !== undefined ? Number(m[2]) : a;
    if (b < a) throw new FilterSyntaxError(`bad frame range ${part}: the end is before the start`);
    if (b - a + out.size > MAX_FRAME_TERMS) throw new FilterSyntaxError(`frame list too long (more than ${MAX_FRAME_TERMS} frames)`);
    for (let i = a; i <= b; i++) out.add(i);
  }
  return out;
}

export const MAX_FRAME_TERMS = 1_000_000;

export class FilterSyntaxError extends InputError {
  override name = 'FilterSyntaxError';
  readonly kind = 'filter-syntax' as const;
}

/** Frames whose content contains a search term (search.ts). */
export interface ContentMatches {
  /** Frames [0, frames) were searched; later frames match on the index strings only. */
  readonly frames: number;
  has(i: number): boolean;
}

export interface CompileOptions {
  /** Content-search results by term (as given in `FrameFilter.text`); a term without one matches on the index strings only. */
  content?: (term: string) => ContentMatches | undefined;
}

function parseTime(s: string): number | undefined {
  if (!s) return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new FilterSyntaxError(`bad time ${JSON.stringify(s)}`);
  return t * 1000;
}

/**
 * One side of `time>=` / `time<=`: a time into the capture (a duration with a unit, or +SECONDS) as
 * `{ offsetUs }`, else an absolute time (µs since the epoch or ISO) as `{ us }`.
 */
function parseTimeBound(s: string): { us: number } | { offsetUs: number } {
  const rel = /^\+?(\d+(?:\.\d+)?)(us|µs|ms|s)$/.exec(s) ?? /^\+(\d+(?:\.\d+)?)()$/.exec(s);
  if (rel) return { offsetUs: rel[2] ? parseDuration(rel[1] + rel[2]) : Number(rel[1]) * 1e6 };
  const us = /^\d+(\.\d+)?$/.test(s) ? Number(s) : Date.parse(s) * 1000;
  if (!s || Number.isNaN(us)) throw new FilterSyntaxError(`bad time ${JSON.stringify(s)}: time>= and time<= need a time into the capture (1.5s, 250ms, 80us, +1.5), µs since the epoch or an ISO time`);
  return { us };
}

function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(us|µs|ms|s)?$/.exec(s);
  if (!m) throw new FilterSyntaxError(`bad duration ${JSON.stringify(s)}`);
  const v = Number(m[1]);
  return m[2] === 's' ? v * 1e6 : m[2] === 'us' || m[2] === 'µs' ? v : v * 1000;
}

export interface CodeList {
  /** Remoting request codes. */
  codes: number[];
  /** Remoting response codes. */
  responseCodes: number[];
  /** Other protocols' request codes (gRPC methods), by protocol id; only protocols with a match. */
  protocolCodes: Record<number, number[]>;
  /** Parts that name nothing. */
  unknown: string[];
}

/**
 * Parses a code list (`SEND_MESSAGE_V2, 105 | pull | SendMessage`): numbers are remoting request
 * codes; names are remoting request or response code names, a part of a name every remoting request
 * code whose name contains it; and every other protocol's names as its `codesNamed` reads them (gRPC
 * methods by short name, full path or part of a short name). A part names something if any protocol
 * knows it.
 */
export function parseCodeList(text: string): CodeList {
  const req = new Set<number>(), resp = new Set<number>();
  const other = new Map<number, Set<number>>();
  const unknown: string[] = [];
  for (const part of text.split(/[\s,|]+/)) {
    if (!part) continue;
    if (/^-?\d+$/.test(part)) { req.add(Number(part)); continue; }
    let any = false;
    for (const [proto, rows] of registeredProtocolRows()) {
      const codes = rows.codesNamed?.(part) ?? [];
      if (!codes.length) continue;
      any = true;
      const set = other.get(proto) ?? new Set<number>();
      other.set(proto, set);
      for (const c of codes) set.add(c);
    }
    const name = part.toUpperCase();
    const rq = requestCodeOf(name);
    const rs = responseCodeOf(name);
    if (rq !== undefined) req.add(rq);
    if (rs !== undefined) resp.add(rs);
    if (rq !== undefined || rs !== undefined) continue;
    for (const [code, n] of allRequestCodes()) if (n.includes(name)) { req.add(code); any = true; }
    if (!any) unknown.push(part);
  }
  const protocolCodes: Record<number, number[]> = {};
  for (const [proto, set] of other) protocolCodes[proto] = [...set];
  return { codes: [...req], responseCodes: [...resp], protocolCodes, unknown };
}

function parseResponseCodes(text: string): number[] {
  return text.split(/[\s,|]+/).filter(Boolean).map((c) => {
    if (/^-?\d+$/.test(c)) return Number(c);
    const n = responseCodeOf(c.toUpperCase());
    if (n === undefined) throw new FilterSyntaxError(`unknown response code name ${c}`);
    return n;
  });
}

/** Splits a filter expression into terms; "double quotes" keep spaces inside one term. */
function terms(expr: string): string[] {
  const out: string[] = [];
  for (const m of expr.matchAll(/(?:[^\s"]+|"[^"]*")+/g)) out.push(m[0].replace(/"/g, ''));
  return out.filter(Boolean);
}

/** Parses the CLI filter syntax (module comment). Throws FilterSyntaxError. */
export function parseFilter(expr: string): FrameFilter {
  const f: FrameFilter = {};
  for (const term of terms(expr)) {
    let m: RegExpExecArray | null;
    if ((m = /^code=(.+)$/.exec(term))) {
      const l = parseCodeList(m[1]);
      if (l.unknown.length) throw new FilterSyntaxError(`unknown code name ${l.unknown.join(', ')}`);
      f.codes = l.codes;
      f.responseCodes = l.responseCodes;
      f.protocolCodes = l.protocolCodes;
    } else if ((m = /^status=(.+)$/.exec(term))) f.status = parseResponseCodes(m[1]);
    else if (term === 'req' || term === 'request' || term === 'requests') f.kind = 'request';
    else if (term === 'resp' || term === 'response' || term === 'responses') f.kind = 'response';
    else if (term === 'error' || term === 'errors') f.errorsOnly = true;
    else if ((m = /^topic~=(.+)$/.exec(term))) f.topicContains = m[1];
    else if ((m = /^topic=(.+)$/.exec(term))) f.topic = m[1];
    else if ((m = /^opaque=(-?\d+)$/.exec(term))) f.opaque = Number(m[1]);
    else if ((m = /^proto(?:col)?=(.+)$/.exec(term))) {
      const id = protocolId(m[1]);
      if (id === undefined) throw new FilterSyntaxError(`unknown protocol ${m[1]} (known: ${PROTOCOL_NAMES.join(', ')})`);
      f.protocol = id;
    } else if ((m = /^conn=(\d+)$/.exec(term))) f.conn = Number(m[1]);
    else if ((m = /^conn=(.+)$/.exec(term))) f.endpoint = m[1];
    else if ((m = /^time=(.*)\.\.(.*)$/.exec(term))) { f.fromUs = parseTime(m[1]); f.toUs = parseTime(m[2]); }
    else if ((m = /^time(>=|<=)(.*)$/.exec(term))) {
      const b = parseTimeBound(m[2]);
      if (m[1] === '>=') { if ('us' in b) f.fromUs = b.us; else f.fromOffsetUs = b.offsetUs; }
      else if ('us' in b) f.toUs = b.us; else f.toOffsetUs = b.offsetUs;
    }
    else if ((m = /^latency>(.+)$/.exec(term))) f.latencyAboveUs = parseDuration(m[1]);
    else if (term === 'warn' || term === 'warnings') f.anyWarning = true;
    else if ((m = /^warn=(.+)$/.exec(term))) {
      const e = FRAME_WARN_LABELS.find(([, l]) => l === m![1]);
      if (!e) throw new FilterSyntaxError(`unknown warning ${m[1]} (known: ${FRAME_WARN_LABELS.map(([, l]) => l).join(', ')})`);
      f.warnMask = (f.warnMask ?? 0) | e[0];
    } else if (term === 'unanswered') f.warnMask = (f.warnMask ?? 0) | FrameWarn.Unanswered;
    else if ((m = /^frames=(.+)$/.exec(term))) f.frames = parseFrameList(m[1]);
    else (f.text ??= []).push(term);
  }
  return f;
}

/** The filter selects every frame. */
export function isEmptyFilter(f: FrameFilter): boolean {
  return !f.none && f.codes === undefined && f.responseCodes === undefined && f.protocolCodes === undefined && f.status === undefined && f.kind === undefined && !f.errorsOnly
    && f.topic === undefined && f.topicContains === undefined && f.opaque === undefined && f.conn === undefined && f.endpoint === undefined && f.protocol === undefined
    && f.fromUs === undefined && f.toUs === undefined && f.fromOffsetUs === undefined && f.toOffsetUs === undefined && f.latencyAboveUs === undefined && f.warnMask === undefined && !f.anyWarning && f.frames === undefined
    && !(f.text && f.text.some((t) => t.length > 0));
}

/** Free-text terms of a filter, as `compileFilter` looks them up in `CompileOptions.content`. */
export function textTerms(f: FrameFilter): string[] {
  return (f.text ?? []).filter((t) => t.length > 0);
}

/**
 * Matcher of one free-text term over the index strings: code name (a response: its request's), status
 * (a response: its code's name; a request: its response's), topic, "client:port → server:port",
 * warning labels, opaque (the whole number). Case-insensitive. Cached per distinct value.
 */
export function indexTextMatcher(ix: CaptureIndex, term: string): (i: number) => boolean {
  const c = ix.cols;
  const needle = term.toLowerCase();
  const has = (s: string) => s.toLowerCase().includes(needle);
  const opaque = /^-?\d+$/.test(term) ? Number(term) : null;
  const topicMatch: number[] = [];
  const codeCache = new Map<number, boolean>();
  const statusCache = new Map<number, Map<number, boolean>>();
  const connCache = new Map<number, boolean>();
  const warnCache = new Map<number, boolean>();
  const otherCache = new Map<string, boolean>();
  return (i) => {
    const t = c.topic[i];
    if (t >= 0) {
      let tm = topicMatch[t];
      if (tm === undefined) tm = topicMatch[t] = has(ix.topics.names[t] ?? '') ? 1 : 0;
      if (tm) return true;
    }
    const resp = (c.flag[i] & 1) !== 0;
    const undecodable = c.code[i] === -1 && (c.warn[i] & FrameWarn.UndecodableHeader) !== 0;
    const other = c.proto[i] !== ProtocolId.remoting ? protocolRows(c.proto[i]) : undefined;
    if (other) {
      // another protocol's rows by their own names (a gRPC method id is no remoting code)
      const p = c.pair[i];
      const st = resp ? i : p >= 0 ? p : -1;
      const rq = resp ? c.reqCode[i] : c.code[i];
      const key = `${c.proto[i]}/${rq}/${st >= 0 ? c.code[st] : 'none'}`;
      let om = otherCache.get(key);
      if (om === undefined) {
        om = has(other.codeName(rq, false, rq)) || (st >= 0 && has(other.statusName(c.code[st], c.reqCode[st])));
        otherCache.set(key, om);
      }
      if (om) return true;
    } else if (!undecodable) {
      const rq = resp ? c.reqCode[i] : c.code[i];
      let cm = codeCache.get(rq);
      if (cm === undefined) { cm = rq >= 0 && has(requestCodeName(rq)); codeCache.set(rq, cm); }
      if (cm) return true;
      const p = c.pair[i];
      const rc = resp ? c.code[i] : p >= 0 ? c.code[p] : null;
      if (rc !== null) {
        let byRq = statusCache.get(rc);
        if (!byRq) statusCache.set(rc, byRq = new Map());
        let sm = byRq.get(rq);
        if (sm === undefined) { sm = has(responseCodeName(rc, rq >= 0 ? rq : undefined)); byRq.set(rq, sm); }
        if (sm) return true;
      }
    }
    let km = connCache.get(c.conn[i]);
    if (km === undefined) {
      const k = ix.conns[c.conn[i]];
      km = !!k && has(`${formatEndpoint(k.client, k.clientPort)} → ${formatEndpoint(k.server, k.serverPort)}`);
      if (k) connCache.set(c.conn[i], km);
    }
    if (km) return true;
    if (c.warn[i]) {
      let wm = warnCache.get(c.warn[i]);
      if (wm === undefined) { wm = warnLabels(c.warn[i]).some((l) => l.includes(needle)); warnCache.set(c.warn[i], wm); }
      if (wm) return true;
    }
    return opaque !== null && c.opaque[i] === opaque;
  };
}

/** Compiles a filter into a predicate over frame numbers. */
export function compileFilter(ix: CaptureIndex, f: FrameFilter, opts: CompileOptions = {}): (i: number) => boolean {
  const c = ix.cols;
  if (f.none) return () => false;
  const tests: ((i: number) => boolean)[] = [];
  if (f.codes !== undefined || f.responseCodes !== undefined || f.protocolCodes !== undefined) {
    const req = new Set(f.codes ?? []);
    const resp = new Set(f.responseCodes ?? []);
    // another protocol's codes mean its own things (a gRPC method id is no remoting code): per protocol
    const other = new Map(Object.entries(f.protocolCodes ?? {}).map(([p, codes]) => [Number(p), new Set(codes)]));
    tests.push((i) => {
      const isResp = (c.flag[i] & 1) !== 0;
      const proto = c.proto[i];
      if (proto !== ProtocolId.remoting) {
        const set = other.get(proto);
        return !!set && set.has(isResp ? c.reqCode[i] : c.code[i]);
      }
      if (isResp) return req.has(c.reqCode[i]) || resp.has(c.code[i]);
      return req.has(c.code[i]) && !(c.code[i] === -1 && (c.warn[i] & FrameWarn.UndecodableHeader));
    });
  }
  if (f.status) { const st = new Set(f.status); tests.push((i) => (c.flag[i] & 1) !== 0 && st.has(c.code[i])); }
  if (f.kind === 'request') tests.push((i) => (c.flag[i] & 1) === 0);
  if (f.kind === 'response') tests.push((i) => (c.flag[i] & 1) !== 0);
  if (f.errorsOnly) tests.push((i) => isErrorFrame(ix, i));
  if (f.topic !== undefined) {
    const name = f.topic;
    let id = -1;
    tests.push((i) => {
      if (id < 0) id = ix.topics.lookup(name); // the topic may appear later while indexing
      return id >= 0 && c.topic[i] === id;
    });
  }
  if (f.topicContains !== undefined) {
    const needle = f.topicContains.toLowerCase();
    const match: number[] = [];
    tests.push((i) => {
      const t = c.topic[i];
      if (t < 0) return false;
      let m = match[t];
      if (m === undefined) m = match[t] = (ix.topics.names[t] ?? '').toLowerCase().includes(needle) ? 1 : 0;
      return m === 1;
    });
  }
  if (f.frames !== undefined) { const set = f.frames; tests.push((i) => set.has(i)); }
  if (f.opaque !== undefined) { const o = f.opaque; tests.push((i) => c.opaque[i] === o); }
  if (f.conn !== undefined) { const k = f.conn; tests.push((i) => c.conn[i] === k); }
  if (f.protocol !== undefined) { const k = f.protocol; tests.push((i) => c.proto[i] === k); }
  if (f.endpoint !== undefined) {
    const e = f.endpoint;
    const cache = new Map<number, boolean>();
    tests.push((i) => {
      let m = cache.get(c.conn[i]);
      if (m === undefined) {
        const k = ix.conns[c.conn[i]];
        m = !!k && (formatEndpoint(k.client, k.clientPort) === e || formatEndpoint(k.server, k.serverPort) === e || k.client === e || k.server === e);
        if (k) cache.set(c.conn[i], m);
      }
      return m;
    });
  }
  if (f.fromUs !== undefined) { const lo = f.fromUs; tests.push((i) => c.tsFirst[i] >= lo); }
  if (f.toUs !== undefined) { const hi = f.toUs; tests.push((i) => c.tsFirst[i] <= hi); }
  if (f.fromOffsetUs !== undefined || f.toOffsetUs !== undefined) {
    const origin = captureOriginUs(ix);
    if (f.fromOffsetUs !== undefined) { const lo = origin + f.fromOffsetUs; tests.push((i) => c.tsFirst[i] >= lo); }
    if (f.toOffsetUs !== undefined) { const hi = origin + f.toOffsetUs; tests.push((i) => c.tsFirst[i] <= hi); }
  }
  if (f.latencyAboveUs !== undefined) {
    const limit = f.latencyAboveUs;
    tests.push((i) => { const l = ix.latencyUs(i); return l !== null && l > limit; });
  }
  if (f.anyWarning) tests.push((i) => c.warn[i] !== 0);
  if (f.warnMask !== undefined) { const mask = f.warnMask; tests.push((i) => (c.warn[i] & mask) === mask); }
  for (const term of textTerms(f)) {
    const idx = indexTextMatcher(ix, term);
    const content = opts.content?.(term);
    tests.push(content ? (i) => idx(i) || content.has(i) : idx);
  }
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0];
  return (i) => { for (const t of tests) if (!t(i)) return false; return true; };
}

/** Indices of matching frames, in index order. */
export function filterFrames(ix: CaptureIndex, f: FrameFilter | string, opts: CompileOptions = {}): Uint32Array {
  const pred = compileFilter(ix, typeof f === 'string' ? parseFilter(f) : f, opts);
  const out: number[] = [];
  for (let i = 0; i < ix.length; i++) if (pred(i)) out.push(i);
  return Uint32Array.from(out);
}
