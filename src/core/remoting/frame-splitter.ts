import { CodecError } from './errors';
import { DEFAULT_MAX_FRAME_LENGTH, frameLengthAt } from './frame';

/**
 * Turns a TCP byte stream, in chunks of any size, into whole frames. Like Netty's
 * LengthFieldBasedFrameDecoder: a length no frame can have poisons the stream (the peer would close
 * the connection), so every later push throws the same error.
 */
export class FrameSplitter {
  private chunks: Buffer[] = [];
  private size = 0;
  private consumed = 0; // stream offset of chunks[0][0]
  private poisoned: CodecError | undefined;
  private readonly max: number;

  constructor(opts: { maxFrameLength?: number } = {}) {
    this.max = opts.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
  }

  /** Bytes held that do not yet make a whole frame. */
  get buffered(): number { return this.size; }
  /** Stream offset of the next byte a frame would start at. */
  get streamOffset(): number { return this.consumed; }

  push(chunk: Uint8Array): Buffer[] {
    if (this.poisoned) throw this.poisoned;
    if (chunk.length > 0) {
      this.chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.size += chunk.length;
    }
    const frames: Buffer[] = [];
    for (;;) {
      if (this.size < 4) break;
      let total: number | undefined;
      try {
        total = frameLengthAt(this.head(4), 0, this.max, this.consumed);
      } catch (e) {
        this.poisoned = e as CodecError;
        throw e;
      }
      if (total === undefined || this.size < total) break;
      frames.push(this.take(total));
    }
    return frames;
  }

  /** The first n buffered bytes, contiguous (copies only when they span chunks). */
  private head(n: number): Buffer {
    if (this.chunks[0].length < n) {
      // Merge only the leading small chunks, so byte-at-a-time input stays linear.
      let k = 0, len = 0;
      while (len < n) len += this.chunks[k++].length;
      this.chunks.splice(0, k, Buffer.concat(this.chunks.slice(0, k), len));
    }
    return this.chunks[0];
  }

  private take(n: number): Buffer {
    this.size -= n;
    this.consumed += n;
    const first = this.chunks[0];
    if (first.length === n) { this.chunks.shift(); return first; }
    if (first.length > n) { this.chunks[0] = first.subarray(n); return first.subarray(0, n); }
    const out = Buffer.allocUnsafe(n);
    let p = 0;
    while (p < n) {
      const c = this.chunks[0];
      const k = Math.min(c.length, n - p);
      c.copy(out, p, 0, k);
      p += k;
      if (k === c.length) this.chunks.shift(); else this.chunks[0] = c.subarray(k);
    }
    return out;
  }
}
