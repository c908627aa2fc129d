/**
 * Writes the capture tool's output stream to disk: one file, or a ring buffer of files — a new file
 * once the current one would pass `fileBytes`, the oldest removed once there are more than `files`.
 *
 * Every ring file is a complete capture on its own (tshark and Wireshark open it): it starts with
 * the stream's file header (pcapng: the section header and interface blocks before the first packet;
 * pcap: the 24-byte global header) and holds whole records only, so the stream is cut at record
 * boundaries. The follower reads the files as one stream (the header once; see CaptureSegment in
 * core/capture/follow.ts), and this writer is the list of those files it asks for.
 *
 * Writes are synchronous: the tool hands over packets in batches (a few per kernel buffer), each
 * write goes to the page cache, and a reader woken by the file change finds the bytes there.
 *
 * Plain Node: no vscode import.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CaptureSegment, SegmentList } from '../../core/capture/follow';

export interface RingSpec {
  /** Largest file (bytes); a file holds at least one record even if that record is larger. */
  fileBytes: number;
  /** Files kept; the oldest is removed when a new one would make more. */
  files: number;
}

export interface WrittenSegment extends CaptureSegment {
  /** Removed by the ring (its frames keep their rows, without bytes). */
  removed: boolean;
}

const PCAPNG_SHB = 0x0a0d0d0a;
/** pcapng blocks that carry packets: the header ends before the first of them. */
const PACKET_BLOCKS = new Set([2, 3, 6]);
/** Same bound as the capture parser: a longer "record" means the stream is not what we think. */
const MAX_RECORD = 64 * 1024 * 1024;

export class CaptureWriter implements SegmentList {
  private readonly segs: WrittenSegment[] = [];
  private fd: number | null = null;
  private fileBytes = 0;
  /** Stream bytes written (the header counted once). */
  private streamPos = 0;
  // Ring mode: the stream is cut into units (the header, then records).
  private carry: Buffer = Buffer.alloc(0);
  private header: Buffer | null = null;
  private headerParts: Buffer[] = [];
  private format: 'pcap' | 'pcapng' | null = null;
  private le = true;
  private broken = false;
  /** Stream offset the reader has reached: a ring file it has not read to its end is not removed yet. */
  private readerAt: (() => number) | null = null;

  /** `file`: the capture file, or for a ring the name its files are numbered after (x.pcapng → x_00001.pcapng, …). */
  constructor(readonly file: string, readonly ring?: RingSpec) {
    this.open();
  }

  segments(): readonly WrittenSegment[] { return this.segs; }

  /** Stream bytes written so far (a ring's repeated headers not counted). */
  get streamBytes(): number { return this.streamPos; }

  /** The files still on disk, oldest first. */
  files(): string[] { return this.segs.filter((s) => !s.removed).map((s) => s.path); }

  /**
   * Holds ring files back until `readerAt()` (a stream offset) has passed their end, so that a
   * reader that lags behind a fast capture does not lose a file it has not read (the ring may then
   * briefly hold more files than asked; prune() catches up).
   */
  followedBy(readerAt: () => number): void { this.readerAt = readerAt; }

  /** Removes the oldest ring files beyond the ring's size that the reader is done with. */
  prune(): void {
    if (!this.ring) return;
    const kept = this.segs.filter((s) => !s.removed);
    const at = this.readerAt?.() ?? Infinity;
    for (let k = 0; k < kept.length - this.ring.files; k++) {
      const s = kept[k];
      if (s.streamEnd === null || s.streamEnd > at) break;
      s.removed = true;
      fs.rmSync(s.path, { force: true });
    }
  }

  /** Writes a chunk of the tool's output. Throws when the disk refuses it. */
  write(chunk: Buffer): void {
    if (!this.ring || this.broken) { this.put(chunk); return; }
    this.carry = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    let off = 0;
    for (;;) {
      const len = this.unitLength(this.carry, off);
      if (len === null) break; // wait for more bytes
      if (len < 0) {
        // Not a stream we can cut: keep writing it to the current file as it comes.
        this.broken = true;
        this.put(this.carry.subarray(off));
        this.carry = Buffer.alloc(0);
        return;
      }
      this.unit(this.carry.subarray(off, off + len));
      off += len;
    }
    this.carry = off ? Buffer.from(this.carry.subarray(off)) : this.carry;
  }

