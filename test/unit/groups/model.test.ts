// Consumer-group rows and words (src/app/groups/model.ts, reset.ts, dead-letters.ts) and the CLI's option rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGroupList, isSystemGroup, versionName, queueRows, describeGroupSummary, clientRow } from '../../../src/app/groups/model';
import { parseResetTarget, previewLines, previewHeadline, outcomeText } from '../../../src/app/groups/reset';
import { planResend, originalTopicOf, bodyPreview } from '../../../src/app/groups/dead-letters';
import type { ResetPlan } from '../../../src/core/consumer/offset-reset';
import type { GroupSummary } from '../../../src/core/consumer/group-inspection';
import type { MessageExt } from '../../../src/core/message';
import { main } from '../../../src/cli/main';

test('system groups are hidden like system topics; the filter is a case-insensitive substring', () => {
  for (const g of ['TOOLS_CONSUMER', 'CID_RMQ_SYS_TRANS', 'SELF_TEST_C_GROUP', 'CID_ONSAPI_OWNER', 'rocketmq_debugger_browse', 'CID_RMQ_SYS_X']) assert.ok(isSystemGroup(g), g);
  for (const g of ['orders', 'CID_orders', 'TOOLS']) assert.ok(!isSystemGroup(g), g);
  const all = ['b', 'TOOLS_CONSUMER', 'a', 'Orders', 'a'];
  assert.deepEqual(buildGroupList(all, { showSystem: false }), { visible: ['Orders', 'a', 'b'], hiddenSystem: 1, hiddenByFilter: 0, total: 4 });
  assert.deepEqual(buildGroupList(all, { showSystem: true, filter: ' ORD ' }).visible, ['Orders']);
  assert.equal(buildGroupList(all, { showSystem: true, filter: 'ord' }).hiddenByFilter, 3);
});

test('version ordinals read as release names', () => {
  assert.equal(versionName(479), 'V5_3_3');
  assert.equal(versionName(407), 'V4_9_7');
  assert.equal(versionName(413), 'V5_0_0');
  assert.equal(versionName(7), 'version 7');
});

const summary = (): GroupSummary => ({
  group: 'G', takenAt: 0, masters: [], consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
  clients: [{ clientId: '10.0.0.9@a', clientAddr: '10.0.0.9:5000', language: 'JAVA', version: 407, brokers: ['broker-a'], addresses: [{ brokerName: 'broker-a', clientAddr: '10.0.0.9:5000' }] }],
  subscriptions: [], queues: [
    { mq: { topic: 'T', brokerName: 'broker-b', queueId: 0 }, brokerOffset: 9, consumerOffset: 4, lastTimestamp: Date.UTC(2026, 11, 4, 10, 0, 0) },
    { mq: { topic: 'T', brokerName: 'broker-a', queueId: 1 }, brokerOffset: 3, consumerOffset: 3, lastTimestamp: 0 },
  ], totalLag: 5, consumeTps: 0,
  retry: { topic: '%RETRY%G', exists: false, queues: [], messages: 0 }, dlq: { topic: '%DLQ%G', exists: false, queues: [], messages: 0 }, failures: [],
});

test('group, client and queue rows', () => {
  const s = summary();
  assert.equal(describeGroupSummary(s), 'lag 5 · 1 client');
  const c = clientRow(s.clients[0], s);
  assert.equal(c.description, '10.0.0.9:5000 · JAVA V4_9_7 · push · clustering · CONSUME_FROM_FIRST_OFFSET');
  const rows = queueRows('T', s);
  assert.deepEqual(rows.map((r) => [r.label, r.description]), [
    ['broker-a:1', 'broker 3 · consumer 3 · lag 0 · last never'],
    ['broker-b:0', 'broker 9 · consumer 4 · lag 5 · last 2026-12-04 10:00:00Z'],
  ]);
  // With the holders known (full inspection), each row names its client, or says none holds it.
  const withHolders = queueRows('T', { ...s, holders: new Map([['T@broker-b@0', ['10.0.0.9@a']]]), topics: [{ topic: 'T', queues: [{ topic: 'T', brokerName: 'broker-a', queueId: 0 }] }] });
  assert.deepEqual(withHolders.map((r) => r.description.split(' · ').pop()), ['no client', 'no client', '10.0.0.9@a']);
  assert.equal(withHolders[0].description, 'no progress yet · no client');
});

