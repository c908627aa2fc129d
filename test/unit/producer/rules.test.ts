import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  checkTopic, checkGroup, checkMessage, checkBatch, isSystemTopic, MQClientError, calSignature, signRequest, signatureContent,
  LatencyFaultTolerance, LATENCY_TABLE_4X, LATENCY_TABLE_5X, TopicPublishInfo, adaptDefaultRoute, splitBatch, selectByHash,
} from '../../../src/core/producer';
import { Message, MessagePropertyError } from '../../../src/core/message';
import { createRequest, parseTopicRouteData } from '../../../src/core/remoting';

const rule = (r: string) => (e: unknown) => e instanceof MQClientError && e.rule === r;

test('A7 topic validation', () => {
  assert.throws(() => checkTopic(''), (e: unknown) => rule('TOPIC_BLANK')(e) && /The specified topic is blank/.test((e as Error).message));
  assert.throws(() => checkTopic('../TopicTest'), rule('TOPIC_ILLEGAL_CHARACTERS'));
  assert.throws(() => checkTopic('1'.repeat(1280)), rule('TOPIC_TOO_LONG'));
  assert.throws(() => checkTopic('%RETRY%' + 'a'.repeat(249), { allowLongRetryDlq: true }), rule('TOPIC_TOO_LONG'));
  assert.throws(() => checkTopic('%DLQ%' + 'a'.repeat(251), { allowLongRetryDlq: true }), rule('TOPIC_TOO_LONG'));
  checkTopic('TestTopic');
  checkTopic('a'.repeat(127));
  checkTopic('%RETRY%' + 'a'.repeat(248), { allowLongRetryDlq: true });
  checkTopic('%DLQ%' + 'a'.repeat(250), { allowLongRetryDlq: true });
  assert.throws(() => checkTopic('%RETRY%' + 'a'.repeat(248)), rule('TOPIC_TOO_LONG'), 'the Java client always checks 127');
  assert.throws(() => checkTopic('a.b'), rule('TOPIC_ILLEGAL_CHARACTERS'));
});

test('A7 group validation and system topics', () => {
  checkGroup('TestGroup');
  checkGroup('a'.repeat(120));
  for (const g of ['', '../GroupTest', '1'.repeat(1200), 'a'.repeat(121)]) assert.throws(() => checkGroup(g), MQClientError);
  assert.equal(isSystemTopic('rmq_sys_xyz'), true);
  assert.equal(isSystemTopic('test_not_system_topic'), false);
  assert.equal(isSystemTopic('TBW102'), true);
});

test('message checks: forbidden topic, empty/oversize body, reserved or separator properties', () => {
  assert.throws(() => checkMessage(new Message({ topic: 'SCHEDULE_TOPIC_XXXX', body: 'x' })), rule('TOPIC_NOT_ALLOWED'));
  assert.throws(() => checkMessage(new Message({ topic: 'T', body: '' })), rule('BODY_EMPTY'));
  assert.throws(() => checkMessage(new Message({ topic: 'T', body: Buffer.alloc(4 * 1024 * 1024 + 1) })), rule('BODY_TOO_LARGE'));
  checkMessage(new Message({ topic: 'T', body: Buffer.alloc(4 * 1024 * 1024) }));
  assert.throws(() => new Message({ topic: 'T', body: 'x', userProperties: { TAGS: 'x' } }), (e: unknown) => e instanceof MessagePropertyError && e.rule === 'PROPERTY_RESERVED');
  assert.throws(() => new Message({ topic: 'T', body: 'x', userProperties: { k: ' ' } }), (e: unknown) => e instanceof MessagePropertyError && e.rule === 'PROPERTY_BLANK');
  assert.throws(() => new Message({ topic: 'T', body: 'x', userProperties: { k: 'a\u0001b' } }), (e: unknown) => e instanceof MessagePropertyError && e.rule === 'PROPERTY_SEPARATOR');
  const m = new Message({ topic: 'T', body: 'x', tags: 'a\u0002b' });
  assert.throws(() => checkMessage(m), rule('PROPERTY_SEPARATOR'));
  const big = new Message({ topic: 'T', body: 'x', userProperties: { big: 'v'.repeat(33000) } });
  assert.throws(() => checkMessage(big), rule('PROPERTIES_TOO_LARGE'));
});

test('A8 batch rules', () => {
  checkBatch([new Message({ topic: 'topic1', body: 'a' }), new Message({ topic: 'topic1', body: 'b' })]);
  assert.throws(() => checkBatch([new Message({ topic: 'topic1', body: 'a' }), new Message({ topic: 'topic2', body: 'b' })]), rule('BATCH_DIFFERENT_TOPIC'));
  assert.throws(() => checkBatch([new Message({ topic: 'topic1', body: 'a' }), new Message({ topic: 'topic1', body: 'b', waitStoreMsgOK: false })]), rule('BATCH_DIFFERENT_WAIT'));
  assert.throws(() => checkBatch([new Message({ topic: 'topic1', body: 'a', delayTimeLevel: 1 })]), rule('BATCH_DELAY_LEVEL'));
  assert.throws(() => checkBatch([new Message({ topic: '%RETRY%g', body: 'a' })]), rule('BATCH_RETRY_TOPIC'));
  assert.throws(() => checkBatch([]), rule('BATCH_EMPTY'));
  const parts = splitBatch(Array.from({ length: 10 }, () => new Message({ topic: 't', body: Buffer.alloc(1000) })), 3000);
  assert.ok(parts.every((p) => p.length >= 1 && p.length <= 2));
  assert.equal(parts.flat().length, 10);
});

