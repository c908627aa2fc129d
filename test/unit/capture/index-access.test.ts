import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { indexCaptureFile } from '../../../src/core/capture/capture-index';
import { readFrameBytes, readFrameBytesFromBuffer } from '../../../src/core/capture/frame-reader';
import { frameDetails, frameDetailsFromBuffer, decodeAllFrames } from '../../../src/core/capture/decode';
import { filterFrames, parseFilter, FilterSyntaxError } from '../../../src/core/capture/filter';
import { computeStats, formatSummary } from '../../../src/core/capture/stats';
import { FrameWarn } from '../../../src/core/capture/types';
import { memorySink, PcapWriter } from '../../../src/core/capture/pcap-writer';
import { frame, req, resp, run, session, T0 } from './helpers';

/** Two interleaved connections with big frames split over many packets, out of order, pcapng. */
function buildCapture(format: 'pcap' | 'pcapng') {
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format, linkType: 1 });
  const a = session({ clientPort: 40001 });
  const b = session({ clientPort: 40002, serverPort: 9876, isn: [0xfffff000, 77] });
  const sent: Buffer[][] = [[], []];
  let t = T0;
  for (const s of [a, b]) { w.packet(s.syn(), t++); w.packet(s.synAck(), t++); }
  for (let k = 0; k < 20; k++) {
    const big = Buffer.alloc(1000 + k * 997, k);
    const fa = frame(req(310, k, { a: 'g', b: `TA${k % 3}` }, big));
    const fb = frame(req(105, 1000 + k, { topic: `TB${k}` }));
    const pa = a.send(0, fa, 1460);
    const pb = b.send(0, fb, 1460);
    // interleave, reversing the order of a's packets every third frame
    if (k % 3 === 0) pa.reverse();
    for (let x = 0; x < Math.max(pa.length, pb.length); x++) {
      if (pa[x]) w.packet(pa[x], t += 10);
      if (pb[x]) w.packet(pb[x], t += 10);
    }
    sent[0].push(fa); sent[1].push(fb);
    for (const p of a.send(1, frame(resp(k, k === 5 ? 1 : 0, { msgId: '7F0000010000238F000000000001E240' })))) w.packet(p, t += 1000);
    for (const p of b.send(1, frame(resp(1000 + k, 0, null, Buffer.from('{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"b","cluster":"c"}],"filterServerTable":{},"queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}'))))) w.packet(p, t += 2000);
  }
  return { bytes: m.bytes(), sent };
}

test('random access: every frame re-read from its recorded positions equals the streamed frame (pcap and pcapng)', () => {
  for (const format of ['pcap', 'pcapng'] as const) {
    const { bytes } = buildCapture(format);
    const { index, frames } = run(bytes);
    assert.equal(index.length, 80);
    for (const f of frames) {
      const fb = readFrameBytesFromBuffer(index, f.i, bytes);
      assert.equal(fb.missing, 0, `frame ${f.i}`);
      assert.deepEqual(fb.bytes, f.bytes, `frame ${f.i}`);
    }
    // details decode with view
    const d = frameDetailsFromBuffer(index, 0, bytes);
    assert.equal(d.command?.code, 310);
    assert.equal(d.view?.extFields.find((r) => r.key === 'b')?.name, 'topic');
  }
});

