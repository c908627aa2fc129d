// Faults against a real cluster, both versions: a broker stopped during sync sends (every send is
// SEND_OK via the other broker or raises; no SEND_OK message is lost), NameServer unreachable or
// silent, a topic without a writable queue, and a connection reset while a request is pending.
import { describe, before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { useCluster } from '../support/cluster';
import { Producer, MQClient, MQClientError, SendResult } from '../../src/core/producer';
import { Message } from '../../src/core/message';
import { browseTopic } from '../../src/core/consumer';
import { FrameSplitter, decodeFrame, encodeFrame, RequestCode, createResponse } from '../../src/core/remoting';
import { eventually } from '../support/poll';


/** TCP proxy to `target`; `onClientFrame` may return 'reset' to kill the client side right after forwarding. */
async function proxy(target: string, onClientFrame: (code: number) => 'forward' | 'reset'): Promise<{ addr: string; close: () => Promise<void> }> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const socks = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    socks.add(client); socks.add(upstream);
    const sp = new FrameSplitter();
    client.on('data', (chunk) => {
      for (const f of sp.push(chunk)) {
        upstream.write(f);
        if (onClientFrame(decodeFrame(f).code) === 'reset') { client.resetAndDestroy(); upstream.destroy(); return; }
      }
    });
    upstream.on('data', (d) => { if (!client.destroyed) client.write(d); });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    addr: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => { for (const s of socks) s.destroy(); return new Promise((r) => server.close(() => r())); },
  };
}