test('ACL golden vectors (§6): AclSignerTest and the Go client test', () => {
  assert.equal(calSignature('RocketMQ', '12345678'), 'IUc8rrO/0gDch8CjObLQsW2rsiA=');
  assert.equal(calSignature(Buffer.from('RocketMQ'), '12345678'), 'IUc8rrO/0gDch8CjObLQsW2rsiA=');
  assert.equal(calSignature('Hello RocketMQ Client ACL Feature', 'adiaushdiaushd'), 'tAb/54Rwwcq+pbH8Loi7FWX4QSQ=');
  assert.throws(() => calSignature(new Uint8Array(), ''));
});

test('ACL request signing: sorted values (uppercase first), Signature skipped, body appended', () => {
  const cmd = createRequest(11, { topic: 'topic', consumerGroup: 'group', queueId: 1 }, { body: Buffer.from('BODY') });
  signRequest(cmd, { accessKey: 'ak', secretKey: 'sk', securityToken: 'tok' });
  const ext = cmd.extFields!;
  assert.equal(ext.AccessKey, 'ak');
  assert.equal(ext.SecurityToken, 'tok');
  // AccessKey < SecurityToken < consumerGroup < queueId < topic
  assert.equal(signatureContent(ext, cmd.body).toString(), 'ak' + 'tok' + 'group' + '1' + 'topic' + 'BODY');
  assert.equal(ext.Signature, calSignature(Buffer.from('aktokgroup1topicBODY'), 'sk'));
  // re-signing replaces the signature rather than signing it
  signRequest(cmd, { accessKey: 'ak', secretKey: 'sk', securityToken: 'tok' });
  assert.equal(cmd.extFields!.Signature, calSignature(Buffer.from('aktokgroup1topicBODY'), 'sk'));
});

test('latency fault tolerance tables (§7)', () => {
  let now = 1000;
  const f5 = new LatencyFaultTolerance(LATENCY_TABLE_5X, () => now);
  assert.equal(f5.computeNotAvailableDuration(40), 0);
  assert.equal(f5.computeNotAvailableDuration(600), 2000);
  assert.equal(f5.computeNotAvailableDuration(20000), 30000);
  f5.update('broker-a', 0, true); // isolation counts as 10 000 ms → 10 s
  assert.equal(f5.isAvailable('broker-a'), false);
  now += 10000;
  assert.equal(f5.isAvailable('broker-a'), true);
  const f4 = new LatencyFaultTolerance(LATENCY_TABLE_4X, () => now);
  assert.equal(f4.computeNotAvailableDuration(1000), 60000);
  f4.update('broker-b', 0, true);
  assert.deepEqual(f4.avoided().map((a) => [a.brokerName, a.until - now]), [['broker-b', 600000]]);
});

const route = parseTopicRouteData(JSON.stringify({
  brokerDatas: [{ brokerAddrs: { 0: '127.0.0.1:1' }, brokerName: 'broker-b', cluster: 'C' }, { brokerAddrs: { 0: '127.0.0.1:2' }, brokerName: 'broker-a', cluster: 'C' }],
  filterServerTable: {},
  queueDatas: [
    { brokerName: 'broker-b', perm: 6, readQueueNums: 2, topicSysFlag: 0, writeQueueNums: 2 },
    { brokerName: 'broker-a', perm: 6, readQueueNums: 8, topicSysFlag: 0, writeQueueNums: 8 },
  ],
}));

test('queue selection: avoids the last broker on retry; fault tolerance skips an isolated broker', () => {
  const info = new TopicPublishInfo('T', route, { seed: 0 });
  assert.equal(info.queues.length, 10);
  assert.equal(info.queues[0].brokerName, 'broker-a');
  for (let i = 0; i < 20; i++) assert.equal(info.selectOneMessageQueue('broker-a').brokerName, 'broker-b');
  const f = new LatencyFaultTolerance(LATENCY_TABLE_5X);
  f.update('broker-a', 0, true);
  for (let i = 0; i < 20; i++) assert.equal(info.selectWithFaultTolerance(f).brokerName, 'broker-b');
  // TBW102 adaptation
  const adapted = new TopicPublishInfo('New', adaptDefaultRoute(route, 4));
  assert.deepEqual(adapted.queues.map((q) => `${q.brokerName}:${q.queueId}`), ['broker-a:0', 'broker-a:1', 'broker-a:2', 'broker-a:3', 'broker-b:0', 'broker-b:1']);
  // orderTopicConf takes precedence
  const ordered = new TopicPublishInfo('T', { ...route, orderTopicConf: 'broker-b:3;broker-a:1' });
  assert.equal(ordered.orderTopic, true);
  assert.deepEqual(ordered.queues.map((q) => `${q.brokerName}:${q.queueId}`), ['broker-b:0', 'broker-b:1', 'broker-b:2', 'broker-a:0']);
  // hash selector like SelectMessageQueueByHash
  const q = selectByHash(info.queues, new Message({ topic: 'T', body: 'x' }), 'order-42');
  assert.equal(q, selectByHash(info.queues, new Message({ topic: 'T', body: 'y' }), 'order-42'));
});
