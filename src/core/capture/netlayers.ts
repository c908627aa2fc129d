/**
 * Layers 2 and 3: link layers (Ethernet with 802.1Q/QinQ, Linux cooked v1/v2, BSD NULL/LOOP, raw
 * IPv4/IPv6) and IP (IPv4 with options and bounded fragment reassembly, IPv6 with extension headers
 * skipped and fragments reassembled). Output goes into a reused {@link NetPacket}; no per-packet
 * allocation except for reassembled fragments.
 */
import { CaptureWarning } from './types';

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

export const SUPPORTED_LINKTYPES: ReadonlySet<number> = new Set([0, 1, 12, 14, 101, 108, 113, 228, 229, 276]);

/**
 * Decoded network/transport view of a packet. Reused between packets. The addresses are bytes of
 * `addr` at `srcOff` / `dstOff` (`addrLen` each); `src` and `dst` make views of them on request —
 * the TCP layer reads them in place, as a view per packet cost more than the comparison.
 */
export class NetPacket {
  ipVersion: 4 | 6 = 4;
  addr: Uint8Array = new Uint8Array(8);
  srcOff = 0;
  dstOff = 4;
  addrLen = 4;
  /** IP protocol of the payload (6 = TCP). */
  protocol = 0;
  /** Bytes holding the IP payload (either the packet data or a reassembled buffer). */
  buf: Uint8Array = new Uint8Array(0);
  /** Offset/length of the captured IP payload in buf. */
  l4off = 0;
  l4len = 0;
  /** IP payload length as declared by the IP header (≥ l4len when the snaplen cut the packet). */
  l4declared = 0;
  /** Reassembled from fragments: record offset of the earliest fragment (else -1). */
  firstRecord = -1;
  /** Source address bytes (a view, 4 or 16 bytes). */
  get src(): Uint8Array { return this.addr.subarray(this.srcOff, this.srcOff + this.addrLen); }
  /** Destination address bytes (a view, 4 or 16 bytes). */
  get dst(): Uint8Array { return this.addr.subarray(this.dstOff, this.dstOff + this.addrLen); }
  /** The source address is `a` (compared in place). */
  srcIs(a: Uint8Array): boolean { return a.length === this.addrLen && sameBytesAt(a, this.addr, this.srcOff); }
  /** The destination address is `a` (compared in place). */
  dstIs(a: Uint8Array): boolean { return a.length === this.addrLen && sameBytesAt(a, this.addr, this.dstOff); }
}

function sameBytesAt(a: Uint8Array, b: Uint8Array, off: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[off + i]) return false;
  return true;
}

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;

export type L3Result = 'ok' | 'skip' | 'fragment-pending';

export class NetDecoder {
  readonly out = new NetPacket();
  private frags = new Map<string, FragEntry>();
  private fragBytes = 0;
  readonly unsupportedLinkTypes = new Set<number>();
  /** Counts of skipped packets by reason. */
  readonly skipped = new Map<string, number>();

  constructor(private readonly warn: (w: CaptureWarning) => void, private readonly limits = { maxFragDatagrams: 256, maxFragBytes: 16 * 1024 * 1024, fragTimeoutUs: 60e6 }) {}

  private skip(reason: string): 'skip' {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
    return 'skip';
  }

