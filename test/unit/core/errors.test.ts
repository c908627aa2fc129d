// The one error hierarchy (src/core/errors.ts): every error derives from RocketMQDebuggerError, has a
// stable kind and an outcome; ResponseCodeError is the one "non-success code" error with retryable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseCodeError, RocketMQDebuggerError, outcomeOf } from '../../../src/core/errors';
import { CodecError, RequestCode, ResponseCode } from '../../../src/core/remoting';
import { TransportError } from '../../../src/core/transport';
import { MQBrokerError, MQClientError, MQNameServerError, NameServerUnreachableError } from '../../../src/core/producer';

const broker = (code: number, remark: string | null = 'r', requestCode: number = RequestCode.SEND_MESSAGE_V2) =>
  new ResponseCodeError({ code, remark, address: '127.0.0.1:10911', role: 'broker', requestCode });

test('the message names code, code name, peer role, address, request and remark', () => {
  const e = broker(ResponseCode.TOPIC_NOT_EXIST, 'topic[T] not exist, apply first please!');
  assert.equal(e.message, 'TOPIC_NOT_EXIST (17) from broker 127.0.0.1:10911 for SEND_MESSAGE_V2: topic[T] not exist, apply first please!');
  assert.equal(e.codeName, 'TOPIC_NOT_EXIST');
  assert.equal(e.requestCodeName, 'SEND_MESSAGE_V2');
  assert.equal(e.role, 'broker');
  assert.equal(e.kind, 'response-code');
  assert.equal(e.name, 'ResponseCodeError');

  const named = new MQBrokerError(13, null, '10.0.0.2:10911', 'broker-a', RequestCode.SEND_MESSAGE_V2);
  assert.equal(named.message, 'MESSAGE_ILLEGAL (13) from broker broker-a at 10.0.0.2:10911 for SEND_MESSAGE_V2: (no remark)');
  assert.equal(named.brokerAddr, '10.0.0.2:10911');
  assert.equal(named.name, 'MQBrokerError');

  const ns = new MQNameServerError(17, 'No topic route info in name server for the topic: X', '127.0.0.1:9876', RequestCode.GET_ROUTEINFO_BY_TOPIC);
  assert.equal(ns.message, 'TOPIC_NOT_EXIST (17) from NameServer 127.0.0.1:9876 for GET_ROUTEINFO_BY_TOPIC: No topic route info in name server for the topic: X');
  assert.equal(ns.role, 'nameserver');
  assert.equal(ns.nameServerAddr, '127.0.0.1:9876');

  // 209-211 answering an ACL admin request carry their 4.x ACL names; unknown codes say so
  assert.equal(broker(209, 'x', 50).codeName, 'UPDATE_AND_CREATE_ACL_CONFIG_FAILED');
  assert.equal(broker(209, 'x').codeName, 'POLLING_FULL');
  assert.match(broker(4242, null).message, /^UNKNOWN\(4242\) \(4242\) from broker/);
  // without a request code, no "for …"
  assert.equal(new ResponseCodeError({ code: 2, remark: 'busy', address: 'a:1', role: 'broker' }).message, 'SYSTEM_BUSY (2) from broker a:1: busy');
});

test('all three former response errors are one class: instanceof ResponseCodeError and the base', () => {
  for (const e of [broker(1), new MQBrokerError(1, null, 'a:1'), new MQNameServerError(1, null, 'a:1')]) {
    assert.ok(e instanceof ResponseCodeError);
    assert.ok(e instanceof RocketMQDebuggerError);
    assert.ok(e instanceof Error);
  }
  assert.ok(!(new MQClientError('NO_ROUTE', 'x') instanceof ResponseCodeError));
});

