// RocketMQ 5.3.3's Proxy in the test cluster (cluster mode in front of the test brokers): the real
// gRPC client (rocketmq-client-java 5.0.8) drives it through every kind of producer and consumer,
// and our remoting client works through its remoting port — the producer sends, the NameServer
// queries of the Topic Route tree answer, and what the Proxy does not serve is reported as such.
import { describe, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { useCluster } from '../support/cluster';
import { runGrpcScenario, GrpcScenarioResult } from '../support/cluster/grpc-client';
import { Producer, MQClient } from '../../src/core/producer';
import { Message } from '../../src/core/message';
import { browseTopic } from '../../src/core/consumer';
import { NameServerClient } from '../../src/core/namesrv/namesrv-client';
import { describeFailure } from '../../src/app/routes/errors';
import { buildRouteView } from '../../src/app/routes/model';
import { ResponseCodeError } from '../../src/core/errors';
import { eventually } from '../support/poll';

describe('the 5.x Proxy in the test cluster', () => {
  const cluster = useCluster('5.3', { proxy: true });
  const tag = `px${Date.now() % 1_000_000}`;
  const topics = { normal: `PxN_${tag}`, fifo: `PxF_${tag}`, delay: `PxD_${tag}`, tx: `PxT_${tag}` };
  let run: GrpcScenarioResult;

  before(async () => {
    const c = await cluster;
    await c.createTopic(topics.normal, { queues: 2, attributes: { 'message.type': 'NORMAL' } });
    await c.createTopic(topics.fifo, { queues: 2, attributes: { 'message.type': 'FIFO' } });
    await c.createTopic(topics.delay, { queues: 2, attributes: { 'message.type': 'DELAY' } });
    await c.createTopic(topics.tx, { queues: 2, attributes: { 'message.type': 'TRANSACTION' } });
    run = await runGrpcScenario({
      endpoint: c.proxy!.grpc, ...topics, simpleGroup: `PxS_${tag}`, pushGroup: `PxP_${tag}`,
      log: (l) => console.error(`[grpc-client] ${l}`),
    });
  }, { timeout: 300_000 });

  test('the proxy listens on its own free loopback ports, gRPC and remoting', () => {
    const p = cluster().proxy!;
    assert.match(p.grpc, /^127\.0\.0\.1:\d+$/);
    assert.match(p.remoting, /^127\.0\.0\.1:\d+$/);
    assert.notEqual(p.grpcPort, p.remotingPort);
    assert.ok(!cluster().brokers.some((b) => [b.port, b.vipPort, b.haPort].includes(p.grpcPort) || [b.port, b.vipPort, b.haPort].includes(p.remotingPort)));
    assert.match(cluster().logTail('proxy', 400), /rocketmq-proxy startup successfully/);
  });

  test('the Java gRPC producer sends normal, FIFO (message group), delay and transactional messages', () => {
    assert.equal(run.code, 0, run.stderr);
    const sends = run.events.filter((e) => e.event === 'send');
    assert.deepEqual(sends.map((e) => e.kind), ['normal', 'normal', 'normal', 'fifo', 'fifo', 'delay', 'transaction', 'transaction']);
    for (const s of sends) assert.match(s.messageId!, /^[0-9A-F]{34}$/, 'a 5.x message id (version 01, 17 bytes as hex)');
    assert.equal(new Set(sends.map((s) => s.messageId)).size, sends.length, 'message ids are distinct');
    assert.ok(sends.filter((s) => s.kind === 'fifo').every((s) => s.messageGroup === 'group-1'));
    assert.deepEqual(sends.filter((s) => s.kind === 'transaction').map((s) => s.outcome), ['commit', 'rollback']);
  });

  test('the simple consumer receives every normal message, changes an invisible duration and acks; bodies, tags and keys arrive as sent', () => {
    const sent = run.events.filter((e) => e.event === 'send' && e.kind === 'normal');
    const received = run.events.filter((e) => e.event === 'receive');
    for (const s of sent) {
      const r = received.find((x) => x.messageId === s.messageId);
      assert.ok(r, `message ${s.messageId} received`);
      assert.equal(r.bodyHex, s.bodyHex);
      assert.equal(r.topic, topics.normal);
      assert.equal(r.tag, 'TagA');
      assert.deepEqual([...r.keys!].sort(), [...s.keys!].sort());
    }
    assert.equal(run.events.filter((e) => e.event === 'changeInvisibleDuration').length, 1);
    assert.deepEqual(new Set(run.events.filter((e) => e.event === 'ack').map((e) => e.messageId)), new Set(sent.map((s) => s.messageId)));
  });

  test('the push consumer (its own group) consumes every normal message', () => {
    const sent = new Set(run.events.filter((e) => e.event === 'send' && e.kind === 'normal').map((e) => e.messageId));
    const pushed = new Set(run.events.filter((e) => e.event === 'push').map((e) => e.messageId));
    for (const id of sent) assert.ok(pushed.has(id), `pushed ${id}`);
    assert.deepEqual(run.events.filter((e) => e.event === 'closed').map((e) => e.client), ['producer', 'simple', 'push']);
  });

  test('our remoting producer sends through the proxy\'s remoting port; the message is stored on a broker', async () => {
    const c = cluster();
    const producer = new Producer({ namesrvAddr: c.proxy!.remoting, producerGroup: `pg_${tag}`, clientVersion: c.versionOrdinal });
    const reader = new MQClient({ namesrvAddr: c.namesrv, clientVersion: c.versionOrdinal });
    try {
      await producer.start();
      const r = await producer.send(new Message({ topic: topics.normal, body: 'remoting via the proxy', tags: 'TagR', keys: ['rk'] }));
      assert.equal(r.sendStatus, 'SEND_OK');
      // the route names the real brokers, each at the proxy's remoting address
      assert.match(r.messageQueue.brokerName, /^broker-[ab]$/);
      assert.equal(r.brokerAddr, c.proxy!.remoting);
      const stored = await eventually('the message stored on its broker', async () => {
        const got = await browseTopic(reader, topics.normal);
        return got.find((m) => m.msgId === r.msgId);
      });
      assert.equal(Buffer.from(stored.body!).toString(), 'remoting via the proxy');
      assert.equal(stored.tags, 'TagR');
    } finally {
      await producer.shutdown();
      await reader.close();
    }
  });

  test('the Topic Route tree\'s NameServer queries through the proxy: routes answer (broker addresses are the proxy), admin lists are refused as not served', async () => {
    const c = cluster();
    const ns = new NameServerClient(c.proxy!.remoting);
    try {
      const route = await ns.getRouteInfo(topics.normal);
      const view = buildRouteView(topics.normal, route.value);
      assert.deepEqual(view.brokers.map((b) => b.brokerName).sort(), ['broker-a', 'broker-b']);
      for (const bd of route.value.brokerDatas) assert.deepEqual([...bd.brokerAddrs.values()], [c.proxy!.remoting]);
      for (const query of [() => ns.getClusterInfo(), () => ns.getAllTopicList()]) {
        const e = await query().then(() => undefined, (x: unknown) => x);
        assert.ok(e instanceof ResponseCodeError, `refused with a response code, got ${String(e)}`);
        assert.equal(e.codeName, 'REQUEST_CODE_NOT_SUPPORTED');
        const text = describeFailure(e, 'nameserver');
        assert.match(text.short, /^REQUEST_CODE_NOT_SUPPORTED \(3\) from NameServer 127\.0\.0\.1:\d+: request type \d+ not supported/);
        assert.match(text.hint ?? '', /a 5\.x Proxy in remoting mode answers only client requests .*not admin codes/);
      }
    } finally {
      await ns.close();
    }
  });
});
