/**
 * Content search: which frames contain a text in what they carry, not only in what the index holds.
 * The filter (filter.ts) matches a free-text term on the index strings (code and status names,
 * topic, endpoints, warnings, opaque) OR on the result of this search for the same term.
 *
 * **What is searched** (case-insensitive; ASCII letters fold by byte, a needle with other characters
 * is compared on decoded text, lower-cased):
 *   - the remark and every header field value (extFields); a value holding a message properties
 *     string (SEND's `properties` / V2 `i`) is searched by property *value* — KEYS, UNIQ_KEY, TAGS,
 *     user properties — never by property name;
 *   - send responses: msgId (= the UNIQ_KEY), offsetMsgId, transactionId (header fields);
 *   - bodies: a send request's body, inflated when its sysFlag says compressed (ZLIB / LZ4 / ZSTD,
 *     `decompressBody`); batch sends entry by entry (`decodeBatchBody`: each body and its property
 *     values); stored messages — responses to PULL_MESSAGE, LITE_PULL_MESSAGE, QUERY_MESSAGE,
 *     VIEW_MESSAGE_BY_ID, POP_MESSAGE, PEEK_MESSAGE and CHECK_TRANSACTION_STATE requests —
 *     message by message (`decodeStoredMessages`: topic, msgId, the computed offsetMsgId, property
 *     values, inflated body, 5.x inner batches unwrapped); any other body as its bytes;
 *   - a frame whose header cannot be decoded: its bytes; a frame not captured in full: its decoded
 *     header and the body bytes that were captured.
 *   JSON header keys, property names and the fixed header fields (language, version, flag) are not
 *   searched: "topic" or "KEYS" does not match every send.
 *
 * **Pairs**: the response to a request whose content matches matches too (value 2 in `hits`): a
 * search for a message key lists the send and the broker's answer (SEND_OK or the error,
 * offsetMsgId). The request of a matching response is not added (a pull request says nothing
 * about the messages that came back).
 *
 * **How**: one streaming pass over the capture file (`searchCaptureFile`). The index already knows
 * where every frame is, so the pass does not reassemble TCP or split frames again: it reads the
 * records in file order, decodes their link / IP / TCP headers and hands each frame its bytes — in
 * place when the frame is in one packet, copied together otherwise (`IndexedPass`); the few frames
 * it cannot put together as the index describes them are re-read by random access or, when many,
 * by the index pass's own pipeline (also available as `method: 'pipeline'`). Memory does not grow
 * with the file: frame bytes are views into the read buffers or one buffer per multi-packet frame
 * in flight; the result is one byte per frame. Per frame a cheap test runs first: the needle's
 * bytes (case-folded Horspool search) anywhere in the frame, or content that a byte search cannot
 * see — a send body starting with a ZLIB / LZ4 / ZSTD header, stored messages with a compressed
 * record or, for a hex needle, their computed offsetMsgIds. Only frames that pass are decoded and
 * searched field by field. A needle with characters that a JSON header escapes (`"`, `\`, control
 * characters) or non-ASCII characters skips the cheap test: every frame is decoded (slower).
 * `searchFrames` does the same by random access (live captures); `searchCaptureBytes` in memory
 * through the pipeline (tests).
 */
import { decodeFrame } from '../remoting/frame';
import type { RemotingCommand } from '../remoting/command';
import { RequestCode } from '../remoting/codes';
import { decodeBatchBody } from '../message/batch';
import { decompressBody } from '../message/compression';
import { decodeProperties } from '../message/properties';
import { decodeStoredMessages, MAGIC_V1, MAGIC_V2 } from '../message/stored';
import { compressionType, MessageSysFlag } from '../message/sysflag';
import { CaptureIndex } from './capture-index';
import { protocolRows } from './protocols';
import { CaptureParser, PacketInfo } from './file-format';
import { FrameBytes, fillFirstCopy, readFrameBytes, readFrameBytesFromBuffer } from './frame-reader';
import { FrameOut } from './frames';
import type { ContentMatches } from './filter';
import { NetDecoder } from './netlayers';
import { Pipeline } from './pipeline';
import { streamCapture } from './source';
import { FrameWarn } from './types';
import { RocketMQDebuggerError } from '../errors';

