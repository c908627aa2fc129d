// The doctor on live answers: the same explanations as in captures, for a tree error or a send
// failure. The wrong-protocol case runs against real servers on loopback — Node's own HTTP/2 server
// (what a gRPC port answers: SETTINGS, then GOAWAY) and a TLS server — and real TLS ClientHello bytes.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { AddressInfo } from 'node:net';
import { sniffProtocol, aclRefusal, busyKind, explainResponse, explainProtocol } from '../../../src/core/doctor';
import { describeFailure } from '../../../src/app/routes/errors';
import { MQClient, MQClientError, MQBrokerError } from '../../../src/core/producer';
import { RequestCode, ResponseCode } from '../../../src/core/remoting';

const listen = (s: net.Server): Promise<number> => new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));

test('sniff: the protocols met on a wrong port, from their own bytes', async () => {
  assert.equal(sniffProtocol(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')).protocol, 'http2-preface');
  assert.equal(sniffProtocol(Buffer.from('PRI * HTT')).protocol, 'http2-preface', 'a preface cut short');
  assert.deepEqual(sniffProtocol(Buffer.from('0000000400000000000000080700000000000000000000000002', 'hex')),
    { protocol: 'http2-frames', detail: 'HTTP/2 frames: SETTINGS, GOAWAY INTERNAL_ERROR' });
  assert.deepEqual(sniffProtocol(Buffer.from('15030300020246', 'hex')), { protocol: 'tls-alert', detail: 'TLS fatal alert protocol_version (TLS 1.2)' });
  assert.equal(sniffProtocol(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')).detail, 'HTTP response "HTTP/1.1 400 Bad Request"');
  assert.equal(sniffProtocol(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n')).protocol, 'ssh');
  assert.equal(sniffProtocol(Buffer.from('0000006600000062', 'hex')).protocol, 'unknown', 'a remoting frame is not another protocol');
  // a real ClientHello, as Node's TLS client sends it
  const got = new Promise<Buffer>((resolve) => {
    const srv = net.createServer((s) => s.once('data', (d: Buffer) => { resolve(d); s.destroy(); srv.close(); }));
    void listen(srv).then((port) => { tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }).on('error', () => undefined); });
  });
  const hello = sniffProtocol(await got);
  assert.equal(hello.protocol, 'tls-client-hello');
  assert.match(hello.detail, /^TLS ClientHello \(record TLS 1\.\d, hello TLS 1\.2\)$/);
});

test('a remoting client against a real HTTP/2 server: the error says it is HTTP/2 (a gRPC port) and how to fix it, in the capture doctor\'s words', async () => {
  const h2 = http2.createServer();
  h2.on('sessionError', () => undefined);
  const port = await listen(h2 as unknown as net.Server);
  const client = new MQClient({ namesrvAddr: `127.0.0.1:${port}` });
  try {
    const e = await client.getTopicRoute('T', 3000).then(() => null, (x: unknown) => x);
    assert.ok(e, 'the route query must fail');
    const d = describeFailure(e, 'nameserver');
    // the SETTINGS frame a server sends first (the GOAWAY may follow in the same read)
    assert.match(d.short, new RegExp(`^NameServer 127\\.0\\.0\\.1:${port} does not speak RocketMQ remoting: it answered with HTTP/2 frames: SETTINGS`));
    assert.equal(d.explanation?.rule, 'wrong-protocol');
    // the same words as the capture doctor's finding for the same bytes
    const detail = d.short.split('answered with ')[1];
    assert.deepEqual(d.explanation, explainProtocol({ protocol: 'http2-frames', detail }, 'server', `127.0.0.1:${port}`));
    assert.match(d.hint!, /Proxy's remoting port/);
  } finally {
    await client.close();
    h2.close();
  }
});

test('a server that closes without a byte (a TLS-only port): the hint names TLS', async () => {
  const srv = tls.createServer({ pskCallback: () => Buffer.from('secret'), ciphers: 'PSK-AES128-CBC-SHA256', maxVersion: 'TLSv1.2' });
  srv.on('tlsClientError', () => undefined);
  const port = await listen(srv);
  const client = new MQClient({ namesrvAddr: `127.0.0.1:${port}` });
  try {
    const e = await client.getTopicRoute('T', 3000).then(() => null, (x: unknown) => x);
    const d = describeFailure(e, 'nameserver');
    assert.match(d.short, /closed the connection/);
    assert.match(d.hint!, /TLS/);
  } finally {
    await client.close();
    srv.close();
  }
});

test('ACL refusals and busy answers: the kind from real 4.9 and 5.3 remarks', () => {
  // remarks as the real brokers send them (test/cluster/producer-acl.test.ts, doctor-real.test.ts)
  assert.equal(aclRefusal('SYSTEM_ERROR', 'org.apache.rocketmq.acl.common.AclException: Check signature failed for accessKey=rocketmq2'), 'signature');
  assert.equal(aclRefusal('NO_PERMISSION', 'check signature failed.'), 'signature');
  assert.equal(aclRefusal('SYSTEM_ERROR', 'org.apache.rocketmq.acl.common.AclException: No acl config for nobody'), 'unknown-access-key');
  assert.equal(aclRefusal('NO_PERMISSION', 'User:nobody is not found.'), 'unknown-access-key');
  assert.equal(aclRefusal('SYSTEM_ERROR', 'org.apache.rocketmq.acl.common.AclException: No accessKey is configured'), 'no-credentials');
  assert.equal(aclRefusal('NO_PERMISSION', 'username cannot be null.'), 'no-credentials');
  assert.equal(aclRefusal('SYSTEM_ERROR', 'org.apache.rocketmq.acl.common.AclException: No default permission for topic:T'), 'no-permission');
  assert.equal(aclRefusal('NO_PERMISSION', 'rmq_reader has no permission to access Topic:T from 127.0.0.1, '), 'no-permission');
  assert.equal(aclRefusal('NO_PERMISSION', 'the topic[T] sending message is forbidden'), null, 'the broker\'s own perm bits are not ACL');
  assert.equal(aclRefusal('SYSTEM_ERROR', 'some other failure'), null);
  assert.equal(busyKind('SYSTEM_BUSY', '[TIMEOUT_CLEAN_QUEUE]broker busy, start flow control for a while, period in queue: 201ms, size of queue: 3'), 'timeout-clean-queue');
  assert.equal(busyKind('SYSTEM_ERROR', '[PC_SYNCHRONIZED]broker busy, start flow control for a while'), 'pc-synchronized');
  assert.equal(busyKind('SYSTEM_BUSY', '[OVERLOAD]system busy, start flow control for a while'), 'overload');
  assert.equal(busyKind('SYSTEM_ERROR', 'oops'), null);
  assert.equal(explainResponse({ codeName: 'NO_PERMISSION', remark: 'the topic[T] sending message is forbidden', role: 'broker' })?.rule, 'topic-forbidden');
});

test('send failures: a broker\'s TOPIC_NOT_EXIST and the producer\'s NO_ROUTE read as the capture doctor\'s no-route', () => {
  const broker = describeFailure(new MQBrokerError(ResponseCode.TOPIC_NOT_EXIST, 'topic[Gone] not exist, apply first please!', '127.0.0.1:10911', 'broker-a', RequestCode.SEND_MESSAGE_V2), 'broker');
  assert.equal(broker.explanation?.title, 'Broker broker-a does not have topic Gone');
  const noRoute = describeFailure(new MQClientError('NO_ROUTE', 'No route info of this topic: Gone', { context: { topic: 'Gone', defaultTopic: 'missing' } }), 'broker');
  assert.equal(noRoute.explanation?.rule, 'no-route');
  assert.match(noRoute.hint!, /TBW102 has no route either: autoCreateTopicEnable is off on every broker/);
  const wrapped = describeFailure(new MQClientError('SEND_FAILED', 'Send [3] times', { cause: new MQBrokerError(ResponseCode.SYSTEM_BUSY, '[TIMEOUT_CLEAN_QUEUE]broker busy', 'h:1') }), 'broker');
  assert.equal(wrapped.explanation?.title, 'Broker busy: [TIMEOUT_CLEAN_QUEUE]');
});