  /** Closes the current file (what was not a whole record by then is written as it is). */
  end(): void {
    if (this.carry.length) { this.put(this.carry); this.carry = Buffer.alloc(0); }
    if (this.fd !== null) { fs.closeSync(this.fd); this.fd = null; }
  }

  private segmentPath(n: number): string {
    if (!this.ring) return this.file;
    const ext = path.extname(this.file);
    return `${this.file.slice(0, this.file.length - ext.length)}_${String(n).padStart(5, '0')}${ext}`;
  }

  private open(): void {
    const p = this.segmentPath(this.segs.length + 1);
    this.fd = fs.openSync(p, 'w', 0o600);
    this.fileBytes = 0;
    const first = this.segs.length === 0;
    this.segs.push({ path: p, streamStart: this.streamPos, fileStart: first ? 0 : this.header!.length, streamEnd: null, removed: false });
    if (!first) this.putFile(this.header!);
  }

  /** Bytes that are part of the stream. */
  private put(b: Buffer): void {
    this.putFile(b);
    this.streamPos += b.length;
  }

  private putFile(b: Buffer): void {
    let done = 0;
    while (done < b.length) done += fs.writeSync(this.fd!, b, done, b.length - done);
    this.fileBytes += b.length;
  }

  /** One whole unit (a header block or a record) in ring mode. */
  private unit(u: Buffer): void {
    if (!this.header) {
      // Header blocks until the first packet block (pcapng), or the global header (pcap).
      const isPacket = this.format === 'pcapng' ? PACKET_BLOCKS.has(this.u32(u, 0)) : this.headerParts.length > 0;
      if (!isPacket) { this.headerParts.push(Buffer.from(u)); this.put(u); return; }
      this.header = Buffer.concat(this.headerParts);
    }
    const ring = this.ring!;
    if (this.fileBytes + u.length > ring.fileBytes && this.fileBytes > this.header.length) this.rotate();
    this.put(u);
  }

  private rotate(): void {
    const cur = this.segs[this.segs.length - 1];
    cur.streamEnd = this.streamPos;
    fs.closeSync(this.fd!);
    this.fd = null;
    this.open();
    this.prune();
  }

  private u32(b: Buffer, off: number): number { return this.le ? b.readUInt32LE(off) : b.readUInt32BE(off); }

  /** Length of the unit starting at `off`: null when more bytes are needed, -1 when the stream is not understood. */
  private unitLength(b: Buffer, off: number): number | null {
    const left = b.length - off;
    if (this.format === null) {
      if (left < 12) return null;
      const be = b.readUInt32BE(off);
      if (be === PCAPNG_SHB) this.format = 'pcapng';
      else if ([0xa1b2c3d4, 0xa1b23c4d, 0xd4c3b2a1, 0x4d3cb2a1].includes(be)) { this.format = 'pcap'; this.le = be === 0xd4c3b2a1 || be === 0x4d3cb2a1; }
      else return -1;
    }
    if (this.format === 'pcap') {
      if (!this.header && this.headerParts.length === 0) return left >= 24 ? 24 : null;
      if (left < 16) return null;
      const incl = this.u32(b, off + 8);
      if (incl > MAX_RECORD) return -1;
      return left >= 16 + incl ? 16 + incl : null;
    }
    if (left < 12) return null;
    if (b.readUInt32BE(off) === PCAPNG_SHB) {
      const bom = b.readUInt32BE(off + 8);
      if (bom === 0x1a2b3c4d) this.le = false;
      else if (bom === 0x4d3c2b1a) this.le = true;
      else return -1;
      if (this.header) return -1; // a second section: the files would need their own headers
    }
    const total = this.u32(b, off + 4);
    if (total < 12 || total % 4 !== 0 || total > MAX_RECORD) return -1;
    return left >= total ? total : null;
  }
}

/**
 * Writes the ring's files still on disk as one capture (the first one whole, the others without
 * their repeated header) — what "Save As…" keeps of a ring.
 */
export function joinSegments(segs: readonly WrittenSegment[], out: string): void {
  const kept = segs.filter((s) => !s.removed);
  const fd = fs.openSync(out, 'w');
  try {
    kept.forEach((s, k) => {
      const data = fs.readFileSync(s.path);
      const from = k === 0 ? 0 : s.fileStart;
      fs.writeSync(fd, data, from, data.length - from);
    });
  } finally {
    fs.closeSync(fd);
  }
}
