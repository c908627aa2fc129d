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

/** Lenient JSON object scanner (fastjson accepts unquoted keys and single quotes). */
function scanJson(b: Uint8Array, s: number, e: number, out: HeaderSummary): HeaderSummary {
  let p = s;
  const ws = () => { while (p < e && isWs(b[p])) p++; };
  let ks = 0, ke = 0, kesc = false;
  // reads a string or bare word starting at p; sets ks/ke (content range); returns false on error
  const readStr = (): boolean => {
    const q = b[p];
    kesc = false;
    if (q === 0x22 || q === 0x27) {
      p++;
      ks = p;
      while (p < e && b[p] !== q) {
        if (b[p] === 0x5c) { kesc = true; p++; }
        p++;
      }
      if (p >= e) return false;
      ke = p;
      p++;
      return true;
    }
    ks = p;
    while (p < e && !isWs(b[p]) && b[p] !== 0x3a && b[p] !== 0x2c && b[p] !== 0x7d && b[p] !== 0x5d) p++;
    ke = p;
    return ke > ks;
  };
  const readInt = (): number | null => {
    let quoted = 0;
    if (b[p] === 0x22) { quoted = 1; p++; }
    let neg = false;
    if (b[p] === 0x2d) { neg = true; p++; }
    let v = 0, n = 0;
    while (p < e && b[p] >= 0x30 && b[p] <= 0x39) { v = v * 10 + (b[p] - 0x30); p++; n++; }
    if (n === 0) return null;
    if (quoted) { if (b[p] !== 0x22) return null; p++; }
    return neg ? -v : v;
  };
  /** Skips one value of any kind, iteratively. */
  const skipValue = (): boolean => {
    let depth = 0;
    for (;;) {
      ws();
      if (p >= e) return false;
      const c = b[p];
      if (c === 0x7b || c === 0x5b) { depth++; p++; continue; }
      if (c === 0x7d || c === 0x5d) {
        if (depth === 0) return true; // end of the enclosing container; caller handles
        depth--; p++;
        if (depth === 0) return true;
        continue;
      }
      if (c === 0x2c || c === 0x3a) {
        if (depth === 0) return true;
        p++;
        continue;
      }
      if (c === 0x22 || c === 0x27) { if (!readStr()) return false; }
      else { const st = p; while (p < e && !isWs(b[p]) && b[p] !== 0x2c && b[p] !== 0x7d && b[p] !== 0x5d && b[p] !== 0x3a) p++; if (p === st) return false; }
      if (depth === 0) return true;
    }
  };
  ws();
  if (p >= e || b[p] !== 0x7b) { out.error = 'JSON header does not start with {'; return out; }
  p++;
  let haveCode = false;
  let bStart = -1, bEnd = -1, bEsc = false;
  for (;;) {
    ws();
    if (p >= e) { out.error = 'JSON header ends inside the object'; return out; }
    if (b[p] === 0x7d) { p++; break; }
    if (!readStr()) { out.error = `bad JSON key at header byte ${p - s}`; return out; }
    const k0 = ks, k1 = ke;
    ws();
    if (b[p] !== 0x3a) { out.error = `expected : at header byte ${p - s}`; return out; }
    p++;
    ws();
    if (keyIs(b, k0, k1, K_CODE)) {
      const v = readInt(); if (v === null) { out.error = 'code is not a number'; return out; }
      out.code = v | 0; haveCode = true;
    } else if (keyIs(b, k0, k1, K_OPAQUE)) {
      const v = readInt(); if (v === null) { out.error = 'opaque is not a number'; return out; }
      out.opaque = v | 0;
    } else if (keyIs(b, k0, k1, K_FLAG)) {
      const v = readInt(); if (v === null) { out.error = 'flag is not a number'; return out; }
      out.flag = v | 0;
    } else if (keyIs(b, k0, k1, K_EXT) && b[p] === 0x7b) {
      p++;
      for (;;) {
        ws();
        if (p >= e) { out.error = 'JSON header ends inside extFields'; return out; }
        if (b[p] === 0x7d) { p++; break; }
        if (!readStr()) { out.error = 'bad extFields key'; return out; }
        const x0 = ks, x1 = ke;
        ws();
        if (b[p] !== 0x3a) { out.error = 'expected : in extFields'; return out; }
        p++;
        ws();
        if (b[p] === 0x22 || b[p] === 0x27) {
          if (!readStr()) { out.error = 'unterminated extFields value'; return out; }
          if (keyIs(b, x0, x1, K_TOPIC)) { out.topicStart = ks; out.topicEnd = ke; out.topicEscaped = kesc; }
          else if (x1 - x0 === 1 && b[x0] === 0x62) { bStart = ks; bEnd = ke; bEsc = kesc; }
        } else if (!skipValue()) { out.error = 'bad extFields value'; return out; }
        ws();
        if (b[p] === 0x2c) { p++; continue; }
        if (b[p] === 0x7d) { p++; break; }
        out.error = 'expected , or } in extFields'; return out;
      }
    } else if (!skipValue()) { out.error = `bad JSON value at header byte ${p - s}`; return out; }
    ws();
    if (b[p] === 0x2c) { p++; continue; }
    if (b[p] === 0x7d) { p++; break; }
    out.error = `expected , or } at header byte ${p - s}`;
    return out;
  }
  if (!haveCode) { out.error = 'JSON header has no code'; return out; }
  if (out.topicStart < 0 && bStart >= 0 && isV2Code(out.code) && !(out.flag & 1)) { out.topicStart = bStart; out.topicEnd = bEnd; out.topicEscaped = bEsc; }
  out.ok = true;
  return out;
}
