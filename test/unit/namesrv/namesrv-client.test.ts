// The one NameServer client against fake NameServers on 127.0.0.1 (net.createServer; unit tests only, the
// cluster phase asks real 4.9.7 and 5.3.3 NameServers): random start, failover, stickiness, the budget,
// final error answers, lenient bodies, and the shared pool of MQClient.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { NameServerClient } from '../../../src/core/namesrv/namesrv-client';
import { ResponseCodeError } from '../../../src/core/errors';
import { RequestCode, ResponseCode, RemotingCommand } from '../../../src/core/remoting';
import { TransportError } from '../../../src/core/transport';
import { MQClient, MQClientError, NameServerUnreachableError } from '../../../src/core/producer';
import { FakeServer, err, ok } from '../producer/fake-server';

const servers: FakeServer[] = [];
after(async () => { await Promise.all(servers.map((s) => s.stop().catch(() => undefined))); });

/** A NameServer answering the topic list with a fastjson-style body, and TOPIC_NOT_EXIST for routes of "missing". */
async function nameServer(name: string): Promise<FakeServer> {
  const s = await new FakeServer((req: RemotingCommand) => {
    if (req.code === RequestCode.GET_ROUTEINFO_BY_TOPIC && req.extFields?.topic === 'missing') {
      return err(req, ResponseCode.TOPIC_NOT_EXIST, `No topic route info in name server for the topic: missing (${name})`);
    }
    if (req.code === RequestCode.GET_ROUTEINFO_BY_TOPIC) {
      // fastjson's non-standard form (NameServers before 4.9.4): bare numeric keys
      return ok(req, undefined, Buffer.from(`{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"broker-${name}","cluster":"C"}],`
        + `"filterServerTable":{},"queueDatas":[{"brokerName":"broker-${name}","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}`));
    }
    return ok(req, undefined, Buffer.from(`{"topicList":['${name}','TBW102']}`));
  }).start();
  servers.push(s);
  return s;
}

/** A server that accepts connections and drops them at the first request. */
async function dropping(): Promise<FakeServer> {
  const s = await new FakeServer(() => 'close').start();
  servers.push(s);
  return s;
}

/** A server that never answers. */
async function silent(): Promise<FakeServer> {
  const s = await new FakeServer(() => undefined).start();
  servers.push(s);
  return s;
}

/** An address nothing listens on (connection refused). */
async function deadAddress(): Promise<string> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const addr = `127.0.0.1:${(probe.address() as net.AddressInfo).port}`;
  await new Promise<void>((r) => probe.close(() => r()));
  return addr;
}

const first = () => 0;           // start at the first address of the list
const last = () => 0.999;        // start at the last one

