/**
 * One TCP connection as HTTP/2 + gRPC: decides from the first bytes what the connection is (the h2c
 * client preface; a TLS ClientHello, labelled with its SNI and ALPN; or, joined mid-way, HTTP/2 frames
 * found by hunting), reads both directions' frames, decodes header blocks with HPACK per direction,
 * and assembles each stream into a gRPC call: request and response headers, trailers (grpc-status,
 * grpc-message), RST_STREAM, and the length-prefixed messages of both directions (inflated when
 * compressed, with the encoding named). Protobuf decoding is left to the describer (on demand).
 */
import { gunzipSync, inflateSync } from 'node:zlib';
import type { ConnInfo, EndReason, StreamSink } from '../capture/tcp';
import {
  dataPayload, H2_FLAG_ACK, H2_FLAG_END_HEADERS, H2_FLAG_END_STREAM, H2_TYPE_NAMES, H2Type, h2ErrorName, headerFragment, parseSettings,
} from './h2';
import { H2Frame, H2Stream } from './h2-stream';
import { HeaderField, HpackDecoder } from './hpack';
import { GrpcMethod, methodOf } from './proto';
import { looksLikeClientHello, looksLikeTlsRecord, parseClientHello, TlsHello } from './tls';

/** Largest inflated gRPC message kept (the same bound as remoting bodies). */
export const MAX_INFLATED = 64 << 20;

export interface GrpcMessage {
  dir: 0 | 1;
  /** Position among this direction's messages on the stream (0 = first). */
  seq: number;
  tsFirst: number;
  tsLast: number;
  /** The compressed flag of the message prefix. */
  compressed: boolean;
  /** grpc-encoding of the direction (identity when absent). */
  encoding: string;
  /** Length in the 5-byte prefix. */
  wireLength: number;
  /** The message bytes, inflated when compressed (null when they could not be inflated). */
  payload: Uint8Array | null;
  /** Bytes of the message that were never captured (zero-filled in payload). */
  missing: number;
  /** The message was cut off (stream or capture ended first). */
  truncated: boolean;
  error?: string;
}

export interface GrpcCall {
  conn: number;
  streamId: number;
  /** :path, when the request headers were decoded. */
  path?: string;
  method: GrpcMethod | null;
  /**
   * The method was not in the captured headers (HPACK state lost, or the stream began before the
   * capture) and was inferred from the messages' shape: the methods that fit (method is set when one does).
   */
  inferred?: string[];
  authority?: string;
  requestHeaders: HeaderField[];
  responseHeaders: HeaderField[];
  trailers: HeaderField[];
  /** Header fields that referenced HPACK entries from before the capture. */
  unknownHeaderRefs: number;
  /** The HPACK state was not exactly known for some of this stream's header blocks. */
  hpackPartial: boolean;
  /** The stream began before the capture (its request headers are not in it). */
  headersMissing: boolean;
  grpcStatus?: number;
  grpcMessage?: string;
  /** RST_STREAM: who sent it and the error code's name. */
  reset?: { dir: 0 | 1; error: string; ts: number };
  requests: GrpcMessage[];
  responses: GrpcMessage[];
  /** First frame of the stream (request HEADERS, or the first frame seen). */
  tsStart: number;
  tsResponseHeaders?: number;
  tsEnd?: number;
  ended: [boolean, boolean];
  notes: string[];
}

export type ConnectionKind = 'h2c' | 'h2c-midstream' | 'tls' | 'tls-midstream' | 'other';

export interface GrpcConnection {
  conn: number;
  info: ConnInfo;
  kind: ConnectionKind;
  tls?: TlsHello;
  /** SETTINGS each side sent (last values). */
  settings: [Map<string, number>, Map<string, number>];
  /** Frames per direction, and per type name. */
  frames: [number, number];
  frameTypes: Map<string, number>;
  calls: GrpcCall[];
  notes: string[];
  goaway?: { dir: 0 | 1; lastStreamId: number; error: string; debug: string };
  /** Bytes per direction that could not be read as frames. */
  lostBytes: [number, number];
}

interface MsgAssembler {
  buf: Buffer;
  len: number;
  /** Hole bytes inside buf (counted per message, approximately: per DATA frame). */
  holes: { at: number; n: number }[];
  tsFirst: number;
  lastTs: number;
  seq: number;
  /** No message boundary known (joined mid-message, or bytes lost): wait for a DATA frame that starts a message. */
  lostSync: boolean;
  /** Why (for the note when a message start is found again). */
  lostWhy?: string;
}

