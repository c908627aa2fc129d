// Diagnoses (src/app/groups/diagnoses.ts) on made-up inspections: each appears for the state that causes it,
// names the clients, topic and queues, and does not appear for a healthy group. The real-cluster proof is
// test/cluster/consumer-groups.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupInspection, OnlineClient, ClientView } from '../../../src/core/consumer/group-inspection';
import type { ConsumerRunningInfo } from '../../../src/core/remoting/bodies/consumer-running-info';
import type { SubscriptionData } from '../../../src/core/remoting/bodies/subscription-data';
import type { MessageQueueRef } from '../../../src/core/remoting/bodies/message-queue';
import { queueKey } from '../../../src/core/remoting/bodies/message-queue';
import { diagnose, GroupHistory, snapshotOf, diagnosisLogLine } from '../../../src/app/groups/diagnoses';
import { groupReport } from '../../../src/app/groups/report';

const masters = [{ brokerName: 'broker-a', addr: '10.0.0.1:10911' }, { brokerName: 'broker-b', addr: '10.0.0.2:10911' }];
const mqs = (topic: string, perBroker: number): MessageQueueRef[] =>
  masters.flatMap((m) => Array.from({ length: perBroker }, (_, queueId) => ({ topic, brokerName: m.brokerName, queueId })));
const sub = (topic: string, subString = '*'): SubscriptionData => ({ topic, subString, expressionType: 'TAG', tags: subString === '*' ? [] : subString.split('||').map((x) => x.trim()), subVersion: 1, classFilterMode: false });

interface ClientSpec { id: string; subs: SubscriptionData[]; queues: MessageQueueRef[]; orderly?: boolean }

