/**
 * What bytes that are not RocketMQ remoting are: the first bytes of a connection direction that
 * carried no frame (a capture), or what a peer sent before closing (a live connection). Only the
 * protocols a RocketMQ user meets on the wrong port are named; anything else is "unknown" with its
 * bytes shown.
 *
 *   HTTP/2 client preface   "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" (RFC 9113 §3.4): a gRPC client
 *   HTTP/2 frames           9-byte frame header, first a SETTINGS frame on stream 0 (type 4, length a
 *                           multiple of 6), or GOAWAY (type 7, error code, debug text): a gRPC server
 *   TLS record              content type 22 handshake / 21 alert / 23 data, version 3.x, length ≤ 2^14+2048;
 *                           a handshake's first byte 1 ClientHello, 2 ServerHello (RFC 8446 §5.1, §4)
 *   HTTP/1.x                "GET /… HTTP/1.1\r\n" request line, "HTTP/1.1 400 …" status line
 *   SSH                     "SSH-2.0-…" identification string
 */

export type SniffedProtocol =
  | 'http2-preface' | 'http2-frames' | 'tls-client-hello' | 'tls-server-hello' | 'tls-alert' | 'tls-record'
  | 'http1-request' | 'http1-response' | 'ssh' | 'unknown';

export interface Sniffed {
  protocol: SniffedProtocol;
  /** What was read: "SETTINGS frame, then GOAWAY PROTOCOL_ERROR", "TLS 1.2 ClientHello", "GET / HTTP/1.1". */
  detail: string;
}

const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';

const H2_TYPES = ['DATA', 'HEADERS', 'PRIORITY', 'RST_STREAM', 'SETTINGS', 'PUSH_PROMISE', 'PING', 'GOAWAY', 'WINDOW_UPDATE', 'CONTINUATION'];
const H2_ERRORS = ['NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED', 'FRAME_SIZE_ERROR',
  'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM', 'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED'];

/** TLS alert descriptions (RFC 8446 §6), the ones a handshake on the wrong port produces. */
const TLS_ALERTS: Readonly<Record<number, string>> = {
  0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 22: 'record_overflow', 40: 'handshake_failure', 42: 'bad_certificate',
  46: 'certificate_unknown', 47: 'illegal_parameter', 48: 'unknown_ca', 50: 'decode_error', 51: 'decrypt_error', 70: 'protocol_version',
  71: 'insufficient_security', 80: 'internal_error', 86: 'inappropriate_fallback', 109: 'missing_extension', 112: 'unrecognized_name',
  116: 'certificate_required', 120: 'no_application_protocol',
};

function ascii(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < Math.min(to, b.length); i++) s += String.fromCharCode(b[i]);
  return s;
}

/** Printable text of the bytes (others as '.'), for showing what arrived. */
export function printable(b: Uint8Array, max = 64): string {
  let s = '';
  for (let i = 0; i < Math.min(max, b.length); i++) s += b[i] >= 0x20 && b[i] < 0x7f ? String.fromCharCode(b[i]) : '.';
  return s;
}

export function hexOf(b: Uint8Array, max = 32): string {
  return Buffer.from(b.buffer, b.byteOffset, Math.min(max, b.length)).toString('hex').replace(/(..)/g, '$1 ').trim() + (b.length > max ? ' …' : '');
}

function tlsVersion(major: number, minor: number): string {
  if (major !== 3) return `${major}.${minor}`;
  return minor === 0 ? 'SSL 3.0' : `TLS 1.${minor - 1}`;
}

