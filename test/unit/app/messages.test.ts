// The message view's pure parts: id kinds, trace records, the detail model, outcome wording, Send Again
// and request blocks, time input, the shared protocol's validators, and the CLI's usage errors.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { classifyMessageId, FoundMessage, LookupResult } from '../../../src/core/consumer/lookup';
import { createOffsetMessageId, decodeStoredMessage, encodeStoredMessage, decodeTraceData, UniqKeyGenerator, ipToBytes, MessageSysFlag } from '../../../src/core/message';
import { messageDetail, messageJson, messageRow, BODY_TEXT_CAP } from '../../../src/app/messages/message-view';
import { lookupOutcome, thrownOutcome, failureText } from '../../../src/app/messages/outcome';
import { requestBlock, resendSpec } from '../../../src/app/messages/resend';
import { traceView, traceFailure, NO_TRACE_WHY } from '../../../src/app/messages/trace-view';
import { parseTimeInput } from '../../../src/app/messages/time-input';
import { describeId } from '../../../src/app/messages/finder';
import { parseRequestFile } from '../../../src/core/requestfile';
import { MQBrokerError, MQNameServerError } from '../../../src/core/producer';
import { TransportError } from '../../../src/core/transport';
import { MESSAGES_HOST_VALIDATORS } from '../../../src/shared/message-protocol';

const uniq = new UniqKeyGenerator({ ip: ipToBytes('10.1.2.3'), pid: 4321 }).next();

function stored(init: Partial<Parameters<typeof encodeStoredMessage>[0]> & { body: Uint8Array }, broker = 'broker-a'): FoundMessage {
  const props = { UNIQ_KEY: uniq, TAGS: 'TagA', KEYS: 'order-1 order-2', CLUSTER: 'DefaultCluster', region: 'eu', ...(init.properties as Record<string, string> | undefined) };
  const m = decodeStoredMessage(encodeStoredMessage({
    topic: 'OrderTopic', queueId: 2, queueOffset: 17, commitLogOffset: 4096, bornTimestamp: 1_790_000_000_000, storeTimestamp: 1_790_000_000_012,
    storeHost: '127.0.0.1', storePort: 10911, bornHost: '10.1.2.3', bornPort: 50000, ...init, properties: props,
  }));
  return { ...m, brokerName: broker, brokerAddr: '127.0.0.1:10911' };
}

describe('message ids', () => {
  test('an offsetMsgId and a UNIQ_KEY are told apart by the port bytes, both IPv4 and IPv6', () => {
    const off = createOffsetMessageId('127.0.0.1', 10911, 4096n);
    const o = classifyMessageId(off.toLowerCase());
    assert.equal(o.kind, 'offset');
    assert.equal(o.offset?.address, '127.0.0.1:10911');
    assert.equal(o.offset?.commitLogOffset, 4096n);
    const u = classifyMessageId(uniq);
    assert.equal(u.kind, 'uniq');
    assert.equal(u.uniq?.ip, '10.1.2.3');
    assert.equal(u.uniq?.pid, 4321);
    assert.ok(Math.abs((u.uniq?.nearlyTime ?? 0) - Date.now()) < 60_000, 'the id tells when it was made');
    assert.equal(classifyMessageId(createOffsetMessageId('::1', 10911, 7n)).kind, 'offset');
    assert.equal(classifyMessageId(new UniqKeyGenerator({ ip: ipToBytes('fe80::1'), pid: 99 }).next()).kind, 'uniq');
  });
  test('the list says which kind an id is and what it says', () => {
    assert.match(describeId(classifyMessageId(uniq)), new RegExp(`^${uniq} is a UNIQ_KEY \\(msgId\\) made by a producer at 10\\.1\\.2\\.3, pid 4321, about \\d{4}-`));
    assert.equal(describeId(classifyMessageId(createOffsetMessageId('127.0.0.1', 10911, 4096n))), '7F00000100002A9F0000000000001000 is an offsetMsgId: broker 127.0.0.1:10911, commit-log offset 4096');
  });
  test('what is not an id says why', () => {
    assert.throws(() => classifyMessageId('xyz'), /hexadecimal/);
    assert.throws(() => classifyMessageId('ABCD'), /32 \(IPv4\) or 56 \(IPv6\) hex digits; this one has 4/);
  });
});

