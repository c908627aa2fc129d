// The consumer-group bodies and headers (src/core/remoting/bodies, headers/consumer-*.ts) on the bodies real
// 4.9.7 and 5.3.3 brokers sent (test/fixtures/bodies/consumer/), and on malformed ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodecError } from '../../../src/core/remoting';
import { parseConsumeStats } from '../../../src/core/remoting/bodies/consume-stats';
import { parseConsumerConnection } from '../../../src/core/remoting/bodies/consumer-connection';
import { isOrderly, parseConsumerRunningInfo } from '../../../src/core/remoting/bodies/consumer-running-info';
import { parseSubscriptionGroupWrapper } from '../../../src/core/remoting/bodies/subscription-group';
import { parseConsumerIdList, parseGroupList } from '../../../src/core/remoting/bodies/group-list';
import { parseResetOffsetBody } from '../../../src/core/remoting/bodies/reset-offset';
import { encodeLockBatchBody, parseLockBatchResponse } from '../../../src/core/remoting/bodies/queue-lock';
import { normalizedExpression, sameSubscription, parseSubscriptionData } from '../../../src/core/remoting/bodies/subscription-data';
import { parseMessageQueueKey, queueKey } from '../../../src/core/remoting/bodies/message-queue';
import { encodeResetOffsetHeader } from '../../../src/core/remoting/headers/reset-offset';
import { encodeConsumeStatsHeader, encodeConsumerRunningInfoHeader } from '../../../src/core/remoting/headers/consumer-group';

const dir = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'bodies', 'consumer');
const fixture = (name: string, v: string) => readFileSync(join(dir, `${name}.${v}.json`));

for (const v of ['4.9.7', '5.3.3']) {
  test(`${v}: ConsumeStats with fastjson MessageQueue keys`, () => {
    const s = parseConsumeStats(fixture('consume-stats', v));
    assert.deepEqual(s.queues.map((q) => [queueKey(q.mq), q.brokerOffset, q.consumerOffset]), [['GT@broker-a@0', 2, 2], ['GT@broker-a@1', 3, 3]]);
    assert.ok(s.queues.every((q) => q.lastTimestamp > 1.7e12));
    assert.ok(s.consumeTps > 0);
    // 5.x adds pullOffset; 4.9.7 has none.
    assert.equal(s.queues[0].pullOffset, v === '5.3.3' ? 2 : undefined);
  });

  test(`${v}: ConsumerConnection: clients, the broker's one subscription per topic, types`, () => {
    const c = parseConsumerConnection(fixture('consumer-connection', v));
    assert.equal(c.connections.length, 2);
    assert.ok(c.connections.every((x) => /^192\.0\.2\.2@rmqtest-c[12]-\d+$/.test(x.clientId) && x.language === 'JAVA' && /^127\.0\.0\.1:\d+$/.test(x.clientAddr)));
    assert.equal(c.connections[0].version, v === '5.3.3' ? 479 : 407);
    assert.deepEqual(c.subscriptions.map((s) => [s.topic, s.subString, s.expressionType, s.tags]), [['%RETRY%G1', '*', 'TAG', []], ['GT', 'B', 'TAG', ['B']]]);
    assert.equal(c.consumeType, 'CONSUME_PASSIVELY');
    assert.equal(c.messageModel, 'CLUSTERING');
    assert.equal(c.consumeFromWhere, 'CONSUME_FROM_FIRST_OFFSET');
  });

  test(`${v}: ConsumerRunningInfo: the client's own subscription, its queues and properties`, () => {
    const r = parseConsumerRunningInfo(fixture('consumer-running-info', v));
    assert.deepEqual(r.subscriptions.map((s) => [s.topic, s.subString]), [['%RETRY%G1', '*'], ['GT', 'A']]);
    assert.ok(r.queues.some((q) => q.mq.topic === 'GT' && q.locked && q.commitOffset >= 0 && !q.dropped));
    assert.equal(r.properties.PROP_CONSUME_TYPE, 'CONSUME_PASSIVELY');
    assert.equal(r.properties.messageModel, 'CLUSTERING');
    assert.equal(isOrderly(r), false);
  });

  test(`${v}: subscription groups, group list, consumer id list`, () => {
    const g = parseSubscriptionGroupWrapper(fixture('subscription-groups', v));
    const names = g.map((x) => x.groupName);
    for (const n of ['G1', 'GF', 'TOOLS_CONSUMER', 'SELF_TEST_C_GROUP']) assert.ok(names.includes(n), n);
    assert.ok(g.every((x) => x.retryMaxTimes === 16 && x.consumeEnable));
    const list = parseGroupList(fixture('group-list', v));
    assert.ok(list.includes('G1') && list.includes('GF'));
    assert.equal(parseConsumerIdList(fixture('consumer-id-list', v)).length, 2);
  });
}

