// What a connection is, in the capture index's connection list and the summaries built on it: a real
// HTTP/2 gRPC conversation (Node's http2, recorded) is "RocketMQ gRPC (h2c)", the same joined
// mid-connection says so, a real TLS ClientHello is "TLS (SNI …)", a remoting connection stays
// "RocketMQ", and only bytes nothing recognises are "not RocketMQ" — in the CLI summary, the stats'
// RocketMQ connection count and the inspector's expert summary; the fixture capture of the 5.3.3
// Proxy's clients likewise.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { PcapWriter, memorySink, TcpSession } from '../../../src/core/capture/pcap-writer';
import { CaptureIndex, connectionKindLabel, indexCaptureBytes, indexCaptureFile } from '../../../src/core/capture/capture-index';
import { computeStats, formatSummary } from '../../../src/core/capture/stats';
import { registerGrpcDecoding } from '../../../src/core/grpc';
import { encodeFrame } from '../../../src/core/remoting';
import { InspectorModel } from '../../../src/app/inspector/view-model';
import { req, resp } from '../capture/helpers';
import { recordConversation, recordClientHello, Exchange } from './node-h2';

/** One pcap: each conversation on its own TCP connection (client port 40000 + k), with or without its start. */
function capture(convs: { ex: Exchange[]; handshake?: boolean; skip?: number; serverPort?: number }[]): Buffer {
  const mem = memorySink();
  const w = new PcapWriter(mem.sink, { format: 'pcap' });
  let t = 1_700_000_000_000_000;
  convs.forEach((c, k) => {
    const s = new TcpSession({ client: '10.0.0.1', clientPort: 40000 + k, server: '10.0.0.2', serverPort: c.serverPort ?? 8081 });
    if (c.handshake !== false) { w.packet(s.syn(), t++); w.packet(s.synAck(), t++); w.packet(s.ack(0), t++); }
    c.ex.forEach((e, i) => {
      for (let off = 0; off < e.bytes.length; off += 1400) {
        const chunk = e.bytes.subarray(off, Math.min(e.bytes.length, off + 1400));
        if (i >= (c.skip ?? 0)) w.packet(s.segment(e.dir, s.sent[e.dir], chunk), (t += 50));
        s.sent[e.dir] += chunk.length;
      }
    });
    w.packet(s.fin(0), (t += 50));
    w.packet(s.fin(1), (t += 50));
  });
  return mem.bytes();
}

let ix: CaptureIndex;

