// The doctor on real traffic: each failure produced against real RocketMQ 4.9.7 and 5.3.3 while
// dumpcap records loopback, then the capture file read by the doctor (the same pass `capture FILE
// --doctor` and the inspector run). Where a client sees the failure live, its error is worded by the
// same explanation (describeFailure → src/core/doctor/explain.ts).
//
// Shared clusters: wrong port or protocol (a real HTTP/2 server, TLS and HTTP clients against the
// real ports), unanswered requests (a broker paused with SIGSTOP), broker busy (waitTimeMillsInSendQueue
// lowered at run time), transactions (check interval lowered at run time), consumer subscriptions and
// empty pulls, a topic created by auto-creation. Own clusters with ACL on and autoCreateTopicEnable
// off: ACL refusals of each kind, no route with TBW102 missing, a broker that died after its address
// was handed out. Docker-bridge and private addresses seen from another network cannot happen on one
// machine: test/unit/doctor/capture-doctor.test.ts has them crafted.
import { describe, before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { useCluster, startCluster, RunningCluster } from '../support/cluster';
import { MQClient, Producer, MQClientError, MQBrokerError } from '../../src/core/producer';
import { Message, encodeProperties, MessageSysFlag } from '../../src/core/message';
import { RequestCode, ResponseCode, RemotingCommand } from '../../src/core/remoting';
import { encodeSendHeader } from '../../src/core/remoting/headers';
import { CaptureIndex } from '../../src/core/capture';
import { Finding, DoctorReport } from '../../src/core/doctor';
import { describeFailure } from '../../src/app/routes/errors';
import { captureScenario, withBrokerConfig, withBrokersConfig } from '../support/doctor/real';
import { eventually } from '../support/poll';

function find(r: DoctorReport, pred: (f: Finding) => boolean, what: string): Finding {
  const f = r.findings.find(pred);
  assert.ok(f, `${what}: not found among ${r.findings.map((x) => x.id).join(', ') || 'no findings'}`);
  return f;
}

const listen = (s: net.Server): Promise<number> => new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as net.AddressInfo).port)));
const count = (ix: CaptureIndex, pred: (i: number) => boolean): number => { let n = 0; for (let i = 0; i < ix.length; i++) if (pred(i)) n++; return n; };

function sendV2(client: MQClient, topic: string, o: { group: string; props?: Record<string, string>; sysFlag?: number; body?: string; queueId?: number }): RemotingCommand {
  const ext = encodeSendHeader(RequestCode.SEND_MESSAGE_V2, {
    producerGroup: o.group, topic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: o.queueId ?? 0, sysFlag: o.sysFlag ?? 0,
    bornTimestamp: Date.now(), flag: 0, properties: encodeProperties({ WAIT: 'true', ...(o.props ?? {}) }), reconsumeTimes: 0, unitMode: false, batch: false,
  });
  return client.request(RequestCode.SEND_MESSAGE_V2, ext, Buffer.from(o.body ?? 'doctor'));
}

