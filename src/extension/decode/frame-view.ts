/**
 * Turns hex text into a decoded frame for display. No `vscode` import: the decoding is the core
 * codec's; this module only parses the user's hex and flattens the command into a FrameView.
 */
import { decodeFrame, frameLengthAt, isOneway, isResponse, languageName, requestCodeName, responseCodeName, CodecError } from '../../core/remoting';
import { decodeProperties } from '../../core/message';
import { V2_NAMES } from '../../core/capture/views';
import type { FrameView } from '../../shared/decode-messages';

const MAX_BODY_TEXT = 64 * 1024;
const MAX_BODY_HEX = 4096;

export class HexInputError extends Error {
  override readonly name = 'HexInputError';
}

/**
 * Parses hex as people paste it: whitespace, `:`/`-` separators and a leading `0x` are allowed
 * (also per line, as in hexdumps without offsets).
 */
export function parseHex(text: string): Uint8Array {
  const cleaned = text.trim().replace(/\b0x/gi, '').replace(/[\s:,-]+/g, '');
  if (cleaned.length === 0) throw new HexInputError('no hex digits given');
  const bad = /[^0-9a-f]/i.exec(cleaned);
  if (bad) throw new HexInputError(`"${bad[0]}" is not a hex digit`);
  if (cleaned.length % 2 !== 0) throw new HexInputError(`odd number of hex digits (${cleaned.length})`);
  const out = new Uint8Array(cleaned.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(cleaned.substr(i * 2, 2), 16);
  return out;
}

/** An InputBox validator: undefined when the text is acceptable hex. */
export function validateHex(text: string): string | undefined {
  try {
    parseHex(text);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (i > 0 && i % 16 === 0 ? '\n' : i > 0 ? ' ' : '') + bytes[i].toString(16).padStart(2, '0');
  return s;
}

function asText(bytes: Uint8Array): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, MAX_BODY_TEXT));
    // Control characters other than tab/newline/CR mean this is binary, not text.
    return /[\u0000-\u0008\u000e-\u001f\u007f]/.test(text) ? null : text;
  } catch {
    return null;
  }
}

/** Requests whose header uses SEND_MESSAGE_V2's one-letter keys: SEND_MESSAGE_V2, SEND_BATCH_MESSAGE, SEND_REPLY_MESSAGE_V2. */
const V2_CODES = new Set([310, 320, 325]);
/** Requests that carry message properties in their header. */
const SEND_CODES = new Set([10, 310, 320, 324, 325]);

export type DecodeOutcome =
  | { ok: true; frame: FrameView }
  | { ok: false; error: string; kind: string; offset?: number };

export function decodeHexFrame(hex: string): DecodeOutcome {
  let bytes: Uint8Array;
  try {
    bytes = parseHex(hex);
  } catch (e) {
    return { ok: false, kind: 'invalid-hex', error: (e as Error).message };
  }
  try {
    const cmd = decodeFrame(bytes);
    const total = frameLengthAt(bytes, 0) ?? bytes.length;
    const headerLength = ((bytes[5] << 16) | (bytes[6] << 8) | bytes[7]) >>> 0;
    const body = cmd.body ?? new Uint8Array(0);
    const response = isResponse(cmd);
    const fields = cmd.extFields ?? {};
    const v2 = !response && V2_CODES.has(cmd.code);
    const propertiesText = !response && SEND_CODES.has(cmd.code) ? fields[v2 ? 'i' : 'properties'] : undefined;
    const frame: FrameView = {
      direction: response ? 'response' : 'request',
      oneway: isOneway(cmd),
      code: cmd.code,
      codeName: response ? responseCodeName(cmd.code) : requestCodeName(cmd.code),
      serializeType: cmd.serializeType,
      language: cmd.languageRaw ?? languageName(cmd.language),
      version: cmd.version,
      opaque: cmd.opaque,
      flag: cmd.flag,
      remark: cmd.remark,
      extFields: Object.keys(fields).sort().map((name) => {
        const meaning = v2 ? V2_NAMES[name] : undefined;
        return meaning ? { name, value: fields[name], meaning } : { name, value: fields[name] };
      }),
      properties: propertiesText === undefined ? null : [...decodeProperties(propertiesText)].map(([name, value]) => ({ name, value })),
      frameLength: total,
      headerLength,
      bodyLength: body.length,
      bodyText: body.length > 0 ? asText(body) : null,
      bodyHex: toHex(body.subarray(0, MAX_BODY_HEX)),
      bodyHexTruncated: body.length > MAX_BODY_HEX,
      trailingBytes: bytes.length - total,
    };
    return { ok: true, frame };
  } catch (e) {
    if (e instanceof CodecError) return { ok: false, kind: e.kind, error: e.message, offset: e.offset };
    return { ok: false, kind: 'error', error: (e as Error).message };
  }
}
