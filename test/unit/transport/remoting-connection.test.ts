import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import {
  createRequest, createResponse, decodeFrame, encodeFrame, FrameSplitter, RemotingCommand, RequestCode, ResponseCode,
} from '../../../src/core/remoting';
import { RemotingConnection, TransportError, TrafficRecord } from '../../../src/core/transport';

/** An in-memory stand-in for a server (unit tests only; integration tests use the real cluster). */
async function fakeServer(onRequest: (cmd: RemotingCommand, sock: net.Socket) => void): Promise<{ addr: string; server: net.Server; sockets: net.Socket[] }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((sock) => {
    sockets.push(sock);
    const sp = new FrameSplitter();
    sock.on('data', (d) => { for (const f of sp.push(d)) onRequest(decodeFrame(f), sock); });
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => { for (const s of sockets) s.destroy(); server.close(); });
  return { addr: `127.0.0.1:${(server.address() as net.AddressInfo).port}`, server, sockets };
}

const isTransport = (kind: string) => (e: unknown) => e instanceof TransportError && e.kind === kind;

test('request/response are matched by opaque even when answered out of order', async () => {
  const held: [RemotingCommand, net.Socket][] = [];
  const { addr } = await fakeServer((cmd, sock) => {
    held.push([cmd, sock]);
    if (held.length === 2) for (const [c, s] of held.reverse()) s.write(encodeFrame(createResponse(c, 0, `echo ${c.extFields!.n}`)));
  });
  const traffic: TrafficRecord[] = [];
  const conn = await RemotingConnection.connect(addr, { onTraffic: (r) => traffic.push(r) });
  const [a, b] = await Promise.all([
    conn.request(createRequest(RequestCode.HEART_BEAT, { n: 'a' })),
    conn.request(createRequest(RequestCode.HEART_BEAT, { n: 'b' }, { serializeType: 'ROCKETMQ' })),
  ]);
  assert.equal(a.remark, 'echo a');
  assert.equal(b.remark, 'echo b');
  assert.deepEqual(traffic.map((t) => t.direction), ['out', 'out', 'in', 'in']);
  assert.equal(decodeFrame(traffic[0].bytes).extFields!.n, 'a');
  conn.close();
});

test('a connection reset fails the pending request at once, not after its timeout', async () => {
  const { addr } = await fakeServer((_cmd, sock) => sock.resetAndDestroy());
  const conn = await RemotingConnection.connect(addr);
  const started = Date.now();
  await assert.rejects(conn.request(createRequest(RequestCode.HEART_BEAT, null), 10000), isTransport('closed'));
  assert.ok(Date.now() - started < 2000, 'failed fast');
  await assert.rejects(conn.request(createRequest(RequestCode.HEART_BEAT, null)), isTransport('closed'));
});

test('no response → timeout error naming the request and address', async () => {
  const { addr } = await fakeServer(() => {});
  const conn = await RemotingConnection.connect(addr);
  await assert.rejects(conn.request(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' }), 100), (e: unknown) => {
    assert.ok(e instanceof TransportError && e.kind === 'timeout');
    assert.match(e.message, /GET_ROUTEINFO_BY_TOPIC/);
    assert.match(e.message, new RegExp(addr));
    return true;
  });
  conn.close();
});

test('timeouts share one timer per connection: each request fails at its own deadline, whatever the order; answered ones never', async () => {
  // the 600 ms request is sent first and arms the timer; the 60 ms one must re-arm it earlier,
  // the answered one must not fail, and closeOnTimeout must close the connection
  const { addr } = await fakeServer((cmd, sock) => { if (cmd.extFields?.answer) sock.write(encodeFrame(createResponse(cmd, 0, null))); });
  const conn = await RemotingConnection.connect(addr);
  const t0 = performance.now();
  const when = (p: Promise<unknown>) => p.then(() => ['ok', performance.now() - t0] as const, (e: TransportError) => [e.kind, performance.now() - t0] as const);
  const slow = when(conn.request(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'slow' }), 600));
  const fast = when(conn.request(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'fast' }), 60));
  const answered = when(conn.request(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'a', answer: 'yes' }), 30));
  const [f, a, s] = await Promise.all([fast, answered, slow]);
  assert.equal(a[0], 'ok');
  assert.equal(f[0], 'timeout');
  assert.ok(f[1] >= 60 && f[1] < 400, `60 ms request failed after ${f[1]} ms`);
  assert.equal(s[0], 'timeout');
  assert.ok(s[1] >= 600, `600 ms request failed early, after ${s[1]} ms`);
  assert.equal(conn.closed, false, 'a plain timeout leaves the connection open');
  const closing = when(conn.request(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'c' }), 50, true));
  const other = when(conn.request(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'o' }), 5000));
  assert.equal((await closing)[0], 'timeout');
  assert.deepEqual([(await other)[0], conn.closed], ['closed', true], 'closeOnTimeout closes the connection and fails the rest at once');
});

test('connection refused and invalid addresses are typed', async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  await assert.rejects(RemotingConnection.connect(`127.0.0.1:${port}`), isTransport('connect-refused'));
  await assert.rejects(RemotingConnection.connect('nonsense'), isTransport('invalid-address'));
  await assert.rejects(RemotingConnection.connect('127.0.0.1:70000'), isTransport('invalid-address'));
});

test('garbage from the peer closes the connection with a protocol error', async () => {
  const { addr } = await fakeServer((_c, sock) => sock.write(Buffer.from([0, 0, 0, 1, 9, 9, 9, 9])));
  const conn = await RemotingConnection.connect(addr);
  await assert.rejects(conn.request(createRequest(RequestCode.HEART_BEAT, null)), isTransport('protocol'));
  assert.ok(conn.closed);
});

test('server-to-client requests reach the handler and its response goes back with the same opaque', async () => {
  let answered: RemotingCommand | undefined;
  let resolveAnswered: () => void;
  const gotAnswer = new Promise<void>((r) => { resolveAnswered = r; });
  const { addr } = await fakeServer((cmd, sock) => {
    if (cmd.flag & 1) { answered = cmd; resolveAnswered(); return; }
    // Broker-style: send our own request on the client's connection before answering.
    sock.write(encodeFrame(createRequest(RequestCode.CHECK_TRANSACTION_STATE, { msgId: 'X' }, { opaque: cmd.opaque })));
    sock.write(encodeFrame(createResponse(cmd, 0)));
  });
  const conn = await RemotingConnection.connect(addr, {
    onRequest: (req) => createResponse(req, ResponseCode.SUCCESS, `checked ${req.extFields!.msgId}`),
  });
  const resp = await conn.request(createRequest(RequestCode.SEND_MESSAGE_V2, null));
  assert.equal(resp.code, 0);
  await gotAnswer;
  assert.equal(answered!.remark, 'checked X');
  assert.equal(answered!.opaque, resp.opaque);
  conn.close();
});
