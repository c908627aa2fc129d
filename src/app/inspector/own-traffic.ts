/**
 * The producer's own traffic in this window: one store of every frame our connections wrote or read
 * (the transport's `TrafficRecord`s), for "Show My Traffic", a send's "Show frames", the log, and
 * "Save as pcapng". It is created when first needed (the first connection that records, or the first
 * view) and is the only copy: connection sessions keep no frames of their own.
 *
 * Records are kept cheaply (bytes bounded by OWN_TRAFFIC_MAX_BYTES; past that the oldest frames keep
 * their place but lose their bytes). They are indexed — through the core's `IndexBuilder`, the same
 * columns and pairing as a capture file — only while a view is open: a view catches up on what was
 * recorded before it opened and follows new records; the last view to close drops the index.
 *
 * Connections keep their real identity: the transport's connection id (one per TCP connection, with
 * its real local and remote endpoints), never a guess from an address.
 *
 * Plain Node: no vscode import.
 */
import { CaptureIndex, IndexBuilder } from '../../core/capture/capture-index';
import { FrameBytes } from '../../core/capture/frame-reader';
import { FrameOut } from '../../core/capture/frames';
import { newSummary, scanHeader } from '../../core/capture/header-scan';
import { PcapWriter, TcpSession, ByteSink } from '../../core/capture/pcap-writer';
import { FrameWarn } from '../../core/capture/types';
import type { TrafficRecord } from '../../core/transport/remoting-connection';
import { RequestCode, requestCodeName } from '../../core/remoting/codes';
import type { FilterSpec } from '../../shared/inspector-protocol';
import { ipToBytes } from '../../core/message/ids';

/** Frame bytes kept at most; older frames keep their row but lose their bytes. */
export const OWN_TRAFFIC_MAX_BYTES = 64 * 1024 * 1024;
/** Records kept at most (about 100 bytes each without their frame bytes); the oldest go first. */
export const OWN_TRAFFIC_MAX_RECORDS = 200_000;

export interface OwnRecord {
  /** Position in the store, from 1, never reused. */
  seq: number;
  /** Who recorded it (the connection profile's name). */
  origin: string;
  /** The transport's connection id: one per TCP connection of this process. */
  connectionId: number;
  direction: 'out' | 'in';
  local: { address: string; port: number };
  remote: { address: string; port: number };
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** Null once dropped by the memory bound. */
  bytes: Buffer | null;
  /** Frame size (kept when the bytes are dropped). */
  size: number;
}

export class OwnTraffic {
  private readonly recs: OwnRecord[] = [];
  /** seq of recs[0]. */
  private firstSeq = 1;
  private lastSeq = 0;
  private heldBytes = 0;
  /** recs[k] for k < evictAt have had their bytes dropped. */
  private evictAt = 0;
  /** Index of the records from seq `view.baseSeq` on, while any view is open. */
  private view: IndexedTraffic | null = null;
  private viewers = 0;

  /** Records one frame of a connection of `origin`. */
  record(r: TrafficRecord, origin: string): void {
    const bytes = Buffer.from(r.bytes); // the transport may reuse its buffer
    const rec: OwnRecord = {
      seq: ++this.lastSeq, origin, connectionId: r.connectionId, direction: r.direction, local: r.local, remote: r.remote,
      timestamp: r.timestamp, bytes, size: bytes.length,
    };
    this.recs.push(rec);
    this.heldBytes += bytes.length;
    while (this.heldBytes > OWN_TRAFFIC_MAX_BYTES && this.evictAt < this.recs.length - 1) {
      const old = this.recs[this.evictAt++];
      if (old.bytes) { this.heldBytes -= old.bytes.length; old.bytes = null; }
    }
    // Metadata goes only while no view indexes it (frame numbers of an open view must not move).
    if (this.recs.length > OWN_TRAFFIC_MAX_RECORDS && !this.view) {
      const gone = this.recs.splice(0, this.recs.length - OWN_TRAFFIC_MAX_RECORDS);
      this.firstSeq += gone.length;
      this.evictAt = Math.max(0, this.evictAt - gone.length);
      for (const g of gone) if (g.bytes) this.heldBytes -= g.bytes.length;
    }
    this.view?.add(rec);
  }

  /** The seq of the last record (0 before any): take it before and after a send to bracket its frames. */
  get mark(): number { return this.lastSeq; }

  /** Records kept. */
  get size(): number { return this.recs.length; }

  /** Whether an index is being kept (a view is open). */
  get indexed(): boolean { return this.view !== null; }

