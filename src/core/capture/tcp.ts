/**
 * Layer 4: TCP connection tracking and per-direction reassembly by sequence number.
 * Handles retransmissions/overlaps (first copy wins), out-of-order segments (bounded buffer per
 * direction and globally), SYN/FIN/RST, sequence wrap-around (all arithmetic mod 2^32), mid-connection
 * start, snaplen-cut segments and gaps (reported, never invented). Closed connections are released.
 */
import { CaptureWarning, SERVER_PORT_HINTS } from './types';
import { NetPacket } from './netlayers';

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

export type GapReason = 'missing' | 'snaplen' | 'buffer-limit' | 'resync';
export type EndReason = 'fin' | 'rst' | 'eof' | 'reused';

/** Receives the in-order byte stream of one direction. */
export interface StreamSink {
  /** `fromSyn`: the stream starts at a connection start (a frame boundary); else mid-connection. */
  begin(fromSyn: boolean): void;
  /** `recordOffset`: the packet carrying the bytes; `recordMin`: its earliest record (IP fragments), else the same. */
  data(buf: Uint8Array, off: number, len: number, seq: number, tsUs: number, recordOffset: number, recordMin?: number): void;
  /** `n` bytes at `seq` were never captured (n = -1: unknown amount). */
  gap(n: number, seq: number, reason: GapReason, tsUs: number, recordOffset: number): void;
  end(reason: EndReason): void;
}

export interface ConnInfo {
  id: number;
  ipVersion: 4 | 6;
  /** Client (connection initiator, or best guess) address and port. */
  clientAddr: Uint8Array;
  clientPort: number;
  serverAddr: Uint8Array;
  serverPort: number;
  firstUs: number;
  lastUs: number;
  firstOffset: number;
  packets: number;
  /** Payload bytes per direction (declared, incl. not captured). */
  bytes: [number, number];
  sawSyn: boolean;
  /** Connection-level byte stats. */
  dupBytes: number;
  gapBytes: number;
  closed: EndReason | null;
}

interface OooSeg { seq: number; data: Uint8Array; declen: number; tsUs: number; rec: number; recMin: number }

class Half {
  synced = false;
  nextSeq = 0;
  ended = false;
  finPending = false;
  finSeq = 0;
  ooo: OooSeg[] = [];
  oooBytes = 0;
  outOfWindow = 0;
  constructor(readonly sink: StreamSink) {}
}

class Conn {
  next: Conn | null = null;
  readonly halves: [Half, Half];
  isn0 = -1;
  constructor(readonly info: ConnInfo, readonly hash: number, sinks: [StreamSink, StreamSink]) {
    this.halves = [new Half(sinks[0]), new Half(sinks[1])];
  }
}

export interface TcpLimits {
  /** Max buffered out-of-order bytes per direction. */
  maxOooPerDir: number;
  /** Max buffered out-of-order bytes over all connections. */
  maxOooTotal: number;
  /** A segment further ahead than this is out of window (resync after 4 in a row). */
  maxWindow: number;
}

export const DEFAULT_TCP_LIMITS: TcpLimits = { maxOooPerDir: 4 << 20, maxOooTotal: 64 << 20, maxWindow: 1 << 30 };

/** `a` equals the `a.length` bytes of `b` at `off`. */
function eqAt(a: Uint8Array, b: Uint8Array, off: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[off + i]) return false;
  return true;
}

/**
 * Table key of a packet's connection, the same for both directions: the two addresses XORed word
 * by word, read in place (no view per packet), mixed with the XORed ports. Collisions are resolved
 * by comparing endpoints (Conn.next chains).
 */
function connKey(p: NetPacket, sport: number, dport: number): number {
  const a = p.addr, s = p.srcOff, d = p.dstOff;
  let h = 0;
  for (let i = 0; i < p.addrLen; i += 4) {
    const x = ((a[s + i] ^ a[d + i]) << 24) | ((a[s + i + 1] ^ a[d + i + 1]) << 16) | ((a[s + i + 2] ^ a[d + i + 2]) << 8) | (a[s + i + 3] ^ a[d + i + 3]);
    h = Math.imul(h ^ x, 0x9e3779b1);
  }
  return Math.imul(h ^ (sport ^ dport), 0x85ebca6b) ^ p.addrLen; // an int32: a Map key V8 hashes fastest
}

