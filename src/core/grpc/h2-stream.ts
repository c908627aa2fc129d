/**
 * HTTP/2 frames out of one reassembled TCP direction (a StreamSink of the capture's TCP layer).
 *
 * Synced, it reads frame after frame. Without a known boundary — a capture that joined the connection
 * mid-way, or bytes lost in a gap of unknown size — it hunts: a boundary is accepted where three
 * plausible frame headers follow one another (or two that end exactly where the captured bytes do).
 * A gap of known size inside a frame is kept as a hole (zero-filled, counted in `missing`); a gap that
 * swallows a frame header makes the reader hunt again. Nothing throws.
 */
import type { EndReason, GapReason, StreamSink } from '../capture/tcp';
import { H2_DEFAULT_MAX_FRAME, H2_FRAME_HEADER, H2_MAX_FRAME_LIMIT, H2_PREFACE, plausibleFrameHeader, readFrameHeader } from './h2';

export interface H2Frame {
  dir: 0 | 1;
  type: number;
  flags: number;
  streamId: number;
  length: number;
  /** A copy of the payload (holes zero-filled). */
  payload: Uint8Array;
  /** Payload bytes that were never captured. */
  missing: number;
  tsFirst: number;
  tsLast: number;
  /** Byte offset of the frame in this direction's stream (0 = the first byte the capture has). */
  offset: number;
}

export interface H2StreamEvents {
  /** The first bytes of a direction that starts at the connection's start: decide what the connection is. */
  frame(f: H2Frame): void;
  /** Bytes that could not be read as frames (hunting, a broken frame): where and why. */
  lost(dir: 0 | 1, bytes: number, why: string, tsUs: number): void;
  end(dir: 0 | 1, reason: EndReason): void;
}

const MODE_WAIT = 0, MODE_PREFACE = 1, MODE_SYNC = 2, MODE_HUNT = 3, MODE_OFF = 4;
/** Hunting this many bytes without finding frames ends the attempt (not HTTP/2, or hopelessly broken). */
const HUNT_BUDGET = 1 << 20;

export class H2Stream implements StreamSink {
  private mode = MODE_WAIT;
  private buf = Buffer.alloc(0);
  /** Stream offset of buf[0]. */
  private base = 0;
  private len = 0;
  /** Absolute [start, end) ranges never captured. */
  private holes: [number, number][] = [];
  /** (end offset, timestamp) of appended chunks, oldest first. */
  private chunkEnds: number[] = [];
  private chunkTs: number[] = [];
  private hunted = 0;
  fromSyn = false;
  /** Bytes received (incl. holes). */
  total = 0;
  frames = 0;
  /** Largest frame this direction's receiver allows (learnt from its SETTINGS); unknown = the protocol limit. */
  maxFrame = H2_MAX_FRAME_LIMIT;
  /** maxFrame came from a SETTINGS frame (else hunting assumes the initial 16 KiB, what gRPC peers keep). */
  maxFrameKnown = false;
  /** Called once the first bytes are in, before anything is parsed (MODE_WAIT); returns the bytes to inspect. */
  onFirstBytes?: (b: Uint8Array) => void;

  constructor(readonly dir: 0 | 1, private readonly ev: H2StreamEvents) {}

  begin(fromSyn: boolean): void {
    this.fromSyn = fromSyn;
  }

  /** The connection decided: an h2c client stream (preface first), a synced server stream, or hunting. */
  start(how: 'preface' | 'sync' | 'hunt' | 'off'): void {
    this.mode = how === 'preface' ? MODE_PREFACE : how === 'sync' ? MODE_SYNC : how === 'hunt' ? MODE_HUNT : MODE_OFF;
    if (this.mode === MODE_OFF) this.drop(this.len);
    else this.process();
  }

  get decided(): boolean { return this.mode !== MODE_WAIT; }
  get off(): boolean { return this.mode === MODE_OFF; }

  /** The bytes buffered so far (while waiting for the connection's decision). */
  peek(): Uint8Array { return this.buf.subarray(0, this.len); }

  data(b: Uint8Array, off: number, len: number, _seq: number, tsUs: number): void {
    this.total += len;
    if (this.mode === MODE_OFF) return;
    this.append(b.subarray(off, off + len), tsUs);
    if (this.mode === MODE_WAIT) {
      this.onFirstBytes?.(this.peek());
      // still undecided: keep at most 64 KiB
      if (this.mode === MODE_WAIT && this.len > 65_536) this.start('off');
      return;
    }
    this.process();
  }

  gap(n: number, _seq: number, _reason: GapReason, tsUs: number): void {
    if (this.mode === MODE_OFF) return;
    if (n > 0 && n <= 16 << 20 && this.mode !== MODE_WAIT) {
      const start = this.base + this.len;
      this.holes.push([start, start + n]);
      this.total += n;
      this.append(new Uint8Array(n), tsUs);
      this.process();
      return;
    }
    // unknown amount: whatever is buffered cannot be continued
    if (this.len) this.ev.lost(this.dir, this.len, 'bytes before a capture gap of unknown size', tsUs);
    this.drop(this.len);
    this.holes = [];
    if (this.mode === MODE_SYNC || this.mode === MODE_PREFACE) this.mode = MODE_HUNT;
  }

  end(reason: EndReason): void {
    if (this.mode !== MODE_OFF && this.len > 0 && this.mode !== MODE_WAIT) {
      this.ev.lost(this.dir, this.len, this.mode === MODE_HUNT ? 'bytes without a frame boundary' : 'a frame cut off by the end of the capture or connection', this.lastTs());
    }
    this.ev.end(this.dir, reason);
    this.mode = MODE_OFF;
    this.drop(this.len);
  }

