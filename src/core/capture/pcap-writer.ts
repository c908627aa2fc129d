/**
 * A small pcap / pcapng writer plus TCP/IP packet builders: used by the tests to build hostile
 * captures, by the benchmark to generate large ones, and reusable to save our own producer's traffic
 * as pcapng (see {@link TcpSession}: hand it the application bytes of each direction).
 */
import * as fs from 'node:fs';
import {
  LINKTYPE_ETHERNET, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_LOOP, LINKTYPE_NULL, LINKTYPE_RAW,
} from './netlayers';

export type ByteSink = (chunk: Buffer) => void;

export interface PcapWriterOptions {
  format: 'pcap' | 'pcapng';
  /** Link type of the (first) interface. Default Ethernet. */
  linkType?: number;
  /** Byte order of the file. Default little-endian. */
  littleEndian?: boolean;
  /** Classic pcap only: nanosecond timestamps (magic a1b23c4d). */
  nanos?: boolean;
  snaplen?: number;
  /** pcapng only: if_tsresol of the first interface as a power of ten (6 = µs, 9 = ns). */
  tsresolExp?: number;
  /** pcapng only: if_tsoffset (seconds) of the first interface. */
  tsoffsetSec?: number;
  /** pcapng only: write no interface automatically. */
  noDefaultInterface?: boolean;
}

export interface InterfaceOptions {
  linkType: number;
  snaplen?: number;
  tsresolExp?: number;
  tsoffsetSec?: number;
  name?: string;
}

export interface PacketWriteOptions {
  /** pcapng interface id (within the current section). */
  iface?: number;
  /** Original length on the wire (default data length). Data longer than the snaplen is cut. */
  origLen?: number;
  /** pcapng: write a Simple Packet Block (no timestamp, interface 0). */
  simple?: boolean;
}

export class PcapWriter {
  private ifaces: Required<Pick<InterfaceOptions, 'linkType' | 'snaplen' | 'tsresolExp' | 'tsoffsetSec'>>[] = [];
  readonly le: boolean;
  bytesWritten = 0;
  packets = 0;

  constructor(private readonly sink: ByteSink, readonly opts: PcapWriterOptions) {
    this.le = opts.littleEndian ?? true;
    if (opts.format === 'pcap') {
      const h = Buffer.alloc(24);
      this.w32(h, 0, opts.nanos ? 0xa1b23c4d : 0xa1b2c3d4);
      this.w16(h, 4, 2); this.w16(h, 6, 4);
      this.w32(h, 16, opts.snaplen ?? 262144);
      this.w32(h, 20, opts.linkType ?? LINKTYPE_ETHERNET);
      this.out(h);
      this.ifaces.push({ linkType: opts.linkType ?? LINKTYPE_ETHERNET, snaplen: opts.snaplen ?? 262144, tsresolExp: opts.nanos ? 9 : 6, tsoffsetSec: 0 });
    } else {
      this.section();
      if (!opts.noDefaultInterface) {
        this.addInterface({ linkType: opts.linkType ?? LINKTYPE_ETHERNET, snaplen: opts.snaplen, tsresolExp: opts.tsresolExp, tsoffsetSec: opts.tsoffsetSec });
      }
    }
  }

  private w32(b: Buffer, o: number, v: number): void { if (this.le) b.writeUInt32LE(v >>> 0, o); else b.writeUInt32BE(v >>> 0, o); }
  private w16(b: Buffer, o: number, v: number): void { if (this.le) b.writeUInt16LE(v, o); else b.writeUInt16BE(v, o); }
  private out(b: Buffer): void { this.bytesWritten += b.length; this.sink(b); }

  /** pcapng: starts a new section (interfaces must be declared again). */
  section(): void {
    const b = Buffer.alloc(28);
    this.w32(b, 0, 0x0a0d0d0a); this.w32(b, 4, 28); this.w32(b, 8, 0x1a2b3c4d);
    this.w16(b, 12, 1); this.w16(b, 14, 0);
    b.writeInt32LE(-1, 16); b.writeInt32LE(-1, 20); // section length unknown
    this.w32(b, 24, 28);
    this.ifaces = [];
    this.out(b);
  }

