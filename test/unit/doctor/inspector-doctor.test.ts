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