  private append(b: Uint8Array, ts: number): void {
    if (this.len + b.length > this.buf.length) {
      const nb = Buffer.allocUnsafe(Math.max(this.len + b.length, this.buf.length * 2, 4096));
      this.buf.copy(nb, 0, 0, this.len);
      this.buf = nb;
    }
    this.buf.set(b, this.len);
    this.len += b.length;
    this.chunkEnds.push(this.base + this.len);
    this.chunkTs.push(ts);
  }

  private drop(n: number): void {
    if (n <= 0) return;
    this.buf.copy(this.buf, 0, n, this.len);
    this.len -= n;
    this.base += n;
    let k = 0;
    while (k < this.chunkEnds.length - 1 && this.chunkEnds[k] <= this.base) k++;
    if (k) { this.chunkEnds.splice(0, k); this.chunkTs.splice(0, k); }
    this.holes = this.holes.filter((h) => h[1] > this.base);
    if (this.buf.length > 1 << 20 && this.len < 1 << 16) this.buf = Buffer.from(this.buf.subarray(0, Math.max(this.len, 4096)));
  }

  private tsAt(abs: number): number {
    for (let i = 0; i < this.chunkEnds.length; i++) if (abs < this.chunkEnds[i]) return this.chunkTs[i];
    return this.lastTs();
  }

  private lastTs(): number { return this.chunkTs.length ? this.chunkTs[this.chunkTs.length - 1] : 0; }

  private holeBytes(start: number, end: number): number {
    let n = 0;
    for (const [a, b] of this.holes) n += Math.max(0, Math.min(b, end) - Math.max(a, start));
    return n;
  }

  private process(): void {
    for (;;) {
      if (this.mode === MODE_PREFACE) {
        if (this.len < H2_PREFACE.length) return;
        if (!this.buf.subarray(0, H2_PREFACE.length).equals(H2_PREFACE)) {
          this.ev.lost(this.dir, 0, 'the client preface is not the HTTP/2 one', this.tsAt(this.base));
          this.mode = MODE_HUNT;
          continue;
        }
        this.drop(H2_PREFACE.length);
        this.mode = MODE_SYNC;
        continue;
      }
      if (this.mode === MODE_HUNT) {
        if (!this.hunt()) return;
        continue;
      }
      if (this.mode !== MODE_SYNC) return;
      if (this.len < H2_FRAME_HEADER) return;
      if (this.holeBytes(this.base, this.base + H2_FRAME_HEADER) > 0) {
        // the frame header itself was not captured: the boundary is lost
        this.mode = MODE_HUNT;
        continue;
      }
      const h = readFrameHeader(this.buf, 0);
      if (h.length > this.maxFrame) {
        this.ev.lost(this.dir, 0, `frame length ${h.length} above the allowed ${this.maxFrame}: not a frame boundary`, this.tsAt(this.base));
        this.mode = MODE_HUNT;
        continue;
      }
      const size = H2_FRAME_HEADER + h.length;
      if (this.len < size) return;
      const start = this.base;
      this.frames++;
      this.ev.frame({
        dir: this.dir,
        type: h.type,
        flags: h.flags,
        streamId: h.streamId,
        length: h.length,
        payload: Uint8Array.prototype.slice.call(this.buf, H2_FRAME_HEADER, size),
        missing: this.holeBytes(start + H2_FRAME_HEADER, start + size),
        tsFirst: this.tsAt(start),
        tsLast: this.tsAt(start + size - 1),
        offset: start,
      });
      this.drop(size);
    }
  }

  /** Looks for a frame boundary; true when synced (the skipped bytes reported), false when more bytes are needed. */
  private hunt(): boolean {
    const b = this.buf.subarray(0, this.len);
    let o = 0;
    for (; o + H2_FRAME_HEADER <= b.length; o++) {
      const v = this.chain(b, o);
      if (v === 'need') break;
      if (v === 'yes') {
        if (o) this.ev.lost(this.dir, o, 'bytes skipped to find an HTTP/2 frame boundary', this.tsAt(this.base));
        this.hunted = 0;
        this.drop(o);
        this.mode = MODE_SYNC;
        return true;
      }
    }
    // bytes before o are no boundary; o may still be one (more bytes needed), or o is within the last 8 bytes
    if (o > 0) {
      this.hunted += o;
      this.ev.lost(this.dir, o, 'bytes without an HTTP/2 frame boundary', this.tsAt(this.base));
      this.drop(o);
    }
    if (this.hunted > HUNT_BUDGET || this.len > HUNT_BUDGET) {
      this.ev.lost(this.dir, this.len, 'no HTTP/2 frames found: gave up on this direction', this.lastTs());
      this.mode = MODE_OFF;
      this.drop(this.len);
    }
    return false;
  }

  /** Three plausible headers in a row from o (or the bytes end exactly after two): 'yes' / 'no' / 'need' more bytes. */
  private chain(b: Uint8Array, o: number): 'yes' | 'no' | 'need' {
    let p = o;
    for (let k = 0; k < 3; k++) {
      if (p === b.length && k >= 2) return 'yes';
      if (p + H2_FRAME_HEADER > b.length) return k >= 2 && p === b.length ? 'yes' : 'need';
      if (this.holeBytes(this.base + p, this.base + p + H2_FRAME_HEADER) > 0) return 'no';
      if (!plausibleFrameHeader(b, p, this.maxFrameKnown ? this.maxFrame : H2_DEFAULT_MAX_FRAME)) return 'no';
      p += H2_FRAME_HEADER + readFrameHeader(b, p).length;
    }
    return 'yes';
  }
}