function inspection(group: string, topicQueues: Record<string, MessageQueueRef[]>, clients: ClientSpec[], extra: Partial<GroupInspection> = {}): GroupInspection {
  const online: OnlineClient[] = clients.map((c) => ({ clientId: c.id, clientAddr: '10.0.0.9:5000', language: 'JAVA', version: 479, brokers: ['broker-a', 'broker-b'], addresses: [] }));
  const views: ClientView[] = clients.map((c) => ({
    clientId: c.id,
    runningInfo: {
      properties: { PROP_CONSUMEORDERLY: String(!!c.orderly), PROP_CONSUME_TYPE: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING' },
      subscriptions: [sub(`%RETRY%${group}`), ...c.subs],
      queues: c.queues.map((mq) => ({ mq, commitOffset: 0, cachedMsgCount: 0, locked: !!c.orderly, lastLockTimestamp: 0, tryUnlockTimes: 0, dropped: false, lastPullTimestamp: 0, lastConsumeTimestamp: 0 })),
      popQueues: [],
    } as ConsumerRunningInfo,
  }));
  const holders = new Map<string, string[]>();
  for (const c of clients) for (const q of c.queues) holders.set(queueKey(q), [...(holders.get(queueKey(q)) ?? []), c.id]);
  const allQueues = Object.values(topicQueues).flat();
  return {
    group, takenAt: 1_000_000, masters, clients: online, consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
    subscriptions: clients.length ? [{ ...(clients[clients.length - 1].subs[0] ?? sub('T')), brokers: ['broker-a', 'broker-b'] }] : [],
    queues: allQueues.map((mq) => ({ mq, brokerOffset: 10, consumerOffset: 10, lastTimestamp: 1 })),
    totalLag: 0, consumeTps: 0,
    retry: { topic: `%RETRY%${group}`, exists: false, queues: [], messages: 0 },
    dlq: { topic: `%DLQ%${group}`, exists: false, queues: [], messages: 0 },
    failures: [],
    clientViews: views,
    topics: Object.entries(topicQueues).map(([topic, queues]) => ({ topic, queues })),
    holders,
    orderly: clients.some((c) => !!c.orderly),
    ...extra,
  };
}

const T = mqs('T', 2);
const healthy = () => inspection('G', { T }, [{ id: 'c1', subs: [sub('T')], queues: T.slice(0, 2) }, { id: 'c2', subs: [sub('T')], queues: T.slice(2) }]);

test('a healthy group has no diagnosis', () => {
  assert.deepEqual(diagnose(healthy()), []);
  const orderly = inspection('G', { T }, [{ id: 'c1', subs: [sub('T')], queues: T, orderly: true }]);
  assert.deepEqual(diagnose(orderly), []);
});

test('no online client', () => {
  const s = inspection('G', { T }, [], { totalLag: 5 });
  const d = diagnose(s);
  assert.deepEqual(d.map((x) => x.kind), ['no-online-client']);
  assert.match(d[0].detail, /5 messages of lag/);
  // When every broker failed the question, "no client" is not known: no diagnosis.
  const failed = inspection('G', { T }, [], { failures: masters.map((m) => ({ what: 'GET_CONSUMER_CONNECTION_LIST G', brokerName: m.brokerName, addr: m.addr, error: new Error('x') })) });
  assert.deepEqual(diagnose(failed).map((x) => x.kind), []);
});

test('lag growing compares two refreshes, per topic', () => {
  const before = healthy();
  const history = new GroupHistory();
  history.observe(before);
  assert.equal(history.previous('G'), undefined, 'nothing before the first refresh');
  history.advance();
  const after = healthy();
  after.takenAt = before.takenAt + 30_000;
  after.queues[0] = { ...after.queues[0], brokerOffset: 17 };
  after.totalLag = 7;
  const d = diagnose(after, history.previous('G'));
  assert.deepEqual(d.map((x) => x.kind), ['lag-growing']);
  assert.equal(d[0].title, 'Lag growing: 0 → 7 since the last refresh');
  assert.match(d[0].detail, /T 0 → 7/);
  assert.match(d[0].detail, /in 30 s/);
  // Falling or equal lag is not growth.
  assert.deepEqual(diagnose(before, snapshotOf(after)), []);
});

test('clients subscribing differently: same topic with other tags, and a topic only some subscribe', () => {
  const s = inspection('G', { T }, [{ id: 'c1', subs: [sub('T', 'A')], queues: T.slice(0, 2) }, { id: 'c2', subs: [sub('T', 'B')], queues: T.slice(2) }]);
  const d = diagnose(s);
  assert.deepEqual(d.map((x) => x.kind), ['inconsistent-subscriptions']);
  assert.equal(d[0].title, "Clients subscribe differently: T 'A' (c1) vs 'B' (c2)");
  assert.deepEqual(d[0].clients, ['c1', 'c2']);
  assert.match(d[0].detail, /one subscription per topic for a group — the last heartbeat's, now 'B'/);
  assert.match(d[0].detail, /never consumed/);

  const U = mqs('U', 1);
  const partial = inspection('G', { T, U }, [
    { id: 'c1', subs: [sub('T'), sub('U')], queues: [...T.slice(0, 2), U[0]] },
    { id: 'c2', subs: [sub('T')], queues: T.slice(2) },
  ]);
  const p = diagnose(partial);
  assert.deepEqual(p.map((x) => x.kind), ['inconsistent-subscriptions', 'unheld-queues']);
  assert.match(p[0].title, /U not subscribed by c2/);
  assert.match(p[0].detail, /queues that fall to c2 are consumed by no one/);
  assert.equal(p[1].title, '1 queue of U held by no client: broker-b:0');
  assert.match(p[1].detail, /Only 1 of 2 clients subscribe to U/);

  // The same expression written differently is the same subscription.
  const same = inspection('G', { T }, [{ id: 'c1', subs: [sub('T', 'A || B')], queues: T.slice(0, 2) }, { id: 'c2', subs: [sub('T', 'B||A')], queues: T.slice(2) }]);
  assert.deepEqual(diagnose(same), []);
});

test('more clients than queues names the idle clients', () => {
  const F = mqs('F', 1);
  const s = inspection('G', { F }, [
    { id: 'c1', subs: [sub('F')], queues: [F[0]] }, { id: 'c2', subs: [sub('F')], queues: [F[1]] }, { id: 'c3', subs: [sub('F')], queues: [] },
  ]);
  const d = diagnose(s);
  assert.deepEqual(d.map((x) => x.kind), ['idle-clients']);
  assert.equal(d[0].title, '3 clients for 2 queues of F: c3 idle');
  assert.deepEqual(d[0].clients, ['c3']);
  // Broadcasting: every client has every queue, nothing is idle.
  const b = inspection('G', { F }, [{ id: 'c1', subs: [sub('F')], queues: F }, { id: 'c2', subs: [sub('F')], queues: F }, { id: 'c3', subs: [sub('F')], queues: F }], { messageModel: 'BROADCASTING' });
  assert.deepEqual(diagnose(b), []);
});

test('queues held by no client, unless a client\'s own view is missing', () => {
  const s = inspection('G', { T }, [{ id: 'c1', subs: [sub('T')], queues: T.slice(0, 3) }]);
  assert.deepEqual(diagnose(s).map((x) => [x.kind, x.queues]), [['unheld-queues', ['T@broker-b@1']]]);
  const unknown = inspection('G', { T }, [{ id: 'c1', subs: [sub('T')], queues: T.slice(0, 3) }]);
  unknown.clientViews.push({ clientId: 'c2', error: new Error('timeout') });
  assert.deepEqual(diagnose(unknown), [], 'not claimed while a client could not be asked');
});

test('orderly locks held by a gone client: named from the previous refresh, not reported as unheld', () => {
  const before = inspection('G', { T }, [{ id: 'old', subs: [sub('T')], queues: T, orderly: true }]);
  const s = inspection('G', { T }, [{ id: 'new', subs: [sub('T')], queues: [], orderly: true }], {
    lockProbe: { probeClientId: 'rocketmq-debugger-lock-probe@1', lockedByOther: T, free: [], failures: [], unlockFailures: [] },
  });
  const d = diagnose(s, snapshotOf(before));
  assert.deepEqual(d.map((x) => x.kind), ['locks-held-by-gone-client']);
  assert.equal(d[0].title, '4 queues of T locked by a client that is gone: broker-a:0, broker-a:1, broker-b:0, broker-b:1');
  assert.deepEqual(d[0].clients, ['old']);
  assert.match(d[0].detail, /gone since the last refresh: old/);
  assert.match(d[0].detail, /60 s/);
  // Free queues the probe got are plain "held by no client".
  const free = inspection('G', { T }, [{ id: 'new', subs: [sub('T')], queues: T.slice(0, 2), orderly: true }], {
    lockProbe: { probeClientId: 'p', lockedByOther: [], free: T.slice(2), failures: [], unlockFailures: [] },
  });
  assert.deepEqual(diagnose(free).map((x) => x.kind), ['unheld-queues']);
});

test('retry and dead-letter messages', () => {
  const s = healthy();
  s.retry = { topic: '%RETRY%G', exists: true, queues: [], messages: 6 };
  s.queues.push({ mq: { topic: '%RETRY%G', brokerName: 'broker-a', queueId: 0 }, brokerOffset: 6, consumerOffset: 4, lastTimestamp: 1 });
  s.dlq = { topic: '%DLQ%G', exists: true, queues: [], messages: 3 };
  const d = diagnose(s);
  assert.deepEqual(d.map((x) => [x.kind, x.severity, x.title]), [
    ['retry-messages', 'warning', '6 messages in the retry topic (2 waiting)'],
    ['dead-letters', 'warning', '3 messages in the dead-letter topic'],
  ]);
  assert.match(d[1].detail, /Resend to Original Topic/);
  assert.match(diagnosisLogLine('local', 'G', d[1]), /^\[local\] group G: 3 messages in the dead-letter topic — /);
});

test('the JSON report carries totalLag, per-queue holders and the diagnoses', () => {
  const s = healthy();
  const r = groupReport(s, diagnose(s));
  assert.equal(r.totalLag, 0);
  assert.deepEqual(r.topics.map((t) => [t.topic, t.queues.map((q) => `${q.brokerName}:${q.queueId}=${q.clients?.join('+')}`)]), [['T', ['broker-a:0=c1', 'broker-a:1=c1', 'broker-b:0=c2', 'broker-b:1=c2']]]);
  assert.deepEqual(Object.keys(r.clientSubscriptions!), ['c1', 'c2']);
  assert.deepEqual(r.diagnoses, []);
});
