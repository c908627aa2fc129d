/**
 * Random access: re-reads one frame's bytes from the capture using the index (record offsets of the
 * packets that carried it and the TCP sequence number of its first byte). Plain files: reads of only
 * that range, in growing reads (readPlainFile in source.ts), so a caller on a shared thread is not blocked. Gzip files
 * cannot seek: the stream is inflated again up to the range (slow for frames deep in big .gz files;
 * documented limitation). Works while the index is still being built (connections are in the index
 * from their first packet), and overlapping copies of a byte resolve like the index pass: the first
 * copy in the file wins (the pass differs only for a retransmission that overlaps an earlier
 * out-of-order segment with different bytes).
 */
import { CaptureParser, ParserCallbacks, PacketInfo, ResumeState } from './file-format';
import { NetDecoder } from './netlayers';
import { CaptureIndex } from './capture-index';
import { FrameWarn } from './types';
import { readPlainFile, streamCapture } from './source';

export interface FrameBytes {
  /** Frame bytes as far as captured (length ≤ size); uncaptured holes are zero-filled. */
  bytes: Buffer;
  /** Announced frame size. */
  size: number;
  /** Bytes of [0, bytes.length) that were not captured. */
  missing: number;
  /** Byte ranges [start, end) that were not captured. */
  holes: [number, number][];
}

/** Reads of a frame's record range start at this size and double up to READ_CHUNK. */
const FIRST_READ = 256 * 1024;
const READ_CHUNK = 1 << 20;
/** Oversize frames: only the prefix + header is re-read. */
const MAX_REREAD = 32 * 1024 * 1024;

/**
 * Copies frame bytes [s, e) (found at `src[base + x]`) into `buf` where nothing was filled yet, and
 * records the range in `filled` (sorted, disjoint, not touching): the first copy of each byte wins, as
 * in the index pass. Shared by random access and the content search's assembly.
 */
export function fillFirstCopy(buf: Uint8Array, filled: [number, number][], src: Uint8Array, base: number, s: number, e: number): void {
  const r = filled;
  let lo = 0, hi = r.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (r[m][1] <= s) lo = m + 1; else hi = m; }
  let pos = s;
  for (let k = lo; pos < e;) {
    const next = k < r.length ? r[k] : null;
    if (next && next[0] <= pos) { pos = Math.max(pos, next[1]); k++; continue; }
    const end = next ? Math.min(e, next[0]) : e;
    buf.set(src.subarray(base + pos, base + end), pos);
    pos = end;
  }
  let a = lo;
  if (a > 0 && r[a - 1][1] === s) a--;
  let z = a, ns = s, ne = e;
  for (; z < r.length && r[z][0] <= e; z++) { ns = Math.min(ns, r[z][0]); ne = Math.max(ne, r[z][1]); }
  r.splice(a, z - a, [ns, ne]);
}

class Assembler {
  readonly buf: Buffer;
  /** Byte ranges [start, end) of the frame filled so far: sorted, disjoint, not touching. */
  private readonly filled: [number, number][] = [];
  private readonly dec = new NetDecoder(() => {});
  constructor(private readonly ix: CaptureIndex, private readonly i: number, readonly want: number) {
    this.buf = Buffer.alloc(want);
  }
  packet(p: PacketInfo): void {
    const ix = this.ix, i = this.i, c = ix.cols;
    if (this.dec.decode(p.linkType, p.buf, p.tsUs, p.recordOffset, p.dataStart, p.dataStart + p.caplen) !== 'ok') return;
    const o = this.dec.out;
    if (o.protocol !== 6 || o.l4len < 20) return;
    const b = o.buf, t = o.l4off;
    const conn = ix.conns[c.conn[i]];
    if (!conn) return;
    const dir = c.dir[i];
    const srcAddr = dir === 0 ? conn.clientAddr : conn.serverAddr;
    const dstAddr = dir === 0 ? conn.serverAddr : conn.clientAddr;
    const sport = (b[t] << 8) | b[t + 1], dport = (b[t + 2] << 8) | b[t + 3];
    if (sport !== (dir === 0 ? conn.clientPort : conn.serverPort) || dport !== (dir === 0 ? conn.serverPort : conn.clientPort)) return;
    if (!o.srcIs(srcAddr) || !o.dstIs(dstAddr)) return;
    const hl = (b[t + 12] >> 4) * 4;
    if (hl < 20 || hl > o.l4len) return;
    let seq = ((b[t + 4] << 24) | (b[t + 5] << 16) | (b[t + 6] << 8) | b[t + 7]) >>> 0;
    if (b[t + 13] & 0x02) seq = (seq + 1) >>> 0;
    const cap = o.l4len - hl;
    if (cap <= 0) return;
    const rel = (seq - c.startSeq[i]) | 0;
    const s = Math.max(0, rel), e = Math.min(this.want, rel + cap);
    if (e <= s) return;
    this.fill(b, t + hl - rel, s, e);
  }
  private fill(src: Uint8Array, base: number, s: number, e: number): void {
    fillFirstCopy(this.buf, this.filled, src, base, s, e);
  }
  result(size: number): FrameBytes {
    const holes: [number, number][] = [];
    let pos = 0;
    for (const [s, e] of this.filled) {
      if (s > pos) holes.push([pos, s]);
      pos = e;
    }
    if (pos < this.want) holes.push([pos, this.want]);
    const missing = holes.reduce((n, [s, e]) => n + (e - s), 0);
    return { bytes: this.buf, size, missing, holes };
  }
}