export class TcpTracker {
  /**
   * Open connections: chains (Conn.next) in buckets by `hash & mask`. An array rather than a Map:
   * the lookup runs per packet, and the Map's hashing of the key was its most expensive line.
   */
  private table: (Conn | null)[] = new Array<Conn | null>(64).fill(null);
  private mask = 63;
  private nextId = 0;
  private oooTotal = 0;
  /** Earliest record offset of the packet being processed (IP fragments). */
  private recMin = 0;
  activeCount = 0;
  /** Number of TCP packets processed / skipped (bad header). */
  tcpPackets = 0;
  badTcp = 0;

  constructor(
    private readonly newSinks: (info: ConnInfo) => [StreamSink, StreamSink],
    private readonly onClose: (info: ConnInfo) => void,
    private readonly warn: (w: CaptureWarning) => void,
    private readonly limits: TcpLimits = DEFAULT_TCP_LIMITS,
  ) {}

  get connections(): number { return this.nextId; }

  packet(p: NetPacket, tsUs: number, recordOffset: number): void {
    if (p.protocol !== 6) return;
    const b = p.buf;
    const o = p.l4off;
    if (p.l4len < 20) { this.badTcp++; return; }
    const hl = (b[o + 12] >> 4) * 4;
    if (hl < 20 || hl > p.l4len) {
      this.badTcp++;
      if (hl >= 20 && hl <= p.l4declared) {
        // header cut by snaplen; nothing usable
      }
      return;
    }
    this.tcpPackets++;
    const sport = (b[o] << 8) | b[o + 1];
    const dport = (b[o + 2] << 8) | b[o + 3];
    const seq = ((b[o + 4] << 24) | (b[o + 5] << 16) | (b[o + 6] << 8) | b[o + 7]) >>> 0;
    const flags = b[o + 13];
    const caplen = p.l4len - hl;
    const declen = Math.max(caplen, p.l4declared - hl);

    const key = connKey(p, sport, dport);
    let c = this.table[key & this.mask];
    let dir = 0;
    const a = p.addr, al = p.addrLen;
    while (c) {
      const i = c.info;
      if (i.clientAddr.length === al) {
        if (i.clientPort === sport && i.serverPort === dport && eqAt(i.clientAddr, a, p.srcOff) && eqAt(i.serverAddr, a, p.dstOff)) { dir = 0; break; }
        if (i.clientPort === dport && i.serverPort === sport && eqAt(i.clientAddr, a, p.dstOff) && eqAt(i.serverAddr, a, p.srcOff)) { dir = 1; break; }
      }
      c = c.next;
    }
    const syn = (flags & TCP_SYN) !== 0;
    const ack = (flags & TCP_ACK) !== 0;
    if (c && syn && !ack && dir === 0 && c.isn0 !== -1 && c.isn0 !== seq) {
      // port reuse: a new connection on the same 4-tuple
      this.close(c, 'reused');
      c = null;
    } else if (c && syn && !ack && dir === 1) {
      // the side we took for the server opens: it is a new connection with swapped roles
      this.close(c, 'reused');
      c = null;
    }
    if (!c && !syn && declen === 0) return; // pure ACK/FIN/RST of an unknown or closed connection
    if (!c) {
      // choose roles: SYN sender is the client; SYN+ACK sender is the server; else port hints
      let clientIsSrc = true;
      if (syn) clientIsSrc = !ack;
      else if (SERVER_PORT_HINTS.has(sport) && !SERVER_PORT_HINTS.has(dport)) clientIsSrc = false;
      else if (!SERVER_PORT_HINTS.has(dport) && sport < dport && sport < 32768) clientIsSrc = false;
      const info: ConnInfo = {
        id: this.nextId++,
        ipVersion: p.ipVersion,
        clientAddr: Uint8Array.from(clientIsSrc ? p.src : p.dst),
        clientPort: clientIsSrc ? sport : dport,
        serverAddr: Uint8Array.from(clientIsSrc ? p.dst : p.src),
        serverPort: clientIsSrc ? dport : sport,
        firstUs: tsUs,
        lastUs: tsUs,
        firstOffset: recordOffset,
        packets: 0,
        bytes: [0, 0],
        sawSyn: syn,
        dupBytes: 0,
        gapBytes: 0,
        closed: null,
      };
      c = new Conn(info, key, this.newSinks(info));
      if (this.activeCount >= this.table.length) this.growTable();
      c.next = this.table[key & this.mask];
      this.table[key & this.mask] = c;
      this.activeCount++;
      dir = clientIsSrc ? 0 : 1;
    }
    const info = c.info;
    info.packets++;
    if (tsUs > info.lastUs) info.lastUs = tsUs;
    const half = c.halves[dir];
    if (half.ended && !syn) {
      // data after FIN/RST of this direction: ignore retransmissions; anything new is reported
      if (declen > 0 && ((seq - half.nextSeq) | 0) >= 0) {
        this.warn({ kind: 'tcp.data-after-close', message: `${declen} bytes after the stream was closed`, fileOffset: recordOffset, conn: info.id, dir });
      }
      return;
    }
    let dataSeq = seq;
    if (syn) {
      if (dir === 0) c.isn0 = seq;
      dataSeq = (seq + 1) >>> 0;
      if (!half.synced) {
        half.synced = true;
        half.nextSeq = dataSeq;
        half.sink.begin(true);
      }
    } else if (!half.synced) {
      if (declen === 0 && !(flags & (TCP_FIN | TCP_RST))) return; // pure ACK: wait for data
      half.synced = true;
      half.nextSeq = seq;
      half.sink.begin(false);
    }
    if (declen > 0) {
      info.bytes[dir] += declen;
      this.recMin = p.firstRecord >= 0 ? p.firstRecord : recordOffset;
      this.segment(c, dir, half, dataSeq, b, o + hl, caplen, declen, tsUs, recordOffset);
    }
    if (flags & TCP_RST) {
      this.close(c, 'rst');
      return;
    }
    if (flags & TCP_FIN) {
      half.finPending = true;
      half.finSeq = (dataSeq + declen) >>> 0;
    }
    if (half.finPending && !half.ended && half.nextSeq === half.finSeq) {
      this.endHalf(c, dir, 'fin');
    }
    if (c.halves[0].ended && c.halves[1].ended) this.close(c, 'fin');
  }

