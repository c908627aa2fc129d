// A captured transaction check-back (RocketMQ 5.3): the broker sends its own CHECK_TRANSACTION_STATE
// request, with its own opaque counter, on the producer's connection; the producer answers with a
// oneway END_TRANSACTION. The capture decoder must show both as requests in their own directions,
// never pair them with the client's requests, decode the half message in the check body, and keep
// every client request paired with its response.
import { describe, before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useCluster } from '../support/cluster';
import { Producer } from '../../src/core/producer';
import { Message } from '../../src/core/message';
import { indexCaptureFile, frameDetails, FrameWarn, CaptureIndex } from '../../src/core/capture';
import { eventually } from '../support/poll';
import { LiveCapture, startLiveCapture } from '../support/live-capture';


describe('captured transaction check-back on RocketMQ 5.3', () => {
  const cluster = useCluster('5.3');
  const tag = `captx_${Date.now()}`;
  const topic = `CapTx_${tag}`;
  let dir = '';
  let cap: LiveCapture | null = null;
  let file = '';
  let ix: CaptureIndex;
  let uniqKey = '';

  before(async () => {
    const c = await cluster;
    await c.createTopic(topic, { queues: 1, perm: 6 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capture-tx-'));
    file = path.join(dir, 'tx.pcapng');
    const ports = [Number(c.namesrv.split(':')[1]), ...c.brokers.flatMap((b) => [b.port, b.vipPort])];
    const filter = `tcp and (${ports.map((p) => `port ${p}`).join(' or ')})`;
    cap = await startLiveCapture({ name: 'dumpcap lo', file, cmd: 'dumpcap', args: ['-i', 'lo', '-q', '-f', filter, '-w', file], linkType: 1, format: 'pcapng', probeAddress: c.namesrv });
    const producer = new Producer({
      namesrvAddr: c.namesrv, producerGroup: `txg_${tag}`, clientVersion: c.versionOrdinal,
      transactionListener: { executeLocalTransaction: () => 'UNKNOW', checkLocalTransaction: () => 'COMMIT_MESSAGE' },
    });
    try {
      await producer.start();
      const r = await producer.sendMessageInTransaction(new Message({ topic, body: 'captured half message', tags: 'TX' }));
      uniqKey = r.msgId;
      // the broker checks half messages older than 6 s every 30–60 s
      await eventually('the check-back', async () => (producer.checkBacks.some((x) => x.msgId === uniqKey) ? true : undefined), 170_000);
      // the END_TRANSACTION answer is in the capture
      await eventually('the answered check in the capture', async () => {
        const x = await indexCaptureFile(file);
        for (let i = 0; i < x.length; i++) if (x.cols.code[i] === 37 && x.cols.dir[i] === 0 && !(x.cols.flag[i] & 1)) {
          const d = await frameDetails(x, i);
          if (d.command?.extFields?.fromTransactionCheck === 'true') return true;
        }
        return undefined;
      }, 20_000);
    } finally {
      await producer.shutdown();
    }
    await cap.stop();
    cap = null;
    ix = await indexCaptureFile(file);
  }, { timeout: 300_000 });

  after(() => {
    if (cap) void cap.stop();
    if (dir && !process.env.KEEP_CAPTURES) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('CHECK_TRANSACTION_STATE is a broker request on the client connection; END_TRANSACTIONs are oneway client requests', async () => {
    const checks: number[] = [];
    const ends: number[] = [];
    for (let i = 0; i < ix.length; i++) {
      if (ix.cols.flag[i] & 1) continue;
      if (ix.cols.code[i] === 39) checks.push(i);
      if (ix.cols.code[i] === 37) ends.push(i);
    }
    assert.ok(checks.length >= 1, 'a CHECK_TRANSACTION_STATE was captured');
    assert.ok(ends.length >= 2, 'END_TRANSACTION after the send (UNKNOW) and after the check');
    let ours = 0;
    for (const i of checks) {
      assert.equal(ix.cols.dir[i], 1, 'broker → client');
      assert.ok(ix.cols.flag[i] & 2, 'oneway');
      assert.equal(ix.cols.warn[i] & (FrameWarn.Unanswered | FrameWarn.OrphanResponse), 0);
      assert.equal(ix.cols.pair[i], -1);
      const k = ix.conns[ix.cols.conn[i]];
      assert.ok(k.frames[0] > 0, 'the same connection carries the client requests');
      const d = await frameDetails(ix, i);
      assert.equal(d.error, undefined);
      if (d.command?.extFields?.msgId !== uniqKey) continue;
      ours++;
      const half = d.view!.sections.find((s) => s.title === 'Half message')!;
      const m = half.children![0];
      assert.equal(m.rows!.find((r) => r.key === 'topic')!.value, topic);
      assert.equal(m.rows!.find((r) => r.key === 'msgId (UNIQ_KEY)')!.value, uniqKey);
      assert.match(m.children!.find((x) => x.title.startsWith('Body'))!.text!, /captured half message/);
      assert.match(d.view!.extFields.find((f) => f.key === 'offsetMsgId')!.note!, /as offsetMsgId: broker /);
    }
    assert.equal(ours, 1, 'exactly one check for our message');
    const states = await Promise.all(ends.map(async (i) => {
      assert.equal(ix.cols.dir[i], 0);
      assert.ok(ix.cols.flag[i] & 2, 'END_TRANSACTION is oneway');
      const d = await frameDetails(ix, i);
      return [d.command!.extFields!.commitOrRollback, d.command!.extFields!.fromTransactionCheck, d.view!.extFields.find((r) => r.key === 'commitOrRollback')!.note];
    }));
    assert.ok(states.some(([c, f, n]) => c === '0' && f === 'false' && /^TRANSACTION_NOT_TYPE/.test(n!)), JSON.stringify(states));
    assert.ok(states.some(([c, f, n]) => c === '8' && f === 'true' && n === 'TRANSACTION_COMMIT_TYPE'), JSON.stringify(states));
  });

  test('every client request on the connection that carries the check-back is paired with its response', () => {
    // The connection is found from the broker's CHECK_TRANSACTION_STATE rather than from a captured
    // SYN: dumpcap can report "Capturing" a moment before packets flow, so the handshake may be missed.
    const checkConns = new Set<number>();
    for (let i = 0; i < ix.length; i++) if (ix.cols.code[i] === 39 && ix.cols.dir[i] === 1 && !(ix.cols.flag[i] & 1)) checkConns.add(ix.cols.conn[i]);
    assert.ok(checkConns.size >= 1, 'a connection carrying CHECK_TRANSACTION_STATE');
    let requests = 0;
    for (let i = 0; i < ix.length; i++) {
      if (!checkConns.has(ix.cols.conn[i]) || ix.cols.dir[i] !== 0 || (ix.cols.flag[i] & 3)) continue;
      requests++;
      assert.ok(ix.cols.pair[i] >= 0, `request ${i} (code ${ix.cols.code[i]}) unpaired`);
      const p = ix.cols.pair[i];
      assert.equal(ix.cols.dir[p], 1);
      assert.equal(ix.cols.opaque[p], ix.cols.opaque[i]);
    }
    // The broker can only check back after the half message was sent and the group heartbeated there.
    assert.ok(requests >= 2, `only ${requests} client requests (send and heartbeat expected)`);
  });
});