function resumeState(ix: CaptureIndex, pos: number): ResumeState {
  const s = ix.source;
  if (s.format === 'pcap') return { format: 'pcap', le: s.littleEndian, offset: pos, nanos: s.nanos, sectionIfaces: [s.interfaces[0]] };
  let sec = 0;
  for (let k = 0; k < s.sections.length; k++) if (s.sections[k].offset <= pos) sec = k;
  const section = s.sections[sec];
  return {
    format: 'pcapng', le: section?.le ?? s.littleEndian, offset: pos, sectionNo: sec,
    sectionIfaces: s.interfaces.filter((x) => x.section === sec),
  };
}

function wantedBytes(ix: CaptureIndex, i: number): number {
  const c = ix.cols;
  if (c.warn[i] & FrameWarn.Oversize) return Math.min(c.size[i], 8 + c.headerLen[i]);
  return Math.min(c.size[i], MAX_REREAD);
}

/** Parser callbacks that give the records of frame `i`'s range to an assembler and halt past it. */
function frameRange(ix: CaptureIndex, i: number, halt: () => void): { cb: ParserCallbacks; asm: Assembler } {
  const asm = new Assembler(ix, i, wantedBytes(ix, i));
  const posMin = ix.cols.posMin[i], posMax = ix.cols.posMax[i];
  const cb: ParserCallbacks = {
    packet: (p) => {
      if (p.recordOffset < posMin) return;
      if (p.recordOffset > posMax) { halt(); return; }
      asm.packet(p);
    },
    warning: () => { /* counted by the index pass */ },
  };
  return { cb, asm };
}

/** Re-reads frame `i` (plain or gzip capture). */
export async function readFrameBytes(ix: CaptureIndex, i: number, path = ix.source.path): Promise<FrameBytes> {
  if (!path) throw new Error('index has no source path');
  let parser: CaptureParser | null = null;
  const { cb, asm } = frameRange(ix, i, () => parser?.halt());
  if (ix.source.gzip) {
    await streamCapture(path, cb, { onParser: (x) => { parser = x; } });
  } else {
    const posMin = ix.cols.posMin[i];
    parser = new CaptureParser(cb, resumeState(ix, posMin));
    await readPlainFile(path, parser, { from: posMin, first: FIRST_READ, max: READ_CHUNK });
  }
  return asm.result(ix.cols.size[i]);
}

/** Re-reads frame `i` from in-memory capture bytes (tests, small captures). */
export function readFrameBytesFromBuffer(ix: CaptureIndex, i: number, data: Uint8Array): FrameBytes {
  const posMin = ix.cols.posMin[i];
  let parser: CaptureParser | null = null;
  const { cb, asm } = frameRange(ix, i, () => parser?.halt());
  parser = new CaptureParser(cb, resumeState(ix, posMin));
  parser.push(data.subarray(posMin));
  return asm.result(ix.cols.size[i]);
}
