import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { FrameWarn } from '../../../src/core/capture/types';
import { frame, req, resp, run, session, T0, writer } from './helpers';

const TOPIC = 'TopicTest';

function body(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

test('clean connection: JSON and ROCKETMQ frames, pairing, latency, exact bytes', () => {
  const s = session();
  const { w, bytes } = writer();
  const f1 = frame(req(310, 7, { a: 'g', b: TOPIC }, body(100)));
  const f2 = frame(resp(7, 0, { msgId: 'X', queueId: '1' }));
  const f3 = frame(req(105, 8, { topic: 'R' }, null, { ser: 'ROCKETMQ' }));
  const f4 = frame(resp(8, 17, null, null, 'ROCKETMQ'));
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 10); w.packet(s.ack(0), T0 + 20);
  for (const p of s.send(0, Buffer.concat([f1, f3]))) w.packet(p, T0 + 100);
  for (const p of s.send(1, f2)) w.packet(p, T0 + 350);
  for (const p of s.send(1, f4)) w.packet(p, T0 + 500);
  w.packet(s.fin(0), T0 + 600); w.packet(s.fin(1), T0 + 700);
  const { index, frames } = run(bytes());
  assert.equal(index.length, 4);
  assert.deepEqual(frames.map((f) => f.bytes), [f1, f3, f2, f4]);
  const c = index.cols;
  assert.deepEqual([...c.code.subarray(0, 4)], [310, 105, 0, 17]);
  assert.deepEqual([...c.opaque.subarray(0, 4)], [7, 8, 7, 8]);
  assert.deepEqual([...c.ser.subarray(0, 4)], [0, 1, 0, 1]);
  assert.equal(index.topicOf(0), TOPIC);
  assert.equal(index.topicOf(1), 'R');
  assert.equal(index.topicOf(2), TOPIC, 'response inherits the request topic');
  assert.equal(c.pair[0], 2); assert.equal(c.pair[3], 1);
  assert.equal(c.reqCode[3], 105);
  assert.equal(index.latencyUs(2), 250);
  assert.equal(index.latencyUs(1), 400);
  assert.equal(c.warn[0] | c.warn[1] | c.warn[2] | c.warn[3], 0);
  assert.equal(index.conns.length, 1);
  const conn = index.conns[0];
  assert.equal(conn.rocketmq, true);
  assert.equal(conn.serverPort, 10911);
  assert.equal(conn.closed, 'fin');
  assert.deepEqual(conn.frames, [2, 2]);
  assert.equal(index.warnings.total, 0);
});

test('out-of-order, duplicated and overlapping segments reassemble to the exact frame', () => {
  const s = session();
  const { w, bytes } = writer();
  const f1 = frame(req(310, 1, { b: TOPIC }, body(5000)));
  const f2 = frame(req(310, 2, { b: TOPIC }, body(3000, 9)));
  const all = Buffer.concat([f1, f2]);
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 1);
  // segments: [0,1000) [1000,2500) [2500,4000) [4000,end)
  const cuts = [0, 1000, 2500, 4000, all.length];
  const seg = (i: number) => s.segment(0, cuts[i], all.subarray(cuts[i], cuts[i + 1]));
  let t = T0 + 10;
  w.packet(seg(0), t++);
  w.packet(seg(2), t++); // out of order
  w.packet(seg(2), t++); // duplicate of a buffered segment
  w.packet(s.segment(0, 800, all.subarray(800, 1800)), t++); // overlap across the hole
  w.packet(seg(1), t++); // fills the hole
  w.packet(seg(0), t++); // late retransmission
  w.packet(seg(3), t++);
  const { index, frames } = run(bytes());
  assert.equal(index.length, 2);
  assert.deepEqual(frames[0].bytes, f1);
  assert.deepEqual(frames[1].bytes, f2);
  assert.equal(index.cols.warn[0] | index.cols.warn[1], FrameWarn.Unanswered | 0, 'only "unanswered"');
  assert.ok(index.conns[0].dupBytes >= 1000 + 1500 + 1000);
});

