/**
 * On-demand decoding of indexed frames, and the full-decode streaming pass.
 */
import { decodeFrame, RemotingCommand } from '../remoting';
import { decodeAndDescribeFrame, FrameDescription } from '../frame';
import { CaptureIndex, FrameSummary, indexCaptureFile, IndexOptions } from './capture-index';
import { FrameBytes, readFrameBytes, readFrameBytesFromBuffer } from './frame-reader';
import { FrameWarn, warnLabels } from './types';
import { FrameOut } from './frames';

export interface FrameDetails {
  summary: FrameSummary;
  warnings: string[];
  command: RemotingCommand | null;
  /** Why the command could not be decoded (header not captured, codec error with offset). */
  error?: string;
  /** The frame model's description (src/core/frame); null when the header could not be decoded. */
  view: FrameDescription | null;
  holes: [number, number][];
  bytes: Buffer;
}

/** Decodes re-read frame bytes into command + description (one decode for both). Never throws. */
export function decodeFrameBytes(ix: CaptureIndex, i: number, fb: FrameBytes): FrameDetails {
  const summary = ix.summary(i);
  const warnings = warnLabels(summary.warnings);
  const holes = fb.bytes.length < fb.size ? [...fb.holes, [fb.bytes.length, fb.size] as [number, number]] : fb.holes;
  const missing = fb.missing + Math.max(0, fb.size - fb.bytes.length);
  const requestCode = summary.isResponse && summary.requestCode !== null ? summary.requestCode : undefined;
  // The core's API keeps whole bodies; the UIs cap what they show.
  const { command, description } = decodeAndDescribeFrame(fb.bytes, { requestCode, missingBytes: missing, holes, maxBodyText: Infinity });
  const out: FrameDetails = { summary, warnings, command, view: command ? description : null, holes: fb.holes, bytes: fb.bytes };
  const errors: string[] = [];
  if (summary.warnings & FrameWarn.Oversize) errors.push('oversize frame: only the header was read');
  if (description.decodeError) errors.push(description.decodeError);
  if (errors.length) out.error = errors.join('; ');
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