  /** pcapng: declares an interface, returns its id in the section. */
  addInterface(o: InterfaceOptions): number {
    const opts: Buffer[] = [];
    const opt = (code: number, val: Buffer) => {
      const b = Buffer.alloc(4 + ((val.length + 3) & ~3));
      this.w16(b, 0, code); this.w16(b, 2, val.length); val.copy(b, 4);
      opts.push(b);
    };
    if (o.name) opt(2, Buffer.from(o.name, 'utf8'));
    if (o.tsresolExp !== undefined && o.tsresolExp !== 6) opt(9, Buffer.from([o.tsresolExp]));
    if (o.tsoffsetSec) {
      const v = Buffer.alloc(8);
      if (this.le) v.writeBigInt64LE(BigInt(o.tsoffsetSec)); else v.writeBigInt64BE(BigInt(o.tsoffsetSec));
      opt(14, v);
    }
    if (opts.length) opts.push(Buffer.alloc(4)); // opt_endofopt
    const optLen = opts.reduce((n, b) => n + b.length, 0);
    const total = 20 + optLen;
    const b = Buffer.alloc(total);
    this.w32(b, 0, 1); this.w32(b, 4, total);
    this.w16(b, 8, o.linkType); this.w16(b, 10, 0); this.w32(b, 12, o.snaplen ?? 262144);
    let p = 16;
    for (const x of opts) { x.copy(b, p); p += x.length; }
    this.w32(b, total - 4, total);
    this.out(b);
    this.ifaces.push({ linkType: o.linkType, snaplen: o.snaplen ?? 262144, tsresolExp: o.tsresolExp ?? 6, tsoffsetSec: o.tsoffsetSec ?? 0 });
    return this.ifaces.length - 1;
  }

  /** pcapng: writes an arbitrary block (e.g. an unknown type, to test skipping). */
  rawBlock(type: number, body: Uint8Array): void {
    const pad = (body.length + 3) & ~3;
    const total = 12 + pad;
    const b = Buffer.alloc(total);
    this.w32(b, 0, type); this.w32(b, 4, total);
    b.set(body, 8);
    this.w32(b, total - 4, total);
    this.out(b);
  }

  /** Writes one packet with a timestamp in µs since the epoch. */
  packet(data: Uint8Array, tsUs: number, o: PacketWriteOptions = {}): void {
    const ifId = o.iface ?? 0;
    const iface = this.ifaces[ifId];
    if (!iface) throw new Error(`interface ${ifId} not declared`);
    const orig = o.origLen ?? data.length;
    const cap = Math.min(data.length, iface.snaplen);
    this.packets++;
    if (this.opts.format === 'pcap') {
      const h = Buffer.allocUnsafe(16);
      const sec = Math.floor(tsUs / 1e6);
      const fracUs = tsUs - sec * 1e6;
      this.w32(h, 0, sec);
      this.w32(h, 4, this.opts.nanos ? Math.round(fracUs * 1000) : Math.floor(fracUs));
      this.w32(h, 8, cap); this.w32(h, 12, orig);
      this.out(h);
      this.out(Buffer.from(data.buffer, data.byteOffset, cap));
      return;
    }
    const pad = ((cap + 3) & ~3) - cap;
    if (o.simple) {
      const total = 16 + cap + pad;
      const h = Buffer.allocUnsafe(12);
      this.w32(h, 0, 3); this.w32(h, 4, total); this.w32(h, 8, orig);
      this.out(h);
      this.out(Buffer.from(data.buffer, data.byteOffset, cap));
      const t = Buffer.alloc(pad + 4);
      this.w32(t, pad, total);
      this.out(t);
      return;
    }
    const total = 32 + cap + pad;
    const h = Buffer.allocUnsafe(28);
    this.w32(h, 0, 6); this.w32(h, 4, total); this.w32(h, 8, ifId);
    const units = toUnits(tsUs - iface.tsoffsetSec * 1e6, iface.tsresolExp);
    this.w32(h, 12, Number(units >> 32n)); this.w32(h, 16, Number(units & 0xffffffffn));
    this.w32(h, 20, cap); this.w32(h, 24, orig);
    this.out(h);
    this.out(Buffer.from(data.buffer, data.byteOffset, cap));
    const t = Buffer.alloc(pad + 4);
    this.w32(t, pad, total);
    this.out(t);
  }
}

