// The capture doctor on crafted captures: one exact case per rule (cause, evidence frames, fix), the
// cases it must stay quiet on, and the CLI's `capture FILE --doctor`. Real traffic for the same rules
// is in test/cluster/doctor-real.test.ts.
import { test, describe, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexCaptureBytes, CaptureIndex, filterFrames, parseFilter } from '../../../src/core/capture';
import { bufferFrames, diagnoseCapture, DoctorReport, Finding, fileFrames, framesFilterTerm } from '../../../src/core/doctor';
import { indexCaptureFile } from '../../../src/core/capture/capture-index';
import { RequestCode, ResponseCode } from '../../../src/core/remoting';
import { main } from '../../../src/cli/main';
import { Timeline, req, resp, routeBody, send, heartbeat } from '../../support/doctor/crafted';

async function doctor(bytes: Buffer): Promise<{ ix: CaptureIndex; r: DoctorReport }> {
  const ix = indexCaptureBytes(bytes);
  return { ix, r: await diagnoseCapture(ix, bufferFrames(ix, bytes)) };
}

function find(r: DoctorReport, id: string): Finding {
  const f = r.findings.find((x) => x.id === id);
  assert.ok(f, `no finding ${id}; found ${r.findings.map((x) => x.id).join(', ') || 'none'}`);
  return f;
}

/** Frame codes of a finding's evidence, as "REQUEST_NAME" / "↳ RESPONSE_CODE". */
function codesOf(ix: CaptureIndex, frames: readonly number[]): string[] {
  return frames.map((i) => (ix.cols.flag[i] & 1 ? `↳${ix.cols.code[i]}` : String(ix.cols.code[i])));
}

const S = 1e6;

describe('no-route', () => {
  test('TOPIC_NOT_EXIST with TBW102 missing and a send refused: one error naming autoCreateTopicEnable off, every frame of it as evidence', async () => {
    const tl = new Timeline();
    const ns = tl.conn('10.0.0.5', '10.0.0.20', 9876, 0);
    const r1 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'NoSuch' });
    const r2 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TBW102' });
    ns.exchange(1000, r1, resp(r1, ResponseCode.TOPIC_NOT_EXIST, 'No topic route info in name server for the topic: NoSuch'));
    ns.exchange(3000, r2, resp(r2, ResponseCode.TOPIC_NOT_EXIST, 'No topic route info in name server for the topic: TBW102')).close(9000);
    const br = tl.conn('10.0.0.5', '10.0.0.10', 10911, 4000);
    const s = send('NoSuch');
    br.exchange(5000, s.cmd, resp(s.cmd, ResponseCode.TOPIC_NOT_EXIST, 'topic[NoSuch] not exist, apply first please!')).close(9000);
    const { ix, r } = await doctor(tl.bytes());
    const f = find(r, 'no-route:NoSuch');
    assert.equal(f.severity, 'error');
    assert.equal(f.rule, 'no-route');
    assert.match(f.cause, /autoCreateTopicEnable is off on every broker/);
    assert.match(f.fix, /mqadmin updateTopic -t NoSuch/);
    assert.deepEqual(codesOf(ix, f.evidence.frames), ['105', '↳17', '105', '↳17', '310', '↳17']);
    assert.ok(f.evidence.facts.some((x) => /sends to NoSuch: 0 stored, 1 answered TOPIC_NOT_EXIST/.test(x)), f.evidence.facts.join('\n'));
    // the broker's own TOPIC_NOT_EXIST is part of this finding, not a second one
    assert.equal(r.findings.length, 1, r.findings.map((x) => x.id).join(', '));
    // the filter lists exactly the evidence frames
    assert.deepEqual([...filterFrames(ix, f.evidence.filter!)], f.evidence.frames);
  });

  test('TBW102 writable: a note that auto-creation covers sends; %RETRY% topics are not reported', async () => {
    const tl = new Timeline();
    const ns = tl.conn('10.0.0.5', '10.0.0.20', 9876, 0);
    const r1 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Fresh' });
    const r2 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TBW102' });
    const r3 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: '%RETRY%cg' });
    ns.exchange(1000, r1, resp(r1, 17, 'No topic route info in name server for the topic: Fresh'));
    ns.exchange(2000, r2, resp(r2, 0, null, null, routeBody([{ name: 'broker-a', addr: '10.0.0.10:10911', perm: 7 }])));
    ns.exchange(3000, r3, resp(r3, 17, 'No topic route info in name server for the topic: %RETRY%cg')).close(5000);
    const { r } = await doctor(tl.bytes());
    const f = find(r, 'no-route:Fresh');
    assert.equal(f.severity, 'info');
    assert.match(f.cause, /writable queues \(on broker-a\).*autoCreateTopicEnable=true/);
    assert.ok(!r.findings.some((x) => x.id.includes('%RETRY%')));
  });

  test('a route without a writable queue', async () => {
    const tl = new Timeline();
    const ns = tl.conn('10.0.0.5', '10.0.0.20', 9876, 0);
    const r1 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'ReadOnly' });
    ns.exchange(1000, r1, resp(r1, 0, null, null, routeBody([{ name: 'broker-a', addr: '10.0.0.10:10911', perm: 4 }]))).close(3000);
    const { r } = await doctor(tl.bytes());
    const f = find(r, 'no-writable-queue:ReadOnly');
    assert.match(f.cause, /broker-a: perm 4 has no WRITE bit/);
  });
});