test('retryable: passing states yes, missing topics, permissions and signatures no', () => {
  const yes = [ResponseCode.SYSTEM_ERROR, ResponseCode.SYSTEM_BUSY, ResponseCode.SERVICE_NOT_AVAILABLE, ResponseCode.FLUSH_DISK_TIMEOUT,
    ResponseCode.FLUSH_SLAVE_TIMEOUT, ResponseCode.SLAVE_NOT_AVAILABLE, ResponseCode.GO_AWAY, ResponseCode.FLOW_CONTROL,
    ResponseCode.NOT_LEADER_FOR_QUEUE, ResponseCode.POLLING_FULL];
  const no = [ResponseCode.TOPIC_NOT_EXIST, ResponseCode.NO_PERMISSION, ResponseCode.MESSAGE_ILLEGAL, ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
    ResponseCode.VERSION_NOT_SUPPORTED, ResponseCode.NO_BUYER_ID, ResponseCode.NOT_IN_CURRENT_UNIT, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
    ResponseCode.INVALID_PARAMETER, ResponseCode.TOPIC_EXIST_ALREADY, 4242];
  for (const c of yes) assert.equal(broker(c).retryable, true, `code ${c} is retryable`);
  for (const c of no) assert.equal(broker(c).retryable, false, `code ${c} is not retryable`);
  // 4.x brokers report ACL failures as SYSTEM_ERROR with the AclException: a retry does not help
  assert.equal(broker(1, 'org.apache.rocketmq.acl.common.AclException: Check signature failed for accessKey=rocketmq2').retryable, false);
  assert.equal(broker(1, 'No accessKey is configured').retryable, false);
  // a NameServer with enableAllTopicList=false keeps saying so
  assert.equal(new MQNameServerError(1, 'disable', 'a:1', RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER).retryable, false);
  // the same code with an ordinary remark is a passing state
  assert.equal(broker(1, 'java.lang.NullPointerException').retryable, true);
  // 209 under an ACL admin request is UPDATE_AND_CREATE_ACL_CONFIG_FAILED, not POLLING_FULL
  assert.equal(broker(209, 'x', 50).retryable, false);
});

test('outcome tells not found, denied, refused, timeout, unreachable, rejected, invalid and unreadable apart', () => {
  assert.equal(broker(ResponseCode.TOPIC_NOT_EXIST).outcome, 'not-found');
  assert.equal(broker(ResponseCode.QUERY_NOT_FOUND).outcome, 'not-found');
  assert.equal(broker(ResponseCode.NO_PERMISSION).outcome, 'denied');
  assert.equal(broker(ResponseCode.SYSTEM_ERROR, 'AclException: Check signature failed').outcome, 'denied');
  assert.equal(broker(ResponseCode.SYSTEM_BUSY).outcome, 'rejected');
  assert.equal(broker(ResponseCode.MESSAGE_ILLEGAL).outcome, 'rejected');

  const t = (kind: TransportError['kind']) => new TransportError(kind, 'm', 'a:1');
  assert.deepEqual(
    (['invalid-address', 'connect-refused', 'connect-timeout', 'connect-failed', 'timeout', 'closed', 'protocol'] as const).map((k) => [k, t(k).outcome]),
    [['invalid-address', 'invalid'], ['connect-refused', 'refused'], ['connect-timeout', 'timeout'], ['connect-failed', 'unreachable'],
      ['timeout', 'timeout'], ['closed', 'unreachable'], ['protocol', 'unreadable']],
  );
  assert.equal(new CodecError('truncated', 'm', 3).outcome, 'unreadable');
  assert.equal(new CodecError('unencodable', 'm', 0).outcome, 'invalid');

  assert.equal(new MQClientError('TOPIC_BLANK', 'x').outcome, 'invalid');
  assert.equal(new MQClientError('NOT_STARTED', 'x').outcome, 'invalid');
  assert.equal(new MQClientError('NO_ROUTE', 'x').outcome, 'not-found');
  assert.equal(new MQClientError('SEND_TIMEOUT', 'x').outcome, 'timeout');
  // SEND_FAILED takes the outcome of the last attempt's failure
  assert.equal(new MQClientError('SEND_FAILED', 'x', { cause: broker(ResponseCode.NO_PERMISSION) }).outcome, 'denied');
  assert.equal(new MQClientError('SEND_FAILED', 'x', { cause: t('connect-refused') }).outcome, 'refused');
  assert.equal(new MQClientError('SEND_FAILED', 'x').outcome, 'failed');

  const refused = new NameServerUnreachableError([{ address: 'a:1', error: t('connect-refused') }, { address: 'b:1', error: t('connect-refused') }], [], 3000);
  assert.equal(refused.outcome, 'refused');
  assert.equal(new NameServerUnreachableError([{ address: 'a:1', error: t('timeout') }], ['b:1'], 3000).outcome, 'timeout');
  assert.equal(new NameServerUnreachableError([{ address: 'a:1', error: t('connect-refused') }, { address: 'b:1', error: t('closed') }], [], 3000).outcome, 'unreachable');

  assert.equal(outcomeOf(new Error('x')), 'failed');
  assert.equal(outcomeOf('x'), 'failed');
});