function toUnits(tsUs: number, exp: number): bigint {
  const whole = Math.floor(tsUs);
  const frac = tsUs - whole;
  if (exp >= 6) {
    const m = 10n ** BigInt(exp - 6);
    return BigInt(whole) * m + BigInt(Math.round(frac * Number(m)));
  }
  return BigInt(whole) / 10n ** BigInt(6 - exp);
}

/** Collects written bytes in memory. */
export function memorySink(): { sink: ByteSink; bytes(): Buffer } {
  const chunks: Buffer[] = [];
  return { sink: (c) => { chunks.push(Buffer.from(c)); }, bytes: () => Buffer.concat(chunks) };
}

/** Writes to a file with buffering (call close()). */
export function fileSink(path: string, bufSize = 4 << 20): { sink: ByteSink; close(): void } {
  const fd = fs.openSync(path, 'w');
  const buf = Buffer.allocUnsafe(bufSize);
  let n = 0;
  const flush = () => { let o = 0; while (o < n) o += fs.writeSync(fd, buf, o, n - o); n = 0; };
  return {
    sink: (c) => {
      if (c.length > bufSize) { flush(); let o = 0; while (o < c.length) o += fs.writeSync(fd, c, o, c.length - o); return; }
      if (n + c.length > bufSize) flush();
      c.copy(buf, n); n += c.length;
    },
    close: () => { flush(); fs.closeSync(fd); },
  };
}

// ---------------------------------------------------------------- packet builders

export const F_FIN = 0x01, F_SYN = 0x02, F_RST = 0x04, F_PSH = 0x08, F_ACK = 0x10;

const ipCache = new Map<string, Uint8Array>();
export function parseIp(a: string): Uint8Array {
  let v = ipCache.get(a);
  if (!v) {
    v = parseIpUncached(a);
    if (ipCache.size > 1000) ipCache.clear();
    ipCache.set(a, v);
  }
  return v;
}

function parseIpUncached(a: string): Uint8Array {
  if (!a.includes(':')) {
    const p = a.split('.').map(Number);
    return Uint8Array.from(p);
  }
  const [l, r] = a.split('::');
  const lp = l ? l.split(':') : [];
  const rp = r !== undefined ? (r ? r.split(':') : []) : [];
  const parts = r !== undefined ? [...lp, ...Array(8 - lp.length - rp.length).fill('0'), ...rp] : lp;
  const out = new Uint8Array(16);
  parts.forEach((h, i) => { const v = parseInt(h, 16); out[i * 2] = v >> 8; out[i * 2 + 1] = v & 0xff; });
  return out;
}

export interface TcpSpec {
  src: string; dst: string; sport: number; dport: number;
  seq: number; ack?: number; flags?: number; window?: number;
  payload?: Uint8Array;
  ipId?: number;
  /** Ethernet only: VLAN ids to stack (802.1Q; two = QinQ with 0x88a8 outer). */
  vlans?: number[];
  /** Extra IPv4 options bytes (multiple of 4). */
  ipOptions?: Uint8Array;
  /** IPv6: a hop-by-hop and a destination-options extension header before TCP. */
  ipv6Ext?: boolean;
}

function ipChecksum(b: Buffer, off: number, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i += 2) s += (b[off + i] << 8) | b[off + i + 1];
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** TCP segment (header + payload) only. */
export function buildTcpSegment(spec: TcpSpec): Buffer {
  const payload = spec.payload ?? new Uint8Array(0);
  const t = Buffer.allocUnsafe(20 + payload.length);
  t.writeUInt16BE(spec.sport, 0); t.writeUInt16BE(spec.dport, 2);
  t.writeUInt32BE(spec.seq >>> 0, 4); t.writeUInt32BE((spec.ack ?? 0) >>> 0, 8);
  t[12] = 5 << 4; t[13] = spec.flags ?? (F_ACK | F_PSH);
  t.writeUInt16BE(spec.window ?? 65535, 14); t.writeUInt16BE(0, 16); t.writeUInt16BE(0, 18);
  t.set(payload, 20);
  return t;
}

