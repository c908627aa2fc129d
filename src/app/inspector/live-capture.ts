/**
 * The producer's own traffic as a capture: `TrafficRecord`s (one per frame, from the transport's
 * `onTraffic` hook) go through the core's `IndexBuilder` — same columns, same pairing as a file —
 * and their bytes are kept (bounded) for details. "Save as pcapng" turns them into TCP packets with
 * the core's pcap writer.
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
import { ipToBytes } from '../../core/message/ids';

/** Keeps at most this many bytes of frames; older frames keep their row but lose their bytes. */
export const LIVE_MAX_BYTES = 64 * 1024 * 1024;

interface LiveConn {
  id: number;
  local: { address: string; port: number };
  remote: { address: string; port: number };
}

export class LiveCapture {
  private readonly builder = new IndexBuilder();
  private readonly connByTransportId = new Map<number, LiveConn>();
  private readonly frames: (Uint8Array | null)[] = [];
  private readonly records: { conn: number; dir: number; tsUs: number }[] = [];
  private heldBytes = 0;
  private evictFrom = 0;
  private readonly out: FrameOut = {
    conn: 0, dir: 0, tsFirst: 0, tsLast: 0, posMin: 0, posMax: 0, startSeq: 0, size: 0, headerLen: 0, serializeType: 0,
    summary: newSummary(), headerBuf: new Uint8Array(0), warn: 0, missing: 0, skippedBefore: 0, bytes: null, bytesAvailable: 0,
  };
  private listeners: (() => void)[] = [];

  get index(): CaptureIndex { return this.builder.index; }

  onChange(l: () => void): { dispose(): void } {
    this.listeners.push(l);
    return { dispose: () => { this.listeners = this.listeners.filter((x) => x !== l); } };
  }

  add(r: TrafficRecord): void {
    let c = this.connByTransportId.get(r.connectionId);
    if (!c) {
      const id = this.connByTransportId.size;
      c = { id, local: r.local, remote: r.remote };
      this.connByTransportId.set(r.connectionId, c);
      const clientAddr = safeIp(r.local.address), serverAddr = safeIp(r.remote.address);
      const tsUs = r.timestamp * 1000;
      // Listed in index.conns like a captured connection at its first packet.
      this.builder.connOpened({
        id, ipVersion: clientAddr.length === 16 ? 6 : 4, clientAddr, clientPort: r.local.port, serverAddr, serverPort: r.remote.port,
        firstUs: tsUs, lastUs: tsUs, firstOffset: this.frames.length, packets: 0, bytes: [0, 0], sawSyn: true, dupBytes: 0, gapBytes: 0, closed: null,
      });
      this.index.conns[id].rocketmq = true;
    }
    const b = new Uint8Array(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength).slice();
    const f = this.out;
    const tsUs = r.timestamp * 1000;
    f.conn = c.id;
    f.dir = r.direction === 'out' ? 0 : 1;
    f.tsFirst = tsUs; f.tsLast = tsUs;
    f.posMin = this.frames.length; f.posMax = this.frames.length;
    f.startSeq = 0;
    f.size = b.length;
    f.warn = 0; f.missing = 0; f.skippedBefore = 0;
    f.bytes = b; f.bytesAvailable = b.length; f.headerBuf = b;
    if (b.length >= 8) {
      const word = ((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]) >>> 0;
      f.serializeType = word >>> 24;
      f.headerLen = word & 0xffffff;
      scanHeader(b, 8, Math.min(b.length, 8 + f.headerLen), f.serializeType, f.summary);
    } else {
      f.serializeType = 0; f.headerLen = 0; f.summary.ok = false;
      f.warn |= FrameWarn.Truncated;
    }
    if (!f.summary.ok) f.warn |= FrameWarn.UndecodableHeader;
    this.builder.frame(f);
    this.frames.push(b);
    this.records.push({ conn: c.id, dir: f.dir, tsUs });
    this.heldBytes += b.length;
    while (this.heldBytes > LIVE_MAX_BYTES && this.evictFrom < this.frames.length - 1) {
      const old = this.frames[this.evictFrom];
      if (old) this.heldBytes -= old.length;
      this.frames[this.evictFrom++] = null;
    }
    const ix = this.index;
    ix.packets = this.frames.length;
    if (ix.cols.n === 1) ix.firstUs = tsUs;
    ix.lastUs = Math.max(ix.lastUs, tsUs);
    const cs = ix.conns[c.id];
    cs.lastUs = tsUs; cs.frames[f.dir]++; cs.bytes[f.dir] += b.length; cs.packets++;
    for (const l of this.listeners) l();
  }