describe('unreachable-address', () => {
  test('a Docker bridge address nobody answers, a refused VIP port, a private address that works, a NameServer that is down', async () => {
    const tl = new Timeline();
    const ns = tl.conn('203.0.113.5', '203.0.113.20', 9876, 0);
    const r1 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Orders' });
    ns.exchange(1000, r1, resp(r1, 0, null, null, routeBody([{ name: 'broker-a', addr: '172.17.0.2:10911' }, { name: 'broker-b', addr: '10.1.2.3:10911' }]))).close(20 * S);
    // SYN, SYN, SYN to the bridge address: never answered
    const a = tl.conn('203.0.113.5', '172.17.0.2', 10911, 0, false);
    a.at(2000, a.s.syn()).at(1 * S, a.s.syn()).at(3 * S, a.s.syn());
    // the VIP port of broker-b refuses
    const v = tl.conn('203.0.113.5', '10.1.2.3', 10909, 0, false);
    v.at(2000, v.s.syn()).at(2100, v.s.rst(1));
    // broker-b's own port works
    const b = tl.conn('203.0.113.5', '10.1.2.3', 10911, 3000);
    const s = send('Orders');
    b.exchange(4000, s.cmd, resp(s.cmd, 0, null, { msgId: 'X', queueId: 0, queueOffset: 1 })).close(20 * S);
    // nothing listens on the NameServer port of another host
    const dead = tl.conn('203.0.113.5', '203.0.113.21', 9876, 0, false);
    dead.at(5000, dead.s.syn()).at(5100, dead.s.rst(1));
    const { ix, r } = await doctor(tl.bytes());
    const bridge = find(r, 'unreachable-address:172.17.0.2:10911');
    assert.equal(bridge.severity, 'error');
    assert.match(bridge.cause, /1 connection attempt\(s\) never answered/);
    assert.match(bridge.cause, /Docker bridge address/);
    assert.match(bridge.fix, /brokerIP1/);
    assert.deepEqual(codesOf(ix, bridge.evidence.frames), ['↳0']);
    assert.deepEqual(bridge.evidence.conns, [1]);
    const vip = find(r, 'unreachable-address:10.1.2.3:10909');
    assert.match(vip.title, /10\.1\.2\.3:10909 of broker-b not reachable/);
    assert.match(vip.cause, /refused/);
    assert.match(vip.fix, /vipChannelEnabled=false/);
    assert.ok(!r.findings.some((x) => x.id === 'unreachable-address:10.1.2.3:10911'), 'broker-b was reached');
    const down = find(r, 'unreachable-address:203.0.113.21:9876');
    assert.match(down.cause, /refused.*NameServer's usual port/);
    assert.equal(down.evidence.filter, null);
  });

  test('loopback advertised to a client on another machine: a warning even without connection attempts; none when the client is local', async () => {
    const build = (client: string, nsHost: string) => {
      const tl = new Timeline();
      const ns = tl.conn(client, nsHost, 9876, 0);
      const r1 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Orders' });
      ns.exchange(1000, r1, resp(r1, 0, null, null, routeBody([{ name: 'broker-a', addr: '127.0.0.1:10911' }]))).close(3000);
      return tl.bytes();
    };
    const remote = await doctor(build('192.168.1.50', '192.168.1.20'));
    const f = find(remote.r, 'unreachable-address:127.0.0.1:10911');
    assert.equal(f.severity, 'warning');
    assert.match(f.cause, /loopback address/);
    const local = await doctor(build('127.0.0.1', '127.0.0.1'));
    assert.deepEqual(local.r.findings, []);
  });
});

describe('wrong-protocol', () => {
  test('HTTP/2 answer to a remoting client, a TLS ClientHello and an HTTP request on remoting ports; SSH elsewhere is not reported', async () => {
    const tl = new Timeline();
    const g = tl.conn('10.0.0.5', '10.0.0.30', 8081, 0);
    const r1 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Orders' });
    const settings = Buffer.from('000012040000000000000300000064000400a000000006000020000', 'hex');
    const goaway = Buffer.concat([Buffer.from('00002a0700000000000000000000000001', 'hex'), Buffer.from('Unexpected HTTP/1.x request: ')]);
    g.send(1000, 0, r1).send(1500, 1, Buffer.concat([settings.subarray(0, 27), goaway])).close(3000);
    const t = tl.conn('10.0.0.5', '10.0.0.10', 10911, 0);
    const hello = Buffer.from('16030100a5010000a10303' + '00'.repeat(40), 'hex');
    t.send(1000, 0, hello).at(2000, t.s.rst(1));
    const h = tl.conn('10.0.0.5', '10.0.0.20', 9876, 0);
    h.send(1000, 0, Buffer.from('GET / HTTP/1.1\r\nHost: 10.0.0.20:9876\r\n\r\n')).close(3000);
    const ssh = tl.conn('10.0.0.5', '10.0.0.40', 22, 0);
    ssh.send(1000, 1, Buffer.from('SSH-2.0-OpenSSH_9.2\r\n')).close(3000);
    const { r } = await doctor(tl.bytes());
    const h2 = find(r, 'wrong-protocol:10.0.0.30:8081:server:http2-frames');
    assert.equal(h2.severity, 'error');
    assert.match(h2.cause, /HTTP\/2 frames: SETTINGS, GOAWAY PROTOCOL_ERROR: "Unexpected HTTP\/1\.x request/);
    assert.match(h2.fix, /remoting port/);
    assert.ok(h2.evidence.facts.some((x) => /the client sent 1 RocketMQ frame/.test(x)), h2.evidence.facts.join('\n'));
    assert.equal(h2.evidence.frames.length, 1, 'the client\'s frame on that connection');
    const tls = find(r, 'wrong-protocol:10.0.0.10:10911:client:tls-client-hello');
    assert.match(tls.cause, /TLS ClientHello \(record TLS 1\.0, hello TLS 1\.2\)/);
    assert.match(tls.fix, /Turn TLS off in the client/);
    const http = find(r, 'wrong-protocol:10.0.0.20:9876:client:http1-request');
    assert.match(http.cause, /HTTP request "GET \/ HTTP\/1\.1"/);
    assert.ok(!r.findings.some((x) => x.id.includes(':22:')));
  });
});

describe('broker-busy', () => {
  test('SYSTEM_BUSY [TIMEOUT_CLEAN_QUEUE] and 4.9\'s SYSTEM_ERROR [PC_SYNCHRONIZED]: by kind, with rates and the queue figures', async () => {
    const tl = new Timeline();
    const b = tl.conn('10.0.0.5', '10.0.0.10', 10911, 0);
    for (let k = 0; k < 10; k++) {
      const s = send('Orders');
      const answer = k < 4 ? resp(s.cmd, ResponseCode.SYSTEM_BUSY, `[TIMEOUT_CLEAN_QUEUE]broker busy, start flow control for a while, period in queue: ${200 + k * 15}ms, size of queue: ${5 + k}`)
        : k < 6 ? resp(s.cmd, ResponseCode.SYSTEM_ERROR, '[PC_SYNCHRONIZED]broker busy, start flow control for a while')
        : resp(s.cmd, 0, null, { msgId: 'X', queueId: 0, queueOffset: k });
      b.exchange(100_000 * k + 1000, s.cmd, answer);
    }
    b.close(2 * S);
    const { ix, r } = await doctor(tl.bytes());
    const q = find(r, 'broker-busy:timeout-clean-queue:10.0.0.10:10911');
    assert.match(q.title, /\[TIMEOUT_CLEAN_QUEUE\]/);
    assert.match(q.cause, /waitTimeMillsInSendQueue/);
    assert.equal(q.evidence.facts[0], '4 of 10 SEND_MESSAGE_V2 to 10.0.0.10:10911 answered SYSTEM_BUSY (40.0%)');
    assert.match(q.evidence.facts[1], /0\.300 s\): 13\.3 per second on average, at most 4 within one second/);
    assert.match(q.evidence.facts[2], /longest wait in the broker's queue: 245 ms; longest queue: 8/);
    assert.deepEqual(codesOf(ix, q.evidence.frames).filter((x) => x.startsWith('↳')), ['↳2', '↳2', '↳2', '↳2']);
    const pc = find(r, 'broker-busy:pc-synchronized:10.0.0.10:10911');
    assert.match(pc.cause, /4\.9 brokers answer it as SYSTEM_ERROR/);
    assert.match(pc.evidence.facts[0], /^2 of 10 SEND_MESSAGE_V2/);
    assert.equal(r.findings.length, 2);
  });
});

describe('acl-refused', () => {
  test('signature mismatch, unknown AccessKey, no permission: which one, for which request and AccessKey', async () => {
    const tl = new Timeline();
    const b = tl.conn('10.0.0.5', '10.0.0.10', 10911, 0);
    const s1 = send('Orders', { accessKey: 'rocketmq2' });
    b.exchange(1000, s1.cmd, resp(s1.cmd, ResponseCode.SYSTEM_ERROR, 'org.apache.rocketmq.acl.common.AclException: Check signature failed for accessKey=rocketmq2'));
    const s2 = send('Orders', { accessKey: 'nobody' });
    b.exchange(3000, s2.cmd, resp(s2.cmd, ResponseCode.NO_PERMISSION, 'User:nobody is not found.'));
    const s3 = send('Payments', { accessKey: 'reader', group: 'pg-pay' });
    b.exchange(5000, s3.cmd, resp(s3.cmd, ResponseCode.NO_PERMISSION, 'rmq_reader has no permission to access Topic:Payments from 10.0.0.5, '));
    const s4 = send('Orders');
    b.exchange(7000, s4.cmd, resp(s4.cmd, ResponseCode.SYSTEM_ERROR, 'org.apache.rocketmq.acl.common.AclException: No accessKey is configured')).close(9000);
    const { r } = await doctor(tl.bytes());
    const sig = find(r, 'acl-refused:signature:310:rocketmq2@10.0.0.10:10911');
    assert.equal(sig.title, 'ACL: signature mismatch — SEND_MESSAGE_V2 with AccessKey rocketmq2');
    assert.match(sig.fix, /SecretKey/);
    assert.match(find(r, 'acl-refused:unknown-access-key:310:nobody@10.0.0.10:10911').cause, /no account for the AccessKey/);
    const perm = find(r, 'acl-refused:no-permission:310:reader@10.0.0.10:10911');
    assert.ok(perm.evidence.facts.some((x) => /topic Payments, group pg-pay/.test(x)), perm.evidence.facts.join('\n'));
    assert.match(find(r, 'acl-refused:no-credentials:310:@10.0.0.10:10911').title, /with no AccessKey/);
    assert.equal(r.findings.length, 4);
  });
});

describe('transactions', () => {
  test('a half message never ended, UNKNOW answered to every check, a check nobody answers, a producer group mismatch; a committed one is fine', async () => {
    const tl = new Timeline();
    const b = tl.conn('10.0.0.5', '10.0.0.10', 10911, 0);
    b.send(500, 0, heartbeat('10.0.0.5@app', { producers: ['txg', 'CLIENT_INNER_PRODUCER'] }));
    const ok = (s: ReturnType<typeof send>) => resp(s.cmd, 0, null, { msgId: 'OFF', queueId: 0, queueOffset: 1, transactionId: s.uniq });
    const end = (u: string, decision: number, fromCheck: boolean, group = 'txg') =>
      req(RequestCode.END_TRANSACTION, { producerGroup: group, tranStateTableOffset: 1, commitLogOffset: 100, commitOrRollback: decision, fromTransactionCheck: fromCheck, msgId: u, transactionId: u }, { oneway: true });
    const check = (u: string) => req(RequestCode.CHECK_TRANSACTION_STATE, { tranStateTableOffset: 1, commitLogOffset: 100, msgId: u, transactionId: u, topic: 'TxTopic' }, { oneway: true, body: '' });
    const a = send('TxTopic', { half: true, group: 'txg' });
    b.exchange(1000, a.cmd, ok(a));
    const u = send('TxTopic', { half: true, group: 'txg' });
    b.exchange(2000, u.cmd, ok(u)).send(3000, 0, end(u.uniq, 0, false));
    b.send(10 * S, 1, check(u.uniq)).send(10 * S + 500, 0, end(u.uniq, 0, true));
    b.send(15 * S, 1, check(u.uniq)).send(15 * S + 500, 0, end(u.uniq, 0, true));
    b.send(12 * S, 1, check('0A000005000000000000000000FFFFFF'));
    const m = send('TxTopic', { half: true, group: 'orders_tx' });
    b.exchange(4000, m.cmd, ok(m)).send(5000, 0, end(m.uniq, 8, false, 'orders_tx'));
    const c = send('TxTopic', { half: true, group: 'txg' });
    b.exchange(6000, c.cmd, ok(c)).send(7000, 0, end(c.uniq, 8, false));
    b.send(19 * S, 0, heartbeat('10.0.0.5@app', { producers: ['txg', 'CLIENT_INNER_PRODUCER'] }));
    b.close(20 * S);
    const { ix, r } = await doctor(tl.bytes());
    const unf = find(r, 'transaction-unfinished');
    assert.match(unf.evidence.facts[0], new RegExp(`^2 half message\\(s\\) stored .*${a.uniq}.*${u.uniq}`));
    assert.ok(unf.evidence.facts.includes('1 of them were ended with UNKNOW (commitOrRollback 0): the broker must check back'), unf.evidence.facts.join('\n'));
    const rep = find(r, 'transaction-unknown-repeated');
    assert.match(rep.evidence.facts[0], new RegExp(`${u.uniq} ×3`));
    assert.deepEqual(codesOf(ix, rep.evidence.frames).sort(), ['37', '37', '37', '39', '39'].sort());
    const chk = find(r, 'transaction-check-unanswered');
    assert.equal(chk.evidence.frames.length, 1);
    assert.match(chk.evidence.facts[0], /0A000005000000000000000000FFFFFF/);
    const mm = find(r, 'transaction-group-mismatch');
    assert.match(mm.evidence.facts[0], /group orders_tx\): no heartbeat to 10\.0\.0\.10:10911 registers producer group orders_tx \(the client's heartbeats register txg\)/);
    assert.ok(!unf.evidence.facts[0].includes(c.uniq), 'the committed transaction is not unfinished');
  });
});

describe('consumers', () => {
  test('clients of one group with different subscriptions (their last heartbeats); a consistent group is fine', async () => {
    const tl = new Timeline();
    const b = tl.conn('10.0.0.5', '10.0.0.10', 10911, 0);
    const hb = (c: ReturnType<typeof heartbeat>) => resp(c, 0);
    const h1 = heartbeat('10.0.0.5@1', { consumers: [{ group: 'cg1', subs: [['Orders', 'TagB'], ['%RETRY%cg1', '*']] }, { group: 'cg2', subs: [['Audit', '*']] }] });
    const h2 = heartbeat('10.0.0.5@1', { consumers: [{ group: 'cg1', subs: [['Orders', 'TagA'], ['%RETRY%cg1', '*']] }, { group: 'cg2', subs: [['Audit', '*']] }] });
    b.exchange(1000, h1, hb(h1)).exchange(2000, h2, hb(h2)).close(5000);
    const b2 = tl.conn('10.0.0.6', '10.0.0.10', 10911, 0);
    const h3 = heartbeat('10.0.0.6@1', { consumers: [{ group: 'cg1', subs: [['Orders', 'TagB'], ['%RETRY%cg1', '*']] }, { group: 'cg2', subs: [['Audit', '*']] }] });
    b2.exchange(1500, h3, hb(h3)).close(5000);
    const { ix, r } = await doctor(tl.bytes());
    const f = find(r, 'subscription-mismatch:cg1');
    assert.deepEqual(f.evidence.facts.sort(), ['1 client(s) subscribe "Orders: TagA": 10.0.0.5@1', '1 client(s) subscribe "Orders: TagB": 10.0.0.6@1']);
    assert.equal(f.evidence.frames.length, 2, 'the last heartbeat of each client');
    assert.ok(f.evidence.frames.every((i) => ix.cols.code[i] === RequestCode.HEART_BEAT));
    assert.equal(r.findings.length, 1);
  });

  test('pulls that find nothing while the queue holds messages: the subscription matched none (PULL_RETRY_IMMEDIATELY)', async () => {
    const tl = new Timeline();
    const b = tl.conn('10.0.0.5', '10.0.0.10', 10911, 0);
    const pull = (offset: number) => req(RequestCode.PULL_MESSAGE, { consumerGroup: 'cg', topic: 'Orders', queueId: 0, queueOffset: offset, maxMsgNums: 32, sysFlag: 6, commitOffset: 0, suspendTimeoutMillis: 15000, subscription: 'TagA', subVersion: 1, expressionType: 'TAG' });
    const p1 = pull(0), p2 = pull(5), p3 = pull(10);
    b.exchange(1000, p1, resp(p1, ResponseCode.PULL_RETRY_IMMEDIATELY, 'NO_MATCHED_MSG', { nextBeginOffset: 5, minOffset: 0, maxOffset: 10, suggestWhichBrokerId: 0 }));
    b.exchange(2000, p2, resp(p2, ResponseCode.PULL_RETRY_IMMEDIATELY, 'NO_MATCHED_MSG', { nextBeginOffset: 10, minOffset: 0, maxOffset: 10, suggestWhichBrokerId: 0 }));
    b.exchange(3000, p3, resp(p3, ResponseCode.PULL_NOT_FOUND, 'NO_NEW_MSG', { nextBeginOffset: 10, minOffset: 0, maxOffset: 10, suggestWhichBrokerId: 0 })).close(5000);
    const { r } = await doctor(tl.bytes());
    const f = find(r, 'pull-empty:cg:Orders:0@10.0.0.10:10911');
    assert.match(f.cause, /none matched the consumer's subscription \("TagA"\)/);
    assert.equal(f.evidence.facts[0], '3 pull(s) by group cg of Orders queue 0 on 10.0.0.10:10911 returned no message; none returned any');
    assert.equal(f.evidence.frames.length, 6);
  });
});

describe('unanswered', () => {
  test('never answered, answered after the timeout, and pending at the end (not counted), by code and server', async () => {
    const tl = new Timeline();
    const b = tl.conn('10.0.0.5', '10.0.0.10', 10911, 0);
    for (let k = 0; k < 3; k++) b.send(1 * S + k * 1000, 0, req(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'cg' }));
    const late = send('Orders');
    b.exchange(2 * S, late.cmd, resp(late.cmd, 0, null, { msgId: 'X', queueId: 0, queueOffset: 1 }), 4 * S);
    const fast = send('Orders');
    b.exchange(2.5 * S, fast.cmd, resp(fast.cmd, 0, null, { msgId: 'X', queueId: 0, queueOffset: 2 }));
    b.send(9.5 * S, 0, req(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'cg' }));
    b.close(10 * S);
    const { ix, r } = await doctor(tl.bytes());
    const never = find(r, 'unanswered:GET_CONSUMER_LIST_BY_GROUP@10.0.0.10:10911');
    assert.equal(never.severity, 'error');
    assert.equal(never.evidence.frames.length, 3);
    assert.ok(never.evidence.facts.includes('1 more were sent within the client timeout before the capture ended (not counted)'), never.evidence.facts.join('\n'));
    const slow = find(r, 'unanswered:SEND_MESSAGE_V2@10.0.0.10:10911');
    assert.equal(slow.severity, 'warning');
    assert.match(slow.evidence.facts[0], /^1 answered after more than 3 s \(the client's timeout\); slowest 4\.00 s/);
    assert.deepEqual(codesOf(ix, slow.evidence.frames), ['310', '↳0']);
    assert.match(slow.evidence.facts[1], /^2 SEND_MESSAGE_V2 request\(s\) to 10\.0\.0\.10:10911 in all/);
  });
});

describe('the doctor on a file and in the CLI', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'doctor-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a file is read in one pass (same findings as in memory); `capture FILE --doctor` prints them, --json as JSON, exit 1 on an error', async () => {
    const tl = new Timeline();
    const ns = tl.conn('10.0.0.5', '10.0.0.20', 9876, 0);
    const r1 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'NoSuch' });
    const r2 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TBW102' });
    ns.exchange(1000, r1, resp(r1, 17, 'No topic route info in name server for the topic: NoSuch'));
    ns.exchange(3000, r2, resp(r2, 17, 'No topic route info in name server for the topic: TBW102')).close(9000);
    const bytes = tl.bytes();
    const file = join(dir, 'noroute.pcapng');
    writeFileSync(file, bytes);
    const ix = await indexCaptureFile(file);
    const fromFile = await diagnoseCapture(ix, fileFrames(ix));
    const inMemory = (await doctor(bytes)).r;
    assert.deepEqual(fromFile.findings, inMemory.findings);
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), stdin: async () => '' };
    assert.equal(await main(['capture', file, '--doctor'], io), 1);
    const text = out.join('\n');
    assert.match(text, /^Doctor: 1 finding\(s\) — 1 error\(s\)/);
    assert.match(text, /ERROR {2}No route info of topic NoSuch {3}\[no-route:NoSuch\]/);
    assert.match(text, new RegExp(`4 frame\\(s\\): capture ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} --filter "frames=0-3"`));
    out.length = 0;
    assert.equal(await main(['capture', file, '--doctor', '--json'], io), 1);
    const json = JSON.parse(out.join('\n')) as DoctorReport;
    assert.equal(json.findings[0].id, 'no-route:NoSuch');
    assert.equal(json.findings[0].evidence.filter, 'frames=0-3');
    // the filter the doctor prints selects the evidence through the CLI's own --filter
    out.length = 0;
    assert.equal(await main(['capture', file, '--filter', 'frames=0-3'], io), 0);
    assert.match(out.join('\n'), /Filter "frames=0-3": 4 frame\(s\) match/);
    out.length = 0;
    assert.equal(await main(['capture', file, '--doctor', '--filter', 'error'], io).catch(() => 2), 2);
    // a capture without known failures
    const clean = new Timeline();
    const c = clean.conn('10.0.0.5', '10.0.0.20', 9876, 0);
    const q = req(RequestCode.GET_BROKER_CLUSTER_INFO, null);
    c.exchange(1000, q, resp(q, 0, null, null, '{"brokerAddrTable":{},"clusterAddrTable":{}}')).close(3000);
    const cleanFile = join(dir, 'clean.pcapng');
    writeFileSync(cleanFile, clean.bytes());
    out.length = 0;
    assert.equal(await main(['capture', cleanFile, '--doctor'], io), 0);
    assert.match(out.join('\n'), /No known failure found\./);
  });

  test('frames= filter term: lists and ranges; refused when malformed', () => {
    assert.equal(framesFilterTerm([1, 2, 3, 7, 9, 10]), 'frames=1-3,7,9-10');
    const f = parseFilter('frames=1-3,7');
    assert.deepEqual([...(f.frames as Set<number>)], [1, 2, 3, 7]);
    assert.throws(() => parseFilter('frames=3-1'), /the end is before the start/);
    assert.throws(() => parseFilter('frames=a'), /bad frame list/);
  });
});