/** IP packet (v4 or v6 by address syntax) carrying `l4` with protocol `proto`. */
export function buildIpPacket(src: string, dst: string, proto: number, l4: Uint8Array, o: { ipId?: number; ipOptions?: Uint8Array; ipv6Ext?: boolean; fragOffset?: number; moreFragments?: boolean } = {}): Buffer {
  const s = parseIp(src), d = parseIp(dst);
  if (s.length === 4) {
    const optLen = o.ipOptions?.length ?? 0;
    const hl = 20 + optLen;
    const b = Buffer.allocUnsafe(hl + l4.length);
    b[0] = 0x40 | (hl / 4); b[1] = 0;
    b.writeUInt16BE(Math.min(0xffff, hl + l4.length), 2);
    b.writeUInt16BE(o.ipId ?? 0, 4);
    b.writeUInt16BE(((o.moreFragments ? 0x2000 : (o.fragOffset ? 0 : 0x4000)) | ((o.fragOffset ?? 0) >> 3)), 6);
    b[8] = 64; b[9] = proto; b.writeUInt16BE(0, 10);
    b.set(s, 12); b.set(d, 16);
    if (optLen) b.set(o.ipOptions!, 20);
    b.writeUInt16BE(ipChecksum(b, 0, hl), 10);
    b.set(l4, hl);
    return b;
  }
  const ext = o.ipv6Ext ? 16 : 0;
  const b = Buffer.alloc(40 + ext + l4.length);
  b.writeUInt32BE(0x60000000, 0);
  b.writeUInt16BE(ext + l4.length, 4);
  b[6] = o.ipv6Ext ? 0 : proto; b[7] = 64;
  b.set(s, 8); b.set(d, 24);
  if (o.ipv6Ext) {
    b[40] = 60; b[41] = 0; // hop-by-hop → dest opts, 8 bytes (padding options)
    b[42] = 1; b[43] = 4; // PadN
    b[48] = proto; b[49] = 0; b[50] = 1; b[51] = 4;
  }
  b.set(l4, 40 + ext);
  return b;
}

/** Wraps an IP packet in the given link layer. */
export function wrapLink(linkType: number, ip: Uint8Array, vlans: number[] = []): Buffer {
  const v6 = (ip[0] >> 4) === 6;
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      const h = Buffer.alloc(14 + vlans.length * 4);
      h.set([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2], 0);
      let p = 12;
      vlans.forEach((id, i) => {
        h.writeUInt16BE(i === 0 && vlans.length > 1 ? 0x88a8 : 0x8100, p);
        h.writeUInt16BE(id & 0xfff, p + 2);
        p += 4;
      });
      h.writeUInt16BE(v6 ? 0x86dd : 0x0800, p);
      return Buffer.concat([h, ip]);
    }
    case LINKTYPE_NULL: {
      const h = Buffer.alloc(4);
      h.writeUInt32LE(v6 ? 24 : 2);
      return Buffer.concat([h, ip]);
    }
    case LINKTYPE_LOOP: {
      const h = Buffer.alloc(4);
      h.writeUInt32BE(v6 ? 24 : 2);
      return Buffer.concat([h, ip]);
    }
    case LINKTYPE_LINUX_SLL: {
      const h = Buffer.alloc(16);
      h.writeUInt16BE(0, 0); h.writeUInt16BE(772, 2); h.writeUInt16BE(6, 4);
      h.writeUInt16BE(v6 ? 0x86dd : 0x0800, 14);
      return Buffer.concat([h, ip]);
    }
    case LINKTYPE_LINUX_SLL2: {
      const h = Buffer.alloc(20);
      h.writeUInt16BE(v6 ? 0x86dd : 0x0800, 0);
      h.writeUInt32BE(1, 4); h.writeUInt16BE(772, 8); h[10] = 0; h[11] = 6;
      return Buffer.concat([h, ip]);
    }
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      return Buffer.from(ip);
    default:
      throw new Error(`cannot build link type ${linkType}`);
  }
}

/** A whole TCP/IP packet for the link type. */
export function buildTcpPacket(linkType: number, spec: TcpSpec): Buffer {
  const seg = buildTcpSegment(spec);
  const ip = buildIpPacket(spec.src, spec.dst, 6, seg, { ipId: spec.ipId, ipOptions: spec.ipOptions, ipv6Ext: spec.ipv6Ext });
  return wrapLink(linkType, ip, spec.vlans);
}

