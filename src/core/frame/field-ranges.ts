/**
 * Byte ranges of a frame's header fields, for the hex highlight. Frame layout (docs/protocol.md §1.2):
 *
 *   offset 0  int32  length of everything after this word
 *          4  byte   serializeType (0 JSON, 1 ROCKETMQ)
 *          5  int24  header length
 *          8  …      header (JSON text, or the ROCKETMQ binary layout below)
 *   8 + headerLength  body
 *
 * ROCKETMQ binary header (docs/protocol.md §1.4): code int16, language byte, version int16, opaque int32,
 * flag int32, remark (int32 length + UTF-8), extFields (int32 total length, then per field int16 key
 * length + key, int32 value length + value).
 *
 * Tolerant: the scan stops at anything odd and returns what it found.
 */
/** Byte ranges of JSON header members: top-level keys and `extFields.<key>`. Tolerant: stops at anything odd. */
export function jsonFieldRanges(b: Uint8Array, s: number, e: number): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  let p = s;
  const ws = () => { while (p < e && (b[p] === 0x20 || b[p] === 0x0a || b[p] === 0x0d || b[p] === 0x09)) p++; };
  const str = (): string | null => {
    const q = b[p];
    if (q !== 0x22 && q !== 0x27) return null;
    const st = ++p;
    while (p < e && b[p] !== q) { if (b[p] === 0x5c) p++; p++; }
    const text = Buffer.from(b.buffer, b.byteOffset + st, Math.max(0, Math.min(p, e) - st)).toString('utf8');
    p++;
    return text;
  };
  const skipValue = () => {
    ws();
    if (b[p] === 0x22 || b[p] === 0x27) { str(); return; }
    if (b[p] === 0x7b || b[p] === 0x5b) {
      let depth = 0;
      while (p < e) {
        const ch = b[p];
        if (ch === 0x22 || ch === 0x27) { str(); continue; }
        if (ch === 0x7b || ch === 0x5b) depth++;
        else if (ch === 0x7d || ch === 0x5d) { depth--; if (depth === 0) { p++; return; } }
        p++;
      }
      return;
    }
    while (p < e && b[p] !== 0x2c && b[p] !== 0x7d) p++;
  };
  const obj = (prefix: string): void => {
    ws();
    if (b[p] !== 0x7b) return;
    p++;
    for (;;) {
      ws();
      if (p >= e || b[p] === 0x7d) { p++; return; }
      const ks = p;
      let key = str();
      if (key === null) { // unquoted key
        const st = p;
        while (p < e && b[p] !== 0x3a) p++;
        key = Buffer.from(b.buffer, b.byteOffset + st, p - st).toString('utf8').trim();
      }
      ws();
      if (b[p] !== 0x3a) return;
      p++;
      ws();
      if (prefix === '' && key === 'extFields' && b[p] === 0x7b) {
        const vs = p;
        obj('extFields.');
        out.set('extFields', [ks, p]);
        void vs;
      } else {
        skipValue();
        out.set(prefix + key, [ks, p]);
      }
      ws();
      if (b[p] === 0x2c) { p++; continue; }
      if (b[p] === 0x7d) { p++; return; }
      return;
    }
  };
  obj('');
  return out;
}

/** Byte ranges of ROCKETMQ binary header fields (offsets in the frame). */
export function binaryFieldRanges(b: Uint8Array, s: number, e: number): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  if (e - s < 21) return out;
  out.set('code', [s, s + 2]);
  out.set('language', [s + 2, s + 3]);
  out.set('version', [s + 3, s + 5]);
  out.set('opaque', [s + 5, s + 9]);
  out.set('flag', [s + 9, s + 13]);
  const u32 = (o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  const rl = u32(s + 13);
  if (s + 17 + rl + 4 > e) return out;
  out.set('remark', [s + 13, s + 17 + rl]);
  let p = s + 17 + rl;
  const el = u32(p);
  p += 4;
  const me = Math.min(e, p + el);
  while (p + 2 <= me) {
    const kl = (b[p] << 8) | b[p + 1];
    if (p + 2 + kl + 4 > me) break;
    const key = Buffer.from(b.buffer, b.byteOffset + p + 2, kl).toString('utf8');
    const vl = u32(p + 2 + kl);
    const end = p + 2 + kl + 4 + vl;
    if (end > me) break;
    out.set(`extFields.${key}`, [p, end]);
    p = end;
  }
  return out;
}

