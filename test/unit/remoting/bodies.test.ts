import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CodecError, parseClusterInfo, parseLenientJson, parseTopicList, parseTopicRouteData,
  permToString, stringifyJsonValue,
} from '../../../src/core/remoting';

test('route: standard JSON (5.0 capture)', () => {
  const r = parseTopicRouteData('{"brokerDatas":[{"brokerAddrs":{"0":"192.168.64.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}');
  assert.equal(r.brokerDatas[0].brokerAddrs.get(0), '192.168.64.1:10911');
  assert.equal(r.brokerDatas[0].enableActingMaster, false);
  assert.deepEqual(r.queueDatas[0], { brokerName: 'broker-a', perm: 6, readQueueNums: 4, writeQueueNums: 4, topicSysFlag: 0 });
  assert.equal(permToString(r.queueDatas[0].perm), 'RW-');
  assert.equal(permToString(7), 'RWX');
});

test('route: fastjson non-standard keys, zone, order conf, and 4.8 topicSynFlag', () => {
  const r = parseTopicRouteData('{"brokerDatas":[{"brokerAddrs":{0:"192.168.64.1:10911",1:"192.168.64.2:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false,"zoneName":"zone-1"}],"filterServerTable":{},"orderTopicConf":"broker-a:4","queueDatas":[{"brokerName":"taobaodaily-02","perm":6,"readQueueNums":8,"topicSynFlag":3,"writeQueueNums":8}]}');
  assert.deepEqual([...r.brokerDatas[0].brokerAddrs], [[0, '192.168.64.1:10911'], [1, '192.168.64.2:10911']]);
  assert.equal(r.brokerDatas[0].zoneName, 'zone-1');
  assert.equal(r.orderTopicConf, 'broker-a:4');
  assert.equal(r.queueDatas[0].topicSysFlag, 3);
});

test('cluster info (4.9.4 capture) and topic list', () => {
  const c = parseClusterInfo('{"brokerAddrTable":{"rocketmq-5668b48cd9-h6gbz":{"brokerAddrs":{0:"10.233.90.93:10911"},"brokerName":"rocketmq-5668b48cd9-h6gbz","cluster":"DefaultCluster"}},"clusterAddrTable":{"DefaultCluster":["rocketmq-5668b48cd9-h6gbz"]}}');
  assert.equal(c.brokerAddrTable.get('rocketmq-5668b48cd9-h6gbz')!.brokerAddrs.get(0), '10.233.90.93:10911');
  assert.deepEqual(c.clusterAddrTable.get('DefaultCluster'), ['rocketmq-5668b48cd9-h6gbz']);
  assert.deepEqual(parseTopicList(Buffer.from('{"topicList":["TopicTest","TBW102"]}')).topicList, ['TopicTest', 'TBW102']);
});

test('lenient JSON: object keys (vectors D), bigints, and errors with offsets', () => {
  const v = parseLenientJson('{"offsetTable":{{"brokerName":"RaftNode00","queueId":0,"topic":"topicB"}:11110,{"brokerName":"RaftNode00","queueId":1,"topic":"topicB"}:0}}') as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.values(v.offsetTable), [11110, 0]);
  assert.equal(Object.keys(v.offsetTable)[0], '{"brokerName":"RaftNode00","queueId":0,"topic":"topicB"}');
  assert.equal(parseLenientJson('9223372036854775807'), 9223372036854775807n);
  assert.equal(stringifyJsonValue(parseLenientJson("{a:'x',b:[1,true,null]}")), '{"a":"x","b":[1,true,null]}');
  assert.throws(() => parseLenientJson('{"a":1,'), (e: unknown) => e instanceof CodecError && e.kind === 'invalid-json' && e.offset === 7);
  assert.throws(() => parseTopicRouteData('{"brokerDatas":[{"brokerAddrs":{"x":"y"},"brokerName":"b"}]}'), (e: unknown) => e instanceof CodecError && e.kind === 'invalid-body');
  assert.throws(() => parseTopicRouteData(''), (e: unknown) => e instanceof CodecError && e.kind === 'invalid-body');
});
