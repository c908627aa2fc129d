import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { FakeServer, ok, routeJson, err } from './fake-server';
import { Producer, MQClient } from '../../../src/core/producer';
import { Message, encodeStoredMessage } from '../../../src/core/message';
import { RequestCode, createRequest, decodeFrame, RemotingCommand } from '../../../src/core/remoting';
import { TrafficRecord } from '../../../src/core/transport';

async function until<T>(what: string, f: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('heartbeats: on first route to a broker, then every heartbeatBrokerInterval; body like Java HeartbeatData', async () => {
  const broker = await new FakeServer((r) => ok(r, { msgId: '7F00000100002A9F0000000000000001', queueId: 0, queueOffset: 0 })).start();
  const ns = await new FakeServer((r) => (r.extFields?.topic === 'T' ? ok(r, undefined, routeJson([{ name: 'broker-a', addr: broker.addr, queues: 1 }])) : err(r, 17, 'no'))).start();
  const p = new Producer({ namesrvAddr: ns.addr, producerGroup: 'hb_group', heartbeatBrokerIntervalMs: 150, clientVersion: 479 });
  await p.start();
  try {
    await p.send(new Message({ topic: 'T', body: 'x' }));
    const beats = await until('3 heartbeats', () => {
      const hb = broker.received.filter((r) => r.code === RequestCode.HEART_BEAT);
      return hb.length >= 3 ? hb : undefined;
    });
    const body = JSON.parse(Buffer.from(beats[0].body!).toString());
    assert.deepEqual(Object.keys(body), ['clientID', 'consumerDataSet', 'heartbeatFingerprint', 'producerDataSet', 'withoutSub']);
    assert.deepEqual(body.producerDataSet, [{ groupName: 'hb_group' }, { groupName: 'CLIENT_INNER_PRODUCER' }]);
    assert.match(body.clientID, /^[0-9.:a-f]+@\d+#\d+$/);
    assert.equal(body.clientID, p.clientId);
  } finally {
    await p.shutdown();
    await broker.stop();
    await ns.stop();
  }
  const p4 = new Producer({ namesrvAddr: ns.addr, producerGroup: 'g', clientVersion: 409 });
  assert.deepEqual(Object.keys(JSON.parse(Buffer.from(p4.heartbeatBody()).toString())), ['clientID', 'consumerDataSet', 'producerDataSet']);
});

test('traffic hook sees every frame in and out; SendResult carries its request/response', async () => {
  const broker = await new FakeServer((r) => ok(r, { msgId: '7F00000100002A9F0000000000000001', queueId: 0, queueOffset: 0 })).start();
  const ns = await new FakeServer((r) => ok(r, undefined, routeJson([{ name: 'broker-a', addr: broker.addr, queues: 1 }]))).start();
  const traffic: Array<TrafficRecord & { address: string }> = [];
  const p = new Producer({ namesrvAddr: ns.addr, producerGroup: 'g', heartbeatOnNewBroker: false, onTraffic: (t) => traffic.push(t) });
  await p.start();
  try {
    const r = await p.send(new Message({ topic: 'T', body: 'x' }));
    const frames = traffic.map((t) => ({ dir: t.direction, addr: t.address, cmd: decodeFrame(t.bytes) }));
    assert.deepEqual(frames.map((f) => `${f.dir} ${f.addr === ns.addr ? 'ns' : 'broker'} ${f.cmd.code}`),
      ['out ns 105', 'in ns 0', 'out broker 310', 'in broker 0']);
    assert.equal(frames[2].cmd.opaque, r.request.opaque);
    assert.equal(frames[3].cmd.opaque, r.response.opaque);
  } finally {
    await p.shutdown();
    await broker.stop();
    await ns.stop();
  }
});

test('CHECK_TRANSACTION_STATE from the broker is answered with END_TRANSACTION on the same connection', async () => {
  let endTx: RemotingCommand | undefined;
  const broker = await new FakeServer((r) => {
    if (r.code === RequestCode.END_TRANSACTION) { endTx = r; return; }
    return ok(r, { msgId: '7F00000100002A9F0000000000000001', queueId: 0, queueOffset: 5, transactionId: 'X' });
  }).start();
  const ns = await new FakeServer((r) => ok(r, undefined, routeJson([{ name: 'broker-a', addr: broker.addr, queues: 1 }]))).start();
  const p = new Producer({
    namesrvAddr: ns.addr, producerGroup: 'txg', heartbeatOnNewBroker: false,
    transactionListener: { executeLocalTransaction: () => 'UNKNOW', checkLocalTransaction: (m) => (m.msgId === 'UNIQ1' ? 'ROLLBACK_MESSAGE' : 'COMMIT_MESSAGE') },
  });
  await p.start();
  try {
    const r = await p.sendMessageInTransaction(new Message({ topic: 'T', body: 'half' }));
    assert.equal(r.localTransactionState, 'UNKNOW');
    const first = await until('END_TRANSACTION after the local transaction', () => endTx);
    assert.equal(first.flag & 2, 2, 'oneway');
    assert.equal(first.extFields!.commitOrRollback, '0');
    assert.equal(first.extFields!.fromTransactionCheck, 'false');
    assert.equal(first.extFields!.tranStateTableOffset, '5');
    assert.equal(first.extFields!.commitLogOffset, '1');
    assert.equal(first.extFields!.msgId, r.msgId);
    assert.equal(first.extFields!.producerGroup, 'txg');
    const sendReq = broker.received.find((x) => x.code === RequestCode.SEND_MESSAGE_V2)!;
    assert.equal(Number(sendReq.extFields!.f) & 0x4, 0x4, 'half message sysFlag TRANSACTION_PREPARED');
    endTx = undefined;
    const half = encodeStoredMessage({ topic: 'T', body: Buffer.from('half'), properties: { UNIQ_KEY: 'UNIQ1', PGROUP: 'txg', TRAN_MSG: 'true' }, sysFlag: 4 });
    broker.push(createRequest(RequestCode.CHECK_TRANSACTION_STATE, {
      tranStateTableOffset: 5, commitLogOffset: 1, msgId: 'UNIQ1', transactionId: 'UNIQ1', offsetMsgId: '7F00000100002A9F0000000000000001',
    }, { body: half, oneway: true }));
    const answer = await until('END_TRANSACTION answering the check', () => endTx);
    assert.equal(answer.extFields!.commitOrRollback, '12');
    assert.equal(answer.extFields!.fromTransactionCheck, 'true');
    assert.equal(answer.extFields!.msgId, 'UNIQ1');
    assert.equal(answer.extFields!.transactionId, 'UNIQ1');
    assert.equal(broker.sockets.size, 1, 'same connection');
  } finally {
    await p.shutdown();
    await broker.stop();
    await ns.stop();
  }
});

test('ACL: every request carries AccessKey and a Signature the server can recompute', async () => {
  const { calSignature, signatureContent } = await import('../../../src/core/producer');
  const seen: RemotingCommand[] = [];
  const broker = await new FakeServer((r) => { seen.push(r); return ok(r, { msgId: '7F00000100002A9F0000000000000001', queueId: 0, queueOffset: 0 }); }).start();
  const ns = await new FakeServer((r) => { seen.push(r); return ok(r, undefined, routeJson([{ name: 'broker-a', addr: broker.addr, queues: 1 }])); }).start();
  const client = new MQClient({ namesrvAddr: ns.addr });
  const p = new Producer({ namesrvAddr: ns.addr, producerGroup: 'g', heartbeatOnNewBroker: false, acl: { accessKey: 'RocketMQ', secretKey: '12345678' } });
  await p.start();
  try {
    await p.send(new Message({ topic: 'T', body: 'signed body' }));
    assert.equal(seen.length, 2);
    for (const r of seen) {
      assert.equal(r.extFields!.AccessKey, 'RocketMQ');
      assert.equal(r.extFields!.Signature, calSignature(signatureContent(r.extFields!, r.body), '12345678'));
    }
  } finally {
    await p.shutdown();
    await client.close();
    await broker.stop();
    await ns.stop();
  }
});
