/**
 * Layer 9: frame filters over the index columns (no decoding needed except for free text, which
 * matches on the index strings: code names, topic, addresses).
 *
 * Syntax (CLI `--filter`, space-separated terms, all must match):
 *   code=SEND_MESSAGE_V2|310,105   request or response code (names or numbers; a response matches its request's code too)
 *   req | resp                     requests only / responses only
 *   error                          responses with a code other than 0 (SUCCESS) and not 10–12 (stored)
 *   topic=TopicTest                topic (exact), topic~=Test (substring)
 *   opaque=123
 *   conn=3 | conn=127.0.0.1:10911  connection id or an endpoint
 *   time=START..END                µs since epoch, or ISO times; either side may be empty
 *   latency>5ms                    paired frames whose latency exceeds (units us, ms, s)
 *   warn | warn=gap                frames with any / a given warning label
 *   unanswered
 *   text                           anything else: free text on code name, topic, endpoints, warnings
 */
import { requestCodeName, requestCodeOf, responseCodeName, responseCodeOf } from '../remoting';
import { CaptureIndex, formatEndpoint } from './capture-index';
import { FRAME_WARN_LABELS, FrameWarn, warnLabels } from './types';

export interface FrameFilter {
  codes?: number[];
  kind?: 'request' | 'response';
  errorsOnly?: boolean;
  topic?: string;
  topicContains?: string;
  opaque?: number;
  conn?: number;
  endpoint?: string;
  fromUs?: number;
  toUs?: number;
  latencyAboveUs?: number;
  warnMask?: number;
  anyWarning?: boolean;
  text?: string[];
}

export class FilterSyntaxError extends Error {}

function parseTime(s: string): number | undefined {
  if (!s) return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new FilterSyntaxError(`bad time ${JSON.stringify(s)}`);
  return t * 1000;
}

function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(us|µs|ms|s)?$/.exec(s);
  if (!m) throw new FilterSyntaxError(`bad duration ${JSON.stringify(s)}`);
  const v = Number(m[1]);
  return m[2] === 's' ? v * 1e6 : m[2] === 'us' || m[2] === 'µs' ? v : v * 1000;
}

export function parseFilter(expr: string): FrameFilter {
  const f: FrameFilter = {};
  for (const term of expr.trim().split(/\s+/).filter(Boolean)) {
    let m: RegExpExecArray | null;
    if ((m = /^code=(.+)$/.exec(term))) {
      f.codes = m[1].split(/[,|]/).map((c) => {
        if (/^-?\d+$/.test(c)) return Number(c);
        const n = requestCodeOf(c.toUpperCase()) ?? responseCodeOf(c.toUpperCase());
        if (n === undefined) throw new FilterSyntaxError(`unknown code name ${c}`);
        return n;
      });
    } else if (term === 'req' || term === 'request' || term === 'requests') f.kind = 'request';
    else if (term === 'resp' || term === 'response' || term === 'responses') f.kind = 'response';
    else if (term === 'error' || term === 'errors') f.errorsOnly = true;
    else if ((m = /^topic~=(.+)$/.exec(term))) f.topicContains = m[1];
    else if ((m = /^topic=(.+)$/.exec(term))) f.topic = m[1];
    else if ((m = /^opaque=(-?\d+)$/.exec(term))) f.opaque = Number(m[1]);
    else if ((m = /^conn=(\d+)$/.exec(term))) f.conn = Number(m[1]);
    else if ((m = /^conn=(.+)$/.exec(term))) f.endpoint = m[1];
    else if ((m = /^time=(.*)\.\.(.*)$/.exec(term))) { f.fromUs = parseTime(m[1]); f.toUs = parseTime(m[2]); }
    else if ((m = /^latency>(.+)$/.exec(term))) f.latencyAboveUs = parseDuration(m[1]);
    else if (term === 'warn' || term === 'warnings') f.anyWarning = true;
    else if ((m = /^warn=(.+)$/.exec(term))) {
      const e = FRAME_WARN_LABELS.find(([, l]) => l === m![1]);
      if (!e) throw new FilterSyntaxError(`unknown warning ${m[1]} (known: ${FRAME_WARN_LABELS.map(([, l]) => l).join(', ')})`);
      f.warnMask = (f.warnMask ?? 0) | e[0];
    } else if (term === 'unanswered') f.warnMask = (f.warnMask ?? 0) | FrameWarn.Unanswered;
    else (f.text ??= []).push(term.toLowerCase());
  }
  return f;
}