describe('NameServerClient', () => {
  test('starts at the address `random` picks (Java: a random one)', async () => {
    const [a, b] = [await nameServer('a'), await nameServer('b')];
    const c1 = new NameServerClient(`${a.addr};${b.addr}`, { random: first });
    const c2 = new NameServerClient(`${a.addr};${b.addr}`, { random: last });
    try {
      assert.equal((await c1.getAllTopicList()).address, a.addr);
      assert.equal((await c2.getAllTopicList()).address, b.addr);
    } finally { await c1.close(); await c2.close(); }
  });

  test('fails over from a refusing address to the next, then sticks to the one that answered', async () => {
    const dead = await deadAddress();
    const live = await nameServer('live');
    const c = new NameServerClient(`${dead};${live.addr}`, { random: first });
    try {
      const r = await c.getAllTopicList();
      assert.equal(r.address, live.addr);
      assert.deepEqual(r.value.topicList, ['live', 'TBW102'], 'single-quoted strings read by the lenient parser');
      assert.deepEqual(c.pool.connectedAddresses(), [live.addr], 'the refused address holds no connection');
    } finally { await c.close(); }
  });

  test('a dropped connection fails over too; later queries go straight to the NameServer that answered', async () => {
    const bad = await dropping();
    const live = await nameServer('live');
    const c = new NameServerClient(`${bad.addr};${live.addr}`, { random: first });
    try {
      assert.equal((await c.getClusterInfo()).address, live.addr);
      assert.equal(bad.received.length, 1, 'asked the first address once');
      for (let i = 0; i < 3; i++) assert.equal((await c.getRouteInfo('T')).address, live.addr);
      assert.equal(bad.received.length, 1, 'sticky: the failed address is not asked again while the good one answers');
      assert.equal(live.received.length, 4);
    } finally { await c.close(); }
  });

  test('an error answer from a reachable NameServer is final: MQNameServerError, the next one is not asked', async () => {
    const a = await nameServer('a');
    const b = await nameServer('b');
    const c = new NameServerClient(`${a.addr};${b.addr}`, { random: first });
    try {
      await assert.rejects(c.getRouteInfo('missing'), (e: unknown) => {
        assert.ok(e instanceof ResponseCodeError, String(e));
        assert.equal(e.role, 'nameserver');
        assert.equal(e.code, ResponseCode.TOPIC_NOT_EXIST);
        assert.equal(e.address, a.addr);
        assert.equal(e.requestCodeName, 'GET_ROUTEINFO_BY_TOPIC');
        assert.equal(e.retryable, false);
        assert.equal(e.outcome, 'not-found');
        assert.equal(e.message, `TOPIC_NOT_EXIST (17) from NameServer ${a.addr} for GET_ROUTEINFO_BY_TOPIC: No topic route info in name server for the topic: missing (a)`);
        return true;
      });
      assert.equal(b.received.length, 0);
      // lenient route body: bare numeric broker-id keys
      const route = (await c.getRouteInfo('T')).value;
      assert.equal(route.brokerDatas[0].brokerAddrs.get(0), '127.0.0.1:10911');
    } finally { await c.close(); }
  });

  test('none reachable → NameServerUnreachableError naming every address and why', async () => {
    const [d1, d2] = [await deadAddress(), await deadAddress()];
    const c = new NameServerClient(`${d1};${d2}`);
    try {
      await assert.rejects(c.getClusterInfo(), (e: unknown) => {
        assert.ok(e instanceof NameServerUnreachableError, String(e));
        assert.ok(e instanceof MQClientError && e.rule === 'NAMESERVER_UNREACHABLE');
        assert.deepEqual(e.failures.map((f) => f.address).sort(), [d1, d2].sort());
        assert.ok(e.failures.every((f) => f.error instanceof TransportError && f.error.kind === 'connect-refused'));
        assert.equal(e.outcome, 'refused');
        assert.ok(e.message.includes(d1) && e.message.includes(d2) && /refused/.test(e.message), e.message);
        return true;
      });
    } finally { await c.close(); }
  });

  test('one budget per query: a silent NameServer uses it up, the rest are reported as not tried', async () => {
    const quiet = await silent();
    const live = await nameServer('live');
    const c = new NameServerClient(`${quiet.addr};${live.addr}`, { random: first, timeoutMs: 300 });
    try {
      const t0 = Date.now();
      await assert.rejects(c.getAllTopicList(), (e: unknown) => {
        assert.ok(e instanceof NameServerUnreachableError, String(e));
        assert.equal((e.failures[0].error as TransportError).kind, 'timeout');
        assert.deepEqual(e.notTried, [live.addr]);
        assert.equal(e.outcome, 'timeout');
        assert.match(e.message, /no response within .*1 NameServer\(s\) not tried: the 300 ms budget ran out/);
        return true;
      });
      const spent = Date.now() - t0;
      assert.ok(spent >= 250 && spent < 1500, `spent ${spent} ms of a 300 ms budget`);
      assert.equal(live.received.length, 0);
      // the next query starts at the next address and gets its answer
      assert.equal((await c.getAllTopicList()).address, live.addr);
    } finally { await c.close(); }
  });

  test('MQClient.nameServer runs over the client\'s own pool: one connection per address, traffic and ACL signing included', async () => {
    const live = await nameServer('live');
    const traffic: Array<{ address: string; direction: string }> = [];
    const client = new MQClient({ namesrvAddr: live.addr, acl: { accessKey: 'ak', secretKey: 'sk' }, onTraffic: (r) => traffic.push(r) });
    try {
      assert.equal(client.nameServer, client.nameServer, 'one NameServer client per pool');
      assert.equal(client.nameServer.pool, client);
      assert.deepEqual((await client.getTopicList()).topicList, ['live', 'TBW102']);
      assert.equal((await client.getTopicRoute('T')).brokerDatas[0].brokerName, 'broker-live');
      await client.getClusterInfo();
      assert.deepEqual(client.connectedAddresses(), [live.addr]);
      assert.equal(live.sockets.size, 1, 'all three queries on one connection');
      assert.deepEqual(traffic.map((t) => `${t.direction} ${t.address}`), Array(3).fill([`out ${live.addr}`, `in ${live.addr}`]).flat());
      assert.ok(live.received.every((r) => r.extFields?.AccessKey === 'ak' && !!r.extFields?.Signature), 'NameServer requests are signed');
      await client.nameServer.close(); // a shared pool belongs to its owner: still open
      await client.getTopicList();
    } finally { await client.close(); }
    await assert.rejects(client.nameServer.getAllTopicList(), (e: unknown) => e instanceof MQClientError && e.rule === 'SHUT_DOWN');
  });

  test('an address list that is not host:port is refused up front', () => {
    assert.throws(() => new NameServerClient('nonsense'), (e: unknown) => e instanceof MQClientError && e.rule === 'NO_NAMESERVER' && e.cause instanceof TransportError);
  });
});
