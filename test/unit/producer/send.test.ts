import { describe, test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { FakeServer, ok, err, routeJson } from './fake-server';
import { Producer, MQBrokerError, MQClientError } from '../../../src/core/producer';
import { Message, decodeProperties, decodeUniqKey, createOffsetMessageId, decodeBatchBody } from '../../../src/core/message';
import { RequestCode, RemotingCommand } from '../../../src/core/remoting';

/** A NameServer + two brokers whose behaviour each test scripts. */
class World {
  ns!: FakeServer;
  a!: FakeServer;
  b!: FakeServer;
  routes = new Map<string, Uint8Array | 'missing'>();
  brokerA: (req: RemotingCommand) => ReturnType<FakeServer['handle']> = (r) => this.stored(r, 'A');
  brokerB: (req: RemotingCommand) => ReturnType<FakeServer['handle']> = (r) => this.stored(r, 'B');
  offset = 100;
  stored(req: RemotingCommand, _who: string): RemotingCommand | void {
    if (req.code === RequestCode.HEART_BEAT) return ok(req);
    const e = req.extFields!;
    return ok(req, { msgId: createOffsetMessageId('127.0.0.1', 10911, BigInt(this.offset++)), queueId: e.e ?? e.queueId, queueOffset: 7, MSG_REGION: 'DefaultRegion', TRACE_ON: 'true' });
  }
  async start() {
    this.a = await new FakeServer((r) => this.brokerA(r)).start();
    this.b = await new FakeServer((r) => this.brokerB(r)).start();
    this.ns = await new FakeServer((req) => {
      const topic = req.extFields?.topic ?? '';
      const r = this.routes.get(topic);
      if (!r || r === 'missing') return err(req, 17, `No topic route info in name server for the topic: ${topic}`);
      return ok(req, undefined, r);
    }).start();
    this.routes.set('T', routeJson([{ name: 'broker-b', addr: this.b.addr, queues: 2 }, { name: 'broker-a', addr: this.a.addr, queues: 2 }]));
  }
  async stop() { await Promise.all([this.ns.stop(), this.a.stop(), this.b.stop()]); }
  sends(s: FakeServer) { return s.received.filter((r) => r.code === RequestCode.SEND_MESSAGE_V2 || r.code === RequestCode.SEND_BATCH_MESSAGE || r.code === RequestCode.SEND_MESSAGE); }
}

function producer(w: World, extra: Partial<ConstructorParameters<typeof Producer>[0]> = {}) {
  return new Producer({ namesrvAddr: w.ns.addr, producerGroup: 'pg', heartbeatOnNewBroker: false, ...extra });
}

describe('producer send against fake servers', () => {
  const w = new World();
  before(() => w.start());
  after(() => w.stop());

  test('lifecycle: send before start / after shutdown are typed errors; group validated at start', async () => {
    const p = producer(w);
    await assert.rejects(p.send(new Message({ topic: 'T', body: 'x' })), (e: unknown) => e instanceof MQClientError && e.rule === 'NOT_STARTED');
    await p.start();
    await assert.rejects(p.start(), (e: unknown) => e instanceof MQClientError && e.rule === 'ALREADY_STARTED');
    await p.shutdown();
    await assert.rejects(p.send(new Message({ topic: 'T', body: 'x' })), (e: unknown) => e instanceof MQClientError && e.rule === 'SHUT_DOWN');
    const bad = producer(w, { producerGroup: 'DEFAULT_PRODUCER' });
    await assert.rejects(bad.start(), (e: unknown) => e instanceof MQClientError && e.rule === 'GROUP_NOT_ALLOWED');
  });

  test('sync send: V2 header fields, properties, UNIQ_KEY, SendResult', async () => {
    const p = producer(w, { clientVersion: 479 });
    await p.start();
    try {
      const before = w.sends(w.a).length + w.sends(w.b).length;
      const msg = new Message({ topic: 'T', body: 'hello', tags: 'TagA', keys: ['k1', 'k2'], flag: 3, userProperties: { color: 'red' } });
      const r = await p.send(msg);
      assert.equal(r.sendStatus, 'SEND_OK');
      assert.equal(r.msgId, msg.uniqKey);
      assert.equal(decodeUniqKey(r.msgId).pid, process.pid & 0xffff);
      assert.match(r.offsetMsgId, /^7F00000100002A9F/);
      assert.equal(r.attempts, 1);
      const all = [...w.sends(w.a), ...w.sends(w.b)];
      assert.equal(all.length, before + 1);
      const req = all[all.length - 1];
      const e = req.extFields!;
      assert.equal(req.code, RequestCode.SEND_MESSAGE_V2);
      assert.equal(e.a, 'pg'); assert.equal(e.b, 'T'); assert.equal(e.c, 'TBW102'); assert.equal(e.d, '4');
      assert.equal(e.f, '0'); assert.equal(e.h, '3'); assert.equal(e.j, '0'); assert.equal(e.k, 'false'); assert.equal(e.m, 'false');
      assert.equal(e.n, r.messageQueue.brokerName);
      assert.ok(Math.abs(Number(e.g) - Date.now()) < 5000);
      assert.ok(e.i.endsWith('\u0002'), '5.3 client writes the trailing separator');
      const props = decodeProperties(e.i);
      assert.equal(props.get('TAGS'), 'TagA');
      assert.equal(props.get('KEYS'), 'k1 k2');
      assert.equal(props.get('WAIT'), 'true');
      assert.equal(props.get('color'), 'red');
      assert.equal(props.get('UNIQ_KEY'), r.msgId);
      assert.equal(Buffer.from(req.body!).toString(), 'hello');
    } finally { await p.shutdown(); }
  });

  test('4.9 client version: no trailing separator, no `n`, compressed flag 0x1 only for < 4.9.4', async () => {
    const p = producer(w, { clientVersion: 399 });
    await p.start();
    try {
      await p.send(new Message({ topic: 'T', body: Buffer.alloc(5000, 97) }));
      const req = [...w.sends(w.a), ...w.sends(w.b)].sort((x, y) => x.opaque - y.opaque).pop()!;
      assert.equal(req.extFields!.n, undefined);
      assert.ok(!req.extFields!.i.endsWith('\u0002'));
      assert.equal(req.extFields!.f, '1');
      assert.ok(req.body!.length < 200, 'body compressed');
    } finally { await p.shutdown(); }
    const p5 = producer(w);
    await p5.start();
    try {
      await p5.send(new Message({ topic: 'T', body: Buffer.alloc(4096, 97) }));
      const req = [...w.sends(w.a), ...w.sends(w.b)].sort((x, y) => x.opaque - y.opaque).pop()!;
      assert.equal(req.extFields!.f, String(0x301), 'zlib type bits, at exactly 4096 bytes (>=)');
      await p5.send(new Message({ topic: 'T', body: Buffer.alloc(4095, 97) }));
      const req2 = [...w.sends(w.a), ...w.sends(w.b)].sort((x, y) => x.opaque - y.opaque).pop()!;
      assert.equal(req2.extFields!.f, '0');
    } finally { await p5.shutdown(); }
  });

  test('async send compresses to the same bytes and flag as a sync send', async () => {
    const p = producer(w);
    await p.start();
    try {
      const body = Buffer.from('abcdefgh'.repeat(1000));
      await p.sendAsync(new Message({ topic: 'T', body }));
      const a = [...w.sends(w.a), ...w.sends(w.b)].sort((x, y) => x.opaque - y.opaque).pop()!;
      await p.send(new Message({ topic: 'T', body }));
      const s = [...w.sends(w.a), ...w.sends(w.b)].sort((x, y) => x.opaque - y.opaque).pop()!;
      assert.equal(a.extFields!.f, String(0x301));
      assert.deepEqual(Buffer.from(a.body!), Buffer.from(s.body!));
      assert.deepEqual(zlib.inflateSync(a.body!), body);
    } finally { await p.shutdown(); }
  });

  test('round-robin over queues sorted by broker name', async () => {
    const p = producer(w);
    await p.start();
    try {
      const qs = await p.fetchPublishMessageQueues('T');
      assert.deepEqual(qs.map((q) => `${q.brokerName}:${q.queueId}`), ['broker-a:0', 'broker-a:1', 'broker-b:0', 'broker-b:1']);
      const seen: string[] = [];
      for (let i = 0; i < 8; i++) {
        const r = await p.send(new Message({ topic: 'T', body: 'x' }));
        seen.push(`${r.messageQueue.brokerName}:${r.messageQueue.queueId}`);
      }
      const start = qs.findIndex((q) => `${q.brokerName}:${q.queueId}` === seen[0]);
      assert.deepEqual(seen, Array.from({ length: 8 }, (_, i) => { const q = qs[(start + i) % 4]; return `${q.brokerName}:${q.queueId}`; }));
    } finally { await p.shutdown(); }
  });

  test('sync retry: retryable broker code → next attempt on the other broker, same UNIQ_KEY, new opaque', async () => {
    const p = producer(w);
    await p.start();
    let firstBroker = '';
    w.brokerA = (r) => { if (r.code === RequestCode.HEART_BEAT) return ok(r); if (!firstBroker) { firstBroker = 'a'; return err(r, 2, '[REJECTREQUEST]system busy'); } return w.stored(r, 'A'); };
    w.brokerB = (r) => { if (r.code === RequestCode.HEART_BEAT) return ok(r); if (!firstBroker) { firstBroker = 'b'; return err(r, 2, '[REJECTREQUEST]system busy'); } return w.stored(r, 'B'); };
    try {
      const na = w.sends(w.a).length, nb = w.sends(w.b).length;
      const r = await p.send(new Message({ topic: 'T', body: 'x' }));
      assert.equal(r.attempts, 2);
      const reqs = [...w.sends(w.a).slice(na), ...w.sends(w.b).slice(nb)];
      assert.equal(reqs.length, 2);
      assert.notEqual(reqs[0].opaque, reqs[1].opaque);
      assert.equal(decodeProperties(reqs[0].extFields!.i).get('UNIQ_KEY'), decodeProperties(reqs[1].extFields!.i).get('UNIQ_KEY'));
      assert.equal(w.sends(w.a).length - na, 1, 'one attempt per broker');
      assert.equal(r.messageQueue.brokerName, firstBroker === 'a' ? 'broker-b' : 'broker-a');
    } finally {
      w.brokerA = (r) => w.stored(r, 'A'); w.brokerB = (r) => w.stored(r, 'B');
      await p.shutdown();
    }
  });

  test('sync: non-retryable broker code raises MQBrokerError with code name, remark, broker name and address', async () => {
    const p = producer(w);
    await p.start();
    w.brokerA = (r) => err(r, 13, 'the message is illegal, maybe msg body or properties length not matched.');
    w.brokerB = w.brokerA;
    try {
      await assert.rejects(p.send(new Message({ topic: 'T', body: 'x' })), (e: unknown) => {
        assert.ok(e instanceof MQBrokerError, String(e));
        assert.equal(e.code, 13);
        assert.equal(e.codeName, 'MESSAGE_ILLEGAL');
        assert.match(e.remark!, /illegal/);
        assert.ok(e.brokerName === 'broker-a' || e.brokerName === 'broker-b');
        assert.ok([w.a.addr, w.b.addr].includes(e.brokerAddr));
        return true;
      });
    } finally {
      w.brokerA = (r) => w.stored(r, 'A'); w.brokerB = (r) => w.stored(r, 'B');
      await p.shutdown();
    }
  });

  test('sync: all attempts fail with retryable codes → SEND_FAILED naming the brokers, 3 attempts', async () => {
    const p = producer(w);
    await p.start();
    w.brokerA = (r) => err(r, 14, 'service not available now');
    w.brokerB = w.brokerA;
    try {
      const n = w.sends(w.a).length + w.sends(w.b).length;
      await assert.rejects(p.send(new Message({ topic: 'T', body: 'x' })), (e: unknown) => {
        assert.ok(e instanceof MQClientError);
        assert.equal(e.rule, 'SEND_FAILED');
        assert.match(e.message, /Send \[3\] times/);
        assert.match(e.message, /SERVICE_NOT_AVAILABLE/);
        assert.ok((e as Error).cause instanceof MQBrokerError);
        return true;
      });
      assert.equal(w.sends(w.a).length + w.sends(w.b).length - n, 3);
    } finally {
      w.brokerA = (r) => w.stored(r, 'A'); w.brokerB = (r) => w.stored(r, 'B');
      await p.shutdown();
    }
  });

  test('sync: the timeout is a total budget across retries (no answer → SEND_TIMEOUT near the budget)', async () => {
    const p = producer(w, { sendMsgTimeoutMs: 600 });
    await p.start();
    await p.fetchPublishMessageQueues('T');
    w.brokerA = () => undefined;
    w.brokerB = () => undefined;
    try {
      const t0 = Date.now();
      await assert.rejects(p.send(new Message({ topic: 'T', body: 'x' })), (e: unknown) => e instanceof MQClientError && (e.rule === 'SEND_TIMEOUT' || e.rule === 'SEND_FAILED'));
      const spent = Date.now() - t0;
      assert.ok(spent >= 550 && spent < 1200, `spent ${spent} ms for a 600 ms budget`);
    } finally {
      w.brokerA = (r) => w.stored(r, 'A'); w.brokerB = (r) => w.stored(r, 'B');
      await p.shutdown();
    }
  });

  test('connection reset mid-request: the pending send fails at once and is retried elsewhere', async () => {
    const p = producer(w, { sendMsgTimeoutMs: 10000 });
    await p.start();
    let resets = 0;
    w.brokerA = (r) => { if (r.code !== RequestCode.HEART_BEAT && resets === 0) { resets++; return 'close'; } return w.stored(r, 'A'); };
    w.brokerB = (r) => { if (r.code !== RequestCode.HEART_BEAT && resets === 0) { resets++; return 'close'; } return w.stored(r, 'B'); };
    try {
      const t0 = Date.now();
      const r = await p.send(new Message({ topic: 'T', body: 'x' }));
      assert.ok(Date.now() - t0 < 2000, 'did not wait for the 10 s timeout');
      assert.equal(r.attempts, 2);
      assert.equal(resets, 1);
    } finally {
      w.brokerA = (r) => w.stored(r, 'A'); w.brokerB = (r) => w.stored(r, 'B');
      await p.shutdown();
    }
  });

  test('async: broker error code is not retried; transport failure is retried with the same header (same queueId)', async () => {
    const p = producer(w, { sendMsgTimeoutMs: 5000 });
    await p.start();
    try {
      w.brokerA = (r) => err(r, 2, 'busy');
      w.brokerB = w.brokerA;
      const n = w.sends(w.a).length + w.sends(w.b).length;
      await assert.rejects(p.sendAsync(new Message({ topic: 'T', body: 'x' })), (e: unknown) => e instanceof MQBrokerError && e.codeName === 'SYSTEM_BUSY');
      assert.equal(w.sends(w.a).length + w.sends(w.b).length - n, 1, 'async does not retry broker codes');

      let closed = 0;
      w.brokerA = (r) => { if (closed === 0) { closed++; return 'close'; } return w.stored(r, 'A'); };
      w.brokerB = (r) => { if (closed === 0) { closed++; return 'close'; } return w.stored(r, 'B'); };
      const na = w.sends(w.a).length, nb = w.sends(w.b).length;
      const r = await p.sendAsync(new Message({ topic: 'T', body: 'y' }));
      assert.equal(r.attempts, 2);
      const reqs = [...w.sends(w.a).slice(na), ...w.sends(w.b).slice(nb)].sort((x, y) => x.opaque - y.opaque);
      assert.equal(reqs.length, 2);
      assert.notEqual(reqs[0].opaque, reqs[1].opaque);
      const strip = (e: Record<string, string>) => ({ ...e });
      assert.deepEqual(strip(reqs[0].extFields!), strip(reqs[1].extFields!), 'identical header incl. e (queueId) and g');
    } finally {
      w.brokerA = (r) => w.stored(r, 'A'); w.brokerB = (r) => w.stored(r, 'B');
      await p.shutdown();
    }
  });

  test('oneway: flag 2, no retry, resolves without a response', async () => {
    const p = producer(w);
    await p.start();
    w.brokerA = () => undefined; w.brokerB = () => undefined;
    try {
      const r = await p.sendOneway(new Message({ topic: 'T', body: 'x' }));
      assert.match(r.msgId, /^[0-9A-F]{32}$/);
      assert.equal(r.request.flag & 2, 2);
    } finally {
      w.brokerA = (r) => w.stored(r, 'A'); w.brokerB = (r) => w.stored(r, 'B');
      await p.shutdown();
    }
  });

  test('unknown topic uses the TBW102 route with min(4, readQueueNums) queues; missing both → NO_ROUTE', async () => {
    w.routes.set('TBW102', routeJson([{ name: 'broker-a', addr: w.a.addr, queues: 8, perm: 7 }]));
    const p = producer(w);
    await p.start();
    try {
      const qs = await p.fetchPublishMessageQueues('NewTopic');
      assert.deepEqual(qs.map((q) => `${q.brokerName}:${q.queueId}`), ['broker-a:0', 'broker-a:1', 'broker-a:2', 'broker-a:3']);
      w.routes.delete('TBW102');
      await assert.rejects(p.send(new Message({ topic: 'Other', body: 'x' })), (e: unknown) => e instanceof MQClientError && e.rule === 'NO_ROUTE' && /Other/.test(e.message));
    } finally { await p.shutdown(); }
  });

  test('topic without a writable queue → NO_WRITABLE_QUEUE explaining the perm', async () => {
    w.routes.set('RO', routeJson([{ name: 'broker-a', addr: w.a.addr, queues: 2, perm: 4 }]));
    const p = producer(w);
    await p.start();
    try {
      await assert.rejects(p.send(new Message({ topic: 'RO', body: 'x' })), (e: unknown) =>
        e instanceof MQClientError && e.rule === 'NO_WRITABLE_QUEUE' && /perm 4 has no WRITE bit/.test(e.message));
    } finally { await p.shutdown(); }
  });

  test('NameServer failover: first address refuses, second answers; none answering → NAMESERVER_UNREACHABLE', async () => {
    const dead = await new FakeServer(() => undefined).start();
    const deadAddr = dead.addr;
    await dead.stop();
    const p = new Producer({ namesrvAddr: `${deadAddr};${w.ns.addr}`, producerGroup: 'pg', heartbeatOnNewBroker: false });
    await p.start();
    try {
      for (let i = 0; i < 3; i++) {
        p.invalidateRoute('T');
        assert.equal((await p.send(new Message({ topic: 'T', body: 'x' }))).sendStatus, 'SEND_OK');
      }
    } finally { await p.shutdown(); }
    const p2 = new Producer({ namesrvAddr: deadAddr, producerGroup: 'pg', sendMsgTimeoutMs: 800 });
    await p2.start();
    try {
      await assert.rejects(p2.send(new Message({ topic: 'T', body: 'x' })), (e: unknown) =>
        e instanceof MQClientError && e.rule === 'NAMESERVER_UNREACHABLE' && e.message.includes(deadAddr) && /refused/.test(e.message));
    } finally { await p2.shutdown(); }
  });

  test('batch: one SEND_BATCH_MESSAGE, m=true, inner UNIQ_KEYs, msgId list; split option', async () => {
    const p = producer(w);
    await p.start();
    try {
      const msgs = [0, 1, 2].map((i) => new Message({ topic: 'T', body: `b${i}`, tags: 't' }));
      const [r] = await p.sendBatch(msgs);
      const req = [...w.sends(w.a), ...w.sends(w.b)].sort((x, y) => x.opaque - y.opaque).pop()!;
      assert.equal(req.code, RequestCode.SEND_BATCH_MESSAGE);
      assert.equal(req.extFields!.m, 'true');
      const inner = decodeBatchBody(req.body!);
      assert.deepEqual(inner.map((x) => Buffer.from(x.body).toString()), ['b0', 'b1', 'b2']);
      assert.deepEqual(r.msgId.split(','), inner.map((x) => x.properties.get('UNIQ_KEY')));
      const bp = decodeProperties(req.extFields!.i);
      assert.equal(bp.get('WAIT'), 'true');
      assert.equal(bp.get('UNIQ_KEY'), undefined, 'no batch-level UNIQ_KEY: brokers would copy it over the inner ones');
      const many = Array.from({ length: 10 }, (_, i) => new Message({ topic: 'T', body: Buffer.alloc(100, i) }));
      const rs = await p.sendBatch(many, { split: true, splitBytes: 700 });
      assert.ok(rs.length >= 2);
      assert.equal(rs.map((x) => x.msgId.split(',').length).reduce((a, b) => a + b), 10);
      await assert.rejects(p.sendBatch([new Message({ topic: 'T', body: 'x' }), new Message({ topic: 'U', body: 'y' })]),
        (e: unknown) => e instanceof MQClientError && e.rule === 'BATCH_DIFFERENT_TOPIC');
    } finally { await p.shutdown(); }
  });

  test('shutdown fails a pending send at once with SHUT_DOWN', async () => {
    const p = producer(w, { sendMsgTimeoutMs: 10000 });
    await p.start();
    await p.fetchPublishMessageQueues('T');
    w.brokerA = () => undefined; w.brokerB = () => undefined;
    try {
      const pending = p.send(new Message({ topic: 'T', body: 'x' }));
      await new Promise((r) => setImmediate(r));
      const t0 = Date.now();
      const closing = p.shutdown();
      await assert.rejects(pending, (e: unknown) => e instanceof MQClientError && e.rule === 'SHUT_DOWN');
      assert.ok(Date.now() - t0 < 1000);
      await closing;
    } finally {
      w.brokerA = (r) => w.stored(r, 'A'); w.brokerB = (r) => w.stored(r, 'B');
    }
  });
});
