/**
 * The real RocketMQ cluster for the extension-host tests (routes*.test.ts, send*.test.ts).
 * Attaches to the cluster the launcher announces (RMQ_CLUSTER_53_NAMESRV/_JSON, or RMQ_TEST_NAMESRV),
 * otherwise starts a 5.3 cluster itself and stops it after the whole run. Also small helpers shared
 * by those tests. Loaded by mocha inside the extension host.
 */
import * as vscode from 'vscode';
import { attachFromEnv, startCluster, RunningCluster } from '../support/cluster';
import { MQClient } from '../../src/core/producer';
import { getMaxOffset } from '../../src/core/consumer/browse';
export { pollUntil } from '../support/poll';

let acquired: Promise<RunningCluster> | undefined;

export function testCluster(): Promise<RunningCluster> {
  if (!acquired) {
    if (!process.env.RMQ_CLUSTER_53_NAMESRV && process.env.RMQ_TEST_NAMESRV) process.env.RMQ_CLUSTER_53_NAMESRV = process.env.RMQ_TEST_NAMESRV;
    acquired = (async () => (await attachFromEnv('5.3')) ?? startCluster({ version: '5.3', log: (l) => console.log(`[cluster] ${l}`) }))();
  }
  return acquired;
}

// Root-level hook: runs once after every test file of the run.
after(async function () {
  this.timeout(120_000);
  if (!acquired) return;
  const c = await acquired.catch(() => undefined);
  await c?.stop();
});

export const EXTENSION_ID = 'rocketmq-debugger.rocketmq-debugger';

export async function activateExtension(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  await ext.activate();
}

/** Adds (or replaces) a connection profile through the real command and makes it active. */
export async function ensureConnection(name: string, namesrv: string, extra: Record<string, string | boolean> = {}): Promise<void> {
  const existing = vscode.workspace.getConfiguration('rocketmq').get<{ name: string }[]>('connections') ?? [];
  if (existing.some((p) => p.name === name)) await vscode.commands.executeCommand('rocketmq.removeConnection', { connectionName: name, confirm: false });
  await vscode.commands.executeCommand('rocketmq.addConnection', { name, namesrv, activate: true, ...extra });
}


/** Max offset of every queue of `topic` on every broker, read independently of the extension. */
export async function maxOffsets(cluster: RunningCluster, topic: string, queues: number): Promise<Map<string, bigint>> {
  const client = new MQClient({ namesrvAddr: cluster.namesrv });
  try {
    const out = new Map<string, bigint>();
    for (const b of cluster.brokers) {
      for (let q = 0; q < queues; q++) out.set(`${b.name}:${q}`, BigInt(await getMaxOffset(client, b.addr, topic, q)));
    }
    return out;
  } finally {
    await client.close();
  }
}

export function total(m: Map<string, bigint>): bigint {
  let t = 0n;
  for (const v of m.values()) t += v;
  return t;
}