test('index on a real file (plain and .gz): frameDetails, decodeAllFrames order matches the index', async () => {
  const { bytes, sent } = buildCapture('pcapng');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capix-'));
  try {
    const plain = path.join(dir, 'x.pcapng');
    fs.writeFileSync(plain, bytes);
    const gz = path.join(dir, 'x.pcapng.gz');
    fs.writeFileSync(gz, zlib.gzipSync(bytes));
    for (const f of [plain, gz]) {
      const ix = await indexCaptureFile(f);
      assert.equal(ix.length, 80);
      assert.equal(ix.source.gzip, f === gz);
      const reqs = [];
      for (let i = 0; i < ix.length; i++) if (ix.cols.code[i] === 310 && !(ix.cols.flag[i] & 1)) reqs.push(i);
      assert.equal(reqs.length, 20);
      const fb = await readFrameBytes(ix, reqs[7]);
      assert.deepEqual(fb.bytes, sent[0][7]);
      const d = await frameDetails(ix, ix.cols.pair[reqs[7]]);
      assert.equal(d.command?.opaque, 7);
      assert.equal(d.view?.sections[0].title, 'offsetMsgId');
      assert.match(d.view?.sections[0].table?.rows[0][1] ?? '', /broker 127\.0\.0\.1:9103,/);
      let n = 0;
      await decodeAllFrames(f, (x) => {
        assert.equal(x.command?.opaque, ix.cols.opaque[x.index]);
        assert.equal(x.command?.code, ix.cols.code[x.index]);
        n++;
      });
      assert.equal(n, 80);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('filters: code names and numbers, req/resp, error, topic, opaque, conn, time, latency, text, warnings', () => {
  const { bytes } = buildCapture('pcap');
  const { index } = run(bytes);
  const n = (f: string) => filterFrames(index, f).length;
  assert.equal(n('code=SEND_MESSAGE_V2'), 40); // requests and their responses
  assert.equal(n('code=310 req'), 20);
  assert.equal(n('code=105,310 resp'), 40);
  assert.equal(n('error'), 2); // the SYSTEM_ERROR response and the request it answers (errors.ts)
  assert.equal(n('error resp'), 1);
  assert.equal(n('topic=TB3'), 2);
  assert.equal(n('topic~=TA'), 40);
  assert.equal(n('opaque=1005'), 2);
  assert.equal(n('conn=1'), 40);
  assert.equal(n('conn=127.0.0.1:9876'), 40);
  assert.equal(n('latency>1500us'), 40); // both sides of each slow pair
  assert.equal(n('latency>1500us resp'), 20);
  assert.equal(n('latency>500us resp'), 40);
  assert.equal(n('get_routeinfo'), 40);
  assert.equal(n('unanswered'), 0);
  const t0 = index.cols.tsFirst[0];
  assert.equal(n(`time=..${t0}`), 1);
  assert.throws(() => parseFilter('code=NOPE'), FilterSyntaxError);
  assert.throws(() => parseFilter('latency>fast'), FilterSyntaxError);
  const st = computeStats(index);
  const sendStats = st.byCode.find((b) => b.code === 310)!;
  assert.equal(sendStats.requests, 20);
  assert.equal(sendStats.responses, 20);
  assert.equal(sendStats.errors, 1);
  assert.equal(sendStats.latencyUs!.count, 20);
  assert.equal(st.errorResponses[0].name, 'SYSTEM_ERROR');
  assert.match(formatSummary(index), /GET_ROUTEINFO_BY_TOPIC\s+20 \/ 20/);
});

test('index memory: typed columns, no per-frame objects (≈81 bytes/frame)', () => {
  const s = session();
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format: 'pcap' });
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 1);
  const f = frame(req(105, 1, { topic: 'T' }));
  const many = Buffer.concat(Array.from({ length: 3000 }, () => f));
  for (const p of s.send(0, many)) w.packet(p, T0 + 2);
  const { index } = run(m.bytes());
  assert.equal(index.length, 3000);
  assert.ok(index.cols.byteSize / index.cols.cap <= 81, `${index.cols.byteSize / index.cols.cap} bytes per frame`); // 80 + the protocol byte
  assert.equal(index.topics.names.length, 1);
  // same opaque reused 3000 times: each earlier one becomes unanswered when replaced
  assert.ok(index.cols.warn[0] & FrameWarn.Unanswered);
});

test('on-demand details of damaged frames: holes reported, header decoded, body labelled truncated', () => {
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format: 'pcap', snaplen: 300 });
  const s = session();
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 1);
  const big = frame(req(310, 1, { a: 'g', b: 'CUT' }, Buffer.alloc(2000, 0x61)));
  for (const p of s.send(0, big, 1000)) w.packet(p, T0 + 2);
  const bytes = m.bytes();
  const { index } = run(bytes);
  assert.equal(index.length, 1);
  assert.ok(index.cols.warn[0] & FrameWarn.Snaplen);
  const d = frameDetailsFromBuffer(index, 0, bytes);
  assert.equal(d.command?.code, 310);
  assert.equal(d.command?.extFields?.b, 'CUT');
  assert.ok(d.holes.length >= 1);
  assert.equal(d.view?.body?.kind, 'truncated');
  assert.ok(d.warnings.includes('snaplen-truncated'));
});