test('missing segment: the frame is flagged with a gap, frames before and after are intact', () => {
  const s = session();
  const { w, bytes } = writer();
  const fa = frame(req(10, 1, { topic: 'A' }, body(300)));
  const fb = frame(req(10, 2, { topic: 'B' }, body(4000)));
  const fc = frame(req(10, 3, { topic: 'C' }, body(300)));
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 1);
  const pk = s.send(0, Buffer.concat([fa, fb, fc]), 1000);
  pk.forEach((p, i) => { if (i !== 2) w.packet(p, T0 + 10 + i); }); // lose bytes [2000,3000) inside fb
  w.packet(s.fin(0), T0 + 100);
  const { index, frames } = run(bytes());
  assert.equal(index.length, 3);
  assert.deepEqual(frames[0].bytes, fa);
  assert.deepEqual(frames[2].bytes, fc);
  assert.equal(index.topicOf(2), 'C');
  assert.ok(index.cols.warn[1] & FrameWarn.Gap);
  assert.equal(index.cols.missing[1], 1000);
  assert.equal(index.topicOf(1), 'B', 'header before the gap still decoded');
  assert.ok(index.warnings.counts.get('tcp.gap')! >= 1);
});

test('gap that swallows a frame boundary: resync on the next plausible frame, no invented frames', () => {
  const s = session();
  const { w, bytes } = writer();
  const frs = [1, 2, 3, 4, 5].map((i) => frame(req(10, i, { topic: `T${i}` }, body(700, i))));
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 1);
  const all = Buffer.concat(frs);
  const pk = s.send(0, all, 500);
  pk.forEach((p, i) => { if (i !== 3 && i !== 4) w.packet(p, T0 + 10 + i); }); // lose [1500,2500)
  const { index } = run(bytes());
  // frames are ~810 bytes: T2 loses its tail, T3 is gone, T4 loses its start (unrecoverable)
  const topics = Array.from({ length: index.length }, (_, i) => index.topicOf(i));
  assert.deepEqual(topics, ['T1', 'T2', 'T5']);
  assert.equal(index.cols.warn[0] & (FrameWarn.Gap | FrameWarn.Truncated), 0);
  assert.equal(index.cols.warn[1] & (FrameWarn.Gap | FrameWarn.Truncated), FrameWarn.Gap | FrameWarn.Truncated);
  assert.ok(index.cols.warn[2] & FrameWarn.SkippedBefore);
  assert.equal(index.cols.warn[2] & (FrameWarn.Gap | FrameWarn.Truncated), 0);
});

test('capture cut mid-frame: truncated warning, earlier frames fine', () => {
  const s = session();
  const { w, bytes } = writer();
  const fa = frame(req(10, 1, { topic: 'A' }));
  const fb = frame(req(10, 2, { topic: 'B' }, body(5000)));
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 1);
  const pk = s.send(0, Buffer.concat([fa, fb]), 1000);
  pk.slice(0, 3).forEach((p, i) => w.packet(p, T0 + 10 + i));
  const { index } = run(bytes());
  assert.equal(index.length, 2);
  assert.equal(index.cols.warn[0] & ~FrameWarn.Unanswered, 0);
  assert.ok(index.cols.warn[1] & FrameWarn.Truncated);
  assert.equal(index.topicOf(1), 'B');
  assert.ok(index.warnings.counts.get('frame.truncated')! >= 1);
});

test('snaplen truncation: headers still decoded, bodies flagged snaplen, never invented', () => {
  const s = session();
  const { w, bytes } = writer({ snaplen: 200 });
  const small = frame(req(105, 1, { topic: 'S' }));
  const big = frame(req(310, 2, { b: 'BIG' }, body(3000)));
  const small2 = frame(req(105, 3, { topic: 'S2' }));
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 1);
  for (const f of [small, big, small2]) for (const p of s.send(0, f)) w.packet(p, T0 + 5);
  const { index, frames } = run(bytes());
  assert.equal(index.length, 3);
  assert.deepEqual(frames[0].bytes, small);
  assert.equal(index.topicOf(1), 'BIG');
  assert.ok(index.cols.warn[1] & FrameWarn.Snaplen);
  assert.ok(index.cols.missing[1] > 2800);
  assert.equal(index.topicOf(2), 'S2');
  assert.deepEqual(frames[2].bytes, small2);
});

