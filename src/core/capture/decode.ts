/**
 * On-demand decoding of indexed frames, and the full-decode streaming pass.
 */
import { decodeFrame, RemotingCommand, CodecError } from '../remoting';
import { CaptureIndex, FrameSummary, indexCaptureFile, IndexOptions } from './capture-index';
import { FrameBytes, readFrameBytes, readFrameBytesFromBuffer } from './frame-reader';
import { buildFrameView, FrameView } from './views';
import { FrameWarn, warnLabels } from './types';
import { FrameOut } from './frames';

export interface FrameDetails {
  summary: FrameSummary;
  warnings: string[];
  command: RemotingCommand | null;
  /** Why the command could not be decoded (header not captured, codec error with offset). */
  error?: string;
  view: FrameView | null;
  holes: [number, number][];
  bytes: Buffer;
}

/** Decodes re-read frame bytes into command + view. Never throws. */
export function decodeFrameBytes(ix: CaptureIndex, i: number, fb: FrameBytes): FrameDetails {
  const summary = ix.summary(i);
  const warnings = warnLabels(summary.warnings);
  const out: FrameDetails = { summary, warnings, command: null, view: null, holes: fb.holes, bytes: fb.bytes };
  const headerEnd = 8 + summary.headerLength;
  const headerHole = fb.holes.some(([s]) => s < headerEnd);
  if (headerHole || (summary.warnings & FrameWarn.Oversize)) {
    out.error = summary.warnings & FrameWarn.Oversize ? 'oversize frame: only the header was read' : 'header not completely captured';
  }
  try {
    let cmd: RemotingCommand;
    if (fb.missing > 0 || fb.bytes.length < fb.size) {
      // decode the header alone; the body is incomplete
      if (headerHole) throw new CodecError('truncated', 'header bytes missing from the capture', fb.holes[0][0]);
      const head = Buffer.alloc(headerEnd);
      fb.bytes.copy(head, 0, 0, headerEnd);
      head.writeUInt32BE(headerEnd - 4, 0);
      cmd = decodeFrame(head, { maxFrameLength: 0x7fffffff });
      cmd = { ...cmd, body: fb.bytes.subarray(headerEnd) };
    } else {
      cmd = decodeFrame(fb.bytes, { maxFrameLength: 0x7fffffff });
    }
    out.command = cmd;
    const reqCode = summary.isResponse && summary.requestCode !== null ? summary.requestCode : undefined;
    out.view = buildFrameView(cmd, { requestCode: reqCode, missingBytes: fb.missing + Math.max(0, fb.size - fb.bytes.length), truncated: (summary.warnings & FrameWarn.Truncated) !== 0 });
  } catch (e) {
    out.error = (out.error ? out.error + '; ' : '') + (e instanceof Error ? e.message : String(e));
  }
  return out;
}

/** Full details of frame i, re-read from the capture file. */
export async function frameDetails(ix: CaptureIndex, i: number): Promise<FrameDetails> {
  return decodeFrameBytes(ix, i, await readFrameBytes(ix, i));
}

/** Same, for a capture held in memory. */
export function frameDetailsFromBuffer(ix: CaptureIndex, i: number, data: Uint8Array): FrameDetails {
  return decodeFrameBytes(ix, i, readFrameBytesFromBuffer(ix, i, data));
}

export interface DecodedFrame {
  index: number;
  command: RemotingCommand | null;
  error?: string;
  frame: FrameOut;
}

/**
 * The full-decode pass: streams the file once more with frame bytes and decodes every frame.
 * Frames arrive in index order (same pipeline, same order), so `index` matches a previously built
 * CaptureIndex of the same file. Returns the (re-built) index.
 */
export async function decodeAllFrames(path: string, cb: (d: DecodedFrame) => void, opts: IndexOptions = {}): Promise<CaptureIndex> {
  const d: DecodedFrame = { index: 0, command: null, frame: null as unknown as FrameOut };
  return indexCaptureFile(path, { ...opts, full: true }, (f, i) => {
    d.index = i;
    d.frame = f;
    d.error = undefined;
    d.command = null;
    if (f.bytes && f.missing === 0 && f.bytesAvailable === f.size) {
      try { d.command = decodeFrame(f.bytes); } catch (e) { d.error = (e as Error).message; }
    } else d.error = f.bytes ? `incomplete frame: ${f.missing} bytes missing` : 'frame bytes not available';
    cb(d);
  });
}
