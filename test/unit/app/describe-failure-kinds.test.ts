// src/app/routes/errors.ts maps every kind of the core's one error hierarchy to its own user message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFailure } from '../../../src/app/routes/errors';
import { CodecErrorKind, ResponseCodeError, TransportErrorKind } from '../../../src/core/errors';
import { CodecError, RequestCode, ResponseCode } from '../../../src/core/remoting';
import { TransportError } from '../../../src/core/transport';
import { ClientRule, MQBrokerError, MQClientError, MQNameServerError, NameServerUnreachableError } from '../../../src/core/producer';

test('each transport kind has its own sentence, naming the peer role and the address', () => {
  const expected: Record<TransportErrorKind, RegExp> = {
    'connect-refused': /^NameServer 10\.0\.0\.1:9876 refused the connection$/,
    'connect-timeout': /^NameServer 10\.0\.0\.1:9876 did not accept a connection in time$/,
    'connect-failed': /^cannot connect to NameServer 10\.0\.0\.1:9876: getaddrinfo ENOTFOUND$/,
    timeout: /^NameServer 10\.0\.0\.1:9876 did not answer in time$/,
    closed: /^NameServer 10\.0\.0\.1:9876 closed the connection$/,
    protocol: /^NameServer 10\.0\.0\.1:9876 sent something that is not RocketMQ remoting$/,
    'invalid-address': /^"10\.0\.0\.1:9876" is not a host:port address$/,
  };
  const shorts = new Set<string>();
  for (const [kind, re] of Object.entries(expected) as Array<[TransportErrorKind, RegExp]>) {
    const d = describeFailure(new TransportError(kind, kind === 'connect-failed' ? 'getaddrinfo ENOTFOUND' : 'detail', '10.0.0.1:9876'), 'nameserver');
    assert.match(d.short, re, kind);
    shorts.add(d.short);
  }
  assert.equal(shorts.size, Object.keys(expected).length, 'no two kinds read alike');
  assert.equal(describeFailure(new TransportError('connect-refused', 'x', '10.0.0.2:10911'), 'broker').short, 'broker 10.0.0.2:10911 refused the connection');
});

test('every codec kind reads as an answer that did not decode, with the detail', () => {
  const kinds: CodecErrorKind[] = ['truncated', 'invalid-length', 'oversize', 'header-overflow', 'unknown-serialize-type', 'invalid-json',
    'invalid-header', 'binary-field-overflow', 'invalid-body', 'unencodable'];
  for (const k of kinds) {
    const d = describeFailure(new CodecError(k, `detail of ${k}`, 7), 'broker');
    assert.equal(d.short, `could not decode the broker's answer: detail of ${k} (at byte 7)`);
    assert.match(d.hint!, /raw frames/);
  }
});

test('a response code error names who answered (from the error, not the caller), the code and the first remark line', () => {
  const ns = describeFailure(new MQNameServerError(17, 'No topic route info in name server for the topic: X\nSee http://…', '127.0.0.1:9876', RequestCode.GET_ROUTEINFO_BY_TOPIC), 'broker');
  assert.equal(ns.short, 'TOPIC_NOT_EXIST (17) from NameServer 127.0.0.1:9876: No topic route info in name server for the topic: X');
  assert.match(ns.hint!, /mqadmin updateTopic/);
  const b = describeFailure(new MQBrokerError(2, '[TIMEOUT_CLEAN_QUEUE]broker busy', '127.0.0.1:10911', undefined, RequestCode.SEND_MESSAGE_V2), 'nameserver');
  assert.equal(b.short, 'SYSTEM_BUSY (2) from broker 127.0.0.1:10911: [TIMEOUT_CLEAN_QUEUE]broker busy');
  // the doctor's words (src/core/doctor/explain.ts): which flow control, what to look at
  assert.match(b.hint!, /waitTimeMillsInSendQueue/);
  assert.equal(b.explanation?.rule, 'broker-busy');
  const acl = describeFailure(new ResponseCodeError({ code: 1, remark: 'AclException: Check signature failed for accessKey=ak', address: 'h:1', role: 'broker', brokerName: 'broker-a' }), 'broker');
  assert.match(acl.short, /^SYSTEM_ERROR \(1\) from broker broker-a h:1: AclException/);
  assert.match(acl.hint!, /ACL check knows the AccessKey but computed a different Signature/);
  assert.equal(acl.explanation?.title, 'ACL: signature mismatch');
  assert.match(describeFailure(new MQBrokerError(ResponseCode.REQUEST_CODE_NOT_SUPPORTED, null, 'h:1'), 'broker').hint!, /does not serve this request/);
  assert.equal(describeFailure(new MQBrokerError(ResponseCode.MESSAGE_ILLEGAL, null, 'h:1'), 'broker').short, 'MESSAGE_ILLEGAL (13) from broker h:1');
});

test('client errors keep their rule; with a transport or response cause the hint is the cause\'s', () => {
  const rules: ClientRule[] = ['TOPIC_BLANK', 'NOT_STARTED', 'NO_ROUTE', 'SEND_TIMEOUT', 'SEND_FAILED'];
  for (const r of rules) assert.equal(describeFailure(new MQClientError(r, 'what happened'), 'broker').short, `[${r}] what happened`);
  const viaTransport = describeFailure(new MQClientError('SEND_FAILED', 'Send [3] times', { cause: new TransportError('connect-refused', 'x', 'h:1') }), 'broker');
  assert.match(viaTransport.hint!, /Nothing listens on h:1/);
  const viaCode = describeFailure(new MQClientError('SEND_FAILED', 'Send [3] times', { cause: new MQBrokerError(16, 'no permission', 'h:1') }), 'broker');
  assert.match(viaCode.hint!, /ACL/);
});

test('no NameServer answered: one address reads as that address\'s failure, several list each in address order', () => {
  const refused = (a: string) => new TransportError('connect-refused', 'connect ECONNREFUSED', a);
  const one = describeFailure(new NameServerUnreachableError([{ address: 'h:9876', error: refused('h:9876') }], [], 3000), 'nameserver');
  assert.equal(one.short, 'NameServer h:9876 refused the connection');
  assert.match(one.hint!, /Is the NameServer running/);

  const ab = new NameServerUnreachableError([{ address: 'b:9876', error: refused('b:9876') }, { address: 'a:9876', error: new TransportError('timeout', 'no response within 3000 ms', 'a:9876') }], [], 3000);
  const ba = new NameServerUnreachableError([{ address: 'a:9876', error: new TransportError('timeout', 'no response within 3000 ms', 'a:9876') }, { address: 'b:9876', error: refused('b:9876') }], [], 3000);
  const d = describeFailure(ab, 'nameserver');
  assert.equal(d.short, 'no NameServer answered: NameServer a:9876 did not answer in time; NameServer b:9876 refused the connection');
  assert.equal(describeFailure(ba, 'nameserver').short, d.short, 'the same failures read the same whatever the order tried');

  const budget = describeFailure(new NameServerUnreachableError([{ address: 'a:9876', error: new TransportError('timeout', 'no response', 'a:9876') }], ['b:9876'], 800), 'nameserver');
  assert.equal(budget.short, 'no NameServer answered: NameServer a:9876 did not answer in time; b:9876 not tried (the 800 ms budget ran out)');
});

test('anything else stays readable', () => {
  assert.equal(describeFailure(new Error('boom'), 'broker').short, 'boom');
  assert.equal(describeFailure(42, 'broker').short, '42');
});