for (const version of ['5.3', '4.9'] as const) {
  describe(`doctor on real ${version} traffic (shared cluster)`, () => {
    const cluster = useCluster(version);
    const tag = `doc${version.replace('.', '')}_${Date.now()}`;
    let c: RunningCluster;
    let admin: MQClient;
    before(async () => {
      c = await cluster;
      admin = new MQClient({ namesrvAddr: c.namesrv, clientVersion: c.versionOrdinal });
    });
    after(async () => { await admin?.close(); });

    test('wrong port or protocol: a remoting client against HTTP/2, a TLS ClientHello, an HTTP request and an HTTP/2 preface on real remoting ports', async () => {
      const h2 = http2.createServer();
      h2.on('sessionError', () => undefined);
      const h2port = await listen(h2 as unknown as net.Server);
      const broker = c.brokers[0];
      const nsPort = Number(c.namesrv.split(':')[1]);
      let liveError: unknown;
      try {
        const cap = await captureScenario(c, `protocol${version}`, [h2port], async () => {
          // our remoting client against an HTTP/2 server (what a 5.x Proxy's gRPC port is)
          const client = new MQClient({ namesrvAddr: `127.0.0.1:${h2port}`, clientVersion: c.versionOrdinal });
          liveError = await client.getTopicRoute('T', 3000).then(() => null, (e: unknown) => e);
          await client.close();
          // a TLS client on the broker's plain port; an HTTP client on the NameServer's; a gRPC (HTTP/2) client on the broker's
          await new Promise<void>((resolve) => {
            const s = tls.connect({ host: '127.0.0.1', port: broker.port, rejectUnauthorized: false });
            s.on('error', () => resolve()); s.on('close', () => resolve());
          });
          await new Promise<void>((resolve) => {
            const r = http.get({ host: '127.0.0.1', port: nsPort, path: '/' }, () => resolve());
            r.on('error', () => resolve()); r.setTimeout(5000, () => { r.destroy(); resolve(); });
          });
          await new Promise<void>((resolve) => {
            const s = http2.connect(`http://127.0.0.1:${broker.port}`);
            s.on('error', () => resolve()); s.on('close', () => resolve());
            setTimeout(() => { s.destroy(); resolve(); }, 5000);
          });
        }, (ix) => ix.conns.filter((k) => k?.closed).length >= 4);
        const r = cap.report;
        const h2f = find(r, (f) => f.id.startsWith(`wrong-protocol:127.0.0.1:${h2port}:server:http2-frames`), 'HTTP/2 answer');
        assert.equal(h2f.severity, 'error');
        assert.match(h2f.cause, /HTTP\/2 frames: SETTINGS/);
        assert.ok(h2f.evidence.facts.some((x) => /the client sent 1 RocketMQ frame/.test(x)), h2f.evidence.facts.join('\n'));
        // the live error reads the same
        const d = describeFailure(liveError, 'nameserver');
        assert.equal(d.explanation?.rule, 'wrong-protocol');
        assert.equal(d.explanation?.fix, h2f.fix);
        const tlsf = find(r, (f) => f.id === `wrong-protocol:${broker.addr}:client:tls-client-hello`, 'TLS ClientHello on the broker port');
        assert.match(tlsf.cause, /TLS ClientHello/);
        const httpf = find(r, (f) => f.id === `wrong-protocol:${c.namesrv}:client:http1-request`, 'HTTP on the NameServer port');
        assert.match(httpf.cause, /HTTP request "GET \/ HTTP\/1\.1"/);
        const pref = find(r, (f) => f.id === `wrong-protocol:${broker.addr}:client:http2-preface`, 'HTTP/2 preface on the broker port');
        assert.match(pref.fix, /gRPC port/);
        assert.deepEqual(r.findings.filter((f) => f.rule !== 'wrong-protocol').map((f) => f.id), [], 'nothing else is wrong in this capture');
      } finally {
        h2.close();
      }
    });

    test('unanswered requests and late answers: a broker paused (SIGSTOP) while requests wait', async () => {
      const broker = c.brokers[1];
      const client = new MQClient({ namesrvAddr: c.namesrv, clientVersion: c.versionOrdinal });
      let timeouts = 0;
      try {
        await client.connection(broker.addr);
        const cap = await captureScenario(c, `unanswered${version}`, [], async () => {
          process.kill(broker.pid, 'SIGSTOP');
          try {
            const asks = Array.from({ length: 3 }, () => client.invoke(broker.addr, client.request(RequestCode.GET_BROKER_RUNTIME_INFO, null), 1500).catch(() => { timeouts++; }));
            await Promise.all(asks);
            await new Promise((r) => setTimeout(r, 3500)); // the requests are older than the 3 s client timeout when the capture ends
          } finally {
            process.kill(broker.pid, 'SIGCONT');
          }
        });
        assert.equal(timeouts, 3, 'every request timed out on the client');
        const f = find(cap.report, (x) => x.id === `unanswered:GET_BROKER_RUNTIME_INFO@${broker.addr}`, 'unanswered requests');
        assert.equal(f.severity, 'error');
        assert.equal(f.evidence.framesTotal, 3);
        assert.match(f.evidence.facts[0], new RegExp(`^3 GET_BROKER_RUNTIME_INFO request\\(s\\) to ${broker.addr.replace(/\./g, '\\.')} never answered`));
        assert.ok(f.evidence.frames.every((i) => cap.ix.cols.code[i] === RequestCode.GET_BROKER_RUNTIME_INFO && !(cap.ix.cols.flag[i] & 1)));
      } finally {
        await client.close();
      }
      // the broker answers again
      await eventually('the broker to answer after SIGCONT', async () => {
        const r = await admin.invoke(broker.addr, admin.request(RequestCode.GET_BROKER_RUNTIME_INFO, null), 3000).catch(() => null);
        return r?.code === ResponseCode.SUCCESS ? true : undefined;
      }, 30_000);
    });

    test('broker busy: [TIMEOUT_CLEAN_QUEUE] answers with their rate, as the client saw them', async () => {
      const broker = c.brokers[0];
      const topic = `DocBusy_${tag}`;
      await c.createTopic(topic, { queues: 1 });
      const client = new MQClient({ namesrvAddr: c.namesrv, clientVersion: c.versionOrdinal });
      const codes: number[] = [];
      try {
        await client.connection(broker.addr);
        const cap = await captureScenario(c, `busy${version}`, [], async () => {
          await withBrokerConfig(admin, broker.addr, { waitTimeMillsInSendQueue: 1 }, async () => {
            // a burst of sends: requests wait in the broker's send queue longer than 1 ms and are refused
            for (let round = 0; round < 3 && !codes.includes(ResponseCode.SYSTEM_BUSY); round++) {
              const all = await Promise.all(Array.from({ length: 1500 }, () => client.invoke(broker.addr, sendV2(client, topic, { group: `pg_${tag}`, body: 'x'.repeat(8192) }), 20_000).then((r) => r.code, () => -1)));
              codes.push(...all);
            }
          });
        });
        assert.equal(count(cap.ix, (i) => (cap.ix.cols.flag[i] & 1) !== 0 && cap.ix.cols.reqCode[i] === RequestCode.SEND_MESSAGE_V2), codes.length, 'every answer is in the capture');
        const busy = codes.filter((x) => x === ResponseCode.SYSTEM_BUSY).length;
        assert.ok(busy > 0, `the broker refused some sends (codes: ${[...new Set(codes)].join(', ')})`);
        const f = find(cap.report, (x) => x.id === `broker-busy:timeout-clean-queue:${broker.addr}`, '[TIMEOUT_CLEAN_QUEUE]');
        assert.match(f.evidence.facts[0], new RegExp(`^${busy} of ${codes.length} SEND_MESSAGE_V2 to ${broker.addr.replace(/\./g, '\\.')} answered SYSTEM_BUSY`));
        assert.match(f.evidence.facts[2], /longest wait in the broker's queue: \d+ ms; longest queue: \d+ request/);
        // the live error of one of those sends reads the same
        const live = describeFailure(new MQBrokerError(ResponseCode.SYSTEM_BUSY, '[TIMEOUT_CLEAN_QUEUE]broker busy, start flow control for a while, period in queue: 2ms, size of queue: 9', broker.addr, broker.name, RequestCode.SEND_MESSAGE_V2), 'broker');
        assert.equal(live.explanation?.cause, f.cause);
      } finally {
        await client.close();
      }
    });

    test('transactions: UNKNOW answered again and again, a check-back nobody answers, a producer group nobody heartbeats, half messages never ended', async () => {
      const topic = `DocTx_${tag}`;
      await c.createTopic(topic, { queues: 1 });
      const broker = c.brokers.find((b) => b.name === 'broker-a') ?? c.brokers[0];
      const unknown = new Producer({
        namesrvAddr: c.namesrv, producerGroup: `txu_${tag}`, clientVersion: c.versionOrdinal,
        transactionListener: { executeLocalTransaction: () => 'UNKNOW', checkLocalTransaction: () => 'UNKNOW' },
      });
      // group txs: its half message is sent by a producer that then leaves; the one that stays has no listener
      const sender = new Producer({ namesrvAddr: c.namesrv, producerGroup: `txs_${tag}`, clientVersion: c.versionOrdinal, transactionListener: { executeLocalTransaction: () => 'UNKNOW', checkLocalTransaction: () => 'UNKNOW' } });
      const silent = new MQClient({ namesrvAddr: c.namesrv, clientVersion: c.versionOrdinal });
      let silentChecks = 0;
      silent.registerServerRequestHandler(RequestCode.CHECK_TRANSACTION_STATE, () => { silentChecks++; }); // and no END_TRANSACTION back
      const ghost = new MQClient({ namesrvAddr: c.namesrv, clientVersion: c.versionOrdinal });
      let unknownKey = '', silentKey = '', ghostKey = '';
      try {
        const cap = await captureScenario(c, `tx${version}`, [], async () => {
          // every broker checks often: the half messages go round-robin to either
          await withBrokersConfig(admin, c.brokers.map((x) => x.addr), { transactionTimeOut: 1000, transactionCheckInterval: 2000 }, async () => {
            await unknown.start();
            unknownKey = (await unknown.sendMessageInTransaction(new Message({ topic, body: 'unknown forever' }))).msgId;
            await sender.start();
            silentKey = (await sender.sendMessageInTransaction(new Message({ topic, body: 'nobody answers the check' }))).msgId;
            await sender.shutdown();
            // the client that stays registers the group by heartbeat but answers no check
            const hb = (group: string) => silent.request(RequestCode.HEART_BEAT, null, Buffer.from(JSON.stringify({ clientID: `127.0.0.1@silent_${tag}`, producerDataSet: [{ groupName: group }], consumerDataSet: [] })));
            for (const x of c.brokers) await silent.invoke(x.addr, hb(`txs_${tag}`), 3000);
            // a half message whose PGROUP no client registers: the broker has nobody to check back with
            await ghost.invoke(broker.addr, ghost.request(RequestCode.HEART_BEAT, null, Buffer.from(JSON.stringify({ clientID: `127.0.0.1@ghost_${tag}`, producerDataSet: [{ groupName: `txreal_${tag}` }], consumerDataSet: [] }))), 3000);
            ghostKey = `7F00000100002A9F${Date.now().toString(16).toUpperCase().padStart(16, '0')}`;
            const r = await ghost.invoke(broker.addr, sendV2(ghost, topic, { group: `txghost_${tag}`, sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE, props: { TRAN_MSG: 'true', PGROUP: `txghost_${tag}`, UNIQ_KEY: ghostKey } }), 5000);
            assert.equal(r.code, ResponseCode.SUCCESS, `the ghost half message is stored (${r.remark})`);
            // two UNKNOW answers to check-backs, and a check on the silent client, old enough to count as unanswered
            await eventually('two UNKNOW check-backs and one to the silent client', async () => (unknown.checkBacks.filter((x) => x.msgId === unknownKey).length >= 2 && silentChecks >= 1 ? true : undefined), 150_000);
            await new Promise((r) => setTimeout(r, 3500));
          });
        });
        const r = cap.report;
        const rep = find(r, (f) => f.id === 'transaction-unknown-repeated', 'UNKNOW repeated');
        assert.match(rep.evidence.facts[0], new RegExp(`${unknownKey} ×\\d`));
        const unf = find(r, (f) => f.id === 'transaction-unfinished', 'unfinished');
        assert.match(unf.evidence.facts[0], /^3 half message\(s\) stored/);
        for (const k of [unknownKey, silentKey, ghostKey]) assert.ok(unf.evidence.facts[0].includes(k), `${k} in ${unf.evidence.facts[0]}`);
        const mm = find(r, (f) => f.id === 'transaction-group-mismatch', 'group mismatch');
        assert.ok(mm.evidence.facts.some((x) => x.includes(ghostKey) && x.includes(`no heartbeat to ${broker.addr} registers producer group txghost_${tag}`)), mm.evidence.facts.join('\n'));
        const chk = find(r, (f) => f.id === 'transaction-check-unanswered', 'the check on the silent client');
        assert.ok(chk.evidence.facts[0].includes(silentKey), chk.evidence.facts.join('\n'));
      } finally {
        await unknown.shutdown();
        await sender.shutdown().catch(() => undefined);
        await silent.close();
        await ghost.close();
      }
    });

    test('consumers: clients of one group subscribing differently; pulls whose subscription matches no message', async () => {
      const topic = `DocSub_${tag}`;
      await c.createTopic(topic, { queues: 1 });
      const broker = c.brokers.find((b) => b.name === 'broker-a') ?? c.brokers[0];
      const producer = new Producer({ namesrvAddr: c.namesrv, producerGroup: `pg_${tag}`, clientVersion: c.versionOrdinal });
      await producer.start();
      const q = { topic, brokerName: broker.name, queueId: 0 };
      for (let k = 0; k < 5; k++) await producer.send(new Message({ topic, body: `b${k}`, tags: 'TagB' }), { queue: q });
      await producer.shutdown();
      const a = new MQClient({ namesrvAddr: c.namesrv, clientVersion: c.versionOrdinal });
      const b = new MQClient({ namesrvAddr: c.namesrv, clientVersion: c.versionOrdinal });
      const group = `cg_${tag}`;
      const hb = (client: MQClient, id: string, sub: string) => client.request(RequestCode.HEART_BEAT, null, Buffer.from(JSON.stringify({
        clientID: id, producerDataSet: [],
        consumerDataSet: [{ groupName: group, consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', unitMode: false,
          subscriptionDataSet: [{ classFilterMode: false, codeSet: [], expressionType: 'TAG', subString: sub, subVersion: Date.now(), tagsSet: [sub], topic }] }],
      })));
      const pulled: number[] = [];
      try {
        const cap = await captureScenario(c, `consumers${version}`, [], async () => {
          assert.equal((await a.invoke(broker.addr, hb(a, `127.0.0.1@a_${tag}`, 'TagA'), 3000)).code, ResponseCode.SUCCESS);
          assert.equal((await b.invoke(broker.addr, hb(b, `127.0.0.1@b_${tag}`, 'TagB'), 3000)).code, ResponseCode.SUCCESS);
          // client a pulls with its subscription TagA from the start: the broker skips every TagB message
          let offset = 0;
          for (let k = 0; k < 6; k++) {
            const resp = await a.invoke(broker.addr, a.request(RequestCode.PULL_MESSAGE, {
              consumerGroup: group, topic, queueId: 0, queueOffset: offset, maxMsgNums: 2, sysFlag: 0x4, commitOffset: 0, suspendTimeoutMillis: 0,
              subscription: 'TagA', subVersion: 0, expressionType: 'TAG',
            }), 5000);
            pulled.push(resp.code);
            offset = Number(resp.extFields?.nextBeginOffset ?? offset);
          }
        });
        assert.ok(!pulled.includes(ResponseCode.SUCCESS), `no pull found a message (codes ${pulled.join(', ')})`);
        const sub = find(cap.report, (f) => f.id === `subscription-mismatch:${group}`, 'different subscriptions');
        assert.deepEqual(sub.evidence.facts.sort(), [`1 client(s) subscribe "${topic}: TagA": 127.0.0.1@a_${tag}`, `1 client(s) subscribe "${topic}: TagB": 127.0.0.1@b_${tag}`]);
        const pe = find(cap.report, (f) => f.id === `pull-empty:${group}:${topic}:0@${broker.addr}`, 'empty pulls');
        assert.equal(pe.evidence.facts[0], `${pulled.length} pull(s) by group ${group} of ${topic} queue 0 on ${broker.addr} returned no message; none returned any`);
        assert.match(pe.evidence.facts[1], /the queue holds offsets 0\.\.5 \(5 message\(s\)\)/);
        assert.match(pe.cause, /none matched the consumer's subscription \("TagA"\)/);
      } finally {
        await a.close();
        await b.close();
      }
    });

    test('a topic the NameServer does not know, with auto-creation on: a note (TBW102 writable); the send creates it', async () => {
      const topic = `DocAuto_${tag}`;
      const producer = new Producer({ namesrvAddr: c.namesrv, producerGroup: `pg_auto_${tag}`, clientVersion: c.versionOrdinal });
      try {
        const cap = await captureScenario(c, `auto${version}`, [], async () => {
          await producer.start();
          const res = await producer.send(new Message({ topic, body: 'creates the topic' }));
          assert.equal(res.sendStatus, 'SEND_OK');
        });
        const f = find(cap.report, (x) => x.id === `no-route:${topic}`, 'no route');
        assert.equal(f.severity, 'info');
        assert.match(f.cause, /autoCreateTopicEnable=true/);
        assert.ok(f.evidence.facts.some((x) => x === `sends to ${topic}: 1 stored`), f.evidence.facts.join('\n'));
        assert.deepEqual(cap.report.findings.filter((x) => x.severity === 'error').map((x) => x.id), []);
      } finally {
        await producer.shutdown();
      }
    });
  });
}

const ADMIN = { accessKey: 'rmq_admin', secretKey: 'admin-secret-0001', admin: true };
const USER = { accessKey: 'rmq_user', secretKey: 'user-secret-0002', defaultTopicPerm: 'PUB|SUB', defaultGroupPerm: 'PUB|SUB' };
const READER = { accessKey: 'rmq_reader', secretKey: 'reader-secret-0003', defaultTopicPerm: 'SUB', defaultGroupPerm: 'SUB' };

for (const version of ['5.3', '4.9'] as const) {
  describe(`doctor on real ${version} traffic (own cluster: ACL on, autoCreateTopicEnable off)`, () => {
    let c: RunningCluster;
    const tag = `docacl${version.replace('.', '')}_${Date.now()}`;
    const topic = `DocAcl_${tag}`;
    before(async () => {
      c = await startCluster({ version, brokerNames: ['broker-doc'], acl: { accounts: [ADMIN, USER, READER] }, brokerProperties: { autoCreateTopicEnable: false } });
      await c.createTopic(topic, { queues: 1 });
    });
    after(async () => { await c?.stop(); });

    test('ACL refusals: signature mismatch, unknown AccessKey, no credentials, no permission — each for its request and AccessKey, in the live error\'s words', async () => {
      const errors = new Map<string, unknown>();
      const producers: Producer[] = [];
      const cap = await captureScenario(c, `acl${version}`, [], async () => {
        const tries: [string, { accessKey: string; secretKey: string } | undefined][] = [
          ['signature', { accessKey: USER.accessKey, secretKey: 'not-the-secret' }],
          ['unknown-access-key', { accessKey: 'rmq_nobody', secretKey: 'nobody-secret-9' }],
          ['no-credentials', undefined],
          ['no-permission', READER],
        ];
        for (const [kind, acl] of tries) {
          const p = new Producer({ namesrvAddr: c.namesrv, producerGroup: `pg_${kind.replace(/-/g, '_')}`, clientVersion: c.versionOrdinal, acl, retryTimesWhenSendFailed: 0 });
          producers.push(p);
          await p.start();
          errors.set(kind, await p.send(new Message({ topic, body: kind })).then(() => null, (e: unknown) => e));
        }
      });
      for (const p of producers) await p.shutdown();
      for (const [kind, err] of errors) {
        assert.ok(err instanceof Error, `${kind}: the send must fail`);
        const f = find(cap.report, (x) => x.id.startsWith(`acl-refused:${kind}:${RequestCode.SEND_MESSAGE_V2}:`), kind);
        assert.equal(f.severity, 'error');
        const live = describeFailure(err, 'broker');
        assert.equal(live.explanation?.cause, f.cause, `${kind}: the live error and the capture finding give one cause`);
        assert.equal(live.explanation?.fix, f.fix);
      }
      const sig = find(cap.report, (x) => x.id.startsWith('acl-refused:signature:'), 'signature');
      assert.match(sig.title, new RegExp(`SEND_MESSAGE_V2 with AccessKey ${USER.accessKey}`));
      assert.ok(sig.evidence.facts.some((x) => x.includes(`topic ${topic}`)), sig.evidence.facts.join('\n'));
      // the producers' heartbeats are refused the same way (no permission needs none for a heartbeat): one finding per request code
      for (const kind of ['signature', 'unknown-access-key', 'no-credentials']) find(cap.report, (x) => x.id.startsWith(`acl-refused:${kind}:${RequestCode.HEART_BEAT}:`), `${kind} of HEART_BEAT`);
      assert.deepEqual(cap.report.findings.filter((x) => x.rule !== 'acl-refused').map((x) => x.id), [], 'nothing but ACL refusals');
    });

    test('no route, TBW102 missing: the capture and the producer\'s NO_ROUTE give the same explanation', async () => {
      const missing = `DocMissing_${tag}`;
      const p = new Producer({ namesrvAddr: c.namesrv, producerGroup: `pg_noroute_${tag}`, clientVersion: c.versionOrdinal, acl: ADMIN });
      let err: unknown;
      const cap = await captureScenario(c, `noroute${version}`, [], async () => {
        await p.start();
        err = await p.send(new Message({ topic: missing, body: 'nowhere' })).then(() => null, (e: unknown) => e);
        await p.shutdown();
      });
      assert.ok(err instanceof MQClientError && err.rule === 'NO_ROUTE', String(err));
      const f = find(cap.report, (x) => x.id === `no-route:${missing}`, 'no route');
      assert.equal(f.severity, 'error');
      assert.match(f.cause, /TBW102 has no route either: autoCreateTopicEnable is off on every broker/);
      assert.deepEqual(describeFailure(err, 'broker').explanation, { rule: f.rule, title: f.title, cause: f.cause, fix: f.fix });
      assert.ok(f.evidence.facts.includes('TBW102 was asked for too and answered TOPIC_NOT_EXIST: no broker has autoCreateTopicEnable on'), f.evidence.facts.join('\n'));
    });

    test('a broker that died after the route named it: connection attempts refused', async () => {
      const client = new MQClient({ namesrvAddr: c.namesrv, clientVersion: c.versionOrdinal, acl: ADMIN });
      const broker = c.brokers[0];
      try {
        const cap = await captureScenario(c, `dead${version}`, [], async () => {
          const route = await client.getTopicRoute(topic);
          assert.equal(route.brokerDatas[0].brokerAddrs.get(0), broker.addr);
          await c.stopBroker(broker.name, { signal: 'SIGKILL', waitForDeregistration: false });
          const e = await client.invoke(broker.addr, client.request(RequestCode.GET_BROKER_RUNTIME_INFO, null), 3000).then(() => null, (x: unknown) => x);
          assert.ok(e, 'the dead broker cannot be reached');
          assert.match(describeFailure(e, 'broker').short, /refused the connection/);
        });
        const f = find(cap.report, (x) => x.id === `unreachable-address:${broker.addr}`, 'refused address');
        assert.equal(f.severity, 'error');
        assert.match(f.cause, /1 connection attempt\(s\) refused \(RST: nothing listens there\)/);
        assert.equal(f.evidence.conns.length, 1);
        assert.ok(f.evidence.frames.length >= 1, 'the route answer that advertised it');
      } finally {
        await client.close();
      }
    });
  });
}
