/**
 * Zstandard body decompression (RFC 8878; zstd-jni's `ZstdOutputStream` for RocketMQ's ZSTD body
 * compression, docs/protocol.md §3.7). Node's own `zlib.zstdDecompressSync` when the runtime has it
 * (Node ≥ 22.15), otherwise the decoder below, in TypeScript (entropy tables in ./zstd-entropy.ts).
 *
 * The frame structure is walked first: frame headers (reserved bits, dictionary, window and declared
 * content size against the limit), block headers (type, sizes against the block maximum and the
 * input) and skippable frames. Blocks are then decoded into a BoundedOutput, every table, bit stream,
 * literal count, offset and length checked, the declared content size compared and the content
 * checksum (XXH64) verified. Result: `{ ok: false, reason }` for a hostile body, never an exception,
 * a hang (all loops are bounded by the input or by counts) or an allocation beyond the limit.
 *
 * (The pure-JS `fzstd` package was tried first: corrupt Huffman weight streams send it into an endless
 * loop, and corrupt sequences into billions of iterations, which a wrapper cannot bound.)
 */
import * as zlib from 'node:zlib';
import type { DecompressResult } from './compression';
import { BoundedOutput, DEFAULT_MAX_INFLATED, InflateError, OutputLimitError } from './bounded-output';
import type { InflateOptions } from './lz4';
import { xxh64 } from './xxhash';
import { BackwardBits, buildFse, decodeHuffmanStream, FseTable, HuffmanTable, readFse, readHuffman, rleFse } from './zstd-entropy';

export const ZSTD_FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_SIZE_MAX = 128 * 1024;
const MIN_WINDOW_LIMIT = 8 * 1024 * 1024;

export interface ZstdFrameInfo {
  start: number;
  end: number;
  /** First block header. */
  blocksAt: number;
  windowSize: number;
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
    const blocksAt = p;
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
    frames.push({ start, end: p, blocksAt, windowSize, contentSize, checksum, bound, blocks });
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
    for (const f of frames) decodeFrame(input, f, out);
    return { ok: true, body: out.result() };
  } catch (e) {
    const tooBig = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'; // Node's own zstd at maxOutputLength
    const msg = e instanceof InflateError ? e.message : tooBig ? `output exceeds the ${limit}-byte limit` : `${(e as Error).message || (e as Error).name}`;
    return { ok: false, reason: `ZSTD: ${msg}` };
  }
}

/** Decodes one frame (already walked by zstdFrames) of `input` into `out`. */
function decodeFrame(input: Uint8Array, f: ZstdFrameInfo, out: BoundedOutput): void {
  const from = out.len;
  const st = new FrameState(from);
  const blockMax = Math.min(f.windowSize, BLOCK_SIZE_MAX);
  let p = f.blocksAt;
  for (let last = false; !last;) {
    const h = input[p] | (input[p + 1] << 8) | (input[p + 2] << 16);
    const type = (h >> 1) & 3, size = h >>> 3;
    last = (h & 1) === 1;
    p += 3;
    if (type === 0) out.append(input.subarray(p, p + size));
    else if (type === 1) out.fill(input[p], size);
    else {
      try {
        decodeBlock(input, p, p + size, blockMax, out, st);
      } catch (e) {
        if (e instanceof InflateError && !(e instanceof OutputLimitError)) throw new InflateError(`block at byte ${p - 3}: ${e.message}`);
        throw e;
      }
    }
    p += type === 1 ? 1 : size;
  }
  const produced = out.len - from;
  if (f.contentSize !== null && produced !== f.contentSize) {
    throw new InflateError(`frame at byte ${f.start}: ${produced} bytes decoded, the header declares ${f.contentSize}`);
  }
  if (f.checksum) {
    const want = u32le(input, f.end - 4);
    const got = Number(xxh64(out.buf, from, out.len) & 0xffffffffn);
    if (want !== got) throw new InflateError(`frame at byte ${f.start}: content checksum 0x${want.toString(16)} ≠ 0x${got.toString(16)}`);
  }
}

/** What a frame's blocks share (§3.1.1.5, §3.1.1.3): repeat offsets and the last tables. */
class FrameState {
  rep = [1, 4, 8];
  huffman: HuffmanTable | null = null;
  /** Last literal-length, offset and match-length tables (for the Repeat mode). */
  fse: [FseTable | null, FseTable | null, FseTable | null] = [null, null, null];
  constructor(readonly frameStart: number) {}
}

