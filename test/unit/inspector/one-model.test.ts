// One filter, one stats engine, one search for the CLI and the inspector: the same error frames from
// `capture --filter error` and "Errors only", the same p50/p99 in the CLI summary and the expert
// summary, and the inspector's Text box finding keys and bodies like the CLI's free text.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { indexCaptureFile } from '../../../src/core/capture/capture-index';
import { filterFrames } from '../../../src/core/capture/filter';
import { computeStats, formatLatencyUs, percentile } from '../../../src/core/capture/stats';
import { isErrorResponseCode } from '../../../src/core/capture/errors';
import { createRequest, createResponse, encodeFrame, RequestCode } from '../../../src/core/remoting';
import { fileSource, InspectorSession, liveSource } from '../../../src/app/inspector/session';
import { call, emit, RecordingHost } from '../../support/inspector/session-host';
import { LiveCapture } from '../../../src/app/inspector/live-capture';
import { FrameRow, MAX_ROWS_PER_REQUEST } from '../../../src/shared/inspector-protocol';
import { formatLatency } from '../../../src/shared/inspector-text';
import { errorCapture, latencyCapture, searchCapture } from '../capture/search-fixture';

class FakeHost extends RecordingHost {}

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'one-model-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

function file(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

async function open(path: string): Promise<{ s: InspectorSession; host: FakeHost }> {
  const host = new FakeHost();
  const s = new InspectorSession(fileSource(path, 'c.pcapng'), host);
  await emit(s, 'ready');
  await s.source.done;
  await new Promise((r) => setImmediate(r));
  return { s, host };
}

async function viewRows(s: InspectorSession, host: FakeHost, filter: object): Promise<FrameRow[]> {
  const v = await call(s, host, 'setView', { sort: { column: 'index', descending: false }, filter });
  const r = await call(s, host, 'getRows', { start: 0, count: MAX_ROWS_PER_REQUEST });
  assert.equal(r.rows.length, v.total);
  return r.rows;
}

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [], err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), stdin: async () => '' });
  return { code, out, err };
}

async function summaryOf(s: InspectorSession, host: FakeHost) {
  return call(s, host, 'getSummary', {});
}

