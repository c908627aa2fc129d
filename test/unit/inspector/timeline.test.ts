// The inspector's timeline (src/app/inspector/timeline.ts): frames, error frames and unanswered
// requests per bucket, latency p50/max per request code per bucket (stats.ts's nearest rank), over the
// whole capture and a zoomed range; the filter's time>= / time<= terms (CLI and inspector) selecting
// exactly a bucket's frames; the session's getTimeline request, its validation, and a brushed span
// (the From / To the webview sets) filtering the rows to that span.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeTimeline, niceBucketUs, selectNth, TimelineCache } from '../../../src/app/inspector/timeline';
import { indexCaptureBytes } from '../../../src/core/capture/capture-index';
import { filterFrames, FilterSyntaxError, parseFilter } from '../../../src/core/capture/filter';
import { isErrorFrame } from '../../../src/core/capture/errors';
import { percentile, percentileIndex } from '../../../src/core/capture/stats';
import { mulberry32 } from '../../../src/core/capture/fuzz';
import { FrameWarn } from '../../../src/core/capture/types';
import { memorySink, PcapWriter, TcpSession } from '../../../src/core/capture/pcap-writer';
import { createRequest, createResponse, encodeFrame, RemotingCommand, RequestCode, ResponseCode } from '../../../src/core/remoting';
import { fileSource, InspectorSession } from '../../../src/app/inspector/session';
import { ask, call, emit, RecordingHost } from '../../support/inspector/session-host';
import { main } from '../../../src/cli/main';
import { MAX_ROWS_PER_REQUEST } from '../../../src/shared/inspector-protocol';

const T0 = 1_700_000_000_000_000;
const SEND = RequestCode.SEND_MESSAGE_V2;
const PULL = RequestCode.PULL_MESSAGE;

/** Frames at known times (µs after the SYN at T0), one packet each. */
type Ev = [atUs: number, dir: 0 | 1, cmd: RemotingCommand];

function timelineCapture(): { bytes: Buffer; events: Ev[] } {
  const r = (code: number, opaque: number) => createRequest(code, { topic: 'T' }, { opaque });
  const a = (q: RemotingCommand, code = 0) => createResponse(q, code, code ? 'failed' : null);
  const s1 = r(SEND, 1), s2 = r(SEND, 2), s3 = r(SEND, 3), p4 = r(PULL, 4), lost = r(RequestCode.GET_CONSUMER_LIST_BY_GROUP, 5);
  const s6 = r(SEND, 6), s7 = r(SEND, 7), s8 = r(SEND, 8), s9 = r(SEND, 9);
  const events: Ev[] = [
    // bucket 0 (0–1 ms): one send, answered after 200 µs
    [100, 0, s1], [300, 1, a(s1)],
    // bucket 1: two sends, 500 and 700 µs; the second answered TOPIC_NOT_EXIST (an error exchange)
    [1100, 0, s2], [1200, 0, s3], [1600, 1, a(s2)], [1900, 1, a(s3, ResponseCode.TOPIC_NOT_EXIST)],
    // bucket 2: a pull answered PULL_NOT_FOUND — normal flow, not an error
    [2100, 0, p4], [2150, 1, a(p4, ResponseCode.PULL_NOT_FOUND)],
    // bucket 3: a request never answered
    [3100, 0, lost],
    // bucket 5: three sends, 100, 300 and 900 µs
    [5001, 0, s6], [5010, 0, s7], [5020, 0, s8], [5101, 1, a(s6)], [5310, 1, a(s7)], [5920, 1, a(s8)],
    // a request in bucket 8 answered in bucket 9: its latency counts where the response is
    [8900, 0, s9], [9100, 1, a(s9)],
  ];
  const mem = memorySink();
  const w = new PcapWriter(mem.sink, { format: 'pcapng' });
  const s = new TcpSession({ client: '127.0.0.1', clientPort: 40001, server: '127.0.0.1', serverPort: 10911 });
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 10); w.packet(s.ack(0), T0 + 20);
  for (const [at, dir, cmd] of events) for (const p of s.send(dir, encodeFrame(cmd), 65000)) w.packet(p, T0 + at);
  w.packet(s.fin(0), T0 + 9990); w.packet(s.fin(1), T0 + 9995);
  return { bytes: mem.bytes(), events };
}

