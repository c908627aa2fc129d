/**
 * Layer 1: capture files. Push-based, streaming parser for classic pcap (both byte orders, µs and ns
 * timestamps) and pcapng (SHB in both byte orders, several IDBs with own link type, if_tsresol,
 * if_tsoffset; EPB, SPB and the obsolete PB; unknown blocks skipped). Bytes are fed in chunks of any
 * size; only one record at a time is held contiguously. Packet data handed to the callback is a view
 * into the parser's buffer, valid only during the callback.
 */
import { CaptureWarning } from './types';

export type CaptureFormat = 'pcap' | 'pcapng';

export interface InterfaceInfo {
  /** Global interface index (over all pcapng sections; 0 for classic pcap). */
  index: number;
  linkType: number;
  snaplen: number;
  /** Units per second of the timestamps (1e6 default for pcapng, 1e6/1e9 for pcap). */
  tsUnitsPerSec: number;
  /** if_tsoffset, seconds. */
  tsOffsetSec: number;
  name?: string;
  /** Section number (pcapng) the interface belongs to. */
  section: number;
  littleEndian: boolean;
}

/** One packet; a reused object — copy what you keep. */
export interface PacketInfo {
  /** 0-based packet number in the file. */
  number: number;
  iface: InterfaceInfo;
  linkType: number;
  /** Microseconds since the epoch (float). */
  tsUs: number;
  caplen: number;
  origlen: number;
  /** Captured bytes (view into parser buffer: valid only during the callback). Made on each read: hot paths use `buf` and `dataStart`. */
  readonly data: Uint8Array;
  /** The parser's buffer holding the record: the captured bytes are buf[dataStart, dataStart + caplen) (valid only during the callback). */
  buf: Uint8Array;
  dataStart: number;
  /** Stream offset of the record/block start. */
  recordOffset: number;
  /** Stream offset of the first packet data byte. */
  dataOffset: number;
}

export interface ParserCallbacks {
  packet(p: PacketInfo): void;
  warning(w: CaptureWarning): void;
  /** Called when a new interface is declared (pcapng IDB or the pcap global header). */
  iface?(i: InterfaceInfo): void;
}

const MAX_RECORD = 64 * 1024 * 1024;
const PCAPNG_SHB = 0x0a0d0d0a;
const BOM = 0x1a2b3c4d;

/** Sniffs the format from the first 4 bytes; null if not a capture. */
export function sniffFormat(head: Uint8Array): CaptureFormat | 'gzip' | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length < 4) return null;
  const be = ((head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3]) >>> 0;
  const le = ((head[3] << 24) | (head[2] << 16) | (head[1] << 8) | head[0]) >>> 0;
  if (be === PCAPNG_SHB) return 'pcapng';
  for (const m of [be, le]) if (m === 0xa1b2c3d4 || m === 0xa1b23c4d) return 'pcap';
  return null;
}

/** State needed to start parsing at a record/block boundary in the middle of a file. */
export interface ResumeState {
  format: CaptureFormat;
  le: boolean;
  /** Stream offset of the first byte that will be pushed (a record/block start). */
  offset: number;
  nanos?: boolean;
  sectionNo?: number;
  /** Interfaces of the section (pcap: [the single interface]). */
  sectionIfaces?: InterfaceInfo[];
}

/**
 * The parser's one reused PacketInfo. `data` is a view made on request: making one per packet
 * (a typed-array object each) was a tenth of the index pass on small packets.
 */
class PacketRecord implements PacketInfo {
  number = 0;
  linkType = 0;
  tsUs = 0;
  caplen = 0;
  origlen = 0;
  recordOffset = 0;
  dataOffset = 0;
  buf: Uint8Array = new Uint8Array(0);
  dataStart = 0;
  constructor(public iface: InterfaceInfo) {}
  get data(): Uint8Array { return this.buf.subarray(this.dataStart, this.dataStart + this.caplen); }
}

