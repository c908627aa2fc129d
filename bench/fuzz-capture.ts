/**
 * Long-running fuzz of the capture decoder: `node out/bench/fuzz-capture.js [iterations] [seed]`.
 * Mutates generated captures (pcap and pcapng, many frame kinds, both serializations) and, if given,
 * real captures (`--file F` repeatable), and fails loudly with the seed/iteration and a saved input
 * (.cache/fuzz-capture-fail-*.bin) if any exception escapes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { createRequest, createResponse, encodeFrame } from '../src/core/remoting';
import { encodeStoredMessage, encodeBatchBody } from '../src/core/message';
import { memorySink, PcapWriter, TcpSession } from '../src/core/capture/pcap-writer';
import { fuzzCapture } from '../src/core/capture/fuzz';

function seedCapture(format: 'pcap' | 'pcapng', linkType: number): Buffer {
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format, linkType });
  const v6 = linkType === 229;
  const s = new TcpSession({ client: v6 ? '::1' : '127.0.0.1', clientPort: 40000, server: v6 ? '::1' : '127.0.0.1', serverPort: 10911, linkType });
  let t = 1_700_000_000_000_000;
  w.packet(s.syn(), t++); w.packet(s.synAck(), t++);
  const stored = encodeStoredMessage({ topic: 'T', body: zlib.deflateSync(Buffer.from('hello')), sysFlag: 1, bornHost: '::1' });
  const frames = [
    createRequest(310, { a: 'g', b: 'T', f: 0, i: 'UNIQ_KEY\u00017F00000100D7135FBAA48879F8920026\u0002TAGS\u0001A' }, { opaque: 1, body: Buffer.from('body') }),
    createResponse({ opaque: 1, serializeType: 'JSON' }, 0, null, { msgId: '7F0000010000238F000000000001E240' }),
    createRequest(320, { b: 'T', m: true }, { opaque: 2, serializeType: 'ROCKETMQ', body: encodeBatchBody([{ flag: 0, body: Buffer.from('x'), propertiesString: 'A\u0001b' }]) }),
    createResponse({ opaque: 2, serializeType: 'ROCKETMQ' }, 0, null, { msgId: 'A,B' }),
    createRequest(11, { topic: 'T' }, { opaque: 3 }),
    createResponse({ opaque: 3, serializeType: 'JSON' }, 0, 'FOUND', null, { body: stored }),
    createRequest(105, { topic: 'T' }, { opaque: 4 }),
    createResponse({ opaque: 4, serializeType: 'JSON' }, 0, null, null, { body: Buffer.from('{"brokerDatas":[{"brokerAddrs":{0:"1.2.3.4:10911"},"brokerName":"b","cluster":"c"}],"queueDatas":[]}') }),
  ];
  frames.forEach((c, k) => { for (const p of s.send(k % 2, encodeFrame(c), 70)) w.packet(p, t += 10); });
  w.packet(s.fin(0), t++); w.packet(s.fin(1), t++);
  return m.bytes();
}

function main(): void {
  const iterations = Number(process.argv[2] ?? 20000);
  const seed0 = Number(process.argv[3] ?? Date.now() % 100000);
  const inputs: [string, Buffer][] = [];
  for (const [fmt, lt] of [['pcap', 1], ['pcapng', 113], ['pcap', 276], ['pcapng', 229], ['pcap', 0]] as const) inputs.push([`${fmt}/${lt}`, seedCapture(fmt, lt)]);
  for (let i = 0; i < process.argv.length; i++) if (process.argv[i] === '--file') inputs.push([process.argv[i + 1], fs.readFileSync(process.argv[i + 1])]);
  const per = Math.ceil(iterations / inputs.length);
  let total = 0;
  const t0 = Date.now();
  inputs.forEach(([name, data], k) => {
    try {
      const r = fuzzCapture(data, seed0 + k, per);
      total += r.iterations;
      console.log(`${name}: ${r.iterations} iterations, ${r.frames} frames, ${r.warnings} warnings, slowest ${r.maxMs} ms`);
    } catch (e) {
      const dir = path.resolve(__dirname, '..', '..', '.cache');
      fs.mkdirSync(dir, { recursive: true });
      const f = path.join(dir, `fuzz-capture-fail-${Date.now()}.bin`);
      const input = (e as { input?: Uint8Array }).input;
      if (input) fs.writeFileSync(f, input);
      console.error(`FAILED on ${name}: ${(e as Error).message}\ninput saved to ${f}`);
      process.exitCode = 1;
    }
  });
  console.log(`${total} iterations in ${((Date.now() - t0) / 1000).toFixed(1)} s (seed ${seed0})`);
}

main();
