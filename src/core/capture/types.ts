/**
 * Shared types of the capture decoder (plain Node, no vscode).
 *
 * Times are microseconds since the Unix epoch as float64 (exact for µs captures; ~0.25 µs
 * resolution for ns captures). File positions are byte offsets in the *uncompressed* capture
 * stream (for `.pcap.gz` that is the offset after gunzip).
 */

/** Warning kinds. Each has a bit in the per-frame warning mask of the index. */
export const enum FrameWarn {
  /** Frame cut off: capture ended, FIN/RST, or connection closed before the last byte. */
  Truncated = 1 << 0,
  /** Bytes inside the frame were never captured (TCP gap / missing segment). */
  Gap = 1 << 1,
  /** length field above the maximum legal frame size (16 MiB). */
  Oversize = 1 << 2,
  /** Header bytes present but could not be decoded. */
  UndecodableHeader = 1 << 3,
  /** Stream bytes were skipped (mid-connection start or garbage) right before this frame. */
  SkippedBefore = 1 << 4,
  /** Packets of this frame were cut by the capture snaplen (caplen < origlen). */
  Snaplen = 1 << 5,
  /** Request never answered (not oneway) in the capture. */
  Unanswered = 1 << 6,
  /** Response whose request is not in the capture. */
  OrphanResponse = 1 << 7,
  /** Reserved (bit 8): retransmitted data differing from the first copy — not detected yet. */
  RetransmitMismatch = 1 << 8,
  /** Out-of-order buffer limit reached while this frame was assembled. */
  BufferLimit = 1 << 9,
  /** A response to a oneway request (should never exist). */
  ResponseToOneway = 1 << 10,
}

export const FRAME_WARN_LABELS: ReadonlyArray<[number, string]> = [
  [FrameWarn.Truncated, 'truncated'],
  [FrameWarn.Gap, 'gap'],
  [FrameWarn.Oversize, 'oversize'],
  [FrameWarn.UndecodableHeader, 'undecodable-header'],
  [FrameWarn.SkippedBefore, 'skipped-bytes-before'],
  [FrameWarn.Snaplen, 'snaplen-truncated'],
  [FrameWarn.Unanswered, 'unanswered'],
  [FrameWarn.OrphanResponse, 'orphan-response'],
  [FrameWarn.RetransmitMismatch, 'retransmit-mismatch'], // reserved: never set yet
  [FrameWarn.BufferLimit, 'buffer-limit'],
  [FrameWarn.ResponseToOneway, 'response-to-oneway'],
];

export function warnLabels(mask: number): string[] {
  const out: string[] = [];
  for (const [bit, label] of FRAME_WARN_LABELS) if (mask & bit) out.push(label);
  return out;
}

/** A labelled problem found while reading a capture. Never thrown: collected. */
export interface CaptureWarning {
  /** Short machine label, e.g. 'pcap.truncated-record', 'tcp.gap', 'frame.oversize'. */
  kind: string;
  /** Human readable description incl. what and where. */
  message: string;
  /** Byte offset in the (uncompressed) capture stream, when known. */
  fileOffset?: number;
  /** Connection id, when the problem belongs to a TCP connection. */
  conn?: number;
  /** 0 = client→server, 1 = server→client. */
  dir?: number;
  /** Frame index in the capture index, when the problem belongs to a frame. */
  frame?: number;
}

/** Collects warnings with a bound on stored details; counts are always exact. */
export class WarningLog {
  readonly items: CaptureWarning[] = [];
  readonly counts = new Map<string, number>();
  dropped = 0;
  constructor(readonly maxItems = 10_000) {}
  add(w: CaptureWarning): void {
    this.counts.set(w.kind, (this.counts.get(w.kind) ?? 0) + 1);
    if (this.items.length < this.maxItems) this.items.push(w);
    else this.dropped++;
  }
  get total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }
}

export const SERVER_PORT_HINTS: ReadonlySet<number> = new Set([9876, 10909, 10911, 8080]);

/** Largest legal `length` value (frameMaxLength 16 MiB minus the 4-byte length field). */
export const MAX_LEGAL_FRAME_LENGTH = 16_777_212;
