/**
 * Message ids (docs/protocol.md §3.8, §3.9).
 *
 * UNIQ_KEY (client id): hex(ip[4|16] pid16 classLoaderHash32 msSinceMonthStart32 counter16), 32 or 56 chars.
 * Offset id (offsetMsgId): hex(storeIp[4|16] storePort32 commitLogOffset64), 32 or 56 chars.
 */
import * as os from 'node:os';
import { InputError } from '../errors';

export function bytesToHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex').toUpperCase();
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new MessageIdError(`not a hex string: ${JSON.stringify(hex)}`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export class MessageIdError extends InputError {
  override name = 'MessageIdError';
  readonly kind = 'message-id' as const;
}

/** IPv4 "a.b.c.d" or IPv6 (any textual form, optional brackets/zone) → 4 or 16 bytes. */
export function ipToBytes(ip: string): Uint8Array {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const parts = v4.slice(1, 5).map(Number);
    if (parts.some((p) => p > 255)) throw new MessageIdError(`not an IP address: ${ip}`);
    return new Uint8Array(parts);
  }
  let s = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  // embedded IPv4 tail (::ffff:1.2.3.4) → two hex words
  s = s.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a, b, c, d) =>
    ((Number(a) << 8) | Number(b)).toString(16) + ':' + ((Number(c) << 8) | Number(d)).toString(16));
  const halves = s.split('::');
  if (halves.length > 2) throw new MessageIdError(`not an IP address: ${ip}`);
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (fill < 0 || (halves.length === 2 && fill < 1) || (halves.length === 1 && head.length !== 8)) throw new MessageIdError(`not an IP address: ${ip}`);
  const words = [...head, ...new Array<string>(fill).fill('0'), ...tail].map((h) => (/^[0-9a-fA-F]{1,4}$/.test(h) ? parseInt(h, 16) : NaN));
  if (words.length !== 8 || words.some((w) => Number.isNaN(w))) throw new MessageIdError(`not an IP address: ${ip}`);
  const out = new Uint8Array(16);
  words.forEach((w, i) => { out[2 * i] = w >> 8; out[2 * i + 1] = w & 0xff; });
  return out;
}

/** 4 bytes → dotted quad; 16 bytes → compressed IPv6 text (RFC 5952 style). */
export function bytesToIp(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (b.length !== 16) throw new MessageIdError(`IP must be 4 or 16 bytes, got ${b.length}`);
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i] << 8) | b[i + 1]);
  // longest run of zeros (length ≥ 2)
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLen).join(':');
}

/** "host:port" with IPv6 hosts in brackets. */
export function formatHostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

// ---------------------------------------------------------------- offset message id (§3.9)

export interface OffsetMessageId {
  /** Store host IP as text. */
  host: string;
  port: number;
  /** "ip:port" ([ipv6]:port) — the broker address VIEW_MESSAGE_BY_ID must go to. */
  address: string;
  /** Commit-log physical offset. */
  commitLogOffset: bigint;
  ipv6: boolean;
}

export function createOffsetMessageId(host: string | Uint8Array, port: number, commitLogOffset: bigint | number): string {
  const ip = typeof host === 'string' ? ipToBytes(host) : host;
  const buf = Buffer.alloc(ip.length + 12);
  buf.set(ip, 0);
  buf.writeInt32BE(port | 0, ip.length);
  buf.writeBigInt64BE(BigInt(commitLogOffset), ip.length + 4);
  return bytesToHex(buf);
}

/** Like Java `MessageDecoder.decodeMessageId`: IPv4 vs IPv6 decided purely by length 32 vs 56. */
export function decodeOffsetMessageId(id: string): OffsetMessageId {
  if (id.length !== 32 && id.length !== 56) throw new MessageIdError(`offset message id must be 32 or 56 hex characters, got ${id.length}: ${JSON.stringify(id)}`);
  const b = Buffer.from(hexToBytes(id));
  const ipLen = id.length === 32 ? 4 : 16;
  const host = bytesToIp(b.subarray(0, ipLen));
  const port = b.readInt32BE(ipLen);
  const commitLogOffset = b.readBigInt64BE(ipLen + 4);
  return { host, port, address: formatHostPort(host, port), commitLogOffset, ipv6: ipLen === 16 };
}

// ---------------------------------------------------------------- UNIQ_KEY (§3.8)

export interface UniqKeyParts {
  ip: string;
  ipv6: boolean;
  pid: number;
  classLoaderHash: number;
  /** Milliseconds since the producer's local month start, as the unsigned 32-bit field. */
  msSinceMonthStart: number;
  counter: number;
}

