/**
 * Streaming drivers for CaptureParser: plain files via positional reads into the parser's own buffer,
 * `.gz` files via zlib streaming. Never loads a whole capture.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { CaptureParser, ParserCallbacks } from './file-format';

export interface SourceInfo {
  path: string;
  gzip: boolean;
  /** Size on disk. */
  fileSize: number;
  /** Bytes of (uncompressed) capture stream consumed. */
  streamBytes: number;
}

const CHUNK = 4 * 1024 * 1024;
/** Read size of the double-buffered plain-file path, and the room kept in front for the parser's unparsed tail. */
const READ = 8 * 1024 * 1024;
const RESERVE = 1024 * 1024;

export function isGzipFile(path: string): boolean {
  const fd = fs.openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const n = fs.readSync(fd, b, 0, 2, 0);
    return n === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

/** Read sizes of a plain-file pass (see readPlainFile). */
export interface ReadSteps {
  /** First read size (default: `max`). Callers on a shared thread start small to show first records early. */
  first?: number;
  /** Largest read size (default 8 MiB); reads double from `first` up to it. */
  max?: number;
}

export interface PlainReadOptions extends ReadSteps {
  /** File offset of the first byte (a record boundary the parser was resumed at). */
  from?: number;
  signal?: AbortSignal;
  /** Called after each read is parsed, with the file offset read up to; a returned promise pauses reading until it settles. */
  between?: (fileOffset: number) => Promise<void> | void;
}

/**
 * Feeds `parser` from a plain file until the end, a halted parser or an aborted signal. Two
 * buffers: the next read fills one while the parser works on the other (CaptureParser.adopt), so
 * disk (or page cache) copies overlap with decoding instead of alternating with it. The event loop
 * runs between reads, so no synchronous parse is longer than one read. Does not call finish().
 */
export async function readPlainFile(path: string, parser: CaptureParser, o: PlainReadOptions = {}): Promise<void> {
  const max = o.max ?? READ;
  const reserve = Math.min(RESERVE, max);
  let step = Math.min(o.first ?? max, max);
  const ring: Buffer[] = [];
  const buf = (i: number): Buffer => {
    if (!ring[i] || ring[i].length < reserve + step) ring[i] = Buffer.allocUnsafe(reserve + step);
    return ring[i];
  };
  const fh = await fs.promises.open(path, 'r');
  let k = 0;
  let pos = o.from ?? 0;
  let inflight: Promise<{ bytesRead: number }> | null = fh.read(buf(0), reserve, step, pos);
  try {
    for (;;) {
      if (o.signal?.aborted) break;
      const { bytesRead } = await inflight!;
      inflight = null;
      if (bytesRead === 0) break;
      pos += bytesRead;
      parser.adopt(ring[k], reserve, bytesRead);
      k ^= 1;
      step = Math.min(step * 2, max);
      inflight = fh.read(buf(k), reserve, step, pos);
      parser.commit(0);
      if (parser.isStopped) break;
      const w8 = o.between?.(pos);
      if (w8) await w8; // consumer backpressure (e.g. a slow stdout, the extension host's other work)
    }
  } finally {
    if (inflight) await inflight.catch(() => undefined);
    await fh.close();
  }
}

/**
 * Reads the whole capture through `cb`. Resolves when done; problems are reported through
 * cb.warning, never thrown (except an unreadable path, which rejects). `first`/`max` size the
 * reads of plain files; `.gz` files go through an inflate stream (≤ 1 MiB chunks). `pace` runs after
 * each chunk with the bytes of the file read so far (compressed bytes for `.gz`).
 */
export async function streamCapture(path: string, cb: ParserCallbacks, opts: ReadSteps & { signal?: AbortSignal; onParser?: (p: CaptureParser) => void; pace?: (fileBytesRead: number) => Promise<void> | void } = {}): Promise<SourceInfo> {
  const st = fs.statSync(path);
  const gzip = st.size >= 2 && isGzipFile(path);
  const parser = new CaptureParser(cb);
  opts.onParser?.(parser);
  if (!gzip) {
    await readPlainFile(path, parser, { first: opts.first, max: opts.max, signal: opts.signal, between: opts.pace });
    parser.finish();
    return { path, gzip, fileSize: st.size, streamBytes: parser.consumed };
  }
  await new Promise<void>((resolve) => {
    const rs = fs.createReadStream(path, { highWaterMark: CHUNK });
    const gz = zlib.createGunzip({ chunkSize: 1 << 20 });
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      if (err) cb.warning({ kind: 'gzip.error', message: `gzip: ${err.message}${parser.consumed ? ` (after ${parser.consumed} uncompressed bytes)` : ''}`, fileOffset: parser.consumed });
      rs.destroy();
      gz.destroy();
      resolve();
    };
    gz.on('data', (chunk: Buffer) => {
      if (opts.signal?.aborted) return finish();
      parser.push(chunk);
      if (parser.isStopped) return finish();
      const w8 = opts.pace?.(rs.bytesRead); // compressed bytes: what the file size is measured in
      if (w8) { gz.pause(); w8.then(() => gz.resume(), () => gz.resume()); }
    });
    gz.on('end', () => finish());
    gz.on('error', (e) => finish(e));
    rs.on('error', (e) => finish(e));
    rs.pipe(gz);
  });
  parser.finish();
  return { path, gzip, fileSize: st.size, streamBytes: parser.consumed };
}

/** Synchronous variant for plain files (used by benchmarks and random access); gz via inflate stream is async only. */
export function streamCaptureSync(path: string, cb: ParserCallbacks): SourceInfo {
  const st = fs.statSync(path);
  const parser = new CaptureParser(cb);
  const fd = fs.openSync(path, 'r');
  try {
    let pos = 0;
    for (;;) {
      const w = parser.writable(CHUNK);
      const n = fs.readSync(fd, w.buf, w.off, Math.min(w.len, CHUNK * 4), pos);
      if (n === 0) break;
      pos += n;
      parser.commit(n);
      if (parser.isStopped) break;
    }
  } finally {
    fs.closeSync(fd);
  }
  parser.finish();
  return { path, gzip: false, fileSize: st.size, streamBytes: parser.consumed };
}
