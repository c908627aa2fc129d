/**
 * Layers 6 and 7: request/response pairing and the compact columnar index.
 *
 * One streaming pass records, per frame, summary columns in typed arrays (≈80 bytes per frame, no
 * object per frame) plus the file positions needed to re-read the frame later (smallest/largest
 * record offset of the packets carrying it, and the TCP sequence number of its first byte).
 */
import * as fs from 'node:fs';
import { CaptureParser, InterfaceInfo, ParserCallbacks } from './file-format';
import { FrameOut } from './frames';
import { Pipeline, PipelineOptions, teeSink } from './pipeline';
import { ConnInfo, StreamSink } from './tcp';
import type { ConnStreams } from './conn-head';
import { CaptureWarning, FrameWarn, WarningLog } from './types';
import { ProtocolId } from './protocols';
import { isGzipFile, streamCapture } from './source';

/**
 * One TCP connection of the capture. Added to `CaptureIndex.conns` at the connection's first packet
 * (endpoints and roles are final from then on) and completed in place when it closes (`closed` set;
 * `packets`, `lastUs`, `frames`, `rocketmq`, `dupBytes`, `gapBytes` are final only then).
 */
export interface ConnSummary {
  id: number;
  ipVersion: 4 | 6;
  client: string;
  clientPort: number;
  server: string;
  serverPort: number;
  clientAddr: Uint8Array;
  serverAddr: Uint8Array;
  firstUs: number;
  lastUs: number;
  packets: number;
  bytes: [number, number];
  frames: [number, number];
  rocketmq: boolean;
  closed: string | null;
  sawSyn: boolean;
  dupBytes: number;
  gapBytes: number;
  /** Set at the close: how each direction began, the first bytes of those without frames (conn-head.ts). */
  streams?: ConnStreams;
  /**
   * What another protocol's decoder (protocols.ts) recognised on the connection — RocketMQ gRPC over
   * h2c, TLS with its SNI — set by that decoder as it reads it. `rocketmq` above stays about remoting.
   */
  detected?: DetectedProtocol;
}

export interface DetectedProtocol {
  /** 'grpc' / 'http2' (cleartext HTTP/2 without gRPC calls) / 'tls' (encrypted: no rows). */
  protocol: 'grpc' | 'http2' | 'tls';
  /** The connection carries RocketMQ: calls of apache.rocketmq.v2.MessagingService. */
  rocketmq: boolean;
  /** Short, for counting connections by kind: "RocketMQ gRPC (h2c)", "TLS (SNI broker.example)". */
  kind: string;
  /** Full: "RocketMQ gRPC (h2c), 12 call(s)", "TLS (SNI localhost, ALPN h2): payload encrypted". */
  label: string;
}

/** What a connection is, for summaries: "RocketMQ" (remoting), the detected protocol's label, or "not RocketMQ". */
export function connectionKindLabel(k: ConnSummary): string {
  return k.rocketmq ? 'RocketMQ' : k.detected?.label ?? 'not RocketMQ';
}

