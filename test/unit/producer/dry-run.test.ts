// The route dry-run against a NameServer/broker fake: the prediction is the queue the same producer's
// next send takes (round-robin, sharding key, explicit queue), fault tolerance's avoided brokers are
// named and skipped, and every reason a send would be refused is listed. Against real clusters and
// Java's own selector: test/cluster/dry-run.test.ts.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { FakeServer, ok, err, routeJson } from './fake-server';
import { Producer, predictSend, formatPrediction, shardingIndex, selectByHash } from '../../../src/core/producer';
import { Message } from '../../../src/core/message';
import { RequestCode, ResponseCode } from '../../../src/core/remoting';
import { main } from '../../../src/cli/main';

let broker: FakeServer;
let ns: FakeServer;
const sentTo: { queueId: number; broker: string }[] = [];

before(async () => {
  broker = await new FakeServer((req) => {
    if (req.code === RequestCode.SEND_MESSAGE_V2) {
      const queueId = Number(req.extFields?.e);
      sentTo.push({ queueId, broker: req.extFields?.n ?? '' });
      return ok(req, { msgId: '7F00000100002A9F0000000000000001', queueId, queueOffset: 1 });
    }
    return ok(req);
  }).start();
  ns = await new FakeServer((req) => {
    if (req.code !== RequestCode.GET_ROUTEINFO_BY_TOPIC) return ok(req);
    const topic = req.extFields?.topic;
    if (topic === 'Orders') return ok(req, undefined, routeJson([{ name: 'broker-a', addr: broker.addr, queues: 4 }, { name: 'broker-b', addr: broker.addr, queues: 4 }]));
    if (topic === 'ReadOnly') return ok(req, undefined, routeJson([{ name: 'broker-a', addr: broker.addr, queues: 2, perm: 4 }]));
    return err(req, ResponseCode.TOPIC_NOT_EXIST, `No topic route info in name server for the topic: ${topic}`);
  }).start();
});
after(async () => { await broker.stop(); await ns.stop(); });

const producer = async (extra: Partial<ConstructorParameters<typeof Producer>[0]> = {}) => {
  const p = new Producer({ namesrvAddr: ns.addr, producerGroup: 'pg_dry', clientVersion: 413, heartbeatOnNewBroker: false, ...extra });
  await p.start();
  return p;
};

test('round-robin: the prediction is the queue the next send of the same producer takes, send after send', async () => {
  const p = await producer();
  try {
    for (let k = 0; k < 10; k++) {
      const pred = await predictSend(p, { topic: 'Orders', messages: [new Message({ topic: 'Orders', body: 'x' })], routing: { kind: 'round-robin' } });
      assert.ok(pred.ok);
      assert.equal(pred.writableQueues.length, 8);
      const r = await p.send(new Message({ topic: 'Orders', body: 'x' }));
      assert.deepEqual(r.messageQueue, pred.selection.queue, `send ${k}`);
      assert.match(pred.selection.how, new RegExp(`^round-robin: the next position is ${pred.selection.position} of 8 → ${r.messageQueue.brokerName} queue ${r.messageQueue.queueId}`));
    }
  } finally { await p.shutdown(); }
});

test('sharding key: Java String.hashCode mod the writable queues; equals selectByHash, and the send with that key goes there', async () => {
  const p = await producer();
  try {
    // "Aa" and "BB" collide in Java's String.hashCode (2112); a negative hash takes the absolute of the remainder
    assert.equal(shardingIndex('Aa', 8).hash, 2112);
    assert.equal(shardingIndex('BB', 8).index, 2112 % 8);
    assert.ok(shardingIndex('polygenelubricants', 8).hash < 0, 'a key whose Java hash is negative');
    for (const key of ['order-1', 'order-2', 'polygenelubricants', 'Aa', 'BB', 'ключ']) {
      const pred = await predictSend(p, { topic: 'Orders', messages: [new Message({ topic: 'Orders', body: 'x' })], routing: { kind: 'sharding', shardingKey: key } });
      const r = await p.send(new Message({ topic: 'Orders', body: 'x' }), { selector: selectByHash, selectorArg: key });
      assert.deepEqual(r.messageQueue, pred.selection.queue, key);
      assert.equal(pred.selection.hash, shardingIndex(key, 8).hash);
    }
  } finally { await p.shutdown(); }
});

