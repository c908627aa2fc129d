/**
 * Layer 5: RemotingCommand frames out of one reassembled TCP direction.
 *
 * Modes: HEAD (collect the 8-byte prefix and the header), BODY (count, or copy in full mode, the
 * body), HUNT (no known frame boundary: mid-connection start, garbage, after a gap — scan for the next
 * plausible frame start), DEAD (gave up: this direction is not RocketMQ). Every problem becomes a
 * labelled warning or a warning bit on the frame; nothing throws.
 */
import { CaptureWarning, FrameWarn, MAX_LEGAL_FRAME_LENGTH } from './types';
import { GapReason, EndReason, StreamSink } from './tcp';
import { HeaderSummary, newSummary, plausibleFrameStart, PLAUSIBLE_NEED_MORE, PLAUSIBLE_YES, scanHeader, DEEP_CHECK_MAX_HEADER } from './header-scan';

/** One decoded frame; a reused object — copy what you keep. */
export interface FrameOut {
  conn: number;
  dir: number;
  tsFirst: number;
  tsLast: number;
  /** Smallest / largest record offset of the packets that carried bytes of this frame. */
  posMin: number;
  posMax: number;
  /** TCP sequence number of the frame's first byte. */
  startSeq: number;
  /** Total frame size in bytes including the 4-byte length field (as announced). */
  size: number;
  headerLen: number;
  serializeType: number;
  summary: HeaderSummary;
  /**
   * Buffer the summary's topic range refers to: the frame's first bytes (length field and header),
   * except in the index pass (`full` false) where a header read in place leaves only its topic here.
   */
  headerBuf: Uint8Array;
  warn: number;
  /** Bytes of the frame that were not captured. */
  missing: number;
  /** Stream bytes skipped right before this frame. */
  skippedBefore: number;
  /** Full mode: the frame bytes (missing parts zero-filled — see `missing`), valid only during the callback (may be a view into the reader buffer); null in index mode. */
  bytes: Uint8Array | null;
  /** Bytes actually present in `bytes` (< size when truncated). */
  bytesAvailable: number;
}

export interface FrameHandler {
  frame(f: FrameOut): void;
  warning(w: CaptureWarning): void;
}

export interface FrameStreamOptions {
  /** Copy every frame's bytes (full decode) instead of only the header (index pass). */
  full: boolean;
  /** Give up hunting after this many bytes without any frame on this direction. */
  giveUpBytes: number;
  maxFrameLength?: number;
}

const M_HUNT = 0, M_HEAD = 1, M_BODY = 2, M_DEAD = 3;

/** Stream bytes with where they came from (record offsets: rec = last, recMin = earliest). */
interface Chunk { buf: Uint8Array; off: number; len: number; seq: number; ts: number; rec: number; recMin: number }
const HUNT_MAX = 256 * 1024;
const EMPTY = Buffer.alloc(0);
const SCRATCH_MAX = 4 * 1024 * 1024;

export class FrameStream implements StreamSink {
  private mode = M_HUNT;
  private head: Buffer = Buffer.allocUnsafe(256);
  private headLen = 0;
  private need = 8;
  private lenField = 0;
  private hl = 0;
  private type = 0;
  private oversize = false;
  private headerBroken = false;
  private bodyLeft = 0;
  private frameBuf: Uint8Array | null = null;
  private fill = 0;
  private tsFirst = 0;
  private tsLast = 0;
  private posMin = 0;
  private posMax = 0;
  private startSeq = 0;
  private warn = 0;
  private missing = 0;
  private verifyNext = true;
  private skipped = 0;
  private skipUnknown = false;
  private skipOffset = -1;
  private snaplenHit = false;
  private midstream = false;
  framesFound = 0;
  private huntedTotal = 0;
  // hunt buffer + segment metadata
  private hunt: Buffer = EMPTY;
  private huntLen = 0;
  private hmPos: number[] = [];
  private hmSeq: number[] = [];
  private hmTs: number[] = [];
  private hmRec: number[] = [];
  private hmRecMin: number[] = [];
  private pending: Chunk[] = [];
  private readonly maxLen: number;
  private requeued = -1;
  /** Earliest record offset of the chunk being consumed (IP fragments). */
  private recMin = 0;
  private chunkBuf: Uint8Array | null = null;
  private chunkFrameStart = 0;
  private chunkEnd = 0;
  private frameView = false;
  private scratch: Buffer | null = null;
  private huntedFrame = false;
  private readonly summary = newSummary();

