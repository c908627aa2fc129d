/**
 * Topic Route tree, in the real extension host, against a real RocketMQ 5.3 cluster: what the user
 * sees is read through the registered TreeDataProvider (rocketmq.internal.treeSnapshot walks it).
 */
import * as assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunningCluster } from '../support/cluster';
import type { NodeSnapshot } from '../../src/extension/routes/tree';
import type { ConnectivityReport } from '../../src/app/routes/connectivity';
import { activateExtension, ensureConnection, pollUntil, testCluster } from './routes-cluster';

const CONN = 'routes-test';

function find(nodes: NodeSnapshot[] | undefined, pred: (n: NodeSnapshot) => boolean): NodeSnapshot | undefined {
  for (const n of nodes ?? []) {
    if (pred(n)) return n;
    const inner = find(n.children, pred);
    if (inner) return inner;
  }
  return undefined;
}

async function snapshot(expand: string[], onlyLabels?: string[]): Promise<NodeSnapshot[]> {
  return (await vscode.commands.executeCommand<NodeSnapshot[]>('rocketmq.internal.treeSnapshot', { expand, onlyLabels }))!;
}

function connectionNode(tree: NodeSnapshot[], name: string): NodeSnapshot {
  const n = tree.find((x) => x.kind === 'connection' && x.label === name);
  assert.ok(n, `connection ${name} in ${JSON.stringify(tree.map((x) => x.label))}`);
  return n;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const a = s.address(); const p = typeof a === 'object' && a ? a.port : 0; s.close(() => resolve(p)); });
  });
}