describe('trace records', () => {
  const S = '\u0001', F = '\u0002';
  const pub = ['Pub', '1790000000000', 'DefaultRegion', 'PG', 'OrderTopic', uniq, 'TagA', 'k1', '127.0.0.1:10911', '12', '7', '0', 'OFFSETID', 'true'].join(S);
  const before = ['SubBefore', '1790000000100', 'DefaultRegion', 'CG', 'REQ1', uniq, '1', 'k1'].join(S);
  const after = ['SubAfter', 'REQ1', uniq, '3', 'false', 'k1', '2', '1790000000105'].join(S);
  const end = ['EndTransaction', '1790000000050', 'DefaultRegion', 'PG', 'OrderTopic', uniq, 'TagA', 'k1', '127.0.0.1:10911', '1', uniq, 'COMMIT_MESSAGE', 'false'].join(S);
  test('each context type decodes as Java\'s TraceDataEncoder reads it; unknown types and short contexts are notes', () => {
    const d = decodeTraceData([pub, before, after, end, 'Weird' + S + 'x', 'Pub' + S + '1'].join(F) + F);
    assert.deepEqual(d.records.map((r) => r.type), ['Pub', 'SubBefore', 'SubAfter', 'EndTransaction']);
    assert.equal(d.records[0].offsetMsgId, 'OFFSETID');
    assert.equal(d.records[0].success, true);
    assert.equal(d.records[0].msgType, 'Normal_Msg');
    assert.equal(d.records[1].retryTimes, 1);
    assert.equal(d.records[2].consumeResult, 'EXCEPTION');
    assert.equal(d.records[3].transactionState, 'COMMIT_MESSAGE');
    assert.equal(d.notes.length, 2);
  });
  test('the timeline joins consume to receive by request id, and a missing trace says why', () => {
    const records = decodeTraceData([pub, before, after].join(F)).records;
    const lookup: LookupResult = { messages: [], asked: [{ brokerName: 'broker-a', address: 'a:1' }], failures: [], cap: 64, capped: false };
    const v = traceView(uniq, { traceTopic: 'RMQ_SYS_TRACE_TOPIC', records, traceMessages: 1, notes: [], lookup });
    assert.deepEqual(v.steps.map((s) => [s.kind, s.group, s.status]), [['publish', 'PG', 'sent'], ['receive', 'CG', 'retry 1'], ['consume', 'CG', 'failed (EXCEPTION)']]);
    assert.equal(v.steps[0].costMs, 7);
    const none = traceView(uniq, { traceTopic: 'T', records: [], traceMessages: 0, notes: [], lookup });
    assert.equal(none.outcome, 'not-found');
    assert.deepEqual(none.details, [NO_TRACE_WHY]);
    const noTopic = traceFailure(uniq, 'MY_TRACE', new MQNameServerError(17, 'No topic route info', '127.0.0.1:9876', 105));
    assert.equal(noTopic.outcome, 'not-found');
    assert.match(noTopic.headline, /trace topic MY_TRACE does not exist on this cluster \(TOPIC_NOT_EXIST from NameServer 127\.0\.0\.1:9876\)/);
  });
});