const SEND_CODES: ReadonlySet<number> = new Set([RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE, RequestCode.SEND_REPLY_MESSAGE, RequestCode.SEND_REPLY_MESSAGE_V2]);
const V2_CODES: ReadonlySet<number> = new Set([RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE, RequestCode.SEND_REPLY_MESSAGE_V2]);
/** Requests whose SUCCESS response body is stored messages. */
const STORED_ANSWERS: ReadonlySet<number> = new Set([
  RequestCode.PULL_MESSAGE, RequestCode.LITE_PULL_MESSAGE, RequestCode.QUERY_MESSAGE, RequestCode.VIEW_MESSAGE_BY_ID,
  RequestCode.POP_MESSAGE, RequestCode.PEEK_MESSAGE,
]);

const FOLD = (() => {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) t[b] = b >= 65 && b <= 90 ? b + 32 : b;
  return t;
})();

const utf8 = new TextDecoder('utf-8');

/** A search text, prepared for byte and string matching. */
export class SearchNeedle {
  /** Lower-cased text (string comparisons). */
  readonly lower: string;
  /** UTF-8 of the text with ASCII letters lower-cased (byte comparisons). */
  readonly bytes: Uint8Array;
  /** Horspool shift by haystack byte (both cases of a letter). */
  readonly shift: Int32Array;
  /** Only ASCII characters: byte search with ASCII case folding is exact. */
  readonly ascii: boolean;
  /** The cheap byte test is valid: ASCII, and nothing a JSON header would escape. */
  readonly rawSafe: boolean;
  /** Hex digits only: could be part of a computed offsetMsgId. */
  readonly hex: boolean;

