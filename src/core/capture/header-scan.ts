/**
 * Frame-start plausibility and a byte-level header summary scanner (code, opaque, flag, topic) that
 * works on both serialize types without building strings or a JSON tree — the index pass uses it.
 * Iterative (no recursion): deeply nested JSON cannot blow the stack.
 */

export const PLAUSIBLE_NO = 0;
export const PLAUSIBLE_YES = 1;
export const PLAUSIBLE_NEED_MORE = 2;

/** Largest header the deep plausibility check insists on seeing whole. */
export const DEEP_CHECK_MAX_HEADER = 64 * 1024;

function u32(b: Uint8Array, p: number): number {
  return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
}

function isWs(c: number): boolean { return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; }

/**
 * Checks that b[p..p+avail) starts with a plausible RemotingCommand frame: length within
 * [6, maxLen], serialize type 0/1, 0 < headerLength ≤ length−4, and a header that looks right
 * (JSON: `{` … `}` with a key; ROCKETMQ: remark and extFields lengths adding up exactly).
 */
export function plausibleFrameStart(b: Uint8Array, p: number, avail: number, maxLen: number): number {
  if (avail < 8) return PLAUSIBLE_NEED_MORE;
  const len = u32(b, p);
  if (len < 6 || len > maxLen) return PLAUSIBLE_NO;
  const t = b[p + 4];
  if (t > 1) return PLAUSIBLE_NO;
  const hl = (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7];
  if (hl === 0 || hl > len - 4) return PLAUSIBLE_NO;
  const h = p + 8;
  if (t === 0) {
    if (hl < 2) return PLAUSIBLE_NO;
    if (avail < 10) return PLAUSIBLE_NEED_MORE;
    if (b[h] !== 0x7b) return PLAUSIBLE_NO; // '{'
    const c1 = b[h + 1];
    if (!(c1 === 0x22 || c1 === 0x7d || isWs(c1) || c1 === 0x27 || (c1 >= 0x61 && c1 <= 0x7a))) return PLAUSIBLE_NO;
    if (hl > DEEP_CHECK_MAX_HEADER) return PLAUSIBLE_YES;
    if (avail < 8 + hl) return PLAUSIBLE_NEED_MORE;
    let e = h + hl - 1;
    while (e > h && isWs(b[e])) e--;
    return b[e] === 0x7d ? PLAUSIBLE_YES : PLAUSIBLE_NO;
  }
  if (hl < 21) return PLAUSIBLE_NO;
  if (avail < 8 + 17) return PLAUSIBLE_NEED_MORE;
  const rl = u32(b, h + 13);
  if (rl > hl - 21) return PLAUSIBLE_NO;
  if (avail < 8 + 21 + rl) return hl > DEEP_CHECK_MAX_HEADER ? PLAUSIBLE_YES : PLAUSIBLE_NEED_MORE;
  const el = u32(b, h + 17 + rl);
  return 21 + rl + el === hl ? PLAUSIBLE_YES : PLAUSIBLE_NO;
}

/** Result of {@link scanHeader}; reused. Ranges refer to the scanned buffer. */
export interface HeaderSummary {
  ok: boolean;
  code: number;
  opaque: number;
  flag: number;
  /** Topic value byte range [topicStart, topicEnd) (-1 when absent); topicEscaped: JSON escapes inside. */
  topicStart: number;
  topicEnd: number;
  topicEscaped: boolean;
  /** Why the header was not decodable. */
  error: string;
}

export function newSummary(): HeaderSummary {
  return { ok: false, code: 0, opaque: 0, flag: 0, topicStart: -1, topicEnd: -1, topicEscaped: false, error: '' };
}

const K_CODE = [0x63, 0x6f, 0x64, 0x65];
const K_OPAQUE = [0x6f, 0x70, 0x61, 0x71, 0x75, 0x65];
const K_FLAG = [0x66, 0x6c, 0x61, 0x67];
const K_EXT = [0x65, 0x78, 0x74, 0x46, 0x69, 0x65, 0x6c, 0x64, 0x73];
const K_TOPIC = [0x74, 0x6f, 0x70, 0x69, 0x63];

