/**
 * HTTP/2 (RFC 9113) wire facts for the capture decoder: the client connection preface, the 9-octet
 * frame header, frame types and flags, SETTINGS, error codes, and the plausibility test used to find
 * frame boundaries in a stream that was joined mid-connection or lost bytes.
 */

/** What an h2c client sends first ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), before its SETTINGS frame. */
export const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
export const H2_FRAME_HEADER = 9;
/** SETTINGS_MAX_FRAME_SIZE's initial value; a peer may allow up to 2^24-1. */
export const H2_DEFAULT_MAX_FRAME = 16_384;
export const H2_MAX_FRAME_LIMIT = (1 << 24) - 1;

export const enum H2Type { DATA = 0, HEADERS = 1, PRIORITY = 2, RST_STREAM = 3, SETTINGS = 4, PUSH_PROMISE = 5, PING = 6, GOAWAY = 7, WINDOW_UPDATE = 8, CONTINUATION = 9 }
export const H2_TYPE_NAMES = ['DATA', 'HEADERS', 'PRIORITY', 'RST_STREAM', 'SETTINGS', 'PUSH_PROMISE', 'PING', 'GOAWAY', 'WINDOW_UPDATE', 'CONTINUATION'];

export const H2_FLAG_END_STREAM = 0x1;
export const H2_FLAG_ACK = 0x1;
export const H2_FLAG_END_HEADERS = 0x4;
export const H2_FLAG_PADDED = 0x8;
export const H2_FLAG_PRIORITY = 0x20;

/** Flags each type defines; others must be zero (a good test for a frame boundary). */
const VALID_FLAGS = [0x09, 0x2d, 0, 0, 0x01, 0x0c, 0x01, 0, 0, 0x04];

export const H2_SETTINGS: Record<number, string> = {
  1: 'HEADER_TABLE_SIZE', 2: 'ENABLE_PUSH', 3: 'MAX_CONCURRENT_STREAMS', 4: 'INITIAL_WINDOW_SIZE',
  5: 'MAX_FRAME_SIZE', 6: 'MAX_HEADER_LIST_SIZE', 8: 'ENABLE_CONNECT_PROTOCOL', 9: 'NO_RFC7540_PRIORITIES',
};

export const H2_ERRORS = ['NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED',
  'FRAME_SIZE_ERROR', 'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM', 'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED'];

export function h2ErrorName(code: number): string {
  return H2_ERRORS[code] ?? `0x${code.toString(16)}`;
}

export interface H2FrameHeader { length: number; type: number; flags: number; streamId: number }

export function readFrameHeader(b: Uint8Array, o: number): H2FrameHeader {
  return {
    length: (b[o] << 16) | (b[o + 1] << 8) | b[o + 2],
    type: b[o + 3],
    flags: b[o + 4],
    streamId: ((b[o + 5] & 0x7f) << 24 | (b[o + 6] << 16) | (b[o + 7] << 8) | b[o + 8]) >>> 0,
  };
}

/**
 * Could a frame header start at `o`? Known type, only that type's flags, reserved bit clear, the stream
 * id the type requires (0 for connection frames, non-zero for stream frames), fixed lengths where the
 * type has one, and a length within `maxFrame`. Unknown types (extensions) are not accepted here:
 * this is for finding a boundary, not for reading a synced stream.
 */
export function plausibleFrameHeader(b: Uint8Array, o: number, maxFrame = H2_DEFAULT_MAX_FRAME): boolean {
  if (o + H2_FRAME_HEADER > b.length) return false;
  if (b[o + 5] & 0x80) return false;
  const h = readFrameHeader(b, o);
  if (h.type > 9 || h.length > maxFrame) return false;
  if (h.flags & ~VALID_FLAGS[h.type]) return false;
  switch (h.type) {
    case H2Type.DATA: case H2Type.HEADERS: case H2Type.CONTINUATION:
      return h.streamId !== 0;
    case H2Type.PRIORITY: return h.streamId !== 0 && h.length === 5;
    case H2Type.RST_STREAM: return h.streamId !== 0 && h.length === 4;
    case H2Type.SETTINGS: return h.streamId === 0 && (h.flags & H2_FLAG_ACK ? h.length === 0 : h.length % 6 === 0);
    case H2Type.PUSH_PROMISE: return h.streamId !== 0 && h.length >= 4;
    case H2Type.PING: return h.streamId === 0 && h.length === 8;
    case H2Type.GOAWAY: return h.streamId === 0 && h.length >= 8;
    case H2Type.WINDOW_UPDATE: return h.length === 4;
    default: return false;
  }
}

/** SETTINGS payload as (id, value) pairs. */
export function parseSettings(p: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  for (let o = 0; o + 6 <= p.length; o += 6) {
    out.push([(p[o] << 8) | p[o + 1], ((p[o + 2] << 24) | (p[o + 3] << 16) | (p[o + 4] << 8) | p[o + 5]) >>> 0]);
  }
  return out;
}

/** The header block fragment of a HEADERS / PUSH_PROMISE / CONTINUATION payload (padding and priority removed). */
export function headerFragment(type: number, flags: number, p: Uint8Array): Uint8Array | null {
  let start = 0;
  let end = p.length;
  if (type === H2Type.CONTINUATION) return p;
  if (flags & H2_FLAG_PADDED) {
    if (p.length < 1) return null;
    end -= p[0];
    start = 1;
  }
  if (type === H2Type.HEADERS && flags & H2_FLAG_PRIORITY) start += 5;
  if (type === H2Type.PUSH_PROMISE) start += 4;
  return start <= end ? p.subarray(start, end) : null;
}

/** A DATA payload without its padding (null when the padding is longer than the frame). */
export function dataPayload(flags: number, p: Uint8Array): Uint8Array | null {
  if (!(flags & H2_FLAG_PADDED)) return p;
  if (p.length < 1 || 1 + p[0] > p.length) return null;
  return p.subarray(1, p.length - p[0]);
}