test('reset targets as typed', () => {
  assert.deepEqual(parseResetTarget('earliest').target, { kind: 'earliest' });
  assert.deepEqual(parseResetTarget(' Latest ').target, { kind: 'latest' });
  assert.deepEqual(parseResetTarget('2026-12-04T10:00:00Z').target, { kind: 'timestamp', timestamp: Date.UTC(2026, 11, 4, 10) });
  assert.deepEqual(parseResetTarget('1796392504836').target, { kind: 'timestamp', timestamp: 1796392504836 });
  assert.equal(parseResetTarget('2026-12-04 10:00').target?.kind, 'timestamp');
  assert.match(parseResetTarget('yesterday').problem!, /earliest, latest/);
  assert.match(parseResetTarget('2026-13-40T99:00:00Z').problem!, /not a valid time/);
  assert.match(parseResetTarget('2999-01-01T00:00:00Z', Date.UTC(2026, 0, 1)).problem!, /more than a year ahead/);
});

test('the reset preview says per queue what moves and how many messages are consumed again or skipped', () => {
  const b = { brokerName: 'broker-a', addr: 'x:1' };
  const plan: ResetPlan = {
    group: 'G', topic: 'T', target: { kind: 'earliest' }, takenAt: 0, queues: [
      { mq: { topic: 'T', brokerName: 'broker-a', queueId: 0 }, broker: b, current: 8, target: 0, min: 0, max: 8 },
      { mq: { topic: 'T', brokerName: 'broker-a', queueId: 1 }, broker: b, current: undefined, target: 2, min: 2, max: 5 },
      { mq: { topic: 'T', brokerName: 'broker-a', queueId: 2 }, broker: b, current: 3, target: 3, min: 0, max: 3 },
    ],
  };
  assert.deepEqual(previewLines(plan).map((l) => l.text), [
    'broker-a:0  8 → 0  (8 messages consumed again; queue holds 0…8)',
    'broker-a:1  none → 2  (2 messages skipped; queue holds 2…5)',
    'broker-a:2  3 → 3  (unchanged; queue holds 0…3)',
  ]);
  assert.equal(previewHeadline(plan), 'Reset G on T to the earliest retained message: 3 queues, 8 messages consumed again, 2 skipped');
  assert.equal(outcomeText({ plan, steps: [], queues: [
    { mq: plan.queues[0].mq, offset: 0, planned: 0, how: 'broker-reset' }, { mq: plan.queues[1].mq, offset: 3, planned: 2, how: 'broker-reset' },
  ] }), 'Reset G on T: 2 queues set by the brokers (online clients follow); 1 differ from the preview (broker-a:1 2 → 3: messages arrived or expired in between)');
});

const dead = (props: Record<string, string>, topic = '%DLQ%G'): MessageExt => ({
  topic, properties: new Map(Object.entries(props)), body: Buffer.from('{"id":1}'), rawBody: Buffer.from('{"id":1}'), tags: 'TagA', keys: 'k1 k2', flag: 3, msgId: 'DLQMSGID', offsetMsgId: 'OFF',
} as unknown as MessageExt);

test('resend: the original topic, body, tags, keys and user properties, none of RocketMQ\'s own, no delay', () => {
  const m = dead({ RETRY_TOPIC: 'Orders', ORIGIN_MESSAGE_ID: 'ORIG', UNIQ_KEY: 'DLQMSGID', REAL_TOPIC: '%RETRY%G', DELAY: '3', TAGS: 'TagA', KEYS: 'k1 k2', region: 'eu', MAX_OFFSET: '9' });
  assert.equal(originalTopicOf(m), 'Orders');
  const p = planResend(m);
  assert.equal(p.originalTopic, 'Orders');
  assert.equal(p.originalMsgId, 'ORIG');
  assert.equal(p.spec.topic, 'Orders');
  assert.deepEqual(p.spec.bodies, ['{"id":1}']);
  assert.equal(p.spec.tags, 'TagA');
  assert.deepEqual(p.spec.keys, ['k1', 'k2']);
  assert.equal(p.spec.delayLevel, undefined, "the retry's DELAY is not carried over");
  assert.deepEqual(p.spec.properties, { region: 'eu', RESENT_FROM_MSG_ID: 'ORIG' });
  assert.throws(() => planResend(dead({})), /no RETRY_TOPIC property/);
  assert.equal(originalTopicOf(dead({}, 'Plain')), 'Plain');
  assert.equal(bodyPreview({ body: Buffer.from([0, 1, 2, 255]) }), '(4 bytes, binary)');
});

test('CLI: groups and group refuse unknown options and missing arguments (exit 2, nothing sent)', async () => {
  const run = async (args: string[]) => { let err = ''; const code = await main(args, { out: () => undefined, err: (l) => { err += l; }, stdin: async () => '' }); return { code, err }; };
  assert.deepEqual((await run(['groups', '--namesrv', '127.0.0.1:1', '--topic', 'x'])).code, 2);
  assert.match((await run(['group', '--namesrv', '127.0.0.1:1'])).err, /give --namesrv and one group/);
  assert.equal((await run(['group', 'G'])).code, 2);
});