export class CaptureParser {
  private buf: Buffer = Buffer.allocUnsafe(1 << 20);
  private dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  private start = 0;
  private end = 0;
  /** buf belongs to the caller (adopt): never grown or compacted in place. */
  private external = false;
  /** Stream offset of buf[0]. */
  private base = 0;
  private format: CaptureFormat | null = null;
  private le = true;
  private stopped = false;
  private sectionNo = -1;
  private sectionIfaces: InterfaceInfo[] = [];
  readonly interfaces: InterfaceInfo[] = [];
  private packetNo = 0;
  private pcapHeaderDone = false;
  private pcapIface: InterfaceInfo | null = null;
  private nanos = false;
  private pcapMaxRecord = 64 << 20;
  private readonly resumed: boolean;
  /** What stopped parsing before the file header was read (see notCaptureReason). */
  private problem: string | null = null;
  get isNanos(): boolean { return this.nanos; }
  private readonly pkt: PacketRecord;
  /** Stream offset reached (bytes consumed by complete records). */
  get consumed(): number { return this.base + this.start; }
  get detectedFormat(): CaptureFormat | null { return this.format; }
  get littleEndian(): boolean { return this.le; }
  /** True once a fatal problem (bad magic, corrupt record header) stopped parsing. */
  get isStopped(): boolean { return this.stopped; }
  packets(): number { return this.packetNo; }

  /** Section start offsets (pcapng) with their byte order, for resuming mid-file. */
  readonly sections: { offset: number; le: boolean; firstIface: number }[] = [];

  constructor(private readonly cb: ParserCallbacks, resume?: ResumeState) {
    this.resumed = !!resume;
    if (resume) {
      this.format = resume.format;
      this.le = resume.le;
      this.base = resume.offset;
      this.nanos = resume.nanos ?? false;
      this.sectionNo = resume.sectionNo ?? 0;
      this.sectionIfaces = resume.sectionIfaces ?? [];
      if (resume.format === 'pcap') {
        this.pcapHeaderDone = true;
        this.pcapIface = resume.sectionIfaces?.[0] ?? null;
      }
    }
    const dummy: InterfaceInfo = { index: 0, linkType: 0, snaplen: 0, tsUnitsPerSec: 1e6, tsOffsetSec: 0, section: 0, littleEndian: true };
    this.pkt = new PacketRecord(dummy);
  }

  /** Space to write into directly (avoids a copy); call commit(n) after filling. */
  writable(min: number): { buf: Buffer; off: number; len: number } {
    this.ensure(min);
    return { buf: this.buf, off: this.end, len: this.buf.length - this.end };
  }
  commit(n: number): void {
    this.end += n;
    this.parse();
  }

  /**
   * Zero-copy input: `buf[off, off + n)` holds the next `n` bytes of the stream and the `off` bytes
   * before them are free. The parser moves its unparsed tail there and reads from `buf` until the
   * next adopt, so the caller may refill a second buffer while this one is parsed (see
   * streamCapture). A tail longer than `off` (a record bigger than the reserve) moves to a private
   * buffer instead. Does not parse: call commit(0).
   */
  adopt(buf: Buffer, off: number, n: number): void {
    const live = this.end - this.start;
    if (live > off) {
      this.ensure(n); // (moves out of an external buffer)
      buf.copy(this.buf, this.end, off, off + n);
      this.end += n;
      return;
    }
    if (live > 0) this.buf.copy(buf, off - live, this.start, this.end);
    this.base += this.start - (off - live);
    this.start = off - live;
    this.end = off + n;
    this.setBuffer(buf, true);
  }

  private setBuffer(b: Buffer, external: boolean): void {
    this.buf = b;
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.external = external;
  }