  /** Records with after < seq ≤ upTo (of `origin` when given), oldest first. */
  between(after: number, upTo: number, origin?: string): OwnRecord[] {
    const out: OwnRecord[] = [];
    for (let s = Math.max(after + 1, this.firstSeq); s <= Math.min(upTo, this.lastSeq); s++) {
      const r = this.recs[s - this.firstSeq];
      if (origin === undefined || r.origin === origin) out.push(r);
    }
    return out;
  }

  /**
   * Opens a view: the index of every kept record, following new ones until `close()`. Views share one
   * index; the last close drops it.
   */
  openView(): TrafficView {
    if (!this.view) {
      this.view = new IndexedTraffic(this.firstSeq);
      for (const r of this.recs) this.view.add(r);
    }
    this.viewers++;
    const view = this.view;
    let closed = false;
    return {
      index: view.index,
      readFrame: (i) => this.readFrame(view, i),
      frameOfSeq: (seq) => view.frameOfSeq(seq),
      onChange: (l) => view.onChange(l),
      close: () => {
        if (closed) return;
        closed = true;
        if (--this.viewers === 0 && this.view === view) this.view = null;
      },
    };
  }

  private readFrame(view: IndexedTraffic, i: number): FrameBytes {
    const seq = view.baseSeq + i;
    const r = seq >= this.firstSeq ? this.recs[seq - this.firstSeq] : undefined;
    const size = view.index.cols.size[i] ?? 0;
    if (!r?.bytes) return { bytes: Buffer.alloc(0), size, missing: 0, holes: [] };
    return { bytes: r.bytes, size, missing: 0, holes: [] };
  }

  /**
   * Writes the kept records as pcapng: one TCP connection per transport connection (handshake, each
   * frame as payload in its direction, at its own time). Frames whose bytes were dropped by the
   * memory bound are left out (counted).
   */
  writePcapng(sink: ByteSink): { packets: number; framesWritten: number; framesDropped: number } {
    const w = new PcapWriter(sink, { format: 'pcapng' });
    const sessions = new Map<number, TcpSession>();
    let written = 0, dropped = 0;
    for (const r of this.recs) {
      if (!r.bytes) { dropped++; continue; }
      const tsUs = r.timestamp * 1000;
      let s = sessions.get(r.connectionId);
      if (!s) {
        s = new TcpSession({ client: normIp(r.local.address), clientPort: r.local.port || 1, server: normIp(r.remote.address), serverPort: r.remote.port || 1 });
        sessions.set(r.connectionId, s);
        const t = tsUs - 3;
        w.packet(s.syn(), t); w.packet(s.synAck(), t + 1); w.packet(s.ack(0), t + 2);
      }
      for (const p of s.send(r.direction === 'out' ? 0 : 1, r.bytes)) w.packet(p, tsUs);
      written++;
    }
    return { packets: w.packets, framesWritten: written, framesDropped: dropped };
  }
}

/** What a view of the store hands to the inspector. */
export interface TrafficView {
  readonly index: CaptureIndex;
  readFrame(i: number): FrameBytes;
  /** The frame number of the record with this seq, or -1 when it is not in the index. */
  frameOfSeq(seq: number): number;
  onChange(l: () => void): () => void;
  close(): void;
}

/** The index of the records from `baseSeq` on: frame i is the record with seq baseSeq + i. */
class IndexedTraffic {
  private readonly builder = new IndexBuilder();
  private readonly connByTransportId = new Map<number, number>();
  private readonly listeners = new Set<() => void>();
  private readonly out: FrameOut = {
    conn: 0, dir: 0, tsFirst: 0, tsLast: 0, posMin: 0, posMax: 0, startSeq: 0, size: 0, headerLen: 0, serializeType: 0,
    summary: newSummary(), headerBuf: new Uint8Array(0), warn: 0, missing: 0, skippedBefore: 0, bytes: null, bytesAvailable: 0,
  };

  constructor(readonly baseSeq: number) {}

  get index(): CaptureIndex { return this.builder.index; }

  frameOfSeq(seq: number): number {
    const i = seq - this.baseSeq;
    return i >= 0 && i < this.index.length ? i : -1;
  }

  onChange(l: () => void): () => void {
    this.listeners.add(l);
    return () => { this.listeners.delete(l); };
  }

