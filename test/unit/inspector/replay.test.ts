// Capture → replay: captured SEND frames written as a request document by the one replay writer, and
// read back by the request-file parser into the SendSpec the normal send path sends. Every field a user
// sets, batches, binary and compressed bodies, timers, and hostile text that must not break the format.
// (The round trip against real brokers is test/cluster/replay.test.ts.)
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createRequest, encodeFrame, RequestCode } from '../../../src/core/remoting';
import { compressZlib, encodeBatchBody, encodeProperties, MessageSysFlag, compressionTypeBits } from '../../../src/core/message';
import { buildMessages, parseRequestFile, SendSpec, writeReplayBlocks } from '../../../src/core/requestfile';
import { replayBodyFileName, replayDocument, replaySummary, ReplayFrame } from '../../../src/app/inspector/replay';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSource, InspectorSession } from '../../../src/app/inspector/session';
import { call, emit, RecordingHost } from '../../support/inspector/session-host';
import { Timeline, req, resp, send } from '../../support/doctor/crafted';

const sendV2 = (ext: Record<string, string | number | boolean>, body: Uint8Array | string, code: number = RequestCode.SEND_MESSAGE_V2) => encodeFrame(createRequest(code, {
  a: 'pg-orders', b: 'Orders', c: 'TBW102', d: 4, e: 2, f: 0, g: 1_700_000_000_000, h: 0, j: 0, k: false, n: 'broker-a', ...ext,
}, { opaque: 5, body: typeof body === 'string' ? Buffer.from(body) : body }));

const frame = (n: number, bytes: Uint8Array): ReplayFrame => ({ frame: n, bytes, client: '10.0.0.5:50001', server: '10.0.0.10:10911', timeUs: 1_700_000_000_000_000 });
const names = (f: number, i: number) => `./.rocketmq/bodies/cap-f${f}-${i}.body`;
const doc = (...frames: ReplayFrame[]) => replayDocument(frames, { capture: 'cap.pcapng', bodyFileName: names });

/** The document parsed back: no errors, and each block's spec. */
function specs(text: string): SendSpec[] {
  const parsed = parseRequestFile(text, { now: 0 });
  assert.deepEqual(parsed.diagnostics.filter((d) => d.severity === 'error'), [], text);
  return parsed.blocks.map((b) => b.spec!);
}

