/**
 * The first bytes of each direction of a TCP connection, and how the server answered the handshake.
 *
 * A direction that carries no RocketMQ frame says nothing in the index: its bytes were something
 * else. What they were is the answer to "why did this client get nothing": an HTTP/2 preface (a 5.x
 * Proxy's gRPC port), a TLS handshake (TLS on one side only), an HTTP request. The doctor
 * (src/core/doctor) reads them from `ConnSummary.streams`. How the server side began tells a refused
 * connection (RST, no SYN-ACK) from one nobody answered and one that was accepted.
 *
 * A tap sits in front of each direction's frame stream; it copies at most HEAD_BYTES bytes once and
 * otherwise only forwards.
 */
import type { EndReason, GapReason, StreamSink } from './tcp';

/** Bytes kept per direction. */
export const HEAD_BYTES = 128;

/** How a direction began: with its SYN (`syn`), in the middle (the capture started later, or a RST only: `mid`), or not at all. */
export type StreamStart = 'syn' | 'mid' | null;

export class HeadTap implements StreamSink {
  began: StreamStart = null;
  /** The first bytes of the direction (null before any). */
  head: Uint8Array | null = null;
  n = 0;
  /** A gap came before the first kept byte: they are not the stream's first bytes. */
  gapBefore = false;
  /** Bytes still to keep: a gap after the first kept bytes ends the copy (the kept bytes stay contiguous). */
  private limit = HEAD_BYTES;
  constructor(private readonly inner: StreamSink) {}

  begin(fromSyn: boolean): void {
    this.began = fromSyn ? 'syn' : 'mid';
    this.inner.begin(fromSyn);
  }

  data(buf: Uint8Array, off: number, len: number, seq: number, tsUs: number, recordOffset: number, recordMin?: number): void {
    if (this.n < this.limit) {
      const head = this.head ?? (this.head = new Uint8Array(HEAD_BYTES));
      const take = Math.min(len, this.limit - this.n);
      head.set(buf.subarray(off, off + take), this.n);
      this.n += take;
    }
    this.inner.data(buf, off, len, seq, tsUs, recordOffset, recordMin);
  }

  gap(n: number, seq: number, reason: GapReason, tsUs: number, recordOffset: number): void {
    if (this.n === 0) this.gapBefore = true;
    else this.limit = this.n;
    this.inner.gap(n, seq, reason, tsUs, recordOffset);
  }

  end(reason: EndReason): void { this.inner.end(reason); }
}

/** What a closed connection's taps saw (ConnSummary.streams). */
export interface ConnStreams {
  /** How each direction began (index 0: client → server). */
  began: [StreamStart, StreamStart];
  /**
   * The first bytes of each direction that carried bytes but no RocketMQ frame (null otherwise):
   * `fromStart` when they are the direction's very first bytes (it began with the SYN and no gap
   * came before them).
   */
  head: [{ bytes: Uint8Array; fromStart: boolean } | null, { bytes: Uint8Array; fromStart: boolean } | null];
}

/** The summary of two taps at the connection's close (`frames`: RocketMQ frames found per direction). */
export function connStreams(taps: readonly [HeadTap, HeadTap], frames: readonly [number, number]): ConnStreams {
  const head = (d: 0 | 1) => {
    const t = taps[d];
    if (frames[d] > 0 || !t.head || t.n === 0) return null;
    return { bytes: t.head.slice(0, t.n), fromStart: t.began === 'syn' && !t.gapBefore };
  };
  return { began: [taps[0].began, taps[1].began], head: [head(0), head(1)] };
}
