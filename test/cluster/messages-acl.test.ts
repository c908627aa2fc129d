// Message lookups against ACL-enabled brokers (4.9.7 ACL 1.0, 5.3.3 ACL 2.0): signed QUERY_MESSAGE,
// VIEW_MESSAGE_BY_ID and PULL_MESSAGE are accepted (the UNIQ_KEY query leaves _UNIQUE_KEY_QUERY out
// when signing, docs/protocol.md §6), and a wrong secret or no credentials are refused by the broker
// and reported as ACL refusals with the code name, remark and address — not as "not found".
import { describe, before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { startCluster, RunningCluster } from '../support/cluster';
import { MQClient, Producer } from '../../src/core/producer';
import { Message } from '../../src/core/message';
import { MessageFinder } from '../../src/app/messages/finder';
import { eventually } from '../support/poll';

const ADMIN = { accessKey: 'rmq_admin', secretKey: 'admin-secret-0001', admin: true };
const READER = { accessKey: 'rmq_reader', secretKey: 'reader-secret-0003', defaultTopicPerm: 'SUB', defaultGroupPerm: 'SUB' };

for (const version of ['4.9', '5.3'] as const) {
  describe(`message lookups on an ACL-enabled RocketMQ ${version}`, () => {
    let cluster: RunningCluster;
    const clients: MQClient[] = [];
    const topic = `MsgAcl_${version.replace('.', '')}_${Date.now()}`;
    let sent = { msgId: '', offsetMsgId: '' };
    const finder = (acl?: { accessKey: string; secretKey: string }) => {
      const client = new MQClient({ namesrvAddr: cluster.namesrv, clientVersion: cluster.versionOrdinal, acl });
      clients.push(client);
      return new MessageFinder({ client, wrapTopic: (t) => t }, 5000);
    };

    before(async () => {
      cluster = await startCluster({ version, brokerNames: ['broker-acl'], acl: { accounts: [ADMIN, READER] } });
      await cluster.createTopic(topic, { queues: 1, perm: 6 });
      const p = new Producer({ namesrvAddr: cluster.namesrv, producerGroup: 'pg_msg_acl', clientVersion: cluster.versionOrdinal, acl: ADMIN });
      await p.start();
      const r = await p.send(new Message({ topic, keys: 'acl-key', body: 'guarded' }));
      sent = { msgId: r.msgId, offsetMsgId: r.offsetMsgId };
      await p.shutdown();
    }, { timeout: 240_000 });
    after(async () => {
      for (const c of clients) await c.close().catch(() => undefined);
      await cluster?.stop();
    });

    test('a signed lookup by key, by UNIQ_KEY, by offsetMsgId and a browse are accepted (admin and a SUB-only account)', { timeout: 60_000 }, async () => {
      for (const acct of [ADMIN, READER]) {
        const f = finder(acct);
        const byKey = await eventually('indexed', async () => { const r = await f.find({ kind: 'key', topic, key: 'acl-key' }); return r.list.outcome === 'found' ? r : undefined; }, 30_000);
        assert.equal(byKey.messages[0].msgId, sent.msgId);
        assert.equal((await f.find({ kind: 'id', id: sent.msgId, topic })).list.outcome, 'found', `${acct.accessKey} by UNIQ_KEY`);
        assert.equal((await f.find({ kind: 'id', id: sent.offsetMsgId })).list.outcome, 'found', `${acct.accessKey} by offsetMsgId`);
        // 5.3's ACL 2.0 refuses GET_MIN/MAX_OFFSET to a SUB-only account but allows the pull: browsing still works
        const b = await f.find({ kind: 'queue', topic, brokerName: 'broker-acl', queueId: 0, offset: 0 });
        assert.equal(b.list.outcome, 'found', `${acct.accessKey} browse: ${b.list.headline}`);
        assert.deepEqual([b.browse?.minOffset, b.browse?.maxOffset], [0, 1]);
      }
    });

    test('a wrong secret and no credentials are refused by ACL, in words with code name, remark and address', { timeout: 60_000 }, async () => {
      const broker = cluster.brokers[0].addr;
      for (const [who, acl] of [['wrong secret', { accessKey: ADMIN.accessKey, secretKey: 'not-the-secret' }], ['no credentials', undefined]] as const) {
        const f = finder(acl);
        // The NameServer does not check signatures; the broker does.
        const r = await f.find({ kind: 'key', topic, key: 'acl-key' });
        assert.equal(r.list.outcome, 'failed', `${who}: ${r.list.headline}`);
        const code = version === '4.9' ? 'SYSTEM_ERROR \\(1\\)' : 'NO_PERMISSION \\(16\\)';
        assert.match(r.list.details[0], new RegExp(`^refused by ACL: ${code} from broker broker-acl at ${broker.replace(/\./g, '\\.')} for QUERY_MESSAGE: `), `${who}: ${r.list.details[0]}`);
        const v = await f.find({ kind: 'id', id: sent.offsetMsgId });
        assert.equal(v.list.outcome, 'failed', `${who} by offsetMsgId: ${v.list.headline}`);
        // first the id's kind, then the failure
        assert.match(v.list.details[0], / is an offsetMsgId: broker /);
        assert.match(v.list.details[1], new RegExp(`^refused by ACL: ${code} from broker broker-acl at ${broker.replace(/\./g, '\\.')} for VIEW_MESSAGE_BY_ID: `), `${who}: ${v.list.details[1]}`);
      }
    });
  });
}
