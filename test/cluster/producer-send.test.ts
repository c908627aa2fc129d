// The producer against a real RocketMQ cluster, both versions: every send mode and kind is read back
// with our own PULL / VIEW_MESSAGE_BY_ID and with the Java client (DefaultMQPullConsumer and
// DefaultMQAdminExt.viewMessage) from the same Maven artifacts, field by field.
import { describe, before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { useCluster } from '../support/cluster';
import { JavaSide, JavaMessage } from '../support/java-producer/java-side';
import { Producer, SendResult, selectByHash, MQClient } from '../../src/core/producer';
import { Message, MessageExt, decodeOffsetMessageId, decodeUniqKey } from '../../src/core/message';
import { browseTopic, viewMessageById, queryMessageByUniqKey } from '../../src/core/consumer';
import { eventually } from '../support/poll';


const text = (b: Uint8Array | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');

/** Our decoded message vs Java's view of the same stored message. */
function assertSameAsJava(ours: MessageExt, java: JavaMessage, label: string): void {
  assert.equal(ours.topic, java.topic, `${label}: topic`);
  assert.equal(ours.flag, java.flag, `${label}: flag`);
  assert.equal(ours.queueId, java.queueId, `${label}: queueId`);
  assert.equal(ours.queueOffset, java.queueOffset, `${label}: queueOffset`);
  assert.equal(ours.commitLogOffset, java.commitLogOffset, `${label}: commitLogOffset`);
  // The 5.3 Java client clears COMPRESSED_FLAG (0x1) after inflating a body; the stored flag keeps it.
  const javaSysFlag = ours.compressed && (java.sysFlag & 1) === 0 ? java.sysFlag | 1 : java.sysFlag;
  assert.equal(ours.sysFlag, javaSysFlag, `${label}: sysFlag`);
  assert.equal(ours.bornTimestamp, java.bornTimestamp, `${label}: bornTimestamp`);
  assert.equal(ours.storeTimestamp, java.storeTimestamp, `${label}: storeTimestamp`);
  assert.equal(`/${ours.bornHost}:${ours.bornPort}`, java.bornHost, `${label}: bornHost`);
  assert.equal(`/${ours.storeHost}:${ours.storePort}`, java.storeHost, `${label}: storeHost`);
  assert.equal(ours.reconsumeTimes, java.reconsumeTimes, `${label}: reconsumeTimes`);
  assert.equal(ours.preparedTransactionOffset, java.preparedTransactionOffset, `${label}: preparedTransactionOffset`);
  assert.equal(ours.bodyCRC, java.bodyCRC, `${label}: bodyCRC`);
  assert.equal(ours.storeSize, java.storeSize, `${label}: storeSize`);
  assert.equal(ours.msgId, java.msgId, `${label}: msgId (UNIQ_KEY)`);
  if (java.offsetMsgId) assert.equal(ours.offsetMsgId, java.offsetMsgId, `${label}: offsetMsgId`);
  assert.equal(ours.tags ?? null, java.tags, `${label}: tags`);
  assert.equal(ours.keys ?? null, java.keys, `${label}: keys`);
  assert.equal(Buffer.from(ours.body!).toString('base64'), java.body, `${label}: body`);
  // Java's MessageExt properties omit nothing we decode; compare as sorted objects
  // (the Java pull consumer adds MIN_OFFSET/MAX_OFFSET client-side; they are not in the stored message)
  const sorted = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'MIN_OFFSET' && k !== 'MAX_OFFSET').sort(([a], [b]) => (a < b ? -1 : 1)));
  assert.deepEqual(sorted(Object.fromEntries(ours.properties)), sorted(java.properties), `${label}: properties`);
}