/** The HTTP/2 frames at the start of `b`, as "SETTINGS, GOAWAY PROTOCOL_ERROR: debug text". Null when the bytes are not HTTP/2 frames. */
function http2Frames(b: Uint8Array): string | null {
  const parts: string[] = [];
  let o = 0;
  while (o + 9 <= b.length && parts.length < 4) {
    const len = (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];
    const type = b[o + 3];
    const stream = ((b[o + 5] & 0x7f) << 24 | (b[o + 6] << 16) | (b[o + 7] << 8) | b[o + 8]) >>> 0;
    if (type >= H2_TYPES.length || len > 16384) return parts.length ? parts.join(', ') : null;
    if (parts.length === 0 && (type !== 4 && type !== 7 || stream !== 0 || (type === 4 && len % 6 !== 0))) return null;
    let text = H2_TYPES[type];
    if (type === 7 && o + 17 <= b.length) {
      const code = ((b[o + 13] << 24) | (b[o + 14] << 16) | (b[o + 15] << 8) | b[o + 16]) >>> 0;
      text += ` ${H2_ERRORS[code] ?? `error ${code}`}`;
      const debug = printable(b.subarray(o + 17, Math.min(b.length, o + 9 + len)));
      if (debug) text += `: "${debug}${o + 9 + len > b.length ? '…' : ''}"`;
    }
    parts.push(text);
    o += 9 + len;
  }
  return parts.length ? parts.join(', ') : null;
}

/** Names the protocol of `b` (the first bytes of a stream). */
export function sniffProtocol(b: Uint8Array): Sniffed {
  if (b.length === 0) return { protocol: 'unknown', detail: 'no bytes' };
  const head = ascii(b, 0, PREFACE.length);
  if (head.length >= 3 && PREFACE.startsWith(head)) return { protocol: 'http2-preface', detail: 'HTTP/2 connection preface ("PRI * HTTP/2.0")' };
  if (b.length >= 6 && b[1] === 3 && b[2] <= 4 && (b[0] === 22 || b[0] === 21 || b[0] === 23 || b[0] === 20)) {
    const len = (b[3] << 8) | b[4];
    if (len > 0 && len <= 18432) {
      const v = tlsVersion(b[1], b[2]);
      if (b[0] === 22 && b[5] === 1) {
        // the ClientHello's own version (legacy_version) follows its 4-byte handshake header
        const hv = b.length >= 11 ? tlsVersion(b[9], b[10]) : v;
        return { protocol: 'tls-client-hello', detail: `TLS ClientHello (record ${v}, hello ${hv})` };
      }
      if (b[0] === 22 && b[5] === 2) return { protocol: 'tls-server-hello', detail: `TLS ServerHello (${v})` };
      if (b[0] === 21 && len === 2) {
        const desc = TLS_ALERTS[b[6]] ?? `alert ${b[6]}`;
        return { protocol: 'tls-alert', detail: `TLS ${b[5] === 2 ? 'fatal' : 'warning'} alert ${desc} (${v})` };
      }
      return { protocol: 'tls-record', detail: `TLS ${b[0] === 23 ? 'application data' : b[0] === 21 ? 'alert' : b[0] === 20 ? 'change cipher spec' : 'handshake'} record (${v})` };
    }
  }
  const line = ascii(b, 0, b.length).split('\r\n')[0];
  if (/^(GET|POST|PUT|HEAD|DELETE|OPTIONS|PATCH|CONNECT|TRACE) \S+( HTTP\/\d(\.\d)?)?$/.test(line) || /^(GET|POST|PUT|HEAD|DELETE|OPTIONS|PATCH) \//.test(line)) {
    return { protocol: 'http1-request', detail: `HTTP request "${printable(Buffer.from(line), 60)}"` };
  }
  if (/^HTTP\/\d(\.\d)? \d{3}/.test(line)) return { protocol: 'http1-response', detail: `HTTP response "${printable(Buffer.from(line), 60)}"` };
  if (line.startsWith('SSH-')) return { protocol: 'ssh', detail: `SSH identification "${printable(Buffer.from(line), 60)}"` };
  const h2 = http2Frames(b);
  if (h2) return { protocol: 'http2-frames', detail: `HTTP/2 frames: ${h2}` };
  return { protocol: 'unknown', detail: `bytes ${hexOf(b, 16)} ("${printable(b, 16)}")` };
}
