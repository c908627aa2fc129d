/**
 * Body compression (docs/protocol.md §3.7). ZLIB = RFC 1950 stream (java.util.zip.Deflater), inflated by
 * node:zlib; LZ4 = LZ4 frame format (lz4-java's LZ4FrameOutputStream), decoded by `./lz4`; ZSTD =
 * zstd frames (zstd-jni), decoded by `./zstd` (Node's own zstd when present, else our TypeScript decoder). All three
 * stop at an output limit (default 64 MiB) and report a bad body as `{ ok: false, reason }`.
 */
import * as zlib from 'node:zlib';
import { CompressionType } from './sysflag';
import { DEFAULT_MAX_INFLATED } from './bounded-output';
import { decompressLz4, InflateOptions } from './lz4';
import { decompressZstd } from './zstd';

export { DEFAULT_MAX_INFLATED } from './bounded-output';
export { decompressLz4, InflateOptions } from './lz4';
export { decompressZstd } from './zstd';

/** The native half of a `zlib.Deflate` (Node's internal binding, stable since Node 10). */
interface DeflateHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  reset(): void;
}

/**
 * One deflate stream per level, reset between bodies. `zlib.deflateSync` builds a stream, allocates
 * and clears its window and hash tables, and closes it again for every body: on a 4 KiB body that
 * was a quarter of the time (12.5 → 9.3 µs), on the event loop that every async send shares.
 * Java's parameters (window 32 KiB, memLevel 8) cost nothing extra here, as nothing is set up per
 * body. Node's public API has no reusable synchronous deflate, so this reaches the stream's native
 * handle; where that is not there (another runtime), `deflateSync` with the same options.
 */
class ReusedDeflate {
  private handle: DeflateHandle | undefined;
  private state: Uint32Array | undefined;
  /** Kept so that nothing owning the handle is collected while we use it. */
  private readonly stream: zlib.Deflate;
  private scratch = Buffer.allocUnsafe(0);

  constructor(private readonly level: number) {
    this.stream = zlib.createDeflate({ level });
    const { _handle: h, _writeState } = this.stream as unknown as { _handle?: Partial<DeflateHandle>; _writeState?: unknown };
    if (h && typeof h.writeSync === 'function' && typeof h.reset === 'function' && _writeState instanceof Uint32Array) {
      this.handle = h as DeflateHandle;
      this.state = _writeState;
    }
  }

  get native(): boolean { return this.handle !== undefined; }

  deflate(body: Uint8Array): Uint8Array {
    if (!this.handle || !this.state) return this.fallback(body);
    // zlib's deflateBound: room for the whole stream, so one Z_FINISH call completes it
    const bound = body.length + (body.length >>> 12) + (body.length >>> 14) + (body.length >>> 25) + 13 + 6;
    // the scratch buffer stays at most 256 KiB; a larger body gets one of its own
    if (this.scratch.length < bound && bound <= 256 * 1024) this.scratch = Buffer.allocUnsafe(Math.max(bound, 64 * 1024));
    const out = this.scratch.length >= bound ? this.scratch : Buffer.allocUnsafe(bound);
    let n: number;
    try {
      this.handle.writeSync(zlib.constants.Z_FINISH, body, 0, body.length, out, 0, out.length);
      const [availOut, availIn] = this.state;
      n = availIn === 0 && availOut > 0 ? out.length - availOut : -1;
      this.handle.reset();
    } catch {
      n = -1;
      this.handle = undefined; // a stream in an unknown state is not used again
    }
    return n < 0 ? this.fallback(body) : Buffer.from(out.subarray(0, n));
  }

  private fallback(body: Uint8Array): Uint8Array {
    const b = zlib.deflateSync(body, { level: this.level });
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
}

const deflaters = new Map<number, ReusedDeflate>();

function deflater(level: number): ReusedDeflate {
  let d = deflaters.get(level);
  if (!d) deflaters.set(level, d = new ReusedDeflate(level));
  return d;
}

/** A zlib (RFC 1950) stream of `body`, as java.util.zip.Deflater(level) writes it. */
export function compressZlib(body: Uint8Array, level = 5): Uint8Array {
  return deflater(level).deflate(body);
}

/** Whether `compressZlib` runs on a reused native stream here (tests pin it, so a Node change is noticed). */
export function zlibStreamReused(level = 5): boolean { return deflater(level).native; }

export type DecompressResult =
  | { ok: true; body: Uint8Array }
  | { ok: false; reason: string };

/** Inflates a message body compressed with `type`; never throws, never returns more than `maxOutput` bytes. */
export function decompressBody(body: Uint8Array, type: CompressionType | 'UNKNOWN', opts: InflateOptions = {}): DecompressResult {
  const limit = opts.maxOutput ?? DEFAULT_MAX_INFLATED;
  switch (type) {
    case 'ZLIB':
      try {
        return { ok: true, body: new Uint8Array(zlib.inflateSync(body, { maxOutputLength: Math.max(1, limit) })) };
      } catch (e) {
        const tooBig = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
        return { ok: false, reason: `zlib inflate failed: ${tooBig ? `output exceeds the ${limit}-byte limit` : (e as Error).message}` };
      }
    case 'LZ4': return decompressLz4(body, { maxOutput: limit });
    case 'ZSTD': return decompressZstd(body, { maxOutput: limit });
    default: return { ok: false, reason: `compression type ${type} is not known (sysFlag bits 8–10 hold 4–7)` };
  }
}
