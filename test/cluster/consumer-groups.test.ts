// Consumer groups against real RocketMQ 4.9.7 and 5.3.3 with real Java push consumers (test/support/groups/
// scenario.ts): our offsets, lag, clients, subscriptions and queue holders equal what rocketmq-tools returns
// (examineConsumeStats, examineConsumerConnectionInfo, getConsumerRunningInfo, consumerProgress's allocation,
// queryTopicConsumeByWho, getAllSubscriptionGroup) in the same run; every diagnosis appears for the group that
// causes it and for no other; an offset reset moves the offsets where the preview said (checked with Java's
// admin) and the consumer then receives from there; dead letters are read and resent to their topic; the CLI.
import { describe, before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { useCluster } from '../support/cluster';
import type { AdminJvm } from '../support/cluster';
import { startGroupScenario, GroupScenario, ScenarioGroup } from '../support/groups/scenario';
import { ConsumerHost } from '../support/cluster/consumers';
import { eventually, pollUntil } from '../support/poll';
import { MQClient, MQBrokerError } from '../../src/core/producer';
import { browseTopic } from '../../src/core/consumer';
import { getConsumerConnection, getConsumerRunningInfo, queryConsumerOffset } from '../../src/core/consumer/group-admin';
import type { BrokerTarget } from '../../src/core/consumer/group-admin';
import { groupsOfTopic, inspectGroup, listGroups, mastersOf, summarizeGroup, GroupInspection } from '../../src/core/consumer/group-inspection';
import { applyOffsetReset, planOffsetReset } from '../../src/core/consumer/offset-reset';
import { queueKey } from '../../src/core/remoting/bodies/message-queue';
import { diagnose, snapshotOf, PreviousSnapshot, DiagnosisKind } from '../../src/app/groups/diagnoses';
import { browseGroupMessages, planResend, originalTopicOf } from '../../src/app/groups/dead-letters';
import { main } from '../../src/cli/main';
import { buildMessages } from '../../src/core/requestfile';

const mqKey = (m: { topic: string; brokerName: string; queueId: number }) => `${m.topic}@${m.brokerName}@${m.queueId}`;

/** Our queues of a group vs Java's examineConsumeStats, as comparable sorted rows. */
function oursRows(s: { queues: { mq: { topic: string; brokerName: string; queueId: number }; brokerOffset: number; consumerOffset: number; lastTimestamp: number }[] }) {
  return s.queues.map((q) => `${mqKey(q.mq)} ${q.brokerOffset} ${q.consumerOffset} ${q.lastTimestamp}`).sort();
}

async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (l) => { out += `${l}\n`; }, err: (l) => { err += `${l}\n`; }, stdin: async () => '' });
  return { code, out, err };
}