function keyIs(b: Uint8Array, s: number, e: number, k: number[]): boolean {
  if (e - s !== k.length) return false;
  for (let i = 0; i < k.length; i++) if (b[s + i] !== k[i]) return false;
  return true;
}

/** Codes whose header uses the V2 short names (b = topic). */
function isV2Code(code: number): boolean { return code === 310 || code === 320 || code === 325; }

/** Scans header bytes b[s..e) of the given serialize type into `out`. Never throws. */
export function scanHeader(b: Uint8Array, s: number, e: number, type: number, out: HeaderSummary): HeaderSummary {
  out.ok = false; out.code = 0; out.opaque = 0; out.flag = 0; out.topicStart = -1; out.topicEnd = -1; out.topicEscaped = false; out.error = '';
  if (type === 1) return scanBinary(b, s, e, out);
  if (type === 0) return scanJson(b, s, e, out);
  out.error = `unknown serialize type ${type}`;
  return out;
}

function scanBinary(b: Uint8Array, s: number, e: number, out: HeaderSummary): HeaderSummary {
  if (e - s < 21) { out.error = `ROCKETMQ header of ${e - s} bytes is shorter than 21`; return out; }
  out.code = ((b[s] << 24) | (b[s + 1] << 16)) >> 16;
  out.opaque = (b[s + 5] << 24) | (b[s + 6] << 16) | (b[s + 7] << 8) | b[s + 8];
  out.flag = (b[s + 9] << 24) | (b[s + 10] << 16) | (b[s + 11] << 8) | b[s + 12];
  const rl = u32(b, s + 13);
  let p = s + 17 + rl;
  if (rl > e - s - 21) { out.error = `remark length ${rl} exceeds header`; return out; }
  const el = u32(b, p);
  p += 4;
  const me = p + el;
  if (el > e - p) { out.error = `extFields length ${el} exceeds header`; return out; }
  let bStart = -1, bEnd = -1;
  while (p < me) {
    if (p + 2 > me) { out.error = 'truncated extFields entry'; return out; }
    const kl = (b[p] << 8) | b[p + 1];
    const ks = p + 2;
    if (ks + kl + 4 > me) { out.error = 'truncated extFields key'; return out; }
    const vl = u32(b, ks + kl);
    const vs = ks + kl + 4;
    if (vl > me - vs) { out.error = 'truncated extFields value'; return out; }
    if (keyIs(b, ks, ks + kl, K_TOPIC)) { out.topicStart = vs; out.topicEnd = vs + vl; }
    else if (kl === 1 && b[ks] === 0x62) { bStart = vs; bEnd = vs + vl; }
    p = vs + vl;
  }
  if (out.topicStart < 0 && bStart >= 0 && isV2Code(out.code) && !(out.flag & 1)) { out.topicStart = bStart; out.topicEnd = bEnd; }
  out.ok = true;
  return out;
}

/*
 * The JSON scanner below is the index pass's hottest code (a frame-dense capture spends a third of
 * the pass here), so it is one flat loop over local variables: no closures (their captured
 * variables would live in a heap context, read and written through memory on every byte) and no
 * per-call allocation. The small helpers return positions, which V8 inlines.
 */

/**
 * The byte at `p` of a header ending at `e`, or -1 past its end. Every read goes through a bound:
 * the bytes after a header are its body (or, in a reused buffer, an older frame's), and a scan
 * that peeked at them could call a cut header complete.
 */
function at(b: Uint8Array, p: number, e: number): number {
  return p < e ? b[p] : -1;
}

/**
 * Position of the quote `q` that closes a string whose content starts at `p` (a backslash escapes
 * the next byte); when there is none before `e`, `-1 - p` with p where the scan stopped (≥ e).
 */
function quotedEnd(b: Uint8Array, p: number, e: number, q: number): number {
  while (p < e) {
    const c = b[p];
    if (c === q) return p;
    if (c === 0x5c) p++;
    p++;
  }
  return -1 - p;
}

