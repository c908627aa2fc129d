/**
 * Thin adapter over the capture decoder (src/core/capture), which is still growing. What the
 * inspector needs and the core does not expose (yet) lives here, built only from the core's public
 * pieces:
 *
 * - `indexCaptureStreaming`: the same pass as `indexCaptureFile`, but the `CaptureIndex` is handed
 *   out *before* the pass ends (the core only returns it at the end), so the first rows can be shown
 *   while indexing continues; connection labels are known as soon as a connection's first packet is
 *   seen (the core fills `conns` only when a connection closes).
 * - `readFrameBytes`: random access to one frame's bytes, re-reading only the records between the
 *   frame's `posMin` and `posMax` and reassembling its TCP payload by sequence number.
 *
 * Plain Node: no vscode import.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { CaptureIndex, ConnSummary, formatAddr, formatEndpoint, IndexBuilder } from '../../../core/capture/capture-index';
import { CaptureParser, InterfaceInfo, PacketInfo, ResumeState } from '../../../core/capture/file-format';
import { NetDecoder } from '../../../core/capture/netlayers';
import { Pipeline } from '../../../core/capture/pipeline';
import { isGzipFile, SourceInfo, streamCapture } from '../../../core/capture/source';
import { ParserCallbacks } from '../../../core/capture/file-format';
import { ConnInfo } from '../../../core/capture/tcp';

export interface ConnLabelInfo {
  client: string;
  server: string;
  clientAddr: Uint8Array;
  serverAddr: Uint8Array;
  clientPort: number;
  serverPort: number;
}

export interface StreamingIndex {
  readonly index: CaptureIndex;
  /** Connection endpoints by connection id (filled at connection start). */
  readonly conns: Map<number, ConnLabelInfo>;
  /** Bytes of capture stream consumed so far. */
  bytesRead(): number;
  readonly fileSize: number;
  /** Resolves when the pass is over (also after cancellation). */
  readonly done: Promise<{ cancelled: boolean }>;
}

export function connFromInfo(info: Pick<ConnInfo, 'clientAddr' | 'serverAddr' | 'clientPort' | 'serverPort'>): ConnLabelInfo {
  return {
    client: formatEndpoint(formatAddr(info.clientAddr), info.clientPort),
    server: formatEndpoint(formatAddr(info.serverAddr), info.serverPort),
    clientAddr: Uint8Array.from(info.clientAddr), serverAddr: Uint8Array.from(info.serverAddr),
    clientPort: info.clientPort, serverPort: info.serverPort,
  };
}

/**
 * Indexes a capture file in one streaming pass; returns at once with the index being filled.
 * `onBatch` is called at most every `batchMs` while frames arrive, and once at the end.
 */
export function indexCaptureStreaming(path: string, opts: { signal?: AbortSignal; onBatch?: () => void; batchMs?: number } = {}): StreamingIndex {
  const t0 = Date.now();
  const b = new IndexBuilder();
  const conns = new Map<number, ConnLabelInfo>();
  let parserRef: CaptureParser | null = null;
  const fileSize = fs.statSync(path).size;
  const batchMs = opts.batchMs ?? 150;
  let lastBatch = 0;
  const p = new Pipeline({
    frame: (f) => {
      b.frame(f);
      const now = Date.now();
      if (opts.onBatch && now - lastBatch >= batchMs) { lastBatch = now; queueMicrotask(opts.onBatch); }
    },
    connClosed: (info, r, fr) => {
      conns.set(info.id, connFromInfo(info));
      b.connClosed(info, r, fr);
    },
  }, { full: false });
  // Learn connection endpoints at their first packet: wrap the tracker's sink factory.
  const tracker = p.tcp as unknown as { newSinks: (info: ConnInfo) => unknown };
  const origNewSinks = tracker.newSinks;
  if (typeof origNewSinks === 'function') {
    tracker.newSinks = (info: ConnInfo) => { conns.set(info.id, connFromInfo(info)); return origNewSinks(info); };
  }
  const cb = { packet: p.packet.bind(p), warning: p.warning.bind(p), iface: p.iface.bind(p) };
  const done = (async () => {
    const info = isGzipFile(path)
      ? await streamCapture(path, cb, { signal: opts.signal, onParser: (x) => { parserRef = x; } })
      : await streamPlainFile(path, cb, opts.signal, (x) => { parserRef = x; });
    p.finish();
    const ix = b.index;
    ix.warnings = p.warnings;
    ix.packets = p.packets;
    ix.firstUs = p.packets ? p.firstUs : 0;
    ix.lastUs = p.packets ? p.lastUs : 0;
    ix.skipped = Object.fromEntries(p.net.skipped);
    const parser = parserRef as CaptureParser | null;
    if (parser) {
      ix.source.format = parser.detectedFormat;
      ix.source.littleEndian = parser.littleEndian;
      ix.source.nanos = parser.isNanos;
      ix.source.interfaces = parser.interfaces;
      ix.source.sections = parser.sections;
      ix.source.streamBytes = parser.consumed;
    }
    ix.source.path = path;
    ix.source.gzip = info.gzip;
    ix.source.fileSize = info.fileSize;
    ix.passMs = Date.now() - t0;
    opts.onBatch?.();
    return { cancelled: !!opts.signal?.aborted };
  })();
  return {
    index: b.index,
    conns,
    fileSize,
    bytesRead: () => (parserRef as CaptureParser | null)?.consumed ?? 0,
    done,
  };
}

/**
 * Like the core's streamCapture for plain files, but starts with small reads and grows them, so the
 * first frames reach the screen after a few hundred KB instead of after a 16 MB read-and-parse.
 */
