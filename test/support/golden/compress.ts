/**
 * Deterministic compressed bodies for the synthetic golden capture (make-zoo.ts).
 *
 * `deterministicZlib`: a tiny zlib (RFC 1950) compressor: one DEFLATE
 * block with the fixed Huffman codes (RFC 1951 §3.2.6) and a greedy LZ77 match search.
 *
 * Why not node:zlib (or the codec's `compressZlib`, which uses it): Node's bundled zlib (Chromium's fork)
 * may choose different matches on another Node release or CPU, and the zoo capture must be the same
 * bytes everywhere (its unit test rebuilds it byte for byte). What this writes is a valid ZLIB stream, as
 * java.util.zip.Inflater and every inflater read it; it compresses repetitive text well enough.
 */
import { xxh32 } from '../../../src/core/message/xxhash';

const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

class BitWriter {
  private readonly out: number[] = [];
  private acc = 0;
  private n = 0;
  /** `count` bits of `value`, least significant first (header fields, extra bits). */
  bits(value: number, count: number): void {
    for (let i = 0; i < count; i++) this.bit((value >>> i) & 1);
  }
  /** A Huffman code, most significant bit first. */
  code(value: number, len: number): void {
    for (let i = len - 1; i >= 0; i--) this.bit((value >>> i) & 1);
  }
  private bit(b: number): void {
    this.acc |= b << this.n;
    if (++this.n === 8) { this.out.push(this.acc); this.acc = 0; this.n = 0; }
  }
  finish(): number[] {
    if (this.n > 0) this.out.push(this.acc);
    return this.out;
  }
}

function literal(w: BitWriter, sym: number): void {
  if (sym < 144) w.code(0x30 + sym, 8);
  else if (sym < 256) w.code(0x190 + sym - 144, 9);
  else if (sym < 280) w.code(sym - 256, 7);
  else w.code(0xc0 + sym - 280, 8);
}

function match(w: BitWriter, len: number, dist: number): void {
  let li = LEN_BASE.length - 1;
  while (LEN_BASE[li] > len) li--;
  literal(w, 257 + li);
  w.bits(len - LEN_BASE[li], LEN_EXTRA[li]);
  let di = DIST_BASE.length - 1;
  while (DIST_BASE[di] > dist) di--;
  w.code(di, 5);
  w.bits(dist - DIST_BASE[di], DIST_EXTRA[di]);
}

function adler32(b: Uint8Array): number {
  let a = 1, s = 0;
  for (let i = 0; i < b.length; i++) { a = (a + b[i]) % 65521; s = (s + a) % 65521; }
  return ((s << 16) | a) >>> 0;
}

/** ZLIB stream of `data` (header 78 9C, as java.util.zip.Deflater writes at the default level). */
export function deterministicZlib(data: Uint8Array): Buffer {
  const w = new BitWriter();
  w.bits(1, 1); // BFINAL
  w.bits(1, 2); // BTYPE = 01, fixed Huffman
  const head = new Map<number, number[]>();
  const key = (i: number) => (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
  const remember = (i: number) => {
    if (i + 2 >= data.length) return;
    const k = key(i);
    const list = head.get(k);
    if (list) { list.push(i); if (list.length > 16) list.shift(); } else head.set(k, [i]);
  };
  let i = 0;
  while (i < data.length) {
    let bestLen = 0, bestDist = 0;
    if (i + 2 < data.length) {
      const cands = head.get(key(i)) ?? [];
      for (let c = cands.length - 1; c >= 0; c--) {
        const j = cands[c];
        if (i - j > 32768) break;
        let l = 0;
        while (l < 258 && i + l < data.length && data[j + l] === data[i + l]) l++;
        if (l > bestLen) { bestLen = l; bestDist = i - j; }
      }
    }
    if (bestLen >= 3) {
      match(w, bestLen, bestDist);
      for (let k = 0; k < bestLen; k++) remember(i + k);
      i += bestLen;
    } else {
      literal(w, data[i]);
      remember(i);
      i++;
    }
  }
  literal(w, 256);
  const a = adler32(data);
  return Buffer.from([0x78, 0x9c, ...w.finish(), a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff]);
}

/**
 * An LZ4 frame (independent blocks, 64 KiB max block size, no checksums) holding `data` in one
 * *uncompressed* block. Valid for every LZ4 frame reader;
 * small and stable, unlike a real compressor's output.
 */
export function lz4FrameStored(data: Uint8Array): Buffer {
  if (data.length > 65536) throw new Error('one block of at most 64 KiB');
  const flg = 0x60, bd = 0x40; // version 01, block independence; block max size 64 KiB
  const hc = (xxh32(Uint8Array.from([flg, bd])) >>> 8) & 0xff;
  const size = Buffer.alloc(4);
  size.writeUInt32LE((data.length | 0x80000000) >>> 0);
  return Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18, flg, bd, hc]), size, Buffer.from(data), Buffer.alloc(4)]);
}

/** A zstd frame (single segment, content size given, no checksum) holding `data` in one Raw block. */
export function zstdFrameRaw(data: Uint8Array): Buffer {
  if (data.length < 256 || data.length > 65791) throw new Error('256..65791 bytes (2-byte frame content size)');
  const fcs = Buffer.alloc(2);
  fcs.writeUInt16LE(data.length - 256);
  const block = (data.length << 3) | 1; // Last_Block, Block_Type 0 = Raw
  return Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x60]), fcs, Buffer.from([block & 0xff, (block >>> 8) & 0xff, (block >>> 16) & 0xff]), Buffer.from(data)]);
}
