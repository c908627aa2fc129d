import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { newSummary, scanHeader } from '../../../src/core/capture/header-scan';
import { indexCaptureBytes, CaptureIndex } from '../../../src/core/capture/capture-index';
import { mutate } from '../../../src/core/capture/fuzz';
import { frame, req, resp, rng, session, T0, writer } from './helpers';

const root = path.resolve(__dirname, '..', '..', '..', '..');

function scan(text: string, cut = text.length) {
  const b = Buffer.from(text, 'latin1');
  return scanHeader(b, 0, cut, 0, newSummary());
}

test('JSON header scan: code, opaque, flag and topic (V2 "b" of a send request, "topic" otherwise)', () => {
  const text = '{"code":310,"extFields":{"a":"g","b":"T1","i":"UNIQ_KEY\\u0001X"},"flag":0,"opaque":42}';
  const s = scan(text);
  assert.equal(s.ok, true);
  assert.deepEqual([s.code, s.opaque, s.flag, s.topicStart, s.topicEnd, s.topicEscaped], [310, 42, 0, text.indexOf('T1'), text.indexOf('T1') + 2, false]);
  const r = scan("{code:105,extFields:{topic:'A\\\"B'},flag:\"2\",opaque:-7}");
  assert.equal(r.ok, true);
  assert.deepEqual([r.code, r.opaque, r.flag, r.topicEscaped], [105, -7, 2, true]);
  // a response's "b" is not a topic
  assert.equal(scan('{"code":0,"extFields":{"b":"x"},"flag":1,"opaque":1}').topicStart, -1);
});

test('JSON header scan never reads past the header: a header cut before its closing brace is not decodable, whatever follows it', () => {
  const text = '{"code":10,"opaque":3,"flag":0}';
  for (let cut = 1; cut < text.length; cut++) {
    // the bytes after the cut are the rest of the header itself: a scan peeking past `cut` would finish it
    const s = scan(text, cut);
    assert.equal(s.ok, false, `cut at ${cut} (${text.slice(0, cut)}) decoded`);
  }
  assert.equal(scan(text).ok, true);
  // a number or quoted string running into the end
  assert.equal(scan('{"code":10}}', 10).ok, false);
  assert.equal(scan('{"code":"10"}', 11).ok, false);
  assert.equal(scan('{"code":10,"extFields":{"topic":"T"}}', 36).ok, false);
});

function columns(ix: CaptureIndex): unknown {
  const c = ix.cols;
  const out: Record<string, number[]> = {};
  for (const k of ['tsFirst', 'tsLast', 'posMin', 'posMax', 'conn', 'startSeq', 'size', 'headerLen', 'missing', 'code', 'opaque', 'flag', 'topic', 'pair', 'reqCode', 'warn', 'dir', 'ser'] as const) {
    out[k] = Array.from(c[k].subarray(0, c.n));
  }
  return { out, topics: ix.topics.names, warnings: ix.warnings.items, conns: ix.conns };
}

test('the index pass (headers read in place) and the full pass (headers copied) build the same index', () => {
  // frames cut at many points by small segments, several frames per segment, escaped topics
  const s = session();
  const { w, bytes } = writer();
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 1); w.packet(s.ack(0), T0 + 2);
  const r = rng(5);
  let t = T0 + 10;
  for (let k = 1; k <= 60; k++) {
    const topic = k % 7 === 0 ? `T"${k}` : `Topic${k % 4}`;
    const body = Buffer.alloc(Math.floor(r() * 300), 0x7d); // '}' bytes right after each header
    const a = frame(req(k % 2 ? 310 : 105, k, k % 2 ? { a: 'g', b: topic } : { topic }, body, { ser: k % 5 === 0 ? 'ROCKETMQ' : 'JSON' }));
    const b = frame(resp(k, k % 9 === 0 ? 17 : 0, { msgId: `M${k}` }));
    for (const p of s.send(0, a, 20 + Math.floor(r() * 400))) w.packet(p, t++);
    for (const p of s.send(1, b, 20 + Math.floor(r() * 400))) w.packet(p, t++);
  }
  w.packet(s.fin(0), t++); w.packet(s.fin(1), t++);
  const cap = bytes();
  const indexed = indexCaptureBytes(cap);
  assert.equal(indexed.length, 120);
  assert.equal(indexed.topicOf(13), 'T"7');
  assert.deepEqual(columns(indexed), columns(indexCaptureBytes(cap, { full: true })));
  // and on damaged captures: mutations of a real one
  const real = fs.readFileSync(path.join(root, 'test', 'fixtures', 'captures', 'java-5.3.3.pcapng'));
  for (let seed = 1; seed <= 60; seed++) {
    const m = mutate(real, rng(seed));
    assert.deepEqual(columns(indexCaptureBytes(m)), columns(indexCaptureBytes(m, { full: true })), `mutation ${seed}`);
  }
});