test('mid-connection start: skipped bytes reported, first plausible frame found', () => {
  const s = session();
  const { w, bytes } = writer();
  const frs = [1, 2, 3].map((i) => frame(req(310, i, { b: `T${i}` }, body(900, i))));
  const all = Buffer.concat(frs);
  const pk = s.send(0, all, 400);
  pk.slice(1).forEach((p, i) => w.packet(p, T0 + i)); // no SYN, start at byte 400 (inside frame 1)
  const { index, frames } = run(bytes());
  assert.equal(index.length, 2);
  assert.deepEqual(frames[0].bytes, frs[1]);
  assert.deepEqual(frames[1].bytes, frs[2]);
  assert.ok(index.cols.warn[0] & FrameWarn.SkippedBefore);
  const sk = index.warnings.items.find((x) => x.kind === 'stream.skipped')!;
  assert.match(sk.message, new RegExp(`mid-connection start: skipped ${frs[0].length - 400} bytes`));
  assert.equal(index.conns[0].rocketmq, true);
});

test('garbage in the stream and a 2 GiB length: labelled warnings, frames elsewhere correct', () => {
  const s = session();
  const { w, bytes } = writer();
  const fa = frame(req(10, 1, { topic: 'A' }));
  const huge = Buffer.from(frame(req(10, 2, { topic: 'HUGE' })));
  huge.writeUInt32BE(0x80000000, 0);
  const fc = frame(req(10, 3, { topic: 'C' }));
  const garbage = Buffer.from('\x00\x01garbage garbage \xff\xfe\x00\x00\x00\x10\x05 more junk');
  const fd = frame(req(10, 4, { topic: 'D' }, body(50)));
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 1);
  for (const p of s.send(0, Buffer.concat([fa, huge, fc, garbage, fd]), 64)) w.packet(p, T0 + 5);
  const { index, frames } = run(bytes());
  const topics = Array.from({ length: index.length }, (_, i) => index.topicOf(i));
  assert.deepEqual(topics, ['A', 'HUGE', 'C', 'D']);
  assert.ok(index.cols.warn[1] & FrameWarn.Oversize);
  assert.deepEqual(frames[2].bytes, fc);
  assert.deepEqual(frames[3].bytes, fd);
  assert.ok(index.cols.warn[3] & FrameWarn.SkippedBefore);
  assert.ok(index.warnings.counts.get('frame.oversize')! === 1);
  assert.ok(index.warnings.counts.get('frame.bad-start')! >= 1);
});

test('sequence numbers wrapping around 2^32', () => {
  const s = session({ isn: [0xffffff00, 0xfffffff0] });
  const { w, bytes } = writer();
  const frs = [1, 2, 3].map((i) => frame(req(310, i, { b: `W${i}` }, body(200, i))));
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 1);
  const pk = s.send(0, Buffer.concat(frs), 100);
  [pk[1], pk[0], ...pk.slice(2)].forEach((p, i) => w.packet(p, T0 + 2 + i));
  for (const p of s.send(1, frame(resp(2)))) w.packet(p, T0 + 50);
  const { index, frames } = run(bytes());
  assert.equal(index.length, 4);
  assert.deepEqual(frames.slice(0, 3).map((f) => f.bytes), frs);
  assert.equal(index.cols.pair[3], 1);
});

test('RST mid-frame: truncated; a later connection reusing the 4-tuple is a new connection', () => {
  const { w, bytes } = writer();
  const s1 = session({ isn: [100, 200] });
  w.packet(s1.syn(), T0); w.packet(s1.synAck(), T0 + 1);
  const f = frame(req(10, 1, { topic: 'A' }, body(3000)));
  w.packet(s1.send(0, f, 1000)[0], T0 + 2);
  w.packet(s1.rst(1), T0 + 3);
  const s2 = session({ isn: [900000, 7000] });
  w.packet(s2.syn(), T0 + 10); w.packet(s2.synAck(), T0 + 11);
  for (const p of s2.send(0, frame(req(10, 2, { topic: 'B' })))) w.packet(p, T0 + 12);
  const { index } = run(bytes());
  assert.equal(index.conns.length, 2);
  assert.equal(index.conns[0].closed, 'rst');
  assert.equal(index.length, 2);
  assert.ok(index.cols.warn[0] & FrameWarn.Truncated);
  assert.equal(index.topicOf(1), 'B');
  assert.equal(index.cols.conn[1], 1);
});