export function formatAddr(a: Uint8Array): string {
  if (a.length === 4) return `${a[0]}.${a[1]}.${a[2]}.${a[3]}`;
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(((a[i] << 8) | a[i + 1]).toString(16));
  // compress the longest zero run
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (parts[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && parts[j] === '0') j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  if (bestLen >= 2) {
    const left = parts.slice(0, best).join(':');
    const right = parts.slice(best + bestLen).join(':');
    return `${left}::${right}`;
  }
  return parts.join(':');
}

/**
 * The zero of a capture's relative times (the inspector's Time column, its From / To fields and
 * timeline, the filter's `time>=1.5s`): the first packet once the pass has read the whole capture,
 * before that (indexing, live) the first frame's first byte; 0 for an index without frames.
 */
export function captureOriginUs(ix: CaptureIndex): number {
  if (ix.firstUs) return ix.firstUs;
  return ix.length ? ix.cols.tsFirst[0] : 0;
}

export function formatEndpoint(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

class TopicDict {
  readonly names: string[] = [];
  private bytes: Uint8Array[] = [];
  private map = new Map<number, number[]>();
  intern(b: Uint8Array, s: number, e: number, escaped: boolean): number {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 16777619);
    const list = this.map.get(h);
    if (list) {
      for (const id of list) {
        const x = this.bytes[id];
        if (x.length !== e - s) continue;
        let eq = true;
        for (let i = 0; i < x.length; i++) if (x[i] !== b[s + i]) { eq = false; break; }
        if (eq) return id;
      }
    }
    const id = this.names.length;
    const raw = Uint8Array.prototype.slice.call(b, s, e) as Uint8Array;
    let name = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
    if (escaped) {
      try { name = JSON.parse(`"${name}"`) as string; } catch { /* keep raw text */ }
    }
    this.names.push(name);
    this.bytes.push(raw);
    if (list) list.push(id); else this.map.set(h, [id]);
    return id;
  }
  lookup(name: string): number {
    return this.names.indexOf(name);
  }
  internString(name: string): number {
    const b = Buffer.from(name, 'utf8');
    return this.intern(b, 0, b.length, false);
  }
}

/** Growable typed columns. */
class Columns {
  n = 0;
  cap: number;
  tsFirst: Float64Array; tsLast: Float64Array; posMin: Float64Array; posMax: Float64Array;
  conn: Uint32Array; startSeq: Uint32Array; size: Uint32Array; headerLen: Uint32Array; missing: Uint32Array;
  code: Int32Array; opaque: Int32Array; flag: Int32Array; topic: Int32Array; pair: Int32Array; reqCode: Int32Array;
  warn: Uint16Array; dir: Uint8Array; ser: Uint8Array;
  /** Protocol of the frame (protocols.ts: 0 = remoting). */
  proto: Uint8Array;
  constructor(cap = 1024) {
    this.cap = cap;
    this.tsFirst = new Float64Array(cap); this.tsLast = new Float64Array(cap); this.posMin = new Float64Array(cap); this.posMax = new Float64Array(cap);
    this.conn = new Uint32Array(cap); this.startSeq = new Uint32Array(cap); this.size = new Uint32Array(cap); this.headerLen = new Uint32Array(cap); this.missing = new Uint32Array(cap);
    this.code = new Int32Array(cap); this.opaque = new Int32Array(cap); this.flag = new Int32Array(cap); this.topic = new Int32Array(cap); this.pair = new Int32Array(cap); this.reqCode = new Int32Array(cap);
    this.warn = new Uint16Array(cap); this.dir = new Uint8Array(cap); this.ser = new Uint8Array(cap); this.proto = new Uint8Array(cap);
  }
  grow(): void {
    const cap = this.cap * 2;
    const g = <T extends Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as { new (n: number): T })(cap);
      b.set(a);
      return b;
    };
    this.tsFirst = g(this.tsFirst); this.tsLast = g(this.tsLast); this.posMin = g(this.posMin); this.posMax = g(this.posMax);
    this.conn = g(this.conn); this.startSeq = g(this.startSeq); this.size = g(this.size); this.headerLen = g(this.headerLen); this.missing = g(this.missing);
    this.code = g(this.code); this.opaque = g(this.opaque); this.flag = g(this.flag); this.topic = g(this.topic); this.pair = g(this.pair); this.reqCode = g(this.reqCode);
    this.warn = g(this.warn); this.dir = g(this.dir); this.ser = g(this.ser); this.proto = g(this.proto);
    this.cap = cap;
  }
  /** Bytes a frame takes in the columns. */
  static readonly BYTES_PER_FRAME = 8 * 4 + 4 * 5 + 4 * 6 + 2 + 1 + 1 + 1;
  /** Bytes allocated for the columns (capacity; a file's index reserves room up front, see indexCaptureFile). */
  get byteSize(): number {
    return this.cap * Columns.BYTES_PER_FRAME;
  }
}

