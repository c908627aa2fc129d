/**
 * A frame-dense gRPC capture beside tshark's HTTP/2 pass: a real HTTP/2 conversation (Node's http2
 * client and server speaking apache.rocketmq.v2: SendMessage with a gzip'd response, a trailers-only
 * error, a server stream with a 40 000-byte message, a cancelled call, another SendMessage), recorded
 * once, then written N times as N TCP connections (1448-byte segments) into one pcap. Timed: our pass
 * (index + gRPC decoding, the CLI's `capture FILE` path in-process), the describe step of every row,
 * and `tshark -r FILE -d tcp.port==8081,http2 -q -z io,phs` (tshark's TCP reassembly + HTTP/2 + gRPC
 * dissectors over every frame).
 *
 *   npx tsc -p . && node out/bench/grpc-capture.js [connections=2000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { PcapWriter, fileSink, TcpSession } from '../src/core/capture/pcap-writer';
import { indexCaptureFile } from '../src/core/capture/capture-index';
import { registerGrpcDecoding, describeIndexedGrpc } from '../src/core/grpc';
import { recordConversation } from '../test/unit/grpc/node-h2';

async function main(): Promise<void> {
  const conns = Number(process.argv[2] ?? 2000);
  const ex = await recordConversation();
  const dir = mkdtempSync(join(tmpdir(), 'bench-grpc-'));
  const file = join(dir, 'grpc-dense.pcap');
  const out = fileSink(file);
  const w = new PcapWriter(out.sink, { format: 'pcap' });
  let t = 1_700_000_000_000_000;
  for (let k = 0; k < conns; k++) {
    const s = new TcpSession({ client: '10.0.0.1', clientPort: 10000 + (k % 50000), server: '10.0.0.2', serverPort: 8081, isn: [k * 7919, k * 104729] });
    w.packet(s.syn(), t++); w.packet(s.synAck(), t++); w.packet(s.ack(0), t++);
    for (const e of ex) for (const p of s.send(e.dir, e.bytes, 1448)) w.packet(p, (t += 20));
    w.packet(s.fin(0), (t += 20)); w.packet(s.fin(1), (t += 20));
  }
  out.close();
  const mb = statSync(file).size / 1e6;
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}; ${conns} connections, ${mb.toFixed(1)} MB, ${w.packets} packets`);
  registerGrpcDecoding();
  const t0 = process.hrtime.bigint();
  const ix = await indexCaptureFile(file);
  const t1 = process.hrtime.bigint();
  let rows = 0;
  for (let i = 0; i < ix.length; i++) if (ix.cols.proto[i] === 1) { describeIndexedGrpc(ix, i); rows++; }
  const t2 = process.hrtime.bigint();
  const tsh0 = process.hrtime.bigint();
  const r = spawnSync('tshark', ['-r', file, '-d', 'tcp.port==8081,http2', '-q', '-z', 'io,phs'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const tsh1 = process.hrtime.bigint();
  const http2Frames = /http2\s+frames:(\d+)/.exec(r.stdout)?.[1];
  const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
  console.log(`ours: index + gRPC pass ${ms(t0, t1).toFixed(0)} ms (${(mb / (ms(t0, t1) / 1000)).toFixed(1)} MB/s), ${rows} gRPC rows; describing every row ${ms(t1, t2).toFixed(0)} ms`);
  console.log(`tshark HTTP/2 pass (-d tcp.port==8081,http2 -z io,phs): ${ms(tsh0, tsh1).toFixed(0)} ms, exit ${r.status}, packets with http2: ${http2Frames ?? '?'}`);
  rmSync(dir, { recursive: true, force: true });
}

void main();