  private segment(c: Conn, dir: number, half: Half, seq: number, b: Uint8Array, off: number, caplen: number, declen: number, tsUs: number, rec: number): void {
    let rel = (seq - half.nextSeq) | 0;
    if (rel + declen <= 0) { c.info.dupBytes += declen; return; } // retransmission
    if (rel > this.limits.maxWindow || rel < -this.limits.maxWindow) {
      if (++half.outOfWindow < 4) {
        this.warn({ kind: 'tcp.out-of-window', message: `segment ${rel} bytes away from the expected sequence number; ignored`, fileOffset: rec, conn: c.info.id, dir });
        return;
      }
      // four in a row: the stream really moved on
      this.flushOoo(c, dir, half, 'resync');
      half.sink.gap(-1, half.nextSeq, 'resync', tsUs, rec);
      half.nextSeq = seq;
      rel = 0;
    }
    half.outOfWindow = 0;
    if (rel < 0) {
      const cut = -rel;
      c.info.dupBytes += cut;
      off += cut;
      caplen = Math.max(0, caplen - cut);
      declen -= cut;
      seq = half.nextSeq;
      rel = 0;
    }
    if (rel === 0) {
      this.deliver(c, half, b, off, caplen, declen, tsUs, rec, this.recMin);
      if (half.ooo.length) this.drain(c, half);
      return;
    }
    // out of order: keep a copy
    const seg: OooSeg = { seq, data: Uint8Array.prototype.slice.call(b, off, off + caplen) as Uint8Array, declen, tsUs, rec, recMin: this.recMin };
    const q = half.ooo;
    let i = q.length;
    while (i > 0 && ((q[i - 1].seq - seq) | 0) > 0) i--;
    q.splice(i, 0, seg);
    half.oooBytes += caplen;
    this.oooTotal += caplen;
    while (half.ooo.length && (half.oooBytes > this.limits.maxOooPerDir || this.oooTotal > this.limits.maxOooTotal)) {
      this.flushOne(c, dir, half, 'buffer-limit');
    }
  }