before(async () => {
  registerGrpcDecoding();
  const ex = await recordConversation();
  const hello = await recordClientHello('proxy.example.test');
  const firstResp = ex.findIndex((e, i) => i > 2 && e.dir === 1 && e.bytes.includes(Buffer.from('grpc-status')));
  const remoting: Exchange[] = [{ dir: 0, bytes: encodeFrame(req(105, 1, { topic: 'T' })) }, { dir: 1, bytes: encodeFrame(resp(1, 0)) }];
  const garbage: Exchange[] = [{ dir: 0, bytes: Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n') }, { dir: 1, bytes: Buffer.from('HTTP/1.1 404 Not Found\r\n\r\n') }];
  ix = indexCaptureBytes(capture([
    { ex },                                              // #0 gRPC from the preface
    { ex, handshake: false, skip: firstResp + 1 },       // #1 joined mid-connection
    { ex: [{ dir: 0, bytes: hello }, { dir: 1, bytes: Buffer.from([0x16, 3, 3, 0, 2, 2, 0]) }] }, // #2 TLS
    { ex: remoting, serverPort: 9876 },                  // #3 remoting
    { ex: garbage, serverPort: 8080 },                   // #4 HTTP/1.1
  ]));
});

test('each connection is labelled by what it carried: RocketMQ gRPC (h2c), joined mid-connection, TLS with SNI, RocketMQ remoting, not RocketMQ', () => {
  const labels = ix.conns.map((k) => connectionKindLabel(k));
  assert.match(labels[0], /^RocketMQ gRPC \(h2c\), \d+ call\(s\)$/);
  assert.match(labels[1], /^RocketMQ gRPC \(h2c, joined mid-connection\), \d+ call\(s\)$/);
  assert.deepEqual(labels.slice(2), ['TLS (SNI proxy.example.test, ALPN h2): payload encrypted', 'RocketMQ', 'not RocketMQ']);
  const calls = /(\d+) call/.exec(labels[0])![1];
  assert.ok(Number(calls) >= 4, `${calls} calls on the first connection`);
  assert.deepEqual(ix.conns.map((k) => k.detected?.rocketmq ?? null), [true, true, false, null, null]);
  assert.deepEqual(ix.conns.map((k) => k.detected?.kind ?? null), ['RocketMQ gRPC (h2c)', 'RocketMQ gRPC (h2c, joined mid-connection)', 'TLS (SNI proxy.example.test)', null, null]);
  assert.equal(ix.conns[3].rocketmq, true, 'remoting keeps its own flag');
});

test('the CLI summary lists gRPC and TLS connections by kind and counts RocketMQ gRPC connections as RocketMQ', () => {
  const st = computeStats(ix);
  assert.equal(st.rocketmqConnections, 3, 'two gRPC and one remoting');
  const text = formatSummary(ix, st);
  assert.match(text, /in 3 RocketMQ connection\(s\) of 5 TCP connection\(s\)/);
  assert.match(text, /#0 10\.0\.0\.1:40000 → 10\.0\.0\.2:8081 {2}RocketMQ gRPC \(h2c\), \d+ call\(s\) {2}rows \d+\/\d+/);
  assert.match(text, /#2 10\.0\.0\.1:40002 → 10\.0\.0\.2:8081 {2}TLS \(SNI proxy\.example\.test, ALPN h2\): payload encrypted {2}frames 0\/0/);
  assert.match(text, /#3 10\.0\.0\.1:40003 → 10\.0\.0\.2:9876 {2}RocketMQ {2}frames 1\/1/);
  assert.match(text, /#4 10\.0\.0\.1:40004 → 10\.0\.0\.2:8080 {2}not RocketMQ/);
  assert.doesNotMatch(text, /#[012] .*not RocketMQ/);
});

test('the inspector\'s expert summary counts connections by kind', () => {
  const s = new InspectorModel(ix).summary();
  assert.deepEqual(s.connectionKinds, [
    { label: 'RocketMQ gRPC (h2c)', count: 1 },
    { label: 'RocketMQ gRPC (h2c, joined mid-connection)', count: 1 },
    { label: 'RocketMQ remoting', count: 1 },
    { label: 'TLS (SNI proxy.example.test)', count: 1 },
    { label: 'other TCP', count: 1 },
  ]);
});

test('the real capture of rocketmq-client-java 5.0.8 and the 5.3.3 Proxy: its four gRPC connections are RocketMQ gRPC (h2c), its TLS one TLS', async () => {
  const real = await indexCaptureFile(join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'captures', 'grpc-5.3.3.pcapng'));
  const tls = real.conns.filter((k) => k?.detected?.protocol === 'tls');
  assert.deepEqual(tls.map((k) => k.detected!.label), ['TLS (no SNI, ALPN h2): payload encrypted'], 'the Java client sends no SNI to an address');
  const grpc = real.conns.filter((k) => k?.detected?.protocol === 'grpc');
  assert.equal(grpc.length, 4);
  assert.ok(grpc.every((k) => k.detected!.kind === 'RocketMQ gRPC (h2c)' && k.serverPort === grpc[0].serverPort));
  const text = formatSummary(real);
  assert.equal((text.match(/RocketMQ gRPC \(h2c\), \d+ call\(s\)/g) ?? []).length, 4);
  assert.match(text, /Frames: \d+ in 10 RocketMQ connection\(s\)/, 'six remoting and four gRPC connections');
});