  constructor(
    readonly conn: number,
    readonly dir: number,
    private readonly out: FrameOut,
    private readonly handler: FrameHandler,
    private readonly opts: FrameStreamOptions,
  ) {
    this.maxLen = opts.maxFrameLength ?? MAX_LEGAL_FRAME_LENGTH;
  }

  get isDead(): boolean { return this.mode === M_DEAD; }

  begin(fromSyn: boolean): void {
    this.midstream = !fromSyn;
    if (fromSyn) { this.mode = M_HEAD; this.verifyNext = true; }
    else this.mode = M_HUNT;
  }

  data(buf: Uint8Array, off: number, len: number, seq: number, ts: number, rec: number, recMin = rec): void {
    if (this.mode === M_DEAD) return;
    this.recMin = recMin;
    this.consume(buf, off, len, seq, ts, rec);
    // replayed chunks from the hunt buffer
    while (this.pending.length) {
      const c = this.pending.shift()!;
      this.recMin = c.recMin;
      this.consume(c.buf, c.off, c.len, c.seq, c.ts, c.rec);
    }
  }

  private track(ts: number, rec: number): void {
    this.tsLast = ts;
    if (rec >= 0) {
      if (this.recMin < this.posMin) this.posMin = this.recMin;
      if (rec > this.posMax) this.posMax = rec;
    }
  }

  private consume(buf: Uint8Array, off: number, len: number, seq: number, ts: number, rec: number): void {
    while (len > 0) {
      const mode = this.mode;
      if (mode === M_HEAD) {
        if (this.headLen === 0) {
          this.tsFirst = ts; this.tsLast = ts; this.posMin = Math.min(rec, this.recMin); this.posMax = rec; this.startSeq = seq;
          this.warn = 0; this.missing = 0; this.oversize = false; this.headerBroken = false;
          this.chunkBuf = buf; this.chunkFrameStart = off; this.chunkEnd = off + len;
          if (!this.opts.full) {
            const n = this.headInPlace(buf, off, len);
            if (n > 0) {
              off += n; len -= n; seq = (seq + n) >>> 0;
              if (this.bodyLeft === 0) this.emit();
              continue;
            }
          }
        } else { this.track(ts, rec); this.chunkBuf = null; }
        const take = Math.min(this.need - this.headLen, len);
        if (this.head.length < this.headLen + take) this.growHead(this.headLen + take);
        this.head.set(buf.subarray(off, off + take), this.headLen);
        this.headLen += take; off += take; len -= take; seq = (seq + take) >>> 0;
        if (this.headLen < this.need) continue;
        this.headStep(seq, ts, rec);
        if (this.requeued >= 0) {
          // badStart queued the collected bytes again: they come before the rest of this chunk
          if (len > 0) this.pending.splice(this.requeued, 0, { buf, off, len, seq, ts, rec, recMin: this.recMin });
          this.requeued = -1;
          return;
        }
      } else if (mode === M_BODY) {
        this.track(ts, rec);
        const take = Math.min(this.bodyLeft, len);
        if (this.frameBuf && !this.frameView) { this.frameBuf.set(buf.subarray(off, off + take), this.fill); }
        this.fill += take;
        this.bodyLeft -= take; off += take; len -= take; seq = (seq + take) >>> 0;
        if (this.bodyLeft === 0) this.emit();
      } else if (mode === M_HUNT) {
        const take = Math.min(len, HUNT_MAX - this.huntLen);
        if (this.hunt.length < this.huntLen + take) {
          let size = Math.max(4096, this.hunt.length);
          while (size < this.huntLen + take) size *= 2;
          const nb = Buffer.allocUnsafe(Math.min(size, HUNT_MAX));
          this.hunt.copy(nb, 0, 0, this.huntLen);
          this.hunt = nb;
        }
        this.hunt.set(buf.subarray(off, off + take), this.huntLen);
        this.hmPos.push(this.huntLen); this.hmSeq.push(seq); this.hmTs.push(ts); this.hmRec.push(rec); this.hmRecMin.push(Math.min(rec, this.recMin));
        this.huntLen += take; off += take; len -= take; seq = (seq + take) >>> 0;
        const found = this.scanHunt();
        if (found >= 0) {
          // replay the hunt buffer from the frame start, then the rest of this chunk
          const replay = this.takeHunt(found);
          if (len > 0) replay.push({ buf, off, len, seq, ts, rec, recMin: this.recMin });
          this.pending.unshift(...replay);
          return;
        }
        if (this.mode === M_DEAD) return;
      } else return;
    }
  }