  constructor(readonly text: string) {
    this.lower = text.toLowerCase();
    this.ascii = /^[\x00-\x7f]*$/.test(text);
    this.rawSafe = this.ascii && !/["\\\x00-\x1f\x7f]/.test(text);
    this.hex = /^[0-9a-fA-F]+$/.test(text);
    const raw = Buffer.from(text, 'utf8');
    const b = new Uint8Array(raw.length);
    for (let k = 0; k < raw.length; k++) b[k] = FOLD[raw[k]];
    this.bytes = b;
    const m = b.length;
    const shift = new Int32Array(256).fill(Math.max(1, m));
    for (let k = 0; k < m - 1; k++) {
      shift[b[k]] = m - 1 - k;
      if (b[k] >= 97 && b[k] <= 122) shift[b[k] - 32] = m - 1 - k;
    }
    this.shift = shift;
  }
}

/** Position of the needle in `h[from, to)` with ASCII letters folded, or -1 (Horspool). */
export function indexOfFolded(h: Uint8Array, from: number, to: number, n: SearchNeedle): number {
  const p = n.bytes, m = p.length;
  if (m === 0) return from;
  const last = m - 1, lastB = p[last], shift = n.shift;
  for (let i = from + last; i < to;) {
    const x = h[i];
    if (FOLD[x] === lastB) {
      let k = last - 1, j = i - 1;
      while (k >= 0 && FOLD[h[j]] === p[k]) { k--; j--; }
      if (k < 0) return j + 1;
    }
    i += shift[x];
  }
  return -1;
}

function strHas(s: string | null | undefined, n: SearchNeedle): boolean {
  return !!s && s.toLowerCase().includes(n.lower);
}

function bytesHave(b: Uint8Array, n: SearchNeedle): boolean {
  if (n.ascii) return indexOfFolded(b, 0, b.length, n) >= 0;
  return utf8.decode(b).toLowerCase().includes(n.lower);
}

/** A properties string (name U+0001 value U+0002 …): does a property *value* contain the needle? */
function propsHave(s: string | null | undefined, n: SearchNeedle): boolean {
  if (!strHas(s, n)) return false; // a value that contains it is inside the string
  for (const v of decodeProperties(s).values()) if (strHas(v, n)) return true;
  return false;
}

function storedBodyOf(response: boolean, code: number, requestCode: number | undefined): boolean {
  return response ? code === 0 && requestCode !== undefined && STORED_ANSWERS.has(requestCode) : code === RequestCode.CHECK_TRANSACTION_STATE;
}

/** Does the body of a decoded command contain the needle (see the module comment)? */
function bodyContains(cmd: RemotingCommand, requestCode: number | undefined, body: Uint8Array, n: SearchNeedle): boolean {
  const resp = (cmd.flag & 1) !== 0;
  if (!resp && SEND_CODES.has(cmd.code)) {
    const ext = cmd.extFields ?? {};
    const v2 = V2_CODES.has(cmd.code);
    const get = (short: string, long: string): string | undefined => (v2 ? ext[short] ?? ext[long] : ext[long] ?? ext[short]);
    const sysFlag = Number(get('f', 'sysFlag') ?? 0) | 0;
    let b = body;
    if (sysFlag & MessageSysFlag.COMPRESSED_FLAG) {
      const r = decompressBody(body, compressionType(sysFlag));
      if (r.ok) b = r.body;
    }
    if (cmd.code === RequestCode.SEND_BATCH_MESSAGE || get('m', 'batch') === 'true') {
      try {
        for (const e of decodeBatchBody(b)) if (bytesHave(e.body, n) || propsHave(e.propertiesString, n)) return true;
        return false;
      } catch { /* not a batch after all: its bytes */ }
    }
    return bytesHave(b, n);
  }
  if (storedBodyOf(resp, cmd.code, requestCode)) {
    const r = decodeStoredMessages(body);
    for (const m of r.messages) {
      if (strHas(m.topic, n) || strHas(m.msgId, n) || strHas(m.offsetMsgId, n) || propsHave(m.propertiesString, n)) return true;
      if (bytesHave(m.body ?? m.rawBody, n)) return true;
    }
    return r.consumed < body.length && bytesHave(body.subarray(r.consumed), n);
  }
  return bytesHave(body, n);
}

/** Does a decoded command contain the needle: remark, header field values, body (module comment)? */
export function commandContains(cmd: RemotingCommand, requestCode: number | undefined, n: SearchNeedle): boolean {
  if (strHas(cmd.remark, n)) return true;
  const ext = cmd.extFields;
  if (ext) {
    for (const k in ext) {
      const v = ext[k];
      if (typeof v !== 'string') continue;
      if (v.includes('\u0001') ? propsHave(v, n) : strHas(v, n)) return true;
    }
  }
  return !!cmd.body && cmd.body.length > 0 && bodyContains(cmd, requestCode, cmd.body, n);
}

/** A body that starts like a ZLIB stream, an LZ4 frame or a ZSTD frame. */
function looksCompressed(b: Uint8Array, at: number): boolean {
  if (at + 4 > b.length) return false;
  const b0 = b[at], b1 = b[at + 1];
  if ((b0 & 0x0f) === 8 && (b0 >> 4) <= 7 && ((b0 << 8) | b1) % 31 === 0) return true; // zlib CMF/FLG
  const magic = (b0 | (b1 << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
  return magic === 0x184d2204 || magic === 0xfd2fb528;
}

/** Stored-message records from `at`: is one compressed, or is the layout not what we expect? */
function storedNeedsDecode(b: Uint8Array, at: number): boolean {
  let p = at;
  while (p < b.length) {
    if (p + 40 > b.length) return true;
    const size = ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
    const magic = ((b[p + 4] << 24) | (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7]);
    if ((magic !== MAGIC_V1 && magic !== MAGIC_V2) || size < 91) return true;
    const sysFlag = (b[p + 36] << 24) | (b[p + 37] << 16) | (b[p + 38] << 8) | b[p + 39];
    if (sysFlag & MessageSysFlag.COMPRESSED_FLAG) return true;
    p += size;
  }
  return false;
}

/**
 * One needle over frames. `bytes`: the frame as captured from its first byte (length ≤ size);
 * `complete`: every byte captured. The rest comes from the index: response flag, own code, the
 * answered request's code (undefined when not paired), header length.
 */
export class FrameSearcher {
  constructor(readonly needle: SearchNeedle) {}

  matches(bytes: Uint8Array, size: number, complete: boolean, response: boolean, code: number, requestCode: number | undefined, headerLen: number): boolean {
    const n = this.needle;
    if (n.bytes.length === 0) return true;
    if (n.rawSafe && indexOfFolded(bytes, 0, bytes.length, n) < 0) {
      // not in the bytes: only content the bytes do not show can still hold it
      const bodyAt = 8 + headerLen;
      if (bodyAt >= bytes.length) return false;
      if (!response && SEND_CODES.has(code)) { if (!looksCompressed(bytes, bodyAt)) return false; }
      else if (storedBodyOf(response, code, requestCode)) { if (!n.hex && !storedNeedsDecode(bytes, bodyAt)) return false; }
      else return false;
    }
    return this.verify(bytes, size, complete, requestCode, headerLen);
  }

  private verify(bytes: Uint8Array, size: number, complete: boolean, requestCode: number | undefined, headerLen: number): boolean {
    const n = this.needle;
    try {
      if (complete && bytes.length >= size) return commandContains(decodeFrame(bytes.subarray(0, size), { maxFrameLength: 0x7fffffff }), requestCode, n);
      // not captured in full: the header alone (when captured) and the body bytes as they are
      const headerEnd = 8 + headerLen;
      if (bytes.length < headerEnd) return bytesHave(bytes, n);
      const head = Buffer.alloc(headerEnd);
      head.set(bytes.subarray(0, headerEnd));
      head.writeUInt32BE(headerEnd - 4, 0);
      const cmd = decodeFrame(head, { maxFrameLength: 0x7fffffff });
      return commandContains({ ...cmd, body: null }, requestCode, n) || bytesHave(bytes.subarray(headerEnd), n);
    } catch {
      return bytesHave(bytes, n); // undecodable: its bytes
    }
  }
}

/** Content-search result of one term: `hits[i]` 1 = frame i's content matches, 2 = it answers a request that does. */
export class SearchHits implements ContentMatches {
  constructor(readonly term: string, public hits: Uint8Array, public frames: number) {}
  has(i: number): boolean { return i < this.frames && this.hits[i] !== 0; }
  /** Frames that match (own content or answering a matching request). */
  count(): number { let k = 0; for (let i = 0; i < this.frames; i++) if (this.hits[i]) k++; return k; }
  /** Room for frames up to `n` (searching more frames of a growing index). */
  reserve(n: number): void {
    if (this.hits.length >= n) return;
    const h = new Uint8Array(Math.max(n, this.hits.length * 2));
    h.set(this.hits);
    this.hits = h;
  }
}

/** Rows of other protocols (gRPC): their decoder's text (ids, keys, properties, bodies) contains the term (case-insensitive). */
function searchOtherProtocols(ix: CaptureIndex, result: SearchHits[], from: number, to: number): void {
  const c = ix.cols;
  for (let i = from; i < to; i++) {
    if (c.proto[i] === 0) continue;
    const text = protocolRows(c.proto[i])?.text?.(ix, i);
    if (!text) continue;
    const low = text.toLowerCase();
    for (const h of result) if (low.includes(h.term.toLowerCase())) h.hits[i] = 1;
  }
}

/** The response of a request whose content matches matches too (frames [from, to)). */
function addAnswers(ix: CaptureIndex, h: SearchHits, from: number, to: number): void {
  const c = ix.cols, hits = h.hits;
  for (let i = from; i < to; i++) {
    if (hits[i] !== 1 || c.flag[i] & 1) continue;
    const p = c.pair[i];
    if (p >= 0 && p < to && hits[p] === 0) hits[p] = 2;
  }
  // a response searched now to a request searched before
  for (let i = from; i < to; i++) {
    if (hits[i] !== 0 || !(c.flag[i] & 1)) continue;
    const p = c.pair[i];
    if (p >= 0 && p < from && hits[p] === 1) hits[i] = 2;
  }
}

export class SearchCancelled extends RocketMQDebuggerError {
  override name = 'AbortError';
  readonly kind = 'cancelled' as const;
  readonly outcome = 'cancelled' as const;
  constructor() { super('search cancelled'); }
}

/** Feeds the frames of a pass (index order) to the searchers. */
class SearchPass {
  k = 0;
  mismatch: string | null = null;
  halt: (() => void) | null = null;
  readonly searchers: FrameSearcher[];
  readonly result: SearchHits[];
  readonly n: number;
  constructor(readonly ix: CaptureIndex, terms: readonly string[]) {
    this.n = ix.length;
    this.searchers = terms.map((t) => new FrameSearcher(new SearchNeedle(t)));
    this.result = terms.map((t) => new SearchHits(t, new Uint8Array(this.n), this.n));
  }
  /** Pipeline passes: only these frames (null: all). */
  only: Set<number> | null = null;
  /** Frames the pipeline handed over without bytes: the driver re-reads them by random access. */
  readonly reread: number[] = [];
  frame(f: FrameOut): void {
    // the pipeline hands over remoting frames only: skip the index's rows of other protocols
    while (this.k < this.n && this.ix.cols.proto[this.k] !== 0) this.k++;
    const i = this.k++;
    if (i >= this.n) { if (this.ix.state !== 'indexing') this.halt?.(); return; }
    if (this.only && !this.only.has(i)) return;
    const c = this.ix.cols;
    if (f.summary.ok && (f.summary.opaque !== c.opaque[i] || f.summary.code !== c.code[i] || f.conn !== c.conn[i])) {
      this.mismatch ??= `frame ${i} of the search pass is not frame ${i} of the index (was the capture file changed?)`;
      this.halt?.();
      return;
    }
    let bytes: Uint8Array;
    if (f.bytes) bytes = f.bytes.subarray(0, f.bytesAvailable);
    else if (f.summary.ok && f.warn & FrameWarn.Oversize) bytes = f.headerBuf.subarray(0, 8 + f.headerLen); // oversize: only the header was kept
    else { this.reread.push(i); return; } // e.g. a header cut by a gap: the pipeline kept no bytes, random access has them
    const complete = f.missing === 0 && f.bytesAvailable >= f.size && !(f.warn & (FrameWarn.Oversize | FrameWarn.Truncated));
    const response = (c.flag[i] & 1) !== 0;
    const rq = c.reqCode[i];
    this.evaluate(i, bytes, f.size, complete, response, response && rq >= 0 ? rq : undefined);
  }
  /** Frame i's bytes (from its first byte; `complete`: all captured) against every term. */
  evaluate(i: number, bytes: Uint8Array, size: number, complete: boolean, response: boolean, requestCode: number | undefined): void {
    const c = this.ix.cols;
    for (let t = 0; t < this.searchers.length; t++) {
      if (this.searchers[t].matches(bytes, size, complete, response, c.code[i], requestCode, c.headerLen[i])) this.result[t].hits[i] = 1;
    }
  }
  finish(): SearchHits[] {
    if (this.mismatch) throw new Error(this.mismatch);
    searchOtherProtocols(this.ix, this.result, 0, this.n);
    for (const h of this.result) addAnswers(this.ix, h, 0, this.n);
    return this.result;
  }
}

export interface SearchOptions {
  signal?: AbortSignal;
  /** After each read: bytes of the file read so far (compressed bytes for `.gz`) and its size. */
  onProgress?: (bytesRead: number, fileSize: number) => void;
  /** Plain files: reads of 64 KiB doubling to `step` bytes, for a caller on a shared thread (see IndexOptions.step). */
  step?: number;
  /** Between reads; a returned promise pauses reading. */
  pace?: () => Promise<void> | void;
  /**
   * 'index' (default): the index-guided pass below; 'pipeline': the index pass's own pipeline in
   * full mode (TCP reassembly and frame splitting again) — slower, kept as the reference the tests
   * compare with.
   */
  method?: 'index' | 'pipeline';
  /** Filled with how the frames were read (benchmarks, tests). */
  stats?: SearchStats;
  /** Frames the index-guided pass could not assemble are re-read one by one up to this many (default 64, 0 for .gz); more go through one pipeline pass. */
  maxRereads?: number;
}

/** How a search read its frames. */
export interface SearchStats {
  /** Searched in place: the whole frame in one packet. */
  inPlace: number;
  /** Put together from several packets by the index-guided pass. */
  assembled: number;
  /** Re-read by random access. */
  reread: number;
  /** Searched in a pipeline pass. */
  pipeline: number;
}

/** Default of SearchOptions.maxRereads. */
const MAX_RANDOM_REREADS = 64;
/** A frame is re-read in full up to this size (frame-reader's limit); oversize frames: the header. */
const MAX_ASSEMBLE = 32 * 1024 * 1024;

/** Bytes of frame i that the search assembles (all of it, oversize: the header). */
function wanted(ix: CaptureIndex, i: number): number {
  const c = ix.cols;
  if (c.warn[i] & FrameWarn.Oversize) return Math.min(c.size[i], 8 + c.headerLen[i]);
  return Math.min(c.size[i], MAX_ASSEMBLE);
}

/** One multi-packet frame being put together: first copy of each byte wins (as the index pass and random access). */
class Assembly {
  readonly buf: Buffer;
  private readonly filled: [number, number][] = [];
  constructor(readonly want: number) { this.buf = Buffer.alloc(want); }
  fill(src: Uint8Array, base: number, s: number, e: number): void {
    fillFirstCopy(this.buf, this.filled, src, base, s, e);
  }
  get missing(): number {
    let have = 0;
    for (const [s, e] of this.filled) have += e - s;
    return this.want - have;
  }
}

/**
 * The index-guided pass: the index already knows where every frame is — its connection and
 * direction, the TCP sequence number of its first byte, its size and the records that carried it —
 * so this pass does not reassemble TCP or split frames again. It reads the records in file order,
 * decodes link / IP / TCP headers (IP fragments reassembled as in the index pass), and copies each
 * segment's payload into the frames of its stream whose record range holds this record. A frame in
 * one packet (the common case) is searched in place, without a copy. Frames are searched when the
 * pass is past their last record. A frame that ends up with more bytes missing than the index
 * recorded (out-of-order arrival this simple walk does not follow, a port reused in ways it cannot
 * tell apart) is re-read like random access does (frame-reader.ts) or, when there are many, by the
 * pipeline pass. Memory: one buffer per multi-packet frame in flight.
 */
class IndexedPass {
  private readonly c: CaptureIndex['cols'];
  private readonly n: number;
  /** Next frame of the same stream (connection × direction) in index order, -1 at the end. */
  private readonly nextInStream: Int32Array;
  /** First frame of each stream (conn * 2 + dir) not searched yet, -1 when none is left. */
  private readonly cur: Int32Array;
  /** Streams by (source port << 16 | destination port). */
  private readonly byPorts = new Map<number, number[]>();
  private readonly done: Uint8Array;
  private readonly asm = new Map<number, Assembly>();
  readonly fallback: number[] = [];
  inPlace = 0;
  assembled = 0;
  private readonly dec = new NetDecoder(() => { /* the index pass reported it */ });

  /** `select`: only these frames are put together and evaluated (default: all). */
  constructor(private readonly ix: CaptureIndex, private readonly evaluate: (i: number, bytes: Uint8Array, complete: boolean) => void, select?: (i: number) => boolean) {
    const c = this.c = ix.cols;
    const n = this.n = ix.length;
    const streams = ix.conns.length * 2;
    this.cur = new Int32Array(streams).fill(-1);
    const last = new Int32Array(streams).fill(-1);
    this.nextInStream = new Int32Array(n).fill(-1);
    this.done = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      // another protocol's rows (gRPC) are not stretches of the TCP stream: SearchPass.finish searches their text
      if (c.proto[i] !== 0 || (select && !select(i))) { this.done[i] = 1; continue; }
      const st = c.conn[i] * 2 + c.dir[i];
      if (st >= streams) { this.fallback.push(i); this.done[i] = 1; continue; }
      if (last[st] < 0) this.cur[st] = i; else this.nextInStream[last[st]] = i;
      last[st] = i;
    }
    for (const k of ix.conns) {
      if (!k) continue;
      this.addPorts((k.clientPort << 16) | k.serverPort, k.id * 2);
      this.addPorts((k.serverPort << 16) | k.clientPort, k.id * 2 + 1);
    }
  }

  private addPorts(key: number, stream: number): void {
    if (this.cur[stream] < 0) return; // no frames on this stream
    const l = this.byPorts.get(key);
    if (l) l.push(stream); else this.byPorts.set(key, [stream]);
  }

  packet(p: PacketInfo): void {
    const R = p.recordOffset;
    if (this.dec.decode(p.linkType, p.buf, p.tsUs, R, p.dataStart, p.dataStart + p.caplen) !== 'ok') return;
    const o = this.dec.out;
    if (o.protocol !== 6 || o.l4len < 20) return;
    const b = o.buf, t = o.l4off;
    const list = this.byPorts.get((((b[t] << 8) | b[t + 1]) << 16) | ((b[t + 2] << 8) | b[t + 3]));
    if (!list) return;
    const hl = (b[t + 12] >> 4) * 4;
    if (hl < 20 || hl > o.l4len) return;
    const cap = o.l4len - hl;
    if (cap <= 0) return;
    let seq = ((b[t + 4] << 24) | (b[t + 5] << 16) | (b[t + 6] << 8) | b[t + 7]) >>> 0;
    if (b[t + 13] & 0x02) seq = (seq + 1) >>> 0;
    const c = this.c;
    for (const st of list) {
      const k = this.ix.conns[st >> 1];
      const dir = st & 1;
      if (!o.srcIs(dir === 0 ? k.clientAddr : k.serverAddr) || !o.dstIs(dir === 0 ? k.serverAddr : k.clientAddr)) continue;
      // frames of this stream that ended before this record are complete: search them
      let i = this.cur[st];
      while (i >= 0 && c.posMax[i] < R) { this.finish(i); i = this.nextInStream[i]; }
      this.cur[st] = i;
      for (let j = i; j >= 0 && c.posMin[j] <= R; j = this.nextInStream[j]) {
        if (this.done[j] || c.posMax[j] < R) continue;
        const want = wanted(this.ix, j);
        const rel = (seq - c.startSeq[j]) | 0;
        const s = Math.max(0, rel), e = Math.min(want, rel + cap);
        if (e <= s) continue;
        const base = t + hl - rel;
        if (s === 0 && e === want && c.posMin[j] === R && c.posMax[j] === R) {
          // the whole frame in this one packet: search it in place
          this.done[j] = 1;
          this.inPlace++;
          this.evaluate(j, b.subarray(base, base + want), want === c.size[j] && !(c.warn[j] & (FrameWarn.Oversize | FrameWarn.Truncated)));
          continue;
        }
        let a = this.asm.get(j);
        if (!a) this.asm.set(j, a = new Assembly(want));
        a.fill(b, base, s, e);
      }
    }
  }

  private finish(i: number): void {
    if (this.done[i]) return;
    this.done[i] = 1;
    const a = this.asm.get(i);
    if (!a) { this.fallback.push(i); return; }
    this.asm.delete(i);
    const missing = a.missing;
    if (missing > 0 && missing > this.c.missing[i]) { this.fallback.push(i); return; }
    this.assembled++;
    this.evaluate(i, a.buf, missing === 0 && a.want === this.c.size[i] && !(this.c.warn[i] & (FrameWarn.Oversize | FrameWarn.Truncated)));
  }

  /** End of the file: search what is still open. */
  end(): void {
    for (let st = 0; st < this.cur.length; st++) {
      for (let i = this.cur[st]; i >= 0; i = this.nextInStream[i]) this.finish(i);
      this.cur[st] = -1;
    }
  }
}

/**
 * Searches every frame of the index (frames [0, ix.length) as the call starts) for each term, in one
 * streaming pass over the capture file (the index-guided pass above; `method: 'pipeline'` for the
 * pipeline's). Rejects with SearchCancelled when `signal` aborts.
 */
export async function searchCaptureFile(ix: CaptureIndex, terms: readonly string[], opts: SearchOptions = {}): Promise<SearchHits[]> {
  const path = ix.source.path;
  if (!path) throw new Error('index has no source path');
  const pass = new SearchPass(ix, terms);
  const progress = (read: number) => { opts.onProgress?.(read, ix.source.fileSize); return opts.pace?.(); };
  const steps = opts.step ? { first: 64 * 1024, max: opts.step } : {};
  if (opts.method === 'pipeline') {
    await pipelinePass(ix, path, pass, null, opts, progress, steps);
  } else {
    const c = ix.cols;
    const walk = new IndexedPass(ix, (i, bytes, complete) => {
      const response = (c.flag[i] & 1) !== 0;
      const rq = c.reqCode[i];
      pass.evaluate(i, bytes, c.size[i], complete, response, response && rq >= 0 ? rq : undefined);
    });
    const info = await streamCapture(path, { packet: (p) => walk.packet(p), warning: () => { /* the index pass reported it */ } }, { signal: opts.signal, pace: progress, ...steps });
    if (opts.signal?.aborted) throw new SearchCancelled();
    walk.end();
    if (opts.stats) { opts.stats.inPlace += walk.inPlace; opts.stats.assembled += walk.assembled; }
    // .gz has no random access (each re-read inflates the file up to the frame): one pipeline pass instead
    if (walk.fallback.length > (opts.maxRereads ?? (ix.source.gzip ? 0 : MAX_RANDOM_REREADS))) {
      await pipelinePass(ix, path, pass, new Set(walk.fallback), opts, progress, steps);
    } else {
      for (const i of walk.fallback) {
        if (opts.signal?.aborted) throw new SearchCancelled();
        evaluateRead(ix, pass, i, await readFrameBytes(ix, i, path));
      }
      if (opts.stats) opts.stats.reread += walk.fallback.length;
    }
    opts.onProgress?.(info.fileSize, info.fileSize);
  }
  return pass.finish();
}

/** Searches frame i in bytes re-read by random access. */
function evaluateRead(ix: CaptureIndex, pass: SearchPass, i: number, fb: FrameBytes): void {
  const c = ix.cols;
  const response = (c.flag[i] & 1) !== 0;
  const rq = c.reqCode[i];
  const complete = fb.missing === 0 && fb.bytes.length >= fb.size && !(c.warn[i] & (FrameWarn.Oversize | FrameWarn.Truncated));
  pass.evaluate(i, fb.bytes, fb.size, complete, response, response && rq >= 0 ? rq : undefined);
}

/** The pipeline pass: frames in index order with their bytes (only the frames in `only`, when given). */
async function pipelinePass(ix: CaptureIndex, path: string, pass: SearchPass, only: Set<number> | null, opts: SearchOptions,
  progress: (read: number) => Promise<void> | void, steps: { first?: number; max?: number }): Promise<void> {
  const held: { parser: CaptureParser | null } = { parser: null };
  pass.halt = () => held.parser?.halt();
  pass.only = only;
  const p = new Pipeline({ frame: (f) => pass.frame(f) }, { full: true });
  await streamCapture(path, p, { signal: opts.signal, onParser: (x) => { held.parser = x; }, pace: progress, ...steps });
  if (opts.signal?.aborted) throw new SearchCancelled();
  if (!held.parser?.isStopped) p.finish();
  for (const i of pass.reread) {
    if (opts.signal?.aborted) throw new SearchCancelled();
    evaluateRead(ix, pass, i, await readFrameBytes(ix, i, path));
  }
  if (opts.stats) { opts.stats.pipeline += (only ? only.size : ix.length) - pass.reread.length; opts.stats.reread += pass.reread.length; }
}

/** The same over capture bytes in memory (tests, small captures). */
export function searchCaptureBytes(ix: CaptureIndex, data: Uint8Array, terms: readonly string[]): SearchHits[] {
  const pass = new SearchPass(ix, terms);
  const p = new Pipeline({ frame: (f) => pass.frame(f) }, { full: true });
  const parser = p.newParser();
  pass.halt = () => parser.halt();
  parser.push(data);
  parser.finish();
  if (!parser.isStopped) p.finish();
  for (const i of pass.reread) evaluateRead(ix, pass, i, readFrameBytesFromBuffer(ix, i, data));
  return pass.finish();
}

/**
 * Searches frames [from, to) by random access (`read`: e.g. a live capture's kept bytes), adding to
 * `into` when given (extending an earlier search of a growing index). Frames whose bytes are gone
 * match on nothing here.
 */
export async function searchFrames(ix: CaptureIndex, term: string, read: (i: number) => FrameBytes | Promise<FrameBytes>, o: { from?: number; to?: number; into?: SearchHits; signal?: AbortSignal } = {}): Promise<SearchHits> {
  const from = o.from ?? 0, to = o.to ?? ix.length;
  const h = o.into ?? new SearchHits(term, new Uint8Array(to), 0);
  h.reserve(to);
  const s = new FrameSearcher(new SearchNeedle(term));
  const c = ix.cols;
  for (let i = from; i < to; i++) {
    if (o.signal?.aborted) throw new SearchCancelled();
    if (c.proto[i] !== 0) { searchOtherProtocols(ix, [h], i, i + 1); continue; }
    const fb = await read(i);
    if (fb.bytes.length === 0) { h.hits[i] = 0; continue; }
    const response = (c.flag[i] & 1) !== 0;
    const rq = c.reqCode[i];
    const complete = fb.missing === 0 && fb.bytes.length >= fb.size && !(c.warn[i] & (FrameWarn.Oversize | FrameWarn.Truncated));
    h.hits[i] = s.matches(fb.bytes, fb.size, complete, response, c.code[i], response && rq >= 0 ? rq : undefined, c.headerLen[i]) ? 1 : 0;
  }
  addAnswers(ix, h, from, to);
  h.frames = Math.max(h.frames, to);
  return h;
}

/**
 * The frames `select` picks, with their bytes, through the index-guided pass (one streaming read of
 * the file; frames it cannot put together are re-read by random access). `visit` gets a frame's
 * bytes (from its first byte; a view valid during the call) and whether all of them were captured;
 * frames come roughly in file order, not index order. For readers of a few frame kinds over a whole
 * capture (the doctor, src/core/doctor), where re-reading each frame would seek once per frame.
 */
export async function visitCaptureFrames(ix: CaptureIndex, select: (i: number) => boolean, visit: (i: number, bytes: Uint8Array, complete: boolean) => void, opts: Pick<SearchOptions, 'signal' | 'onProgress' | 'step' | 'pace'> = {}): Promise<void> {
  const path = ix.source.path;
  if (!path) throw new Error('index has no source path');
  const walk = new IndexedPass(ix, visit, select);
  const progress = (read: number) => { opts.onProgress?.(read, ix.source.fileSize); return opts.pace?.(); };
  await streamCapture(path, { packet: (p) => walk.packet(p), warning: () => { /* the index pass reported it */ } }, { signal: opts.signal, pace: progress, ...(opts.step ? { first: 64 * 1024, max: opts.step } : {}) });
  if (opts.signal?.aborted) throw new SearchCancelled();
  walk.end();
  const c = ix.cols;
  for (const i of walk.fallback) {
    if (opts.signal?.aborted) throw new SearchCancelled();
    const fb = await readFrameBytes(ix, i, path);
    visit(i, fb.bytes, fb.missing === 0 && fb.bytes.length >= fb.size && !(c.warn[i] & (FrameWarn.Oversize | FrameWarn.Truncated)));
  }
}