test('pairing by (connection, direction, opaque): broker requests on the client connection with the same opaque', () => {
  const s = session();
  const { w, bytes } = writer();
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 1);
  let t = T0 + 10;
  const put = (dir: number, b: Buffer) => { for (const p of s.send(dir, b)) w.packet(p, t); t += 100; };
  put(0, frame(req(310, 5, { b: 'T' })));                   // 0 client request opaque 5
  put(1, frame(req(39, 5, { topic: 'T' }, null, { oneway: true }))); // 1 broker CHECK_TRANSACTION_STATE oneway, own opaque 5
  put(1, frame(req(40, 6)));                                 // 2 broker request opaque 6 (answered)
  put(0, frame(req(37, 9, { topic: 'T' }, null, { oneway: true }))); // 3 END_TRANSACTION oneway
  put(0, frame(resp(6)));                                    // 4 client answers broker's 6
  put(1, frame(resp(5)));                                    // 5 broker answers client's 5
  put(0, frame(req(34, 11)));                                // 6 never answered
  put(1, frame(resp(99)));                                   // 7 orphan response
  const { index } = run(bytes());
  const c = index.cols;
  assert.equal(index.length, 8);
  assert.equal(c.pair[0], 5); assert.equal(c.pair[5], 0);
  assert.equal(c.pair[2], 4); assert.equal(c.pair[4], 2);
  assert.equal(c.pair[1], -1); assert.equal(c.pair[3], -1);
  assert.equal(c.reqCode[5], 310);
  assert.equal(c.reqCode[4], 40);
  assert.equal(c.warn[1] & FrameWarn.Unanswered, 0, 'oneway never unanswered');
  assert.equal(c.warn[3] & FrameWarn.Unanswered, 0);
  assert.ok(c.warn[6] & FrameWarn.Unanswered);
  assert.ok(c.warn[7] & FrameWarn.OrphanResponse);
  assert.equal(index.latencyUs(5), 500);
});

test('non-RocketMQ connection (HTTP) is not classified as RocketMQ and yields no frames', () => {
  const s = session({ serverPort: 80 });
  const { w, bytes } = writer();
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 1);
  for (const p of s.send(0, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(100)))) w.packet(p, T0 + 2);
  for (const p of s.send(1, Buffer.alloc(3000, 0))) w.packet(p, T0 + 3);
  const { index } = run(bytes());
  assert.equal(index.length, 0);
  assert.equal(index.conns[0].rocketmq, false);
});

test('deeply nested and huge JSON headers: no stack overflow, frames after them decoded', () => {
  const s = session();
  const { w, bytes } = writer();
  const nested = '{"code":10,"extFields":{"x":' + '['.repeat(200000) + ']'.repeat(200000) + ',"topic":"N"},"flag":0,"opaque":1}';
  const hb = Buffer.from(nested);
  const f1 = Buffer.alloc(8 + hb.length);
  f1.writeUInt32BE(4 + hb.length, 0); f1.writeUInt32BE(hb.length, 4); hb.copy(f1, 8);
  const bigExt: Record<string, string> = {};
  for (let i = 0; i < 20000; i++) bigExt[`k${i}`] = 'v'.repeat(20);
  bigExt.topic = 'BIGJSON';
  const f2 = frame(req(10, 2, bigExt));
  const f3 = frame(req(10, 3, { topic: 'after' }));
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 1);
  for (const p of s.send(0, Buffer.concat([f1, f2, f3]))) w.packet(p, T0 + 2);
  const { index } = run(bytes());
  assert.equal(index.length, 3);
  assert.equal(index.topicOf(0), 'N');
  assert.equal(index.topicOf(1), 'BIGJSON');
  assert.equal(index.topicOf(2), 'after');
});