  /**
   * Index pass, at a frame start: when this chunk holds the frame's whole header and the frame is
   * an ordinary one (plausible prefix, not oversize, passes the deep check when one is due), scans
   * the header where it lies instead of copying it into `head` first — most frames of a capture
   * start this way, and the copy was a tenth of the pass. Only the topic (what the index keeps of
   * the header) is copied, into `head`, since the chunk may be overwritten before the frame ends.
   * Returns the header bytes consumed (mode is then BODY), or 0 to take the general path.
   */
  private headInPlace(b: Uint8Array, off: number, len: number): number {
    if (len < 8) return 0;
    const lenField = ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
    const type = b[off + 4];
    const hl = (b[off + 5] << 16) | (b[off + 6] << 8) | b[off + 7];
    if (type > 1 || lenField < 6 || hl === 0 || hl > lenField - 4 || lenField > this.maxLen || len < 8 + hl) return 0;
    if (this.verifyNext && plausibleFrameStart(b, off, 8 + hl, this.maxLen) !== PLAUSIBLE_YES) return 0;
    this.lenField = lenField; this.type = type; this.hl = hl;
    const sm = scanHeader(b, off + 8, off + 8 + hl, type, this.summary);
    if (!sm.ok) this.warn |= FrameWarn.UndecodableHeader;
    if (sm.topicStart >= 0) {
      const tl = sm.topicEnd - sm.topicStart;
      if (this.head.length < tl) this.growHead(tl);
      for (let i = 0; i < tl; i++) this.head[i] = b[sm.topicStart + i];
      sm.topicStart = 0; sm.topicEnd = tl;
    }
    this.headLen = this.need = 8 + hl;
    this.bodyLeft = lenField - 4 - hl;
    this.chunkBuf = null;
    this.fill = this.headLen;
    this.mode = M_BODY;
    return 8 + hl;
  }

  /** Called when `need` bytes are in head. */
  private headStep(seq: number, ts: number, rec: number): void {
    const h = this.head;
    if (this.need === 8) {
      const len = ((h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]) >>> 0;
      const type = h[4];
      const hl = (h[5] << 16) | (h[6] << 8) | h[7];
      this.lenField = len; this.type = type; this.hl = hl;
      if (type > 1 || len < 6 || hl === 0 || hl > len - 4) {
        this.badStart(`implausible frame start (length ${len}, serialize type ${type}, header length ${hl})`);
        return;
      }
      if (len > this.maxLen) {
        this.oversize = true;
        this.warn |= FrameWarn.Oversize;
        this.handler.warning({ kind: 'frame.oversize', message: `frame length ${len} exceeds the maximum ${this.maxLen} (a Java peer would close the connection); frame skipped, resyncing`, fileOffset: this.posMin, conn: this.conn, dir: this.dir });
        if (hl > DEEP_CHECK_MAX_HEADER) { this.headerBroken = true; this.emitOversize(); return; }
      }
      this.need = 8 + hl;
      return;
    }
    // whole header present
    if (this.verifyNext && plausibleFrameStart(h, 0, this.headLen, this.oversize ? 0xffffffff : this.maxLen) !== PLAUSIBLE_YES) {
      this.badStart(`implausible header after a resync point (length ${this.lenField}, type ${this.type}, header length ${this.hl})`);
      return;
    }
    scanHeader(h, 8, 8 + this.hl, this.type, this.summary);
    if (!this.summary.ok) this.warn |= FrameWarn.UndecodableHeader;
    if (this.oversize) { this.emitOversize(); return; }
    this.bodyLeft = this.lenField - 4 - this.hl;
    if (this.opts.full) {
      const total = this.lenField + 4;
      if (this.chunkBuf && this.chunkFrameStart + total <= this.chunkEnd) {
        // the whole frame is inside the current chunk: hand out a view (valid during the callback)
        this.frameBuf = this.chunkBuf.subarray(this.chunkFrameStart, this.chunkFrameStart + total);
        this.frameView = true;
      } else {
        // frames spanning packets: reuse this stream's scratch buffer (bytes are only valid during the callback)
        if (this.scratch && this.scratch.length >= total) this.frameBuf = this.scratch.subarray(0, total);
        else {
          const nb = Buffer.allocUnsafe(total);
          this.frameBuf = nb;
          if (total <= SCRATCH_MAX) this.scratch = nb;
        }
        this.frameBuf.set(h.subarray(0, this.headLen), 0);
        this.frameView = false;
      }
    }
    this.chunkBuf = null;
    this.fill = this.headLen;
    this.mode = M_BODY;
    if (this.bodyLeft === 0) this.emit();
  }