  add(r: OwnRecord): void {
    const ix = this.index;
    const tsUs = r.timestamp * 1000;
    let conn = this.connByTransportId.get(r.connectionId);
    if (conn === undefined) {
      conn = this.connByTransportId.size;
      this.connByTransportId.set(r.connectionId, conn);
      const clientAddr = safeIp(r.local.address), serverAddr = safeIp(r.remote.address);
      // Listed in index.conns like a captured connection at its first packet.
      this.builder.connOpened({
        id: conn, ipVersion: clientAddr.length === 16 ? 6 : 4, clientAddr, clientPort: r.local.port, serverAddr, serverPort: r.remote.port,
        firstUs: tsUs, lastUs: tsUs, firstOffset: ix.length, packets: 0, bytes: [0, 0], sawSyn: true, dupBytes: 0, gapBytes: 0, closed: null,
      });
      ix.conns[conn].rocketmq = true;
    }
    const b = r.bytes ?? new Uint8Array(0);
    const f = this.out;
    f.conn = conn;
    f.dir = r.direction === 'out' ? 0 : 1;
    f.tsFirst = tsUs; f.tsLast = tsUs;
    f.posMin = ix.length; f.posMax = ix.length;
    f.startSeq = 0;
    f.size = r.size;
    f.warn = 0; f.missing = r.bytes ? 0 : r.size; f.skippedBefore = 0;
    f.bytes = b; f.bytesAvailable = b.length; f.headerBuf = b;
    if (b.length >= 8) {
      const word = ((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]) >>> 0;
      f.serializeType = word >>> 24;
      f.headerLen = word & 0xffffff;
      scanHeader(b, 8, Math.min(b.length, 8 + f.headerLen), f.serializeType, f.summary);
    } else {
      // A record whose bytes were dropped before this view opened: listed, without a header.
      f.serializeType = 0; f.headerLen = 0; f.summary.ok = false;
      f.warn |= FrameWarn.Truncated;
    }
    if (!f.summary.ok) f.warn |= FrameWarn.UndecodableHeader;
    this.builder.frame(f);
    ix.packets = ix.length;
    if (ix.length === 1) ix.firstUs = tsUs;
    ix.lastUs = Math.max(ix.lastUs, tsUs);
    const cs = ix.conns[conn];
    cs.lastUs = tsUs; cs.frames[f.dir]++; cs.bytes[f.dir] += r.size; cs.packets++;
    for (const l of this.listeners) l();
  }
}

/** Requests that carry a message to the broker (or end a transaction): what "the send" is on the wire. */
const SEND_CODES = new Set<number>([RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE, RequestCode.END_TRANSACTION]);

/** Where a view opened for one send should look: the filter that shows its frames, the frame to select. */
export interface TrafficFocus {
  filter: FilterSpec;
  /** The first request of the send (selected). */
  frame: number;
  /** Every frame the filter shows, in order. */
  frames: number[];
}

/**
 * The frames of one send among `records` (a send's bracket of the store, from its connection
 * profile): its message requests (SEND_MESSAGE, _V2, SEND_BATCH_MESSAGE, END_TRANSACTION) with the
 * responses paired to them. One request: the filter is its connection and opaque. Several (repeats,
 * retries on another broker, a transaction's end): their codes within the time they span. A send
 * that failed before any message went out (no route, say): every frame of the bracket, by time.
 * Null when none of the records is in the view.
 */
export function focusOnSend(view: TrafficView, records: OwnRecord[]): TrafficFocus | null {
  const ix = view.index, c = ix.cols;
  const all = records.map((r) => view.frameOfSeq(r.seq)).filter((i) => i >= 0);
  if (all.length === 0) return null;
  const requests = all.filter((i) => !(c.flag[i] & 1) && SEND_CODES.has(c.code[i]));
  const origin = ix.firstUs || c.tsFirst[0];
  const window = (frames: number[]): Pick<FilterSpec, 'timeFromSec' | 'timeToSec'> => ({
    // ±0.5 µs: the filter compares origin + seconds × 10⁶ with each frame's time, both floats.
    timeFromSec: (Math.min(...frames.map((i) => c.tsFirst[i])) - origin - 0.5) / 1e6,
    timeToSec: (Math.max(...frames.map((i) => c.tsFirst[i])) - origin + 0.5) / 1e6,
  });
  if (requests.length === 0) return { filter: window(all), frame: all[0], frames: all };
  const frames = [...new Set([...requests, ...requests.map((i) => c.pair[i]).filter((p) => p >= 0)])].sort((a, b) => a - b);
  if (requests.length === 1) {
    const i = requests[0];
    return { filter: { conn: c.conn[i], opaque: c.opaque[i] }, frame: i, frames };
  }
  const codes = [...new Set(requests.map((i) => c.code[i]))].map((k) => requestCodeName(k)).join(',');
  return { filter: { code: codes, ...window(frames) }, frame: requests[0], frames };
}

function normIp(a: string): string {
  if (a.startsWith('::ffff:') && a.includes('.')) return a.slice(7);
  return a || '127.0.0.1';
}

function safeIp(a: string): Uint8Array {
  try { return ipToBytes(normIp(a)); } catch { return new Uint8Array([0, 0, 0, 0]); }
}
