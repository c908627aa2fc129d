/**
 * xxHash32 and xxHash64 (https://github.com/Cyan4973/xxHash, spec `doc/xxhash_spec.md`), seed 0 by
 * default: the checksums of the LZ4 frame format (header, block and content checksums) and of zstd
 * frames (low 32 bits of XXH64 of the content).
 */

const P32_1 = 0x9e3779b1, P32_2 = 0x85ebca77, P32_3 = 0xc2b2ae3d, P32_4 = 0x27d4eb2f, P32_5 = 0x165667b1;

function rotl32(x: number, r: number): number { return (x << r) | (x >>> (32 - r)); }
function u32le(b: Uint8Array, i: number): number { return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0; }
function round32(acc: number, lane: number): number { return Math.imul(rotl32((acc + Math.imul(lane, P32_2)) | 0, 13), P32_1); }

/** XXH32 of `b[start, end)`; unsigned 32-bit result. */
export function xxh32(b: Uint8Array, start = 0, end = b.length, seed = 0): number {
  let p = start;
  let h: number;
  if (end - start >= 16) {
    let v1 = (seed + P32_1 + P32_2) | 0, v2 = (seed + P32_2) | 0, v3 = seed | 0, v4 = (seed - P32_1) | 0;
    const limit = end - 16;
    while (p <= limit) {
      v1 = round32(v1, u32le(b, p)); v2 = round32(v2, u32le(b, p + 4)); v3 = round32(v3, u32le(b, p + 8)); v4 = round32(v4, u32le(b, p + 12));
      p += 16;
    }
    h = (rotl32(v1, 1) + rotl32(v2, 7) + rotl32(v3, 12) + rotl32(v4, 18)) | 0;
  } else {
    h = (seed + P32_5) | 0;
  }
  h = (h + (end - start)) | 0;
  for (; p + 4 <= end; p += 4) h = Math.imul(rotl32((h + Math.imul(u32le(b, p), P32_3)) | 0, 17), P32_4);
  for (; p < end; p++) h = Math.imul(rotl32((h + Math.imul(b[p], P32_5)) | 0, 11), P32_1);
  h = Math.imul(h ^ (h >>> 15), P32_2);
  h = Math.imul(h ^ (h >>> 13), P32_3);
  return (h ^ (h >>> 16)) >>> 0;
}

// XXH64 on pairs of unsigned 32-bit halves (BigInt would be ~15x slower). Results of the helpers go
// to (rh, rl) so the hot loop allocates nothing.
let rh = 0, rl = 0;

/** (ah:al) * (bh:bl) mod 2^64 → (rh:rl). */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  rl = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const hi = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  rh = (hi + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}
function add64(ah: number, al: number, bh: number, bl: number): void {
  const s = al + bl;
  rl = s >>> 0;
  rh = (ah + bh + (s > 0xffffffff ? 1 : 0)) >>> 0;
}
function rotl64(h: number, l: number, r: number): void {
  rh = ((h << r) | (l >>> (32 - r))) >>> 0;
  rl = ((l << r) | (h >>> (32 - r))) >>> 0;
}

const P1H = 0x9e3779b1, P1L = 0x85ebca87, P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f, P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63, P5H = 0x27d4eb2f, P5L = 0x165667c5;

/** round(acc, lane) = rotl(acc + lane * P2, 31) * P1 → (rh:rl). */
function round64(ah: number, al: number, lh: number, ll: number): void {
  mul64(lh, ll, P2H, P2L);
  add64(ah, al, rh, rl);
  rotl64(rh, rl, 31);
  mul64(rh, rl, P1H, P1L);
}
/** h = (h ^ round(0, v)) * P1 + P4 → (rh:rl). */
function merge64(hh: number, hl: number, vh: number, vl: number): void {
  round64(0, 0, vh, vl);
  mul64((hh ^ rh) >>> 0, (hl ^ rl) >>> 0, P1H, P1L);
  add64(rh, rl, P4H, P4L);
}

/** XXH64 of `b[start, end)` with seed 0, as an unsigned bigint (zstd content checksums use its low 32 bits). */
export function xxh64(b: Uint8Array, start = 0, end = b.length): bigint {
  let p = start;
  let hh: number, hl: number;
  if (end - start >= 32) {
    // seed 0: v1 = P1 + P2, v2 = P2, v3 = 0, v4 = -P1
    add64(P1H, P1L, P2H, P2L);
    let v1h = rh, v1l = rl, v2h = P2H, v2l = P2L, v3h = 0, v3l = 0;
    let v4h = ~P1H >>> 0, v4l = -P1L >>> 0; // two's complement of P1 (its low half is not 0)
    const limit = end - 32;
    while (p <= limit) {
      round64(v1h, v1l, u32le(b, p + 4), u32le(b, p)); v1h = rh; v1l = rl;
      round64(v2h, v2l, u32le(b, p + 12), u32le(b, p + 8)); v2h = rh; v2l = rl;
      round64(v3h, v3l, u32le(b, p + 20), u32le(b, p + 16)); v3h = rh; v3l = rl;
      round64(v4h, v4l, u32le(b, p + 28), u32le(b, p + 24)); v4h = rh; v4l = rl;
      p += 32;
    }
    rotl64(v1h, v1l, 1); hh = rh; hl = rl;
    rotl64(v2h, v2l, 7); add64(hh, hl, rh, rl); hh = rh; hl = rl;
    rotl64(v3h, v3l, 12); add64(hh, hl, rh, rl); hh = rh; hl = rl;
    rotl64(v4h, v4l, 18); add64(hh, hl, rh, rl); hh = rh; hl = rl;
    merge64(hh, hl, v1h, v1l); merge64(rh, rl, v2h, v2l); merge64(rh, rl, v3h, v3l); merge64(rh, rl, v4h, v4l);
    hh = rh; hl = rl;
  } else {
    hh = P5H; hl = P5L;
  }
  const len = end - start;
  add64(hh, hl, Math.floor(len / 0x100000000) >>> 0, len >>> 0); hh = rh; hl = rl;
  for (; p + 8 <= end; p += 8) {
    round64(0, 0, u32le(b, p + 4), u32le(b, p));
    rotl64((hh ^ rh) >>> 0, (hl ^ rl) >>> 0, 27);
    mul64(rh, rl, P1H, P1L);
    add64(rh, rl, P4H, P4L); hh = rh; hl = rl;
  }
  if (p + 4 <= end) {
    mul64(0, u32le(b, p), P1H, P1L);
    rotl64((hh ^ rh) >>> 0, (hl ^ rl) >>> 0, 23);
    mul64(rh, rl, P2H, P2L);
    add64(rh, rl, P3H, P3L); hh = rh; hl = rl;
    p += 4;
  }
  for (; p < end; p++) {
    mul64(0, b[p], P5H, P5L);
    rotl64((hh ^ rh) >>> 0, (hl ^ rl) >>> 0, 11);
    mul64(rh, rl, P1H, P1L); hh = rh; hl = rl;
  }
  // avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32
  mul64(hh, (hl ^ (hh >>> 1)) >>> 0, P2H, P2L); hh = rh; hl = rl;
  mul64((hh ^ (hh >>> 29)) >>> 0, (hl ^ ((hl >>> 29) | (hh << 3))) >>> 0, P3H, P3L); hh = rh; hl = rl;
  hl = (hl ^ hh) >>> 0;
  return (BigInt(hh) << 32n) | BigInt(hl);
}