async function streamPlainFile(path: string, cb: ParserCallbacks, signal: AbortSignal | undefined, onParser: (p: CaptureParser) => void): Promise<SourceInfo> {
  const size = fs.statSync(path).size;
  const parser = new CaptureParser(cb);
  onParser(parser);
  const fh = await fs.promises.open(path, 'r');
  try {
    let pos = 0;
    let chunk = 64 * 1024;
    for (;;) {
      if (signal?.aborted) break;
      const w = parser.writable(chunk);
      const { bytesRead } = await fh.read(w.buf, w.off, Math.min(w.len, chunk), pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      parser.commit(bytesRead);
      if (parser.isStopped) break;
      chunk = Math.min(chunk * 2, 1024 * 1024); // ~15 ms of parsing per chunk: messages from the webview never wait long
    }
  } finally {
    await fh.close();
  }
  parser.finish();
  return { path, gzip: false, fileSize: size, streamBytes: parser.consumed };
}

export interface FrameBytes {
  bytes: Uint8Array;
  /** Bytes of the frame that were never found in the capture (zero-filled). */
  missing: number;
}

function u16(b: Uint8Array, o: number): number { return (b[o] << 8) | b[o + 1]; }
function u32(b: Uint8Array, o: number): number { return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0; }
function eq(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const MAX_FRAME_READ = 64 * 1024 * 1024;

/**
 * Reads one frame's bytes back from the capture file: parses the records between the frame's
 * smallest and largest record offset, keeps the TCP segments of its connection and direction, and
 * places their payload by sequence number relative to the frame's first byte.
 */
export async function readFrameBytes(ix: CaptureIndex, conn: ConnLabelInfo | ConnSummary | undefined, i: number): Promise<FrameBytes> {
  const c = ix.cols;
  const size = Math.min(c.size[i], MAX_FRAME_READ);
  const out = new Uint8Array(size);
  const filled = new Uint8Array(size);
  let have = 0;
  const src = ix.source;
  if (!src.path || !conn) return { bytes: out, missing: size };
  const dir = c.dir[i];
  const startSeq = c.startSeq[i];
  const posMin = c.posMin[i], posMax = c.posMax[i];
  const srcAddr = dir === 0 ? conn.clientAddr : conn.serverAddr;
  const srcPort = dir === 0 ? conn.clientPort : conn.serverPort;
  const dstPort = dir === 0 ? conn.serverPort : conn.clientPort;
  const net = new NetDecoder(() => { /* warnings already counted by the index pass */ });
  let past = false;
  const onPacket = (pk: PacketInfo) => {
    if (pk.recordOffset > posMax) { past = true; return; }
    if (pk.recordOffset < posMin) return;
    if (net.decode(pk.linkType, pk.data, pk.tsUs, pk.recordOffset) !== 'ok') return;
    const n = net.out;
    if (n.protocol !== 6 || n.l4len < 20) return;
    const b = n.buf, o = n.l4off;
    if (u16(b, o) !== srcPort || u16(b, o + 2) !== dstPort || !eq(n.src, srcAddr)) return;
    const hl = (b[o + 12] >> 4) * 4;
    if (hl < 20 || hl > n.l4len) return;
    const seq = u32(b, o + 4);
    const pStart = o + hl, pLen = n.l4len - hl;
    if (pLen <= 0) return;
    let rel = (seq - startSeq) | 0; // signed distance, wraps correctly
    let from = pStart, len = pLen;
    if (rel < 0) { if (-rel >= len) return; from -= rel; len += rel; rel = 0; }
    if (rel >= size) return;
    len = Math.min(len, size - rel);
    for (let k = 0; k < len; k++) {
      if (!filled[rel + k]) { filled[rel + k] = 1; out[rel + k] = b[from + k]; have++; }
    }
  };
  const cb = { packet: onPacket, warning: () => { /* counted by the index pass */ } };
  if (!src.gzip && src.format) {
    const resume = resumeStateAt(ix, posMin);
    const parser = new CaptureParser(cb, resume);
    const fh = await fs.promises.open(src.path, 'r');
    try {
      let pos = posMin;
      const CH = 256 * 1024;
      while (!past && have < size) {
        const w = parser.writable(CH);
        const { bytesRead } = await fh.read(w.buf, w.off, Math.min(w.len, CH), pos);
        if (bytesRead === 0) break;
        pos += bytesRead;
        parser.commit(bytesRead);
        if (parser.isStopped) break;
      }
    } finally {
      await fh.close();
    }
  } else {
    // gzip has no random access: inflate from the start and stop past the frame.
    const parser = new CaptureParser(cb);
    await new Promise<void>((resolve) => {
      const rs = fs.createReadStream(src.path!, { highWaterMark: 1 << 20 });
      const gz = zlib.createGunzip();
      const end = () => { rs.destroy(); gz.destroy(); resolve(); };
      gz.on('data', (chunk: Buffer) => { parser.push(chunk); if (past || have >= size || parser.isStopped) end(); });
      gz.on('end', end); gz.on('error', end); rs.on('error', end);
      rs.pipe(gz);
    });
  }
  return { bytes: out, missing: size - have + (c.size[i] - size) };
}

function resumeStateAt(ix: CaptureIndex, offset: number): ResumeState {
  const src = ix.source;
  if (src.format === 'pcap') {
    return { format: 'pcap', le: src.littleEndian, offset, nanos: src.nanos, sectionIfaces: src.interfaces.slice(0, 1) };
  }
  let sectionNo = 0;
  let le = src.littleEndian;
  src.sections.forEach((s, k) => { if (s.offset <= offset) { sectionNo = k; le = s.le; } });
  const ifaces: InterfaceInfo[] = src.interfaces.filter((x) => x.section === sectionNo);
  return { format: 'pcapng', le, offset, sectionNo, sectionIfaces: ifaces };
}
