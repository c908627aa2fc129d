/**
 * Follows a capture file while another program (dumpcap, tcpdump) is still writing it: the same
 * index pass as `indexCaptureFile` (parser → pipeline → IndexBuilder, so pairing, warnings and
 * random access behave exactly as for a finished file), except that reaching the end of the file
 * means "wait for more" until the writer is known to be done.
 *
 * Why a separate reader instead of an option of `indexCaptureFile`: that pass reads a file whose
 * size is known, double-buffered and as fast as it can; here reads are small, mostly hit the end,
 * and the wake-up is a file-change event (inotify through `fs.watch`) with a short timer as the
 * fallback, so frames reach the index a few milliseconds after the writer flushes them.
 *
 * A record the writer has only half written is held by the parser until the rest arrives (the parser
 * waits for whole blocks), so a read landing mid-block is harmless.
 *
 * A capture written as a sequence of files (a ring buffer: each file a complete capture, starting
 * with the same file header) is followed as one stream: the header once, then each file's records
 * (see CaptureSegment). Index offsets are offsets in that stream.
 */
import * as fs from 'node:fs';
import { CaptureParser, ParserCallbacks } from './file-format';
import { CaptureIndex, ConnSummary, describeSource, finishIndex, IndexBuilder, makePipeline } from './capture-index';

/** One file of a capture written as a sequence of files. */
export interface CaptureSegment {
  path: string;
  /** Stream offset of the first byte this file adds to the stream (0 for the first file). */
  streamStart: number;
  /** Where that byte is in the file: after the file header every file repeats (0 for the first file). */
  fileStart: number;
  /** Stream offset at which this file ends, once the writer has moved on to the next one; null while written. */
  streamEnd: number | null;
}

/** The files of a capture, as far as written (the follower asks again whenever it reaches the end of one). */
export interface SegmentList {
  segments(): readonly CaptureSegment[];
}

/** The file of segment `seg` and the offset in it of stream offset `pos`. */
export function segmentOffset(seg: CaptureSegment, pos: number): number {
  return seg.fileStart + (pos - seg.streamStart);
}

export interface FollowOptions {
  /** Longest wait between two looks at the file when no change event came (ms). Default 100. */
  pollMs?: number;
  /** Largest single read (bytes). Default 1 MiB: the event loop runs between reads. */
  readStep?: number;
  /** After each read that added bytes, with the file bytes read so far. */
  onProgress?: (bytesRead: number) => void;
  /** A connection's first packet. */
  onConnection?: (conn: ConnSummary) => void;
}

export class CaptureFollower {
  readonly index: CaptureIndex;
  /** Resolves with the closed index once the writer is done and the file is read to its end, or after cancel(). */
  readonly done: Promise<CaptureIndex>;
  private readonly builder = new IndexBuilder();
  private readonly ac = new AbortController();
  private writerFinished = false;
  private wake: (() => void) | null = null;
  private read = 0;
  private parser: CaptureParser | null = null;
  private readonly files: SegmentList;

  /** `source`: one file, or the files of a ring buffer. */
  constructor(source: string | SegmentList, private readonly opts: FollowOptions = {}) {
    this.files = typeof source === 'string' ? { segments: () => [{ path: source, streamStart: 0, fileStart: 0, streamEnd: null }] } : source;
    this.index = this.builder.index;
    this.index.source.path = typeof source === 'string' ? source : this.files.segments()[0]?.path ?? null;
    if (opts.onConnection) this.builder.onConnection = opts.onConnection;
    this.done = this.run();
  }

  /** Stream bytes read so far (file bytes, for one file). */
  get bytesRead(): number { return this.read; }

  /** The writer has exited: read what is left, then close the index (state `complete`). */
  writerDone(): void {
    this.writerFinished = true;
    this.wake?.();
  }

  /** Stops following now: the index closes with what was read (state `cancelled`). */
  cancel(): void {
    this.ac.abort();
    this.wake?.();
  }

  private async run(): Promise<CaptureIndex> {
    const t0 = Date.now();
    const ix = this.index;
    const signal = this.ac.signal;
    const pipeline = makePipeline(this.builder, {}, false);
    const cb: ParserCallbacks = {
      packet: pipeline.packet.bind(pipeline),
      warning: (w) => { if (!signal.aborted) pipeline.warning(w); },
      iface: pipeline.iface.bind(pipeline),
    };
    const parser = this.parser = new CaptureParser(cb);
    const step = this.opts.readStep ?? 1 << 20;
    let watcher: fs.FSWatcher | null = null;
    let fh: fs.promises.FileHandle | null = null;
    let k = 0; // the segment being read
    const closeFile = async () => { watcher?.close(); watcher = null; await fh?.close(); fh = null; };
    try {
      while (!signal.aborted) {
        const finishedBefore = this.writerFinished; // a read that started after the writer exited sees all it wrote
        const segs = this.files.segments();
        const seg = segs[k];
        if (!seg) { if (finishedBefore) break; await this.sleep(); continue; } // the next file is not there yet
        // The writer creates the file; until then (or if it never does) wait like at the end of it.
        if (!fh) {
          try { fh = await fs.promises.open(seg.path, 'r'); } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
            if (seg.streamEnd !== null || k > 0) {
              // A ring file removed before it was read: what follows it cannot be joined to what came before.
              pipeline.warning({ kind: 'capture.file-gone', message: `${seg.path} was removed before it was read: the capture is cut there`, fileOffset: this.read });
              break;
            }
            if (finishedBefore) throw e;
            await this.sleep();
            continue;
          }
          const path = seg.path;
          try { watcher = fs.watch(path, () => this.wake?.()); watcher.on('error', () => undefined); } catch { /* the timer still wakes us */ }
        }
        const closedBefore = seg.streamEnd;
        const w = parser.writable(step);
        const { bytesRead } = await fh.read(w.buf, w.off, Math.min(w.len, step), segmentOffset(seg, this.read));
        if (bytesRead > 0) {
          this.read += bytesRead;
          parser.commit(bytesRead);
          this.progress(pipeline.packets, pipeline.firstUs, pipeline.lastUs);
          if (parser.isStopped) break; // not a capture, or a corrupt block: nothing after it can be read
          continue;
        }
        if (closedBefore !== null && this.read >= closedBefore) { await closeFile(); k++; continue; } // on to the next file
        if (finishedBefore && k >= segs.length - 1) break;
        await this.sleep();
      }
    } finally {
      await closeFile();
    }
    parser.finish();
    finishIndex(this.builder, pipeline, parser, t0, signal);
    ix.source.fileSize = this.read;
    return ix;
  }

  private progress(packets: number, firstUs: number, lastUs: number): void {
    const ix = this.index;
    describeSource(ix, this.parser!);
    ix.source.fileSize = this.read;
    ix.packets = packets;
    if (packets) { ix.firstUs = firstUs; ix.lastUs = lastUs; }
    this.opts.onProgress?.(this.read);
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.opts.pollMs ?? 100);
      function done(): void { clearTimeout(timer); resolve(); }
      this.wake = () => { this.wake = null; done(); };
    });
  }
}

/** Starts following `path` (it may not exist yet), or the files of a ring buffer. See CaptureFollower. */
export function followCaptureFile(source: string | SegmentList, opts: FollowOptions = {}): CaptureFollower {
  return new CaptureFollower(source, opts);
}