/** What a capture file needs to be re-read at a record offset. */
export interface SourceContext {
  path: string | null;
  gzip: boolean;
  format: 'pcap' | 'pcapng' | null;
  littleEndian: boolean;
  nanos: boolean;
  interfaces: InterfaceInfo[];
  sections: { offset: number; le: boolean; firstIface: number }[];
  streamBytes: number;
  fileSize: number;
}

/** Frame summary as an object (built on request; the index itself holds no per-frame objects). */
export interface FrameSummary {
  index: number;
  conn: number;
  dir: 'c2s' | 's2c';
  tsFirstUs: number;
  tsLastUs: number;
  isResponse: boolean;
  oneway: boolean;
  code: number;
  requestCode: number | null;
  opaque: number;
  flag: number;
  topic: string | null;
  size: number;
  headerLength: number;
  serializeType: 'JSON' | 'ROCKETMQ';
  warnings: number;
  missingBytes: number;
  pair: number | null;
  latencyUs: number | null;
  posMin: number;
  posMax: number;
  startSeq: number;
}

const ONEWAY_MARK = 0x40000000;

/**
 * Requests of one connection direction waiting for their response: opaque → frame index (with
 * ONEWAY_MARK for oneway requests, which stay until the connection closes). Open addressing over
 * typed arrays: the pairing does a lookup per frame, and a Map's entry objects and hashing were
 * a tenth of the index pass on a frame-dense capture.
 */
export class PendingRequests {
  private keys = new Int32Array(16);
  /** Frame index (+ ONEWAY_MARK), -1 for an empty slot. */
  private vals = new Int32Array(16).fill(-1);
  private size = 0;

  private static home(opaque: number, mask: number): number {
    const h = Math.imul(opaque ^ (opaque >>> 16), 0x45d9f3b);
    return (h ^ (h >>> 16)) & mask;
  }

  private slot(opaque: number): number {
    const mask = this.keys.length - 1;
    let i = PendingRequests.home(opaque, mask);
    while (this.vals[i] !== -1 && this.keys[i] !== opaque) i = (i + 1) & mask;
    return i;
  }

  /** The waiting request's value, or -1. */
  get(opaque: number): number { return this.vals[this.slot(opaque)]; }

  /** Sets the request waiting under `opaque`; returns the value it replaces, or -1. */
  set(opaque: number, v: number): number {
    const i = this.slot(opaque);
    const prev = this.vals[i];
    this.keys[i] = opaque;
    this.vals[i] = v;
    if (prev === -1 && ++this.size * 2 > this.keys.length) this.grow();
    return prev;
  }

  /** Removes the request waiting under `opaque` and returns its value, or -1. */
  take(opaque: number): number {
    let i = this.slot(opaque);
    const v = this.vals[i];
    if (v === -1) return -1;
    this.size--;
    // backward-shift deletion: later entries of the probe run move up so no lookup stops early
    const mask = this.keys.length - 1;
    for (let j = (i + 1) & mask; this.vals[j] !== -1; j = (j + 1) & mask) {
      const home = PendingRequests.home(this.keys[j], mask);
      if (((j - home) & mask) >= ((j - i) & mask)) {
        this.keys[i] = this.keys[j];
        this.vals[i] = this.vals[j];
        i = j;
      }
    }
    this.vals[i] = -1;
    return v;
  }

  forEach(f: (v: number) => void): void {
    for (let i = 0; i < this.vals.length; i++) if (this.vals[i] !== -1) f(this.vals[i]);
  }

  private grow(): void {
    const { keys, vals } = this;
    this.keys = new Int32Array(keys.length * 2);
    this.vals = new Int32Array(keys.length * 2).fill(-1);
    for (let i = 0; i < keys.length; i++) {
      if (vals[i] === -1) continue;
      const j = this.slot(keys[i]);
      this.keys[j] = keys[i];
      this.vals[j] = vals[i];
    }
  }
}

/**
 * `indexing`: the pass is still filling the index (or, for an index fed by hand, may go on growing);
 * `complete`: the pass read the whole capture; `cancelled`: its AbortSignal stopped it first — the
 * index holds what was read until then, closed as if the capture ended there.
 */