export function decodeUniqKey(id: string): UniqKeyParts {
  if (id.length !== 32 && id.length !== 56) throw new MessageIdError(`UNIQ_KEY must be 32 or 56 hex characters, got ${id.length}: ${JSON.stringify(id)}`);
  const b = Buffer.from(hexToBytes(id));
  const ipLen = id.length === 32 ? 4 : 16;
  return {
    ip: bytesToIp(b.subarray(0, ipLen)),
    ipv6: ipLen === 16,
    pid: b.readUInt16BE(ipLen),
    classLoaderHash: b.readUInt32BE(ipLen + 2),
    msSinceMonthStart: b.readUInt32BE(ipLen + 6),
    counter: b.readUInt16BE(ipLen + 10),
  };
}

/** 00:00 of the 1st of the month containing `ms`, in local time or UTC. `monthDelta` shifts months. */
export function monthStart(ms: number, utc = false, monthDelta = 0): number {
  const d = new Date(ms);
  if (utc) return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + monthDelta, 1);
  return new Date(d.getFullYear(), d.getMonth() + monthDelta, 1).getTime();
}

/**
 * Approximate creation time of a UNIQ_KEY like Java `getNearlyTimeFromID`: this month's start + the
 * field; if that is not in the past, the previous month's start is used. The field is read unsigned.
 */
export function uniqKeyNearlyTime(id: string, now = Date.now(), utc = false): number {
  const { msSinceMonthStart } = decodeUniqKey(id);
  let start = monthStart(now, utc);
  if (start + msSinceMonthStart >= now) start = monthStart(now, utc, -1);
  return start + msSinceMonthStart;
}

/** Picks the client IP like Java `UtilAll.getIP`: first public IPv4, else public IPv6, else private IPv4 (non-127 preferred). */
export function localIpBytes(): Uint8Array {
  const all = Object.values(os.networkInterfaces()).flat().filter((x): x is os.NetworkInterfaceInfo => !!x);
  const v4 = all.filter((a) => a.family === 'IPv4').map((a) => a.address);
  const isPrivate4 = (ip: string) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|127\.)/.test(ip);
  const pub4 = v4.find((ip) => !isPrivate4(ip));
  if (pub4) return ipToBytes(pub4);
  const v6 = all.filter((a) => a.family === 'IPv6' && !a.internal).map((a) => a.address);
  const pub6 = v6.find((ip) => !/^(fe80|fc|fd|::1)/i.test(ip));
  if (pub6) return ipToBytes(pub6);
  const priv = v4.find((ip) => !ip.startsWith('127.')) ?? v4[0] ?? '127.0.0.1';
  return ipToBytes(priv);
}

/**
 * Generates UNIQ_KEYs with Java's `MessageClientIDSetter` layout. One generator per process is
 * enough (see `defaultUniqKeyGenerator`); the "class loader hash" is a random 32-bit value.
 */
export class UniqKeyGenerator {
  private readonly fixed: Buffer;
  private counter = 0;
  private start = 0;
  private nextStart = 0;

  constructor(opts: { ip?: Uint8Array; pid?: number; classLoaderHash?: number; utc?: boolean; now?: () => number } = {}) {
    const ip = opts.ip ?? localIpBytes();
    this.fixed = Buffer.alloc(ip.length + 6);
    this.fixed.set(ip, 0);
    this.fixed.writeUInt16BE((opts.pid ?? process.pid) & 0xffff, ip.length);
    this.fixed.writeInt32BE((opts.classLoaderHash ?? (Math.random() * 0x100000000) | 0) | 0, ip.length + 2);
    this.utc = !!opts.utc;
    this.now = opts.now ?? Date.now;
    this.setStart(this.now());
  }
  private readonly utc: boolean;
  private readonly now: () => number;

  private setStart(ms: number): void {
    this.start = monthStart(ms, this.utc);
    this.nextStart = monthStart(ms, this.utc, 1);
  }

  next(): string {
    const current = this.now();
    if (current >= this.nextStart) this.setStart(current);
    const diff = (current - this.start) | 0; // int32, two's complement past 2^31 ms
    const counter = this.counter & 0xffff;
    this.counter = (this.counter + 1) & 0x7fffffff;
    return this.fixedHex + hex32(diff) + hex16(counter);
  }

  private fixedHexCache?: string;
  private get fixedHex(): string {
    return (this.fixedHexCache ??= bytesToHex(this.fixed));
  }
}

const HEX2: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));
const hex16 = (v: number): string => HEX2[(v >>> 8) & 0xff] + HEX2[v & 0xff];
const hex32 = (v: number): string => hex16(v >>> 16) + hex16(v);

let defaultGen: UniqKeyGenerator | undefined;
export function createUniqKey(): string {
  defaultGen ??= new UniqKeyGenerator();
  return defaultGen.next();
}