  /**
   * Decodes link + IP of the packet bytes d[start, end) (default: all of `d`). Returns 'ok' when
   * `out` holds an IP payload; its offsets then index `d` (or a reassembled buffer).
   */
  decode(linkType: number, d: Uint8Array, tsUs: number, fileOffset: number, start = 0, end = d.length): L3Result {
    const n = end - start;
    let off = start;
    let ethType = -1;
    switch (linkType) {
      case LINKTYPE_ETHERNET: {
        if (n < 14) return this.skip('short-link-header');
        ethType = (d[start + 12] << 8) | d[start + 13];
        off = start + 14;
        // 802.1Q, 802.1ad (QinQ), old QinQ 0x9100
        while ((ethType === 0x8100 || ethType === 0x88a8 || ethType === 0x9100) && off + 4 <= end) {
          ethType = (d[off + 2] << 8) | d[off + 3];
          off += 4;
        }
        break;
      }
      case LINKTYPE_LINUX_SLL:
        if (n < 16) return this.skip('short-link-header');
        ethType = (d[start + 14] << 8) | d[start + 15];
        off = start + 16;
        break;
      case LINKTYPE_LINUX_SLL2:
        if (n < 20) return this.skip('short-link-header');
        ethType = (d[start] << 8) | d[start + 1];
        off = start + 20;
        break;
      case LINKTYPE_NULL:
      case LINKTYPE_LOOP: {
        if (n < 4) return this.skip('short-link-header');
        // family in host order (NULL) or network order (LOOP); accept both byte orders
        const d0 = d[start], d1 = d[start + 1], d2 = d[start + 2], d3 = d[start + 3];
        const le = d0 | (d1 << 8) | (d2 << 16) | (d3 << 24);
        const be = (d0 << 24) | (d1 << 16) | (d2 << 8) | d3;
        const fam = (le >>> 0) < 256 ? le : be;
        off = start + 4;
        if (fam === 2) ethType = ETH_IPV4;
        else if (fam === 10 || fam === 24 || fam === 28 || fam === 30) ethType = ETH_IPV6;
        else return this.skip('non-ip');
        break;
      }
      case LINKTYPE_RAW:
      case 12:
      case 14:
      case LINKTYPE_IPV4:
      case LINKTYPE_IPV6:
        if (n < 1) return this.skip('short-link-header');
        ethType = (d[start] >> 4) === 6 ? ETH_IPV6 : ETH_IPV4;
        break;
      default:
        if (!this.unsupportedLinkTypes.has(linkType)) {
          this.unsupportedLinkTypes.add(linkType);
          this.warn({ kind: 'link.unsupported', message: `link type ${linkType} not supported; its packets are skipped (first at offset ${fileOffset})`, fileOffset });
        }
        return this.skip('unsupported-link');
    }
    this.out.firstRecord = -1;
    if (ethType === ETH_IPV4) return this.ipv4(d, off, end, tsUs, fileOffset);
    if (ethType === ETH_IPV6) return this.ipv6(d, off, end, tsUs, fileOffset);
    return this.skip('non-ip');
  }

  private ipv4(d: Uint8Array, off: number, dEnd: number, tsUs: number, fileOffset: number): L3Result {
    if (dEnd - off < 20 || d[off] >> 4 !== 4) return this.skip('bad-ipv4');
    const ihl = (d[off] & 0xf) * 4;
    if (ihl < 20 || dEnd - off < ihl) return this.skip('bad-ipv4');
    let total = (d[off + 2] << 8) | d[off + 3];
    if (total === 0) total = dEnd - off; // TSO/GSO captures
    if (total < ihl) return this.skip('bad-ipv4');
    const o = this.out;
    o.ipVersion = 4;
    o.addr = d; o.srcOff = off + 12; o.dstOff = off + 16; o.addrLen = 4;
    o.protocol = d[off + 9];
    const fragField = (d[off + 6] << 8) | d[off + 7];
    const mf = (fragField & 0x2000) !== 0;
    const fragOff = (fragField & 0x1fff) * 8;
    const avail = Math.min(total, dEnd - off) - ihl;
    if (mf || fragOff > 0) {
      if (avail < total - ihl) return this.skip('truncated-fragment');
      const id = (d[off + 4] << 8) | d[off + 5];
      const key = `4|${o.src.join('.')}|${o.dst.join('.')}|${o.protocol}|${id}`;
      return this.fragment(key, d.subarray(off + ihl, off + ihl + avail), fragOff, !mf, tsUs, fileOffset);
    }
    o.buf = d;
    o.l4off = off + ihl;
    o.l4len = avail;
    o.l4declared = total - ihl;
    return 'ok';
  }

