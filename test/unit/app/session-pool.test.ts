// A connection session holds one pool: NameServer queries, broker queries and the producer's sends share
// one MQClient, so one connection per address (fake NameServer and broker on 127.0.0.1).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { OwnTraffic } from '../../../src/app/inspector/own-traffic';
import { ConnectionSession } from '../../../src/app/connections/session';
import { RequestCode, ResponseCode } from '../../../src/core/remoting';
import { Message } from '../../../src/core/message';
import { MQBrokerError, MQClientError } from '../../../src/core/producer';
import { FakeServer, err, ok, routeJson } from '../producer/fake-server';
import { describeFailure } from '../../../src/app/routes/errors';

const servers: FakeServer[] = [];
after(async () => { await Promise.all(servers.map((s) => s.stop().catch(() => undefined))); });

test('NameServer queries, broker queries and sends of a session go over one connection per address', async () => {
  const broker = await new FakeServer((req) => {
    if (req.code === RequestCode.GET_MAX_OFFSET) return ok(req, { offset: 42 });
    if (req.code === RequestCode.GET_MIN_OFFSET) {
      if (req.extFields?.queueId === '1') return err(req, ResponseCode.SYSTEM_BUSY, 'busy');
      return req.extFields?.queueId === '2' ? ok(req, {}) : ok(req, { offset: 0 });
    }
    if (req.code === RequestCode.SEND_MESSAGE_V2) return ok(req, { msgId: '0A000001000078BF0000000000000000', queueId: 0, queueOffset: 0 });
    return ok(req);
  }).start();
  servers.push(broker);
  const ns = await new FakeServer((req) => {
    if (req.code === RequestCode.GET_ROUTEINFO_BY_TOPIC) return ok(req, undefined, routeJson([{ name: 'broker-a', addr: broker.addr, queues: 2 }]));
    if (req.code === RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER) return ok(req, undefined, Buffer.from('{"topicList":["T"]}'));
    return ok(req, undefined, Buffer.from(`{"brokerAddrTable":{"broker-a":{"brokerAddrs":{"0":"${broker.addr}"},"brokerName":"broker-a","cluster":"C"}},"clusterAddrTable":{"C":["broker-a"]}}`));
  }).start();
  servers.push(ns);

  const traffic = new OwnTraffic();
  const s = new ConnectionSession({ name: 'local', namesrv: ns.addr }, {}, 2000, () => traffic);
  try {
    assert.deepEqual((await s.getTopicList()).value.topicList, ['T']);
    assert.equal((await s.getRoute('T')).address, ns.addr);
    await s.getClusterInfo();
    assert.deepEqual(await s.queueOffsets(broker.addr, 'T', 0), { min: 0n, max: 42n });
    const p = await s.producer();
    assert.equal(p.client, s.client, 'the producer runs over the session\'s pool');
    assert.equal((await p.send(new Message({ topic: 'T', body: 'x' }))).sendStatus, 'SEND_OK');
    assert.deepEqual(s.client.connectedAddresses().sort(), [ns.addr, broker.addr].sort());
    assert.equal(ns.sockets.size, 1, 'one connection to the NameServer');
    assert.equal(broker.sockets.size, 1, 'one connection to the broker');
    const frames = traffic.between(0, traffic.mark);
    assert.ok(frames.length >= 12 && s.frameMark === frames.length, 'every frame of the session is recorded, in the one store');
    assert.ok(frames.every((f) => f.origin === 'local' && f.bytes && f.connectionId > 0));
    assert.equal(new Set(frames.map((f) => f.connectionId)).size, 2, 'two real connections (NameServer, broker), told apart by the transport\'s ids');
    assert.deepEqual(s.framesBetween(0, s.frameMark), frames);
    assert.equal(traffic.indexed, false, 'nothing is indexed while no view is open');

    // a broker's failure code is the one response-code error, worded with the broker's role
    await assert.rejects(s.queueOffset('min', broker.addr, 'T', 1), (e: unknown) => {
      assert.ok(e instanceof MQBrokerError && e.role === 'broker' && e.requestCodeName === 'GET_MIN_OFFSET', String(e));
      assert.equal(describeFailure(e, 'broker').short, `SYSTEM_BUSY (2) from broker ${broker.addr}: busy`);
      return true;
    });
    // SUCCESS without the offset field is an answer we cannot use, not a response code error
    await assert.rejects(s.queueOffset('min', broker.addr, 'T', 2), (e: unknown) => e instanceof MQClientError && e.rule === 'REQUEST_FAILED' && /no offset field/.test(e.message));
  } finally {
    await s.dispose();
  }
  assert.equal(s.client.closed, true, 'dispose closes the one pool');
});
