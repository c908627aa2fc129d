/**
 * The one rule for what a body reads as, and the one hex dump. Bodies are labelled honestly: text only
 * when the bytes are valid UTF-8 without control characters (tab, CR and LF allowed), JSON only when
 * that text parses; everything else is binary, shown as hex, never guessed.
 */
import { parseLenientJson, JsonValue } from '../remoting/lenient-json';
import type { BodyView } from './frame-description';

/** Text kept per body (characters); the rest is cut and `textTruncated` set. */
export const MAX_BODY_TEXT = 64 * 1024;
/** Bytes of a binary body shown as hex. */
export const MAX_BODY_HEX = 4096;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The bytes as text, or null when they are not valid UTF-8 or contain control characters. */
export function bodyText(b: Uint8Array): string | null {
  let t: string;
  try { t = strictUtf8.decode(b); } catch { return null; }
  return CONTROL.test(t) ? null : t;
}

/** A lenient-JSON value (may hold bigint) as indented JSON text. */
export function prettyJson(v: JsonValue): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x), 2);
}

/** `00000010  7b 22 61 …  {"a…` lines: offset, 16 bytes as hex, the printable ASCII. */
export function hexDump(b: Uint8Array, max = MAX_BODY_HEX): string {
  const n = Math.min(b.length, max);
  const lines: string[] = [];
  for (let o = 0; o < n; o += 16) {
    const row = b.subarray(o, Math.min(n, o + 16));
    const hex = Array.from(row, (x) => x.toString(16).padStart(2, '0')).join(' ');
    const asc = Array.from(row, (x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
    lines.push(`${o.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${asc}`);
  }
  if (b.length > max) lines.push(`… ${b.length - max} more bytes`);
  return lines.join('\n');
}

function capped(text: string, max: number): Pick<BodyView, 'text' | 'textTruncated'> {
  return text.length > max ? { text: text.slice(0, max), textTruncated: true } : { text };
}

/** What a body of no special meaning reads as: empty, json, text or binary (text kept up to maxText characters). */
export function plainBody(b: Uint8Array, maxText = MAX_BODY_TEXT): BodyView {
  if (b.length === 0) return { kind: 'empty', length: 0 };
  const t = bodyText(b);
  if (t === null) return { kind: 'binary', length: b.length, hex: hexDump(b) };
  const s = t.trimStart();
  if (s.startsWith('{') || s.startsWith('[')) {
    try { return { kind: 'json', length: b.length, ...capped(prettyJson(parseLenientJson(t)), maxText) }; } catch { /* text after all */ }
  }
  return { kind: 'text', length: b.length, ...capped(t, maxText) };
}

/** One line for a body inside a table (batch entries, pulled messages): text, or "binary, N bytes: hex". */
export function bodyPreview(b: Uint8Array, max = 4096): string {
  const t = bodyText(b);
  if (t !== null) return t.length > max ? `${t.slice(0, max)}…` : t;
  const hex = Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, 256)).toString('hex');
  return `binary, ${b.length} bytes: ${hex}${b.length > 256 ? '…' : ''}`;
}
