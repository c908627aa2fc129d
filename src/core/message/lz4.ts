/**
 * LZ4 frame format decoder (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md, block format
 * in lz4_Block_format.md), pure TypeScript: what lz4-java's `LZ4FrameOutputStream` writes for
 * RocketMQ's LZ4 body compression (docs/protocol.md §3.7) and what the `lz4` command writes.
 *
 * Supported: frames back to back, skippable frames, block sizes 64 KiB–4 MiB, independent and linked
 * blocks, compressed and stored (uncompressed) blocks, optional content size, block checksums and
 * content checksum (all checksums, the header checksum included, are verified). Not supported: the
 * legacy format (`lz4 -l`) and frames that need a preset dictionary — both reported, not guessed.
 *
 * Every length is checked against the input and the output limit before it is used: a hostile body
 * gives `{ ok: false, reason }`, never an exception, a read past the input or an allocation beyond
 * the limit. Work is linear in input + output, so it cannot hang.
 */
import type { DecompressResult } from './compression';
import { BoundedOutput, DEFAULT_MAX_INFLATED, InflateError } from './bounded-output';
import { xxh32 } from './xxhash';

export const LZ4_FRAME_MAGIC = 0x184d2204;
const LZ4_LEGACY_MAGIC = 0x184c2102;
/** Skippable frames: magic 0x184D2A50 … 0x184D2A5F. */
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_MAX_SIZES: Readonly<Record<number, number>> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };
/** One input byte of the block format yields at most 255 output bytes (a 255 length-extension byte). */
const MAX_RATIO = 255;

export interface InflateOptions {
  /** Largest output accepted, in bytes (default 64 MiB). */
  maxOutput?: number;
}