export type IndexState = 'indexing' | 'complete' | 'cancelled';

export class CaptureIndex {
  readonly cols: Columns;
  readonly topics = new TopicDict();
  readonly conns: ConnSummary[] = [];
  warnings: WarningLog = new WarningLog();
  source: SourceContext = { path: null, gzip: false, format: null, littleEndian: true, nanos: false, interfaces: [], sections: [], streamBytes: 0, fileSize: 0 };
  packets = 0;
  firstUs = 0;
  lastUs = 0;
  /** Packets skipped by reason (non-IP, bad headers, unsupported link types). */
  skipped: Record<string, number> = {};
  /** Wall time of the index pass, ms. */
  passMs = 0;
  /**
   * Why the file is not a capture at all — no whole pcap / pcapng file header could be read (empty,
   * another kind of file, cut inside the header, not a readable gzip file) — else null. A capture
   * with damaged parts is readable: its problems are warnings.
   */
  notACapture: string | null = null;
  state: IndexState = 'indexing';
  /**
   * What the decoder of a row that cannot be re-read from the file keeps for it (gRPC rows: their call
   * and message), by frame index; see protocols.ts.
   */
  readonly attached = new Map<number, unknown>();
  get length(): number { return this.cols.n; }

  /** `capacity`: frames the columns hold before they first grow (each growth copies them all). */
  constructor(capacity = 1024) {
    this.cols = new Columns(capacity);
  }

  /**
   * Appends a row made by another protocol's decoder (protocols.ts says what its columns mean).
   * `pair`: an earlier row it answers (both rows are linked). Returns the new row's index.
   */
  appendRow(r: AppendedRow): number {
    const c = this.cols;
    if (c.n === c.cap) c.grow();
    const i = c.n++;
    c.tsFirst[i] = r.tsFirst; c.tsLast[i] = r.tsLast; c.posMin[i] = r.posMin; c.posMax[i] = r.posMax;
    c.conn[i] = r.conn; c.startSeq[i] = 0; c.size[i] = Math.min(r.size, 0xffffffff); c.headerLen[i] = r.headerLen; c.missing[i] = Math.min(r.missing, 0xffffffff);
    c.dir[i] = r.dir; c.ser[i] = 0; c.proto[i] = r.proto;
    c.code[i] = r.code; c.opaque[i] = r.opaque; c.flag[i] = r.response ? 1 : 0; c.reqCode[i] = r.reqCode;
    c.topic[i] = r.topic ? this.topics.internString(r.topic) : -1;
    c.warn[i] = r.warn;
    c.pair[i] = -1;
    if (r.pair !== undefined && r.pair >= 0 && r.pair < i) {
      c.pair[i] = r.pair;
      if (c.pair[r.pair] < 0) c.pair[r.pair] = i;
    }
    if (r.attached !== undefined) this.attached.set(i, r.attached);
    return i;
  }

  /** Latency of a request/response pair in µs: response first byte − request last byte. */
  latencyUs(i: number): number | null {
    const c = this.cols;
    const p = c.pair[i];
    if (p < 0) return null;
    const req = c.flag[i] & 1 ? p : i;
    const resp = c.flag[i] & 1 ? i : p;
    if (!(c.flag[resp] & 1)) return null;
    return c.tsFirst[resp] - c.tsLast[req];
  }

  isResponse(i: number): boolean { return (this.cols.flag[i] & 1) !== 0; }

  topicOf(i: number): string | null {
    const t = this.cols.topic[i];
    return t >= 0 ? this.topics.names[t] : null;
  }

