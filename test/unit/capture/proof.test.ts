import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { memorySink, PcapWriter } from '../../../src/core/capture/pcap-writer';
import { indexCaptureBytes } from '../../../src/core/capture/capture-index';
import { fuzzCapture } from '../../../src/core/capture/fuzz';
import { FrameWarn } from '../../../src/core/capture/types';
import { encodeStoredMessage } from '../../../src/core/message';
import { frame, req, resp, run, session, T0 } from './helpers';

function seedCapture(format: 'pcap' | 'pcapng'): Buffer {
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format });
  const s = session();
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 1);
  let t = T0 + 10;
  const stored = encodeStoredMessage({ topic: 'T', body: zlib.deflateSync(Buffer.from('hello')), sysFlag: 1 });
  const frs = [
    frame(req(310, 1, { a: 'g', b: 'T', f: '0', i: 'UNIQ_KEY\u00017F00000100D7135FBAA48879F8920026' }, Buffer.from('body'))),
    frame(resp(1, 0, { msgId: '7F0000010000238F000000000001E240' })),
    frame(req(11, 2, { topic: 'T' }, null, { ser: 'ROCKETMQ' })),
    frame(resp(2, 0, null, Buffer.from(stored), 'ROCKETMQ')),
    frame(req(105, 3, { topic: 'T' })),
    frame(resp(3, 0, null, Buffer.from('{"brokerDatas":[{"brokerAddrs":{0:"1.2.3.4:10911"},"brokerName":"b","cluster":"c"}],"queueDatas":[]}'))),
  ];
  frs.forEach((f, k) => { for (const p of s.send(k % 2, f, 90)) w.packet(p, t += 10); });
  return m.bytes();
}

test('fuzz: 300 seeded mutations of pcap and pcapng captures — no exception escapes, no hang', () => {
  for (const [format, seed] of [['pcap', 1], ['pcapng', 2]] as const) {
    const base = seedCapture(format);
    const clean = indexCaptureBytes(base);
    assert.equal(clean.length, 6);
    const r = fuzzCapture(base, seed, 150);
    assert.equal(r.iterations, 150);
    assert.ok(r.maxMs < 2000, `slowest iteration ${r.maxMs} ms`);
    assert.ok(r.warnings > 0, 'mutations must produce labelled warnings');
  }
});

test('100 000 tiny connections: all found, state released per connection, bounded memory', () => {
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format: 'pcap', linkType: 101 });
  const f = frame(req(105, 1, { topic: 'T' }));
  const r = frame(resp(1, 0));
  let t = T0;
  const N = 100_000;
  for (let c = 0; c < N; c++) {
    const s = session({ linkType: 101, clientPort: 20000 + (c % 40000), client: `127.0.${(c / 40000) | 0}.1`, isn: [c * 7, c * 13] });
    w.packet(s.syn(), t++); w.packet(s.synAck(), t++);
    for (const p of s.send(0, f)) w.packet(p, t++);
    for (const p of s.send(1, r)) w.packet(p, t++);
    w.packet(s.fin(0), t++); w.packet(s.fin(1), t++);
  }
  const bytes = m.bytes();
  const heap0 = process.memoryUsage().heapUsed;
  const ix = indexCaptureBytes(bytes, {}, () => {});
  assert.equal(ix.length, 2 * N);
  assert.equal(ix.conns.length, N);
  assert.ok(ix.conns.every((k) => k.rocketmq && k.closed === 'fin'));
  let paired = 0;
  for (let i = 0; i < ix.length; i++) if (ix.cols.pair[i] >= 0) paired++;
  assert.equal(paired, 2 * N);
  const heapGrowth = process.memoryUsage().heapUsed - heap0;
  assert.ok(heapGrowth < 300 * 1024 * 1024, `heap grew ${heapGrowth}`);
});

test('out-of-order flood: buffered bytes capped per direction; a gap is declared instead of growing', () => {
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format: 'pcap' });
  const s = session();
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 1);
  const big = frame(req(10, 1, { topic: 'BIG' }, Buffer.alloc(12_000_000, 1)));
  const after = frame(req(10, 2, { topic: 'AFTER' }));
  const all = Buffer.concat([big, after]);
  // first 1000 bytes never arrive; everything else arrives (out of order w.r.t. the hole)
  for (let o = 1000; o < all.length; o += 60000) w.packet(s.segment(0, o, all.subarray(o, Math.min(all.length, o + 60000))), T0 + 2);
  const ix = indexCaptureBytes(m.bytes(), { tcpLimits: { maxOooPerDir: 1 << 20, maxOooTotal: 8 << 20, maxWindow: 1 << 30 } });
  // the big frame's start is lost, so it cannot be recovered; the frame after it must be found
  const topics = Array.from({ length: ix.length }, (_, i) => ix.topicOf(i));
  assert.ok(topics.includes('AFTER'), topics.join(','));
  assert.ok((ix.warnings.counts.get('tcp.gap') ?? 0) >= 1);
});

