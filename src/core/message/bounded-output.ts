/**
 * Output buffer for the body decompressors (LZ4, zstd): grows by doubling up to a hard limit, so a
 * hostile body can neither make us allocate more than the limit nor run on past it.
 */

/** Default limit of an inflated message body: 64 MiB (RocketMQ's own maxMessageSize is 4 MiB). */
export const DEFAULT_MAX_INFLATED = 64 * 1024 * 1024;

/** Thrown inside a decompressor for a bad input; turned into `{ ok: false, reason }` at its entry point. */
export class InflateError extends Error {
  override name = 'InflateError';
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
    if (need > this.limit) throw new InflateError(`output exceeds the ${this.limit}-byte limit`);
    const next = new Uint8Array(Math.min(this.limit, Math.max(need, this.buf.length * 2, 4096)));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  append(src: Uint8Array): void {
    this.reserve(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
  }

  /** The bytes written so far (a copy when the buffer has unused room, so that room is not kept alive). */
  result(): Uint8Array {
    return this.len === this.buf.length ? this.buf : this.buf.slice(0, this.len);
  }
}
