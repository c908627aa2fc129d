import { RemotingCommand, SERIALIZE_TYPE_BYTE, SerializeType } from './command';
import { CodecError } from './errors';
import { decodeJsonCommand, jsonHeaderBytes } from './json-header';
import { decodeBinaryCommand, encodeBinaryHeader } from './binary-header';

/**
 * A frame (docs/protocol.md §1.2), big-endian:
 *   length int32 (bytes after this word) | type u8 + headerLength u24 | header | body
 */
export const DEFAULT_MAX_FRAME_LENGTH = 16 * 1024 * 1024; // Netty's limit applies to length + 4
export const FRAME_PREFIX_SIZE = 8;

export interface DecodeOptions {
  /** Added to error offsets so that callers can report positions in a larger stream or file. */
  baseOffset?: number;
  /** Largest accepted value of the length word + 4 (the whole frame), default 16 MiB like the server. */
  maxFrameLength?: number;
}

export function encodeFrame(cmd: RemotingCommand): Buffer {
  const bodyLen = cmd.body?.length ?? 0;
  let out: Buffer;
  let headerLength: number;
  if (cmd.serializeType === 'ROCKETMQ') {
    const header = encodeBinaryHeader(cmd);
    headerLength = header.length;
    out = Buffer.allocUnsafe(FRAME_PREFIX_SIZE + headerLength + bodyLen);
    header.copy(out, FRAME_PREFIX_SIZE);
  } else {
    const header = jsonHeaderBytes(cmd); // scratch bytes, copied at once
    headerLength = header.length;
    out = Buffer.allocUnsafe(FRAME_PREFIX_SIZE + headerLength + bodyLen);
    out.set(header, FRAME_PREFIX_SIZE);
  }
  out.writeInt32BE(4 + headerLength + bodyLen, 0);
  out.writeUInt32BE(((SERIALIZE_TYPE_BYTE[cmd.serializeType] << 24) | headerLength) >>> 0, 4);
  if (cmd.body && bodyLen > 0) out.set(cmd.body, FRAME_PREFIX_SIZE + headerLength);
  return out;
}

/** Serialize type named by a frame's type byte, or undefined when the byte is neither 0 nor 1. */
export function serializeTypeOf(typeByte: number): SerializeType | undefined {
  return typeByte === 0 ? 'JSON' : typeByte === 1 ? 'ROCKETMQ' : undefined;
}

/**
 * Decodes the frame at the start of `frame` (bytes after it are ignored; see `frameLengthAt`).
 * The body is a view into the input, not a copy.
 */
export function decodeFrame(frame: Uint8Array, opts: DecodeOptions = {}): RemotingCommand {
  const base = opts.baseOffset ?? 0;
  const max = opts.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
  const total = frameLengthAt(frame, 0, max, base);
  if (total === undefined || frame.length < FRAME_PREFIX_SIZE) {
    throw new CodecError('truncated', `frame needs at least ${FRAME_PREFIX_SIZE} bytes, got ${frame.length}`, base + frame.length);
  }
  if (frame.length < total) {
    throw new CodecError('truncated', `frame declares ${total} bytes but only ${frame.length} are present`, base + frame.length);
  }
  const typeByte = frame[4];
  const headerLength = (frame[5] << 16) | (frame[6] << 8) | frame[7];
  if (typeByte > 1) throw new CodecError('unknown-serialize-type', `unknown serialize type byte 0x${typeByte.toString(16).padStart(2, '0')}`, base + 4);
  if (FRAME_PREFIX_SIZE + headerLength > total) {
    throw new CodecError('header-overflow', `header length ${headerLength} runs past the frame's ${total - FRAME_PREFIX_SIZE} bytes after the prefix`, base + 5);
  }
  const bodyStart = FRAME_PREFIX_SIZE + headerLength;
  const headerBytes = frame.subarray(FRAME_PREFIX_SIZE, bodyStart);
  const body = total > bodyStart ? frame.subarray(bodyStart, total) : null;
  return typeByte === 0
    ? decodeJsonCommand(headerBytes, base + FRAME_PREFIX_SIZE, body)
    : decodeBinaryCommand(headerBytes, base + FRAME_PREFIX_SIZE, body);
}

/**
 * Total size (length word + 4) of the frame starting at `offset`, or undefined when fewer than 4
 * bytes are there yet. Throws for lengths no valid frame can have.
 */
export function frameLengthAt(buf: Uint8Array, offset: number, maxFrameLength = DEFAULT_MAX_FRAME_LENGTH, base = 0): number | undefined {
  if (buf.length - offset < 4) return undefined;
  const len = ((buf[offset] << 24) | (buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3]) | 0;
  if (len < 4) {
    throw new CodecError('invalid-length', `frame length ${len} is below the 4 bytes of its header-length word`, base + offset);
  }
  if (len + 4 > maxFrameLength) {
    throw new CodecError('oversize', `frame of ${len + 4} bytes exceeds the limit of ${maxFrameLength}`, base + offset);
  }
  return len + 4;
}
