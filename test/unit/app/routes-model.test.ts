import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseClusterInfo, parseTopicRouteData } from '../../../src/core/remoting';
import {
  buildClusterViews, buildRouteView, buildTopicList, isSystemTopic, mqadminCommand, describeOffsets, describeQueue, FLAG_TEXT,
} from '../../../src/app/routes/model';
import { classifyHost, explainConnectivity, vipAddress } from '../../../src/app/routes/connectivity';

// Real bodies (docs/protocol.md §4.1, §4.3), including fastjson's bare numeric keys.
const CLUSTER = '{"brokerAddrTable":{"broker-b":{"brokerAddrs":{0:"127.0.0.1:20911"},"brokerName":"broker-b","cluster":"DefaultCluster"},"broker-a":{"brokerAddrs":{1:"127.0.0.1:10921",0:"127.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}},"clusterAddrTable":{"DefaultCluster":["broker-b","broker-a"]}}';

describe('cluster view', () => {
  test('clusters and brokers sorted; addresses by broker id with master/slave', () => {
    const v = buildClusterViews(parseClusterInfo(CLUSTER));
    assert.equal(v.length, 1);
    assert.equal(v[0].name, 'DefaultCluster');
    assert.deepEqual(v[0].brokers.map((b) => b.brokerName), ['broker-a', 'broker-b']);
    assert.deepEqual(v[0].brokers[0].addresses, [
      { brokerId: 0, address: '127.0.0.1:10911', role: 'master' },
      { brokerId: 1, address: '127.0.0.1:10921', role: 'slave' },
    ]);
    assert.equal(v[0].brokers[1].hasMaster, true);
  });
  test('a broker named in clusterAddrTable without broker data still shows, without master', () => {
    const v = buildClusterViews(parseClusterInfo('{"brokerAddrTable":{},"clusterAddrTable":{"C":["gone"]}}'));
    assert.deepEqual(v[0].brokers[0], { cluster: 'C', brokerName: 'gone', addresses: [], hasMaster: false });
  });
  test('empty cluster info gives no clusters (not an error)', () => {
    assert.deepEqual(buildClusterViews(parseClusterInfo('{"brokerAddrTable":{},"clusterAddrTable":{}}')), []);
  });
});

describe('route view', () => {
  test('queues per broker with perm, flags for unwritable and read≠write', () => {
    const route = parseTopicRouteData('{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"broker-a","cluster":"C"},{"brokerAddrs":{"0":"127.0.0.1:20911"},"brokerName":"broker-b","cluster":"C"},{"brokerAddrs":{"1":"127.0.0.1:30911"},"brokerName":"broker-c","cluster":"C"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-b","perm":4,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4},{"brokerName":"broker-a","perm":6,"readQueueNums":2,"topicSynFlag":0,"writeQueueNums":3},{"brokerName":"broker-c","perm":6,"readQueueNums":1,"topicSysFlag":0,"writeQueueNums":1}]}');
    const v = buildRouteView('T', route);
    assert.deepEqual(v.brokers.map((b) => b.brokerName), ['broker-a', 'broker-b', 'broker-c']);
    const [a, b, c] = v.brokers;
    assert.equal(a.permText, 'RW-');
    assert.deepEqual(a.flags, ['read-write-mismatch']);
    assert.deepEqual(a.queues.map(describeQueue), ['RW', 'RW', '-W']);
    assert.equal(a.masterAddress, '127.0.0.1:10911');
    assert.equal(b.permText, 'R--');
    assert.deepEqual(b.flags, ['unwritable']);
    assert.deepEqual(b.queues.map(describeQueue), ['R-', 'R-', 'R-', 'R-']);
    assert.deepEqual(c.flags, ['no-master']);
    assert.equal(c.masterAddress, undefined);
    assert.deepEqual(v.flags, []);
    for (const f of [...a.flags, ...b.flags, ...c.flags]) assert.ok(FLAG_TEXT[f].length > 10);
  });
  test('order config, static topic marker and brokers without queue data', () => {
    const route = parseTopicRouteData('{"brokerDatas":[{"brokerAddrs":{"0":"127.0.0.1:1"},"brokerName":"x","cluster":"C"}],"filterServerTable":{},"orderTopicConf":"x:4","queueDatas":[],"topicQueueMappingByBroker":{"x":{"bname":"x"}}}');
    const v = buildRouteView('T', route);
    assert.equal(v.orderTopicConf, 'x:4');
    assert.equal(v.staticTopic, true);
    assert.deepEqual(v.brokersWithoutQueues, ['x']);
    assert.deepEqual(v.flags, ['no-queues']);
  });
});

