/**
 * Zstandard body decompression (RFC 8878; zstd-jni's `ZstdOutputStream` for RocketMQ's ZSTD body
 * compression, protocol.md §3.7). Node's own `zlib.zstdDecompressSync` when the runtime has it
 * (Node ≥ 22.15), otherwise the pure-JS `fzstd` package (MIT, no dependencies).
 *
 * Before any decoding, the frame structure is walked here: frame headers (reserved bits, dictionary,
 * window and declared content size against the limit), block headers (type, sizes against the
 * block maximum and the input) and skippable frames. fzstd then decodes one frame at a time through
 * its streaming interface, so the output limit is enforced while it runs, the declared content size
 * is checked, and the content checksum (XXH64) is verified here (fzstd skips it). Result:
 * `{ ok: false, reason }` for a hostile body, never an exception and never an allocation beyond
 * the limit (the decoder's window is at most max(limit, 8 MiB)).
 */
import * as zlib from 'node:zlib';
import { Decompress } from 'fzstd';
import type { DecompressResult } from './compression';
import { BoundedOutput, DEFAULT_MAX_INFLATED, InflateError } from './bounded-output';
import type { InflateOptions } from './lz4';
import { xxh64 } from './xxhash';

export const ZSTD_FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_SIZE_MAX = 128 * 1024;
const MIN_WINDOW_LIMIT = 8 * 1024 * 1024;

export interface ZstdFrameInfo {
  start: number;
  end: number;
  contentSize: number | null;
  checksum: boolean;
  /** Most output its blocks can produce. */
  bound: number;
  /** Number of blocks by type: raw, RLE, compressed. */
  blocks: [number, number, number];
}

function u32le(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

/** Little-endian unsigned integer of `n` ≤ 8 bytes as a Number (exact below 2^53). */
function uintLE(b: Uint8Array, i: number, n: number): number {
  let v = 0;
  for (let k = n - 1; k >= 0; k--) v = v * 256 + b[i + k];
  return v;
}

/**
 * Walks the frames of `b` without decoding them: zstd frames with their block structure and
 * skippable frames. Throws InflateError on anything malformed or beyond the limits.
 */
export function zstdFrames(b: Uint8Array, limit: number): ZstdFrameInfo[] {
  const frames: ZstdFrameInfo[] = [];
  const windowLimit = Math.max(limit, MIN_WINDOW_LIMIT);
  let p = 0;
  const need = (n: number, what: string) => {
    if (p + n > b.length) throw new InflateError(`truncated: ${what} needs ${n} bytes at byte ${p}, only ${b.length - p} left`);
  };
  if (b.length === 0) throw new InflateError('empty input');
  while (p < b.length) {
    need(4, 'frame magic');
    const magic = u32le(b, p);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      need(8, 'skippable frame header');
      const size = u32le(b, p + 4);
      p += 8;
      need(size, 'skippable frame');
      p += size;
      continue;
    }
    if (magic !== ZSTD_FRAME_MAGIC) {
      throw new InflateError(`${frames.length || p ? 'bytes after the last frame' : 'not a zstd frame'}: magic 0x${magic.toString(16).toUpperCase().padStart(8, '0')} at byte ${p}`);
    }
    const start = p;
    need(5, 'frame header');
    const fhd = b[p + 4];
    const fcsFlag = fhd >> 6;
    const single = (fhd & 0x20) !== 0;
    const checksum = (fhd & 0x04) !== 0;
    const didSize = [0, 1, 2, 4][fhd & 3];
    const fcsSize = fcsFlag === 0 ? (single ? 1 : 0) : [1, 2, 4, 8][fcsFlag];
    if (fhd & 0x08) throw new InflateError(`frame at byte ${start}: reserved bit set in the frame header descriptor`);
    p += 5;
    need((single ? 0 : 1) + didSize + fcsSize, 'frame header');
    let windowSize = 0;
    if (!single) {
      const wd = b[p++];
      const base = 2 ** (10 + (wd >> 3));
      windowSize = base + (base / 8) * (wd & 7);
    }
    const dictId = uintLE(b, p, didSize);
    p += didSize;
    let contentSize: number | null = null;
    if (fcsSize) contentSize = uintLE(b, p, fcsSize) + (fcsSize === 2 ? 256 : 0);
    p += fcsSize;
    if (single) windowSize = contentSize!;
    if (dictId !== 0) throw new InflateError(`frame at byte ${start} needs dictionary ${dictId}, which is not available`);
    if (contentSize !== null && contentSize > limit) throw new InflateError(`frame at byte ${start} declares ${contentSize} bytes of content, over the ${limit}-byte limit`);
    if (windowSize > windowLimit) throw new InflateError(`frame at byte ${start}: window of ${windowSize} bytes is over the ${windowLimit}-byte limit`);
    const blockMax = Math.min(windowSize, BLOCK_SIZE_MAX);
    let bound = 0;
    const blocks: [number, number, number] = [0, 0, 0];
    for (let last = false; !last;) {
      need(3, 'block header');
      const h = b[p] | (b[p + 1] << 8) | (b[p + 2] << 16);
      const type = (h >> 1) & 3;
      const size = h >>> 3;
      last = (h & 1) === 1;
      p += 3;
      if (type === 3) throw new InflateError(`block at byte ${p - 3}: reserved block type`);
      if (size > blockMax) throw new InflateError(`block at byte ${p - 3}: size ${size} exceeds the block maximum ${blockMax}`);
      const stored = type === 1 ? 1 : size; // RLE: one byte repeated `size` times
      need(stored, 'block');
      p += stored;
      bound += type === 2 ? blockMax : size;
      blocks[type]++;
    }
    if (checksum) { need(4, 'content checksum'); p += 4; }
    if (contentSize !== null && contentSize > bound) throw new InflateError(`frame at byte ${start} declares ${contentSize} bytes of content, its blocks hold at most ${bound}`);
    frames.push({ start, end: p, contentSize, checksum, bound, blocks });
  }
  if (frames.length === 0) throw new InflateError('no zstd frame, only skippable frames');
  return frames;
}