test('a frame whose start is a hole and a duplicate SYN/garbage segment with a wild sequence number', () => {
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format: 'pcap' });
  const s = session();
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 1);
  const a = frame(req(10, 1, { topic: 'A' }));
  const b = frame(req(10, 2, { topic: 'B' }));
  for (const p of s.send(0, a)) w.packet(p, T0 + 2);
  // garbage segment 1.5 GiB ahead: ignored as out of window
  w.packet(s.segment(0, 1_500_000_000, Buffer.from('junk')), T0 + 3);
  for (const p of s.send(0, b)) w.packet(p, T0 + 4);
  const { index, frames } = run(m.bytes());
  assert.equal(index.length, 2);
  assert.deepEqual(frames[1].bytes, b);
  assert.equal(index.cols.warn[1] & ~FrameWarn.Unanswered, 0);
  assert.equal(index.warnings.counts.get('tcp.out-of-window'), 1);
});

import { buildIpPacket, buildTcpSegment, wrapLink, F_ACK } from '../../../src/core/capture/pcap-writer';
import { readFrameBytesFromBuffer } from '../../../src/core/capture/frame-reader';

test('random access equals the streamed bytes for every complete frame: IP fragments, out of order, garbage, mid-stream', () => {
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format: 'pcapng' });
  const s = session();
  let t = T0;
  const frs = [1, 2, 3, 4, 5, 6].map((k) => frame(req(310, k, { b: `F${k}` }, Buffer.alloc(900 + k * 300, k))));
  const garbage = Buffer.from('\x00\x00\x00\x09\x07junkjunkjunk');
  const stream = Buffer.concat([frs[0].subarray(500), frs[1], garbage, frs[2], frs[3], frs[4], frs[5]]); // starts mid-frame
  // cut into 700-byte segments; two of every three go out as two IPv4 fragments with another packet between
  const segs: Buffer[] = [];
  for (let o = 0; o < stream.length; o += 700) segs.push(stream.subarray(o, Math.min(stream.length, o + 700)));
  const offs: number[] = [];
  segs.reduce((o, x) => { offs.push(o); return o + x.length; }, 0);
  const order = segs.map((_, i) => i);
  [order[3], order[4]] = [order[4], order[3]]; // out of order
  for (const i of order) {
    const seq = (s.isn[0] + 1 + 5000 + offs[i]) >>> 0;
    if (i % 3 !== 1 && segs[i].length > 400) {
      const tcp = buildTcpSegment({ src: '127.0.0.1', dst: '127.0.0.1', sport: 40000, dport: 10911, seq, flags: F_ACK, payload: segs[i] });
      const cut = 320; // multiple of 8
      const f2 = wrapLink(1, buildIpPacket('127.0.0.1', '127.0.0.1', 6, tcp.subarray(cut), { ipId: i, fragOffset: cut }));
      const f1 = wrapLink(1, buildIpPacket('127.0.0.1', '127.0.0.1', 6, tcp.subarray(0, cut), { ipId: i, moreFragments: true }));
      w.packet(f1, t++);
      w.packet(s.synAck(), t++); // unrelated packet between the fragments
      w.packet(f2, t++);
    } else w.packet(buildTcpPacketAt(s, seq, segs[i]), t++);
  }
  const bytes = m.bytes();
  const { index, frames } = run(bytes);
  const topics = Array.from({ length: index.length }, (_, i) => index.topicOf(i));
  assert.deepEqual(topics, ['F2', 'F3', 'F4', 'F5', 'F6']);
  for (const f of frames) {
    assert.equal(f.missing, 0, `frame ${f.i} (${index.topicOf(f.i)}): ${f.missing} bytes missing; warnings ${JSON.stringify(index.warnings.items)}`);
    const fb = readFrameBytesFromBuffer(index, f.i, bytes);
    assert.equal(fb.missing, 0, `frame ${f.i} has holes ${JSON.stringify(fb.holes)}`);
    assert.ok(fb.bytes.equals(f.bytes!), `frame ${f.i} differs`);
  }
});

function buildTcpPacketAt(s: ReturnType<typeof session>, seq: number, payload: Buffer): Buffer {
  return wrapLink(1, buildIpPacket('127.0.0.1', '127.0.0.1', 6, buildTcpSegment({ src: '127.0.0.1', dst: '127.0.0.1', sport: 40000, dport: 10911, seq, flags: F_ACK, payload })));
}