describe('one definition of error', () => {
  test('the error table: 10–12 are errors, pull/lookup/pop normal flow is not', () => {
    for (const c of [10, 11, 12]) assert.equal(isErrorResponseCode(c, RequestCode.SEND_MESSAGE_V2), true, String(c));
    for (const c of [19, 20, 21]) {
      assert.equal(isErrorResponseCode(c, RequestCode.PULL_MESSAGE), false, String(c));
      assert.equal(isErrorResponseCode(c, RequestCode.LITE_PULL_MESSAGE), false, String(c));
      assert.equal(isErrorResponseCode(c, null), false, `orphan ${c}`);
      assert.equal(isErrorResponseCode(c, RequestCode.SEND_MESSAGE), true, `${c} to a send`);
    }
    assert.equal(isErrorResponseCode(22, RequestCode.QUERY_MESSAGE), false);
    assert.equal(isErrorResponseCode(22, RequestCode.QUERY_CONSUMER_OFFSET), false);
    assert.equal(isErrorResponseCode(22, RequestCode.GET_KV_CONFIG), false);
    assert.equal(isErrorResponseCode(22, null), true);
    assert.equal(isErrorResponseCode(210, RequestCode.POP_MESSAGE), false);
    assert.equal(isErrorResponseCode(209, RequestCode.POP_MESSAGE), true);
    assert.equal(isErrorResponseCode(209, 50), true); // 4.x ACL failure
    assert.equal(isErrorResponseCode(0, RequestCode.SEND_MESSAGE), false);
  });

  test('the CLI filter, the CLI --json output and the inspector\'s Errors only list the same frames', async () => {
    const fx = errorCapture();
    const path = file('errors.pcapng', fx.bytes);
    const ix = await indexCaptureFile(path);
    const cliFrames = [...filterFrames(ix, 'error')];
    const json = await cli(['capture', path, '--json', '--filter', 'error']);
    assert.equal(json.code, 0);
    const jsonFrames = json.out.map((l) => (JSON.parse(l) as { frame: number }).frame);
    const { s, host } = await open(path);
    const inspFrames = (await viewRows(s, host, { errorsOnly: true })).map((r) => r.frame);
    assert.deepEqual(jsonFrames, cliFrames);
    assert.deepEqual(inspFrames, cliFrames);
    // and they are what the fixture calls errors: both sides of each failed exchange, the orphan error, the cut request
    const opaques = [...new Set(cliFrames.map((i) => ix.cols.opaque[i]))].sort((a, b) => a - b);
    assert.deepEqual(opaques, [...fx.errorOpaques].sort((a, b) => a - b));
    for (const o of fx.normalOpaques) assert.ok(!opaques.includes(o), `opaque ${o} is normal flow`);
    assert.equal(cliFrames.length, (fx.errorOpaques.length - 2) * 2 + 2);
    // responses only: the error responses
    const resp = (await viewRows(s, host, { errorsOnly: true, kind: 'responses' })).map((r) => r.frame);
    assert.deepEqual(resp, [...filterFrames(ix, 'error resp')]);
    assert.equal(resp.length, fx.errorResponses);
    s.dispose();
  });

  test('stats and the expert summary count the same error responses; the CLI summary lists 10–12, not 19–21', async () => {
    const fx = errorCapture();
    const path = file('errors2.pcapng', fx.bytes);
    const ix = await indexCaptureFile(path);
    const st = computeStats(ix);
    const cliErrors = st.byCode.reduce((n, b) => n + b.errors, 0);
    assert.equal(cliErrors, fx.errorResponses);
    assert.equal(st.errorResponses.reduce((n, e) => n + e.count, 0), fx.errorResponses);
    const { s, host } = await open(path);
    const sum = await summaryOf(s, host);
    const items = sum.items.filter((i) => i.label.startsWith('Error responses:'));
    assert.equal(items.reduce((n, i) => n + i.count, 0), fx.errorResponses);
    assert.ok(items.some((i) => /FLUSH_DISK_TIMEOUT \(10\)/.test(i.label)));
    assert.ok(!items.some((i) => /PULL_NOT_FOUND|PULL_OFFSET_MOVED|POLLING_TIMEOUT/.test(i.label)));
    // an item's filter lists exactly its responses
    for (const it of items) assert.equal((await viewRows(s, host, it.filter)).length, it.count, it.label);
    const text = (await cli(['capture', path])).out.join('\n');
    const errs = text.slice(text.indexOf('Error responses:'));
    assert.match(errs, /FLUSH_DISK_TIMEOUT/);
    assert.match(errs, /SLAVE_NOT_AVAILABLE/);
    assert.match(errs, /FLUSH_SLAVE_TIMEOUT/);
    assert.doesNotMatch(errs, /PULL_NOT_FOUND|PULL_RETRY_IMMEDIATELY|PULL_OFFSET_MOVED|POLLING_TIMEOUT/);
    s.dispose();
  });
});

