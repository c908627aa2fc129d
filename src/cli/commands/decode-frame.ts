import { CodecError, decodeFrame, describeCommand, frameLengthAt } from '../../core/remoting';
import { HexInputError, parseHex as parseHexInput } from '../../core/frame';
import { CliCommand, EXIT_OK, EXIT_USAGE, UsageError } from '../command';

/** Hex as people paste it (the core's one parser); bad hex is a usage error. */
export function parseHex(text: string): Buffer {
  try {
    const b = parseHexInput(text);
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    if (e instanceof HexInputError) throw new UsageError(e.message);
    throw e;
  }
}

export const decodeFrameCommand: CliCommand = {
  name: 'decode-frame',
  summary: 'decode RemotingCommand frame(s) given as hex and print them as JSON',
  usage: 'decode-frame <hex | -> [--compact]   (several frames back to back print one JSON line each)',
  options: { flags: ['compact'] },
  async run({ positional, options }, io) {
    if (positional.length !== 1) throw new UsageError('give exactly one hex argument, or - to read standard input');
    const bytes = parseHex(positional[0] === '-' ? await io.stdin() : positional[0]);
    const frames = [];
    let at = 0;
    try {
      while (at < bytes.length) {
        const cmd = decodeFrame(bytes.subarray(at), { baseOffset: at });
        frames.push(describeCommand(cmd));
        at += frameLengthAt(bytes, at)!;
      }
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      io.err(`error: ${e.kind}: ${e.message}${frames.length ? ` (after ${frames.length} good frame(s))` : ''}`);
      for (const f of frames) io.out(JSON.stringify(f));
      return EXIT_USAGE;
    }
    const pretty = frames.length === 1 && !options.has('compact');
    for (const f of frames) io.out(pretty ? JSON.stringify(f, null, 2) : JSON.stringify(f));
    return EXIT_OK;
  },
};
