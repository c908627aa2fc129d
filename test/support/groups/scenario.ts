// Consumer groups in the states the Consumer Groups view diagnoses, made with real Java push consumers
// (test/support/cluster/consumers.ts) on a real cluster. Shared by the cluster, extension-host and UI tests.
//
//   group     clients                                   topic (queues)          state
//   incons    c1 'A', c2 'B'                            main (2 per broker)     clients subscribe differently
//   ok        c3 '*', c4 '*'                            main                    healthy: the control group
//   idle      c5, c6, c7 '*'                            few (1 per broker)      3 clients for 2 queues
//   fail      c8 '*', every message RECONSUME_LATER,    fail (1 per broker)     retry and dead-letter topics fill
//             maxReconsumeTimes 1
//   order     c9 orderly '*'                            order (2 per broker)    healthy orderly group
//   none      c10 consumed everything, then stopped     main                    no online client
//   lock      v1 orderly in a JVM of its own, killed;   lock (2 per broker)     queues locked by a client that is gone
//             then c11 orderly                          (startLockScenario)
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { RunningCluster } from '../cluster';
import { ConsumerHost } from '../cluster/consumers';
import { Producer } from '../../../src/core/producer';
import { Message } from '../../../src/core/message';
import { pollUntil } from '../poll';

export type ScenarioGroup = 'incons' | 'ok' | 'idle' | 'fail' | 'order' | 'none' | 'lock';

export interface GroupScenario {
  tag: string;
  topics: { main: string; few: string; fail: string; order: string; lock: string };
  groups: Record<ScenarioGroup, string>;
  /** Messages sent per topic so far. */
  sent: { main: number; few: number; fail: number; order: number; lock: number };
  host: ConsumerHost;
  producer: Producer;
  /** Client id of each consumer by its id (c1 …). */
  clientIds: Map<string, string>;
  send(topic: keyof GroupScenario['topics'], n: number, prefix?: string): Promise<string[]>;
  close(): Promise<void>;
}

export interface ScenarioOptions {
  /** Which groups to start (default all but `lock`). */
  groups?: ScenarioGroup[];
  log?: (line: string) => void;
}

export async function startGroupScenario(cluster: RunningCluster, opts: ScenarioOptions = {}): Promise<GroupScenario> {
  const want = new Set<ScenarioGroup>(opts.groups ?? ['incons', 'ok', 'idle', 'fail', 'order', 'none']);
  const log = opts.log ?? (() => undefined);
  const tag = `${cluster.versionKey.replace('.', '')}_${Date.now().toString(36)}`;
  const topics = { main: `GrpMain_${tag}`, few: `GrpFew_${tag}`, fail: `GrpFail_${tag}`, order: `GrpOrder_${tag}`, lock: `GrpLock_${tag}` };
  const groups: Record<ScenarioGroup, string> = {
    incons: `G_incons_${tag}`, ok: `G_ok_${tag}`, idle: `G_idle_${tag}`, fail: `G_fail_${tag}`, order: `G_order_${tag}`, none: `G_none_${tag}`, lock: `G_lock_${tag}`,
  };
  const t0 = Date.now();
  await cluster.createTopic(topics.main, { queues: 2 });
  await cluster.createTopic(topics.few, { queues: 1 });
  await cluster.createTopic(topics.fail, { queues: 1 });
  await cluster.createTopic(topics.order, { queues: 2 });
  await cluster.createTopic(topics.lock, { queues: 2 });
  const producer = new Producer({ namesrvAddr: cluster.namesrv, producerGroup: `pg_${tag}`, clientVersion: cluster.versionOrdinal });
  await producer.start();
  const sent = { main: 0, few: 0, fail: 0, order: 0, lock: 0 };
  const send = async (which: keyof typeof topics, n: number, prefix = which): Promise<string[]> => {
    const keys: string[] = [];
    for (let i = 0; i < n; i++) {
      const key = `${prefix}-${sent[which] + i}`;
      await producer.send(new Message({ topic: topics[which], body: `body of ${key}`, tags: (sent[which] + i) % 2 ? 'A' : 'B', keys: key }));
      keys.push(key);
    }
    sent[which] += n;
    return keys;
  };
  await send('main', 20);
  await send('few', 4);
  await send('fail', 3);
  await send('order', 8);
  log(`groups scenario ${tag}: topics created and filled in ${Date.now() - t0} ms`);

  const host = await ConsumerHost.start(cluster.versionKey, cluster.namesrv, join(tmpdir(), `rmq-consumers-${tag}.log`));
  const clientIds = host.clientIds;
  const start = (id: string, group: ScenarioGroup, topic: keyof typeof topics, extra: { expression?: string; mode?: 'orderly'; behaviour?: 'fail'; maxReconsumeTimes?: number } = {}) =>
    host.startConsumer({ id, group: groups[group], topic: topics[topic], ...extra });
  if (want.has('incons')) { await start('c1', 'incons', 'main', { expression: 'A' }); await start('c2', 'incons', 'main', { expression: 'B' }); }
  if (want.has('ok')) { await start('c3', 'ok', 'main'); await start('c4', 'ok', 'main'); }
  if (want.has('idle')) { await start('c5', 'idle', 'few'); await start('c6', 'idle', 'few'); await start('c7', 'idle', 'few'); }
  if (want.has('fail')) await start('c8', 'fail', 'fail', { behaviour: 'fail', maxReconsumeTimes: 1 });
  if (want.has('order')) await start('c9', 'order', 'order', { mode: 'orderly' });
  if (want.has('none')) {
    await start('c10', 'none', 'main');
    await pollUntil('c10 consumed every message of main', 60_000, async () => ((await host.received('c10')).count >= sent.main ? true : undefined), 250);
    await host.stopConsumer('c10');
  }
  log(`groups scenario ${tag}: consumers started in ${Date.now() - t0} ms`);

  return {
    tag, topics, groups, sent, host, producer, clientIds, send,
    async close() {
      await host.close().catch(() => host.killSync());
      await producer.shutdown().catch(() => undefined);
    },
  };
}

/**
 * The lock case: v1 consumes `lock` orderly in a JVM of its own, holding every queue's lock; the JVM is
 * killed (no unlock), and c11 joins the group. The broker keeps v1's locks until 60 s after v1 last renewed
 * them, so c11 cannot lock those queues: run the checks right after this resolves.
 */
export async function startLockScenario(cluster: RunningCluster, s: GroupScenario, victimLog: string): Promise<{ goneClientId: string; killedAt: number }> {
  await s.send('lock', 8);
  const victim = await ConsumerHost.start(cluster.versionKey, cluster.namesrv, victimLog);
  const goneClientId = await victim.startConsumer({ id: 'v1', group: s.groups.lock, topic: s.topics.lock, mode: 'orderly' });
  await pollUntil('v1 consumed the lock topic', 60_000, async () => ((await victim.received('v1')).count >= s.sent.lock ? true : undefined), 250);
  await victim.kill();
  const killedAt = Date.now();
  await s.host.startConsumer({ id: 'c11', group: s.groups.lock, topic: s.topics.lock, mode: 'orderly' });
  return { goneClientId, killedAt };
}