// Literal length and match length codes: baselines and extra bits (§3.1.1.3.2.1.1).
const LL_BASE = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536];
const LL_BITS = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
const ML_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34,
  35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051, 4099, 8195, 16387, 32771, 65539,
];
const ML_BITS = [
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
];
// Predefined distributions (§3.1.1.3.2.2).
const LL_DEFAULT = [4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1];
const ML_DEFAULT = [
  1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1,
];
const OF_DEFAULT = [1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1];
/** [literal lengths, offsets, match lengths]: predefined table, max accuracy log, max symbol. */
const KINDS = [
  { name: 'literal lengths', table: () => buildFse(LL_DEFAULT, LL_DEFAULT.length, 6), maxLog: 9, maxSymbol: 35 },
  { name: 'offsets', table: () => buildFse(OF_DEFAULT, OF_DEFAULT.length, 5), maxLog: 8, maxSymbol: 31 },
  { name: 'match lengths', table: () => buildFse(ML_DEFAULT, ML_DEFAULT.length, 6), maxLog: 9, maxSymbol: 52 },
] as const;
let predefined: FseTable[] | null = null;

/** A compressed block `in[p, end)` (§3.1.1.3): literals section, then sequences, executed into `out`. */
function decodeBlock(b: Uint8Array, p: number, end: number, blockMax: number, out: BoundedOutput, st: FrameState): void {
  const blockStart = out.len;
  // ---- literals section (§3.1.1.3.1)
  if (p >= end) throw new InflateError('empty compressed block');
  const b0 = b[p];
  const litType = b0 & 3, sizeFormat = (b0 >> 2) & 3;
  let regen: number, compSize = 0, streams = 1, hdr: number;
  if (litType < 2) {
    hdr = sizeFormat === 1 ? 2 : sizeFormat === 3 ? 3 : 1;
    if (p + hdr > end) throw new InflateError('literals header runs past the block');
    regen = hdr === 1 ? b0 >> 3 : hdr === 2 ? (b0 >> 4) + (b[p + 1] << 4) : (b0 >> 4) + (b[p + 1] << 4) + (b[p + 2] << 12);
  } else {
    streams = sizeFormat === 0 ? 1 : 4;
    hdr = sizeFormat < 2 ? 3 : sizeFormat + 2;
    if (p + hdr > end) throw new InflateError('literals header runs past the block');
    const v = (b0 >> 4) + b[p + 1] * 2 ** 4 + b[p + 2] * 2 ** 12 + (hdr > 3 ? b[p + 3] * 2 ** 20 : 0) + (hdr > 4 ? b[p + 4] * 2 ** 28 : 0);
    const w = hdr === 3 ? 10 : hdr === 4 ? 14 : 18;
    regen = v % 2 ** w;
    compSize = Math.floor(v / 2 ** w) % 2 ** w;
  }
  if (regen > blockMax) throw new InflateError(`${regen} literals, over the block maximum ${blockMax}`);
  p += hdr;
  const lit = new Uint8Array(regen);
  if (litType === 0) {
    if (p + regen > end) throw new InflateError('raw literals run past the block');
    lit.set(b.subarray(p, p + regen));
    p += regen;
  } else if (litType === 1) {
    if (p >= end) throw new InflateError('RLE literals run past the block');
    lit.fill(b[p++]);
  } else {
    const litEnd = p + compSize;
    if (litEnd > end) throw new InflateError('compressed literals run past the block');
    if (litType === 2) {
      const h = readHuffman(b, p, litEnd);
      st.huffman = h.table;
      p = h.next;
    } else if (!st.huffman) throw new InflateError('treeless literals without an earlier Huffman tree');
    if (streams === 1) decodeHuffmanStream(b, p, litEnd, st.huffman!, lit, 0, regen);
    else {
      if (p + 6 > litEnd) throw new InflateError('Huffman jump table runs past the literals');
      const s1 = b[p] | (b[p + 1] << 8), s2 = b[p + 2] | (b[p + 3] << 8), s3 = b[p + 4] | (b[p + 5] << 8);
      const per = (regen + 3) >> 2;
      if (per * 3 > regen) throw new InflateError(`${regen} literals cannot fill four streams`);
      let at = p + 6;
      const ends = [at + s1, at + s1 + s2, at + s1 + s2 + s3, litEnd];
      if (ends[2] >= litEnd) throw new InflateError('Huffman stream sizes run past the literals');
      for (let k = 0; k < 4; k++) {
        decodeHuffmanStream(b, at, ends[k], st.huffman!, lit, k * per, k < 3 ? per : regen - 3 * per);
        at = ends[k];
      }
    }
    p = litEnd;
  }
  // ---- sequences section (§3.1.1.3.2)
  if (p >= end) throw new InflateError('sequences section missing');
  let nseq = b[p++];
  if (nseq >= 128) {
    if (nseq === 255) { if (p + 2 > end) throw new InflateError('sequence count runs past the block'); nseq = b[p] + (b[p + 1] << 8) + 0x7f00; p += 2; }
    else { if (p + 1 > end) throw new InflateError('sequence count runs past the block'); nseq = ((nseq - 128) << 8) + b[p++]; }
  }
  if (nseq === 0) {
    if (p !== end) throw new InflateError(`${end - p} bytes after a block without sequences`);
    out.append(lit);
    return;
  }
  if (p >= end) throw new InflateError('compression modes missing');
  const modes = b[p++];
  if (modes & 3) throw new InflateError('reserved bits set in the compression modes');
  predefined ??= KINDS.map((k) => k.table());
  const tables: FseTable[] = [];
  for (let k = 0; k < 3; k++) {
    const mode = (modes >> (6 - 2 * k)) & 3;
    const kind = KINDS[k];
    let t: FseTable;
    if (mode === 0) t = predefined[k];
    else if (mode === 1) {
      if (p >= end) throw new InflateError(`${kind.name}: RLE symbol missing`);
      if (b[p] > kind.maxSymbol) throw new InflateError(`${kind.name}: RLE symbol ${b[p]} is over ${kind.maxSymbol}`);
      t = rleFse(b[p++]);
    } else if (mode === 2) {
      const r = readFse(b, p, end, kind.maxLog, kind.maxSymbol, kind.name);
      t = r.table;
      p = r.next;
    } else {
      const prev = st.fse[k];
      if (!prev) throw new InflateError(`${kind.name}: repeat mode without an earlier table`);
      t = prev;
    }
    st.fse[k] = t;
    tables.push(t);
  }
  const [llT, ofT, mlT] = tables;
  const bits = new BackwardBits(b, p, end, 'sequences');
  let ll = bits.read(llT.log), of = bits.read(ofT.log), ml = bits.read(mlT.log);
  const rep = st.rep;
  let litPos = 0;
  for (let i = 0; i < nseq; i++) {
    const ofCode = ofT.symbol[of], llCode = llT.symbol[ll], mlCode = mlT.symbol[ml];
    if (ofCode > 31 || llCode > 35 || mlCode > 52) throw new InflateError(`sequence ${i}: code out of range`);
    let offset = 2 ** ofCode + bits.read(ofCode);
    const matchLen = ML_BASE[mlCode] + bits.read(ML_BITS[mlCode]);
    const litLen = LL_BASE[llCode] + bits.read(LL_BITS[llCode]);
    if (i + 1 < nseq) {
      ll = llT.base[ll] + bits.read(llT.bits[ll]);
      ml = mlT.base[ml] + bits.read(mlT.bits[ml]);
      of = ofT.base[of] + bits.read(ofT.bits[of]);
    }
    if (bits.left < 0) throw new InflateError(`sequence ${i} of ${nseq}: the bit stream ends early`);
    // repeat offsets (§3.1.1.5)
    if (offset > 3) {
      offset -= 3;
      rep[2] = rep[1]; rep[1] = rep[0]; rep[0] = offset;
    } else {
      const idx = offset - 1 + (litLen === 0 ? 1 : 0);
      if (idx === 0) offset = rep[0];
      else {
        offset = idx < 3 ? rep[idx] : rep[0] - 1;
        if (idx > 1) rep[2] = rep[1];
        rep[1] = rep[0];
        rep[0] = offset;
      }
    }
    if (litLen > regen - litPos) throw new InflateError(`sequence ${i}: ${litLen} literals, only ${regen - litPos} left`);
    if (out.len - blockStart + litLen + matchLen > blockMax) throw new InflateError(`decodes to more than the block maximum ${blockMax}`);
    out.append(lit.subarray(litPos, litPos + litLen));
    litPos += litLen;
    if (offset < 1 || offset > out.len - st.frameStart) throw new InflateError(`sequence ${i}: offset ${offset} reaches back past the ${out.len - st.frameStart} bytes decoded`);
    out.copyMatch(offset, matchLen);
  }
  if (bits.left !== 0) throw new InflateError(`sequences: ${bits.left} bits left over`);
  if (out.len - blockStart + regen - litPos > blockMax) throw new InflateError(`decodes to more than the block maximum ${blockMax}`);
  out.append(lit.subarray(litPos));
}
