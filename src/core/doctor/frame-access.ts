/**
 * How the doctor reads the frames it needs: a few kinds of frames (routes, heartbeats, transactions,
 * pulls, sends, failed exchanges), decoded once each. A file is read in one index-guided pass
 * (visitCaptureFrames); a capture in memory and a live view by random access.
 */
import { decodeFrame, RemotingCommand } from '../remoting';
import { CaptureIndex } from '../capture/capture-index';
import { FrameBytes, readFrameBytesFromBuffer } from '../capture/frame-reader';
import { visitCaptureFrames } from '../capture/search';

export interface FrameAccess {
  /** Calls `visit` for every frame `select` picks whose header decodes, in any order. Resolves when all were visited. */
  visit(select: (i: number) => boolean, visit: (i: number, cmd: RemotingCommand) => void): Promise<void>;
}

/** The command of a frame's bytes; a frame that lost body bytes still gives its header (body null). */
function decode(bytes: Uint8Array, complete: boolean): RemotingCommand | null {
  try {
    if (complete) return decodeFrame(bytes, { maxFrameLength: 0x7fffffff });
    if (bytes.length < 8) return null;
    const headerEnd = 8 + (((bytes[5] << 16) | (bytes[6] << 8) | bytes[7]) >>> 0);
    if (bytes.length < headerEnd) return null;
    const head = Buffer.alloc(headerEnd);
    head.set(bytes.subarray(0, headerEnd));
    head.writeUInt32BE(headerEnd - 4, 0);
    return { ...decodeFrame(head, { maxFrameLength: 0x7fffffff }), body: null };
  } catch {
    return null;
  }
}

/** Frames of a capture file, in one pass over the file. */
export function fileFrames(ix: CaptureIndex, opts: { signal?: AbortSignal; step?: number; onProgress?: (read: number, size: number) => void } = {}): FrameAccess {
  return {
    visit: (select, visit) => visitCaptureFrames(ix, select, (i, bytes, complete) => {
      const cmd = decode(bytes, complete);
      if (cmd) visit(i, cmd);
    }, opts),
  };
}

/** Frames by random access (a capture in memory, a live view's kept bytes). */
export function randomAccessFrames(ix: CaptureIndex, read: (i: number) => FrameBytes | Promise<FrameBytes>): FrameAccess {
  return {
    async visit(select, visit) {
      const n = ix.length;
      for (let i = 0; i < n; i++) {
        if (!select(i)) continue;
        const fb = await read(i);
        if (fb.bytes.length === 0) continue;
        const cmd = decode(fb.bytes, fb.missing === 0 && fb.bytes.length >= fb.size);
        if (cmd) visit(i, cmd);
      }
    },
  };
}

/** Frames of a capture held in memory (tests, small captures). */
export function bufferFrames(ix: CaptureIndex, data: Uint8Array): FrameAccess {
  return randomAccessFrames(ix, (i) => readFrameBytesFromBuffer(ix, i, data));
}