describe('topic list', () => {
  const topics = ['TBW102', 'OrderTopic', 'RMQ_SYS_TRACE_TOPIC', 'rmq_sys_wheel_timer', 'SCHEDULE_TOPIC_XXXX', '%RETRY%g1', '%DLQ%g1',
    'broker-a', 'DefaultCluster', 'DefaultCluster_REPLY_TOPIC', 'apple', 'OFFSET_MOVED_EVENT', 'SYNC_BROKER_MEMBER_broker-a', 'BenchmarkTest'];
  test('system topics hidden by default, counted, and shown when asked', () => {
    const v = buildTopicList(topics, { showSystem: false, brokerNames: ['broker-a'], clusterNames: ['DefaultCluster'] });
    assert.deepEqual(v.visible, ['OrderTopic', 'apple']);
    assert.equal(v.hiddenSystem, topics.length - 2);
    assert.equal(v.total, topics.length);
    assert.equal(buildTopicList(topics, { showSystem: true }).visible.length, topics.length);
  });
  test('filter is a case-insensitive substring and counted separately', () => {
    const v = buildTopicList(topics, { showSystem: false, filter: 'ORDER', brokerNames: ['broker-a'], clusterNames: ['DefaultCluster'] });
    assert.deepEqual(v.visible, ['OrderTopic']);
    assert.equal(v.hiddenByFilter, 1);
  });
  test('isSystemTopic on its own', () => {
    assert.equal(isSystemTopic('TopicTest'), false);
    assert.equal(isSystemTopic('%RETRY%x'), true);
    assert.equal(isSystemTopic('b1', { brokerNames: ['b1'] }), true);
  });
});

describe('copy as mqadmin', () => {
  test('commands quote what a shell would split', () => {
    assert.equal(mqadminCommand('127.0.0.1:9876', { kind: 'topicRoute', topic: 'T' }), 'sh mqadmin topicRoute -n 127.0.0.1:9876 -t T');
    assert.equal(mqadminCommand('a:1;b:2', { kind: 'clusterList' }), "sh mqadmin clusterList -n 'a:1;b:2'");
    assert.equal(mqadminCommand('n:1', { kind: 'sendMessage', topic: 'T', body: "it's", tags: 'A', queueId: 2, brokerName: 'b' }),
      "sh mqadmin sendMessage -n n:1 -t T -p 'it'\\''s' -c A -b b -i 2");
  });
});

describe('offsets and connectivity', () => {
  test('describeOffsets: max is exclusive', () => {
    assert.equal(describeOffsets({ min: 0n, max: 12n }), 'min 0 · max 12 · 12 messages');
    assert.equal(describeOffsets({ min: 5n, max: 6n }), 'min 5 · max 6 · 1 message');
  });
  test('address classes', () => {
    assert.equal(classifyHost('127.0.0.1'), 'loopback');
    assert.equal(classifyHost('172.17.0.3'), 'docker-bridge');
    assert.equal(classifyHost('10.233.90.93'), 'private');
    assert.equal(classifyHost('8.8.8.8'), 'public');
    assert.equal(vipAddress('127.0.0.1:10911'), '127.0.0.1:10909');
  });
  test('explanations in plain words', () => {
    const r = explainConnectivity({
      address: '172.17.0.2:10911', brokerName: 'broker-a', role: 'master',
      main: { address: '172.17.0.2:10911', ok: false, error: 'timeout', millis: 3000 },
      vip: { address: '172.17.0.2:10909', ok: false, error: 'timeout', millis: 3000 },
    });
    assert.equal(r.ok, false);
    assert.match(r.lines[0], /cannot reach broker-a/);
    assert.match(r.lines.join('\n'), /Docker bridge/);
    assert.match(r.lines.join('\n'), /listen port − 2/);
    const l = explainConnectivity({ address: '127.0.0.1:10911', brokerName: 'b', role: 'master', main: { address: '127.0.0.1:10911', ok: true, millis: 1 } });
    assert.equal(l.ok, true);
    assert.match(l.lines.join('\n'), /loopback address/);
  });
});
