/**
 * Output buffer for the body decompressors (LZ4, zstd): grows by doubling up to a hard limit, so a
 * hostile body can neither make us allocate more than the limit nor run on past it.
 */
import { DataError } from '../errors';

/** Default limit of an inflated message body: 64 MiB (RocketMQ's own maxMessageSize is 4 MiB). */
export const DEFAULT_MAX_INFLATED = 64 * 1024 * 1024;

/** Thrown inside a decompressor for a bad input; turned into `{ ok: false, reason }` at its entry point. */
export class InflateError extends DataError {
  override name = 'InflateError';
  readonly kind: 'inflate' | 'output-limit' = 'inflate';
}

/** The output would pass the limit (not a defect of the input as such). */
export class OutputLimitError extends InflateError {
  override name = 'OutputLimitError';
  override readonly kind = 'output-limit' as const;
}

export class BoundedOutput {
  buf: Uint8Array;
  len = 0;

  /** `initial` is a size hint; it is clamped to the limit. */
  constructor(readonly limit: number, initial: number) {
    this.buf = new Uint8Array(Math.max(0, Math.min(limit, Math.floor(initial))));
  }

  /** Makes room for `n` more bytes; throws InflateError when the total would pass the limit. */
  reserve(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    if (need > this.limit) throw new OutputLimitError(`output exceeds the ${this.limit}-byte limit`);
    const next = new Uint8Array(Math.min(this.limit, Math.max(need, this.buf.length * 2, 4096)));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  append(src: Uint8Array): void {
    this.reserve(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
  }

  /** `n` copies of `byte`. */
  fill(byte: number, n: number): void {
    this.reserve(n);
    this.buf.fill(byte, this.len, this.len + n);
    this.len += n;
  }

  /**
   * An LZ77 match: `n` bytes copied from `offset` bytes back (the caller checked `offset` ≤ len). When
   * they overlap (offset < n) the last `offset` bytes repeat: copied in growing chunks of whole
   * periods, each reading only bytes already written.
   */
  copyMatch(offset: number, n: number): void {
    this.reserve(n);
    const buf = this.buf;
    let dst = this.len;
    const src = dst - offset;
    this.len += n;
    while (n > 0) {
      const k = Math.min(n, dst - src);
      buf.copyWithin(dst, src, src + k);
      dst += k;
      n -= k;
    }
  }

  /** The bytes written so far (a copy when the buffer has unused room, so that room is not kept alive). */
  result(): Uint8Array {
    return this.len === this.buf.length ? this.buf : this.buf.slice(0, this.len);
  }
}