test('kinds are stable and tell the classes apart', () => {
  assert.equal(new TransportError('timeout', 'm', 'a:1').kind, 'timeout');
  assert.equal(new CodecError('invalid-json', 'm', 0).kind, 'invalid-json');
  const rules = {
    TOPIC_BLANK: 'client-validation', CONFIG_INVALID: 'client-validation', NO_NAMESERVER: 'client-validation', QUEUE_INVALID: 'client-validation',
    TRANSACTION_LISTENER_MISSING: 'client-validation', SHUT_DOWN: 'client-state', ALREADY_STARTED: 'client-state',
    NO_ROUTE: 'no-route', NO_WRITABLE_QUEUE: 'no-route', BROKER_NOT_FOUND: 'no-route', NAMESERVER_UNREACHABLE: 'nameserver-unreachable',
    SEND_TIMEOUT: 'send-timeout', SEND_FAILED: 'send-failed', REQUEST_FAILED: 'send-failed', TRANSACTION_SEND_FAILED: 'send-failed',
  } as const;
  for (const [rule, kind] of Object.entries(rules)) assert.equal(new MQClientError(rule as keyof typeof rules, 'x').kind, kind, rule);
  // the client error keeps its rule in the message, as before
  assert.equal(new MQClientError('NO_ROUTE', 'No route info of this topic: T').message, '[NO_ROUTE] No route info of this topic: T');
});

test('NameServerUnreachableError lists every address tried and those the budget left out', () => {
  const e = new NameServerUnreachableError(
    [{ address: 'a:1', error: new TransportError('connect-refused', 'connect ECONNREFUSED', 'a:1') }], ['b:1'], 800);
  assert.ok(e instanceof MQClientError);
  assert.equal(e.rule, 'NAMESERVER_UNREACHABLE');
  assert.equal(e.kind, 'nameserver-unreachable');
  assert.equal(e.message, '[NAMESERVER_UNREACHABLE] no NameServer answered within 800 ms — a:1: connect ECONNREFUSED [a:1]; 1 NameServer(s) not tried: the 800 ms budget ran out');
  assert.ok(e.cause instanceof TransportError);
});

test('input and data errors are part of the one hierarchy, with their kind and outcome', async () => {
  const { UsageError } = await import('../../../src/cli/command');
  const { HexInputError, parseHex } = await import('../../../src/core/frame/hex-input');
  const { FilterSyntaxError } = await import('../../../src/core/capture/filter');
  const { BodyFileError } = await import('../../../src/core/requestfile/body-file');
  const { MessageIdError } = await import('../../../src/core/message/ids');
  const { MessagePropertyError } = await import('../../../src/core/message/message');
  const { InflateError, OutputLimitError } = await import('../../../src/core/message/bounded-output');
  const { BatchBodyError } = await import('../../../src/core/message/batch');
  const { StoredMessageError } = await import('../../../src/core/message/stored');
  const { SearchCancelled } = await import('../../../src/core/capture/search');
  const { SignatureCheckError } = await import('../../../src/core/doctor/acl-signature');
  const cases: [RocketMQDebuggerError, string, string][] = [
    [new UsageError('x'), 'usage', 'invalid'],
    [new HexInputError('x'), 'hex-input', 'invalid'],
    [new FilterSyntaxError('x'), 'filter-syntax', 'invalid'],
    [new BodyFileError('x', 'a', 'b'), 'body-file', 'invalid'],
    [new MessageIdError('x'), 'message-id', 'invalid'],
    [new MessagePropertyError('RULE', 'x'), 'message-property', 'invalid'],
    [new InflateError('x'), 'inflate', 'unreadable'],
    [new OutputLimitError('x'), 'output-limit', 'unreadable'],
    [new BatchBodyError('x'), 'batch-body', 'unreadable'],
    [new StoredMessageError(4, 'x'), 'stored-message', 'unreadable'],
    [new SearchCancelled(), 'cancelled', 'cancelled'],
    [new SignatureCheckError('x'), 'signature-check', 'invalid'],
  ];
  for (const [e, kind, outcome] of cases) {
    assert.ok(e instanceof RocketMQDebuggerError, e.name);
    assert.deepEqual([e.kind, e.outcome, outcomeOf(e)], [kind, outcome, outcome], e.name);
  }
  // thrown by the real parser, not only constructed
  assert.throws(() => parseHex('00 zz'), (e: unknown) => e instanceof RocketMQDebuggerError && e.kind === 'hex-input');
});

test('no error class outside the hierarchy: every `extends Error` in src/ is the base or a named exception', async () => {
  const { readdirSync, readFileSync, statSync } = await import('node:fs');
  const path = await import('node:path');
  const root = path.resolve(__dirname, '..', '..', '..', '..', 'src');
  const found: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/class (\w+) extends Error\b/g)) found.push(m[1]);
    }
  };
  walk(root);
  // EndpointError: the host<->webview channel's own failure (timeout, no handler), compiled into the
  // webviews, which do not bundle the core.
  assert.deepEqual(found.sort(), ['EndpointError', 'RocketMQDebuggerError']);
});