  private ipv6(d: Uint8Array, off: number, dEnd: number, tsUs: number, fileOffset: number): L3Result {
    if (dEnd - off < 40 || d[off] >> 4 !== 6) return this.skip('bad-ipv6');
    const o = this.out;
    o.ipVersion = 6;
    o.addr = d; o.srcOff = off + 8; o.dstOff = off + 24; o.addrLen = 16;
    let plen = (d[off + 4] << 8) | d[off + 5];
    if (plen === 0) plen = dEnd - off - 40; // jumbogram / TSO
    let next = d[off + 6];
    const end = off + 40 + plen; // declared end (may exceed captured data)
    let p = off + 40;
    let frag: { off: number; more: boolean; id: number } | null = null;
    for (let guard = 0; guard < 16; guard++) {
      if (next === 0 || next === 43 || next === 60 || next === 135 || next === 139 || next === 140) {
        if (p + 8 > dEnd) return this.skip('truncated-ipv6-ext');
        const n = d[p];
        p += (d[p + 1] + 1) * 8;
        next = n;
      } else if (next === 51) { // AH
        if (p + 8 > dEnd) return this.skip('truncated-ipv6-ext');
        const n = d[p];
        p += (d[p + 1] + 2) * 4;
        next = n;
      } else if (next === 44) { // fragment
        if (p + 8 > dEnd) return this.skip('truncated-ipv6-ext');
        const n = d[p];
        const fo = ((d[p + 2] << 8) | d[p + 3]);
        frag = { off: fo & 0xfff8, more: (fo & 1) !== 0, id: ((d[p + 4] << 24) | (d[p + 5] << 16) | (d[p + 6] << 8) | d[p + 7]) >>> 0 };
        p += 8;
        next = n;
      } else break;
    }
    if (p > end || p > dEnd) return this.skip('bad-ipv6');
    o.protocol = next;
    const avail = Math.min(end, dEnd) - p;
    if (frag && (frag.more || frag.off > 0)) {
      if (avail < end - p) return this.skip('truncated-fragment');
      const key = `6|${Buffer.from(o.src).toString('hex')}|${Buffer.from(o.dst).toString('hex')}|${frag.id}`;
      return this.fragment(key, d.subarray(p, p + avail), frag.off, !frag.more, tsUs, fileOffset);
    }
    o.buf = d;
    o.l4off = p;
    o.l4len = avail;
    o.l4declared = end - p;
    return 'ok';
  }

  private fragment(key: string, data: Uint8Array, fragOff: number, last: boolean, tsUs: number, fileOffset: number): L3Result {
    const o = this.out;
    // expire old entries
    for (const [k, e] of this.frags) {
      if (tsUs - e.firstUs > this.limits.fragTimeoutUs) this.dropFrag(k, e, 'timeout');
      else break;
    }
    let e = this.frags.get(key);
    if (!e) {
      if (this.frags.size >= this.limits.maxFragDatagrams) {
        const [k0, e0] = this.frags.entries().next().value as [string, FragEntry];
        this.dropFrag(k0, e0, 'too many datagrams in reassembly');
      }
      const addrs = new Uint8Array(2 * o.addrLen);
      addrs.set(o.src, 0);
      addrs.set(o.dst, o.addrLen);
      e = { parts: [], totalLen: -1, bytes: 0, firstUs: tsUs, fileOffset, addrs, protocol: o.protocol };
      this.frags.set(key, e);
    }
    if (fragOff + data.length > 65535 + 65535) { this.dropFrag(key, e, 'fragment beyond maximum datagram size'); return 'skip'; }
    if (this.fragBytes + data.length > this.limits.maxFragBytes) { this.dropFrag(key, e, 'fragment memory limit'); return 'skip'; }
    e.parts.push({ off: fragOff, data: Uint8Array.from(data) });
    e.bytes += data.length;
    this.fragBytes += data.length;
    if (last) e.totalLen = fragOff + data.length;
    if (e.totalLen < 0) return 'fragment-pending';
    // complete?
    e.parts.sort((a, b) => a.off - b.off);
    let covered = 0;
    for (const part of e.parts) {
      if (part.off > covered) return 'fragment-pending';
      covered = Math.max(covered, part.off + part.data.length);
    }
    if (covered < e.totalLen) return 'fragment-pending';
    const whole = new Uint8Array(e.totalLen);
    for (const part of e.parts) whole.set(part.data.subarray(0, Math.max(0, Math.min(part.data.length, e.totalLen - part.off))), part.off);
    this.frags.delete(key);
    this.fragBytes -= e.bytes;
    o.addr = e.addrs; o.srcOff = 0; o.dstOff = e.addrs.length / 2; o.addrLen = e.addrs.length / 2;
    o.protocol = e.protocol;
    o.buf = whole;
    o.l4off = 0;
    o.l4len = whole.length;
    o.l4declared = whole.length;
    o.firstRecord = e.fileOffset;
    return 'ok';
  }

  private dropFrag(key: string, e: FragEntry, why: string): void {
    this.frags.delete(key);
    this.fragBytes -= e.bytes;
    this.warn({ kind: 'ip.fragments-dropped', message: `IP fragments dropped (${why}): ${e.bytes} bytes first seen at offset ${e.fileOffset}`, fileOffset: e.fileOffset });
  }

  /** Reports datagrams still incomplete at the end of the capture. */
  finish(): void {
    for (const [k, e] of this.frags) this.dropFrag(k, e, 'incomplete at end of capture');
  }
}

interface FragEntry {
  parts: { off: number; data: Uint8Array }[];
  totalLen: number;
  bytes: number;
  firstUs: number;
  fileOffset: number;
  /** Source then destination address. */
  addrs: Uint8Array;
  protocol: number;
}
