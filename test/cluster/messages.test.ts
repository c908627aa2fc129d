// Finding, reading, browsing, tracing and resending messages against real RocketMQ 4.9.7 and 5.3.3.
// Messages are sent by the Java producer (tags, keys, properties, compressed body, batch, delayed,
// transactional); every lookup is checked field by field against what Java's admin tools return for the
// same message in the same run (DefaultMQAdminExt.viewMessage / queryMessage, i.e. mqadmin queryMsgById,
// queryMsgByUniqueKey and queryMsgByKey), and the trace against Java's TraceDataEncoder.
import { describe, before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { useCluster } from '../support/cluster';
import { MessageRef, JavaStoredMessage, JavaSendResult } from '../support/messages/message-ref';
import { MQClient } from '../../src/core/producer';
import { FoundMessage, findById, queryByKey, queryByTimeRange, browseQueue, consumerOffset, classifyMessageId, routeMasters } from '../../src/core/consumer';
import { createOffsetMessageId } from '../../src/core/message';
import { MessageFinder } from '../../src/app/messages/finder';
import { resendSpec } from '../../src/app/messages/resend';
import { messageDetail } from '../../src/app/messages/message-view';
import { ConnectionSession } from '../../src/app/connections/session';
import { executeSpec } from '../../src/app/send/executor';
import { eventually } from '../support/poll';

/** Our message vs Java admin's view of the same stored message. */
function assertSameAsJava(ours: FoundMessage, java: JavaStoredMessage, label: string): void {
  assert.equal(ours.topic, java.topic, `${label}: topic`);
  assert.equal(ours.queueId, java.queueId, `${label}: queueId`);
  assert.equal(ours.queueOffset, java.queueOffset, `${label}: queueOffset`);
  assert.equal(ours.commitLogOffset, java.commitLogOffset, `${label}: commitLogOffset`);
  // The 5.3 Java client clears COMPRESSED_FLAG after inflating; the stored flag keeps it.
  assert.equal(ours.sysFlag, ours.compressed && (java.sysFlag & 1) === 0 ? java.sysFlag | 1 : java.sysFlag, `${label}: sysFlag`);
  assert.equal(ours.bornTimestamp, java.bornTimestamp, `${label}: bornTimestamp`);
  assert.equal(ours.storeTimestamp, java.storeTimestamp, `${label}: storeTimestamp`);
  assert.equal(`/${ours.bornHost}:${ours.bornPort}`, java.bornHost, `${label}: bornHost`);
  assert.equal(`/${ours.storeHost}:${ours.storePort}`, java.storeHost, `${label}: storeHost`);
  assert.equal(ours.reconsumeTimes, java.reconsumeTimes, `${label}: reconsumeTimes`);
  assert.equal(ours.preparedTransactionOffset, java.preparedTransactionOffset, `${label}: preparedTransactionOffset`);
  assert.equal(ours.bodyCRC, java.bodyCRC, `${label}: bodyCRC`);
  assert.equal(ours.storeSize, java.storeSize, `${label}: storeSize`);
  assert.equal(ours.flag, java.flag, `${label}: flag`);
  assert.equal(ours.msgId, java.msgId, `${label}: msgId`);
  assert.equal(ours.tags ?? null, java.tags, `${label}: tags`);
  assert.equal(ours.keys ?? null, java.keys, `${label}: keys`);
  assert.equal(Buffer.from(ours.body!).toString('base64'), java.body, `${label}: body (inflated)`);
  const sorted = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
  assert.deepEqual(sorted(Object.fromEntries(ours.properties)), sorted(java.properties), `${label}: properties`);
}

for (const version of ['4.9', '5.3'] as const) {
  describe(`message lookups against RocketMQ ${version}`, () => {
    const cluster = useCluster(version);
    let java: MessageRef;
    let reader: MQClient;
    const tag = `${version.replace('.', '')}_${Date.now()}`;
    const topic = `Msgs_${tag}`;
    const bigBody = Array.from({ length: 400 }, (_, i) => `line ${i} of a body the producer compresses`).join('\n');
    const sent: Array<{ kind: string; r: JavaSendResult | { msgId: string; offsetMsgId: string | null }; key: string }> = [];
    let t0 = 0;

    before(async () => {
      await cluster().createTopic(topic, { queues: 2, perm: 6 });
      reader = new MQClient({ namesrvAddr: cluster().namesrv, clientVersion: cluster().versionOrdinal });
      java = await MessageRef.start(version, cluster().namesrv);
      t0 = Date.now() - 1000;
      sent.push({ kind: 'plain', key: `plain-${tag}`, r: await java.send(topic, { tags: 'TagA', keys: `plain-${tag} other-${tag}`, props: { region: 'eu', 'x-trace': 'abc' }, body: '{"order":1,"items":[1,2]}' }) });
      sent.push({ kind: 'compressed', key: `big-${tag}`, r: await java.send(topic, { tags: 'Big', keys: `big-${tag}`, body: bigBody }) });
      sent.push({ kind: 'binary', key: `bin-${tag}`, r: await java.send(topic, { keys: `bin-${tag}`, body: new Uint8Array([0, 1, 2, 0xff, 0xfe, 10, 13]) }) });
      sent.push({ kind: 'delayed', key: `delay-${tag}`, r: await java.send(topic, { tags: 'Later', keys: `delay-${tag}`, body: 'after a second', kind: 'delay:1' }) });
      sent.push({ kind: 'transaction', key: `tx-${tag}`, r: await java.send(topic, { tags: 'Tx', keys: `tx-${tag}`, body: 'committed', kind: 'transaction' }) });
      const batch = await java.batch(topic, 3, 'batch body', `batch-${tag}-`);
      batch.forEach((r, i) => sent.push({ kind: `batch ${i}`, key: `batch-${tag}-${i}`, r }));
    }, { timeout: 240_000 });

    after(async () => {
      await reader?.close();
      await java?.stop();
    });

    test('ids are told apart: every Java msgId is a UNIQ_KEY, every offsetMsgId an offsetMsgId naming the storing broker', () => {
      for (const s of sent) {
        assert.equal(classifyMessageId(s.r.msgId).kind, 'uniq', `${s.kind} msgId`);
        if (s.r.offsetMsgId) {
          const c = classifyMessageId(s.r.offsetMsgId);
          assert.equal(c.kind, 'offset', `${s.kind} offsetMsgId`);
          assert.ok(cluster().brokers.some((b) => b.addr === c.offset!.address), `${s.kind}: ${c.offset!.address} is a broker`);
        }
      }
    });

    test('by msgId within the topic and by offsetMsgId: found, and equal to Java admin viewMessage field by field', { timeout: 120_000 }, async () => {
      for (const s of sent.filter((x) => !x.kind.startsWith('batch'))) {
        // The index is built asynchronously, and the delayed message reaches the topic after its delay.
        const byUniq = await eventually(`${s.kind} by UNIQ_KEY`, async () => {
          const r = await findById(reader, s.r.msgId, { topic });
          return r.messages.length ? r : undefined;
        }, 30_000);
        assert.equal(byUniq.id.kind, 'uniq');
        assert.equal(byUniq.failures.length, 0);
        // The delayed message is stored twice (SCHEDULE_TOPIC_XXXX, then the topic), indexed under each topic.
        assert.equal(byUniq.messages.length, 1);
        const ours = byUniq.messages[0];
        assertSameAsJava(ours, await java.view(topic, s.r.msgId), `${s.kind} by msgId`);
        const byOffset = await findById(reader, ours.offsetMsgId);
        assert.equal(byOffset.id.kind, 'offset');
        assert.equal(byOffset.messages.length, 1, `${s.kind} by offsetMsgId`);
        assertSameAsJava(byOffset.messages[0], await java.view(topic, ours.offsetMsgId), `${s.kind} by offsetMsgId`);
        assert.equal(byOffset.messages[0].brokerName, ours.brokerName, 'the broker is named from the cluster table');
      }
    });

    test('batch: each message by its stored msgId and offsetMsgId; the send result\'s per-message msgIds agree with Java (5.x stores the batch\'s UNIQ_KEY after each message\'s own)', { timeout: 60_000 }, async () => {
      for (const s of sent.filter((x) => x.kind.startsWith('batch'))) {
        const byKey = await eventually(`${s.kind} by key`, async () => (await queryByKey(reader, { topic, key: s.key })).messages[0], 30_000);
        const stored = byKey.msgId!;
        assertSameAsJava((await findById(reader, stored, { topic })).messages.find((m) => m.offsetMsgId === byKey.offsetMsgId)!, await java.view(topic, byKey.offsetMsgId), `${s.kind} by stored msgId`);
        const bySent = await findById(reader, s.r.msgId, { topic });
        const javaBySent = await java.view(topic, s.r.msgId).then((m) => m, () => null);
        assert.equal(bySent.messages.length > 0, javaBySent !== null, `${s.kind}: found by the send result's msgId exactly when Java finds it`);
        if (javaBySent) assertSameAsJava(bySent.messages[0], javaBySent, `${s.kind} by sent msgId`);
        else assert.equal((await new MessageFinder({ client: reader, wrapTopic: (t) => t }).find({ kind: 'id', id: s.r.msgId, topic })).list.outcome, 'not-found', 'not found, as for Java (not failed)');
      }
    });

    test('compressed, batch, delayed and transactional messages read as Java reads them', async () => {
      const get = async (kind: string) => (await findById(reader, sent.find((s) => s.kind === kind)!.r.msgId, { topic })).messages.find((m) => m.topic === topic)!;
      const big = await get('compressed');
      assert.equal(big.compressed, true);
      assert.equal(Buffer.from(big.body!).toString(), bigBody);
      const d = messageDetail('h', big);
      assert.equal(d.body.compression, 'ZLIB');
      assert.ok(d.body.storedLength < d.body.length, 'stored compressed, shown inflated');
      assert.equal(d.body.kind, 'text');
      const plain = messageDetail('h', await get('plain'));
      assert.equal(plain.body.kind, 'json');
      assert.deepEqual(plain.userProperties.map((p) => p.name), ['region', 'x-trace']);
      assert.ok(plain.systemProperties.some((p) => p.name === 'TAGS' && p.value === 'TagA'));
      const bin = messageDetail('h', await get('binary'));
      assert.equal(bin.body.kind, 'binary');
      assert.match(bin.body.hex, /^00000000  00 01 02 ff fe 0a 0d/);
      const delayed = messageDetail('h', await get('delayed'));
      assert.ok(delayed.systemProperties.some((p) => p.name === 'DELAY' && p.value === '1' && /1s/.test(p.note ?? '')), 'DELAY named with its meaning');
      assert.ok(delayed.systemProperties.some((p) => p.name === 'REAL_TOPIC' && p.value === topic));
      const tx = messageDetail('h', await get('transaction'));
      assert.ok(tx.systemProperties.some((p) => p.name === 'TRAN_MSG' && p.value === 'true'));
      assert.ok(tx.system.some((f) => f.name === 'sysFlag' && /TRANSACTION_COMMIT/.test(f.note ?? '')), 'sysFlag bits named');
    });

    // 4.9 has no timer messages (TIMER_* properties are 5.x's)
    if (version === '5.3') test('5.x timer message: found once delivered, TIMER_* properties named with their meaning, equal to Java', { timeout: 90_000 }, async (t) => {
      // its own topic, so that the other tests' ranges and keys are not changed by it
      const timerTopic = `Timer_${tag}`;
      await cluster().createTopic(timerTopic, { queues: 1, perm: 6 });
      const session = new ConnectionSession({ name: 'timer', namesrv: cluster().namesrv }, {});
      try {
        const out = await executeSpec(session, { topic: timerTopic, keys: [`timer-${tag}`], bodies: ['on time'], delayMs: 1500, mode: 'sync', repeat: 1, batch: false });
        assert.equal(out.sent.length, 1, String(out.failed[0]?.error));
        const m = await eventually('the timer message delivered to the topic', async () => (await queryByKey(reader, { topic: timerTopic, key: `timer-${tag}` })).messages[0], 60_000, 500);
        assertSameAsJava(m, await java.view(timerTopic, m.offsetMsgId), 'timer message');
        const d = messageDetail('h', m);
        const names = Object.fromEntries(d.systemProperties.map((p) => [p.name, p.note ?? '']));
        assert.match(names.TIMER_DELAY_MS ?? '', /5\.x timer: deliver 1500 ms after sending/);
        assert.match(names.TIMER_OUT_MS ?? '', /5\.x timer: due at \d{4}-/);
        assert.equal(resendSpec(m).spec.delayMs, 1500, 'Send Again keeps the timer');
        t.diagnostic(`timer properties: ${Object.keys(names).filter((k) => k.startsWith('TIMER')).join(', ')}`);
      } finally {
        await session.dispose();
      }
    });

    test('by key: every broker asked, exact matches, the same messages as Java admin queryMessage', { timeout: 60_000 }, async () => {
      for (const s of sent) {
        const r = await eventually(`${s.kind} by key`, async () => {
          const x = await queryByKey(reader, { topic, key: s.key });
          return x.messages.length ? x : undefined;
        }, 30_000);
        assert.deepEqual(r.asked.map((b) => b.brokerName), ['broker-a', 'broker-b'], 'every master of the topic asked');
        const javaList = (await java.queryKey(topic, s.key)).filter((m) => m.topic === topic);
        // Java's queryMessage returns the schedule topic's copy of a delayed message too; both sides keep the topic's only
        assert.deepEqual(r.messages.map((m) => m.msgId).sort(), [...new Set(javaList.map((m) => m.msgId))].sort(), `${s.kind}: same messages as Java`);
        for (const m of r.messages) assertSameAsJava(m, javaList.find((j) => j.queueOffset === m.queueOffset && j.queueId === m.queueId)!, `${s.kind} by key`);
      }
      const other = await queryByKey(reader, { topic, key: `other-${tag}` });
      assert.equal(other.messages.length, 1, 'the second of two space-separated keys is indexed too');
    });

    test('by time range: all brokers, merged in store-time order, capped with the cap shown', { timeout: 60_000 }, async () => {
      // the stored msgIds (a 5.x batch's messages carry the batch's UNIQ_KEY, see above)
      const ids: string[] = [];
      for (const s of sent) ids.push(...(await eventually(`${s.kind} by key`, async () => { const r = await queryByKey(reader, { topic, key: s.key }); return r.messages.length ? r.messages : undefined; }, 30_000)).map((m) => m.msgId!));
      ids.sort();
      const all = await eventually('every message in the range', async () => {
        const r = await queryByTimeRange(reader, { topic, from: t0, to: Date.now() + 1000 });
        return ids.every((id) => r.messages.some((m) => m.msgId === id)) ? r : undefined;
      }, 30_000);
      assert.equal(all.failures.length, 0);
      assert.deepEqual(all.asked.map((b) => b.brokerName), ['broker-a', 'broker-b']);
      assert.deepEqual(all.messages.filter((m) => ids.includes(m.msgId!)).map((m) => m.msgId).sort(), ids);
      assert.equal(all.messages.length, ids.length, 'nothing else in the range');
      for (let i = 1; i < all.messages.length; i++) assert.ok(all.messages[i - 1].storeTimestamp <= all.messages[i].storeTimestamp, 'merged by store time');
      const capped = await queryByTimeRange(reader, { topic, from: t0, to: Date.now() + 1000, cap: 3 });
      assert.equal(capped.messages.length, 3);
      assert.equal(capped.capped, true);
      assert.deepEqual(capped.messages.map((m) => m.msgId), all.messages.slice(0, 3).map((m) => m.msgId), 'the cap keeps the earliest');
      const finder = new MessageFinder({ client: reader, wrapTopic: (t) => t });
      const list = (await finder.find({ kind: 'time', topic, from: t0, to: Date.now() + 1000, cap: 3 })).list;
      assert.match(list.headline, /the first 3: the cap was reached/);
      const none = await queryByTimeRange(reader, { topic, from: t0 - 3_600_000, to: t0 - 3_000_000 });
      assert.equal(none.messages.length, 0);
      assert.equal(none.failures.length, 0, 'an empty range is not found, not failed');
    });

    test('browsing a queue returns its messages in offset order and commits nothing (the group\'s offsets are unchanged)', { timeout: 120_000 }, async () => {
      const group = `cg_${tag}`;
      const stored = await eventually('all messages stored', async () => {
        const r = await queryByTimeRange(reader, { topic, from: t0, to: Date.now() + 1000 });
        return r.messages.length >= sent.length ? r.messages.length : undefined;
      }, 30_000);
      const consumed = await java.consume(topic, group, stored);
      assert.equal(consumed.complete, true, 'the Java consumer read everything');
      const before = await java.offsets(group);
      assert.ok(Object.keys(before).length > 0, 'the group has stored offsets');
      const route = await reader.getTopicRoute(topic);
      let read = 0;
      for (const b of routeMasters(route)) {
        for (let q = 0; q < 2; q++) {
          // pulled under the Java group's own name: no COMMIT_OFFSET flag, so its stored offsets must not move
          const r = await browseQueue(reader, { topic, broker: b, queueId: q, offset: 0, count: 100, group });
          read += r.messages.length;
          r.messages.forEach((m, i) => assert.equal(m.queueOffset, r.startOffset + i, 'consecutive offsets, in order'));
          assert.equal(r.nextOffset, r.maxOffset);
          // from a timestamp: starts at the first message stored at or after it
          if (r.messages.length > 1) {
            const second = r.messages[1];
            const fromTime = await browseQueue(reader, { topic, broker: b, queueId: q, timestamp: second.storeTimestamp, count: 100 });
            assert.ok(fromTime.messages[0].storeTimestamp >= r.messages[0].storeTimestamp && fromTime.messages[0].queueOffset <= second.queueOffset);
          }
          assert.equal(await consumerOffset(reader, b, group, topic, q), before[`${topic}@${b.brokerName}:${q}`], 'QUERY_CONSUMER_OFFSET says what Java says');
        }
      }
      assert.equal(read, stored);
      assert.deepEqual(await java.offsets(group), before, "the Java group's offsets are unchanged");
      const past = await browseQueue(reader, { topic, broker: routeMasters(route)[0], queueId: 0, offset: 1_000_000, count: 5 });
      assert.equal(past.messages.length, 0);
    });

    test('not found and failed are different outcomes, each with protocol context', { timeout: 60_000 }, async () => {
      const finder = new MessageFinder({ client: reader, wrapTopic: (t) => t }, 3000);
      const broker = cluster().brokers[0];
      const farOffset = createOffsetMessageId(broker.addr.split(':')[0], Number(broker.addr.split(':')[1]), 10_000_000_000n);
      const noMsg = await finder.find({ kind: 'id', id: farOffset });
      assert.equal(noMsg.list.outcome, 'not-found', noMsg.list.headline);
      const noUniq = await finder.find({ kind: 'id', id: '7F000001AAAA1234567800000000FFFF', topic });
      assert.equal(noUniq.list.outcome, 'not-found', noUniq.list.headline);
      assert.match(noUniq.list.headline, /every broker answered \(broker-a, broker-b\)/);
      const noTopic = await finder.find({ kind: 'key', topic: `NoSuch_${tag}`, key: 'k' });
      assert.equal(noTopic.list.outcome, 'not-found');
      assert.match(noTopic.list.headline, /does not exist: TOPIC_NOT_EXIST \(17\) from NameServer 127\.0\.0\.1:\d+/);
      const dead = createOffsetMessageId('127.0.0.1', 1, 0n);
      const failed = await finder.find({ kind: 'id', id: dead });
      assert.equal(failed.list.outcome, 'failed', failed.list.headline);
      assert.match(failed.list.details.join('\n'), /127\.0\.0\.1:1 refused the connection/);
    });

    test('Send Again lands a copy through the normal send path (the copy is found by key, body and properties equal)', { timeout: 60_000 }, async () => {
      const orig = (await findById(reader, sent[0].r.msgId, { topic })).messages[0];
      const session = new ConnectionSession({ name: 'test', namesrv: cluster().namesrv }, {});
      try {
        const plan = resendSpec(orig);
        assert.deepEqual(plan.notes, []);
        const out = await executeSpec(session, plan.spec);
        assert.equal(out.sent.length, 1);
        assert.notEqual(out.sent[0].msgId, orig.msgId, 'a new msgId');
        const copies = await eventually('the copy by key', async () => {
          const r = await queryByKey(reader, { topic, key: sent[0].key });
          return r.messages.length >= 2 ? r.messages : undefined;
        }, 30_000);
        const copy = copies.find((m) => m.msgId === out.sent[0].msgId)!;
        assert.deepEqual(Buffer.from(copy.body!), Buffer.from(orig.body!));
        assert.equal(copy.tags, orig.tags);
        assert.equal(copy.keys, orig.keys);
        assert.equal(copy.properties.get('region'), 'eu');
        // binary bodies go as bytes
        const bin = (await findById(reader, sent.find((s) => s.kind === 'binary')!.r.msgId, { topic })).messages[0];
        const binOut = await executeSpec(session, resendSpec(bin).spec);
        const binCopy = await eventually('the binary copy', async () => (await findById(reader, binOut.sent[0].msgId, { topic })).messages[0], 30_000);
        assert.deepEqual(Buffer.from(binCopy.body!), Buffer.from(bin.body!));
      } finally {
        await session.dispose();
      }
    });

    test('trace: a Java producer and consumer with trace on give a timeline with publish, receive and consume, as Java decodes it', { timeout: 180_000 }, async () => {
      const group = `traced_${tag}`;
      const r = await java.traced(topic, group, 'traced body');
      const finder = new MessageFinder({ client: reader, wrapTopic: (t) => t });
      const view = await eventually('the trace with publish and consume', async () => {
        const v = await finder.trace(r.msgId);
        return v.steps.some((s) => s.kind === 'publish') && v.steps.some((s) => s.kind === 'consume') ? v : undefined;
      }, 60_000, 1000);
      assert.equal(view.outcome, 'found');
      const pub = view.steps.find((s) => s.kind === 'publish')!;
      assert.equal(pub.group, 'msgref_traced_producer');
      assert.equal(pub.status, 'sent');
      const recv = view.steps.find((s) => s.kind === 'receive')!;
      assert.equal(recv.group, group);
      const done = view.steps.find((s) => s.kind === 'consume')!;
      assert.equal(done.group, group, 'SubAfter joined to its SubBefore by request id');
      assert.equal(done.status, 'success');
      const javaRecords = await java.trace(r.msgId);
      const oursByType = (t: string) => view.steps.filter((s) => s.kind === t).length;
      assert.equal(oursByType('publish'), javaRecords.filter((j) => j.type === 'Pub').length);
      assert.equal(oursByType('receive'), javaRecords.filter((j) => j.type === 'SubBefore').length);
      assert.equal(oursByType('consume'), javaRecords.filter((j) => j.type === 'SubAfter').length);
      const jpub = javaRecords.find((j) => j.type === 'Pub')!;
      assert.equal(pub.costMs, jpub.costTime);
      assert.equal(pub.time, new Date(jpub.timestamp).toISOString());
      assert.ok(pub.fields.some((f) => f.name === 'offsetMsgId' && f.value === jpub.offsetMsgId));
      // a message sent without trace, after the traced consumer stopped, has none, and says why
      const fresh = await java.send(topic, { keys: `untraced-${tag}`, body: 'untraced' });
      const plain = await finder.trace(fresh.msgId);
      assert.equal(plain.outcome, 'not-found');
      assert.match(plain.details.join(' '), /off in RocketMQ clients by default/);
    });
  });
}