  summary(i: number): FrameSummary {
    const c = this.cols;
    const resp = (c.flag[i] & 1) !== 0;
    return {
      index: i,
      conn: c.conn[i],
      dir: c.dir[i] === 0 ? 'c2s' : 's2c',
      tsFirstUs: c.tsFirst[i],
      tsLastUs: c.tsLast[i],
      isResponse: resp,
      oneway: !resp && (c.flag[i] & 2) !== 0,
      code: c.code[i],
      requestCode: c.reqCode[i] === -1 && resp ? null : c.reqCode[i],
      opaque: c.opaque[i],
      flag: c.flag[i],
      topic: this.topicOf(i),
      size: c.size[i],
      headerLength: c.headerLen[i],
      serializeType: c.ser[i] === 1 ? 'ROCKETMQ' : 'JSON',
      warnings: c.warn[i],
      missingBytes: c.missing[i],
      pair: c.pair[i] >= 0 ? c.pair[i] : null,
      latencyUs: this.latencyUs(i),
      posMin: c.posMin[i],
      posMax: c.posMax[i],
      startSeq: c.startSeq[i],
    };
  }

  /** Frame indices ordered by the capture time of their first byte. */
  orderByTime(): Uint32Array {
    const n = this.cols.n;
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    const t = this.cols.tsFirst;
    return idx.sort((a, b) => t[a] - t[b] || a - b);
  }

  /**
   * Approximate memory held by the index (columns + connection table + topics), bytes. Columns count
   * for the frames they hold: the capacity reserved beyond them is address space whose pages were
   * never written, not memory.
   */
  get approxBytes(): number {
    return this.cols.n * Columns.BYTES_PER_FRAME + this.conns.length * 200 + this.topics.names.length * 64;
  }
}

/** A row appended by another protocol's decoder (CaptureIndex.appendRow). */
export interface AppendedRow {
  proto: number;
  conn: number;
  dir: 0 | 1;
  tsFirst: number;
  tsLast: number;
  posMin: number;
  posMax: number;
  size: number;
  headerLen: number;
  missing: number;
  code: number;
  opaque: number;
  response: boolean;
  reqCode: number;
  topic?: string | null;
  warn: number;
  pair?: number;
  attached?: unknown;
}

/**
 * Decoders of other protocols that read every connection's reassembled bytes in the same pass (gRPC:
 * src/core/grpc registers itself with registerConnectionTap) and append their rows to the index.
 */
export type ConnectionTap = (info: ConnInfo, index: CaptureIndex) => [StreamSink, StreamSink] | undefined;
const TAPS: ConnectionTap[] = [];
export function registerConnectionTap(t: ConnectionTap): void {
  if (!TAPS.includes(t)) TAPS.push(t);
}

/** The sinks of every registered tap that wants this connection, teed into one pair (undefined: none wants it). */
function tapAll(info: ConnInfo, index: CaptureIndex): [StreamSink, StreamSink] | undefined {
  let out: [StreamSink, StreamSink] | undefined;
  for (const t of TAPS) {
    const s = t(info, index);
    if (s) out = out ? [teeSink(out[0], s[0]), teeSink(out[1], s[1])] : s;
  }
  return out;
}

/** Orphan responses kept per connection and direction for a late request (see IndexBuilder.orphans). */
const MAX_ORPHANS_PER_DIRECTION = 1024;

/** Receives frames from the pipeline and fills the index; does the pairing. */
export class IndexBuilder {
  readonly index: CaptureIndex;
  /** Waiting requests by connection id × 2 + direction. */
  private pending: (PendingRequests | undefined)[] = [];
  /**
   * Responses that found no request, by connection id × 2 + direction, by opaque. A request whose bytes
   * straddle a capture gap is emitted only once it is complete — after its response — so a request
   * looks here before waiting for an answer (bounded: a capture that starts mid-connection has one
   * orphan per request sent before it began). Maps: their insertion order says which to drop.
   */
  private orphans: (Map<number, number> | undefined)[] = [];
  /** Optional hook, called after each frame is appended (index of the frame). */
  onFrame: ((f: FrameOut, i: number) => void) | null = null;
  /** Optional hook, called at a connection's first packet with its (new) entry in `index.conns`. */
  onConnection: ((c: ConnSummary) => void) | null = null;

  /** `capacity`: see CaptureIndex. */
  constructor(capacity?: number) {
    this.index = new CaptureIndex(capacity);
  }

