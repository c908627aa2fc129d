/** Shared helpers for the capture tests: frames from the codec, sessions written with our writer. */
import { createRequest, createResponse, encodeFrame, RemotingCommand } from '../../../src/core/remoting';
import { memorySink, PcapWriter, PcapWriterOptions, TcpSession, SessionOptions } from '../../../src/core/capture/pcap-writer';
import { indexCaptureBytes, CaptureIndex } from '../../../src/core/capture/capture-index';
import { FrameOut } from '../../../src/core/capture/frames';

export const T0 = 1_700_000_000_000_000; // µs

export function req(code: number, opaque: number, ext: Record<string, string> | null = null, body: Uint8Array | null = null, o: { oneway?: boolean; ser?: 'JSON' | 'ROCKETMQ' } = {}): RemotingCommand {
  return createRequest(code, ext, { opaque, body, oneway: o.oneway, serializeType: o.ser ?? 'JSON' });
}
export function resp(opaque: number, code = 0, ext: Record<string, string> | null = null, body: Uint8Array | null = null, ser: 'JSON' | 'ROCKETMQ' = 'JSON'): RemotingCommand {
  return createResponse({ opaque, serializeType: ser }, code, null, ext, { body });
}
export function frame(cmd: RemotingCommand): Buffer { return encodeFrame(cmd); }

export function session(o: Partial<SessionOptions> = {}): TcpSession {
  return new TcpSession({ client: '127.0.0.1', clientPort: 40000, server: '127.0.0.1', serverPort: 10911, ...o });
}

export function writer(opts: Partial<PcapWriterOptions> = {}): { w: PcapWriter; bytes(): Buffer } {
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format: 'pcap', ...opts });
  return { w, bytes: m.bytes };
}

export interface Collected { index: CaptureIndex; frames: { i: number; bytes: Buffer | null; size: number; warn: number; missing: number }[] }

/** Index + full decode in one pass, collecting frame bytes. */
export function run(bytes: Uint8Array, opts: Parameters<typeof indexCaptureBytes>[1] = {}): Collected {
  const frames: Collected['frames'] = [];
  const index = indexCaptureBytes(bytes, { full: true, ...opts }, (f: FrameOut, i: number) => {
    frames.push({ i, bytes: f.bytes ? Buffer.from(f.bytes.subarray(0, f.bytesAvailable)) : null, size: f.size, warn: f.warn, missing: f.missing });
  });
  return { index, frames };
}

/** Deterministic PRNG: the fuzzer's own, so tests and fuzzing share one generator. */
export { mulberry32 as rng } from '../../../src/core/capture/fuzz';
