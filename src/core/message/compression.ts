/**
 * Body compression (protocol.md §3.7). ZLIB = RFC 1950 stream (java.util.zip.Deflater).
 * LZ4 (frame format) and ZSTD are recognised; Node 20 has no built-in codec for them, so
 * `decompressBody` reports them as not decompressed instead of guessing.
 */
import * as zlib from 'node:zlib';
import { CompressionType } from './sysflag';

export function compressZlib(body: Uint8Array, level = 5): Uint8Array {
  const b = zlib.deflateSync(body, { level });
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Same bytes as `compressZlib`, computed on libuv's thread pool (keeps the event loop free). */
export function compressZlibAsync(body: Uint8Array, level = 5): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    zlib.deflate(body, { level }, (err, out) => (err ? reject(err) : resolve(new Uint8Array(out.buffer, out.byteOffset, out.byteLength))));
  });
}

export type DecompressResult =
  | { ok: true; body: Uint8Array }
  | { ok: false; reason: string };

export function decompressBody(body: Uint8Array, type: CompressionType | 'UNKNOWN'): DecompressResult {
  if (type === 'ZLIB') {
    try {
      return { ok: true, body: new Uint8Array(zlib.inflateSync(body)) };
    } catch (e) {
      return { ok: false, reason: `zlib inflate failed: ${(e as Error).message}` };
    }
  }
  const z = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Buffer }).zstdDecompressSync;
  if (type === 'ZSTD' && typeof z === 'function') {
    try {
      return { ok: true, body: new Uint8Array(z(body)) };
    } catch (e) {
      return { ok: false, reason: `zstd decompress failed: ${(e as Error).message}` };
    }
  }
  return { ok: false, reason: `${type} decompression is not available in this runtime` };
}