  /** Frame `i` as random access gives it for a file; bytes dropped by the memory bound come back empty. */
  readFrame(i: number): FrameBytes {
    const b = this.frames[i];
    const size = this.index.cols.size[i];
    if (!b) return { bytes: Buffer.alloc(0), size, missing: 0, holes: [] };
    return { bytes: Buffer.from(b.buffer, b.byteOffset, b.byteLength), size, missing: 0, holes: [] };
  }

  /**
   * Writes the recorded frames as pcapng: one TCP connection per transport connection (handshake,
   * each frame as payload in its direction, at its own time). Frames whose bytes were dropped by
   * the memory bound are left out (counted in the result).
   */
  writePcapng(sink: ByteSink): { packets: number; framesWritten: number; framesDropped: number } {
    const w = new PcapWriter(sink, { format: 'pcapng' });
    const sessions = new Map<number, TcpSession>();
    let written = 0, dropped = 0;
    for (let i = 0; i < this.records.length; i++) {
      const rec = this.records[i];
      const bytes = this.frames[i];
      if (!bytes) { dropped++; continue; }
      let s = sessions.get(rec.conn);
      if (!s) {
        const lc = [...this.connByTransportId.values()].find((x) => x.id === rec.conn)!;
        s = new TcpSession({
          client: normIp(lc.local.address), clientPort: lc.local.port || 1,
          server: normIp(lc.remote.address), serverPort: lc.remote.port || 1,
        });
        sessions.set(rec.conn, s);
        const t = rec.tsUs - 3;
        w.packet(s.syn(), t); w.packet(s.synAck(), t + 1); w.packet(s.ack(0), t + 2);
      }
      for (const p of s.send(rec.dir, bytes)) w.packet(p, rec.tsUs);
      written++;
    }
    return { packets: w.packets, framesWritten: written, framesDropped: dropped };
  }
}

function normIp(a: string): string {
  if (a.startsWith('::ffff:') && a.includes('.')) return a.slice(7);
  return a || '127.0.0.1';
}

function safeIp(a: string): Uint8Array {
  try { return ipToBytes(normIp(a)); } catch { return new Uint8Array([0, 0, 0, 0]); }
}

/**
 * Accepts what callers of "Show frames" have: the transport's `TrafficRecord`, or a recorded frame
 * with only `address` ("host:port" of the peer), `direction`, `timestamp` and `bytes`. Anything else
 * is refused (null) rather than guessed.
 */
export function toTrafficRecord(x: unknown): TrafficRecord | null {
  if (typeof x !== 'object' || x === null) return null;
  const o = x as Record<string, unknown>;
  const bytes = o.bytes;
  if (!(bytes instanceof Uint8Array)) return null;
  if (o.direction !== 'in' && o.direction !== 'out') return null;
  if (typeof o.timestamp !== 'number' || !Number.isFinite(o.timestamp)) return null;
  const ep = (v: unknown): { address: string; port: number } | null => {
    if (typeof v !== 'object' || v === null) return null;
    const e = v as Record<string, unknown>;
    return typeof e.address === 'string' && typeof e.port === 'number' ? { address: e.address, port: e.port } : null;
  };
  let remote = ep(o.remote);
  if (!remote && typeof o.address === 'string') {
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(o.address);
    if (m) remote = { address: m[1], port: Number(m[2]) };
  }
  if (!remote) return null;
  const local = ep(o.local) ?? { address: '127.0.0.1', port: 0 };
  let id = typeof o.connectionId === 'number' ? o.connectionId : NaN;
  if (!Number.isFinite(id)) {
    id = 0;
    const key = `${remote.address}:${remote.port}`;
    for (let k = 0; k < key.length; k++) id = (Math.imul(id, 31) + key.charCodeAt(k)) | 0;
  }
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { connectionId: id, direction: o.direction, local, remote, timestamp: o.timestamp, bytes: buf };
}