function u32le(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

function hex32(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(8, '0')}`;
}

/** Decodes a body made of LZ4 frames. Never throws. */
export function decompressLz4(input: Uint8Array, opts: InflateOptions = {}): DecompressResult {
  const limit = opts.maxOutput ?? DEFAULT_MAX_INFLATED;
  try {
    return { ok: true, body: new Lz4Reader(input, limit).frames() };
  } catch (e) {
    const msg = e instanceof InflateError ? e.message : `unexpected ${(e as Error).name}: ${(e as Error).message}`;
    return { ok: false, reason: `LZ4: ${msg}` };
  }
}

class Lz4Reader {
  private pos = 0;
  private readonly out: BoundedOutput;
  /** The caller's limit is below what the input could decode to at most (errors name it then). */
  private readonly callerLimit: boolean;

  constructor(private readonly in_: Uint8Array, limit: number) {
    const bound = in_.length * MAX_RATIO + 64;
    this.callerLimit = limit < bound;
    // Sized for typical ratios; frames that declare their content size reserve it exactly below.
    this.out = new BoundedOutput(Math.min(limit, bound), Math.max(4096, in_.length * 4));
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.in_.length) {
      throw new InflateError(`truncated: ${what} needs ${n} bytes at byte ${this.pos}, only ${this.in_.length - this.pos} left`);
    }
  }

  frames(): Uint8Array {
    const b = this.in_;
    if (b.length === 0) throw new InflateError('empty input');
    let frames = 0;
    while (this.pos < b.length) {
      this.need(4, 'frame magic');
      const magic = u32le(b, this.pos);
      if (magic === LZ4_FRAME_MAGIC) {
        this.frame();
        frames++;
      } else if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
        this.need(8, 'skippable frame header');
        const size = u32le(b, this.pos + 4);
        this.pos += 8;
        this.need(size, 'skippable frame');
        this.pos += size;
      } else if (magic === LZ4_LEGACY_MAGIC) {
        throw new InflateError(`legacy LZ4 format (lz4 -l) at byte ${this.pos} is not supported`);
      } else {
        throw new InflateError(`${frames || this.pos ? 'bytes after the last frame' : 'not an LZ4 frame'}: magic ${hex32(magic)} at byte ${this.pos}`);
      }
    }
    if (frames === 0) throw new InflateError('no LZ4 frame, only skippable frames');
    return this.out.result();
  }

  private frame(): void {
    const b = this.in_;
    const start = this.pos;
    this.need(7, 'frame header');
    const flg = b[start + 4];
    const bd = b[start + 5];
    if (flg >> 6 !== 1) throw new InflateError(`frame at byte ${start}: version ${flg >> 6}, only 1 exists`);
    if (flg & 0x02 || bd & 0x8f) throw new InflateError(`frame at byte ${start}: reserved bits set in the descriptor (FLG 0x${flg.toString(16)}, BD 0x${bd.toString(16)})`);
    const independent = (flg & 0x20) !== 0;
    const blockChecksum = (flg & 0x10) !== 0;
    const hasContentSize = (flg & 0x08) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    const hasDict = (flg & 0x01) !== 0;
    const maxBlock = BLOCK_MAX_SIZES[(bd >> 4) & 7];
    if (maxBlock === undefined) throw new InflateError(`frame at byte ${start}: block maximum size code ${(bd >> 4) & 7} is not 4–7`);
    const descLen = 2 + (hasContentSize ? 8 : 0) + (hasDict ? 4 : 0);
    this.pos = start + 4;
    this.need(descLen + 1, 'frame descriptor');
    const hc = (xxh32(b, start + 4, start + 4 + descLen) >>> 8) & 0xff;
    if (hc !== b[start + 4 + descLen]) throw new InflateError(`frame at byte ${start}: header checksum 0x${b[start + 4 + descLen].toString(16)} ≠ 0x${hc.toString(16)}`);
    let contentSize = -1;
    if (hasContentSize) {
      const lo = u32le(b, start + 6), hi = u32le(b, start + 10);
      contentSize = hi * 0x100000000 + lo;
      if (contentSize > this.out.limit - this.out.len) {
        throw new InflateError(`frame at byte ${start} declares ${contentSize} bytes of content, ${this.callerLimit ? `over the ${this.out.limit}-byte limit` : 'more than its input can hold'}`);
      }
      this.out.reserve(contentSize);
    }
    if (hasDict) throw new InflateError(`frame at byte ${start} needs preset dictionary ${hex32(u32le(b, start + 6 + (hasContentSize ? 8 : 0)))}, which is not available`);
    this.pos = start + 4 + descLen + 1;
    const frameOut = this.out.len;
    for (;;) {
      this.need(4, 'block size');
      const word = u32le(b, this.pos);
      this.pos += 4;
      if (word === 0) break; // EndMark
      const stored = word >= 0x80000000;
      const size = word & 0x7fffffff;
      if (size > maxBlock) throw new InflateError(`block at byte ${this.pos - 4}: size ${size} exceeds the frame's block maximum ${maxBlock}`);
      this.need(size + (blockChecksum ? 4 : 0), 'block');
      const blockStart = this.pos;
      if (blockChecksum) {
        const want = u32le(b, blockStart + size);
        const got = xxh32(b, blockStart, blockStart + size);
        if (want !== got) throw new InflateError(`block at byte ${blockStart - 4}: checksum ${hex32(want)} ≠ ${hex32(got)}`);
      }
      if (stored) this.out.append(b.subarray(blockStart, blockStart + size));
      else this.block(blockStart, blockStart + size, independent ? this.out.len : frameOut, maxBlock);
      this.pos = blockStart + size + (blockChecksum ? 4 : 0);
    }
    const produced = this.out.len - frameOut;
    if (contentChecksum) {
      this.need(4, 'content checksum');
      const want = u32le(b, this.pos);
      const got = xxh32(this.out.buf, frameOut, this.out.len);
      if (want !== got) throw new InflateError(`frame at byte ${start}: content checksum ${hex32(want)} ≠ ${hex32(got)}`);
      this.pos += 4;
    }
    if (contentSize >= 0 && produced !== contentSize) throw new InflateError(`frame at byte ${start}: ${produced} bytes decoded, the header declares ${contentSize}`);
  }

  /** One compressed block `in[ip, end)`; matches may reach back to `windowStart` in the output. */
  private block(ip: number, end: number, windowStart: number, maxBlock: number): void {
    const b = this.in_;
    const out = this.out;
    const blockOut = out.len;
    const at = ip - 4;
    const bad = (what: string): never => { throw new InflateError(`block at byte ${at}: ${what}`); };
    /** A 15 in a token's nibble continues with bytes that add to it, up to the first that is not 255. */
    const extend = (n: number, what: string): number => {
      let x: number;
      do {
        if (ip >= end) bad(`${what} runs past the block`);
        x = b[ip++];
        n += x;
      } while (x === 255);
      return n;
    };
    for (;;) {
      if (ip >= end) bad('ends inside a sequence');
      const token = b[ip++];
      let lit = token >> 4;
      if (lit === 15) lit = extend(lit, 'literal length');
      if (lit > end - ip) bad(`${lit} literals, only ${end - ip} bytes left in the block`);
      if (out.len + lit - blockOut > maxBlock) bad(`decodes to more than the block maximum ${maxBlock}`);
      out.append(b.subarray(ip, ip + lit));
      ip += lit;
      if (ip === end) return; // the last sequence has literals only
      if (end - ip < 2) bad('match offset runs past the block');
      const offset = b[ip] | (b[ip + 1] << 8);
      ip += 2;
      if (offset === 0) bad('match offset 0');
      if (offset > out.len - windowStart) bad(`match offset ${offset} reaches back past the ${out.len - windowStart} bytes it may refer to`);
      let len = (token & 15) + 4;
      if ((token & 15) === 15) len = extend(len, 'match length');
      if (out.len + len - blockOut > maxBlock) bad(`decodes to more than the block maximum ${maxBlock}`);
      out.copyMatch(offset, len);
    }
  }
}
