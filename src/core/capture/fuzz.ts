/**
 * Seeded mutation fuzzing of the whole capture pipeline (file → frames → index → random access →
 * views). Shared by the unit test (fixed iteration count) and bench/fuzz-capture.ts (more).
 */
import { indexCaptureBytes } from './capture-index';
import { readFrameBytesFromBuffer } from './frame-reader';
import { decodeFrameBytes } from './decode';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns a mutated copy: byte flips, random overwrites, cuts, duplicated or deleted ranges, 32-bit extremes. */
export function mutate(input: Uint8Array, r: () => number): Uint8Array {
  let b = Buffer.from(input);
  const n = 1 + Math.floor(r() * 8);
  for (let k = 0; k < n; k++) {
    const pos = Math.floor(r() * b.length);
    switch (Math.floor(r() * 7)) {
      case 0: b[pos] ^= 1 << Math.floor(r() * 8); break;
      case 1: b[pos] = Math.floor(r() * 256); break;
      case 2: if (pos + 4 <= b.length) b.writeUInt32BE([0, 0xffffffff, 0x7fffffff, 0x80000000, 0x00ffffff][Math.floor(r() * 5)], pos); break;
      case 3: b = b.subarray(0, Math.max(24, pos)); break;
      case 4: { const len = Math.floor(r() * 200); b = Buffer.concat([b.subarray(0, pos), b.subarray(pos, pos + len), b.subarray(pos)]); break; }
      case 5: { const len = Math.floor(r() * 200); b = Buffer.concat([b.subarray(0, pos), b.subarray(Math.min(b.length, pos + len))]); break; }
      case 6: for (let i = 0; i < 16 && pos + i < b.length; i++) b[pos + i] = Math.floor(r() * 256); break;
    }
  }
  return b;
}

export interface FuzzResult { iterations: number; frames: number; warnings: number; maxMs: number }

/** Runs `iterations` mutations; throws (with seed and iteration) if anything escapes. */
export function fuzzCapture(seedCapture: Uint8Array, seed: number, iterations: number): FuzzResult {
  const r = mulberry32(seed);
  let frames = 0, warnings = 0, maxMs = 0;
  for (let it = 0; it < iterations; it++) {
    const data = mutate(seedCapture, r);
    const t0 = Date.now();
    try {
      const ix = indexCaptureBytes(data, { full: true }, () => { frames++; });
      warnings += ix.warnings.total;
      const picks = Math.min(ix.length, 3);
      for (let k = 0; k < picks; k++) {
        const i = Math.floor(r() * ix.length);
        decodeFrameBytes(ix, i, readFrameBytesFromBuffer(ix, i, data));
      }
    } catch (e) {
      const err = new Error(`fuzz seed ${seed} iteration ${it}: ${(e as Error).stack ?? e}`);
      (err as Error & { input?: Uint8Array }).input = data;
      throw err;
    }
    maxMs = Math.max(maxMs, Date.now() - t0);
  }
  return { iterations, frames, warnings, maxMs };
}