describe('one percentile definition', () => {
  test('nearest-rank', () => {
    const a = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(percentile(a, 0.5), 5);
    assert.equal(percentile(a, 0.9), 9);
    assert.equal(percentile(a, 0.99), 10);
    assert.equal(percentile(a, 1), 10);
    assert.equal(percentile(Float64Array.from(Array.from({ length: 100 }, (_, k) => k + 1)), 0.29), 29);
    assert.equal(percentile(new Float64Array(0), 0.5), 0);
  });

  test('the CLI summary and the expert summary print the same p50 / p90 / p99 for one capture', async () => {
    const path = file('latency.pcapng', latencyCapture(10));
    const text = (await cli(['capture', path])).out.join('\n');
    const { s, host } = await open(path);
    const sum = await summaryOf(s, host);
    const ix = s.model.index;
    for (const code of [RequestCode.SEND_MESSAGE_V2, RequestCode.HEART_BEAT]) {
      const name = code === RequestCode.SEND_MESSAGE_V2 ? 'SEND_MESSAGE_V2' : 'HEART_BEAT';
      const line = text.split('\n').find((l) => new RegExp(`^\\s+${code} ${name}\\s`).test(l))!;
      assert.ok(line, `CLI line for ${name}`);
      const m = /(\S+) \/ (\S+) \/ (\S+) \/ (\S+) \(n=(\d+)\)/.exec(line)!;
      const row = sum.latency.find((l) => l.code === code)!;
      // same numbers, printed by each UI's own formatter
      assert.equal(m[1], formatLatencyUs(row.p50Ms * 1000), `${name} p50`);
      assert.equal(m[2], formatLatencyUs(row.p90Ms * 1000), `${name} p90`);
      assert.equal(m[3], formatLatencyUs(row.p99Ms * 1000), `${name} p99`);
      assert.equal(Number(m[5]), row.count);
      // and they are the nearest-rank percentiles of the pairs' latencies
      const lat: number[] = [];
      for (let i = 0; i < ix.length; i++) if (ix.cols.flag[i] & 1 && ix.cols.reqCode[i] === code) lat.push(ix.latencyUs(i)!);
      lat.sort((a, b) => a - b);
      assert.equal(row.p50Ms * 1000, lat[Math.ceil(lat.length * 0.5) - 1]);
      assert.equal(row.p99Ms * 1000, lat[lat.length - 1]);
      assert.equal(formatLatency(row.p50Ms * 1000), formatLatency(lat[Math.ceil(lat.length * 0.5) - 1]));
    }
    // 10 sends answered after 1…10 ms (+5 µs of packet spacing): p50 is the 5th, not the 6th
    const send = sum.latency.find((l) => l.code === RequestCode.SEND_MESSAGE_V2)!;
    assert.equal(send.p50Ms, 5.005);
    assert.equal(send.p90Ms, 9.005);
    assert.equal(send.p99Ms, 10.005);
    s.dispose();
  });
});