  frame(f: FrameOut): void {
    const c = this.index.cols;
    if (c.n === c.cap) c.grow();
    const i = c.n++;
    const s = f.summary;
    c.tsFirst[i] = f.tsFirst; c.tsLast[i] = f.tsLast; c.posMin[i] = f.posMin; c.posMax[i] = f.posMax;
    c.conn[i] = f.conn; c.startSeq[i] = f.startSeq; c.size[i] = Math.min(f.size, 0xffffffff); c.headerLen[i] = f.headerLen; c.missing[i] = Math.min(f.missing, 0xffffffff);
    c.dir[i] = f.dir; c.ser[i] = f.serializeType;
    c.proto[i] = ProtocolId.remoting; // the remoting frame splitter is the only source of frames so far
    c.pair[i] = -1;
    let warn = f.warn;
    if (s.ok) {
      c.code[i] = s.code; c.opaque[i] = s.opaque; c.flag[i] = s.flag;
      c.topic[i] = s.topicStart >= 0 ? this.index.topics.intern(f.headerBuf, s.topicStart, s.topicEnd, s.topicEscaped) : -1;
      const resp = (s.flag & 1) !== 0;
      c.reqCode[i] = resp ? -1 : s.code;
      const early = !resp ? this.orphans[f.conn * 2 + 1 - f.dir]?.get(s.opaque) : undefined;
      if (early !== undefined && c.tsFirst[early] >= f.tsFirst) {
        // the answer came out first (this request waited for bytes behind a gap): pair them now
        this.orphans[f.conn * 2 + 1 - f.dir]!.delete(s.opaque);
        c.warn[early] &= ~FrameWarn.OrphanResponse;
        if (s.flag & 2) c.warn[early] |= FrameWarn.ResponseToOneway;
        c.pair[i] = early; c.pair[early] = i;
        c.reqCode[early] = s.code;
        if (c.topic[early] < 0) c.topic[early] = c.topic[i];
      } else if (!resp) {
        const k = f.conn * 2 + f.dir;
        const m = this.pending[k] ?? (this.pending[k] = new PendingRequests());
        const prev = m.set(s.opaque, (s.flag & 2) ? (i | ONEWAY_MARK) : i);
        if (prev !== -1 && !(prev & ONEWAY_MARK)) c.warn[prev] |= FrameWarn.Unanswered;
      } else {
        const req = this.pending[f.conn * 2 + 1 - f.dir]?.take(s.opaque) ?? -1;
        if (req === -1) {
          warn |= FrameWarn.OrphanResponse;
          const k = f.conn * 2 + f.dir;
          const om = this.orphans[k] ?? (this.orphans[k] = new Map());
          om.delete(s.opaque);
          om.set(s.opaque, i);
          if (om.size > MAX_ORPHANS_PER_DIRECTION) om.delete(om.keys().next().value as number);
        } else {
          const r = req & ~ONEWAY_MARK;
          if (req & ONEWAY_MARK) warn |= FrameWarn.ResponseToOneway;
          c.pair[i] = r; c.pair[r] = i;
          c.reqCode[i] = c.code[r];
          if (c.topic[i] < 0) c.topic[i] = c.topic[r];
        }
      }
    } else {
      c.code[i] = -1; c.opaque[i] = 0; c.flag[i] = 0; c.topic[i] = -1; c.reqCode[i] = -1;
    }
    c.warn[i] = warn;
    this.onFrame?.(f, i);
  }

  /** A connection's first packet: lists it in `index.conns` (see ConnSummary). */
  connOpened(info: ConnInfo): void {
    const s = connSummary(info, false, [0, 0]);
    this.index.conns[info.id] = s;
    this.onConnection?.(s);
  }