  private growHead(n: number): void {
    let size = Math.max(256, this.head.length);
    while (size < n) size *= 2;
    const nb = Buffer.allocUnsafe(size);
    this.head.copy(nb, 0, 0, this.headLen);
    this.head = nb;
  }

  /** The bytes collected in head are not a frame: hunt from the byte after their start. */
  private badStart(why: string): void {
    if (this.framesFound > 0) {
      // before the first frame a bad start only means "not (yet) RocketMQ": the skipped-bytes
      // warning reports it if a frame is found later
      this.handler.warning({ kind: 'frame.bad-start', message: `${why}; resyncing`, fileOffset: this.posMin, conn: this.conn, dir: this.dir });
    }
    const n = this.headLen;
    const seq0 = this.startSeq;
    const copy = Uint8Array.prototype.slice.call(this.head, 1, n) as Uint8Array;
    const ts = this.tsFirst, recMin = this.posMin, rec = this.posMax;
    this.resetFrame();
    this.mode = M_HUNT;
    this.skipped += 1;
    if (this.skipOffset < 0) this.skipOffset = recMin;
    if (copy.length) this.pending.unshift({ buf: copy, off: 0, len: copy.length, seq: (seq0 + 1) >>> 0, ts, rec, recMin });
    this.requeued = copy.length ? 1 : 0;
  }

  private resetFrame(): void {
    this.headLen = 0; this.need = 8; this.frameBuf = null; this.frameView = false; this.chunkBuf = null; this.fill = 0; this.bodyLeft = 0;
    this.warn = 0; this.missing = 0; this.oversize = false; this.headerBroken = false; this.snaplenHit = false;
  }

  /** Returns the position of a plausible frame start in the hunt buffer, or -1. Compacts the buffer. */
  private scanHunt(): number {
    const b = this.hunt;
    const n = this.huntLen;
    let p = 0;
    let stopAt = -1;
    for (; p < n; p++) {
      if (b[p] !== 0 && this.maxLen < 0x1000000) continue;
      if (p + 8 > n) { stopAt = p; break; }
      const t = b[p + 4];
      if (t > 1) continue;
      const r = plausibleFrameStart(b, p, n - p, this.maxLen);
      if (r === PLAUSIBLE_YES) return p;
      if (r === PLAUSIBLE_NEED_MORE) {
        if (p === 0 && n === HUNT_MAX) continue; // cannot ever be satisfied
        stopAt = p;
        break;
      }
    }
    const drop = stopAt < 0 ? n : stopAt;
    this.dropHunt(drop);
    if (this.framesFound === 0 && this.huntedTotal > this.opts.giveUpBytes) {
      this.mode = M_DEAD;
      this.dropHunt(this.huntLen);
      this.hunt = EMPTY;
    }
    return -1;
  }

  private dropHunt(k: number): void {
    if (k <= 0) return;
    this.skipped += k;
    this.huntedTotal += k;
    if (this.skipOffset < 0 && this.hmRecMin.length) this.skipOffset = this.hmRecMin[0];
    const n = this.huntLen;
    this.hunt.copy(this.hunt, 0, k, n);
    this.huntLen = n - k;
    // metas
    let i = 0;
    while (i + 1 < this.hmPos.length && this.hmPos[i + 1] <= k) i++;
    this.hmPos.splice(0, i); this.hmSeq.splice(0, i); this.hmTs.splice(0, i); this.hmRec.splice(0, i); this.hmRecMin.splice(0, i);
    if (this.huntLen === 0) { this.hmPos.length = 0; this.hmSeq.length = 0; this.hmTs.length = 0; this.hmRec.length = 0; this.hmRecMin.length = 0; return; }
    if (this.hmPos.length) {
      const d = k - this.hmPos[0];
      this.hmSeq[0] = (this.hmSeq[0] + d) >>> 0;
      this.hmPos[0] = 0;
      for (let j = 1; j < this.hmPos.length; j++) this.hmPos[j] -= k;
    }
  }

