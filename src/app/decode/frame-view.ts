/**
 * Hex text → the frame model's description, for the Decode Frame panel. No `vscode` import: parsing
 * the hex and describing the frame are the core's (src/core/frame); this only shapes the outcome.
 */
import { CodecError, decodeFrame } from '../../core/remoting';
import { decodeAndDescribeFrame, hexDump, parseHex } from '../../core/frame';
import type { DecodedFrameView } from '../../shared/decode-messages';

export { parseHex, validateHex, HexInputError } from '../../core/frame';

/** Bytes of the whole frame shown as hex in the panel. */
const MAX_FRAME_HEX = 64 * 1024;

export type DecodeOutcome =
  | { ok: true; frame: DecodedFrameView }
  | { ok: false; error: string; kind: string; offset?: number };

export function decodeHexFrame(hex: string): DecodeOutcome {
  let bytes: Uint8Array;
  try {
    bytes = parseHex(hex);
  } catch (e) {
    return { ok: false, kind: 'invalid-hex', error: (e as Error).message };
  }
  const { command, description } = decodeAndDescribeFrame(bytes);
  if (!command) {
    // Only on failure: decode once more for the codec's error kind and offset.
    try { decodeFrame(bytes); } catch (e) { if (e instanceof CodecError) return { ok: false, kind: e.kind, error: e.message, offset: e.offset }; }
    return { ok: false, kind: 'error', error: description.decodeError ?? 'not a frame' };
  }
  return { ok: true, frame: { description, frameHex: hexDump(bytes.subarray(0, description.frameLength), MAX_FRAME_HEX) } };
}