test('fault tolerance: an avoided broker is named, and round-robin skips it', async () => {
  const p = await producer({ sendLatencyFaultEnable: true });
  try {
    await p.findPublishInfo('Orders');
    p.fault.update('broker-a', 4000, false); // a slow send: broker-a avoided for a while
    for (let k = 0; k < 4; k++) {
      const pred = await predictSend(p, { topic: 'Orders', messages: [new Message({ topic: 'Orders', body: 'x' })], routing: { kind: 'round-robin' } });
      assert.deepEqual(pred.faultTolerance.avoided.map((a) => a.brokerName), ['broker-a']);
      assert.equal(pred.selection.queue?.brokerName, 'broker-b');
      const r = await p.send(new Message({ topic: 'Orders', body: 'x' }));
      assert.deepEqual(r.messageQueue, pred.selection.queue);
    }
    // a sharding key does not avoid brokers: it says so
    const key = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'].find((k) => shardingIndex(k, 8).index < 4)!;
    const pred = await predictSend(p, { topic: 'Orders', messages: [new Message({ topic: 'Orders', body: 'x' })], routing: { kind: 'sharding', shardingKey: key } });
    assert.equal(pred.selection.queue?.brokerName, 'broker-a');
    assert.ok(pred.notes.some((n) => /broker-a is avoided by fault tolerance right now, but a sharding key does not avoid brokers/.test(n)), pred.notes.join('\n'));
  } finally { await p.shutdown(); }
});

test('refusals: no writable queue, an explicit queue that is not writable, a body over the limit, a forbidden topic, no route with TBW102 missing', async () => {
  const p = await producer();
  const m = (topic: string, body = 'x') => [new Message({ topic, body })];
  try {
    const ro = await predictSend(p, { topic: 'ReadOnly', messages: m('ReadOnly'), routing: { kind: 'round-robin' } });
    assert.equal(ro.ok, false);
    assert.match(ro.refusals[0], /No writable queue for topic ReadOnly: broker-a: perm 4 has no WRITE bit/);
    const q = await predictSend(p, { topic: 'Orders', messages: m('Orders'), routing: { kind: 'explicit', brokerName: 'broker-b', queueId: 9 } });
    assert.deepEqual(q.refusals, ['Orders has no writable queue 9 on broker-b (writable: 0, 1, 2, 3)']);
    const big = await predictSend(p, { topic: 'Orders', messages: m('Orders', 'z'.repeat(4 * 1024 * 1024 + 1)), routing: { kind: 'round-robin' } });
    assert.match(big.refusals[0], /body size over max value, MAX: 4194304/);
    const sys = await predictSend(p, { topic: 'SCHEDULE_TOPIC_XXXX', messages: m('SCHEDULE_TOPIC_XXXX'), routing: { kind: 'round-robin' } });
    assert.match(sys.refusals[0], /Sending message to topic\[SCHEDULE_TOPIC_XXXX\] is forbidden/);
    const none = await predictSend(p, { topic: 'Nowhere', messages: m('Nowhere'), routing: { kind: 'round-robin' } });
    assert.equal(none.routeSource, 'none');
    assert.match(none.refusals[0], /^No route info of topic Nowhere: .*TBW102 has no route either/);
    const text = formatPrediction(none).join('\n');
    assert.match(text, /Would be refused: No route info of topic Nowhere/);
  } finally { await p.shutdown(); }
});

test('CLI send --dry-run: nothing is sent; --json prints the prediction; exit 1 when it would be refused', async () => {
  const out: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), stdin: async () => '' };
  const before = sentTo.length;
  assert.equal(await main(['send', '--namesrv', ns.addr, '--topic', 'Orders', '--body', 'x', '--sharding-key', 'order-7', '--dry-run', '--json'], io), 0);
  const pred = JSON.parse(out.join('\n'));
  const { index } = shardingIndex('order-7', 8);
  assert.deepEqual(pred.selection.queue, { topic: 'Orders', brokerName: index < 4 ? 'broker-a' : 'broker-b', queueId: index % 4 });
  assert.equal(sentTo.length, before, 'a dry run sends nothing');
  out.length = 0;
  assert.equal(await main(['send', '--namesrv', ns.addr, '--topic', 'Orders', '--body', 'x', '--dry-run'], io), 0);
  assert.equal(out[0], 'Dry run: nothing was sent.');
  assert.ok(out.some((l) => /^Queue: round-robin: a new producer starts at a random one of the 8 writable queues/.test(l)), out.join('\n'));
  out.length = 0;
  assert.equal(await main(['send', '--namesrv', ns.addr, '--topic', 'ReadOnly', '--body', 'x', '--queue', 'broker-a:0', '--dry-run'], io), 1);
  assert.ok(out.some((l) => l.startsWith('Would be refused:')), out.join('\n'));
  // the real send with the same key goes to the predicted queue
  out.length = 0;
  assert.equal(await main(['send', '--namesrv', ns.addr, '--topic', 'Orders', '--body', 'x', '--sharding-key', 'order-7'], io), 0);
  assert.deepEqual(JSON.parse(out[0]).messageQueue, pred.selection.queue);
  out.length = 0;
  assert.equal(await main(['send', '--namesrv', ns.addr, '--topic', 'Orders', '--body', 'x', '--json'], io), 2);
  assert.match(out.join('\n'), /--json goes with --dry-run/);
  out.length = 0;
  assert.equal(await main(['send', '--namesrv', ns.addr, '--topic', 'Orders', '--body', 'x', '--queue', 'a:1', '--sharding-key', 'k'], io), 2);
  assert.match(out.join('\n'), /--queue or --sharding-key, not both/);
});