test('every field a user sets reads back: topic, tag, keys, user properties, delay level, body; system properties are named in a comment, not copied', () => {
  const props = encodeProperties({ UNIQ_KEY: '0A000005000000000000000000000001', WAIT: 'true', MSG_REGION: 'DefaultRegion', TRACE_ON: 'true', TAGS: 'TagA', KEYS: 'order-1 order-2', region: 'eu', 'x-trace': 'abc', DELAY: '3' });
  const d = doc(frame(7, sendV2({ i: props }, '{"orderId": 1}')));
  const [s] = specs(d.text);
  assert.deepEqual({ topic: s.topic, tags: s.tags, keys: s.keys, props: s.properties, delay: s.delayLevel, bodies: s.bodies, batch: s.batch },
    { topic: 'Orders', tags: 'TagA', keys: ['order-1', 'order-2'], props: { region: 'eu', 'x-trace': 'abc' }, delay: 3, bodies: ['{"orderId": 1}'], batch: false });
  assert.match(d.text, /^\/\/ left out \(the producer or broker sets these itself\): UNIQ_KEY, WAIT, MSG_REGION, TRACE_ON$/m);
  assert.doesNotMatch(d.text, /property: (UNIQ_KEY|WAIT|MSG_REGION|TRACE_ON)=/);
  assert.match(d.text, /^\/\/ queue: broker-a:2 {4}\(where it went; uncomment/m, 'the queue it went to, as a commented line');
  assert.match(d.text, /^\/\/ frame 7 of cap\.pcapng: SEND_MESSAGE_V2 10\.0\.0\.5:50001 → 10\.0\.0\.10:10911/m);
  assert.deepEqual([d.sends, d.messages, d.blocks, d.bodyFiles.length], [1, 1, 1, 0]);
  // and the messages the send path builds from it carry the same properties
  const m = buildMessages(s)[0];
  assert.deepEqual([m.properties.get('TAGS'), m.properties.get('KEYS'), m.properties.get('DELAY'), m.properties.get('region')], ['TagA', 'order-1 order-2', '3', 'eu']);
});

test('the sharding key becomes shardingKey; a half message a committed transaction; a user flag is named as left out', () => {
  const d = doc(frame(1, sendV2({ i: encodeProperties({ __SHARDINGKEY: 'order-9', TAGS: 't' }) }, 'a')),
    frame(2, sendV2({ i: encodeProperties({ TRAN_MSG: 'true', PGROUP: 'pg-orders' }), f: MessageSysFlag.TRANSACTION_PREPARED_TYPE, h: 5 }, 'b')));
  const [a, b] = specs(d.text);
  assert.deepEqual(a.queue, { kind: 'sharding', shardingKey: 'order-9' });
  assert.equal(b.transaction, 'commit');
  assert.equal(b.properties, undefined);
  assert.match(d.text, /user flag 5 left out/);
});

test('timers: TIMER_DELAY_MS and TIMER_DELAY_SEC become a duration, TIMER_DELIVER_MS a deliverAt with the delay it had', () => {
  const d = doc(frame(1, sendV2({ i: encodeProperties({ TIMER_DELAY_MS: '1500' }) }, 'a')),
    frame(2, sendV2({ i: encodeProperties({ TIMER_DELAY_SEC: '20' }) }, 'b')),
    frame(3, sendV2({ i: encodeProperties({ TIMER_DELIVER_MS: '1700000010000' }) }, 'c')));
  const [a, b, c] = specs(d.text);
  assert.equal(a.delayMs, 1500);
  assert.equal(b.delayMs, 20_000);
  assert.equal(c.deliverAtMs, 1_700_000_010_000);
  assert.match(d.text, /deliverAt was 10000 ms after the send; "delay: 10000ms" keeps that delay/);
});

test('a compressed body is inflated; a binary body goes to a body file the caller writes', () => {
  const json = Buffer.from(JSON.stringify({ big: 'x'.repeat(5000) }));
  const bin = Uint8Array.from([0, 1, 2, 0xff, 0xfe, 10, 13]);
  const d = doc(frame(4, sendV2({ f: MessageSysFlag.COMPRESSED_FLAG | compressionTypeBits('ZLIB') }, compressZlib(json))), frame(5, sendV2({}, bin)));
  const [a, b] = specs(d.text);
  assert.equal(a.bodies[0], json.toString());
  assert.deepEqual(d.bodyFiles.map((f) => [f.name, [...f.bytes]]), [[names(5, 0), [...bin]]]);
  const block = parseRequestFile(d.text).blocks[1];
  assert.equal(block.bodyFile, names(5, 0));
  assert.deepEqual(b.bodies, ['']);
  assert.match(d.text, /body in \.\/\.rocketmq\/bodies\/cap-f5-0\.body \(7 bytes, not text\)/);
});

test('text that would not read back inline (trailing newline, CR, a ### line) goes to a body file too', () => {
  for (const body of ['line\n', 'a\r\nb', 'x\n### not a block', '\n\n']) {
    const d = doc(frame(1, sendV2({}, body)));
    assert.equal(d.bodyFiles.length, 1, JSON.stringify(body));
    assert.equal(Buffer.from(d.bodyFiles[0].bytes).toString(), body);
    assert.equal(parseRequestFile(d.text).blocks.length, 1, 'still one block');
  }
});

test('a batch becomes one batch block when its messages share tag, keys and properties', () => {
  const e = (body: string) => ({ flag: 0, body: Buffer.from(body), propertiesString: encodeProperties({ TAGS: 'b', KEYS: 'k1', UNIQ_KEY: `U${body}`, region: 'eu' }) });
  const d = doc(frame(9, sendV2({ m: true }, encodeBatchBody([e('one'), e('two\nlines'), e('three')]), RequestCode.SEND_BATCH_MESSAGE)));
  const [s] = specs(d.text);
  assert.deepEqual({ batch: s.batch, bodies: s.bodies, tags: s.tags, keys: s.keys, props: s.properties }, { batch: true, bodies: ['one', 'two\nlines', 'three'], tags: 'b', keys: ['k1'], props: { region: 'eu' } });
  assert.equal(d.blocks, 1);
  assert.match(d.text, /^### frame 9 \(batch of 3\)$/m);
});

test('a batch whose messages differ, or has a binary body, becomes one block per message and says why', () => {
  const d = doc(frame(9, sendV2({ m: true }, encodeBatchBody([
    { flag: 0, body: Buffer.from('one'), propertiesString: encodeProperties({ TAGS: 'a', KEYS: 'k1' }) },
    { flag: 0, body: Buffer.from('two'), propertiesString: encodeProperties({ TAGS: 'a', KEYS: 'k2' }) },
  ]), RequestCode.SEND_BATCH_MESSAGE)));
  const ss = specs(d.text);
  assert.deepEqual(ss.map((s) => [s.keys, s.bodies[0], s.batch]), [[['k1'], 'one', false], [['k2'], 'two', false]]);
  assert.match(d.text, /message 1 of a batch of 2, written as its own block: its messages differ in tag, keys or properties/);
  const bin = doc(frame(3, sendV2({ m: true }, encodeBatchBody([
    { flag: 0, body: Buffer.from('one'), propertiesString: '' }, { flag: 0, body: Uint8Array.from([0, 0xff]), propertiesString: '' },
  ]), RequestCode.SEND_BATCH_MESSAGE)));
  assert.equal(specs(bin.text).length, 2);
  assert.deepEqual(bin.bodyFiles.map((f) => f.name), [names(3, 1)]);
});

test('hostile text in the topic, tag, keys, properties and capture name cannot break the file: quoted, escaped, read back exactly', () => {
  const evil = {
    TAGS: ' tag\n### injected\ntopic: Evil ',
    KEYS: 'k\t1 "k2"',
    'na=me': 'v=1',
    '"quoted"': 'x',
    ' edge ': '  spaced  ',
    multi: 'line1\r\nline2\u2028line3\u0085',
    'bodyFile': '/etc/passwd',
  };
  const d = replayDocument([frame(1, sendV2({ i: encodeProperties(evil) }, 'body'))], { capture: 'cap\n### x\ntopic: Y.pcapng', bodyFileName: names });
  const parsed = parseRequestFile(d.text, { now: 0 });
  assert.equal(parsed.blocks.length, 1, d.text);
  const s = parsed.blocks[0].spec!;
  assert.ok(s, JSON.stringify(parsed.diagnostics));
  assert.equal(s.tags, evil.TAGS);
  assert.deepEqual(s.keys, ['k\t1', '"k2"']);
  assert.deepEqual(s.properties, { 'na=me': 'v=1', '"quoted"': 'x', ' edge ': '  spaced  ', multi: evil.multi, bodyFile: '/etc/passwd' });
  assert.equal(parsed.blocks[0].bodyFile, undefined, 'a property named bodyFile stays a property');
  assert.deepEqual(s.bodies, ['body']);
  for (const line of d.text.split('\n')) assert.ok(!/[\u0000-\u0008\u000b-\u001f\u2028\u2029\u0085]/.test(line), `no raw control character in ${JSON.stringify(line)}`);
  // a topic RocketMQ would refuse is kept (quoted) and the parser says what is wrong with it
  const t = writeReplayBlocks([{ topic: 'Bad\ntopic: Good', properties: new Map(), body: Buffer.from('x') }], false, { title: 't', bodyFileName: () => 'b' });
  const tb = parseRequestFile(t.text, { now: 0 });
  assert.equal(tb.blocks.length, 1);
  assert.equal(tb.blocks[0].headers.find((h) => h.key === 'topic')?.value, 'Bad\ntopic: Good');
  assert.match(tb.diagnostics.map((x) => x.message).join('\n'), /contains characters RocketMQ does not allow/);
});

test('rows that are not send requests are skipped and counted; an incomplete frame is skipped with the reason', () => {
  const resp = encodeFrame({ ...createRequest(RequestCode.SEND_MESSAGE_V2, { msgId: 'x', queueId: 1, queueOffset: 2 }), flag: 1 });
  const d = replayDocument([frame(1, encodeFrame(createRequest(RequestCode.HEART_BEAT, null, { body: Buffer.from('{}') }))), frame(2, resp), { ...frame(3, sendV2({}, 'x')), missing: 10 }, frame(4, sendV2({}, 'ok'))],
    { capture: 'c', bodyFileName: names });
  assert.deepEqual(d.skipped.map((s) => s.frame), [1, 2, 3]);
  assert.match(d.skipped[0].why, /HEART_BEAT is not a send/);
  assert.equal(d.skipped[1].why, 'a response');
  assert.match(replaySummary(d), /^Opened 1 message\(s\) from 1 send\(s\) as a request file \(1 block\(s\)\); 3 selected row\(s\) skipped/);
  assert.equal(specs(d.text).length, 1);
  assert.match(replaySummary(replayDocument([frame(1, resp)], { capture: 'c', bodyFileName: names })), /^No send requests in the selection; 1 selected/);
});

test('through the inspector session: the selected rows become one document; responses and other codes are counted as skipped; bad params are refused', async () => {
  const tl = new Timeline();
  const b = tl.conn('10.0.0.5', '10.0.0.10', 10911, 1000);
  const s1 = send('Orders', { tags: 'TagA' });
  const s2 = send('Orders', { tags: 'TagB' });
  b.exchange(2000, s1.cmd, resp(s1.cmd, 0, null, { msgId: 'X', queueId: 0, queueOffset: 1 }));
  b.exchange(3000, s2.cmd, resp(s2.cmd, 0, null, { msgId: 'Y', queueId: 0, queueOffset: 2 }));
  const hb = req(RequestCode.HEART_BEAT, null, { body: '{}' });
  b.exchange(4000, hb, resp(hb, 0)).close(9000);
  const file = join(mkdtempSync(join(tmpdir(), 'replay-')), 'orders capture.pcapng');
  writeFileSync(file, tl.bytes());
  const host = new RecordingHost();
  const session = new InspectorSession(fileSource(file, 'orders capture.pcapng'), host);
  await emit(session, 'ready');
  await session.source.done;
  const rows = (await call(session, host, 'getRows', { start: 0, count: 20 })).rows;
  const r = await call(session, host, 'openRequestFile', { frames: rows.map((x) => x.frame) });
  assert.match(r.message, /^Opened 2 message\(s\) from 2 send\(s\) as a request file \(2 block\(s\)\); 4 selected row\(s\) skipped/);
  const d = host.replayDocs[0];
  assert.deepEqual(specs(d.text).map((x) => x.tags), ['TagA', 'TagB']);
  assert.deepEqual(d.skipped.map((x) => x.why).sort(), ['HEART_BEAT is not a send', 'a response', 'a response', 'a response']);
  assert.match(d.text, /^\/\/ 4 selected row\(s\) skipped: frame 1: a response; frame 3: a response; /m, 'the document names every skipped row, those the index already knew too');
  await assert.rejects(call(session, host, 'openRequestFile', { frames: [] }), /invalid|refused|params/i);
  await assert.rejects(call(session, host, 'openRequestFile', { frames: [rows.length + 50] }), /no frame/);
  session.dispose();
});

test('body file names are safe paths under .rocketmq/bodies, named after the capture and frame', async () => {
  assert.equal(replayBodyFileName('/tmp/x/../my cap;rm -rf.pcapng', 12, 0), './.rocketmq/bodies/my_cap_rm_-rf-frame12.body');
  assert.equal(replayBodyFileName('c.pcap', 3, 1), './.rocketmq/bodies/c-frame3-1.body');
});