/** The string content b[s, e) has an escape (looked for in the topic only, where it matters). */
function hasBackslash(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (b[i] === 0x5c) return true;
  return false;
}

/** End of a bare word (fastjson's unquoted keys and literals) starting at `p`. */
function bareEnd(b: Uint8Array, p: number, e: number, stopAtColon: boolean): number {
  while (p < e) {
    const c = b[p];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x2c || c === 0x7d || c === 0x5d || (c === 0x3a && stopAtColon)) break;
    p++;
  }
  return p;
}

function skipWs(b: Uint8Array, p: number, e: number): number {
  while (p < e) {
    const c = b[p];
    // one comparison for the usual case (no whitespace: fastjson writes none)
    if (c > 0x20 || (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09)) break;
    p++;
  }
  return p;
}

/**
 * Skips one JSON value of any kind starting at (or after whitespace before) `p`, iteratively. Returns
 * the position after it — or at the `,` `:` `}` `]` that ends it at depth 0 — or `-1 - p` on error.
 */
function skipValue(b: Uint8Array, p: number, e: number): number {
  let depth = 0;
  for (;;) {
    p = skipWs(b, p, e);
    if (p >= e) return -1 - p;
    const c = b[p];
    if (c === 0x7b || c === 0x5b) { depth++; p++; continue; }
    if (c === 0x7d || c === 0x5d) {
      if (depth === 0) return p; // end of the enclosing container; caller handles
      depth--; p++;
      if (depth === 0) return p;
      continue;
    }
    if (c === 0x2c || c === 0x3a) {
      if (depth === 0) return p;
      p++;
      continue;
    }
    if (c === 0x22 || c === 0x27) {
      const q = quotedEnd(b, p + 1, e, c);
      if (q < 0) return q;
      p = q + 1;
    } else {
      const st = p;
      p = bareEnd(b, p, e, true);
      if (p === st) return -1 - p;
    }
    if (depth === 0) return p;
  }
}

/** Reads an integer (optionally in double quotes) at `p`: sets intValue, returns the position after it or -1. */
let intValue = 0;
function readInt(b: Uint8Array, p: number, e: number): number {
  let quoted = false;
  if (at(b, p, e) === 0x22) { quoted = true; p++; }
  let neg = false;
  if (at(b, p, e) === 0x2d) { neg = true; p++; }
  let v = 0, n = 0;
  while (p < e) {
    const c = b[p];
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30); p++; n++;
  }
  if (n === 0) return -1;
  if (quoted) { if (at(b, p, e) !== 0x22) return -1; p++; }
  intValue = neg ? -v : v;
  return p;
}

/**
 * Lenient JSON object scanner (fastjson accepts unquoted keys and single quotes). A key or string
 * value is its content range [ks, ke); `p - s` in error messages is where the scan stopped.
 */