export interface SessionOptions {
  client: string; clientPort: number; server: string; serverPort: number;
  linkType?: number;
  isn?: [number, number];
  /** Max payload per segment. */
  mss?: number;
  vlans?: number[];
  ipOptions?: Uint8Array;
  ipv6Ext?: boolean;
}

/**
 * One TCP connection's worth of packets. `send(dir, bytes)` splits application bytes into segments
 * with correct sequence numbers; `segment(dir, offset, bytes)` builds one packet at any stream offset
 * (for out-of-order / duplicate / overlap tests) without advancing anything.
 */
export class TcpSession {
  readonly linkType: number;
  readonly isn: [number, number];
  /** Next stream offset per direction (bytes after the SYN). */
  readonly sent: [number, number] = [0, 0];
  private ipId = 1;
  constructor(readonly o: SessionOptions) {
    this.linkType = o.linkType ?? LINKTYPE_ETHERNET;
    this.isn = o.isn ?? [1000, 5000];
  }

  private spec(dir: number, seq: number, flags: number, payload?: Uint8Array): TcpSpec {
    const c = dir === 0;
    return {
      src: c ? this.o.client : this.o.server, dst: c ? this.o.server : this.o.client,
      sport: c ? this.o.clientPort : this.o.serverPort, dport: c ? this.o.serverPort : this.o.clientPort,
      seq, ack: (this.isn[1 - dir] + 1 + this.sent[1 - dir]) >>> 0, flags, payload, ipId: this.ipId++ & 0xffff,
      vlans: this.o.vlans, ipOptions: this.o.ipOptions, ipv6Ext: this.o.ipv6Ext,
    };
  }

  syn(): Buffer { return buildTcpPacket(this.linkType, { ...this.spec(0, this.isn[0], F_SYN), ack: 0 }); }
  synAck(): Buffer { return buildTcpPacket(this.linkType, this.spec(1, this.isn[1], F_SYN | F_ACK)); }
  ack(dir: number): Buffer { return buildTcpPacket(this.linkType, this.spec(dir, (this.isn[dir] + 1 + this.sent[dir]) >>> 0, F_ACK)); }
  fin(dir: number): Buffer {
    const p = buildTcpPacket(this.linkType, this.spec(dir, (this.isn[dir] + 1 + this.sent[dir]) >>> 0, F_FIN | F_ACK));
    return p;
  }
  rst(dir: number): Buffer { return buildTcpPacket(this.linkType, this.spec(dir, (this.isn[dir] + 1 + this.sent[dir]) >>> 0, F_RST | F_ACK)); }

  /** One data packet at stream offset `offset` of direction `dir` (does not advance). */
  segment(dir: number, offset: number, bytes: Uint8Array): Buffer {
    return buildTcpPacket(this.linkType, this.spec(dir, (this.isn[dir] + 1 + offset) >>> 0, F_ACK | F_PSH, bytes));
  }

  /** Splits `bytes` into mss-sized packets at the current offset and advances. */
  send(dir: number, bytes: Uint8Array, mss = this.o.mss ?? 65483): Buffer[] {
    const out: Buffer[] = [];
    for (let o = 0; o < bytes.length; o += mss) {
      const chunk = bytes.subarray(o, Math.min(bytes.length, o + mss));
      out.push(this.segment(dir, this.sent[dir], chunk));
      this.sent[dir] += chunk.length;
    }
    return out;
  }
}

/** Handshake, then the given exchanges, then FIN/ACK both ways — written to `w` with increasing times. */
export function writeSession(w: PcapWriter, s: TcpSession, exchanges: { dir: number; bytes: Uint8Array }[], t0Us: number, stepUs = 100, opts: { handshake?: boolean; close?: boolean } = {}): number {
  let t = t0Us;
  if (opts.handshake !== false) {
    w.packet(s.syn(), t); t += stepUs;
    w.packet(s.synAck(), t); t += stepUs;
    w.packet(s.ack(0), t); t += stepUs;
  }
  for (const e of exchanges) for (const p of s.send(e.dir, e.bytes)) { w.packet(p, t); t += stepUs; }
  if (opts.close !== false) {
    w.packet(s.fin(0), t); t += stepUs;
    w.packet(s.fin(1), t); t += stepUs;
  }
  return t;
}
