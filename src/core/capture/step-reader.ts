/**
 * Reading a plain capture file in small steps, for callers that share their thread (the VS Code
 * extension host) or want a few records from the middle of a file (random access):
 *
 * - `readFileInSteps` feeds a parser from any offset, `first` bytes at a time, doubling up to `max`,
 *   until the end of the file, a halted parser or an aborted signal. The event loop runs between
 *   steps (an `await` per read), so no synchronous parse is longer than one step.
 * - `streamCaptureInSteps` is `streamCapture` (source.ts) with such steps for plain files: the first
 *   records arrive after the first 64 KiB instead of after an 8 MiB read. `.gz` files go through
 *   `streamCapture` unchanged (its inflate stream already hands out ≤ 1 MiB chunks).
 *
 * Throughput is below `streamCapture`'s double-buffered 8 MiB reads (reads do not overlap parsing);
 * the CLI and the benchmarks use that one.
 */
import * as fs from 'node:fs';
import { CaptureParser, ParserCallbacks } from './file-format';
import { isGzipFile, SourceInfo, streamCapture } from './source';

/** Size of the first read of a stepped pass. */
export const FIRST_STEP = 64 * 1024;

export interface StepOptions {
  /** File offset of the first byte to read (a record boundary the parser was resumed at). */
  from?: number;
  /** First read size (default 64 KiB, at most `max`). */
  first?: number;
  /** Largest read size. */
  max: number;
  signal?: AbortSignal;
  /** Called after each step; a returned promise pauses reading until it settles. */
  between?: () => Promise<void> | void;
}

/** Feeds `parser` from a plain file in growing steps (see the file comment). Does not call `parser.finish()`. */
export async function readFileInSteps(path: string, parser: CaptureParser, o: StepOptions): Promise<void> {
  const fh = await fs.promises.open(path, 'r');
  try {
    let pos = o.from ?? 0;
    let step = Math.min(o.first ?? FIRST_STEP, o.max);
    while (!o.signal?.aborted) {
      const w = parser.writable(step);
      const { bytesRead } = await fh.read(w.buf, w.off, Math.min(w.len, step), pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      parser.commit(bytesRead);
      if (parser.isStopped) break;
      step = Math.min(step * 2, o.max);
      const w8 = o.between?.();
      if (w8) await w8;
    }
  } finally {
    await fh.close();
  }
}

/**
 * `streamCapture` with stepped reads of plain files, at most `step` bytes each (see the file
 * comment). Same contract: resolves when done, problems go to `cb.warning`.
 */
export async function streamCaptureInSteps(path: string, cb: ParserCallbacks, opts: { step: number; signal?: AbortSignal; onParser?: (p: CaptureParser) => void; pace?: () => Promise<void> | void }): Promise<SourceInfo> {
  if (isGzipFile(path)) return streamCapture(path, cb, opts);
  const fileSize = fs.statSync(path).size;
  const parser = new CaptureParser(cb);
  opts.onParser?.(parser);
  await readFileInSteps(path, parser, { max: opts.step, signal: opts.signal, between: opts.pace });
  parser.finish();
  return { path, gzip: false, fileSize, streamBytes: parser.consumed };
}
