// The doctor in the inspector: the expert summary carries its findings (cause, facts, fix), and a
// finding's evidence is one filter away — through the session's real endpoint, as the webview asks.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSource, InspectorSession } from '../../../src/app/inspector/session';
import { call, emit, RecordingHost } from '../../support/inspector/session-host';
import { RequestCode, ResponseCode } from '../../../src/core/remoting';
import { HOST_VALIDATORS } from '../../../src/shared/inspector-protocol';
import { Timeline, req, resp, send } from '../../support/doctor/crafted';

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'inspector-doctor-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

test('the summary lists the findings; "Show the evidence" filters the list to their frames; an unknown id matches nothing', async () => {
  const tl = new Timeline();
  const ns = tl.conn('10.0.0.5', '10.0.0.20', 9876, 0);
  const r1 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'NoSuch' });
  const r2 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TBW102' });
  ns.exchange(1000, r1, resp(r1, 17, 'No topic route info in name server for the topic: NoSuch'));
  ns.exchange(3000, r2, resp(r2, 17, 'No topic route info in name server for the topic: TBW102')).close(3e6);
  const b = tl.conn('10.0.0.5', '10.0.0.10', 10911, 0);
  for (let k = 0; k < 5; k++) {
    const s = send('Orders');
    b.exchange(10_000 + k * 1000, s.cmd, k < 2 ? resp(s.cmd, ResponseCode.SYSTEM_BUSY, '[TIMEOUT_CLEAN_QUEUE]broker busy, start flow control for a while, period in queue: 210ms, size of queue: 4') : resp(s.cmd, 0, null, { msgId: 'X', queueId: 0, queueOffset: k }));
  }
  b.close(3e6);
  const file = join(dir, 'doctor.pcapng');
  writeFileSync(file, tl.bytes());
  const host = new RecordingHost();
  const s = new InspectorSession(fileSource(file, 'doctor.pcapng'), host);
  await emit(s, 'ready');
  await s.source.done;
  const sum = await call(s, host, 'getSummary', {});
  assert.ok(sum.doctor, 'the doctor ran once indexing was complete');
  const ids = sum.doctor.findings.map((f) => f.id).sort();
  assert.deepEqual(ids, ['broker-busy:timeout-clean-queue:10.0.0.10:10911', 'no-route:NoSuch']);
  const busy = sum.doctor.findings.find((f) => f.rule === 'broker-busy')!;
  assert.equal(busy.severity, 'error');
  assert.equal(busy.frames, 4);
  assert.equal(busy.facts[0], '2 of 5 SEND_MESSAGE_V2 to 10.0.0.10:10911 answered SYSTEM_BUSY (40.0%)');
  assert.match(busy.fix, /send rate/);
  // one click: the filter by the finding's id lists exactly its frames
  const total = (await call(s, host, 'setView', { sort: { column: 'index', descending: false }, filter: { evidence: busy.id } })).total;
  assert.equal(total, 4);
  const rows = (await call(s, host, 'getRows', { start: 0, count: 10 })).rows;
  assert.deepEqual(rows.map((r) => `${r.codeName}${r.response ? ` → ${r.status}` : ''}`), [
    'SEND_MESSAGE_V2', 'SEND_MESSAGE_V2 → SYSTEM_BUSY', 'SEND_MESSAGE_V2', 'SEND_MESSAGE_V2 → SYSTEM_BUSY',
  ]);
  assert.equal((await call(s, host, 'setView', { sort: { column: 'index', descending: false }, filter: { evidence: 'no-such-finding' } })).total, 0);
  // the evidence filter composes with the others
  assert.equal((await call(s, host, 'setView', { sort: { column: 'index', descending: false }, filter: { evidence: busy.id, kind: 'responses' } })).total, 2);
  // the validator takes the id as a bounded string only
  assert.equal(HOST_VALIDATORS.requests.setView({ sort: { column: 'index', descending: false }, filter: { evidence: 7 } }), null);
  assert.equal(HOST_VALIDATORS.requests.setView({ sort: { column: 'index', descending: false }, filter: { evidence: 'x'.repeat(600) } }), null);
  s.dispose();
});

test('the inspector\'s diff: two frames, or a frame and a stored message it carries; bad targets get an error answer', async () => {
  const { createRequest, createResponse } = await import('../../../src/core/remoting');
  const { encodeStoredMessage } = await import('../../../src/core/message');
  const tl = new Timeline();
  const b = tl.conn('10.0.0.5', '10.0.0.10', 10911, 0);
  const s1 = send('Orders', { tags: 'TagA', key: '0A000005000000000000000000000001' });
  const s2 = send('Orders', { tags: 'TagB' });
  b.exchange(1000, s1.cmd, resp(s1.cmd, 0, null, { msgId: 'X', queueId: 0, queueOffset: 0 }));
  b.exchange(3000, s2.cmd, resp(s2.cmd, 0, null, { msgId: 'Y', queueId: 0, queueOffset: 1 }));
  const pull = createRequest(RequestCode.PULL_MESSAGE, { consumerGroup: 'cg', topic: 'Orders', queueId: 0, queueOffset: 0, maxMsgNums: 32, sysFlag: 0, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0 }, { opaque: 77 });
  const record = encodeStoredMessage({ topic: 'Orders', body: Buffer.from('body'), bornTimestamp: 1700000000000, properties: { UNIQ_KEY: '0A000005000000000000000000000001', TAGS: 'TagA', WAIT: 'true' } });
  b.exchange(5000, pull, createResponse(pull, 0, null, { nextBeginOffset: 1, minOffset: 0, maxOffset: 1, suggestWhichBrokerId: 0 }, { body: Buffer.from(record) })).close(9000);
  const file = join(dir, 'diff.pcapng');
  writeFileSync(file, tl.bytes());
  const host = new RecordingHost();
  const s = new InspectorSession(fileSource(file, 'diff.pcapng'), host);
  await emit(s, 'ready');
  await s.source.done;
  const frames = (await call(s, host, 'getRows', { start: 0, count: 10 })).rows;
  const sendFrames = frames.filter((r) => r.codeName === 'SEND_MESSAGE_V2' && !r.response).map((r) => r.frame);
  const pullAnswer = frames.find((r) => r.codeName === 'PULL_MESSAGE' && r.response)!.frame;
  const d = await call(s, host, 'diff', { a: { frame: sendFrames[0] }, b: { frame: sendFrames[1] } });
  assert.deepEqual(d.rows.filter((r) => !r.same).map((r) => r.name).sort(), ['TAGS', 'UNIQ_KEY', 'opaque']);
  const m = await call(s, host, 'diff', { a: { frame: sendFrames[0] }, b: { frame: pullAnswer, message: 0 } });
  assert.equal(m.b.kind, 'stored-message');
  // the send and the copy the broker stored: the same message (topic, queue, flags, born time, properties, body)
  assert.equal(m.differences, 0, JSON.stringify(m.rows.filter((r) => !r.same && !r.oneSided)));
  assert.ok(m.rows.some((r) => r.name === 'storeHost' && r.oneSided));
  await assert.rejects(call(s, host, 'diff', { a: { frame: sendFrames[0] }, b: { frame: pullAnswer, message: 3 } }), /carries 1 stored message\(s\); there is no message 3/);
  await assert.rejects(call(s, host, 'diff', { a: { frame: 999 }, b: { frame: 0 } }), /no frame 999/);
  assert.equal(HOST_VALIDATORS.requests.diff({ a: { frame: 0 }, b: { frame: 1, message: -1 } }), null);
  s.dispose();
});
