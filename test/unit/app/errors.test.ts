import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFailure } from '../../../src/app/routes/errors';
import { TransportError } from '../../../src/core/transport';
import { MQBrokerError, MQClientError, MQNameServerError } from '../../../src/core/producer';
import { CodecError, RequestCode } from '../../../src/core/remoting';

test('transport failures name the peer, its address and what to check', () => {
  const refused = describeFailure(new TransportError('connect-refused', 'connect ECONNREFUSED', '127.0.0.1:9876'), 'nameserver');
  assert.equal(refused.short, 'NameServer 127.0.0.1:9876 refused the connection');
  assert.match(refused.hint!, /Is the NameServer running/);
  assert.equal(describeFailure(new TransportError('connect-timeout', 'no connection within 3000 ms', '10.0.0.1:9876'), 'nameserver').short, 'NameServer 10.0.0.1:9876 did not accept a connection in time');
  const t = describeFailure(new TransportError('timeout', 'no response within 3000 ms', '127.0.0.1:10911', RequestCode.GET_MAX_OFFSET), 'broker');
  assert.equal(t.short, 'broker 127.0.0.1:10911 did not answer in time');
  assert.equal(t.hint, 'no response within 3000 ms');
});

test('error answers carry the code name and the first line of the remark', () => {
  const e = new MQNameServerError(17, 'No topic route info in name server for the topic: X\nSee http://rocketmq.apache.org/docs/faq/ for further details.', '127.0.0.1:9876', RequestCode.GET_ROUTEINFO_BY_TOPIC);
  const d = describeFailure(e, 'nameserver');
  assert.equal(d.short, 'TOPIC_NOT_EXIST (17) from NameServer 127.0.0.1:9876: No topic route info in name server for the topic: X');
  assert.match(d.hint!, /Create the topic \(mqadmin updateTopic -t X -c <cluster>\)/);
  const ns = describeFailure(new MQNameServerError(1, 'disable', '127.0.0.1:9876', RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER), 'nameserver');
  assert.match(ns.short, /^SYSTEM_ERROR \(1\) from NameServer 127\.0\.0\.1:9876: disable$/);
  assert.match(ns.hint!, /enableAllTopicList=false/);
  const acl = describeFailure(new MQBrokerError(16, 'No permission for topic T', '127.0.0.1:10911', 'broker-a', RequestCode.SEND_MESSAGE_V2), 'broker');
  assert.match(acl.short, /^NO_PERMISSION \(16\) from broker broker-a 127\.0\.0\.1:10911: No permission/);
  assert.match(acl.hint!, /ACL/);
});

test('client errors and decoding errors stay readable', () => {
  assert.match(describeFailure(new MQClientError('NO_ROUTE', 'No route info of this topic: T'), 'broker').short, /\[NO_ROUTE\] No route info/);
  assert.match(describeFailure(new CodecError('invalid-body', 'TopicRouteData: empty body', 0), 'nameserver').short, /^could not decode the NameServer's answer/);
  assert.equal(describeFailure('plain', 'broker').short, 'plain');
});