describe('timeline buckets', () => {
  const { bytes, events } = timelineCapture();
  const ix = indexCaptureBytes(bytes);

  test('bucket widths are 1, 2 or 5 × 10^k µs', () => {
    assert.deepEqual([0, 0.5, 1, 1.5, 2, 3, 7, 10, 11, 999.9, 1000, 1001, 4e6, 6e6].map(niceBucketUs), [1, 1, 1, 2, 2, 5, 10, 10, 20, 1000, 1000, 2000, 5e6, 1e7]);
  });

  test('frames, error frames and unanswered requests per bucket; latency p50 / max per code, nearest rank, on the response', () => {
    assert.equal(ix.length, events.length);
    const t = computeTimeline(ix, { fromUs: T0, toUs: T0 + 9999, buckets: 10 });
    assert.equal(t.bucketUs, 1000);
    assert.equal(t.frames.length, 10);
    assert.equal(t.originUs, T0);
    assert.deepEqual(t.frames, [2, 4, 2, 1, 0, 6, 0, 0, 1, 1]);
    assert.equal(t.total, events.length);
    // the TOPIC_NOT_EXIST response and the request it answers; PULL_NOT_FOUND to a pull is no error
    assert.deepEqual(t.errors, [0, 2, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(t.unanswered, [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    // the same definitions as the filter's `error` and `unanswered`
    const errs = filterFrames(ix, 'error'), un = filterFrames(ix, 'unanswered');
    assert.equal(errs.length, t.errors.reduce((x, y) => x + y, 0));
    assert.equal(un.length, t.unanswered.reduce((x, y) => x + y, 0));
    assert.equal(t.series.length, 2);
    const [send, pull] = t.series;
    assert.equal(send.name, 'SEND_MESSAGE_V2');
    assert.equal(send.code, SEND);
    assert.equal(send.protocol, 'remoting');
    assert.equal(send.pairs, 7);
    assert.deepEqual(send.p50Us, [200, 500, null, null, null, 300, null, null, null, 200]);
    assert.deepEqual(send.maxUs, [200, 700, null, null, null, 900, null, null, null, 200]);
    assert.equal(pull.name, 'PULL_MESSAGE');
    assert.deepEqual(pull.p50Us, [null, null, 50, null, null, null, null, null, null, null]);
    // the p50 is stats.ts's nearest rank: of [100, 300, 900] the 2nd, of [500, 700] the 1st
    assert.equal(percentile(Float64Array.from([100, 300, 900]), 0.5), 300);
    assert.equal(percentile(Float64Array.from([500, 700]), 0.5), 500);
    // only the busiest codes get a line
    assert.deepEqual(computeTimeline(ix, { fromUs: T0, toUs: T0 + 9999, buckets: 10, topCodes: 1 }).series.map((s) => s.name), ['SEND_MESSAGE_V2']);
  });

  test('the whole capture by default: from the origin to the last frame, every frame once', () => {
    const t = computeTimeline(ix, { buckets: 300 });
    assert.equal(t.fromUs, T0);
    assert.equal(t.toUs, T0 + 9100);
    assert.equal(t.bucketUs, 50); // 9100 / 300 rounded up to 1-2-5
    assert.equal(t.frames.length, Math.ceil(9100 / 50));
    assert.equal(t.frames.reduce((x, y) => x + y, 0), ix.length);
    assert.equal(t.frames[t.frames.length - 1], 1, 'the last frame, on the range end, is in the last bucket');
  });

  test('a zoomed range counts only its frames, in finer buckets', () => {
    const t = computeTimeline(ix, { fromUs: T0 + 1000, toUs: T0 + 2000, buckets: 10 });
    assert.equal(t.bucketUs, 100);
    assert.equal(t.total, 4);
    assert.deepEqual(t.frames, [0, 1, 1, 0, 0, 0, 1, 0, 0, 1]); // 1100, 1200, 1600, 1900
    assert.equal(t.errors[2], 1); // the failing request at 1200
    assert.equal(t.errors[9], 1); // and its answer
    assert.deepEqual(t.series[0].maxUs.filter((v) => v !== null), [500, 700]);
  });

  test('each bucket is what the filter time>= / time<= selects (CLI syntax, times into the capture)', () => {
    const t = computeTimeline(ix, { fromUs: T0, toUs: T0 + 9999, buckets: 10 });
    for (let k = 0; k < 10; k++) {
      const span = `time>=${k}ms time<=${k + 1}ms`;
      assert.equal(filterFrames(ix, span).length, t.frames[k], span);
      assert.equal(filterFrames(ix, `${span} error`).length, t.errors[k], `${span} error`);
    }
  });

  test('the p50 selected per bucket is exactly stats.ts\'s nearest-rank percentile of the sorted values', () => {
    const rnd = mulberry32(7);
    for (let n = 1; n <= 300; n++) {
      for (const shape of ['random', 'sorted', 'reversed', 'few values'] as const) {
        const a = Float64Array.from({ length: n }, (_, j) => shape === 'random' ? Math.floor(rnd() * 1e6) : shape === 'sorted' ? j : shape === 'reversed' ? n - j : j % 3);
        const want = percentile(Float64Array.from(a).sort(), 0.5);
        for (const p of [0.5, 0.9, 0.99, 1]) {
          const wantP = percentile(Float64Array.from(a).sort(), p);
          assert.equal(selectNth(Float64Array.from(a), percentileIndex(n, p)), wantP, `n=${n} ${shape} p=${p}`);
        }
        assert.equal(selectNth(Float64Array.from(a), percentileIndex(n, 0.5)), want);
      }
    }
  });

  test('an empty index: one empty bucket, no series', () => {
    const t = computeTimeline(indexCaptureBytes(new Uint8Array(0)), { buckets: 100 });
    assert.deepEqual(t.frames, [0]);
    assert.deepEqual(t.series, []);
    assert.equal(t.total, 0);
  });

  test('the cache recomputes when the index grows, and not otherwise', () => {
    const own = indexCaptureBytes(bytes);
    const cache = new TimelineCache(own);
    const a = cache.get({ buckets: 10 });
    assert.equal(cache.get({ buckets: 10 }), a);
    own.appendRow({ proto: 0, conn: 0, dir: 0, tsFirst: T0 + 9500, tsLast: T0 + 9500, posMin: 0, posMax: 0, size: 30, headerLen: 10, missing: 0, code: SEND, opaque: 99, response: false, reqCode: SEND, warn: FrameWarn.Unanswered });
    const b = cache.get({ buckets: 10 });
    assert.notEqual(b, a);
    assert.equal(b.frames.reduce((x, y) => x + y, 0), events.length + 1);
    assert.equal(b.unanswered.reduce((x, y) => x + y, 0), 2);
    assert.ok(isErrorFrame(own, 0) === false);
  });
});

describe('time>= and time<= filter terms', () => {
  test('parse: durations and +seconds are times into the capture; bare numbers µs since the epoch; ISO times', () => {
    assert.deepEqual(parseFilter('time>=1.5s time<=2500ms'), { fromOffsetUs: 1.5e6, toOffsetUs: 2.5e6 });
    assert.deepEqual(parseFilter('time>=+1.5 time<=+2'), { fromOffsetUs: 1.5e6, toOffsetUs: 2e6 });
    assert.deepEqual(parseFilter('time>=80us'), { fromOffsetUs: 80 });
    assert.deepEqual(parseFilter(`time>=${T0} time<=${T0 + 5}`), { fromUs: T0, toUs: T0 + 5 });
    assert.deepEqual(parseFilter('time<=2023-11-14T22:13:20Z'), { toUs: Date.parse('2023-11-14T22:13:20Z') * 1000 });
    for (const bad of ['time>=', 'time<=soon', 'time>=1.5h', 'time>=-1s']) assert.throws(() => parseFilter(bad), FilterSyntaxError, bad);
  });

  test('select by first byte, both ends included, against the capture origin', () => {
    const ix = indexCaptureBytes(timelineCapture().bytes);
    assert.equal(filterFrames(ix, 'time>=5ms time<=5.2ms').length, 4); // 5001, 5010, 5020, 5101
    assert.equal(filterFrames(ix, 'time>=5010us time<=5020us').length, 2);
    assert.equal(filterFrames(ix, 'time>=8.9ms').length, 2);
    assert.equal(filterFrames(ix, `time>=${T0 + 8900}`).length, 2); // the same bound as µs since the epoch
    assert.equal(filterFrames(ix, 'time<=+0.0003').length, 2);
    assert.equal(filterFrames(ix, 'time>=1ms time<=2ms code=SEND_MESSAGE_V2 resp').length, 2);
  });

  test('the CLI: capture FILE --filter "time>=… time<=…"; a bad time is a usage error (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'timeline-cli-'));
    try {
      const file = join(dir, 't.pcapng');
      writeFileSync(file, timelineCapture().bytes);
      const out: string[] = [], err: string[] = [];
      const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), stdin: async () => '' };
      assert.equal(await main(['capture', file, '--filter', 'time>=1ms time<=2ms'], io), 0);
      assert.match(out.join('\n'), /Filter "time>=1ms time<=2ms": 4 frame\(s\) match/);
      assert.equal(await main(['capture', file, '--json', '--filter', 'time>=5ms time<=5.2ms'], io), 0);
      const lines = out.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { opaque: number });
      assert.deepEqual(lines.map((l) => l.opaque), [6, 7, 8, 6]);
      assert.equal(await main(['capture', file, '--filter', 'time>=soon'], io), 2);
      assert.match(err.join('\n'), /bad time "soon": time>= and time<= need a time into the capture/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the session: getTimeline, and a brushed span filtering the rows', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'timeline-session-')); });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  async function open(): Promise<{ s: InspectorSession; host: RecordingHost }> {
    const p = join(dir, 't.pcapng');
    writeFileSync(p, timelineCapture().bytes);
    const host = new RecordingHost();
    const s = new InspectorSession(fileSource(p, 't.pcapng'), host);
    await emit(s, 'ready');
    await s.source.done;
    await new Promise((r) => setImmediate(r));
    return { s, host };
  }

  test('getTimeline answers the whole capture and a zoomed range; bad params are refused', async () => {
    const { s, host } = await open();
    const t = await call(s, host, 'getTimeline', { buckets: 10 });
    assert.equal(t.frames.reduce((x, y) => x + y, 0), s.source.index.length);
    assert.equal(t.originUs, host.lastEvent('progress').firstUs);
    const z = await call(s, host, 'getTimeline', { fromUs: T0 + 5000, toUs: T0 + 6000, buckets: 10 });
    assert.equal(z.total, 6);
    for (const bad of [{}, { buckets: 0 }, { buckets: 1001 }, { buckets: 10, fromUs: -1 }, { buckets: 10, fromUs: T0 + 5, toUs: T0 }, { buckets: 10, extra: 1 }, { buckets: 1.5 }]) {
      const a = await ask(s, host, 'getTimeline', bad);
      assert.equal(a.kind, 'error', JSON.stringify(bad));
      assert.equal((a as { code: string }).code, 'invalid-request');
    }
    s.dispose();
  });

  test('brushing buckets 1–2 (the webview sets From / To in seconds from the origin) lists exactly their frames', async () => {
    const { s, host } = await open();
    const t = await call(s, host, 'getTimeline', { fromUs: T0, toUs: T0 + 9999, buckets: 10 });
    // the span the webview computes from a drag over buckets 1 and 2
    const fromSec = (t.fromUs + 1 * t.bucketUs - t.originUs) / 1e6;
    const toSec = (t.fromUs + 3 * t.bucketUs - t.originUs) / 1e6;
    const v = await call(s, host, 'setView', { sort: { column: 'index', descending: false }, filter: { timeFromSec: fromSec, timeToSec: toSec } });
    assert.equal(v.total, t.frames[1] + t.frames[2]);
    const rows = (await call(s, host, 'getRows', { start: 0, count: MAX_ROWS_PER_REQUEST })).rows;
    assert.equal(rows.length, 6);
    assert.ok(rows.every((r) => r.timeUs >= T0 + 1000 && r.timeUs <= T0 + 3000), rows.map((r) => r.timeUs - T0).join(','));
    assert.deepEqual(rows.map((r) => r.opaque), [2, 3, 2, 3, 4, 4]);
    // with Errors only on top: the bucket's red part
    const e = await call(s, host, 'setView', { sort: { column: 'index', descending: false }, filter: { timeFromSec: fromSec, timeToSec: toSec, errorsOnly: true } });
    assert.equal(e.total, t.errors[1] + t.errors[2]);
    // clearing the brush (no From / To) lists every frame again
    assert.equal((await call(s, host, 'setView', { sort: { column: 'index', descending: false }, filter: {} })).total, s.source.index.length);
    s.dispose();
  });
});
