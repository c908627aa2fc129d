// NameServer queries against the real Apache RocketMQ cluster, for both versions and both header
// serializations (issue: foundation §3).
import { describe, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createRequest, decodeFrame, parseClusterInfo, parseTopicRouteData, permToString, RequestCode, ResponseCode, SerializeType,
} from '../../src/core/remoting';
import { NameServerClient } from '../../src/core/namesrv/namesrv-client';
import { RemotingConnection, TrafficRecord, TransportError } from '../../src/core/transport';
import { ResponseCodeError } from '../../src/core/errors';
import { RunningCluster, useCluster } from '../support/cluster';

for (const version of ['4.9', '5.3'] as const) {
  describe(`NameServer of RocketMQ ${version}`, () => {
    let cluster: RunningCluster;
    const handle = useCluster(version);
    const topic = `RouteTest_${version.replace('.', '')}_${Date.now()}`;

    before(async () => {
      cluster = await handle;
      await cluster.createTopic(topic, { queues: 3, perm: 6 });
    });

    for (const serializeType of ['JSON', 'ROCKETMQ'] as SerializeType[]) {
      test(`${serializeType}: GET_ROUTEINFO_BY_TOPIC lists both brokers with the queues and perm the topic was created with`, async () => {
        const traffic: TrafficRecord[] = [];
        const ns = new NameServerClient(cluster.namesrv, { serializeType, onTraffic: (t) => traffic.push(t) });
        try {
          const { value: route } = await ns.getRouteInfo(topic);
          assert.deepEqual(route.brokerDatas.map((b) => b.brokerName).sort(), ['broker-a', 'broker-b']);
          for (const bd of route.brokerDatas) {
            assert.equal(bd.cluster, cluster.clusterName);
            const expected = cluster.brokers.find((b) => b.name === bd.brokerName)!.addr;
            assert.equal(bd.brokerAddrs.get(0), expected, 'master address as registered');
          }
          assert.equal(route.queueDatas.length, 2);
          for (const q of route.queueDatas) {
            assert.equal(q.readQueueNums, 3);
            assert.equal(q.writeQueueNums, 3);
            assert.equal(permToString(q.perm), 'RW-');
          }
          // Our request really went out in the chosen serialization.
          const sent = traffic.find((t) => t.direction === 'out')!;
          assert.equal(sent.bytes[4], serializeType === 'JSON' ? 0 : 1);
          assert.equal(decodeFrame(sent.bytes).serializeType, serializeType);
        } finally { ns.close(); }
      });

      test(`${serializeType}: a missing topic answers TOPIC_NOT_EXIST with the NameServer's remark`, async () => {
        const ns = new NameServerClient(cluster.namesrv, { serializeType });
        try {
          await assert.rejects(ns.getRouteInfo(`NoSuchTopic_${Date.now()}`), (e: unknown) => {
            assert.ok(e instanceof ResponseCodeError, String(e));
            assert.equal(e.code, ResponseCode.TOPIC_NOT_EXIST);
            assert.equal(e.codeName, 'TOPIC_NOT_EXIST');
            assert.match(e.remark ?? '', /No topic route info in name server for the topic: NoSuchTopic_/);
            assert.equal(e.address, cluster.namesrv);
            return true;
          });
        } finally { ns.close(); }
      });

      test(`${serializeType}: GET_BROKER_CLUSTER_INFO lists both brokers in the cluster`, async () => {
        const ns = new NameServerClient(cluster.namesrv, { serializeType });
        try {
          const { value: info } = await ns.getClusterInfo();
          assert.deepEqual(info.clusterAddrTable.get(cluster.clusterName), ['broker-a', 'broker-b']);
          for (const b of cluster.brokers) assert.equal(info.brokerAddrTable.get(b.name)?.brokerAddrs.get(0), b.addr);
        } finally { ns.close(); }
      });

      test(`${serializeType}: GET_ALL_TOPIC_LIST_FROM_NAMESERVER contains the created topic and TBW102`, async () => {
        const ns = new NameServerClient(cluster.namesrv, { serializeType });
        try {
          const { value } = await ns.getAllTopicList();
          assert.ok(value.topicList.includes(topic), `${topic} in ${value.topicList.length} topics`);
          assert.ok(value.topicList.includes('TBW102'), 'autoCreateTopicEnable registers TBW102');
        } finally { ns.close(); }
      });
    }

    test('an old client version (V4_9_3) gets fastjson\'s non-standard route JSON, which the lenient parser reads', async () => {
      const conn = await RemotingConnection.connect(cluster.namesrv);
      try {
        const resp = await conn.request(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }, { version: 399 }));
        assert.equal(resp.code, ResponseCode.SUCCESS);
        const text = Buffer.from(resp.body!).toString('utf8');
        assert.match(text, /"brokerAddrs":\{0:"/, 'bare numeric broker-id keys');
        assert.throws(() => JSON.parse(text));
        const route = parseTopicRouteData(resp.body);
        assert.equal(route.brokerDatas.length, 2);
        assert.ok(route.brokerDatas.every((b) => b.brokerAddrs.has(0)));
      } finally { conn.close(); }
    });

    // Observed on the real servers (not what docs/protocol.md §1.2 predicts for 4.x): a 4.9 NameServer
    // answers in the request's serialization, a 5.3 NameServer in its own default (JSON).
    const answersInKind = version === '4.9' ? 'ROCKETMQ' : 'JSON';
    test(`a ROCKETMQ request is answered in ${answersInKind}`, async () => {
      const conn = await RemotingConnection.connect(cluster.namesrv);
      try {
        const resp = await conn.request(createRequest(RequestCode.GET_BROKER_CLUSTER_INFO, null, { serializeType: 'ROCKETMQ' }));
        assert.equal(resp.code, ResponseCode.SUCCESS);
        assert.equal(resp.serializeType, answersInKind);
        assert.ok(parseClusterInfo(resp.body).brokerAddrTable.size === 2);
      } finally { conn.close(); }
    });

    if (version === '5.3') {
      test('an unknown request code answers REQUEST_CODE_NOT_SUPPORTED with Java\'s remark', async () => {
        const conn = await RemotingConnection.connect(cluster.namesrv);
        try {
          const resp = await conn.request(createRequest(4242, null));
          assert.equal(resp.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
          assert.match(resp.remark ?? '', /request type 4242 not supported/);
        } finally { conn.close(); }
      });
    } else {
      test('an unknown request code gets no answer at all from a 4.9 NameServer: our timeout names it', async () => {
        const conn = await RemotingConnection.connect(cluster.namesrv);
        try {
          await assert.rejects(conn.request(createRequest(4242, null), 800), (e: unknown) =>
            e instanceof TransportError && e.kind === 'timeout' && /UNKNOWN\(4242\)/.test(e.message));
          // The connection is still usable afterwards.
          const ok = await conn.request(createRequest(RequestCode.GET_BROKER_CLUSTER_INFO, null));
          assert.equal(ok.code, ResponseCode.SUCCESS);
        } finally { conn.close(); }
      });
    }
  });
}
