import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { basicCapture, writeLargeCapture, xssCapture } from '../../support/inspector/fixtures';
import { fileSource, InspectorSession, liveSource } from '../../../src/app/inspector/session';
import { ask, call, emit, RecordingHost } from '../../support/inspector/session-host';
import { focusOnSend, OwnTraffic } from '../../../src/app/inspector/own-traffic';
import { frameAsJson } from '../../../src/app/inspector/details';
import { InspectorModel } from '../../../src/app/inspector/view-model';
import { indexCaptureBytes } from '../../../src/core/capture/capture-index';
import { fileSink, memorySink } from '../../../src/core/capture/pcap-writer';
import { createRequest, createResponse, encodeFrame, RequestCode } from '../../../src/core/remoting';
import { FrameDetails, FrameRow, HOST_VALIDATORS, parseFilter } from '../../../src/shared/inspector-protocol';

class FakeHost extends RecordingHost {}

let dir: string;

async function open(bytes: Uint8Array, name = 'c.pcapng'): Promise<{ s: InspectorSession; host: FakeHost }> {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  const host = new FakeHost();
  const s = new InspectorSession(fileSource(p, name), host);
  await emit(s, 'ready');
  await s.source.done;
  await new Promise((r) => setImmediate(r));
  return { s, host };
}

async function rows(s: InspectorSession, host: FakeHost, start = 0, count = 100): Promise<FrameRow[]> {
  return (await call(s, host, 'getRows', { start, count })).rows;
}

async function view(s: InspectorSession, host: FakeHost, filter: object, sort = { column: 'index', descending: false }): Promise<number> {
  return (await call(s, host, 'setView', { sort, filter } as never)).total;
}

async function details(s: InspectorSession, host: FakeHost, frame: number): Promise<FrameDetails> {
  return call(s, host, 'getDetails', { frame });
}