describe('Topic Route tree (real 5.3 cluster)', function () {
  this.timeout(60_000);
  let cluster: RunningCluster;
  const topic = `ExtRoute_${Date.now()}`;

  before(async function () {
    this.timeout(300_000);
    cluster = await testCluster();
    await cluster.createTopic(topic, { queues: 3 });
    await activateExtension();
    await ensureConnection(CONN, cluster.namesrv);
    await vscode.commands.executeCommand('rocketmq.refresh');
  });

  it('shows the cluster with both brokers, each master address by broker id, and the broker version once known', async () => {
    await vscode.commands.executeCommand('rocketmq.refresh');
    await snapshot(['connection', 'clusters', 'cluster']); // expanding the cluster asks each broker for its version
    const tree = await pollUntil('both brokers with a version', 30_000, async () => {
      const t = await snapshot(['connection', 'clusters', 'cluster', 'broker']);
      const cl = find(connectionNode(t, CONN).children, (n) => n.kind === 'cluster' && n.label === cluster.clusterName);
      const brokers = cl?.children?.filter((n) => n.kind === 'broker') ?? [];
      return brokers.length === 2 && brokers.every((b) => /V5_3/.test(b.description ?? '')) ? t : undefined;
    });
    const cl = find(connectionNode(tree, CONN).children, (n) => n.kind === 'cluster')!;
    assert.deepEqual(cl.children!.map((b) => b.label), ['broker-a', 'broker-b']);
    for (const b of cluster.brokers) {
      const node = cl.children!.find((x) => x.label === b.name)!;
      assert.match(node.description!, new RegExp(`master ${b.addr.replace(/\./g, '\\.')}`));
      assert.deepEqual(node.children!.map((a) => [a.label, a.description]), [['0 · master', b.addr]]);
    }
  });

  it('lists the created topic, hides system topics by default and shows them with the toggle', async () => {
    const tree = await snapshot(['connection', 'topics']);
    const topics = find(connectionNode(tree, CONN).children, (n) => n.kind === 'topics')!;
    const labels = topics.children!.map((t) => t.label);
    assert.ok(labels.includes(topic), `${topic} in ${labels.join(', ')}`);
    for (const sys of ['TBW102', 'SCHEDULE_TOPIC_XXXX', 'broker-a', cluster.clusterName, 'RMQ_SYS_TRACE_TOPIC']) assert.ok(!labels.includes(sys), `${sys} hidden`);
    await vscode.commands.executeCommand('rocketmq.toggleSystemTopics');
    try {
      const shown = await pollUntil('system topics shown', 10_000, async () => {
        const t = await snapshot(['connection', 'topics']);
        const l = find(connectionNode(t, CONN).children, (n) => n.kind === 'topics')!.children!;
        return l.some((x) => x.label === 'TBW102') ? l : undefined;
      });
      assert.equal(shown.find((x) => x.label === 'TBW102')?.description, 'system');
      assert.equal(shown.find((x) => x.label === topic)?.description, undefined);
    } finally {
      await vscode.commands.executeCommand('rocketmq.toggleSystemTopics');
    }
  });

  it('the topic filter narrows the list and says what it hides', async () => {
    await vscode.commands.executeCommand('rocketmq.filterTopics', 'no-such-topic-xyz');
    try {
      const t = await snapshot(['connection', 'topics']);
      const topics = find(connectionNode(t, CONN).children, (n) => n.kind === 'topics')!;
      assert.equal(topics.children!.length, 1);
      assert.equal(topics.children![0].kind, 'info');
      assert.match(topics.children![0].label, /No topics shown: .*not matching "no-such-topic-xyz"/);
      await vscode.commands.executeCommand('rocketmq.filterTopics', topic.slice(0, 12).toLowerCase());
      const t2 = await snapshot(['connection', 'topics']);
      assert.ok(find(t2, (n) => n.kind === 'topic' && n.label === topic));
    } finally {
      await vscode.commands.executeCommand('rocketmq.clearTopicFilter');
    }
  });

  it('shows the route: both brokers with 3 read / 3 write queues, perm RW-, and per-queue min/max offsets', async () => {
    const tree = await snapshot(['connection', 'topics', 'topic', 'routeBroker'], [topic]);
    const tn = find(tree, (n) => n.kind === 'topic' && n.label === topic)!;
    const brokers = tn.children!.filter((n) => n.kind === 'routeBroker');
    assert.deepEqual(brokers.map((b) => b.label), ['broker-a', 'broker-b']);
    for (const b of brokers) {
      assert.equal(b.description, 'read 3 / write 3 · RW-');
      assert.deepEqual(b.children!.map((q) => q.label), ['queue 0', 'queue 1', 'queue 2']);
      for (const q of b.children!) assert.match(q.description!, /^RW · min 0 · max 0 · 0 messages$/);
    }
  });

  it('refreshing one topic node after a send shows the increased max offset of that queue', async () => {
    const out = await vscode.commands.executeCommand<{ sent: { brokerName: string; queueId: number; queueOffset: number }[] }>('rocketmq.sendMessage', { connection: CONN, topic, body: 'offset probe' });
    const s = out!.sent[0];
    const tn0 = find(await snapshot(['connection', 'topics']), (n) => n.kind === 'topic' && n.label === topic);
    assert.ok(tn0);
    // Refresh just that topic (the command takes the node; find it through the provider).
    await vscode.commands.executeCommand('rocketmq.internal.refreshTopic', { connection: CONN, topic });
    const tree = await snapshot(['connection', 'topics', 'topic', 'routeBroker'], [topic]);
    const rb = find(tree, (n) => n.kind === 'routeBroker' && n.label === s.brokerName && !!n.children);
    const q = find(rb?.children, (n) => n.label === `queue ${s.queueId}`)!;
    assert.equal(q.description, `RW · min 0 · max ${s.queueOffset + 1} · ${s.queueOffset + 1} message${s.queueOffset === 0 ? '' : 's'}`);
  });

  it('"Show raw route" opens the route JSON exactly as the NameServer sent it', async () => {
    const text = await vscode.commands.executeCommand<string>('rocketmq.showRawRoute', { connection: CONN, topic });
    assert.ok(text);
    const json = JSON.parse(text) as { brokerDatas: { brokerName: string }[]; queueDatas: unknown[] };
    assert.deepEqual(json.brokerDatas.map((b) => b.brokerName).sort(), ['broker-a', 'broker-b']);
    assert.equal(vscode.window.activeTextEditor?.document.getText(), text);
    assert.equal(vscode.window.activeTextEditor?.document.languageId, 'json');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('"Copy as mqadmin Command" and "Copy Address" give the lines for the node they are run on', async () => {
    const node = { kind: 'topic', id: `c:${CONN}/topics/${topic}`, parent: undefined, connectionName: CONN, topic, system: false };
    const cmd = await vscode.commands.executeCommand<string>('rocketmq.copyAsMqadmin', node);
    assert.equal(cmd, `sh mqadmin topicRoute -n ${cluster.namesrv} -t ${topic}`);
    const b = cluster.brokers[0];
    const addrNode = { kind: 'address', id: 'x', parent: undefined, connectionName: CONN, brokerName: b.name, address: { brokerId: 0, address: b.addr, role: 'master' } };
    assert.equal(await vscode.commands.executeCommand<string>('rocketmq.copyAddress', addrNode), b.addr);
    assert.equal(await vscode.commands.executeCommand<string>('rocketmq.copyAsMqadmin', addrNode), `sh mqadmin brokerStatus -n ${cluster.namesrv} -b ${b.addr}`);
  });

  it('"Check connectivity" reaches each broker and explains the loopback address and the VIP port', async () => {
    for (const b of cluster.brokers) {
      const reports = await vscode.commands.executeCommand<ConnectivityReport[]>('rocketmq.checkConnectivity', { address: b.addr, brokerName: b.name, role: 'master' });
      const r = reports![0];
      assert.equal(r.ok, true);
      assert.equal(r.addressClass, 'loopback');
      assert.match(r.lines.join('\n'), /loopback address/);
      assert.equal(r.vip?.address, `127.0.0.1:${b.vipPort}`);
      assert.match(r.lines.join('\n'), /listen port − 2/);
    }
  });

  it('a dead NameServer shows as an error node under its connection and in the RocketMQ log', async () => {
    const port = await freePort();
    const dead = 'dead-namesrv';
    await ensureConnection(dead, `127.0.0.1:${port}`);
    try {
      const tree = await snapshot(['connection']);
      const c = connectionNode(tree, dead);
      assert.equal(c.children?.length, 1, JSON.stringify(c.children));
      assert.equal(c.children![0].kind, 'error');
      assert.equal(c.children![0].label, `NameServer 127.0.0.1:${port} refused the connection`);
      assert.match(c.children![0].tooltip!, /Is the NameServer running/);
      const log = await vscode.commands.executeCommand<string[]>('rocketmq.internal.recentLog');
      assert.ok(log!.some((l) => l.startsWith('error') && l.includes(`[${dead}]`) && l.includes(`NameServer 127.0.0.1:${port} refused the connection`)), log!.slice(-5).join('\n'));
      // The live cluster's connection is unaffected.
      assert.ok(find(connectionNode(tree, CONN).children, (n) => n.kind === 'clusters'));
    } finally {
      await vscode.commands.executeCommand('rocketmq.removeConnection', { connectionName: dead, confirm: false });
      await vscode.commands.executeCommand('rocketmq.selectConnection', CONN);
    }
  });

  it('secrets go to SecretStorage and nowhere in settings', async () => {
    const name = 'acl-profile';
    const secret = `sk-${Date.now()}-do-not-leak`;
    const token = `tok-${Date.now()}`;
    await ensureConnection(name, cluster.namesrv, { accessKey: 'AK-test', secretKey: secret, securityToken: token });
    try {
      const stored = await vscode.commands.executeCommand<{ secretKey: boolean; securityToken: boolean }>('rocketmq.internal.secretStored', name);
      assert.deepEqual(stored, { secretKey: true, securityToken: true });
      const inspect = vscode.workspace.getConfiguration('rocketmq').inspect('connections');
      const all = JSON.stringify(inspect);
      assert.ok(all.includes('AK-test'), 'the AccessKey is a setting');
      assert.ok(!all.includes(secret) && !all.includes(token), 'no secret in any settings scope');
      // And not in any settings file on disk either: code-server keeps user settings in
      // <user-data>/User/settings.json and machine-scoped ones (like rocketmq.connections) in
      // <user-data>/Machine/settings.json.
      const storage = vscode.Uri.parse((await vscode.commands.executeCommand<string>('rocketmq.internal.globalStorageUri'))!);
      const userData = vscode.Uri.joinPath(storage, '..', '..', '..').fsPath;
      const files = [join(userData, 'User', 'settings.json'), join(userData, 'Machine', 'settings.json')].filter((f) => existsSync(f));
      const texts = files.map((f) => readFileSync(f, 'utf8'));
      assert.ok(texts.some((t) => t.includes('"acl-profile"')), `one of ${files.join(', ')} holds the profile`);
      for (const [i, t] of texts.entries()) assert.ok(!t.includes(secret) && !t.includes(token), `${files[i]} holds no secret`);
    } finally {
      await vscode.commands.executeCommand('rocketmq.removeConnection', { connectionName: name, confirm: false });
      await vscode.commands.executeCommand('rocketmq.selectConnection', CONN);
    }
    const after = await vscode.commands.executeCommand<{ secretKey: boolean; securityToken: boolean }>('rocketmq.internal.secretStored', name);
    assert.deepEqual(after, { secretKey: false, securityToken: false }, 'removing the profile deletes its secrets');
  });
});
