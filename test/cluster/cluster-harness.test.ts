// The test cluster itself (test/support/cluster): the pinned releases really run, both brokers are
// registered, topics get created on both, a broker can be stopped and started again.
// Talks to the servers with hand-made JSON frames (not our codec), so that a codec bug cannot hide here.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { useCluster, VERSION_KEYS } from '../support/cluster';

interface Reply {
  header: { code: number; flag: number; opaque: number; version: number; remark?: string; extFields?: Record<string, string>; language: string };
  body: Buffer;
}

/** One JSON-header request over a fresh TCP connection. */
function rawRequest(addr: string, code: number, version: number, extFields?: Record<string, string>, timeoutMs = 5000): Promise<Reply> {
  const [host, port] = addr.split(':');
  const header = JSON.stringify({ code, ...(extFields ? { extFields } : {}), flag: 0, language: 'JAVA', opaque: 4242, serializeTypeCurrentRPC: 'JSON', version });
  const h = Buffer.from(header, 'utf8');
  const frame = Buffer.alloc(8 + h.length);
  frame.writeInt32BE(4 + h.length, 0);
  frame.writeInt32BE(h.length, 4);
  h.copy(frame, 8);
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port: Number(port) });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer from ${addr} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('connect', () => sock.write(frame));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4) return;
      const len = buf.readInt32BE(0);
      if (buf.length < 4 + len) return;
      clearTimeout(timer);
      sock.destroy();
      const word = buf.readUInt32BE(4);
      assert.equal(word >>> 24, 0, 'servers answer in their default serialization, JSON');
      const hl = word & 0xffffff;
      resolve({ header: JSON.parse(buf.subarray(8, 8 + hl).toString('utf8')), body: buf.subarray(8 + hl, 4 + len) });
    });
  });
}

const GET_BROKER_RUNTIME_INFO = 28;
const GET_BROKER_CLUSTER_INFO = 106;