const newAssembler = (): MsgAssembler => ({ buf: Buffer.alloc(0), len: 0, holes: [], tsFirst: 0, lastTs: 0, seq: 0, lostSync: false });

function inflate(encoding: string, b: Uint8Array): Uint8Array {
  const opts = { maxOutputLength: MAX_INFLATED };
  if (encoding === 'gzip') return gunzipSync(b, opts);
  if (encoding === 'deflate') return inflateSync(b, opts);
  throw new Error(`compressed with "${encoding}", which this decoder does not inflate`);
}

const headerValue = (h: HeaderField[], name: string): string | undefined => {
  for (let i = h.length - 1; i >= 0; i--) if (h[i].name === name) return h[i].value;
  return undefined;
};

/** grpc-message is percent-encoded (gRPC's HTTP/2 protocol); undecodable escapes stay as they are. */
export function decodeGrpcMessage(v: string): string {
  try { return decodeURIComponent(v); } catch { return v; }
}

export class GrpcConnectionDecoder {
  readonly out: GrpcConnection;
  private readonly dirs: [H2Stream, H2Stream];
  private readonly hpack: [HpackDecoder | null, HpackDecoder | null] = [null, null];
  private readonly streams = new Map<number, { call: GrpcCall; asm: [MsgAssembler, MsgAssembler]; dataSeen: [boolean, boolean] }>();
  /** A header block being continued (HEADERS without END_HEADERS, then CONTINUATION frames). */
  private readonly pendingBlock: [{ streamId: number; parts: Uint8Array[]; endStream: boolean; ts: number } | null, { streamId: number; parts: Uint8Array[]; endStream: boolean; ts: number } | null] = [null, null];
  private decided = false;
  /** Streams already handed out: late frames for them (WINDOW_UPDATE, a DATA after RST_STREAM) open nothing new. */
  private readonly closed = new Set<number>();

  constructor(info: ConnInfo, private readonly onCall?: (c: GrpcCall, conn: GrpcConnection) => void) {
    this.out = {
      conn: info.id, info, kind: 'other', settings: [new Map(), new Map()], frames: [0, 0], frameTypes: new Map(), calls: [], notes: [], lostBytes: [0, 0],
    };
    const ev = {
      frame: (f: H2Frame) => this.frame(f),
      lost: (dir: 0 | 1, bytes: number, why: string) => {
        if (this.out.kind === 'other' || this.out.kind.startsWith('tls')) return;
        this.out.lostBytes[dir] += bytes;
        if (this.out.notes.length < 50 && bytes > 0) this.out.notes.push(`${dir === 0 ? 'client→server' : 'server→client'}: ${bytes} bytes not read as frames (${why})`);
        // header blocks lost: the HPACK state of that direction is no longer exact; messages being
        // assembled lost bytes, and a lost frame may have begun a new message
        if (bytes > 0) {
          this.hpack[dir]?.markPartial();
          for (const s of this.streams.values()) this.lostData(s, dir, why);
        }
      },
      end: (dir: 0 | 1, reason: EndReason) => this.endDir(dir, reason),
    };
    this.dirs = [new H2Stream(0, ev), new H2Stream(1, ev)];
    this.dirs[0].onFirstBytes = (b) => this.decide(b);
    this.dirs[1].onFirstBytes = (b) => this.decideFromServer(b);
  }

  /** The two StreamSinks (client→server, server→client) to feed with the connection's bytes. */
  get sinks(): [StreamSink, StreamSink] { return this.dirs; }

  get isGrpc(): boolean { return this.out.kind === 'h2c' || this.out.kind === 'h2c-midstream'; }

