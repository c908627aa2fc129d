/**
 * Where an inspector's frames come from: a capture file indexed by the core's index pass (rows are
 * served while it runs), a live capture (the file dumpcap or tcpdump is writing, followed as it
 * grows), or the producer's own traffic (a view of `OwnTraffic`). All hand out a growing
 * `CaptureIndex` — connections are in `index.conns` from their first packet — and read one frame's
 * bytes on demand.
 *
 * Plain Node: no vscode import.
 */
import * as fs from 'node:fs';
import { CaptureIndex, indexCaptureFile } from '../../core/capture/capture-index';
import { FrameBytes, readFrameBytes } from '../../core/capture/frame-reader';
import { TrafficView } from './own-traffic';
import { LiveFileCapture } from '../capture/live-file-capture';

export interface CaptureSource {
  readonly title: string;
  readonly live: boolean;
  readonly index: CaptureIndex;
  readFrame(frame: number): Promise<FrameBytes>;
  bytesRead(): number;
  readonly totalBytes: number;
  /** Resolves when indexing is over (immediately for live sources). */
  readonly done: Promise<{ cancelled: boolean }>;
  cancel(): void;
  /** Called with new frames (batched). Returns an unsubscribe function. */
  onGrowth(l: () => void): () => void;
  /** Live captures: whether the capture tool still runs. */
  capturing?(): boolean;
}

/** Largest read of the index pass: the extension host answers the webview between reads (≈ 1–10 ms each). */
export const INDEX_READ_STEP = 1024 * 1024;
/** Growth notices while a file is indexed come at most this often (and once at the end). */
export const GROWTH_NOTICE_MS = 150;

export function fileSource(path: string, title: string): CaptureSource {
  const totalBytes = fs.statSync(path).size; // an unreadable path fails here, when the editor opens
  const ac = new AbortController();
  const listeners = new Set<() => void>();
  const notify = (): void => { for (const l of listeners) l(); };
  let handed: CaptureIndex | undefined;
  let bytesRead = 0;
  let lastNotice = 0;
  const pass = indexCaptureFile(path, {
    signal: ac.signal,
    step: INDEX_READ_STEP,
    onIndex: (ix) => { handed = ix; },
    onProgress: (n) => {
      bytesRead = n;
      const now = Date.now();
      if (now - lastNotice >= GROWTH_NOTICE_MS) { lastNotice = now; notify(); }
    },
  });
  const index = handed as CaptureIndex | undefined;
  if (!index) throw new Error('indexCaptureFile did not hand out its index'); // onIndex runs before it returns
  const done = pass.then((ix) => { notify(); return { cancelled: ix.state === 'cancelled' }; });
  return {
    title, live: false, index, totalBytes, done,
    bytesRead: () => bytesRead,
    readFrame: (i) => readFrameBytes(index, i),
    cancel: () => ac.abort(),
    onGrowth: (l) => { listeners.add(l); return () => { listeners.delete(l); }; },
  };
}

/** The producer's own traffic: a view of the store (closed by `cancel`, when its inspector closes). */
export function liveSource(view: TrafficView, title: string): CaptureSource {
  return {
    title, live: true, index: view.index, totalBytes: 0, done: Promise.resolve({ cancelled: false }),
    bytesRead: () => 0,
    readFrame: async (i) => view.readFrame(i),
    cancel: () => view.close(),
    onGrowth: (l) => view.onChange(l),
  };
}

/**
 * A live capture: frames as the follower indexes the file the capture tool writes; indexing is done
 * when the capture has stopped and the file is read to its end. `cancel` (the inspector's Cancel
 * button) stops the capture.
 */
export function captureSource(capture: LiveFileCapture, title: string): CaptureSource {
  const done = capture.ended.then((e) => ({ cancelled: e.index.state === 'cancelled' }));
  return {
    title, live: true, index: capture.index, totalBytes: 0, done,
    bytesRead: () => capture.bytes,
    readFrame: (i) => readFrameBytes(capture.index, i),
    cancel: () => { void capture.stop(); },
    onGrowth: (l) => capture.onChange(l),
    capturing: () => capture.running,
  };
}
