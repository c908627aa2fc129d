// Transactions against a real cluster, both versions: commit is visible, rollback never is, and an
// UNKNOW outcome is resolved by the broker's CHECK_TRANSACTION_STATE, answered on the same connection.
import { describe, before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { useCluster } from '../support/cluster';
import { Producer, MQClient, LocalTransactionState } from '../../src/core/producer';
import { Message, MessageExt } from '../../src/core/message';
import { browseTopic } from '../../src/core/consumer';
import { eventually } from '../support/poll';


for (const version of ['4.9', '5.3'] as const) {
  describe(`transactions on RocketMQ ${version}`, () => {
    const cluster = useCluster(version);
    const tag = `${version.replace('.', '')}_${Date.now()}`;
    const topic = `ProdTx_${tag}`;
    const decisions = new Map<string, LocalTransactionState>(); // body → what the local transaction says
    const checked: MessageExt[] = [];
    let producer: Producer;
    let reader: MQClient;

    before(async () => {
      await cluster().createTopic(topic, { queues: 2, perm: 6 });
      producer = new Producer({
        namesrvAddr: cluster().namesrv,
        producerGroup: `txg_${tag}`,
        clientVersion: cluster().versionOrdinal,
        transactionListener: {
          executeLocalTransaction: (msg) => decisions.get(Buffer.from(msg.body).toString()) ?? 'UNKNOW',
          checkLocalTransaction: (msg) => { checked.push(msg); return 'COMMIT_MESSAGE'; },
        },
      });
      await producer.start();
      reader = new MQClient({ namesrvAddr: cluster().namesrv });
    }, { timeout: 180_000 });
    after(async () => { await producer?.shutdown(); await reader?.close(); });

    const visible = async (body: string) => (await browseTopic(reader, topic)).find((m) => Buffer.from(m.body!).toString() === body);

    test('commit: the half message becomes visible with its UNIQ_KEY', async () => {
      decisions.set('tx-commit', 'COMMIT_MESSAGE');
      const r = await producer.sendMessageInTransaction(new Message({ topic, body: 'tx-commit', tags: 'TX' }));
      assert.equal(r.sendStatus, 'SEND_OK');
      assert.equal(r.localTransactionState, 'COMMIT_MESSAGE');
      const m = await eventually('the committed message', () => visible('tx-commit'), 20_000);
      assert.equal(m.msgId, r.msgId);
      assert.equal(m.tags, 'TX');
      assert.equal(m.properties.get('TRAN_MSG'), 'true');
      assert.equal(m.properties.get('PGROUP'), `txg_${tag}`);
      assert.equal(m.sysFlag & 0xc, 0x8, 'stored as TRANSACTION_COMMIT_TYPE');
    });

    test('rollback: never visible, while a later committed message is', async () => {
      decisions.set('tx-rollback', 'ROLLBACK_MESSAGE');
      decisions.set('tx-after-rollback', 'COMMIT_MESSAGE');
      const rb = await producer.sendMessageInTransaction(new Message({ topic, body: 'tx-rollback' }));
      assert.equal(rb.localTransactionState, 'ROLLBACK_MESSAGE');
      await producer.sendMessageInTransaction(new Message({ topic, body: 'tx-after-rollback' }));
      await eventually('the control message committed after the rollback', () => visible('tx-after-rollback'), 20_000);
      // give the broker a few more seconds in which a wrong commit would show up
      const until = Date.now() + 3000;
      while (Date.now() < until) {
        assert.equal(await visible('tx-rollback'), undefined, 'rolled-back message must never be visible');
        await new Promise((r) => setTimeout(r, 500));
      }
    });

    test('UNKNOW then check-back: the broker asks, we answer COMMIT on the same connection, the message appears', { timeout: 200_000 }, async () => {
      decisions.set('tx-unknown', 'UNKNOW');
      const r = await producer.sendMessageInTransaction(new Message({ topic, body: 'tx-unknown' }));
      assert.equal(r.localTransactionState, 'UNKNOW');
      assert.equal(await visible('tx-unknown'), undefined, 'not visible before the check-back');
      // the broker checks half messages older than 6 s every transactionCheckInterval (30–60 s by default)
      const m = await eventually('the check-back commit', () => visible('tx-unknown'), 150_000);
      assert.equal(m.msgId, r.msgId);
      const asked = checked.find((c) => c.msgId === r.msgId);
      assert.ok(asked, 'checkLocalTransaction was called for this message');
      assert.equal(Buffer.from(asked.body!).toString(), 'tx-unknown');
      assert.equal(asked.topic, topic, 'check body carries the real topic');
      const answer = producer.checkBacks.find((c) => c.msgId === r.msgId);
      assert.ok(answer);
      assert.equal(answer.state, 'COMMIT_MESSAGE');
      assert.equal(answer.brokerAddr, r.brokerAddr, 'answered on the connection to the broker that asked');
    });

    test('a transactional send without a listener is a typed error', async () => {
      const p = new Producer({ namesrvAddr: cluster().namesrv, producerGroup: `nolistener_${tag}` });
      await p.start();
      try {
        await assert.rejects(p.sendMessageInTransaction(new Message({ topic, body: 'x' })), /TRANSACTION_LISTENER_MISSING/);
      } finally { await p.shutdown(); }
    });
  });
}