  connClosed(info: ConnInfo, rocketmq: boolean, frames: [number, number], streams?: ConnStreams): void {
    const c = this.index.cols;
    for (let d = 0; d < 2; d++) {
      const k = info.id * 2 + d;
      this.pending[k]?.forEach((v) => { if (!(v & ONEWAY_MARK)) c.warn[v] |= FrameWarn.Unanswered; });
      this.pending[k] = undefined;
      this.orphans[k] = undefined;
    }
    const s = connSummary(info, rocketmq, frames);
    if (streams) s.streams = streams;
    const open = this.index.conns[info.id];
    if (open) Object.assign(open, s); // the entry handed out at the first packet stays the one in the table
    else this.index.conns[info.id] = s;
  }
}

function connSummary(info: ConnInfo, rocketmq: boolean, frames: [number, number]): ConnSummary {
  return {
    id: info.id, ipVersion: info.ipVersion, client: formatAddr(info.clientAddr), clientPort: info.clientPort, server: formatAddr(info.serverAddr), serverPort: info.serverPort,
    clientAddr: info.clientAddr, serverAddr: info.serverAddr, firstUs: info.firstUs, lastUs: info.lastUs, packets: info.packets,
    bytes: info.bytes, frames, rocketmq, closed: info.closed, sawSyn: info.sawSyn, dupBytes: info.dupBytes, gapBytes: info.gapBytes,
  };
}

export interface IndexOptions extends Partial<PipelineOptions> {
  signal?: AbortSignal;
  /** Called between read chunks; a returned promise pauses reading until it settles (backpressure). */
  pace?: () => Promise<void> | void;
  /**
   * Receives the index the pass fills, synchronously, before `indexCaptureFile` returns its promise.
   * While `state` is `indexing` it grows: frames are appended (pairing may still mark earlier
   * frames, e.g. unanswered when their connection closes), connections appear in `conns` at their
   * first packet, and `source` describes the file as far as read, so `readFrameBytes` works on every
   * frame already in the index.
   */
  onIndex?: (ix: CaptureIndex) => void;
  /** A connection's first packet (its entry in `ix.conns`, completed in place when it closes). */
  onConnection?: (conn: ConnSummary) => void;
  /** After each read chunk: bytes of the file read so far (compressed bytes for `.gz`) and its size on disk. */
  onProgress?: (bytesRead: number, fileSize: number) => void;
  /**
   * Plain files: reads start at 64 KiB and double up to `step` bytes (still double-buffered) — for
   * callers on a shared thread that want the first rows early. Default: 2 MiB reads from the start.
   */
  step?: number;
}

/** Upper bound of the columns' initial capacity (frames) of a file's index. */
const MAX_RESERVED_FRAMES = 1 << 20;

/** First read of a pass with `step`. */
const FIRST_STEP = 64 * 1024;

/** Copies what random access needs to re-read the capture from the parser (as far as it has read). */
export function describeSource(ix: CaptureIndex, parser: CaptureParser): void {
  Object.assign(ix.source, {
    format: parser.detectedFormat, littleEndian: parser.littleEndian, nanos: parser.isNanos,
    interfaces: parser.interfaces, sections: parser.sections, streamBytes: parser.consumed,
  } satisfies Partial<SourceContext>);
}

/** Closes an index after its last packet (exported for follow.ts, which reads a capture file as it grows). */
export function finishIndex(b: IndexBuilder, p: Pipeline, parser: CaptureParser, t0: number, signal?: AbortSignal): CaptureIndex {
  p.finish();
  const ix = b.index;
  ix.warnings = p.warnings;
  ix.packets = p.packets;
  ix.firstUs = p.packets ? p.firstUs : 0;
  ix.lastUs = p.packets ? p.lastUs : 0;
  ix.skipped = Object.fromEntries(p.net.skipped);
  if (p.tcp.badTcp) ix.skipped['bad-tcp-header'] = p.tcp.badTcp;
  describeSource(ix, parser);
  if (!parser.headerRead && !signal?.aborted) {
    // a .gz that does not inflate: its error says more than "empty file" of the bytes that came out
    const gz = p.warnings.items.find((w) => w.kind === 'gzip.error');
    ix.notACapture = gz && parser.consumed === 0 && parser.detectedFormat === null ? `not a readable gzip file (${gz.message.replace(/^gzip: /, '')})` : parser.notCaptureReason ?? 'not a capture';
  }
  ix.state = signal?.aborted ? 'cancelled' : 'complete';
  ix.passMs = Date.now() - t0;
  return ix;
}

