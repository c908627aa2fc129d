/**
 * A live capture: the capture tool writing a file (capture-process.ts) and the core's follower
 * indexing that file as it grows (core/capture/follow.ts), so the inspector lists frames a moment
 * after they cross the wire. Limits (duration, size) are applied here, the same way for both tools.
 *
 * Lifecycle: `start()` checks the filter, starts the tool and resolves once it captures (or rejects
 * with a worded CaptureError); `ended` resolves when the tool has exited and the file is read to its
 * end — whether stop() was called, a limit was reached or the tool died (then `error` says why; the
 * frames captured until then stay in the index and the file).
 *
 * Plain Node: no vscode import.
 */
import { CaptureIndex } from '../../core/capture/capture-index';
import { CaptureFollower, followCaptureFile } from '../../core/capture/follow';
import { FrameBytes, readFrameBytes } from '../../core/capture/frame-reader';
import { RingSpec, WrittenSegment } from './capture-writer';
import { CaptureError } from './errors';
import { CaptureProcess } from './capture-process';
import { validateFilter } from './tool-commands';
import { CaptureTool } from './tools';

export interface LiveCaptureLimits {
  /** Stop after this many seconds. */
  durationSec?: number;
  /** Stop once the file holds this many bytes. */
  maxBytes?: number;
}

export interface LiveCaptureSpec {
  tool: CaptureTool;
  iface: string;
  /** BPF expression ('' = everything on the interface). */
  filter: string;
  file: string;
  limits?: LiveCaptureLimits;
  /** A ring of files instead of one: the newest `files` files of about `fileBytes` each are kept. */
  ring?: RingSpec;
}

export type EndReason = 'stopped' | 'duration-limit' | 'size-limit' | 'tool-exited';

export interface LiveCaptureEnd {
  reason: EndReason;
  /** Why the tool stopped on its own (reason 'tool-exited'). */
  error: CaptureError | null;
  index: CaptureIndex;
}

export class LiveFileCapture {
  readonly startedAt = Date.now();
  readonly ended: Promise<LiveCaptureEnd>;
  private reason: EndReason | null = null;
  private endInfo: LiveCaptureEnd | null = null;
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;

  private constructor(readonly spec: LiveCaptureSpec, readonly proc: CaptureProcess, readonly follower: CaptureFollower) {
    const limits = spec.limits ?? {};
    if (limits.durationSec) this.timer = setTimeout(() => void this.stopFor('duration-limit'), limits.durationSec * 1000);
    this.ended = proc.exited.then(async (x) => {
      if (this.timer) clearTimeout(this.timer);
      follower.writerDone();
      const index = await follower.done;
      this.endInfo = { reason: x.requested ? this.reason ?? 'stopped' : 'tool-exited', error: x.error, index };
      this.notify();
      return this.endInfo;
    });
  }

  /**
   * Validates the filter, starts the tool and the follower. Rejects with a CaptureError (tool
   * missing, no permission, no such interface, invalid filter, did not start).
   */
  static async start(spec: LiveCaptureSpec): Promise<LiveFileCapture> {
    await validateFilter(spec.tool, spec.iface, spec.filter);
    let self: LiveFileCapture | null = null;
    const proc = await CaptureProcess.start({ tool: spec.tool, iface: spec.iface, filter: spec.filter, file: spec.file, ring: spec.ring });
    const maxBytes = spec.limits?.maxBytes;
    const follower = followCaptureFile(proc.writer, {
      onProgress: (bytes) => {
        if (maxBytes && bytes >= maxBytes) void self?.stopFor('size-limit');
        proc.writer.prune(); // ring files the follower has read to their end may go now
        self?.notify();
      },
    });
    proc.writer.followedBy(() => follower.bytesRead);
    self = new LiveFileCapture(spec, proc, follower);
    return self;
  }

  get index(): CaptureIndex { return this.follower.index; }
  get file(): string { return this.spec.file; }
  get running(): boolean { return this.endInfo === null; }
  get end(): LiveCaptureEnd | null { return this.endInfo; }
  /** Packets in the file so far. */
  get packets(): number { return this.follower.index.packets; }
  /** RocketMQ frames indexed so far. */
  get frames(): number { return this.follower.index.length; }
  get bytes(): number { return this.follower.bytesRead; }
  /** The files written (one, or the ring's, removed ones included). */
  get segments(): readonly WrittenSegment[] { return this.proc.writer.segments(); }

  /**
   * Frame `i`'s bytes from the file that holds it. A frame in a ring file that was removed keeps its
   * row but has no bytes; a frame whose packets continue in the next ring file gets
   * the part in its first file (the rest as missing).
   */
  async readFrame(i: number): Promise<FrameBytes> {
    const ix = this.index;
    const segs = this.segments;
    if (segs.length === 1) return readFrameBytes(ix, i, segs[0].path);
    const pos = ix.cols.posMin[i];
    const seg = segs.find((s) => pos >= s.streamStart && (s.streamEnd === null || pos < s.streamEnd));
    const size = ix.cols.size[i];
    // No bytes at all (FrameBytes' missing/holes count within the bytes returned; the rest is the tail).
    if (!seg || seg.removed) return { bytes: Buffer.alloc(0), size, missing: 0, holes: [] };
    return readFrameBytes(inFile(ix, i, seg.fileStart - seg.streamStart), i, seg.path);
  }

  /** Called after the file grew (new packets or frames) and when the capture ended. */
  onChange(l: () => void): () => void {
    this.listeners.add(l);
    return () => { this.listeners.delete(l); };
  }

  private notify(): void { for (const l of this.listeners) l(); }

  /** Stops the tool (it flushes the file), reads the rest of the file, resolves when all is indexed. */
  stop(): Promise<LiveCaptureEnd> { return this.stopFor('stopped'); }

  private stopFor(reason: EndReason): Promise<LiveCaptureEnd> {
    if (this.running && !this.reason) this.reason = reason;
    void this.proc.stop();
    return this.ended;
  }

  /**
   * For a window that closes: stop following now and ask the tool to stop (it is killed after
   * STOP_GRACE_MS if it does not exit; if this process is gone by then, the watchdog still stops it).
   */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (!this.reason) this.reason = 'stopped';
    this.follower.cancel();
    void this.proc.stop();
  }
}

/**
 * The index as frame `i`'s ring file sees it: the frame's record offsets and the section offsets
 * moved by `delta` (file offset − stream offset), everything else the index's own. Random access
 * reads only those fields for one frame.
 */
function inFile(ix: CaptureIndex, i: number, delta: number): CaptureIndex {
  const c = ix.cols;
  const cols = Object.assign(Object.create(c) as typeof c, {
    posMin: { [i]: c.posMin[i] + delta } as unknown as Float64Array,
    posMax: { [i]: c.posMax[i] + delta } as unknown as Float64Array,
  });
  const source = { ...ix.source, sections: ix.source.sections.map((s) => ({ ...s, offset: s.offset + delta })) };
  return Object.assign(Object.create(ix) as CaptureIndex, { cols, source });
}