for (const version of VERSION_KEYS) {
  describe(`test cluster, RocketMQ ${version}`, () => {
    const cluster = useCluster(version);

    test('runs the pinned release: NameServer and both brokers answer with its version ordinal', async () => {
      const c = cluster();
      assert.match(c.version, version === '4.9' ? /^4\.9\.\d+$/ : /^5\.3\.\d+$/);
      const expectedDesc = `V${c.version.replace(/\./g, '_')}`;
      const ns = await rawRequest(c.namesrv, GET_BROKER_CLUSTER_INFO, c.versionOrdinal);
      assert.equal(ns.header.code, 0);
      assert.equal(ns.header.flag & 1, 1, 'response bit');
      assert.equal(ns.header.opaque, 4242);
      assert.equal(ns.header.version, c.versionOrdinal, 'NameServer stamps its own version (rocketmq.remoting.version)');
      for (const b of c.brokers) {
        // main port and the VIP port (listenPort - 2) both serve the remoting protocol
        for (const addr of [b.addr, `127.0.0.1:${b.vipPort}`]) {
          const r = await rawRequest(addr, GET_BROKER_RUNTIME_INFO, c.versionOrdinal);
          assert.equal(r.header.code, 0, `${b.name} at ${addr}: ${r.header.remark}`);
          assert.equal(r.header.version, c.versionOrdinal);
          const table = (JSON.parse(r.body.toString('utf8')) as { table: Record<string, string> }).table;
          assert.equal(table.brokerVersionDesc, expectedDesc, `${b.name} runs ${expectedDesc}`);
          assert.equal(Number(table.brokerVersion), c.versionOrdinal);
        }
        // the same through the Java admin API
        assert.equal((await c.brokerRuntimeInfo(b.name)).brokerVersionDesc, expectedDesc);
      }
    });

    test('both brokers are registered in one cluster with the addresses the harness reports', async () => {
      const c = cluster();
      assert.deepEqual(c.brokers.map((b) => b.name).sort(), ['broker-a', 'broker-b']);
      const info = await c.clusterInfo();
      assert.deepEqual(info.clusters[c.clusterName], ['broker-a', 'broker-b']);
      for (const b of c.brokers) {
        assert.match(b.addr, /^127\.0\.0\.1:\d+$/);
        assert.equal(info.brokers[b.name].addrs['0'], b.addr);
        assert.equal(info.brokers[b.name].cluster, c.clusterName);
      }
      // the raw GET_BROKER_CLUSTER_INFO body says the same
      const ns = await rawRequest(c.namesrv, GET_BROKER_CLUSTER_INFO, c.versionOrdinal);
      const text = ns.body.toString('utf8');
      for (const b of c.brokers) assert.ok(text.includes(`"${b.addr}"`), `${b.addr} in ${text}`);
    });

    test('createTopic: the NameServer route lists both brokers with the queue count and perm asked for', async () => {
      const c = cluster();
      const topic = `HarnessTopic_${version.replace('.', '')}_${Date.now()}`;
      const route = await c.createTopic(topic, { queues: 3, perm: 6 });
      assert.deepEqual(route.queueDatas.map((q) => q.brokerName).sort(), ['broker-a', 'broker-b']);
      for (const q of route.queueDatas) assert.deepEqual([q.readQueueNums, q.writeQueueNums, q.perm], [3, 3, 6]);
      // read-only topic (perm 4), one queue
      const ro = await c.createTopic(`${topic}_RO`, { queues: 1, perm: 4 });
      for (const q of ro.queueDatas) assert.deepEqual([q.readQueueNums, q.writeQueueNums, q.perm], [1, 1, 4]);
      // and the raw GET_ROUTEINFO_BY_TOPIC agrees
      const raw = await rawRequest(c.namesrv, 105, c.versionOrdinal, { topic });
      assert.equal(raw.header.code, 0, raw.header.remark);
      assert.match(raw.body.toString('utf8'), /"readQueueNums":3/);
      // an unknown topic has no route (code 17 TOPIC_NOT_EXIST)
      const none = await rawRequest(c.namesrv, 105, c.versionOrdinal, { topic: `${topic}_missing` });
      assert.equal(none.header.code, 17);
    });

    // 4.9: graceful stop (SIGTERM: the broker unregisters, ~6 s); 5.3: crash (SIGKILL: the NameServer
    // drops it when the channel closes). A graceful 5.3 stop works the same but takes ~12 s of shutdown waits.
    const signal = version === '4.9' ? 'SIGTERM' : 'SIGKILL';
    test(`stopBroker (${signal}) takes broker-a out of the cluster (process gone, NameServer drops it); startBroker brings it back`, async () => {
      const c = cluster();
      const a = c.brokers.find((b) => b.name === 'broker-a')!;
      const topic = `HarnessStop_${version.replace('.', '')}_${Date.now()}`;
      await c.createTopic(topic, { queues: 2 });
      const oldPid = a.pid;
      assert.ok(oldPid > 0);
      await c.stopBroker('broker-a', { signal });
      assert.equal(a.pid, 0);
      assert.throws(() => process.kill(oldPid, 0), 'the broker JVM is gone');
      const info = await c.clusterInfo();
      assert.deepEqual(info.clusters[c.clusterName], ['broker-b']);
      const route = await c.route(topic);
      assert.deepEqual(route.queueDatas.map((q) => q.brokerName), ['broker-b']);
      await assert.rejects(rawRequest(a.addr, GET_BROKER_RUNTIME_INFO, c.versionOrdinal, undefined, 2000), 'nothing listens on broker-a any more');

      await c.startBroker('broker-a');
      assert.ok(a.pid > 0 && a.pid !== oldPid);
      const back = await c.clusterInfo();
      assert.deepEqual(back.clusters[c.clusterName], ['broker-a', 'broker-b']);
      assert.equal(back.brokers['broker-a'].addrs['0'], a.addr, 'same address after the restart');
      // same store: the topic created before the stop is served by broker-a again
      const route2 = await c.route(topic);
      assert.deepEqual(route2.queueDatas.map((q) => q.brokerName).sort(), ['broker-a', 'broker-b']);
      const r = await rawRequest(a.addr, GET_BROKER_RUNTIME_INFO, c.versionOrdinal);
      assert.equal(r.header.code, 0);
    });
  });
}