/** The index pass's pipeline into `b` (exported for follow.ts). */
export function makePipeline(b: IndexBuilder, opts: Partial<PipelineOptions>, full: boolean): Pipeline {
  // every registered tap (another protocol's decoder) reads each connection too, unless the caller brings its own
  const tap = opts.tap ?? (TAPS.length ? (info: ConnInfo) => tapAll(info, b.index) : undefined);
  return new Pipeline({ frame: (f) => b.frame(f), connOpened: (i) => b.connOpened(i), connClosed: (i, r, fr, st) => b.connClosed(i, r, fr, st) }, { full, ...opts, tap });
}

/**
 * Builds the index of a capture file (pcap, pcapng, optionally gzip-compressed) in one streaming
 * pass. Never rejects for problems inside the file (they are warnings); rejects when the file cannot
 * be read. Cancelling through `opts.signal` resolves with `state === 'cancelled'`.
 */
export async function indexCaptureFile(path: string, opts: IndexOptions = {}, onFrame?: (f: FrameOut, i: number) => void): Promise<CaptureIndex> {
  const t0 = Date.now();
  const fileSize = fs.statSync(path).size;
  // Columns sized for a frame per 512 bytes of file (a frame-dense capture of ~1 KiB exchanges on
  // Ethernet has one per 900; most captures far fewer): each growth allocates and copies all of
  // them (the one growth left at a frame per KiB was 7% of the frame-dense pass). Pages never
  // written are never touched, so the reserve costs address space, not memory.
  const b = new IndexBuilder(Math.min(MAX_RESERVED_FRAMES, Math.max(1024, fileSize >> 9)));
  if (onFrame) b.onFrame = onFrame;
  if (opts.onConnection) b.onConnection = opts.onConnection;
  const ix = b.index;
  ix.source.path = path;
  opts.onIndex?.(ix);
  ix.source.fileSize = fileSize;
  ix.source.gzip = isGzipFile(path);
  const p = makePipeline(b, opts, !!opts.full || !!onFrame && opts.full !== false);
  const signal = opts.signal;
  let parser: CaptureParser | null = null;
  const cb: ParserCallbacks = {
    packet: p.packet.bind(p),
    // After a cancel, the reader's end-of-input warning (a record cut by the stop) is not the file's.
    warning: (w) => { if (!signal?.aborted) p.warning(w); },
    iface: p.iface.bind(p),
  };
  const pace = (fileBytesRead: number): Promise<void> | void => {
    describeSource(ix, parser!);
    opts.onProgress?.(fileBytesRead, ix.source.fileSize);
    return opts.pace?.();
  };
  const onParser = (x: CaptureParser): void => { parser = x; };
  const info = await streamCapture(path, cb, { signal, pace, onParser, ...(opts.step ? { first: FIRST_STEP, max: opts.step } : {}) });
  finishIndex(b, p, parser!, t0, signal);
  ix.source.gzip = info.gzip;
  ix.source.fileSize = info.fileSize;
  return ix;
}

/** Builds an index from in-memory capture bytes (tests, small captures). */
export function indexCaptureBytes(bytes: Uint8Array, opts: Partial<PipelineOptions> = {}, onFrame?: (f: FrameOut, i: number) => void): CaptureIndex {
  const t0 = Date.now();
  const b = new IndexBuilder();
  if (onFrame) b.onFrame = onFrame;
  const p = makePipeline(b, opts, opts.full ?? !!onFrame);
  const parser = p.newParser();
  parser.push(bytes);
  parser.finish();
  const ix = finishIndex(b, p, parser, t0);
  ix.source.streamBytes = bytes.length;
  ix.source.fileSize = bytes.length;
  return ix;
}

export type { CaptureWarning };