function scanJson(b: Uint8Array, s: number, e: number, out: HeaderSummary): HeaderSummary {
  let p = skipWs(b, s, e);
  if (p >= e || b[p] !== 0x7b) { out.error = 'JSON header does not start with {'; return out; }
  p++;
  let haveCode = false;
  let bStart = -1, bEnd = -1, bEsc = false;
  for (;;) {
    p = skipWs(b, p, e);
    if (p >= e) { out.error = 'JSON header ends inside the object'; return out; }
    if (b[p] === 0x7d) { p++; break; }
    // key
    let k0: number, k1: number;
    const kq = b[p];
    if (kq === 0x22 || kq === 0x27) {
      const q = quotedEnd(b, p + 1, e, kq);
      if (q < 0) { p = -1 - q; out.error = `bad JSON key at header byte ${p - s}`; return out; }
      k0 = p + 1; k1 = q; p = q + 1;
    } else {
      k0 = p; p = bareEnd(b, p, e, true); k1 = p;
      if (k1 === k0) { out.error = `bad JSON key at header byte ${p - s}`; return out; }
    }
    p = skipWs(b, p, e);
    if (at(b, p, e) !== 0x3a) { out.error = `expected : at header byte ${p - s}`; return out; }
    p = skipWs(b, p + 1, e);
    const kl = k1 - k0;
    if (kl === 4 && b[k0] === 0x63 && b[k0 + 1] === 0x6f && b[k0 + 2] === 0x64 && b[k0 + 3] === 0x65) { // code
      p = readInt(b, p, e);
      if (p < 0) { out.error = 'code is not a number'; return out; }
      out.code = intValue | 0; haveCode = true;
    } else if (kl === 6 && b[k0] === 0x6f && b[k0 + 1] === 0x70 && b[k0 + 2] === 0x61 && b[k0 + 3] === 0x71 && b[k0 + 4] === 0x75 && b[k0 + 5] === 0x65) { // opaque
      p = readInt(b, p, e);
      if (p < 0) { out.error = 'opaque is not a number'; return out; }
      out.opaque = intValue | 0;
    } else if (kl === 4 && b[k0] === 0x66 && b[k0 + 1] === 0x6c && b[k0 + 2] === 0x61 && b[k0 + 3] === 0x67) { // flag
      p = readInt(b, p, e);
      if (p < 0) { out.error = 'flag is not a number'; return out; }
      out.flag = intValue | 0;
    } else if (kl === 9 && at(b, p, e) === 0x7b && keyIs(b, k0, k1, K_EXT)) {
      p++;
      for (;;) {
        p = skipWs(b, p, e);
        if (p >= e) { out.error = 'JSON header ends inside extFields'; return out; }
        if (b[p] === 0x7d) { p++; break; }
        let x0: number, x1: number;
        const xq = b[p];
        if (xq === 0x22 || xq === 0x27) {
          const q = quotedEnd(b, p + 1, e, xq);
          if (q < 0) { out.error = 'bad extFields key'; return out; }
          x0 = p + 1; x1 = q; p = q + 1;
        } else {
          x0 = p; p = bareEnd(b, p, e, true); x1 = p;
          if (x1 === x0) { out.error = 'bad extFields key'; return out; }
        }
        p = skipWs(b, p, e);
        if (at(b, p, e) !== 0x3a) { out.error = 'expected : in extFields'; return out; }
        p = skipWs(b, p + 1, e);
        const vq = at(b, p, e);
        if (vq === 0x22 || vq === 0x27) {
          const q = quotedEnd(b, p + 1, e, vq);
          if (q < 0) { out.error = 'unterminated extFields value'; return out; }
          const xl = x1 - x0;
          if (xl === 5 && keyIs(b, x0, x1, K_TOPIC)) { out.topicStart = p + 1; out.topicEnd = q; out.topicEscaped = hasBackslash(b, p + 1, q); }
          else if (xl === 1 && b[x0] === 0x62) { bStart = p + 1; bEnd = q; bEsc = hasBackslash(b, p + 1, q); }
          p = q + 1;
        } else {
          p = skipValue(b, p, e);
          if (p < 0) { out.error = 'bad extFields value'; return out; }
        }
        p = skipWs(b, p, e);
        const sep = at(b, p, e);
        if (sep === 0x2c) { p++; continue; }
        if (sep === 0x7d) { p++; break; }
        out.error = 'expected , or } in extFields'; return out;
      }
    } else {
      const q = skipValue(b, p, e);
      if (q < 0) { p = -1 - q; out.error = `bad JSON value at header byte ${p - s}`; return out; }
      p = q;
    }
    p = skipWs(b, p, e);
    const sep = at(b, p, e);
    if (sep === 0x2c) { p++; continue; }
    if (sep === 0x7d) { p++; break; }
    out.error = `expected , or } at header byte ${p - s}`;
    return out;
  }
  if (!haveCode) { out.error = 'JSON header has no code'; return out; }
  if (out.topicStart < 0 && bStart >= 0 && isV2Code(out.code) && !(out.flag & 1)) { out.topicStart = bStart; out.topicEnd = bEnd; out.topicEscaped = bEsc; }
  out.ok = true;
  return out;
}
