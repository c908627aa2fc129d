/**
 * Random access: re-reads one frame's bytes from the capture using the index (record offsets of the
 * packets that carried it and the TCP sequence number of its first byte). Plain files: positional
 * reads of only that range. Gzip files cannot seek: the stream is inflated again up to the range
 * (slow for frames deep in big .gz files; documented limitation).
 */
import * as fs from 'node:fs';
import { CaptureParser, PacketInfo, ResumeState } from './file-format';
import { NetDecoder } from './netlayers';
import { CaptureIndex } from './capture-index';
import { FrameWarn } from './types';
import { streamCapture } from './source';

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

const READ_CHUNK = 1 << 20;
/** Oversize frames: only the prefix + header is re-read. */
const MAX_REREAD = 32 * 1024 * 1024;

class Assembler {
  readonly buf: Buffer;
  private ranges: [number, number][] = [];
  private readonly dec = new NetDecoder(() => {});
  constructor(private readonly ix: CaptureIndex, private readonly i: number, readonly want: number) {
    this.buf = Buffer.alloc(want);
  }
  packet(p: PacketInfo): void {
    const ix = this.ix, i = this.i, c = ix.cols;
    if (this.dec.decode(p.linkType, p.data, p.tsUs, p.recordOffset) !== 'ok') return;
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
    if (!eq(o.src, srcAddr) || !eq(o.dst, dstAddr)) return;
    const hl = (b[t + 12] >> 4) * 4;
    if (hl < 20 || hl > o.l4len) return;
    let seq = ((b[t + 4] << 24) | (b[t + 5] << 16) | (b[t + 6] << 8) | b[t + 7]) >>> 0;
    if (b[t + 13] & 0x02) seq = (seq + 1) >>> 0;
    const cap = o.l4len - hl;
    if (cap <= 0) return;
    const rel = (seq - c.startSeq[i]) | 0;
    const s = Math.max(0, rel), e = Math.min(this.want, rel + cap);
    if (e <= s) return;
    this.buf.set(b.subarray(t + hl + (s - rel), t + hl + (e - rel)), s);
    this.ranges.push([s, e]);
  }
  result(size: number): FrameBytes {
    const r = this.ranges.sort((a, b) => a[0] - b[0]);
    const holes: [number, number][] = [];
    let pos = 0;
    for (const [s, e] of r) {
      if (s > pos) holes.push([pos, s]);
      if (e > pos) pos = e;
    }
    if (pos < this.want) holes.push([pos, this.want]);
    const missing = holes.reduce((n, [s, e]) => n + (e - s), 0);
    return { bytes: this.buf, size, missing, holes };
  }
}

function eq(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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

/** Re-reads frame `i` of a plain (not gzip) capture file synchronously. */
export function readFrameBytesSync(ix: CaptureIndex, i: number, path = ix.source.path): FrameBytes {
  if (!path) throw new Error('index has no source path');
  if (ix.source.gzip) throw new Error('gzip captures need readFrameBytes (async)');
  const c = ix.cols;
  const asm = new Assembler(ix, i, wantedBytes(ix, i));
  const posMin = c.posMin[i], posMax = c.posMax[i];
  let parser: CaptureParser;
  parser = new CaptureParser({
    packet: (p) => {
      if (p.recordOffset > posMax) { parser.halt(); return; }
      asm.packet(p);
    },
    warning: () => {},
  }, resumeState(ix, posMin));
  const fd = fs.openSync(path, 'r');
  try {
    let pos = posMin;
    while (!parser.isStopped) {
      const w = parser.writable(READ_CHUNK);
      const n = fs.readSync(fd, w.buf, w.off, Math.min(w.len, READ_CHUNK), pos);
      if (n === 0) break;
      pos += n;
      parser.commit(n);
    }
  } finally {
    fs.closeSync(fd);
  }
  return asm.result(c.size[i]);
}

/** Re-reads frame `i` (plain or gzip capture). */
export async function readFrameBytes(ix: CaptureIndex, i: number, path = ix.source.path): Promise<FrameBytes> {
  if (!path) throw new Error('index has no source path');
  if (!ix.source.gzip) return readFrameBytesSync(ix, i, path);
  const c = ix.cols;
  const asm = new Assembler(ix, i, wantedBytes(ix, i));
  const posMin = c.posMin[i], posMax = c.posMax[i];
  let parser: CaptureParser | null = null;
  await streamCapture(path, {
    packet: (p) => {
      if (p.recordOffset < posMin) return;
      if (p.recordOffset > posMax) { parser?.halt(); return; }
      asm.packet(p);
    },
    warning: () => {},
  }, { onParser: (x) => { parser = x; } });
  return asm.result(c.size[i]);
}

/** Re-reads frame `i` from in-memory capture bytes (tests, small captures). */
export function readFrameBytesFromBuffer(ix: CaptureIndex, i: number, data: Uint8Array): FrameBytes {
  const c = ix.cols;
  const asm = new Assembler(ix, i, wantedBytes(ix, i));
  const posMin = c.posMin[i], posMax = c.posMax[i];
  let parser: CaptureParser;
  parser = new CaptureParser({
    packet: (p) => { if (p.recordOffset > posMax) { parser.halt(); return; } asm.packet(p); },
    warning: () => {},
  }, resumeState(ix, posMin));
  parser.push(data.subarray(posMin));
  return asm.result(c.size[i]);
}
