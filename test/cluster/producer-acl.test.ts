// ACL signing against real ACL-enabled brokers (ACL 1.0, plain_acl.yml), both versions: what the
// golden vectors and the unit tests' fake server say about our signatures is checked here by the
// broker's own PlainAccessValidator. A correct signature is accepted for every request shape whose
// bytes are signed differently (JSON and ROCKETMQ headers, compressed body, batch body, security
// token); a wrong secret, a missing signature and a missing permission are refused with the broker's
// code and remark, and nothing is stored.
import { describe, before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { startCluster, RunningCluster } from '../support/cluster';
import { Producer, MQClient, MQBrokerError, MQClientError, SendResult } from '../../src/core/producer';
import { Message } from '../../src/core/message';
import { browseTopic } from '../../src/core/consumer';
import { ResponseCode } from '../../src/core/remoting';

const ADMIN = { accessKey: 'rmq_admin', secretKey: 'admin-secret-0001', admin: true };
const USER = { accessKey: 'rmq_user', secretKey: 'user-secret-0002', defaultTopicPerm: 'PUB|SUB', defaultGroupPerm: 'PUB|SUB' };
const READER = { accessKey: 'rmq_reader', secretKey: 'reader-secret-0003', defaultTopicPerm: 'SUB', defaultGroupPerm: 'SUB' };

for (const version of ['4.9', '5.3'] as const) {
  describe(`ACL signing on RocketMQ ${version} (ACL-enabled broker)`, () => {
    let cluster: RunningCluster;
    let reader: MQClient;
    const topic = `Acl_${version.replace('.', '')}_${Date.now()}`;
    const producers: Producer[] = [];
    const producer = async (acl: { accessKey: string; secretKey: string; securityToken?: string } | undefined, extra: Partial<ConstructorParameters<typeof Producer>[0]> = {}) => {
      const p = new Producer({ namesrvAddr: cluster.namesrv, producerGroup: `pg_acl_${producers.length}`, clientVersion: cluster.versionOrdinal, acl, ...extra });
      producers.push(p);
      await p.start();
      return p;
    };

    before(async () => {
      cluster = await startCluster({ version, brokerNames: ['broker-acl'], acl: { accounts: [ADMIN, USER, READER] } });
      await cluster.createTopic(topic, { queues: 2, perm: 6 });
      reader = new MQClient({ namesrvAddr: cluster.namesrv, acl: ADMIN });
    });
    after(async () => {
      for (const p of producers) await p.shutdown().catch(() => undefined);
      await reader?.close();
      await cluster?.stop();
    });

    const stored = async (): Promise<Map<string, Buffer>> => {
      const m = new Map<string, Buffer>();
      for (const x of await browseTopic(reader, topic)) m.set(x.properties.get('UNIQ_KEY') ?? '', Buffer.from(x.body ?? x.rawBody));
      return m;
    };

    const accepted: SendResult[] = [];
    const refused = (p: Promise<unknown>, remark: RegExp) => assert.rejects(p, (e: unknown) => {
      // the broker's own refusal, with its code and remark, after Java's retries
      assert.ok(e instanceof MQClientError, String(e));
      const cause = (e as Error & { cause?: unknown }).cause;
      assert.ok(cause instanceof MQBrokerError, String(cause));
      assert.equal(cause.code, version === '4.9' ? ResponseCode.SYSTEM_ERROR : ResponseCode.NO_PERMISSION);
      assert.match(cause.remark ?? '', remark);
      assert.match(e.message, remark);
      return true;
    });

    test('correctly signed requests are accepted: JSON and ROCKETMQ headers, compressed body, batch, async, security token, heartbeat', async () => {
      const json = await producer(USER);
      accepted.push(await json.send(new Message({ topic, body: 'signed json', tags: 'TagA', keys: ['k1'] })));
      accepted.push(await json.send(new Message({ topic, body: Buffer.alloc(6000, 'z') }))); // compressed: the signature covers the deflated body
      accepted.push(await json.sendAsync(new Message({ topic, body: 'signed async' })));
      accepted.push(...await json.sendBatch([new Message({ topic, body: 'b1' }), new Message({ topic, body: 'b2' })]));
      await json.sendHeartbeatToAllBrokers();
      const binary = await producer(USER, { serializeType: 'ROCKETMQ' });
      accepted.push(await binary.send(new Message({ topic, body: 'signed rocketmq header' })));
      const token = await producer({ ...USER, securityToken: 'session-token-1' });
      accepted.push(await token.send(new Message({ topic, body: 'signed with a token' })));
      for (const r of accepted) assert.equal(r.sendStatus, 'SEND_OK');
    });

    test('a wrong secret, no credentials, and an account without PUB are refused by the broker', async () => {
      await refused((await producer({ accessKey: USER.accessKey, secretKey: 'not-the-secret' })).send(new Message({ topic, body: 'forged' })), /check signature failed/i);
      await refused((await producer(undefined)).send(new Message({ topic, body: 'anonymous' })), version === '4.9' ? /No accessKey is configured/ : /username cannot be null/);
      await refused((await producer(READER)).send(new Message({ topic, body: 'read-only' })), version === '4.9' ? /No default permission for topic/ : /rmq_reader has no permission to access Topic/);
    });

    test('the store holds exactly the accepted messages, bodies intact', async () => {
      const m = await stored();
      const ids = accepted.flatMap((r) => r.msgId.split(','));
      assert.deepEqual([...m.keys()].sort(), [...ids].sort());
      assert.equal(m.get(accepted[0].msgId)?.toString(), 'signed json');
      assert.deepEqual(m.get(accepted[1].msgId), Buffer.alloc(6000, 'z'));
    });
  });
}