for (const version of ['4.9', '5.3'] as const) {
  describe(`producer faults on RocketMQ ${version}`, () => {
    const cluster = useCluster(version);
    const tag = `${version.replace('.', '')}_${Date.now()}`;
    let reader: MQClient;
    before(() => { reader = new MQClient({ namesrvAddr: cluster().namesrv }); });
    after(async () => { await reader?.close(); });

    test('topic without a writable queue → NO_WRITABLE_QUEUE naming the perm', async () => {
      const ro = `ProdRO_${tag}`;
      await cluster().createTopic(ro, { queues: 2, perm: 4 });
      const p = new Producer({ namesrvAddr: cluster().namesrv, producerGroup: `pg_ro_${tag}` });
      await p.start();
      try {
        await assert.rejects(p.send(new Message({ topic: ro, body: 'x' })), (e: unknown) => {
          assert.ok(e instanceof MQClientError, String(e));
          assert.equal(e.rule, 'NO_WRITABLE_QUEUE');
          assert.match(e.message, /broker-a: perm 4 has no WRITE bit/);
          assert.match(e.message, new RegExp(ro));
          return true;
        });
      } finally { await p.shutdown(); }
    });

    test('NameServer down (nothing listening) → NAMESERVER_UNREACHABLE at once; silent NameServer → error after the timeout', async () => {
      const dead = net.createServer();
      await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
      const deadAddr = `127.0.0.1:${(dead.address() as net.AddressInfo).port}`;
      await new Promise<void>((r) => dead.close(() => r()));
      const p = new Producer({ namesrvAddr: deadAddr, producerGroup: `pg_ns_${tag}`, sendMsgTimeoutMs: 2000 });
      await p.start();
      try {
        const t0 = Date.now();
        await assert.rejects(p.send(new Message({ topic: `ProdNs_${tag}`, body: 'x' })), (e: unknown) =>
          e instanceof MQClientError && e.rule === 'NAMESERVER_UNREACHABLE' && e.message.includes(deadAddr) && /refused/.test(e.message));
        assert.ok(Date.now() - t0 < 2000);
      } finally { await p.shutdown(); }
      // accepts the TCP connection, never answers
      const silentSocks: net.Socket[] = [];
      const silent = net.createServer((s) => { silentSocks.push(s); s.on('error', () => undefined); s.resume(); });
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      const silentAddr = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
      const p2 = new Producer({ namesrvAddr: silentAddr, producerGroup: `pg_ns2_${tag}`, sendMsgTimeoutMs: 1500 });
      await p2.start();
      try {
        const t0 = Date.now();
        await assert.rejects(p2.send(new Message({ topic: `ProdNs_${tag}`, body: 'x' })), (e: unknown) =>
          e instanceof MQClientError && e.rule === 'NAMESERVER_UNREACHABLE' && e.message.includes(silentAddr) && /no response within/.test(e.message));
        const spent = Date.now() - t0;
        assert.ok(spent >= 1400 && spent < 3000, `failed after ${spent} ms for a 1500 ms budget`);
      } finally {
        await p2.shutdown();
        for (const s of silentSocks) s.destroy();
        await new Promise<void>((r) => silent.close(() => r()));
      }
    });

    test('connection reset while a send is pending: fails at once, retried, the message arrives (at least once, same UNIQ_KEY)', async () => {
      const topic = `ProdReset_${tag}`;
      await cluster().createTopic(topic, { queues: 2, perm: 6 });
      const brokerA = cluster().brokers.find((b) => b.name === 'broker-a')!;
      let resets = 0;
      const px = await proxy(brokerA.addr, (code) => (code === RequestCode.SEND_MESSAGE_V2 && resets++ === 0 ? 'reset' : 'forward'));
      // a NameServer stand-in whose route sends broker-a traffic through the proxy
      const route = Buffer.from(JSON.stringify({
        brokerDatas: [{ brokerAddrs: { 0: px.addr }, brokerName: 'broker-a', cluster: cluster().clusterName }],
        filterServerTable: {},
        queueDatas: [{ brokerName: 'broker-a', perm: 6, readQueueNums: 2, topicSysFlag: 0, writeQueueNums: 2 }],
      }));
      const nsSocks: net.Socket[] = [];
      const ns = net.createServer((s) => {
        nsSocks.push(s);
        const sp = new FrameSplitter();
        s.on('error', () => undefined);
        s.on('data', (c) => { for (const f of sp.push(c)) s.write(encodeFrame(createResponse(decodeFrame(f), 0, null, null, { body: route }))); });
      });
      await new Promise<void>((r) => ns.listen(0, '127.0.0.1', r));
      const nsAddr = `127.0.0.1:${(ns.address() as net.AddressInfo).port}`;
      const p = new Producer({ namesrvAddr: nsAddr, producerGroup: `pg_reset_${tag}`, sendMsgTimeoutMs: 20000, heartbeatOnNewBroker: false, clientVersion: cluster().versionOrdinal });
      await p.start();
      try {
        const t0 = Date.now();
        const r = await p.send(new Message({ topic, body: 'survives a reset' }));
        const spent = Date.now() - t0;
        assert.equal(r.sendStatus, 'SEND_OK');
        assert.equal(r.attempts, 2, 'first attempt failed on the reset, second succeeded');
        assert.ok(spent < 5000, `no waiting for the 20 s timeout (took ${spent} ms)`);
        // the first request reached the broker before the reset: it may be stored too — same UNIQ_KEY
        const copies = await eventually('the message', async () => {
          const all = (await browseTopic(reader, topic)).filter((m) => m.msgId === r.msgId);
          return all.length ? all : undefined;
        }, 10000);
        assert.ok(copies.length >= 1 && copies.length <= 2, `${copies.length} copies`);
        assert.ok(copies.every((m) => Buffer.from(m.body!).toString() === 'survives a reset'));

        // async: same, the pending request fails at once and is re-sent
        resets = 0;
        p.invalidateRoute(topic);
        const ra = await p.sendAsync(new Message({ topic, body: 'async survives a reset' }));
        assert.equal(ra.attempts, 2);
      } finally {
        await p.shutdown();
        await px.close();
        for (const s of nsSocks) s.destroy();
        await new Promise<void>((r) => ns.close(() => r()));
      }
    });

    test('broker-a stopped during sync sends: each send is SEND_OK (via broker-b) or raises; every SEND_OK message is stored', { timeout: 300_000 }, async () => {
      const topic = `ProdFail_${tag}`;
      await cluster().createTopic(topic, { queues: 2, perm: 6 });
      const p = new Producer({ namesrvAddr: cluster().namesrv, producerGroup: `pg_fail_${tag}`, clientVersion: cluster().versionOrdinal });
      await p.start();
      const ok: SendResult[] = [];
      const failed: Array<{ body: string; error: string }> = [];
      let stopped = false;
      let i = 0;
      const sending = (async () => {
        // keep sending until broker-a has been down for a while (and at least 40 sends)
        let afterStop = 0;
        while (i < 40 || afterStop < 30) {
          const body = `fail-${i++}`;
          try { ok.push(await p.send(new Message({ topic, body }))); } catch (e) { failed.push({ body, error: String(e) }); }
          if (stopped) afterStop++;
          await new Promise((r) => setTimeout(r, 5)); // pacing, so that the stop falls among a few hundred sends

        }
      })();
      try {
        await eventually('a few sends before the stop', async () => (ok.length >= 10 ? true : undefined), 30000);
        await cluster().stopBroker('broker-a');
        stopped = true;
        await sending;
        const afterStop = ok.filter((r) => r.sendStatus === 'SEND_OK').slice(-20);
        assert.ok(afterStop.every((r) => r.messageQueue.brokerName === 'broker-b'), 'once broker-a is gone, sends land on broker-b');
        for (const f of failed) assert.match(f.error, /MQClientError|MQBrokerError/, 'failures are typed');
        assert.equal(ok.length + failed.length, i, 'every send returned or raised');
        assert.ok(ok.some((r) => r.attempts > 1) || failed.length > 0, 'the stop was felt by the sends (a retry or an error)');
      } finally {
        await sending.catch(() => undefined);
        await cluster().startBroker('broker-a');
        await p.shutdown();
      }
      // count arrivals: every SEND_OK message is stored exactly where the result says
      const stored = await eventually('all messages readable', async () => {
        const all = await browseTopic(reader, topic);
        return ok.every((r) => all.some((m) => m.msgId === r.msgId)) ? all : undefined;
      }, 60000);
      for (const r of ok) {
        // At-least-once, as in Java: an attempt stored by broker-a just before its connection dropped
        // is retried on broker-b with the same UNIQ_KEY, so a retried send may exist twice.
        const copies = stored.filter((x) => x.msgId === r.msgId);
        assert.ok(copies.some((m) => m.brokerName === r.messageQueue.brokerName && m.queueId === r.messageQueue.queueId && m.queueOffset === r.queueOffset),
          `${r.msgId} stored where the SendResult says (${r.messageQueue.brokerName}:${r.messageQueue.queueId}@${r.queueOffset})`);
        if (copies.length > 1) assert.ok(r.attempts > 1, `${r.msgId} stored ${copies.length} times without a retry`);
      }
      const raisedButStored = failed.filter((f) => stored.some((m) => Buffer.from(m.body!).toString() === f.body)).length;
      console.log(`[faults ${version}] ${i} sends: ${ok.length} SEND_OK (all stored; ${ok.filter((r) => r.attempts > 1).length} needed a retry on the other broker), ${failed.length} raised (${raisedButStored} of those stored anyway)`);
    });

    test('latency fault tolerance on: after one failure the stopped broker is avoided (no more retries); off: every other send retries', { timeout: 300_000 }, async () => {
      const topic = `ProdFT_${tag}`;
      await cluster().createTopic(topic, { queues: 2, perm: 6 });
      const ft = new Producer({ namesrvAddr: cluster().namesrv, producerGroup: `pg_ft_${tag}`, clientVersion: cluster().versionOrdinal, sendLatencyFaultEnable: true });
      const plain = new Producer({ namesrvAddr: cluster().namesrv, producerGroup: `pg_plain_${tag}`, clientVersion: cluster().versionOrdinal });
      await ft.start();
      await plain.start();
      try {
        // both learn the route (with broker-a) while it is up
        await ft.send(new Message({ topic, body: 'warm' }));
        await plain.send(new Message({ topic, body: 'warm' }));
        await cluster().stopBroker('broker-a');
        const ftResults: SendResult[] = [];
        const plainResults: SendResult[] = [];
        for (let k = 0; k < 12; k++) {
          ftResults.push(await ft.send(new Message({ topic, body: `ft-${k}` })));
          plainResults.push(await plain.send(new Message({ topic, body: `plain-${k}` })));
        }
        assert.ok(ftResults.every((r) => r.messageQueue.brokerName === 'broker-b'));
        assert.ok(plainResults.every((r) => r.messageQueue.brokerName === 'broker-b'));
        const ftRetries = ftResults.filter((r) => r.attempts > 1).length;
        const plainRetries = plainResults.filter((r) => r.attempts > 1).length;
        assert.ok(ftRetries <= 1, `with fault tolerance at most the first send retries (got ${ftRetries})`);
        assert.ok(plainRetries >= 3, `without it, round-robin keeps hitting broker-a (got ${plainRetries} retries)`);
        assert.deepEqual(ft.fault.avoided().map((a) => a.brokerName), ['broker-a']);
        console.log(`[faults ${version}] fault tolerance: ${ftRetries} retries with, ${plainRetries} without`);
      } finally {
        await cluster().startBroker('broker-a');
        await ft.shutdown();
        await plain.shutdown();
      }
    });
  });
}