  /** Hands out hunt-buffer bytes from `from` as chunks (copies) and empties the hunt buffer. */
  private takeHunt(from: number): Chunk[] {
    this.dropHunt(from);
    const out: Chunk[] = [];
    const copy = Uint8Array.prototype.slice.call(this.hunt, 0, this.huntLen) as Uint8Array;
    for (let i = 0; i < this.hmPos.length; i++) {
      const s = this.hmPos[i];
      const e = i + 1 < this.hmPos.length ? this.hmPos[i + 1] : this.huntLen;
      if (e > s) out.push({ buf: copy, off: s, len: e - s, seq: this.hmSeq[i], ts: this.hmTs[i], rec: this.hmRec[i], recMin: this.hmRecMin[i] });
    }
    this.huntLen = 0;
    this.hunt = EMPTY;
    this.hmPos.length = 0; this.hmSeq.length = 0; this.hmTs.length = 0; this.hmRec.length = 0; this.hmRecMin.length = 0;
    this.mode = M_HEAD;
    this.resetFrame();
    this.verifyNext = false; // the hunt already verified this start
    this.huntedFrame = true;
    return out;
  }

  private reportSkipped(): number {
    const s = this.skipped;
    if (s > 0 || this.skipUnknown) {
      const what = this.framesFound === 0 && this.midstream ? 'mid-connection start' : 'resync';
      this.handler.warning({
        kind: 'stream.skipped',
        message: `${what}: skipped ${this.skipUnknown ? 'an unknown number of' : s} byte${s === 1 ? '' : 's'} before the next frame`,
        fileOffset: this.skipOffset >= 0 ? this.skipOffset : this.posMin, conn: this.conn, dir: this.dir,
      });
    }
    this.skipped = 0; this.skipUnknown = false; this.skipOffset = -1;
    return s;
  }

  private fillOut(): FrameOut {
    const o = this.out;
    const skipped = this.reportSkipped();
    o.conn = this.conn; o.dir = this.dir;
    o.tsFirst = this.tsFirst; o.tsLast = this.tsLast; o.posMin = this.posMin; o.posMax = this.posMax;
    o.startSeq = this.startSeq;
    o.size = this.lenField + 4;
    o.headerLen = this.hl;
    o.serializeType = this.type;
    o.summary = this.summary;
    if (this.headerBroken || this.headLen < 8 + this.hl) { this.summary.ok = false; if (!this.summary.error) this.summary.error = 'header not captured'; }
    o.headerBuf = this.head;
    o.warn = this.warn | (skipped > 0 ? FrameWarn.SkippedBefore : 0) | (this.snaplenHit ? FrameWarn.Snaplen : 0);
    if (!this.summary.ok) o.warn |= FrameWarn.UndecodableHeader;
    o.missing = this.missing;
    o.skippedBefore = skipped;
    o.bytes = this.frameBuf;
    o.bytesAvailable = this.fill;
    return o;
  }

  private emit(): void {
    const o = this.fillOut();
    this.framesFound++;
    this.handler.frame(o);
    const hadGap = (o.warn & FrameWarn.Gap) !== 0;
    this.resetFrame();
    this.mode = M_HEAD;
    // after a gap or a frame found by hunting, the next boundary must pass the deep check too
    this.verifyNext = hadGap || this.huntedFrame;
    this.huntedFrame = false;
  }

  private emitOversize(): void {
    if (this.headLen < 8 + this.hl) { this.summary.ok = false; this.summary.error = 'header of oversize frame not read'; }
    const o = this.fillOut();
    o.warn |= FrameWarn.Oversize | FrameWarn.Truncated;
    o.bytes = null;
    this.framesFound++;
    this.handler.frame(o);
    this.resetFrame();
    this.mode = M_HUNT;
    this.skipOffset = -1;
  }