  private deliver(c: Conn, half: Half, b: Uint8Array, off: number, caplen: number, declen: number, tsUs: number, rec: number, recMin: number): void {
    const seq = half.nextSeq;
    if (caplen > 0) half.sink.data(b, off, caplen, seq, tsUs, rec, recMin);
    if (declen > caplen) {
      c.info.gapBytes += declen - caplen;
      half.sink.gap(declen - caplen, (seq + caplen) >>> 0, 'snaplen', tsUs, rec);
    }
    half.nextSeq = (seq + declen) >>> 0;
  }

  private drain(c: Conn, half: Half): void {
    const q = half.ooo;
    while (q.length) {
      const s = q[0];
      const rel = (s.seq - half.nextSeq) | 0;
      if (rel > 0) break;
      q.shift();
      half.oooBytes -= s.data.length;
      this.oooTotal -= s.data.length;
      if (rel + s.declen <= 0) { c.info.dupBytes += s.declen; continue; }
      const cut = -rel;
      c.info.dupBytes += cut;
      this.deliver(c, half, s.data, cut, Math.max(0, s.data.length - cut), s.declen - cut, s.tsUs, s.rec, s.recMin);
    }
  }

  /** Skips the hole before the first buffered segment (reported as a gap) and delivers what follows. */
  private flushOne(c: Conn, dir: number, half: Half, reason: GapReason): void {
    const s = half.ooo[0];
    const rel = (s.seq - half.nextSeq) | 0;
    if (rel > 0) {
      c.info.gapBytes += rel;
      half.sink.gap(rel, half.nextSeq, reason, s.tsUs, s.rec);
      half.nextSeq = s.seq;
    }
    this.drain(c, half);
  }

  private flushOoo(c: Conn, dir: number, half: Half, reason: GapReason): void {
    while (half.ooo.length) this.flushOne(c, dir, half, reason);
  }

  private endHalf(c: Conn, dir: number, reason: EndReason): void {
    const half = c.halves[dir];
    if (half.ended) return;
    this.flushOoo(c, dir, half, 'missing');
    if (half.finPending && half.nextSeq !== half.finSeq && ((half.finSeq - half.nextSeq) | 0) > 0) {
      const n = (half.finSeq - half.nextSeq) | 0;
      c.info.gapBytes += n;
      half.sink.gap(n, half.nextSeq, 'missing', c.info.lastUs, -1);
      half.nextSeq = half.finSeq;
    }
    half.ended = true;
    if (half.synced) half.sink.end(reason);
    else half.sink.end(reason);
  }

  private close(c: Conn, reason: EndReason): void {
    this.endHalf(c, 0, reason);
    this.endHalf(c, 1, reason);
    if (c.info.closed) return;
    c.info.closed = reason;
    // unlink
    const bucket = c.hash & this.mask;
    let p = this.table[bucket];
    let prev: Conn | null = null;
    while (p && p !== c) { prev = p; p = p.next; }
    if (p) {
      if (prev) prev.next = c.next;
      else this.table[bucket] = c.next;
    }
    this.activeCount--;
    this.onClose(c.info);
  }

  /** Doubles the bucket array (at one open connection per bucket) and rehashes the chains. */
  private growTable(): void {
    const old = this.table;
    this.table = new Array<Conn | null>(old.length * 2).fill(null);
    this.mask = this.table.length - 1;
    for (let head of old) {
      while (head) {
        const next = head.next;
        head.next = this.table[head.hash & this.mask];
        this.table[head.hash & this.mask] = head;
        head = next;
      }
    }
  }

  /** End of capture: flushes and closes every open connection. */
  finish(): void {
    const all: Conn[] = [];
    for (const head of this.table) for (let c: Conn | null = head; c; c = c.next) all.push(c);
    all.sort((a, b) => a.info.id - b.info.id);
    for (const c of all) this.close(c, 'eof');
  }
}