for (const version of ['4.9', '5.3'] as const) {
  describe(`producer against RocketMQ ${version}`, () => {
    const cluster = useCluster(version);
    let java: JavaSide;
    let producer: Producer;
    let reader: MQClient;
    const tag = `${version.replace('.', '')}_${Date.now()}`;
    const topic = `ProdSend_${tag}`;

    before(async () => {
      await cluster().createTopic(topic, { queues: 4, perm: 6 });
      // announce the cluster's own version, so our frames look like its Java client's
      producer = new Producer({ namesrvAddr: cluster().namesrv, producerGroup: `pg_${tag}`, clientVersion: cluster().versionOrdinal });
      await producer.start();
      reader = new MQClient({ namesrvAddr: cluster().namesrv, clientVersion: cluster().versionOrdinal });
      java = await JavaSide.start(version, cluster().namesrv);
    }, { timeout: 180_000 });

    after(async () => {
      await producer?.shutdown();
      await reader?.close();
      await java?.stop();
    });

    const sent: Array<{ kind: string; msg: Message; result: { msgId: string; offsetMsgId?: string } }> = [];

    test('sync send: SEND_OK, ids consistent, read back by VIEW_MESSAGE_BY_ID field by field', async () => {
      const msg = new Message({ topic, body: 'sync body ✓', tags: 'TagSync', keys: ['k1', 'k2'], flag: 7, userProperties: { color: 'red', n: '1' } });
      const r = await producer.send(msg);
      assert.equal(r.sendStatus, 'SEND_OK');
      assert.equal(r.msgId, msg.uniqKey);
      assert.equal(decodeUniqKey(r.msgId).pid, process.pid & 0xffff);
      const id = decodeOffsetMessageId(r.offsetMsgId);
      const broker = cluster().brokers.find((b) => b.name === r.messageQueue.brokerName)!;
      assert.equal(id.address, broker.addr, 'offsetMsgId encodes the storing broker');
      assert.equal(r.brokerAddr, broker.addr);
      assert.equal(r.regionId, 'DefaultRegion');
      const m = await viewMessageById(reader, r.offsetMsgId);
      assert.equal(m.topic, topic);
      assert.equal(text(m.body), 'sync body ✓');
      assert.equal(m.tags, 'TagSync');
      assert.equal(m.keys, 'k1 k2');
      assert.equal(m.flag, 7);
      assert.equal(m.msgId, r.msgId);
      assert.equal(m.queueId, r.messageQueue.queueId);
      assert.equal(m.queueOffset, r.queueOffset);
      assert.equal(m.properties.get('color'), 'red');
      assert.equal(m.properties.get('CLUSTER'), cluster().clusterName);
      assert.equal(m.offsetMsgId, r.offsetMsgId);
      sent.push({ kind: 'sync', msg, result: r });
    });

    test('async send, 20 in flight: all SEND_OK and distinct', async () => {
      const msgs = Array.from({ length: 20 }, (_, i) => new Message({ topic, body: `async-${i}`, tags: 'TagAsync' }));
      const rs = await Promise.all(msgs.map((m) => producer.sendAsync(m)));
      assert.ok(rs.every((r) => r.sendStatus === 'SEND_OK'));
      assert.equal(new Set(rs.map((r) => r.offsetMsgId)).size, 20);
      rs.forEach((r, i) => sent.push({ kind: 'async', msg: msgs[i], result: r }));
    });

    test('oneway send: arrives (read back by UNIQ_KEY query)', async () => {
      const msg = new Message({ topic, body: 'oneway body', tags: 'TagOneway', keys: 'ow' });
      const r = await producer.sendOneway(msg);
      const found = await eventually('the oneway message', async () => {
        const all = await browseTopic(reader, topic);
        return all.find((m) => m.msgId === r.msgId);
      });
      assert.equal(text(found.body), 'oneway body');
      const byKey = await queryMessageByUniqKey(reader, topic, r.msgId);
      assert.equal(byKey.length, 1);
      sent.push({ kind: 'oneway', msg, result: { msgId: r.msgId, offsetMsgId: found.offsetMsgId } });
    });

    test('compressed body (≥ 4096 bytes): stored compressed with zlib flag, inflates to the original', async () => {
      const body = Buffer.from('0123456789abcdef'.repeat(512)); // 8192 bytes
      const msg = new Message({ topic, body, tags: 'TagZ' });
      const r = await producer.send(msg);
      const m = await viewMessageById(reader, r.offsetMsgId);
      assert.equal(m.compressed, true);
      assert.equal(m.compression, 'ZLIB');
      assert.equal(m.sysFlag & 1, 1);
      assert.ok(m.rawBody.length < body.length);
      assert.deepEqual(Buffer.from(m.body!), body);
      sent.push({ kind: 'compressed', msg, result: r });
    });

    test('batch of 5: one request, five stored messages with their own UNIQ_KEYs and offset ids', async () => {
      const msgs = Array.from({ length: 5 }, (_, i) => new Message({ topic, body: `batch-${i}`, tags: 'TagBatch', userProperties: { idx: String(i) } }));
      const [r] = await producer.sendBatch(msgs);
      assert.equal(r.sendStatus, 'SEND_OK');
      const ids = r.msgId.split(',');
      const offs = r.offsetMsgId.split(',');
      assert.equal(ids.length, 5);
      assert.equal(offs.length, 5);
      for (let i = 0; i < 5; i++) {
        const m = await viewMessageById(reader, offs[i]);
        assert.equal(text(m.body), `batch-${i}`);
        assert.equal(m.msgId, ids[i]);
        assert.equal(m.properties.get('idx'), String(i));
        assert.equal(m.queueId, r.messageQueue.queueId);
        assert.equal(m.queueOffset, r.queueOffset + i);
        sent.push({ kind: 'batch', msg: msgs[i], result: { msgId: ids[i], offsetMsgId: offs[i] } });
      }
    });

    test('everything sent is read back by our pull and by the Java pull consumer, identical field by field', async () => {
      const ours = await browseTopic(reader, topic);
      const theirs = await java.pull(topic);
      assert.equal(ours.length, sent.length, 'our pull sees every message');
      assert.equal(theirs.length, sent.length, 'the Java consumer sees every message');
      for (const s of sent) {
        const o = ours.find((m) => m.msgId === s.result.msgId);
        const j = theirs.find((m) => m.msgId === s.result.msgId);
        assert.ok(o, `${s.kind} ${s.result.msgId} in our pull`);
        assert.ok(j, `${s.kind} ${s.result.msgId} in the Java pull`);
        assertSameAsJava(o, j, `${s.kind} ${s.result.msgId}`);
        assert.deepEqual(Buffer.from(o.body!), Buffer.from(s.msg.body), `${s.kind}: body as sent`);
        assert.equal(o.flag, s.msg.flag);
        for (const [k, v] of s.msg.properties) if (k !== 'WAIT') assert.equal(o.properties.get(k), v, `${s.kind}: property ${k}`);
      }
    });

    test('Java admin viewMessage (queryMsgById) returns the same message as our VIEW_MESSAGE_BY_ID', async () => {
      for (const s of sent.filter((x) => x.result.offsetMsgId).slice(0, 8)) {
        const ours = await viewMessageById(reader, s.result.offsetMsgId!);
        const theirs = await java.view(topic, s.result.offsetMsgId!);
        assertSameAsJava(ours, theirs, `view ${s.kind}`);
      }
    });

    test('Java DefaultMQProducer messages decode identically with our reader (side by side)', async () => {
      const jt = `ProdJava_${tag}`;
      await cluster().createTopic(jt, { queues: 2, perm: 6 });
      const jr = await java.send(jt, 3, 'from-java', 'TagJ');
      assert.ok(jr.every((x) => x.status === 'SEND_OK'));
      const ours = await browseTopic(reader, jt);
      const theirs = await java.pull(jt);
      assert.equal(ours.length, 3);
      for (const x of jr) {
        const o = ours.find((m) => m.msgId === x.msgId)!;
        assert.ok(o, 'Java-sent message found by our pull');
        assert.equal(o.offsetMsgId, x.offsetMsgId);
        assertSameAsJava(o, theirs.find((m) => m.msgId === x.msgId)!, `java-sent ${x.msgId}`);
      }
    });

    test('ordered sends with a hash selector land in one queue, in order', async () => {
      const ot = `ProdOrder_${tag}`;
      await cluster().createTopic(ot, { queues: 4, perm: 6 });
      const rs: SendResult[] = [];
      for (let i = 0; i < 12; i++) rs.push(await producer.send(new Message({ topic: ot, body: `order-${i}` }), { selector: selectByHash, selectorArg: 'order-42' }));
      const queues = new Set(rs.map((r) => `${r.messageQueue.brokerName}:${r.messageQueue.queueId}`));
      assert.equal(queues.size, 1);
      const offsets = rs.map((r) => r.queueOffset);
      assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b));
      const ours = (await browseTopic(reader, ot)).sort((a, b) => a.queueOffset - b.queueOffset);
      assert.deepEqual(ours.map((m) => text(m.body)), Array.from({ length: 12 }, (_, i) => `order-${i}`));
    });

    test('round-robin spreads sends over both brokers and every queue', async () => {
      const rt = `ProdRR_${tag}`;
      await cluster().createTopic(rt, { queues: 2, perm: 6 });
      const rs: SendResult[] = [];
      for (let i = 0; i < 8; i++) rs.push(await producer.send(new Message({ topic: rt, body: `rr-${i}` })));
      const count = new Map<string, number>();
      for (const r of rs) {
        const k = `${r.messageQueue.brokerName}:${r.messageQueue.queueId}`;
        count.set(k, (count.get(k) ?? 0) + 1);
      }
      assert.deepEqual([...count.keys()].sort(), ['broker-a:0', 'broker-a:1', 'broker-b:0', 'broker-b:1']);
      assert.ok([...count.values()].every((n) => n === 2));
    });

    test('ROCKETMQ binary headers: sync, async, oneway and batch sends are stored like JSON ones', async () => {
      const bt = `ProdBin_${tag}`;
      await cluster().createTopic(bt, { queues: 2, perm: 6 });
      const traffic: Buffer[] = [];
      const p = new Producer({
        namesrvAddr: cluster().namesrv, producerGroup: `pg_bin_${tag}`, clientVersion: cluster().versionOrdinal, serializeType: 'ROCKETMQ',
        onTraffic: (t) => { if (t.direction === 'out') traffic.push(t.bytes); },
      });
      await p.start();
      try {
        const r1 = await p.send(new Message({ topic: bt, body: 'bin-sync', tags: 'B', userProperties: { k: 'v' } }));
        const r2 = await p.sendAsync(new Message({ topic: bt, body: 'bin-async' }));
        const r3 = await p.sendOneway(new Message({ topic: bt, body: 'bin-oneway' }));
        const [r4] = await p.sendBatch([new Message({ topic: bt, body: 'bin-b0' }), new Message({ topic: bt, body: 'bin-b1' })]);
        assert.ok(traffic.length >= 5 && traffic.every((b) => b[4] === 1), 'every request went out with the ROCKETMQ type byte');
        const ids = [r1.msgId, r2.msgId, r3.msgId, ...r4.msgId.split(',')];
        const all = await eventually('all binary-header messages', async () => {
          const got = await browseTopic(reader, bt);
          return ids.every((id) => got.some((m) => m.msgId === id)) ? got : undefined;
        });
        assert.deepEqual(ids.map((id) => text(all.find((m) => m.msgId === id)!.body)), ['bin-sync', 'bin-async', 'bin-oneway', 'bin-b0', 'bin-b1']);
        assert.equal(all.find((m) => m.msgId === r1.msgId)!.properties.get('k'), 'v');
      } finally { await p.shutdown(); }
    });

    test('NameServer failover: a dead first address does not stop sends', async () => {
      const p = new Producer({ namesrvAddr: `127.0.0.1:1;${cluster().namesrv}`, producerGroup: `pg_fo_${tag}`, clientVersion: cluster().versionOrdinal });
      await p.start();
      try {
        for (let i = 0; i < 3; i++) {
          p.invalidateRoute(topic);
          assert.equal((await p.send(new Message({ topic, body: `failover-${i}` }))).sendStatus, 'SEND_OK');
        }
      } finally { await p.shutdown(); }
    });

    test('explicit queue: lands exactly there; delay level 1: visible only after the delay', async () => {
      const dt = `ProdDelay_${tag}`;
      await cluster().createTopic(dt, { queues: 2, perm: 6 });
      const q = { topic: dt, brokerName: 'broker-b', queueId: 1 };
      const r = await producer.send(new Message({ topic: dt, body: 'to b:1' }), { queue: q });
      assert.deepEqual(r.messageQueue, q);
      const t0 = Date.now();
      const d = await producer.send(new Message({ topic: dt, body: 'delayed', delayTimeLevel: 1 }));
      assert.equal(d.sendStatus, 'SEND_OK');
      const inTopic = async () => (await browseTopic(reader, dt)).find((m) => m.msgId === d.msgId);
      // stored first in SCHEDULE_TOPIC_XXXX; appears in the topic once the 1 s level has passed
      const early = await inTopic();
      if (early) assert.ok(Date.now() - t0 >= 900, 'a delayed message must not be visible before its delay');
      const m = await eventually('the delayed message', inTopic, 20000);
      assert.ok(Date.now() - t0 >= 900, `visible after ${Date.now() - t0} ms`);
      assert.equal(m.properties.get('DELAY'), '1');
      assert.equal(m.properties.get('REAL_TOPIC'), dt);
    });

    test('unknown topic is auto-created through TBW102 and the message is readable', async () => {
      const nt = `ProdAuto_${tag}`;
      const r = await producer.send(new Message({ topic: nt, body: 'auto' }));
      assert.equal(r.sendStatus, 'SEND_OK');
      const m = await viewMessageById(reader, r.offsetMsgId);
      assert.equal(m.topic, nt);
      assert.equal(text(m.body), 'auto');
    });
  });
}