type NodeZstd = (b: Uint8Array, o?: zlib.ZlibOptions) => Buffer;
const nodeZstd = (zlib as unknown as { zstdDecompressSync?: NodeZstd }).zstdDecompressSync;

/** Decodes a zstd body (frames back to back, skippable frames allowed). Never throws. */
export function decompressZstd(input: Uint8Array, opts: InflateOptions & { useNode?: boolean } = {}): DecompressResult {
  const limit = opts.maxOutput ?? DEFAULT_MAX_INFLATED;
  try {
    const frames = zstdFrames(input, limit);
    if (typeof nodeZstd === 'function' && opts.useNode !== false) {
      const r = nodeZstd(input, { maxOutputLength: Math.max(1, limit) });
      return { ok: true, body: new Uint8Array(r.buffer, r.byteOffset, r.byteLength) };
    }
    const bound = frames.reduce((n, f) => n + (f.contentSize ?? f.bound), 0);
    const out = new BoundedOutput(limit, Math.min(bound, Math.max(4096, input.length * 4)));
    for (const f of frames) decodeFrame(input.subarray(f.start, f.end), f, out);
    return { ok: true, body: out.result() };
  } catch (e) {
    const msg = e instanceof InflateError ? e.message : `${(e as Error).message || (e as Error).name}`;
    return { ok: false, reason: `ZSTD: ${msg}` };
  }
}

function decodeFrame(frame: Uint8Array, f: ZstdFrameInfo, out: BoundedOutput): void {
  const from = out.len;
  const d = new Decompress((chunk) => out.append(chunk));
  try {
    d.push(frame, true);
  } catch (e) {
    if (e instanceof InflateError) throw e;
    throw new InflateError(`frame at byte ${f.start}: ${(e as Error).message || 'invalid data'}`);
  }
  const produced = out.len - from;
  if (f.contentSize !== null && produced !== f.contentSize) {
    throw new InflateError(`frame at byte ${f.start}: ${produced} bytes decoded, the header declares ${f.contentSize}`);
  }
  if (f.checksum) {
    const want = u32le(frame, frame.length - 4);
    const got = Number(xxh64(out.buf, from, out.len) & 0xffffffffn);
    if (want !== got) throw new InflateError(`frame at byte ${f.start}: content checksum 0x${want.toString(16)} ≠ 0x${got.toString(16)}`);
  }
}
