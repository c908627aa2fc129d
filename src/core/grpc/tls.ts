/**
 * Enough of TLS (RFC 8446 / 5246) to label an encrypted connection: the record header, and in a
 * ClientHello the server name (SNI, RFC 6066) and the offered application protocols (ALPN, RFC 7301:
 * "h2" for gRPC). Nothing is decrypted.
 */

export interface TlsHello {
  /** SNI host name, when the client sent one (clients send none for IP addresses). */
  serverName?: string;
  /** ALPN protocol names offered, e.g. ["h2"]. */
  alpn: string[];
  /** legacy_version of the ClientHello, e.g. 0x0303. */
  version: number;
}

/** A TLS record starts here: handshake/alert/change-cipher-spec/application-data, version 3.x, sane length. */
export function looksLikeTlsRecord(b: Uint8Array, o = 0): boolean {
  if (o + 5 > b.length) return false;
  const type = b[o];
  return type >= 20 && type <= 23 && b[o + 1] === 3 && b[o + 2] <= 4 && ((b[o + 3] << 8) | b[o + 4]) <= 18_432;
}

/** A ClientHello handshake record (type 22, handshake type 1). */
export function looksLikeClientHello(b: Uint8Array): boolean {
  return looksLikeTlsRecord(b) && b[0] === 22 && b.length > 5 && b[5] === 1;
}

/**
 * Parses the ClientHello in the first record(s) of the client's stream. Returns null when the bytes
 * end before the extensions, or they are not a ClientHello; never throws.
 */
export function parseClientHello(b: Uint8Array): TlsHello | null {
  if (!looksLikeClientHello(b)) return null;
  const recLen = (b[3] << 8) | b[4];
  const end = Math.min(b.length, 5 + recLen);
  let o = 5 + 4; // record header, handshake header (type + 24-bit length)
  if (o + 2 + 32 + 1 > end) return null;
  const version = (b[o] << 8) | b[o + 1];
  o += 2 + 32;
  o += 1 + b[o]; // session id
  if (o + 2 > end) return null;
  o += 2 + ((b[o] << 8) | b[o + 1]); // cipher suites
  if (o + 1 > end) return null;
  o += 1 + b[o]; // compression methods
  if (o + 2 > end) return { version, alpn: [] };
  const extEnd = Math.min(end, o + 2 + ((b[o] << 8) | b[o + 1]));
  o += 2;
  const hello: TlsHello = { version, alpn: [] };
  while (o + 4 <= extEnd) {
    const type = (b[o] << 8) | b[o + 1];
    const len = (b[o + 2] << 8) | b[o + 3];
    const d = o + 4;
    if (d + len > extEnd) break;
    if (type === 0 && len >= 5) {
      // server_name_list: list length, then (type 0 = host_name, 16-bit length, name)
      let p = d + 2;
      while (p + 3 <= d + len) {
        const nt = b[p];
        const nl = (b[p + 1] << 8) | b[p + 2];
        if (nt === 0 && p + 3 + nl <= d + len) { hello.serverName = Buffer.from(b.subarray(p + 3, p + 3 + nl)).toString('latin1'); break; }
        p += 3 + nl;
      }
    } else if (type === 16 && len >= 2) {
      let p = d + 2;
      while (p + 1 <= d + len) {
        const l = b[p];
        if (p + 1 + l > d + len) break;
        hello.alpn.push(Buffer.from(b.subarray(p + 1, p + 1 + l)).toString('latin1'));
        p += 1 + l;
      }
    }
    o = d + len;
  }
  return hello;
}