describe('the message detail', () => {
  test('ids decoded, system fields with meanings, properties split by name, JSON body pretty, CRC checked', () => {
    const m = stored({ body: Buffer.from('{"id":1}'), properties: { DELAY: '3', TRAN_MSG: 'true' }, sysFlag: MessageSysFlag.TRANSACTION_COMMIT_TYPE });
    const d = messageDetail('m1', m);
    assert.match(d.ids[0].note!, /as UNIQ_KEY: ip 10\.1\.2\.3, pid 4321.*; made about \d{4}-\d\d-\d\dT/);
    assert.match(d.ids[1].note!, /broker 127\.0\.0\.1:10911, commit log offset 4096/);
    const f = Object.fromEntries(d.system.map((x) => [x.name, x]));
    assert.equal(f.storeTimestamp.note, '2026-09-21T14:13:20.012Z (12 ms after born)');
    assert.equal(f.sysFlag.note, 'TRANSACTION_COMMIT');
    assert.equal(f.bodyCRC.note, 'matches the stored body');
    const sp = Object.fromEntries(d.systemProperties.map((x) => [x.name, x.note]));
    assert.match(sp.DELAY!, /delay level 3 \(10s/);
    assert.match(sp.TRAN_MSG!, /transactional/);
    assert.deepEqual(d.userProperties.map((p) => p.name), ['region']);
    assert.equal(d.body.kind, 'json');
    assert.equal(d.body.json, '{\n  "id": 1\n}');
    assert.deepEqual(messageRow('m1', m), { handle: 'm1', msgId: uniq, offsetMsgId: m.offsetMsgId, keys: 'order-1 order-2', tags: 'TagA', topic: 'OrderTopic', queue: 'broker-a:2', queueOffset: '17', storeTime: '2026-09-21T14:13:20.012Z', size: 8 });
  });
  test('compressed bodies are shown inflated with the compression named; binary is labelled with hex; large bodies are cut until asked', () => {
    const text = 'line\n'.repeat(2000);
    const z = stored({ body: deflateSync(Buffer.from(text)), sysFlag: MessageSysFlag.COMPRESSED_FLAG });
    const zb = messageDetail('m2', z).body;
    assert.deepEqual([zb.kind, zb.compression, zb.length, zb.text?.length], ['text', 'ZLIB', text.length, text.length]);
    assert.ok(zb.storedLength < zb.length);
    const bin = messageDetail('m3', stored({ body: new Uint8Array([0, 1, 2, 0xff]) })).body;
    assert.equal(bin.kind, 'binary');
    assert.equal(bin.text, undefined, 'binary is never guessed as text');
    assert.match(bin.hex, /^00000000  00 01 02 ff/);
    const big = messageDetail('m4', stored({ body: Buffer.from('x'.repeat(BODY_TEXT_CAP + 10)) })).body;
    assert.equal(big.complete, false);
    assert.equal(big.text?.length, BODY_TEXT_CAP);
  });
  test('Copy as JSON redacts credential-like properties and keeps the rest', () => {
    const j = JSON.parse(messageJson(stored({ body: Buffer.from('hi'), properties: { password: 'p', apiToken: 't', AccessKey: 'ak', color: 'red' } })));
    assert.deepEqual([j.properties.password, j.properties.apiToken, j.properties.AccessKey, j.properties.color], ['<redacted>', '<redacted>', '<redacted>', 'red']);
    assert.deepEqual(j.body, { encoding: 'utf8', text: 'hi' });
  });
});

describe('Send Again and Open as Request Block', () => {
  test('the spec keeps tag, keys, user properties and delay, not the system properties; the block parses back to the same spec', () => {
    const m = stored({ body: Buffer.from('{"a":1}'), properties: { DELAY: '2', WAIT: 'true' } });
    const plan = resendSpec(m);
    assert.deepEqual({ topic: plan.spec.topic, tags: plan.spec.tags, keys: plan.spec.keys, props: plan.spec.properties, delay: plan.spec.delayLevel, bodies: plan.spec.bodies },
      { topic: 'OrderTopic', tags: 'TagA', keys: ['order-1', 'order-2'], props: { region: 'eu' }, delay: 2, bodies: ['{"a":1}'] });
    assert.equal(resendSpec(m, 'Other').spec.topic, 'Other');
    const block = requestBlock(m);
    const parsed = parseRequestFile(block.text);
    assert.deepEqual(parsed.diagnostics, []);
    const spec = parsed.blocks.find((b) => b.spec)!.spec!;
    const plain = (x: object) => JSON.parse(JSON.stringify(x)) as unknown;
    assert.deepEqual(plain({ ...spec, bodies: spec.bodies.map((b) => b.trim()) }), plain({ ...plan.spec, bodies: ['{"a":1}'] }));
  });
  test('a binary body is sent as bytes, and its block takes it from a body file', () => {
    const m = stored({ body: new Uint8Array([0, 0xff, 7]) });
    const plan = resendSpec(m);
    assert.equal(plan.binary, true);
    assert.deepEqual([...plan.spec.bodyBytes![0]], [0, 0xff, 7]);
    const block = requestBlock(m, './.rocketmq/bodies/x.body');
    assert.equal(block.needsBodyFile, true);
    assert.match(block.text, /^bodyFile: \.\/\.rocketmq\/bodies\/x\.body$/m);
    const b = parseRequestFile(block.text).blocks.find((x) => x.bodyFile);
    assert.equal(b?.bodyFile, './.rocketmq/bodies/x.body');
  });
  test('a transactional message goes again as a committed transaction, without its delay', () => {
    const plan = resendSpec(stored({ body: Buffer.from('x'), properties: { TRAN_MSG: 'true', PGROUP: 'pg' } }));
    assert.equal(plan.spec.transaction, 'commit');
    assert.equal(plan.spec.properties?.PGROUP, undefined);
  });
});

describe('outcomes in words', () => {
  const asked = [{ brokerName: 'broker-a', address: '127.0.0.1:10911' }, { brokerName: 'broker-b', address: '127.0.0.1:10921' }];
  const base: LookupResult = { messages: [], asked, failures: [], cap: 64, capped: false };
  test('not found: every broker answered; index not ready is named from dispatchBehindBytes', () => {
    const o = lookupOutcome({ ...base, index: [{ ...asked[0], returned: 0, indexLastUpdateTimestamp: 0, indexLastUpdatePhyoffset: 0, dispatchBehindBytes: 4096 }] }, 'key "k" in T', 'key');
    assert.equal(o.outcome, 'not-found');
    assert.equal(o.headline, 'Not found: key "k" in T — every broker answered (broker-a, broker-b)');
    assert.match(o.details[0], /^index not ready on broker broker-a \(127\.0\.0\.1:10911\): it has 4096 stored bytes not yet dispatched/);
  });
  test('failed: every broker failed, each with code name, remark and address; ACL and timeouts have their own words', () => {
    const acl = new MQBrokerError(16, 'check signature failed', '127.0.0.1:10911', 'broker-a', 12);
    const timeout = new TransportError('timeout', 'no response in 3000 ms', '127.0.0.1:10921', 12);
    const o = lookupOutcome({ ...base, failures: [{ ...asked[0], error: acl }, { ...asked[1], error: timeout }] }, 'x', 'key');
    assert.equal(o.outcome, 'failed');
    assert.match(o.details[0], /^refused by ACL: NO_PERMISSION \(16\) from broker broker-a at 127\.0\.0\.1:10911 for QUERY_MESSAGE: check signature failed/);
    assert.match(o.details[1], /^timed out: broker 127\.0\.0\.1:10921 did not answer in time/);
    const old = failureText(new MQBrokerError(1, 'org.apache.rocketmq.acl.common.AclException: No user', '127.0.0.1:10911', 'broker-a', 12));
    assert.match(old, /^refused by ACL: SYSTEM_ERROR \(1\)/, '4.x answers ACL failures as SYSTEM_ERROR with an AclException');
  });
  test('partial: found on some brokers, failed on others; found with the cap shown', () => {
    const m = stored({ body: Buffer.from('x') });
    const p = lookupOutcome({ ...base, messages: [m], failures: [{ ...asked[1], error: new TransportError('connect-refused', 'refused', '127.0.0.1:10921') }] }, 'x', 'key');
    assert.equal(p.outcome, 'partial');
    const c = lookupOutcome({ ...base, messages: [m], capped: true, cap: 1, inRangeEstimate: 40 }, 'T stored …', 'time');
    assert.match(c.headline, /the first 1: the cap was reached, about 40 in the range/);
  });
  test('a missing topic is not found; a bad id cannot be looked up', () => {
    const t = thrownOutcome(new MQNameServerError(17, 'No topic route info in name server for the topic: X', '127.0.0.1:9876', 105), 'key "k" in X', 'X');
    assert.equal(t.outcome, 'not-found');
    assert.equal(t.headline, 'Not found: topic "X" does not exist: TOPIC_NOT_EXIST (17) from NameServer 127.0.0.1:9876: No topic route info in name server for the topic: X');
    let bad: unknown;
    try { classifyMessageId('zz'); } catch (e) { bad = e; }
    assert.match(thrownOutcome(bad, 'message id zz').headline, /^Cannot look up message id zz: not a message id/);
  });
});

test('time input: ISO, ms, now and relative; anything else says what works', () => {
  const now = Date.parse('2026-12-04T10:00:00Z');
  assert.equal(parseTimeInput('2026-12-04T09:00:00Z', now), now - 3_600_000);
  assert.equal(parseTimeInput('-15m', now), now - 900_000);
  assert.equal(parseTimeInput('+1d', now), now + 86_400_000);
  assert.equal(parseTimeInput('now', now), now);
  assert.equal(parseTimeInput('1790000000000', now), 1_790_000_000_000);
  assert.match(String(parseTimeInput('yesterday-ish', now)), /is not a time: use an ISO date-time/);
});

test('the host checks every request of the message view before a handler sees it', () => {
  const v = MESSAGES_HOST_VALIDATORS.requests;
  assert.deepEqual(v.detail({ handle: 'm12' }), { handle: 'm12' });
  assert.equal(v.detail({ handle: 'x' }), null);
  assert.equal(v.detail({ handle: 'm1', extra: 1 }), null);
  assert.deepEqual(v.action({ handle: 'm1', action: 'copyJson' }), { handle: 'm1', action: 'copyJson' });
  assert.equal(v.action({ handle: 'm1', action: 'rm -rf' }), null);
  assert.equal(v.fullBody('m1'), null);
  assert.deepEqual(v.more({}), {});
  assert.equal(v.more({ offset: 5 }), null);
});

describe('the CLI refuses bad input before connecting (exit 2)', () => {
  const cli = join(__dirname, '../../../src/cli/main.js');
  const run = (...a: string[]) => spawnSync(process.execPath, [cli, ...a], { encoding: 'utf8', input: '' });
  test('message, browse and trace', () => {
    const cases: Array<[string[], RegExp]> = [
      [['message', '--namesrv', '127.0.0.1:1', '--id', uniq], /is a UNIQ_KEY .* give --topic/],
      [['message', '--namesrv', '127.0.0.1:1', '--id', 'nothex'], /hexadecimal/],
      [['message', '--namesrv', '127.0.0.1:1', '--key', 'k'], /--key needs --topic/],
      [['message', '--namesrv', '127.0.0.1:1', '--topic', 'T', '--from', 'soon', '--to', 'now'], /--from: "soon" is not a time/],
      [['message', '--namesrv', '127.0.0.1:1', '--topic', 'T', '--from', 'now', '--to', '-1h'], /--to is before --from/],
      [['browse', '--namesrv', '127.0.0.1:1', 'T'], /--queue brokerName:queueId is required/],
      [['browse', '--namesrv', '127.0.0.1:1', 'T', '--queue', 'b:0', '--offset', '1', '--from', 'now'], /give --offset or --from, not both/],
      [['trace', '--namesrv', '127.0.0.1:1'], /give one message id/],
      [['message', '--namesrv', '127.0.0.1:1', '--idd', 'x'], /unknown option --idd \(did you mean --id\?\)/],
    ];
    for (const [args, re] of cases) {
      const r = run(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
  });
  test('a broker that cannot be reached is a failure (exit 1), worded with its address', () => {
    const r = run('message', '--namesrv', '127.0.0.1:1', '--id', createOffsetMessageId('127.0.0.1', 1, 0n), '--timeout', '2000');
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /127\.0\.0\.1:1 refused the connection/);
  });
});