  /** Decide from the client's first bytes (fromSyn) or by hunting (mid-connection). */
  private decide(b: Uint8Array): void {
    if (this.decided) return;
    const c = this.dirs[0];
    if (c.fromSyn) {
      if (b.length >= 3 && b[0] === 0x50 && b[1] === 0x52 && b[2] === 0x49) {
        if (b.length < 24) return; // "PRI" — wait for the whole preface
        this.decided = true;
        this.out.kind = 'h2c';
        this.hpack[0] = new HpackDecoder(true);
        this.hpack[1] = new HpackDecoder(this.dirs[1].fromSyn || this.dirs[1].total === this.dirs[1].peek().length);
        c.start('preface');
        this.dirs[1].start('sync');
        return;
      }
      if (looksLikeClientHello(b)) {
        const recEnd = 5 + ((b[3] << 8) | b[4]);
        const hello = parseClientHello(b);
        if (!hello && b.length < recEnd && b.length < 16_384) return; // wait for the whole ClientHello
        this.decided = true;
        this.out.kind = 'tls';
        if (hello) this.out.tls = hello;
        c.start('off');
        this.dirs[1].start('off');
        return;
      }
      this.decided = true;
      c.start('off');
      this.dirs[1].start('off');
      return;
    }
    // joined mid-connection: TLS records, or HTTP/2 frames found by hunting
    if (looksLikeTlsRecord(b) && b[0] === 23) {
      this.decided = true;
      this.out.kind = 'tls-midstream';
      c.start('off');
      this.dirs[1].start('off');
      return;
    }
    this.huntBoth();
  }

  /** Joined mid-connection: both directions look for frame boundaries; HTTP/2 once one is found. */
  private huntBoth(): void {
    this.decided = true;
    this.hpack[0] = new HpackDecoder(false);
    this.hpack[1] = new HpackDecoder(false);
    this.dirs[0].start('hunt');
    this.dirs[1].start('hunt');
  }

  /** The server spoke first (h2 servers send SETTINGS at once): wait for the client, unless joined mid-way. */
  private decideFromServer(b: Uint8Array): void {
    if (this.decided || this.dirs[1].fromSyn || this.dirs[0].fromSyn) return;
    // mid-connection and the server's bytes came first: look at them the same way
    if (looksLikeTlsRecord(b) && b[0] === 23) {
      this.decided = true;
      this.out.kind = 'tls-midstream';
      this.dirs[0].start('off');
      this.dirs[1].start('off');
      return;
    }
    this.huntBoth();
  }

  /** Bytes of this direction were lost: cut the message being assembled, wait for a message start. */
  private lostData(s: { call: GrpcCall; asm: [MsgAssembler, MsgAssembler] }, dir: 0 | 1, why: string): void {
    const a = s.asm[dir];
    if (a.len > 0 && !a.lostSync) {
      const declared = a.len >= 5 ? a.buf.readUInt32BE(1) : -1;
      (dir === 0 ? s.call.requests : s.call.responses).push({
        dir, seq: a.seq++, tsFirst: a.tsFirst, tsLast: a.lastTs, compressed: a.buf[0] === 1, encoding: this.encoding(s.call, dir), wireLength: declared,
        payload: null, missing: Math.max(0, declared + 5 - a.len), truncated: true, error: `message cut off by a capture gap (${why}): ${a.len} of ${declared >= 0 ? declared + 5 : '?'} bytes`,
      });
    }
    a.len = 0;
    a.holes = [];
    a.lostSync = true;
    a.lostWhy = `bytes were lost in a capture gap (${why}): messages of this stream may be missing`;
  }

  private stream(id: number, ts: number, dir: 0 | 1): { call: GrpcCall; asm: [MsgAssembler, MsgAssembler]; dataSeen: [boolean, boolean] } {
    let s = this.streams.get(id);
    if (!s) {
      const call: GrpcCall = {
        conn: this.out.conn, streamId: id, method: null, requestHeaders: [], responseHeaders: [], trailers: [], unknownHeaderRefs: 0,
        hpackPartial: false, headersMissing: true, requests: [], responses: [], tsStart: ts, ended: [false, false], notes: [],
      };
      s = { call, asm: [newAssembler(), newAssembler()], dataSeen: [false, false] };
      this.streams.set(id, s);
      this.out.calls.push(call);
      if (dir === 1) call.notes.push('the stream began before the capture: its request headers are not in it');
    }
    return s;
  }