/** Compiles a filter into a predicate over frame indices. */
export function compileFilter(ix: CaptureIndex, f: FrameFilter): (i: number) => boolean {
  const c = ix.cols;
  const codes = f.codes ? new Set(f.codes) : null;
  let topicId = -2;
  if (f.topic !== undefined) topicId = ix.topics.lookup(f.topic);
  const topicContains = f.topicContains ? new Set(ix.topics.names.map((n, id) => (n.includes(f.topicContains!) ? id : -1)).filter((x) => x >= 0)) : null;
  const endpointConns = f.endpoint ? new Set(ix.conns.filter((k) => k && (formatEndpoint(k.client, k.clientPort) === f.endpoint || formatEndpoint(k.server, k.serverPort) === f.endpoint || k.client === f.endpoint || k.server === f.endpoint)).map((k) => k.id)) : null;
  return (i: number) => {
    const resp = (c.flag[i] & 1) !== 0;
    if (f.kind === 'request' && resp) return false;
    if (f.kind === 'response' && !resp) return false;
    if (codes && !codes.has(c.code[i]) && !(resp && codes.has(c.reqCode[i]))) return false;
    if (f.errorsOnly && !(resp && c.code[i] !== 0 && !(c.code[i] >= 10 && c.code[i] <= 12))) return false;
    if (topicId !== -2 && c.topic[i] !== topicId) return false;
    if (topicContains && !topicContains.has(c.topic[i])) return false;
    if (f.opaque !== undefined && c.opaque[i] !== f.opaque) return false;
    if (f.conn !== undefined && c.conn[i] !== f.conn) return false;
    if (endpointConns && !endpointConns.has(c.conn[i])) return false;
    if (f.fromUs !== undefined && c.tsLast[i] < f.fromUs) return false;
    if (f.toUs !== undefined && c.tsFirst[i] > f.toUs) return false;
    if (f.latencyAboveUs !== undefined) { const l = ix.latencyUs(i); if (l === null || l <= f.latencyAboveUs) return false; }
    if (f.anyWarning && c.warn[i] === 0) return false;
    if (f.warnMask !== undefined && (c.warn[i] & f.warnMask) !== f.warnMask) return false;
    if (f.text) {
      const k = ix.conns[c.conn[i]];
      const hay = [
        resp ? responseCodeName(c.code[i], c.reqCode[i] >= 0 ? c.reqCode[i] : undefined) : requestCodeName(c.code[i]),
        c.reqCode[i] >= 0 ? requestCodeName(c.reqCode[i]) : '',
        ix.topicOf(i) ?? '', k ? `${formatEndpoint(k.client, k.clientPort)} ${formatEndpoint(k.server, k.serverPort)}` : '',
        warnLabels(c.warn[i]).join(' '), String(c.opaque[i]),
      ].join(' ').toLowerCase();
      for (const t of f.text) if (!hay.includes(t)) return false;
    }
    return true;
  };
}

/** Indices of matching frames, in index order. */
export function filterFrames(ix: CaptureIndex, f: FrameFilter | string): Uint32Array {
  const pred = compileFilter(ix, typeof f === 'string' ? parseFilter(f) : f);
  const out: number[] = [];
  for (let i = 0; i < ix.length; i++) if (pred(i)) out.push(i);
  return Uint32Array.from(out);
}
