/**
 * The entropy coding of Zstandard (RFC 8878 §4): bit streams, FSE tables (§4.1) and Huffman tables
 * (§4.2), for the decoder in ./zstd.ts. Every read is bounds-checked and every loop is bounded by a
 * count or by the input, so corrupt tables end in an InflateError, never in a hang.
 */
import { InflateError } from './bounded-output';

/** Unsigned value of `n` ≤ 32 bits of `b` starting at bit `pos` (bit i = bit i%8 of byte i/8). */
function bitsAt(b: Uint8Array, byte0: number, pos: number, n: number): number {
  let v = 0;
  let got = 0;
  while (got < n) {
    const s = pos & 7;
    const take = Math.min(8 - s, n - got);
    v += ((b[byte0 + (pos >> 3)] >> s) & ((1 << take) - 1)) * 2 ** got;
    got += take;
    pos += take;
  }
  return v;
}

function highBit(x: number): number { return 31 - Math.clz32(x); }

/** A forward bit stream (FSE table descriptions), `b[pos, end)`. */
class ForwardBits {
  private bit = 0;
  constructor(private readonly b: Uint8Array, private readonly pos: number, private readonly end: number, private readonly what: string) {}
  read(n: number): number {
    if (this.pos * 8 + this.bit + n > this.end * 8) throw new InflateError(`${this.what}: runs past its end`);
    const v = bitsAt(this.b, this.pos, this.bit, n);
    this.bit += n;
    return v;
  }
  unread(n: number): void { this.bit -= n; }
  /** Byte position after the last bit read. */
  get next(): number { return this.pos + ((this.bit + 7) >> 3); }
}

/**
 * A backward bit stream (§4.1: read from the end; the last byte's highest set bit marks the start).
 * Reading past the beginning gives zero bits and makes `left` negative, which callers treat as corrupt
 * (or, for the interleaved Huffman-weight decoder, as the end).
 */
export class BackwardBits {
  left: number;
  constructor(private readonly b: Uint8Array, private readonly start: number, end: number, what: string) {
    if (end <= start) throw new InflateError(`${what}: empty bit stream`);
    const last = b[end - 1];
    if (last === 0) throw new InflateError(`${what}: bit stream without its end mark`);
    this.left = (end - start) * 8 - 8 + highBit(last);
  }
  read(n: number): number {
    if (n === 0) return 0;
    this.left -= n;
    if (this.left >= 0) return bitsAt(this.b, this.start, this.left, n);
    if (this.left + n <= 0) return 0;
    return bitsAt(this.b, this.start, 0, n + this.left) * 2 ** -this.left;
  }
}

export interface FseTable {
  log: number;
  symbol: Uint8Array;
  bits: Uint8Array;
  base: Uint16Array;
}

/** Decoding table from normalized counts (-1 = "less than one"), §4.1.1. `counts` must sum to 2^log (checked by the caller). */
export function buildFse(counts: ArrayLike<number>, n: number, log: number): FseTable {
  const size = 1 << log;
  const symbol = new Uint8Array(size), bits = new Uint8Array(size), base = new Uint16Array(size);
  const next = new Uint16Array(256);
  let high = size;
  for (let s = 0; s < n; s++) if (counts[s] === -1) { symbol[--high] = s; next[s] = 1; }
  const step = (size >> 1) + (size >> 3) + 3, mask = size - 1;
  let pos = 0;
  for (let s = 0; s < n; s++) {
    if (counts[s] <= 0) continue;
    next[s] = counts[s];
    for (let i = 0; i < counts[s]; i++) {
      symbol[pos] = s;
      do pos = (pos + step) & mask; while (pos >= high);
    }
  }
  if (pos !== 0) throw new InflateError('FSE table: symbols do not spread evenly');
  for (let i = 0; i < size; i++) {
    const d = next[symbol[i]]++;
    bits[i] = log - highBit(d);
    base[i] = (d << bits[i]) - size;
  }
  return { log, symbol, bits, base };
}

/** A table that always gives `s` and reads no bits (RLE mode). */
export function rleFse(s: number): FseTable {
  return { log: 0, symbol: Uint8Array.of(s), bits: Uint8Array.of(0), base: Uint16Array.of(0) };
}

/** Reads an FSE table description at `b[pos]` (§4.1.1); returns the table and the byte after it. */
export function readFse(b: Uint8Array, pos: number, end: number, maxLog: number, maxSymbol: number, what: string): { table: FseTable; next: number } {
  const in_ = new ForwardBits(b, pos, end, `${what} table`);
  const log = 5 + in_.read(4);
  if (log > maxLog) throw new InflateError(`${what} table: accuracy log ${log} is over ${maxLog}`);
  let remaining = 1 << log;
  const counts = new Int16Array(256);
  let n = 0;
  while (remaining > 0) {
    if (n > maxSymbol) throw new InflateError(`${what} table: symbol ${n} is over ${maxSymbol}`);
    const nbits = highBit(remaining + 1) + 1;
    let v = in_.read(nbits);
    const lowMask = (1 << (nbits - 1)) - 1;
    const threshold = (1 << nbits) - 1 - (remaining + 1);
    if ((v & lowMask) < threshold) { in_.unread(1); v &= lowMask; } else if (v > lowMask) v -= threshold;
    const p = v - 1;
    remaining -= p < 0 ? -p : p;
    counts[n++] = p;
    if (p === 0) {
      for (let rep = in_.read(2); ; rep = in_.read(2)) {
        n += rep;
        if (n > maxSymbol + 1) throw new InflateError(`${what} table: zero run past symbol ${maxSymbol}`);
        if (rep !== 3) break;
      }
    }
  }
  if (remaining !== 0) throw new InflateError(`${what} table: probabilities sum over 2^${log}`);
  return { table: buildFse(counts, n, log), next: in_.next };
}