describe('the Text box searches frame contents', () => {
  test('keys, ids, bodies, inflated bodies, batch entries and pulled messages; the response of a matching request too', async () => {
    const fx = searchCapture();
    const { s, host } = await open(file('search.pcapng', fx.bytes));
    const opaques = async (text: string, extra: object = {}) => (await viewRows(s, host, { text, ...extra })).map((r) => `${r.opaque} ${r.response ? 'resp' : 'req'}`).sort();
    const pair = (o: number) => [`${o} req`, `${o} resp`];
    assert.deepEqual(await opaques(fx.text.key), pair(fx.opaque.plain));
    assert.deepEqual(await opaques(fx.text.uniqKey.toLowerCase()), pair(fx.opaque.plain));
    assert.deepEqual(await opaques(fx.text.offsetMsgId), [`${fx.opaque.plain} resp`]);
    assert.deepEqual(await opaques(fx.text.propertyValue), pair(fx.opaque.plain));
    assert.deepEqual(await opaques(fx.text.body), pair(fx.opaque.plain));
    assert.deepEqual(await opaques(fx.text.zlib), pair(fx.opaque.zlib));
    assert.deepEqual(await opaques(fx.text.batchEntry), pair(fx.opaque.batch));
    assert.deepEqual(await opaques(fx.text.pulled), [`${fx.opaque.pull} resp`]);
    assert.deepEqual(await opaques(fx.text.pulledZlib), [`${fx.opaque.pull} resp`]);
    assert.deepEqual(await opaques(fx.text.none), []);
    assert.deepEqual(await opaques(fx.text.propertyName), []);
    // with other fields
    assert.deepEqual(await opaques(fx.text.key, { kind: 'requests' }), [`${fx.opaque.plain} req`]);
    assert.deepEqual(await opaques(fx.text.key, { code: 'HEART_BEAT' }), []);
    // index strings still match as before
    assert.equal((await opaques('topic_not')).length, 2);
    assert.equal((await opaques('50011')).length, 4);
    s.dispose();
  });

  test('the CLI free text and the Text box select the same frames', async () => {
    const fx = searchCapture();
    const path = file('search2.pcapng', fx.bytes);
    const { s, host } = await open(path);
    for (const t of [fx.text.key, fx.text.zlib, fx.text.lz4AndZstd, fx.text.pulled, fx.text.pullGroup, 'searchtopic', fx.text.none]) {
      const json = await cli(['capture', path, '--json', '--filter', t]);
      const cliFrames = json.out.map((l) => (JSON.parse(l) as { frame: number }).frame);
      const insp = (await viewRows(s, host, { text: t })).map((r) => r.frame);
      assert.deepEqual(insp, cliFrames, t);
    }
    s.dispose();
  });

  test('results are cached per term for the session; a search cancelled by a newer one does not win', async () => {
    const fx = searchCapture();
    const { s, host } = await open(file('search3.pcapng', fx.bytes));
    const a = await s.contentSearch(fx.text.key);
    assert.equal(await s.contentSearch(fx.text.key.toUpperCase()), a);
    // two views asked back to back: the first one's reply does not overwrite the second's view
    const p1 = call(s, host, 'setView', { sort: { column: 'index', descending: false }, filter: { text: fx.text.zlib } });
    const p2 = call(s, host, 'setView', { sort: { column: 'index', descending: false }, filter: { text: fx.text.pulled } });
    const replies = await Promise.all([p1, p2]); // both answered
    assert.equal(replies[1].total, 1);
    assert.equal(s.model.length, 1);
    assert.equal(s.model.currentFilter.text, fx.text.pulled);
    s.dispose();
  });

  test('live captures: the kept bytes are searched, and frames that arrive later on the next search', async () => {
    const live = new LiveCapture();
    const local = { address: '127.0.0.1', port: 40001 };
    const remote = { address: '127.0.0.1', port: 10911 };
    let ts = 1_700_000_000_000;
    const add = (opaque: number, body: string) => {
      const req = createRequest(RequestCode.SEND_MESSAGE, { topic: 'LiveTopic', producerGroup: 'pg', properties: `KEYS\u0001live-${opaque}\u0002` }, { opaque, body: Buffer.from(body) });
      live.add({ connectionId: 5, direction: 'out', local, remote, timestamp: ts, bytes: encodeFrame(req) });
      ts += 1.5;
      live.add({ connectionId: 5, direction: 'in', local, remote, timestamp: ts, bytes: encodeFrame(createResponse(req, 0, null, { msgId: 'x' })) });
      ts += 3;
    };
    add(1, 'first live body');
    add(2, 'second live body');
    const host = new FakeHost();
    const s = new InspectorSession(liveSource(live, 'Live'), host);
    await emit(s, 'ready');
    assert.deepEqual((await viewRows(s, host, { text: 'second live' })).map((r) => r.opaque), [2, 2]);
    assert.deepEqual((await viewRows(s, host, { text: 'live-1' })).map((r) => r.opaque), [1, 1]);
    add(3, 'third: second live body again');
    assert.deepEqual((await viewRows(s, host, { text: 'second live' })).map((r) => r.opaque), [2, 2, 3, 3]);
    s.dispose();
  });
});

describe('room for a second protocol', () => {
  test('rows carry their protocol; the CLI and the inspector filter by it; a protocol without a decoder says so', async () => {
    const { describeFrameOf } = await import('../../../src/core/frame');
    const { parseFilter: parseCliFilter, FilterSyntaxError } = await import('../../../src/core/capture/filter');
    const fx = errorCapture();
    const path = file('proto.pcapng', fx.bytes);
    const { s, host } = await open(path);
    const all = await viewRows(s, host, {});
    assert.ok(all.length > 0 && all.every((r) => r.protocol === 'remoting'));
    assert.equal((await viewRows(s, host, { protocol: 'remoting' })).length, all.length);
    assert.equal((await viewRows(s, host, { protocol: 'grpc' })).length, 0, 'a protocol no decoder produces matches nothing');
    const c = await cli(['capture', path, '--filter', 'proto=remoting', '--json']);
    assert.equal(c.code, 0, c.err.join('\n'));
    assert.throws(() => parseCliFilter('proto=smtp'), (e: unknown) => e instanceof FilterSyntaxError && /unknown protocol smtp \(known: remoting\)/.test(e.message));
    const d = describeFrameOf('grpc', new Uint8Array([0, 0, 0, 5, 0]));
    assert.equal(d.decodeError, 'no decoder for grpc frames');
    assert.equal(describeFrameOf('remoting', new Uint8Array([0, 0, 0, 1])).decodeError !== null, true);
    s.dispose();
  });
});