  gap(n: number, seq: number, reason: GapReason, ts: number, rec: number): void {
    if (this.mode === M_DEAD) return;
    this.handler.warning({
      kind: reason === 'snaplen' ? 'tcp.snaplen' : 'tcp.gap',
      message: reason === 'snaplen'
        ? `${n} bytes of a segment not captured (snaplen)`
        : `${n < 0 ? 'unknown number of' : n} bytes missing in the TCP stream (${reason})`,
      fileOffset: rec >= 0 ? rec : undefined, conn: this.conn, dir: this.dir,
    });
    const flag = FrameWarn.Gap | (reason === 'snaplen' ? FrameWarn.Snaplen : 0) | (reason === 'buffer-limit' ? FrameWarn.BufferLimit : 0);
    const mode = this.mode;
    if (mode === M_HUNT) {
      this.dropHunt(this.huntLen);
      this.addSkip(n);
      return;
    }
    if (mode === M_HEAD && this.headLen === 0) { this.addSkip(n); this.mode = M_HUNT; return; }
    if (mode === M_HEAD && this.need === 8) {
      // length field itself incomplete
      this.addSkip(this.headLen);
      this.addSkip(n);
      this.resetFrame();
      this.mode = M_HUNT;
      return;
    }
    const total = this.lenField + 4;
    const have = mode === M_HEAD ? this.headLen : this.fill;
    if (n >= 0 && have + n <= total && !this.oversize) {
      this.warn |= flag;
      this.missing += n;
      if (mode === M_HEAD) {
        // header incomplete: the rest of the frame is body we cannot interpret
        this.headerBroken = true;
        this.warn |= FrameWarn.UndecodableHeader;
        this.frameBuf = null;
        this.fill = have + n;
        this.bodyLeft = total - this.fill;
        this.mode = M_BODY;
      } else {
        if (this.frameBuf && !this.frameView) this.frameBuf.fill(0, this.fill, this.fill + n);
        this.fill += n;
        this.bodyLeft -= n;
      }
      this.track(ts, rec);
      if (this.bodyLeft === 0) this.emit();
      return;
    }
    // the gap runs past the end of this frame
    this.warn |= flag | FrameWarn.Truncated;
    if (mode === M_HEAD) this.headerBroken = true;
    this.missing += Math.max(0, total - have);
    const beyond = n < 0 ? -1 : have + n - total;
    if (this.oversize) this.emitOversize();
    else { this.fill = have; this.emit(); }
    this.mode = M_HUNT;
    this.addSkip(beyond);
  }

  private addSkip(n: number): void {
    if (n < 0) this.skipUnknown = true;
    else this.skipped += n;
  }

  end(reason: EndReason): void {
    const mode = this.mode;
    if (mode === M_HEAD && this.headLen > 0) {
      if (this.need === 8) {
        this.handler.warning({ kind: 'stream.trailing-bytes', message: `${this.headLen} trailing bytes at ${reason}, too short for a frame`, fileOffset: this.posMin, conn: this.conn, dir: this.dir });
      } else {
        this.warn |= FrameWarn.Truncated;
        this.headerBroken = true;
        this.missing += this.lenField + 4 - this.headLen;
        this.fill = this.headLen;
        this.frameBuf = null;
        this.emitTruncated(reason);
      }
    } else if (mode === M_BODY) {
      this.warn |= FrameWarn.Truncated;
      this.missing += this.bodyLeft;
      this.emitTruncated(reason);
    } else if (mode === M_HUNT && (this.huntLen > 0 || this.skipped > 0) && this.framesFound > 0) {
      this.handler.warning({ kind: 'stream.trailing-bytes', message: `${this.huntLen + this.skipped} bytes without a frame boundary before ${reason}`, fileOffset: this.skipOffset >= 0 ? this.skipOffset : undefined, conn: this.conn, dir: this.dir });
    }
    this.resetFrame();
    this.mode = M_DEAD;
    this.huntLen = 0;
    this.hunt = EMPTY;
    this.head = EMPTY;
    this.scratch = null;
  }

  private emitTruncated(reason: EndReason): void {
    this.handler.warning({ kind: 'frame.truncated', message: `frame of ${this.lenField + 4} bytes cut at ${reason}: ${this.lenField + 4 - this.fill} bytes missing`, fileOffset: this.posMin, conn: this.conn, dir: this.dir });
    this.emit();
  }
}