export interface HuffmanTable {
  maxBits: number;
  symbol: Uint8Array;
  bits: Uint8Array;
}

/** Reads a Huffman tree description at `b[pos]` (§4.2.1); returns the table and the byte after it. */
export function readHuffman(b: Uint8Array, pos: number, end: number): { table: HuffmanTable; next: number } {
  if (pos >= end) throw new InflateError('Huffman tree: missing');
  const header = b[pos];
  const weights = new Uint8Array(256);
  let n = 0;
  let next: number;
  if (header < 128) {
    // FSE-compressed weights: two interleaved states on one backward stream (§4.2.1.2)
    next = pos + 1 + header;
    if (next > end) throw new InflateError('Huffman tree: weights run past the literals section');
    const { table, next: streamStart } = readFse(b, pos + 1, next, 6, 12, 'Huffman weights');
    const bits = new BackwardBits(b, streamStart, next, 'Huffman weights');
    let s1 = bits.read(table.log), s2 = bits.read(table.log);
    for (;;) {
      if (n >= 255) throw new InflateError('Huffman tree: more than 255 weights');
      weights[n++] = table.symbol[s1];
      s1 = table.base[s1] + bits.read(table.bits[s1]);
      if (bits.left < 0) { weights[n++] = table.symbol[s2]; break; }
      if (n >= 255) throw new InflateError('Huffman tree: more than 255 weights');
      weights[n++] = table.symbol[s2];
      s2 = table.base[s2] + bits.read(table.bits[s2]);
      if (bits.left < 0) { weights[n++] = table.symbol[s1]; break; }
    }
    if (n > 255) throw new InflateError('Huffman tree: more than 255 weights');
  } else {
    n = header - 127;
    next = pos + 1 + ((n + 1) >> 1);
    if (next > end) throw new InflateError('Huffman tree: weights run past the literals section');
    for (let i = 0; i < n; i++) weights[i] = i & 1 ? b[pos + 1 + (i >> 1)] & 15 : b[pos + 1 + (i >> 1)] >> 4;
  }
  // The last weight is implied: it completes the sum to a power of two (§4.2.1.3).
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (weights[i] > 11) throw new InflateError(`Huffman tree: weight ${weights[i]} is over 11`);
    if (weights[i]) sum += 1 << (weights[i] - 1);
  }
  if (sum === 0) throw new InflateError('Huffman tree: all weights are 0');
  const maxBits = highBit(sum) + 1;
  if (maxBits > 11) throw new InflateError(`Huffman tree: ${maxBits}-bit codes, 11 at most`);
  const rest = (1 << maxBits) - sum;
  if (rest & (rest - 1)) throw new InflateError('Huffman tree: weights do not complete a power of two');
  weights[n++] = highBit(rest) + 1;
  const size = 1 << maxBits;
  const symbol = new Uint8Array(size), bits = new Uint8Array(size);
  const count = new Uint16Array(13);
  for (let i = 0; i < n; i++) if (weights[i]) count[maxBits + 1 - weights[i]]++;
  const start = new Uint32Array(13);
  for (let nb = maxBits, at = 0; nb >= 1; nb--) { start[nb] = at; at += count[nb] << (maxBits - nb); }
  for (let i = 0; i < n; i++) {
    if (!weights[i]) continue;
    const nb = maxBits + 1 - weights[i];
    const len = 1 << (maxBits - nb);
    symbol.fill(i, start[nb], start[nb] + len);
    bits.fill(nb, start[nb], start[nb] + len);
    start[nb] += len;
  }
  return { table: { maxBits, symbol, bits }, next };
}

/** Decodes exactly `count` literals from the Huffman stream `b[start, end)` into `out[at…]`; the stream must end exactly. */
export function decodeHuffmanStream(b: Uint8Array, start: number, end: number, t: HuffmanTable, out: Uint8Array, at: number, count: number): void {
  const bits = new BackwardBits(b, start, end, 'Huffman stream');
  const mask = (1 << t.maxBits) - 1;
  let state = bits.read(t.maxBits);
  for (let i = 0; i < count; i++) {
    out[at + i] = t.symbol[state];
    const nb = t.bits[state];
    state = ((state << nb) + bits.read(nb)) & mask;
    if (bits.left < -t.maxBits) throw new InflateError('Huffman stream: shorter than its literals');
  }
  if (bits.left !== -t.maxBits) throw new InflateError('Huffman stream: not consumed exactly');
}