  push(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length) {
      const w = this.writable(Math.min(chunk.length - off, 1 << 20));
      const n = Math.min(w.len, chunk.length - off);
      this.buf.set(chunk.subarray(off, off + n), w.off);
      off += n;
      this.commit(n);
      if (this.stopped) return;
    }
  }

  /** Stops parsing (no more callbacks). */
  halt(): void { this.stopped = true; }

  /**
   * The file header was read whole (classic pcap: the global header; pcapng: the first section
   * header block), or parsing resumed past it. Without it the input is not a capture at all, and
   * {@link notCaptureReason} says why; every later problem only damages a capture.
   */
  get headerRead(): boolean {
    return this.resumed || (this.format === 'pcap' ? this.pcapHeaderDone : this.sections.length > 0);
  }

  /** Why the input is not a capture (set when parsing ended before a whole file header), else null. */
  get notCaptureReason(): string | null { return this.headerRead ? null : this.problem; }

  /** End of input: reports a truncated trailing record. */
  finish(): void {
    if (this.stopped) return;
    const left = this.end - this.start;
    if (this.format === null) {
      const message = left === 0 ? 'empty file (0 bytes)' : `file too short to be a capture (${left} bytes)`;
      this.problem = message;
      this.cb.warning({ kind: 'file.not-a-capture', message, fileOffset: 0 });
    } else if (!this.headerRead) {
      const message = this.format === 'pcap'
        ? `pcap file header cut short (${left} of 24 bytes)`
        : `pcapng section header block cut short (${left} bytes)`;
      this.problem = message;
      this.cb.warning({ kind: 'file.not-a-capture', message, fileOffset: 0 });
    } else if (left > 0) {
      this.cb.warning({
        kind: 'file.truncated-record',
        message: `last ${this.format === 'pcap' ? 'record' : 'block'} truncated: ${left} bytes at end of file`,
        fileOffset: this.base + this.start,
      });
    }
  }

  private ensure(min: number): void {
    if (!this.external && this.buf.length - this.end >= min) return;
    const live = this.end - this.start;
    if (!this.external && this.start > 0 && this.buf.length - live >= min) {
      this.buf.copy(this.buf, 0, this.start, this.end);
    } else {
      let size = this.buf.length;
      while (size - live < min) size *= 2;
      const nb = Buffer.allocUnsafe(size);
      this.buf.copy(nb, 0, this.start, this.end);
      this.setBuffer(nb, false);
    }
    this.base += this.start;
    this.end = live;
    this.start = 0;
  }

  private u32(off: number): number { return this.dv.getUint32(off, this.le); }
  private u16(off: number): number { return this.dv.getUint16(off, this.le); }

  private stop(kind: string, message: string, off: number): void {
    this.stopped = true;
    if (!this.headerRead) this.problem = message;
    this.cb.warning({ kind, message, fileOffset: off });
  }

  private parse(): void {
    if (this.stopped) return;
    if (this.format === null) {
      if (this.end - this.start < 4) return;
      const f = sniffFormat(this.buf.subarray(this.start, this.start + 4));
      if (f === 'pcap' || f === 'pcapng') this.format = f;
      else {
        const head = Array.from(this.buf.subarray(this.start, this.start + 4), (x) => x.toString(16).padStart(2, '0')).join(' ');
        this.stop('file.not-a-capture', f === 'gzip' ? 'gzip data where a capture was expected (compressed twice?)' : `not a pcap or pcapng file (starts with ${head})`, this.base + this.start);
        return;
      }
    }
    if (this.format === 'pcap') this.parsePcap();
    else this.parsePcapng();
  }

  // ---------------- classic pcap ----------------

  private parsePcap(): void {
    if (!this.pcapHeaderDone) {
      if (this.end - this.start < 24) return;
      const s = this.start;
      const b = this.buf;
      const magicBE = b.readUInt32BE(s);
      this.le = !(magicBE === 0xa1b2c3d4 || magicBE === 0xa1b23c4d);
      const magic = this.u32(s);
      this.nanos = magic === 0xa1b23c4d;
      const snaplen = this.u32(s + 16);
      const network = this.u32(s + 20) & 0x0fffffff; // upper bits: FCS info
      // records larger than max(snaplen, 256 KiB) (capped at 64 MiB) are treated as corruption, like Wireshark's limits
      this.pcapMaxRecord = Math.max(262144, Math.min(snaplen, 64 << 20));
      this.pcapIface = { index: 0, linkType: network, snaplen, tsUnitsPerSec: this.nanos ? 1e9 : 1e6, tsOffsetSec: 0, section: 0, littleEndian: this.le };
      this.interfaces.push(this.pcapIface);
      this.cb.iface?.(this.pcapIface);
      this.start += 24;
      this.pcapHeaderDone = true;
    }
    const iface = this.pcapIface!;
    const pkt = this.pkt;
    pkt.iface = iface;
    pkt.linkType = iface.linkType;
    const fracDiv = this.nanos ? 1000 : 1;
    const fracMax = this.nanos ? 1e9 : 1e6;
    while (this.end - this.start >= 16) {
      const s = this.start;
      const sec = this.u32(s);
      const frac = this.u32(s + 4);
      const incl = this.u32(s + 8);
      const orig = this.u32(s + 12);
      if (incl > this.pcapMaxRecord || frac >= fracMax * 4) {
        this.stop('pcap.corrupt-record', `corrupt record header at offset ${this.base + s}: incl_len ${incl}, fraction ${frac}`, this.base + s);
        return;
      }
      if (this.end - s < 16 + incl) return; // wait for more data (the buffer grows as it arrives)
      pkt.number = this.packetNo++;
      pkt.tsUs = sec * 1e6 + frac / fracDiv;
      pkt.caplen = incl;
      pkt.origlen = orig < incl ? incl : orig;
      pkt.recordOffset = this.base + s;
      pkt.dataOffset = this.base + s + 16;
      pkt.buf = this.buf;
      pkt.dataStart = s + 16;
      this.start = s + 16 + incl;
      this.cb.packet(pkt);
      if (this.stopped) return;
    }
  }

  // ---------------- pcapng ----------------
  private parsePcapng(): void {
    const pkt = this.pkt;
    while (this.end - this.start >= 12) {
      const s = this.start;
      const b = this.buf;
      let type = this.u32(s);
      if (b.readUInt32BE(s) === PCAPNG_SHB) {
        const bom = b.readUInt32BE(s + 8);
        if (bom === BOM) this.le = false;
        else if (bom === 0x4d3c2b1a) this.le = true;
        else {
          this.stop('pcapng.bad-bom', `section header at ${this.base + s} has bad byte-order magic 0x${bom.toString(16)}`, this.base + s);
          return;
        }
        type = PCAPNG_SHB;
      }
      const total = this.u32(s + 4);
      if (total < 12 || total % 4 !== 0 || total > MAX_RECORD) {
        this.stop('pcapng.corrupt-block', `corrupt block at offset ${this.base + s}: type 0x${type.toString(16)}, total length ${total}`, this.base + s);
        return;
      }
      if (this.end - s < total) return; // wait for more data (the buffer grows as it arrives)
      const trailer = this.u32(s + total - 4);
      if (trailer !== total) {
        this.cb.warning({ kind: 'pcapng.length-mismatch', message: `block at ${this.base + s}: trailing length ${trailer} ≠ ${total}`, fileOffset: this.base + s });
      }
      this.start = s + total;
      const body = s + 8;
      const bodyLen = total - 12;
      switch (type) {
        case PCAPNG_SHB:
          this.sectionNo++;
          this.sectionIfaces = [];
          this.sections.push({ offset: this.base + s, le: this.le, firstIface: this.interfaces.length });
          break;
        case 1: { // IDB
          if (bodyLen < 8) { this.cb.warning({ kind: 'pcapng.bad-idb', message: `short IDB at ${this.base + s}`, fileOffset: this.base + s }); break; }
          const iface: InterfaceInfo = {
            index: this.interfaces.length,
            linkType: this.u16(body),
            snaplen: this.u32(body + 4),
            tsUnitsPerSec: 1e6,
            tsOffsetSec: 0,
            section: Math.max(0, this.sectionNo),
            littleEndian: this.le,
          };
          this.readIdbOptions(body + 8, body + bodyLen, iface);
          this.interfaces.push(iface);
          this.sectionIfaces.push(iface);
          this.cb.iface?.(iface);
          break;
        }
        case 6:   // EPB
        case 2: { // obsolete PB
          if (bodyLen < 20) { this.cb.warning({ kind: 'pcapng.bad-packet-block', message: `short packet block at ${this.base + s}`, fileOffset: this.base + s }); break; }
          const ifId = type === 6 ? this.u32(body) : this.u16(body);
          const iface = this.sectionIfaces[ifId];
          if (!iface) { this.cb.warning({ kind: 'pcapng.unknown-interface', message: `packet block at ${this.base + s} names interface ${ifId}, not declared`, fileOffset: this.base + s }); break; }
          const hi = this.u32(body + 4), lo = this.u32(body + 8);
          let cap = this.u32(body + 12);
          const orig = this.u32(body + 16);
          if (cap > bodyLen - 20) {
            this.cb.warning({ kind: 'pcapng.bad-caplen', message: `packet block at ${this.base + s}: captured length ${cap} exceeds block`, fileOffset: this.base + s });
            cap = bodyLen - 20;
          }
          this.emitNg(iface, hi, lo, cap, orig, s, body + 20);
          break;
        }
        case 3: { // SPB
          const iface = this.sectionIfaces[0];
          if (!iface || bodyLen < 4) { this.cb.warning({ kind: 'pcapng.bad-spb', message: `simple packet block at ${this.base + s} without interface 0`, fileOffset: this.base + s }); break; }
          const orig = this.u32(body);
          let cap = Math.min(orig, bodyLen - 4);
          if (iface.snaplen > 0 && cap > iface.snaplen) cap = iface.snaplen;
          // SPB has no timestamp: it takes the previous packet's of the same section (0 for a section's
          // first packet, or when parsing resumed at this block), so relative times and latencies stay
          // sensible. `pkt` still describes the previous packet here.
          const prevUs = this.packetNo > 0 && pkt.iface.section === iface.section ? pkt.tsUs : 0;
          pkt.number = this.packetNo++;
          pkt.iface = iface;
          pkt.linkType = iface.linkType;
          pkt.tsUs = prevUs;
          pkt.caplen = cap;
          pkt.origlen = orig < cap ? cap : orig;
          pkt.recordOffset = this.base + s;
          pkt.dataOffset = this.base + body + 4;
          pkt.buf = this.buf;
          pkt.dataStart = body + 4;
          this.cb.packet(pkt);
          break;
        }
        default:
          break; // NRB, ISB, DSB, custom, unknown: skipped
      }
      if (this.stopped) return;
    }
  }

  private readIdbOptions(off: number, end: number, iface: InterfaceInfo): void {
    while (off + 4 <= end) {
      const code = this.u16(off);
      const len = this.u16(off + 2);
      const v = off + 4;
      if (code === 0 || v + len > end) break;
      if (code === 9 && len >= 1) {
        const r = this.buf[v];
        iface.tsUnitsPerSec = r & 0x80 ? Math.pow(2, r & 0x7f) : Math.pow(10, r & 0x7f);
      } else if (code === 14 && len >= 8) {
        const hi = this.dv.getInt32(this.le ? v + 4 : v, this.le);
        const lo = this.dv.getUint32(this.le ? v : v + 4, this.le);
        iface.tsOffsetSec = hi * 4294967296 + lo;
      } else if (code === 2 && len > 0) {
        iface.name = this.buf.toString('utf8', v, v + len);
      }
      off = v + ((len + 3) & ~3);
    }
  }

  private emitNg(iface: InterfaceInfo, hi: number, lo: number, cap: number, orig: number, s: number, dataOff: number): void {
    const pkt = this.pkt;
    pkt.number = this.packetNo++;
    pkt.iface = iface;
    pkt.linkType = iface.linkType;
    if (hi < 0) pkt.tsUs = 0;
    else {
      const r = iface.tsUnitsPerSec;
      if (r === 1e6) pkt.tsUs = hi * 4294967296 + lo + iface.tsOffsetSec * 1e6;
      else {
        const v = (BigInt(hi) << 32n) | BigInt(lo);
        if (Number.isInteger(r) && r <= 1e15) {
          const R = BigInt(r);
          const sec = v / R;
          const frac = v - sec * R;
          pkt.tsUs = (Number(sec) + iface.tsOffsetSec) * 1e6 + (Number(frac) * 1e6) / r;
        } else {
          pkt.tsUs = (Number(v) / r + iface.tsOffsetSec) * 1e6;
        }
      }
    }
    pkt.caplen = cap;
    pkt.origlen = orig < cap ? cap : orig;
    pkt.recordOffset = this.base + s;
    pkt.dataOffset = this.base + dataOff;
    pkt.buf = this.buf;
    pkt.dataStart = dataOff;
    this.cb.packet(pkt);
  }
}
