// The route dry-run against real RocketMQ 4.9.7 and 5.3.3: the queue it predicts for a sharding key
// is the queue our real send takes and the queue Java's own SelectMessageQueueByHash picks (the Java
// client in the same run); for round-robin it is the queue the connection's next send takes; what the
// broker would refuse is said before anything is sent.
import { describe, before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { useCluster, RunningCluster } from '../support/cluster';
import { JavaSide } from '../support/java-producer/java-side';
import { main } from '../../src/cli/main';
import { ConnectionSession } from '../../src/app/connections/session';
import { dryRunSpec } from '../../src/app/send/dry-run';
import { executeSpec } from '../../src/app/send/executor';
import { SendSpec } from '../../src/core/requestfile';

async function cli(args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => out.push(l), stdin: async () => '' });
  return { code, out };
}

for (const version of ['5.3', '4.9'] as const) {
  describe(`route dry-run on RocketMQ ${version}`, () => {
    const cluster = useCluster(version);
    const tag = `dry${version.replace('.', '')}_${Date.now()}`;
    const topic = `Dry_${tag}`;
    let c: RunningCluster;
    let java: JavaSide;
    let session: ConnectionSession;
    before(async () => {
      c = await cluster;
      await c.createTopic(topic, { queues: 4 });
      java = await JavaSide.start(version, c.namesrv);
      session = new ConnectionSession({ name: 'dry', namesrv: c.namesrv }, {});
    });
    after(async () => {
      await java?.stop();
      await session?.dispose();
    });

    test('sharding keys: the CLI\'s prediction = our real send\'s queue = the queue Java\'s SelectMessageQueueByHash picks', async () => {
      const keys = ['order-1', 'order-2', 'order-42', 'customer-7', 'Aa', 'BB', 'polygenelubricants', 'ключ-5', 'x', 'a-long-key-with-many-characters-0123456789'];
      const used = new Set<string>();
      for (const key of keys) {
        const dry = await cli(['send', '--namesrv', c.namesrv, '--topic', topic, '--body', 'x', '--sharding-key', key, '--dry-run', '--json']);
        assert.equal(dry.code, 0, dry.out.join('\n'));
        const p = JSON.parse(dry.out.join('\n'));
        assert.equal(p.writableQueues.length, 8, 'two brokers × 4 queues');
        const real = await cli(['send', '--namesrv', c.namesrv, '--topic', topic, '--body', `ordered ${key}`, '--sharding-key', key]);
        assert.equal(real.code, 0, real.out.join('\n'));
        const r = JSON.parse(real.out[0]);
        assert.deepEqual(r.messageQueue, p.selection.queue, `our send with key ${key}`);
        const j = await java.sendOrderly(topic, key, `java ${key}`);
        assert.equal(j.status, 'SEND_OK');
        assert.deepEqual({ topic, brokerName: j.brokerName, queueId: j.queueId }, p.selection.queue, `Java's send with key ${key}`);
        used.add(`${j.brokerName}:${j.queueId}`);
      }
      assert.ok(used.size >= 4, `the keys spread over queues (${[...used].join(', ')})`);
    });

    test('round-robin through a connection: each prediction is the queue the next send takes', async () => {
      const spec: SendSpec = { topic, bodies: ['rr'], mode: 'sync', repeat: 1, batch: false };
      for (let k = 0; k < 10; k++) {
        const p = await dryRunSpec(session, spec);
        assert.ok(p.ok, p.refusals.join('; '));
        const o = await executeSpec(session, spec);
        assert.equal(o.failed.length, 0);
        assert.deepEqual({ topic, brokerName: o.sent[0].brokerName, queueId: o.sent[0].queueId }, p.selection.queue, `send ${k}`);
        assert.equal(o.sent[0].brokerAddr, p.selection.address);
      }
    });

    test('refusals said before sending: a delayed batch, an explicit queue that does not exist, a forbidden topic; an unknown topic goes by TBW102', async () => {
      const batch = await dryRunSpec(session, { topic, bodies: ['a', 'b'], mode: 'sync', repeat: 1, batch: true, delayLevel: 2 });
      assert.equal(batch.ok, false);
      assert.ok(batch.refusals.some((r) => /a batch cannot be delayed/.test(r)), batch.refusals.join('\n'));
      const q = await dryRunSpec(session, { topic, bodies: ['q'], mode: 'sync', repeat: 1, batch: false, queue: { kind: 'explicit', brokerName: c.brokers[0].name, queueId: 7 } });
      assert.deepEqual(q.refusals, [`${topic} has no writable queue 7 on ${c.brokers[0].name} (writable: 0, 1, 2, 3)`]);
      // the real send through the executor refuses it with the same words
      const o = await executeSpec(session, { topic, bodies: ['q'], mode: 'sync', repeat: 1, batch: false, queue: { kind: 'explicit', brokerName: c.brokers[0].name, queueId: 7 } }).catch((e: unknown) => e);
      assert.match(String(o), /has no writable queue 7/);
      const forbidden = await dryRunSpec(session, { topic: 'SCHEDULE_TOPIC_XXXX', bodies: ['s'], mode: 'sync', repeat: 1, batch: false });
      assert.equal(forbidden.ok, false);
      const fresh = `DryNew_${tag}`;
      const auto = await dryRunSpec(session, { topic: fresh, bodies: ['n'], mode: 'sync', repeat: 1, batch: false });
      assert.equal(auto.routeSource, 'auto-create');
      assert.ok(auto.notes.some((n) => n.includes(`The NameServer does not know ${fresh}`)), auto.notes.join('\n'));
      assert.ok(auto.ok);
    });
  });
}