test('5.3.3: the %RETRY% topic has its own queue in ConsumeStats', () => {
  const s = parseConsumeStats(fixture('consume-stats-retry', '5.3.3'));
  assert.deepEqual(s.queues.map((q) => queueKey(q.mq)), ['%RETRY%GF@broker-a@0', 'GT@broker-a@0', 'GT@broker-a@1']);
});

test('reset offset answer and lock bodies', () => {
  assert.deepEqual(parseResetOffsetBody('{"offsetTable":{{"brokerName":"b","queueId":1,"topic":"T"}:7,{"brokerName":"b","queueId":0,"topic":"T"}:3}}').map((x) => [queueKey(x.mq), x.offset]),
    [['T@b@0', 3], ['T@b@1', 7]]);
  const body = JSON.parse(Buffer.from(encodeLockBatchBody({ consumerGroup: 'G', clientId: 'probe', queues: [{ topic: 'T', brokerName: 'b', queueId: 2 }] })).toString());
  assert.deepEqual(body, { clientId: 'probe', consumerGroup: 'G', mqSet: [{ brokerName: 'b', queueId: 2, topic: 'T' }], onlyThisBroker: true });
  assert.deepEqual(Object.keys(body), ['clientId', 'consumerGroup', 'mqSet', 'onlyThisBroker'], 'fastjson key order');
  assert.deepEqual(parseLockBatchResponse('{"lockOKMQSet":[{"brokerName":"b","queueId":2,"topic":"T"}]}'), [{ topic: 'T', brokerName: 'b', queueId: 2 }]);
  assert.deepEqual(parseLockBatchResponse('{}'), []);
});

test('headers carry Java\'s field names (isForce, jstackEnable) and leave out what is not given', () => {
  assert.deepEqual(encodeResetOffsetHeader({ topic: 'T', group: 'G', timestamp: -1, isForce: true }), { topic: 'T', group: 'G', timestamp: -1, isForce: true, queueId: undefined, offset: undefined });
  assert.deepEqual(encodeConsumerRunningInfoHeader({ consumerGroup: 'G', clientId: 'c' }), { consumerGroup: 'G', clientId: 'c', jstackEnable: false });
  assert.deepEqual(encodeConsumeStatsHeader({ consumerGroup: 'G' }), { consumerGroup: 'G', topic: undefined });
});

test('subscriptions compare by topic, type and expression (tag order and spaces aside)', () => {
  const a = parseSubscriptionData({ topic: 'T', subString: 'A || B', expressionType: 'TAG', tagsSet: ['A', 'B'], subVersion: 1 }, 'a');
  const b = parseSubscriptionData({ topic: 'T', subString: 'B||A', subVersion: 2 }, 'b');
  const c = parseSubscriptionData({ topic: 'T', subString: 'A' }, 'c');
  assert.equal(normalizedExpression(b), 'A || B');
  assert.ok(sameSubscription(a, b), 'subVersion and tag order do not matter');
  assert.ok(!sameSubscription(a, c));
  assert.equal(normalizedExpression(parseSubscriptionData({ topic: 'T', subString: '' }, 'd')), '*');
});

test('malformed bodies are CodecErrors naming the path', () => {
  assert.throws(() => parseConsumeStats('{"offsetTable":{{"brokerName":"b","topic":"T"}:{}}}'), (e: unknown) => e instanceof CodecError && /queueId/.test(e.message));
  assert.throws(() => parseConsumeStats('{"offsetTable":{"plain":{}}}'), (e: unknown) => e instanceof CodecError && /not a MessageQueue|expected a MessageQueue/.test(e.message));
  assert.throws(() => parseConsumerConnection('{"connectionSet":[{"clientAddr":"x"}]}'), (e: unknown) => e instanceof CodecError && /connectionSet\[0\]\.clientId/.test(e.message));
  assert.throws(() => parseConsumerRunningInfo(''), (e: unknown) => e instanceof CodecError && /empty body/.test(e.message));
  assert.throws(() => parseGroupList('{"groupList":[1]}'), (e: unknown) => e instanceof CodecError && /groupList\[0\]/.test(e.message));
  assert.throws(() => parseMessageQueueKey('{"topic":', 'x'), CodecError);
});