for (const version of ['4.9', '5.3'] as const) {
  describe(`consumer groups against RocketMQ ${version}`, { timeout: 600_000 }, () => {
    const cluster = useCluster(version);
    let s: GroupScenario;
    let client: MQClient;
    let masters: BrokerTarget[];
    let admin: AdminJvm;
    const route = (t: string) => client.getTopicRoute(t);
    const inspect = (g: string): Promise<GroupInspection> => inspectGroup(client, g, masters, { route });

    before(async () => {
      s = await startGroupScenario(cluster(), { log: (l) => console.log(`[${version}] ${l}`) });
      client = new MQClient({ namesrvAddr: cluster().namesrv, clientVersion: cluster().versionOrdinal });
      masters = mastersOf(await client.getClusterInfo()).masters;
      admin = cluster().javaAdmin();
    });
    after(async () => {
      await s?.close();
      await client?.close();
    });

    test('the group list equals the brokers\' subscription group configs as Java reads them', async () => {
      const ours = await listGroups(client, masters);
      assert.deepEqual(ours.failures, []);
      const java = new Set<string>();
      for (const b of masters) for (const g of await admin.subscriptionGroups(b.addr)) java.add(g);
      assert.deepEqual([...ours.groups.keys()].sort(), [...java].sort());
      for (const g of Object.values(s.groups).filter((x) => x !== s.groups.lock)) assert.ok(ours.groups.has(g), `${g} listed`);
    });

    test('per-queue broker offset, consumer offset, last time and the total lag equal examineConsumeStats', async () => {
      const topicOf: Record<string, [string, number]> = {
        incons: [s.topics.main, 4], ok: [s.topics.main, 4], none: [s.topics.main, 4], idle: [s.topics.few, 2], fail: [s.topics.fail, 2], order: [s.topics.order, 4],
      };
      for (const key of ['incons', 'ok', 'idle', 'fail', 'order', 'none'] as ScenarioGroup[]) {
        const g = s.groups[key];
        const [topic, n] = topicOf[key];
        // Both read the brokers' live offsets: poll until one moment where they agree (clients commit every second),
        // once the group has committed offsets on every queue of its topic.
        const { ours, java } = await eventually(`${g}: our consume stats = Java's`, async () => {
          const [o, j] = await Promise.all([summarizeGroup(client, g, masters, { route }), admin.consumeStats(g)]);
          if (o.queues.filter((q) => q.mq.topic === topic).length !== n) return undefined;
          const jr = j.queues.map((q) => `${mqKey(q.mq)} ${q.brokerOffset} ${q.consumerOffset} ${q.lastTimestamp}`).sort();
          return JSON.stringify(oursRows(o)) === JSON.stringify(jr) && o.totalLag === j.totalDiff ? { ours: o, java: j } : undefined;
        }, 60_000, 500);
        assert.equal(ours.totalLag, java.totalDiff, `${g} totalLag`);
        assert.deepEqual(ours.failures, [], `${g} failures`);
      }
    });

    test('online clients, types and the brokers\' subscriptions equal examineConsumerConnectionInfo', async () => {
      for (const key of ['incons', 'ok', 'idle', 'fail', 'order'] as ScenarioGroup[]) {
        const g = s.groups[key];
        const [ours, java] = await Promise.all([summarizeGroup(client, g, masters, { route }), admin.consumerConnection(g)]);
        assert.deepEqual(ours.clients.map((c) => [c.clientId, c.language, c.version]).sort(),
          java.connections.map((c) => [c.clientId, c.language, c.version]).sort(), `${g} clients`);
        // Java asks one broker; each broker sees the client's own connection to it (another port).
        for (const jc of java.connections) {
          const oc = ours.clients.find((c) => c.clientId === jc.clientId)!;
          assert.ok(oc.addresses.some((a) => a.clientAddr === jc.clientAddr), `${g} ${jc.clientId}: ${jc.clientAddr} in ${JSON.stringify(oc.addresses)}`);
          assert.deepEqual(oc.brokers.sort(), masters.map((m) => m.brokerName).sort(), 'connected to both brokers');
        }
        assert.equal(ours.consumeType, java.consumeType);
        assert.equal(ours.messageModel, java.messageModel);
        assert.equal(ours.consumeFromWhere, java.consumeFromWhere);
        // The broker that Java asked (any one) keeps one subscription per topic; ours lists each broker's.
        for (const js of java.subscriptions) {
          assert.ok(ours.subscriptions.some((o) => o.topic === js.topic && o.subString === js.subString && o.expressionType === js.expressionType && JSON.stringify(o.tags) === JSON.stringify(js.tags)),
            `${g}: broker subscription ${js.topic} ${js.subString} in ${JSON.stringify(ours.subscriptions)}`);
        }
        const expected = key === 'incons' ? ['c1', 'c2'] : key === 'ok' ? ['c3', 'c4'] : key === 'idle' ? ['c5', 'c6', 'c7'] : key === 'fail' ? ['c8'] : ['c9'];
        assert.deepEqual(ours.clients.map((c) => c.clientId).sort(), expected.map((id) => s.clientIds.get(id)!).sort());
      }
      const none = await summarizeGroup(client, s.groups.none, masters, { route });
      assert.deepEqual(none.clients, []);
      await assert.rejects(admin.consumerConnection(s.groups.none), /not online|CONSUMER_NOT_ONLINE|206/i);
    });

    test('each client\'s subscriptions and queues equal getConsumerRunningInfo, and the queue holders equal consumerProgress\'s', async () => {
      for (const key of ['incons', 'ok', 'idle', 'fail', 'order'] as ScenarioGroup[]) {
        const g = s.groups[key];
        await eventually(`${g}: our holders = Java's allocation`, async () => {
          const [insp, alloc] = await Promise.all([inspect(g), admin.allocation(g)]);
          const ours = [...insp.holders].map(([k, ids]) => `${k}=${ids.join('+')}`).sort();
          const java = Object.entries(alloc).map(([k, id]) => `${k}=${id}`).sort();
          return JSON.stringify(ours) === JSON.stringify(java) ? true : undefined;
        }, 60_000, 500);
        const insp = await inspect(g);
        for (const v of insp.clientViews) {
          assert.ok(v.runningInfo, `${g} ${v.clientId}: ${String(v.error)}`);
          const java = await admin.runningInfo(g, v.clientId);
          assert.deepEqual(v.runningInfo.subscriptions.map((x) => [x.topic, x.subString, x.expressionType, x.tags.join(',')]).sort(),
            java.subscriptions.map((x) => [x.topic, x.subString, x.expressionType, x.tags.join(',')]).sort(), `${g} ${v.clientId} subscriptions`);
          assert.equal(String(v.runningInfo.properties.PROP_CONSUMEORDERLY), java.consumeOrderly);
        }
      }
    });

    test('every diagnosis appears for the group that causes it and for no other', async () => {
      // "Lag growing" compares two refreshes: the previous one is taken now, then main gets 6 more messages
      // (the online groups consume them, G_none cannot).
      const previous = new Map<string, PreviousSnapshot>();
      for (const g of Object.values(s.groups)) previous.set(g, snapshotOf(await summarizeGroup(client, g, masters, { route })));
      await pollUntil('the clock to move on', 5_000, () => (Date.now() > Math.max(...[...previous.values()].map((p) => p.takenAt)) ? true : undefined));
      await s.send('main', 6, 'grow');
      const expected: Record<string, DiagnosisKind[]> = {
        [s.groups.incons]: ['inconsistent-subscriptions'],
        [s.groups.ok]: [],
        [s.groups.idle]: ['idle-clients'],
        [s.groups.fail]: ['dead-letters', 'retry-messages'],
        [s.groups.order]: [],
        [s.groups.none]: ['lag-growing', 'no-online-client'],
      };
      for (const [g, kinds] of Object.entries(expected)) {
        let last: string[] = [];
        const found = await pollUntil(`${g}: diagnoses ${kinds.join(', ') || 'none'}`, 90_000, async () => {
          const insp = await inspect(g);
          const d = diagnose(insp, previous.get(g));
          last = d.map((x) => x.kind).sort();
          // The failing group settles once all 3 messages have been retried and dead-lettered.
          if (g === s.groups.fail && insp.dlq.messages < 3) return undefined;
          return JSON.stringify(last) === JSON.stringify(kinds) ? d : undefined;
        }, 1000).catch((e) => { throw new Error(`${(e as Error).message}; last seen: ${last.join(', ') || 'none'}`); });
        for (const d of found) {
          assert.ok(d.title && d.detail.length > 40, `${g} ${d.kind} has words`);
          if (d.kind === 'inconsistent-subscriptions') {
            assert.deepEqual(d.clients, [s.clientIds.get('c1'), s.clientIds.get('c2')].sort());
            assert.match(d.title, /'A'/);
            assert.match(d.title, /'B'/);
            assert.match(d.detail, /never consumed/);
          }
          if (d.kind === 'idle-clients') {
            assert.match(d.title, /3 clients for 2 queues/);
            assert.equal(d.clients!.length, 1, 'one idle client');
          }
          if (d.kind === 'dead-letters') assert.match(d.title, /^3 messages in the dead-letter topic/);
          if (d.kind === 'lag-growing') assert.match(d.title, /0 → 6/);
        }
      }
      // The inconsistent group shows the harm: of 26 messages on main, its two clients together got fewer.
      const got = (await s.host.received('c1')).count + (await s.host.received('c2')).count;
      assert.ok(got < s.sent.main, `c1 + c2 received ${got} of ${s.sent.main}`);
    });

    test('an orderly consumer killed without unlocking: its queues are flagged as locked by a client that is gone', async () => {
      const g = s.groups.lock;
      await s.send('lock', 8);
      const victim = await ConsumerHost.start(version, cluster().namesrv, join(tmpdir(), `rmq-victim-${s.tag}.log`));
      const goneId = await victim.startConsumer({ id: 'v1', group: g, topic: s.topics.lock, mode: 'orderly' });
      await pollUntil('v1 consumed the lock topic', 60_000, async () => ((await victim.received('v1')).count >= s.sent.lock ? true : undefined), 250);
      const before = await inspect(g);
      assert.deepEqual(diagnose(before).map((d) => d.kind), [], 'healthy while v1 holds the locks');
      assert.ok(before.clientViews[0].runningInfo!.queues.every((q) => q.locked), 'v1 reports its queues locked');
      const previous = snapshotOf(before);
      await victim.kill();
      const killedAt = Date.now();
      const c11 = await s.host.startConsumer({ id: 'c11', group: g, topic: s.topics.lock, mode: 'orderly' });
      const found = await pollUntil('the lock diagnosis', 30_000, async () => {
        const insp = await inspect(g);
        if (insp.clients.length !== 1 || insp.clients[0].clientId !== c11) return undefined;
        const d = diagnose(insp, previous);
        return d.length === 1 && d[0].kind === 'locks-held-by-gone-client' && insp.lockProbe?.lockedByOther.length === 4 ? { insp, d: d[0] } : undefined;
      }, 500);
      assert.ok(Date.now() - killedAt < 60_000, 'seen before the broker let the locks expire');
      assert.deepEqual(found.d.clients, [goneId]);
      assert.match(found.d.detail, new RegExp(`gone since the last refresh: ${goneId.replace(/[.]/g, '\\.')}`));
      assert.deepEqual(found.insp.lockProbe!.free, []);
      // Java agrees that the live client holds none of these queues.
      const java = await admin.runningInfo(g, c11);
      assert.deepEqual(java.queues.filter((q) => q.mq.topic === s.topics.lock), []);
    });

    test('reset to a time with no client online: the preview is what the brokers set, Java sees it, and a consumer then receives from there', async () => {
      const g = s.groups.none;
      const lastBefore = Date.now();
      await pollUntil('1.5 s after the last message of the first batch', 5_000, () => (Date.now() > lastBefore + 1500 ? true : undefined), 50);
      const at = Date.now();
      const batch2 = await s.send('main', 8, 'after');
      const plan = await planOffsetReset(client, g, s.topics.main, { kind: 'timestamp', timestamp: at }, await route(s.topics.main));
      assert.equal(plan.queues.length, 4);
      const javaBefore = await admin.consumeStats(g);
      for (const q of plan.queues) {
        const j = javaBefore.queues.find((x) => mqKey(x.mq) === queueKey(q.mq))!;
        assert.equal(q.current, j.consumerOffset, `${queueKey(q.mq)} current offset as Java sees it`);
        assert.equal(q.target, q.max - 2, `${queueKey(q.mq)}: the first of the 2 messages sent after the time`);
      }
      const outcome = await applyOffsetReset(client, plan);
      assert.deepEqual(outcome.queues.map((q) => q.how), plan.queues.map(() => (version === '4.9' ? 'update-offset' : 'broker-reset')));
      assert.deepEqual(outcome.queues.map((q) => q.offset), plan.queues.map((q) => q.target));
      const javaAfter = await eventually('Java sees the reset offsets', async () => {
        const j = await admin.consumeStats(g);
        return plan.queues.every((q) => j.queues.find((x) => mqKey(x.mq) === queueKey(q.mq))?.consumerOffset === q.target) ? j : undefined;
      });
      assert.equal(javaAfter.totalDiff, 8);
      await s.host.startConsumer({ id: 'c12', group: g, topic: s.topics.main });
      const rec = await pollUntil('c12 received the 8 messages after the time', 60_000, async () => {
        const r = await s.host.received('c12');
        return r.count >= 8 ? r : undefined;
      }, 250);
      await eventually('G_none lag 0', async () => ((await summarizeGroup(client, g, masters, { route })).totalLag === 0 ? true : undefined), 30_000);
      const final = await s.host.received('c12');
      assert.deepEqual(final.messages.map((m) => m.keys).sort(), [...batch2].sort(), `received exactly the batch sent after the time (${rec.count})`);
      await s.host.stopConsumer('c12');
    });

    test('reset to the earliest with clients online: the clients receive every message again', async () => {
      const g = s.groups.ok;
      await eventually('G_ok consumed everything', async () => ((await summarizeGroup(client, g, masters, { route })).totalLag === 0 ? true : undefined), 60_000);
      await s.host.clear('c3');
      await s.host.clear('c4');
      const plan = await planOffsetReset(client, g, s.topics.main, { kind: 'earliest' }, await route(s.topics.main));
      for (const q of plan.queues) {
        assert.equal(q.target, q.min, `${queueKey(q.mq)}: earliest = the min offset`);
        assert.equal(q.current, q.max, `${queueKey(q.mq)}: everything consumed before`);
      }
      const outcome = await applyOffsetReset(client, plan);
      assert.ok(outcome.queues.every((q) => q.how === 'broker-reset'), JSON.stringify(outcome.steps));
      const total = s.sent.main;
      let seen = '';
      const keys = await pollUntil(`c3 + c4 received all ${total} messages again`, 90_000, async () => {
        const [r3, r4] = [await s.host.received('c3'), await s.host.received('c4')];
        const all = [...r3.messages, ...r4.messages].map((m) => m.keys!);
        const st = await summarizeGroup(client, g, masters, { route });
        seen = `c3 ${r3.count}, c4 ${r4.count}; consumer offsets ${st.queues.filter((x) => x.mq.topic === s.topics.main).map((x) => `${x.mq.brokerName}:${x.mq.queueId}=${x.consumerOffset}`).join(' ')}`;
        return new Set(all).size >= total ? new Set(all) : undefined;
      }, 500).catch((e) => { throw new Error(`${(e as Error).message}; last seen: ${seen}; reset steps ${outcome.steps.join('; ')}`); });
      assert.equal(keys.size, total);
    });

    test('dead letters are read with their original topic and one is resent there', async () => {
      const dlq = await eventually('3 dead letters', async () => {
        const m = await browseGroupMessages(client, s.groups.fail, 'dlq');
        return m.length === 3 ? m : undefined;
      }, 60_000);
      assert.deepEqual(dlq.map((m) => m.keys).sort(), ['fail-0', 'fail-1', 'fail-2']);
      for (const m of dlq) assert.equal(originalTopicOf(m), s.topics.fail);
      const retries = await browseGroupMessages(client, s.groups.fail, 'retry');
      assert.ok(retries.length >= 3, `${retries.length} retried deliveries`);
      assert.ok(retries.every((m) => originalTopicOf(m) === s.topics.fail));
      const plan = planResend(dlq[0]);
      assert.equal(plan.originalTopic, s.topics.fail);
      const sent = await s.producer.send(buildMessages(plan.spec)[0]);
      const back = await eventually('the resent message in the original topic', async () => {
        const all = await browseTopic(client, s.topics.fail);
        return all.find((m) => m.msgId === sent.msgId);
      });
      assert.equal(back.keys, dlq[0].keys);
      assert.equal(back.tags, dlq[0].tags);
      assert.equal(Buffer.from(back.body!).toString(), Buffer.from(dlq[0].body!).toString());
      assert.equal(back.properties.get('RESENT_FROM_MSG_ID'), plan.originalMsgId);
      assert.ok(!back.properties.has('RETRY_TOPIC'), 'no retry routing property carried over');
    });

    test('a client the broker does not know, and a group without offsets, answer as documented', async () => {
      const b = masters[0];
      await assert.rejects(getConsumerRunningInfo(client, b, s.groups.ok, '10.0.0.1@nobody'),
        (e: unknown) => e instanceof MQBrokerError && e.code === 1 && /The Consumer <.*> <10\.0\.0\.1@nobody> not online/.test(e.remark ?? ''));
      assert.equal(await queryConsumerOffset(client, b, `NoSuchGroup_${s.tag}`, { topic: s.topics.order, brokerName: b.brokerName, queueId: 0 }), 0);
      assert.equal(await getConsumerConnection(client, b, `NoSuchGroup_${s.tag}`), undefined, 'CONSUMER_NOT_ONLINE is "no client", not an error');
    });

    test('topic → consumer groups equals queryTopicConsumeByWho', async () => {
      const ours = await groupsOfTopic(client, s.topics.main, await route(s.topics.main));
      console.log(`[${version}] groups of ${s.topics.main}: ${ours.groups.join(', ')}`);
      assert.deepEqual(ours.failures, []);
      assert.deepEqual(ours.groups, [...await admin.topicConsumers(s.topics.main)].sort());
      for (const g of [s.groups.incons, s.groups.ok, s.groups.none]) assert.ok(ours.groups.includes(g), `${g} consumes main`);
      assert.ok(!ours.groups.includes(s.groups.idle));
    });

    test('CLI: groups and group --json carry the lag Java reports', async () => {
      const list = await runCli(['groups', '--namesrv', cluster().namesrv, '--json', '--filter', s.tag]);
      assert.equal(list.code, 0, list.err);
      const rows = JSON.parse(list.out) as { group: string; totalLag: number; clients: number; dlq: number; diagnoses: { kind: string }[] }[];
      assert.deepEqual(rows.map((r) => r.group).sort(), Object.values(s.groups).sort());
      const failRow = rows.find((r) => r.group === s.groups.fail)!;
      assert.equal(failRow.dlq, 3);
      assert.equal(failRow.clients, 1);
      const one = await eventually('group --json totalLag = Java totalDiff', async () => {
        const r = await runCli(['group', s.groups.idle, '--namesrv', cluster().namesrv, '--json']);
        assert.equal(r.code, 0, r.err);
        const report = JSON.parse(r.out) as { totalLag: number; diagnoses: { kind: string }[]; topics: { topic: string; queues: { clients: string[] }[] }[] };
        const java = await admin.consumeStats(s.groups.idle);
        return report.totalLag === java.totalDiff ? report : undefined;
      });
      assert.deepEqual(one.diagnoses.map((d) => d.kind), ['idle-clients']);
      assert.equal(one.topics[0].queues.length, 2);
      const text = await runCli(['group', s.groups.incons, '--namesrv', cluster().namesrv]);
      assert.equal(text.code, 0, text.err);
      assert.match(text.out, /Clients subscribe differently/);
      const missing = await runCli(['group', `NoSuchGroup_${s.tag}`, '--namesrv', cluster().namesrv]);
      assert.equal(missing.code, 1);
      assert.match(missing.err, /not found/);
      const bad = await runCli(['group', '--namesrv', cluster().namesrv, 'x', '--topic', 'y']);
      assert.equal(bad.code, 2);
    });
  });
}