before(() => { dir = mkdtempSync(join(tmpdir(), 'insp-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

describe('inspector model over a fixture capture', () => {
  test('indexes, pairs and serves rows by range', async () => {
    const f = basicCapture();
    const { s, host } = await open(f.bytes);
    const init = host.lastEvent('init');
    assert.equal(init.live, false);
    const prog = host.lastEvent('progress');
    assert.equal(prog.done, true);
    assert.equal(prog.frames, f.expect.frames);
    const all = await rows(s, host);
    assert.equal(all.length, f.expect.frames);
    assert.equal(all.filter((r) => r.response).length, f.expect.responses);
    assert.equal(all.filter((r) => r.pair !== null).length, f.expect.pairs * 2);
    const send1 = all.find((r) => r.opaque === 101 && !r.response)!;
    assert.equal(send1.codeName, 'SEND_MESSAGE_V2');
    assert.equal(send1.topic, 'OrderTopic');
    assert.equal(send1.status, 'SUCCESS');
    assert.equal(send1.connLabel, '127.0.0.1:50001 → 127.0.0.1:10911');
    const r1 = all[send1.pair!];
    assert.equal(r1.response, true);
    assert.equal(r1.dir, 's2c');
    assert.ok(r1.latencyUs! >= 2500 && r1.latencyUs! < 5000, `latency ${r1.latencyUs}`);
    const lost = all.find((r) => r.opaque === 104)!;
    assert.deepEqual(lost.warnings, ['unanswered']);
    // a window in the middle
    const mid = await rows(s, host, 3, 2);
    assert.deepEqual(mid.map((r) => r.frame), [3, 4]);
    // past the end
    assert.equal((await rows(s, host, 50, 10)).length, 0);
  });

  test('ready pushes the first page of rows without a request', async () => {
    const { host } = await open(basicCapture().bytes);
    const first = host.lastEvent('firstRows');
    assert.equal(host.events('firstRows').length, 1);
    assert.equal(first.start, 0);
    assert.ok(first.rows.length <= 100 && first.total >= first.rows.length);
  });

  test('filters in the host: code, kind, errors, topic, opaque, connection, latency, time, text', async () => {
    const f = basicCapture();
    const { s, host } = await open(f.bytes);
    assert.equal(await view(s, host, { code: 'SEND_MESSAGE_V2' }), 4);
    assert.equal(await view(s, host, { code: '310', kind: 'requests' }), 2);
    assert.equal(await view(s, host, { code: 'heart' }), 2); // partial name, both sides
    assert.equal(await view(s, host, { errorsOnly: true }), 2); // the TOPIC_NOT_EXIST pair
    assert.equal(await view(s, host, { topic: 'order' }), 4); // OrderTopic send + route (+ responses)
    assert.equal(await view(s, host, { opaque: 104 }), 1);
    await view(s, host, {});
    const all = await rows(s, host);
    const routeConn = all.find((r) => r.codeName === 'GET_ROUTEINFO_BY_TOPIC')!.conn;
    assert.equal(await view(s, host, { conn: routeConn }), 2);
    const slow = all.filter((r) => r.latencyUs !== null && r.latencyUs > 3000).length;
    assert.ok(slow >= 2 && slow < 8);
    assert.equal(await view(s, host, { latencyAboveMs: 3 }), slow);
    assert.equal(await view(s, host, { timeFromSec: 0, timeToSec: 1e-6 }), 0);
    assert.equal(await view(s, host, { timeFromSec: 0, timeToSec: 100 }), 9);
    assert.equal(await view(s, host, { text: 'topic_not' }), 2);
    assert.equal(await view(s, host, { text: '50002' }), 2);
    assert.equal(await view(s, host, { warning: 'unanswered' }), 1);
    assert.equal(await view(s, host, { responseCode: 17 }), 1);
    const got = await rows(s, host);
    assert.equal(got[0].status, 'TOPIC_NOT_EXIST');
  });

  test('sorts by any column in the host, stable, and locates frames in the view', async () => {
    const { s, host } = await open(basicCapture().bytes);
    await view(s, host, {}, { column: 'latency', descending: true });
    const byLat = await rows(s, host);
    assert.ok(byLat[0].latencyUs! >= byLat[1].latencyUs!);
    assert.equal(byLat.at(-1)!.latencyUs, null);
    await view(s, host, {}, { column: 'size', descending: false });
    const bySize = (await rows(s, host)).map((r) => r.size);
    assert.deepEqual(bySize, [...bySize].sort((a, b) => a - b));
    await view(s, host, {}, { column: 'topic', descending: false });
    const byTopic = (await rows(s, host)).map((r) => r.topic ?? '');
    assert.equal(byTopic[0], '');
    for (const col of ['time', 'conn', 'dir', 'code', 'opaque', 'flag', 'status', 'warnings', 'index']) {
      const n = await view(s, host, {}, { column: col, descending: true });
      assert.equal(n, 9, col);
      assert.equal(new Set((await rows(s, host)).map((r) => r.frame)).size, 9, col);
    }
    await view(s, host, { code: 'SEND_MESSAGE_V2' }, { column: 'opaque', descending: true });
    const target = (await rows(s, host))[3].frame;
    assert.equal((await call(s, host, 'locate', { frame: target })).position, 3);
    const heartbeatOrRoute = await call(s, host, 'locate', { frame: 8 });
    assert.equal(heartbeatOrRoute.position, -1);
  });

  test('details: V2 short keys with real names, properties, ids, sysFlag, body, ranges', async () => {
    const f = basicCapture();
    const { s, host } = await open(f.bytes);
    const all = await rows(s, host);
    const send1 = all.find((r) => r.opaque === 101 && !r.response)!;
    const d = await details(s, host, send1.frame);
    assert.equal(d.decodeError, null);
    assert.equal(d.header!.codeName, 'SEND_MESSAGE_V2');
    assert.equal(d.header!.languageName, 'JAVA');
    assert.deepEqual(d.header!.flagBits, ['REQUEST']);
    const names = Object.fromEntries(d.extFields.map((k) => [k.key, k.name]));
    assert.equal(names.a, 'producerGroup');
    assert.equal(names.b, 'topic');
    assert.equal(names.i, 'properties');
    assert.equal(d.extFields.find((k) => k.key === 'f')!.note, 'none');
    const uniq = d.properties.find((p) => p.key === 'UNIQ_KEY')!;
    assert.equal(uniq.value, f.uniqKey);
    assert.match(uniq.note!, /ip 127\.0\.0\.1/);
    assert.equal(d.properties.find((p) => p.key === 'TAGS')!.value, 'TagA');
    assert.equal(d.body!.kind, 'json');
    assert.match(d.body!.text!, /"orderId": 1/);
    assert.equal(d.hex.length, d.hexTotalBytes * 2);
    const bRange = d.extFields.find((k) => k.key === 'b')!.range!;
    const bytes = Buffer.from(d.hex, 'hex');
    assert.equal(bytes.subarray(bRange[0], bRange[1]).toString(), '"b":"OrderTopic"');
    // response: offsetMsgId decoded
    const r = await details(s, host, send1.pair!);
    assert.equal(r.header!.codeName, 'SUCCESS');
    assert.match(r.extFields.find((k) => k.key === 'offsetMsgId')!.note!, /broker 127\.0\.0\.1:10911, commit log offset 123456/);
    // ROCKETMQ-serialized request: binary ranges
    const send2 = all.find((x) => x.opaque === 102 && !x.response)!;
    const d2 = await details(s, host, send2.frame);
    assert.equal(d2.header!.serializeType, 'ROCKETMQ');
    const kb = d2.extFields.find((k) => k.key === 'b')!;
    assert.equal(kb.value, 'MissingTopic');
    const b2 = Buffer.from(d2.hex, 'hex');
    assert.ok(b2.subarray(kb.range![0], kb.range![1]).toString('latin1').endsWith('MissingTopic'));
    const err = await details(s, host, send2.pair!);
    assert.equal(err.header!.codeName, 'TOPIC_NOT_EXIST');
    assert.match(err.header!.remark!, /not exist/);
    // route response
    const route = all.find((x) => x.codeName === 'GET_ROUTEINFO_BY_TOPIC' && x.response)!;
    const dr = await details(s, host, route.frame);
    const brokers = dr.sections.find((x) => x.title === 'Topic route › Brokers')!;
    assert.ok(brokers.rows.some((x) => x.key === 'DefaultCluster' && x.value.includes('address: 127.0.0.1:10911')), JSON.stringify(brokers));
    const queues = dr.sections.find((x) => x.title === 'Topic route › Queues')!;
    assert.ok(queues.rows.some((x) => /perm: 6 RW/.test(x.value)), JSON.stringify(queues));
    // heartbeat body: the capture decoder's view, flattened
    const hb = all.find((x) => x.codeName === 'HEART_BEAT' && !x.response)!;
    const dh = await details(s, host, hb.frame);
    assert.ok(dh.sections.some((x) => x.title.startsWith('Heartbeat')), dh.sections.map((x) => x.title).join('|'));
  });

  test('expert summary: unanswered, error responses by code, latency percentiles', async () => {
    const { s, host } = await open(basicCapture().bytes);
    const sum = await call(s, host, 'getSummary', {});
    assert.equal(sum.frames, 9);
    assert.equal(sum.connections, 2);
    const un = sum.items.find((i) => i.label === 'Unanswered requests')!;
    assert.equal(un.count, 1);
    assert.deepEqual(un.filter, { warning: 'unanswered' });
    const errItem = sum.items.find((i) => i.label.includes('TOPIC_NOT_EXIST'))!;
    assert.equal(errItem.count, 1);
    assert.equal(await view(s, host, errItem.filter), 1);
    const send = sum.latency.find((l) => l.codeName === 'SEND_MESSAGE_V2')!;
    assert.equal(send.count, 2);
    assert.ok(send.maxMs >= 2.5 && send.p50Ms > 0);
  });

  test('copy as JSON redacts secrets; copy as hex', async () => {
    const req = createRequest(RequestCode.SEND_MESSAGE, { topic: 'T', AccessKey: 'AK123', Signature: 'SIG==', SecurityToken: 'tok' }, { opaque: 5 });
    const json = frameAsJson(encodeFrame(req));
    assert.ok(!json.includes('AK123') && !json.includes('SIG==') && !json.includes('"tok"'), json);
    assert.equal(JSON.parse(json).extFields.Signature, '<redacted>');
    const { s, host } = await open(basicCapture().bytes);
    assert.equal((await call(s, host, 'copy', { frame: 0, format: 'hex' })).message, 'Frame 0 copied as hex');
    assert.match(host.clipboard!, /^00000000 {2}00 00 0/);
    assert.match((await call(s, host, 'copy', { frame: 0, format: 'json' })).message, /JSON \(secrets redacted\)/);
    assert.equal(JSON.parse(host.clipboard!).codeName, 'SEND_MESSAGE_V2');
  });

  test('XSS fixture decodes to the literal payload strings (the webview shows them as text)', async () => {
    const x = xssCapture();
    const { s, host } = await open(x.bytes);
    const all = await rows(s, host);
    assert.equal(all[0].topic, x.payloads.topic);
    const d = await details(s, host, 0);
    assert.equal(d.header!.remark, x.payloads.remark);
    assert.equal(d.extFields.find((k) => k.key === x.payloads.extKey)!.value, x.payloads.extValue);
    assert.equal(d.body!.text, x.payloads.body);
    assert.equal(d.properties.find((p) => p.key === 'TAGS')!.value, x.payloads.property);
  });

  test('rows are served while indexing runs; cancelling stops the pass and says so', async () => {
    const p = join(dir, 'big.pcapng');
    const out = fileSink(p);
    const { frames } = writeLargeCapture(out.sink, 60_000, 16, 4);
    out.close();
    const host = new FakeHost();
    const s = new InspectorSession(fileSource(p, 'big.pcapng'), host);
    await emit(s, 'ready');
    // wait (with a deadline) for the first batch, then read rows before the pass is over
    const deadline = Date.now() + 10_000;
    while (s.source.index.length < 100) {
      assert.ok(Date.now() < deadline, 'no frames within 10 s');
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(s.indexingDone, false);
    assert.equal((await call(s, host, 'getRows', { start: 0, count: 50 })).rows.length, 50);
    await emit(s, 'cancelIndexing');
    const d = await s.source.done;
    await new Promise((r) => setImmediate(r));
    assert.equal(d.cancelled, true);
    const prog = host.lastEvent('progress');
    assert.equal(prog.done, true);
    assert.equal(prog.cancelled, true);
    assert.ok(prog.frames < frames, `${prog.frames} of ${frames} frames indexed before the cancel`);
  });

  test('reads frames back from .pcap.gz and classic pcap', async () => {
    const f = basicCapture();
    const { s, host } = await open(gzipSync(f.bytes), 'c.pcap.gz');
    assert.equal(host.lastEvent('progress').frames, 9);
    const d = await details(s, host, 0);
    assert.equal(d.decodeError, null);
    assert.equal(d.header!.opaque, 101);
    const classic = await open(basicCapture('pcap').bytes, 'c.pcap');
    assert.equal(classic.host.lastEvent('progress').frames, 9);
    const d2 = await details(classic.s, classic.host, 4);
    assert.equal(d2.header!.serializeType, 'ROCKETMQ');
    assert.equal(d2.extFields.find((k) => k.key === 'b')!.value, 'MissingTopic');
  });
});

describe('message validation (never trust the webview)', () => {
  test('accepts well-formed params only', () => {
    const v = HOST_VALIDATORS;
    assert.deepEqual(v.requests.getRows({ start: 0, count: 10 }), { start: 0, count: 10 });
    const sort = { column: 'time', descending: false };
    const bad: [keyof typeof v.requests, unknown][] = [
      ['getRows', null], ['getRows', 1], ['getRows', []], ['getRows', {}], ['getRows', { start: 0, count: 10, extra: 1 }],
      ['getRows', { start: -1, count: 10 }], ['getRows', { start: 0, count: 1e9 }], ['getRows', { start: '1', count: 10 }], ['getRows', { start: 1.5, count: 10 }],
      ['getDetails', { frame: NaN }], ['getDetails', { frame: -3 }], ['copy', { frame: 1, format: 'html' }], ['getSummary', { x: 1 }],
      ['setView', { sort: { column: 'x', descending: false }, filter: {} }],
      ['setView', { sort: { column: 'time', descending: 'yes' }, filter: {} }],
      ['setView', { sort, filter: { evil: 1 } }],
      ['setView', { sort, filter: { topic: 'x'.repeat(10_000) } }],
      ['setView', { sort, filter: { latencyAboveMs: Infinity } }],
      ['setView', { sort, filter: { opaque: 2 ** 40 } }],
      ['setView', { sort, filter: { kind: 'everything' } }],
      ['getRows', { start: 0, count: 10, __proto__: { x: 1 }, constructor: 1 }],
    ];
    for (const [m, b] of bad) assert.equal((v.requests[m] as (x: unknown) => unknown)(b), null, `${m} ${JSON.stringify(b)}`);
    assert.equal(v.events.savePcapng({ path: '/etc/passwd' }), null);
    assert.deepEqual(parseFilter({ topic: '', errorsOnly: false, code: '  ' }), {});
  });

  test('every request is answered: invalid params and unknown methods with an error, handlers never see them', async () => {
    const { s, host } = await open(basicCapture().bytes);
    const a1 = await ask(s, host, 'getRows', { start: 0, count: 100000 });
    const a2 = await ask(s, host, 'getDetails', { frame: -3 });
    const a3 = await ask(s, host, 'deleteEverything', {});
    assert.deepEqual([a1.kind, a2.kind, a3.kind], ['error', 'error', 'error']);
    assert.equal(a1.kind === 'error' && a1.code, 'invalid-request');
    assert.equal(a3.kind === 'error' && a3.code, 'no-handler');
    // events and garbage get no answer; they are counted and logged
    const before = host.posted.length;
    await emit(s, 'savePcapng', { path: '/etc/passwd' });
    await s.handle({ type: 'getRows', reqId: 1, start: 0, count: 1 });
    await s.handle(null);
    assert.equal(host.posted.length, before);
    assert.equal(s.rejected, 3);
    assert.equal(host.saves, 0);
    assert.equal(host.logs.filter((l) => l.includes('refused')).length, 3);
    // a valid request for a frame that does not exist gets an error answer with the reason, not a crash
    const a4 = await ask(s, host, 'getDetails', { frame: 999 });
    assert.ok(a4.kind === 'error' && a4.code === 'failed', JSON.stringify(a4));
    assert.match(a4.message, /no frame 999 \(the capture has 9 frames\)/);
    assert.match(host.logs.join('\n'), /getDetails failed/);
  });
});

describe('own traffic (one store, indexed only while a view is open)', () => {
  const local = { address: '127.0.0.1', port: 40001 };
  const remote = { address: '127.0.0.1', port: 10911 };
  function storeWithTraffic(): OwnTraffic {
    const live = new OwnTraffic();
    let ts = 1_700_000_000_000;
    for (let k = 0; k < 3; k++) {
      const req = createRequest(RequestCode.SEND_MESSAGE, { topic: 'LiveTopic', producerGroup: 'pg' }, { opaque: 900 + k, body: Buffer.from(`m${k}`) });
      live.record({ connectionId: 5, direction: 'out', local, remote, timestamp: ts, bytes: encodeFrame(req) }, 'p');
      ts += 1.5;
      live.record({ connectionId: 5, direction: 'in', local, remote, timestamp: ts, bytes: encodeFrame(createResponse(req, 0, null, { msgId: 'x' })) }, 'p');
      ts += 3;
    }
    return live;
  }

  test('TrafficRecords become rows with pairing and latency', async () => {
    const live = storeWithTraffic();
    const host = new FakeHost();
    const s = new InspectorSession(liveSource(live.openView(), 'My traffic'), host);
    await emit(s, 'ready');
    assert.equal(host.lastEvent('init').live, true);
    const r = (await call(s, host, 'getRows', { start: 0, count: 10 })).rows;
    assert.equal(r.length, 6);
    assert.equal(r[0].topic, 'LiveTopic');
    assert.equal(r[1].pair, 0);
    assert.ok(Math.abs(r[1].latencyUs! - 1500) < 1, String(r[1].latencyUs));
    assert.equal((await call(s, host, 'getDetails', { frame: 2 })).header!.opaque, 901);
  });

  test('records are indexed only while a view is open; a view catches up, follows, and the last close drops the index', () => {
    const live = storeWithTraffic();
    assert.equal(live.indexed, false);
    const v1 = live.openView();
    assert.equal(v1.index.length, 6, 'the view catches up on what was recorded before it opened');
    const v2 = live.openView();
    assert.equal(v2.index, v1.index, 'views share one index');
    const req = createRequest(RequestCode.SEND_MESSAGE, { topic: 'T' }, { opaque: 1 });
    live.record({ connectionId: 6, direction: 'out', local: { address: '127.0.0.1', port: 40002 }, remote, timestamp: 1_700_000_000_100, bytes: encodeFrame(req) }, 'q');
    assert.equal(v1.index.length, 7, 'an open view follows new records');
    assert.equal(v1.index.conns.length, 2, 'one index connection per transport connection');
    assert.equal(v1.index.conns[1].clientPort, 40002, 'with its real endpoints');
    v1.close(); v1.close();
    assert.equal(live.indexed, true, 'another view is still open');
    v2.close();
    assert.equal(live.indexed, false);
    live.record({ connectionId: 6, direction: 'out', local, remote, timestamp: 1_700_000_000_200, bytes: encodeFrame(req) }, 'q');
    assert.equal(v1.index.length, 7, 'a closed view is not fed');
    assert.equal(live.openView().index.length, 8);
    assert.deepEqual(live.between(6, live.mark, 'q').map((r) => r.seq), [7, 8]);
    assert.deepEqual(live.between(0, live.mark, 'p').length, 6);
  });

  test('past the byte bound, the oldest frames keep their row but lose their bytes', () => {
    const live = new OwnTraffic();
    const big = Buffer.alloc(20 * 1024 * 1024, 0x61);
    for (let k = 0; k < 4; k++) {
      const req = createRequest(RequestCode.SEND_MESSAGE, { topic: 'Big' }, { opaque: k, body: big });
      live.record({ connectionId: 1, direction: 'out', local, remote, timestamp: 1_700_000_000_000 + k, bytes: encodeFrame(req) }, 'p');
    }
    const v = live.openView();
    assert.equal(v.index.length, 4);
    assert.equal(v.readFrame(0).bytes.length, 0);
    assert.equal(v.readFrame(3).bytes.length, v.index.cols.size[3]);
    assert.equal(live.between(0, 4)[0].bytes, null);
    v.close();
  });

  test('a send\'s focus: its request and response by connection and opaque; several requests by code and time', () => {
    const live = new OwnTraffic();
    let ts = 1_700_000_000_000;
    const add = (conn: number, code: number, opaque: number, answer = true) => {
      const req = createRequest(code, { a: 'pg', b: 'T' }, { opaque, oneway: !answer });
      live.record({ connectionId: conn, direction: 'out', local, remote, timestamp: ts++, bytes: encodeFrame(req) }, 'p');
      if (answer) live.record({ connectionId: conn, direction: 'in', local, remote, timestamp: ts++, bytes: encodeFrame(createResponse(req, 0)) }, 'p');
    };
    add(1, RequestCode.GET_ROUTEINFO_BY_TOPIC, 1);
    const before = live.mark;
    add(2, RequestCode.SEND_MESSAGE_V2, 7);
    const one = live.mark;
    add(2, RequestCode.SEND_MESSAGE_V2, 8);
    add(3, RequestCode.SEND_MESSAGE_V2, 9);
    add(3, RequestCode.END_TRANSACTION, 10, false);
    const v = live.openView();
    const f1 = focusOnSend(v, live.between(before, one, 'p'))!;
    assert.deepEqual(f1.filter, { conn: 1, opaque: 7 });
    assert.equal(f1.frame, 2);
    assert.deepEqual(f1.frames, [2, 3]);
    const f2 = focusOnSend(v, live.between(one, live.mark, 'p'))!;
    assert.equal(f2.filter.code, 'SEND_MESSAGE_V2,END_TRANSACTION');
    assert.deepEqual(f2.frames, [4, 5, 6, 7, 8]);
    const model = new InspectorModel(v.index);
    model.setView({ column: 'index', descending: false }, f2.filter);
    assert.deepEqual(model.rows(0, 10).map((r) => r.frame), [4, 5, 6, 7, 8], 'the filter shows exactly the send\'s frames');
    model.setView({ column: 'index', descending: false }, f1.filter);
    assert.deepEqual(model.rows(0, 10).map((r) => r.frame), [2, 3]);
    assert.equal(focusOnSend(v, live.between(0, before, 'nobody')), null);
    const route = focusOnSend(v, live.between(0, before, 'p'))!;
    assert.deepEqual(route.frames, [0, 1], 'no message went out: every frame of the bracket');
  });

  test('a focus asked for before the webview is ready is sent right after its first page, once', async () => {
    const live = storeWithTraffic();
    const host = new FakeHost();
    const s = new InspectorSession(liveSource(live.openView(), 'My traffic'), host);
    s.focus({ conn: 0, opaque: 901 }, 2);
    assert.equal(host.events('focus').length, 0, 'nothing is posted before the webview listens');
    await emit(s, 'ready');
    const names = host.posted.filter((m) => m.kind === 'event').map((m) => (m as { name: string }).name);
    assert.equal(names.indexOf('focus'), names.indexOf('firstRows') + 1, names.join(', '));
    assert.deepEqual(host.lastEvent('focus'), { filter: { conn: 0, opaque: 901 }, frame: 2 });
    await emit(s, 'ready'); // the webview came back after being hidden: its own state has the filter
    assert.equal(host.events('focus').length, 1);
    s.focus({ opaque: 900 }, 0);
    assert.equal(host.events('focus').length, 2, 'a ready webview gets it at once');
    s.dispose();
  });

  test('a disposed session stops listening to the view', async () => {
    const live = storeWithTraffic();
    const host = new FakeHost();
    const view = live.openView();
    const s = new InspectorSession(liveSource(view, 'My traffic'), host);
    await emit(s, 'ready');
    s.dispose();
    const n = host.posted.length;
    const req = createRequest(RequestCode.SEND_MESSAGE, { topic: 'T' }, { opaque: 1 });
    live.record({ connectionId: 5, direction: 'out', local: { address: '127.0.0.1', port: 1 }, remote: { address: '127.0.0.1', port: 2 }, timestamp: Date.now(), bytes: encodeFrame(req) }, 'p');
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(host.posted.length, n);
    assert.equal(view.index.length, 7);
  });

  test('saved as pcapng, readable back by our decoder and by tshark', () => {
    const live = storeWithTraffic();
    const mem = memorySink();
    const res = live.writePcapng(mem.sink);
    assert.equal(res.framesWritten, 6);
    const ix = indexCaptureBytes(mem.bytes());
    assert.equal(ix.length, 6);
    assert.equal(ix.topicOf(0), 'LiveTopic');
    assert.equal(ix.cols.pair[0], 1);
    const p = join(dir, 'live.pcapng');
    writeFileSync(p, mem.bytes());
    const t = spawnSync('tshark', ['-r', p, '-T', 'fields', '-e', 'tcp.len'], { encoding: 'utf8' });
    assert.equal(t.status, 0, t.stderr);
    const lens = t.stdout.trim().split('\n').map(Number).filter((n) => n > 0);
    assert.equal(lens.length, 6);
    assert.equal(lens.reduce((a, b) => a + b, 0), [...Array(6).keys()].reduce((a, i) => a + ix.cols.size[i], 0));
    assert.ok(readFileSync(p).length > 0);
  });
});