  private frame(f: H2Frame): void {
    if (this.out.kind === 'other') this.out.kind = 'h2c-midstream';
    if (f.streamId !== 0 && this.closed.has(f.streamId) && f.type !== H2Type.HEADERS) {
      this.out.frames[f.dir]++;
      const n = H2_TYPE_NAMES[f.type] ?? `UNKNOWN(0x${f.type.toString(16)})`;
      this.out.frameTypes.set(n, (this.out.frameTypes.get(n) ?? 0) + 1);
      return;
    }
    this.out.frames[f.dir]++;
    const tn = H2_TYPE_NAMES[f.type] ?? `UNKNOWN(0x${f.type.toString(16)})`;
    this.out.frameTypes.set(tn, (this.out.frameTypes.get(tn) ?? 0) + 1);
    const pend = this.pendingBlock[f.dir];
    if (pend && f.type !== H2Type.CONTINUATION) {
      this.out.notes.push(`${tn} frame inside a header block of stream ${pend.streamId} (a protocol error): block dropped`);
      this.pendingBlock[f.dir] = null;
      this.hpack[f.dir]?.markPartial();
    }
    switch (f.type) {
      case H2Type.SETTINGS: {
        if (f.flags & H2_FLAG_ACK) return;
        for (const [id, v] of parseSettings(f.payload)) {
          const name = ({ 1: 'HEADER_TABLE_SIZE', 2: 'ENABLE_PUSH', 3: 'MAX_CONCURRENT_STREAMS', 4: 'INITIAL_WINDOW_SIZE', 5: 'MAX_FRAME_SIZE', 6: 'MAX_HEADER_LIST_SIZE' } as Record<number, string>)[id] ?? `0x${id.toString(16)}`;
          this.out.settings[f.dir].set(name, v);
          // Settings describe the sender as a receiver: they bound what the other direction sends.
          const other = (1 - f.dir) as 0 | 1;
          if (id === 1) this.hpack[other]?.setProtocolMaxSize(v);
          if (id === 5) { this.dirs[other].maxFrame = v; this.dirs[other].maxFrameKnown = true; }
        }
        return;
      }
      case H2Type.GOAWAY: {
        const p = f.payload;
        if (p.length >= 8) {
          this.out.goaway = {
            dir: f.dir,
            lastStreamId: (((p[0] & 0x7f) << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0,
            error: h2ErrorName(((p[4] << 24) | (p[5] << 16) | (p[6] << 8) | p[7]) >>> 0),
            debug: Buffer.from(p.subarray(8, 8 + 256)).toString('utf8'),
          };
        }
        return;
      }
      case H2Type.RST_STREAM: {
        const s = this.stream(f.streamId, f.tsFirst, f.dir);
        const p = f.payload;
        s.call.reset = { dir: f.dir, error: h2ErrorName(((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0), ts: f.tsFirst };
        s.call.tsEnd = f.tsFirst;
        this.finish(f.streamId);
        return;
      }
      case H2Type.HEADERS:
      case H2Type.PUSH_PROMISE: {
        const frag = headerFragment(f.type, f.flags, f.payload);
        if (!frag) { this.out.notes.push(`stream ${f.streamId}: malformed ${tn} frame`); return; }
        const block = { streamId: f.streamId, parts: [frag], endStream: (f.flags & H2_FLAG_END_STREAM) !== 0, ts: f.tsFirst };
        if (f.missing) this.hpack[f.dir]?.markPartial();
        if (f.flags & H2_FLAG_END_HEADERS) this.headerBlock(f.dir, block, f.type === H2Type.PUSH_PROMISE);
        else this.pendingBlock[f.dir] = block;
        return;
      }
      case H2Type.CONTINUATION: {
        if (!pend || pend.streamId !== f.streamId) {
          // its HEADERS frame was before the capture (or lost): the block cannot be decoded
          this.hpack[f.dir]?.markPartial();
          return;
        }
        pend.parts.push(f.payload);
        if (f.flags & H2_FLAG_END_HEADERS) { this.pendingBlock[f.dir] = null; this.headerBlock(f.dir, pend, false); }
        return;
      }
      case H2Type.DATA: {
        const s = this.stream(f.streamId, f.tsFirst, f.dir);
        const data = dataPayload(f.flags, f.payload);
        if (!data) { s.call.notes.push(`DATA frame with padding longer than the frame (${f.dir === 0 ? 'request' : 'response'})`); return; }
        if (!s.dataSeen[f.dir] && s.call.headersMissing && (this.out.kind === 'h2c-midstream')) {
          // joined mid-stream: the first DATA frame may begin inside a message
          s.asm[f.dir].lostSync = !looksLikeMessageStart(data);
          s.asm[f.dir].lostWhy = 'the first message began before the capture and is not shown';
        }
        s.dataSeen[f.dir] = true;
        this.messages(s, f.dir, data, f.missing, f.tsFirst, f.tsLast);
        if (f.flags & H2_FLAG_END_STREAM) this.endStream(f.streamId, f.dir, f.tsLast);
        return;
      }
      default:
        return;
    }
  }

  private headerBlock(dir: 0 | 1, block: { streamId: number; parts: Uint8Array[]; endStream: boolean; ts: number }, push: boolean): void {
    const dec = this.hpack[dir];
    if (!dec) return;
    const bytes = block.parts.length === 1 ? block.parts[0] : Buffer.concat(block.parts);
    const exact = dec.exact;
    const r = dec.decode(bytes);
    if (push) return; // gRPC never pushes; the block still went through the decoder to keep its table right
    if (this.closed.has(block.streamId)) return; // e.g. response headers crossing the client's RST_STREAM
    const s = this.stream(block.streamId, block.ts, dir);
    const call = s.call;
    if (!exact || r.unknownRefs) call.hpackPartial = true;
    call.unknownHeaderRefs += r.unknownRefs;
    if (r.error) call.notes.push(`${dir === 0 ? 'request' : 'response'} headers: ${r.error} (the connection's later header blocks may be wrong)`);
    if (dir === 0) {
      if (!call.requestHeaders.length && !s.dataSeen[0]) {
        call.requestHeaders = r.fields;
        call.headersMissing = false;
        call.tsStart = Math.min(call.tsStart, block.ts);
        const path = headerValue(r.fields, ':path');
        if (path !== undefined && !r.fields.find((x) => x.name === ':path')?.unknown) {
          call.path = path;
          call.method = methodOf(path);
        }
        const auth = headerValue(r.fields, ':authority');
        if (auth !== undefined) call.authority = auth;
      } else {
        call.trailers.push(...r.fields); // request trailers (rare in gRPC)
      }
    } else if (!call.responseHeaders.length && !s.dataSeen[1] && !block.endStream) {
      call.responseHeaders = r.fields;
      call.tsResponseHeaders = block.ts;
    } else {
      // trailers, or a trailers-only response (headers and trailers in one block)
      if (!call.responseHeaders.length && !s.dataSeen[1]) call.tsResponseHeaders = block.ts;
      call.trailers = r.fields;
      const st = headerValue(r.fields, 'grpc-status');
      if (st !== undefined && /^\d+$/.test(st)) call.grpcStatus = Number(st);
      const msg = headerValue(r.fields, 'grpc-message');
      if (msg !== undefined) call.grpcMessage = decodeGrpcMessage(msg);
    }
    if (block.endStream) this.endStream(block.streamId, dir, block.ts);
  }

  /** Length-prefixed messages out of a stream direction's DATA bytes. */
  private messages(s: { call: GrpcCall; asm: [MsgAssembler, MsgAssembler] }, dir: 0 | 1, data: Uint8Array, missing: number, ts0: number, ts1: number): void {
    const a = s.asm[dir];
    if (a.lostSync) {
      // the stream was joined inside a message; a DATA frame that starts a message resyncs
      if (!looksLikeMessageStart(data)) return;
      a.lostSync = false;
      s.call.notes.push(`${dir === 0 ? 'request' : 'response'}: ${a.lostWhy ?? 'bytes were lost before this message'}`);
    }
    if (a.len === 0) a.tsFirst = ts0;
    if (missing) a.holes.push({ at: a.len, n: missing });
    if (a.len + data.length > a.buf.length) {
      const nb = Buffer.allocUnsafe(Math.max(a.len + data.length, a.buf.length * 2, 256));
      a.buf.copy(nb, 0, 0, a.len);
      a.buf = nb;
    }
    a.buf.set(data, a.len);
    a.len += data.length;
    a.lastTs = ts1;
    const encoding = this.encoding(s.call, dir);
    let o = 0;
    while (a.len - o >= 5) {
      const compressed = a.buf[o] === 1;
      const n = a.buf.readUInt32BE(o + 1);
      if (a.buf[o] > 1 || n > MAX_INFLATED) {
        s.call.notes.push(`${dir === 0 ? 'request' : 'response'}: bytes that are not a gRPC message prefix (flag ${a.buf[o]}, length ${n}): the rest of this direction is not read`);
        a.lostSync = true;
        a.len = 0;
        a.holes = [];
        return;
      }
      if (a.len - o - 5 < n) break;
      const raw = a.buf.subarray(o + 5, o + 5 + n);
      let holeBytes = 0;
      for (const h of a.holes) holeBytes += Math.max(0, Math.min(h.at + h.n, o + 5 + n) - Math.max(h.at, o));
      const m: GrpcMessage = {
        dir, seq: a.seq++, tsFirst: o === 0 ? a.tsFirst : ts0, tsLast: ts1, compressed, encoding: compressed ? encoding : 'identity',
        wireLength: n, payload: null, missing: holeBytes, truncated: false,
      };
      if (compressed) {
        if (holeBytes) m.error = `compressed (${encoding}) with ${holeBytes} bytes missing: not inflated`;
        else {
          try { m.payload = inflate(encoding, raw); } catch (e) { m.error = `${encoding}: ${(e as Error).message}`; }
        }
        if (!m.payload) m.payload = null;
      } else m.payload = Uint8Array.prototype.slice.call(raw);
      (dir === 0 ? s.call.requests : s.call.responses).push(m);
      o += 5 + n;
    }
    if (o > 0) {
      a.buf.copy(a.buf, 0, o, a.len);
      a.len -= o;
      a.holes = a.holes.map((h) => ({ at: h.at - o, n: h.n })).filter((h) => h.at + h.n > 0);
      a.tsFirst = ts0;
    }
  }

  private encoding(call: GrpcCall, dir: 0 | 1): string {
    const h = dir === 0 ? call.requestHeaders : call.responseHeaders;
    return headerValue(h, 'grpc-encoding') ?? (call.headersMissing || (dir === 1 && !h.length) ? 'unknown (headers not captured)' : 'identity');
  }

  private endStream(id: number, dir: 0 | 1, ts: number): void {
    const s = this.streams.get(id);
    if (!s) return;
    s.call.ended[dir] = true;
    if (dir === 1) s.call.tsEnd = ts;
    if (s.call.ended[0] && s.call.ended[1]) this.finish(id);
  }

  /** A stream is complete: flush a cut message, hand the call out. */
  private finish(id: number, why?: string): void {
    const s = this.streams.get(id);
    if (!s) return;
    this.streams.delete(id);
    this.closed.add(id);
    for (const dir of [0, 1] as const) {
      const a = s.asm[dir];
      if (a.len > 0 && !a.lostSync) {
        const declared = a.len >= 5 ? a.buf.readUInt32BE(1) : -1;
        const m: GrpcMessage = {
          dir, seq: a.seq++, tsFirst: a.tsFirst, tsLast: a.lastTs, compressed: a.buf[0] === 1, encoding: this.encoding(s.call, dir), wireLength: declared,
          payload: null, missing: 0, truncated: true,
          error: `message cut off: ${a.len} of ${declared >= 0 ? declared + 5 : '?'} bytes${why ? ` (${why})` : ''}`,
        };
        (dir === 0 ? s.call.requests : s.call.responses).push(m);
        a.len = 0;
      }
    }
    if (why && !s.call.reset && s.call.grpcStatus === undefined) s.call.notes.push(why);
    this.onCall?.(s.call, this.out);
  }

  private readonly dirEnded: [boolean, boolean] = [false, false];

  private endDir(dir: 0 | 1, reason: EndReason): void {
    this.dirEnded[dir] = true;
    if (!this.dirEnded[0] || !this.dirEnded[1]) return;
    // streams still open end with the connection (or the capture)
    const why = reason === 'eof' ? 'the capture ended before the call completed' : `the connection ended (${reason.toUpperCase()}) before the call completed`;
    for (const id of [...this.streams.keys()]) this.finish(id, why);
  }
}

/** A DATA payload that plausibly begins with a gRPC message prefix (flag 0/1, length within the frame or a little beyond). */
function looksLikeMessageStart(d: Uint8Array): boolean {
  if (d.length < 5) return false;
  if (d[0] > 1) return false;
  const n = ((d[1] << 24) | (d[2] << 16) | (d[3] << 8) | d[4]) >>> 0;
  return n <= MAX_INFLATED && (n === d.length - 5 || n > d.length - 5 || (d.length > 5 + n && d.length - 5 - n >= 5 && d[5 + n] <= 1));
}
