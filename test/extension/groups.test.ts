/**
 * Consumer Groups in the Topic Routes view, in the real extension host against a real RocketMQ 5.3 cluster
 * with real Java push consumers (test/support/groups/scenario.ts): what the user sees is read through the
 * registered TreeDataProvider (rocketmq.internal.groupsSnapshot walks it) and compared with Java's admin
 * tools; the actions run through their commands.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunningCluster } from '../support/cluster';
import type { GroupNodeSnapshot } from '../../src/extension/groups/tree';
import type { ResetOutcome, ResetPlan } from '../../src/core/consumer/offset-reset';
import type { FindCommandResult } from '../../src/extension/messages/commands';
import type { SendOutcome } from '../../src/app/send/executor';
import { MQClient } from '../../src/core/producer';
import { browseTopic } from '../../src/core/consumer/browse';
import { startGroupScenario, GroupScenario } from '../support/groups/scenario';
import { activateExtension, ensureConnection, pollUntil, testCluster } from './routes-cluster';

const CONN = 'groups-test';
type Snap = GroupNodeSnapshot;

async function snapshot(args: { expand?: string[]; groups?: string[]; topic?: string; refresh?: boolean } = {}): Promise<Snap[]> {
  return (await vscode.commands.executeCommand<Snap[]>('rocketmq.internal.groupsSnapshot', { connection: CONN, ...args }))!;
}
const childrenOf = (root: Snap[]) => root[0]?.children ?? [];
/** A Markdown tooltip as the user reads it (appendText escapes punctuation and writes spaces as &nbsp;). */
const plain = (md: string | undefined) => (md ?? '').replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!|])/g, '$1');
const groupRow = (root: Snap[], g: string) => childrenOf(root).find((n) => n.gk === 'group' && n.label === g);

describe('Consumer Groups (real 5.3 cluster, real Java consumers)', function () {
  this.timeout(120_000);
  let cluster: RunningCluster;
  let s: GroupScenario;

  before(async function () {
    this.timeout(400_000);
    cluster = await testCluster();
    s = await startGroupScenario(cluster, { groups: ['incons', 'ok', 'idle', 'fail', 'none'], log: (l) => console.log(`[groups] ${l}`) });
    await activateExtension();
    await ensureConnection(CONN, cluster.namesrv);
    await vscode.workspace.getConfiguration('rocketmq').update('topicRoutes.showSystemTopics', false, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('rocketmq.clearTopicFilter');
  });

  after(async function () {
    this.timeout(60_000);
    await vscode.workspace.getConfiguration('rocketmq').update('topicRoutes.showSystemTopics', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('rocketmq.clearTopicFilter');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await s?.close();
  });

  it('lists the groups under the connection; system groups follow the system-topic toggle and the filter applies', async () => {
    const root = await snapshot({ expand: ['groups'], refresh: true });
    assert.equal(root[0].label, 'Consumer Groups');
    const labels = childrenOf(root).map((n) => n.label);
    for (const g of [s.groups.incons, s.groups.ok, s.groups.idle, s.groups.fail, s.groups.none]) assert.ok(labels.includes(g), `${g} in ${labels.join(', ')}`);
    assert.ok(!labels.includes('TOOLS_CONSUMER'), 'system groups hidden by default');
    await vscode.workspace.getConfiguration('rocketmq').update('topicRoutes.showSystemTopics', true, vscode.ConfigurationTarget.Global);
    const withSystem = await pollUntil('system groups shown', 10_000, async () => {
      const r = await snapshot({ expand: ['groups'] });
      return childrenOf(r).some((n) => n.label === 'TOOLS_CONSUMER') ? r : undefined;
    });
    assert.match(withSystem[0].description ?? '', /system groups shown/);
    await vscode.workspace.getConfiguration('rocketmq').update('topicRoutes.showSystemTopics', false, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('rocketmq.filterTopics', `G_incons_${s.tag}`);
    const filtered = await snapshot({ expand: ['groups'] });
    assert.deepEqual(childrenOf(filtered).filter((n) => n.gk === 'group').map((n) => n.label), [s.groups.incons]);
    await vscode.commands.executeCommand('rocketmq.clearTopicFilter');
  });

  it('labels each group with its total lag and online clients, as Java\'s admin counts them', async () => {
    for (const [g, clients] of [[s.groups.incons, 2], [s.groups.idle, 3], [s.groups.fail, 1], [s.groups.none, 0]] as const) {
      await pollUntil(`${g}: lag and clients as Java sees them`, 60_000, async () => {
        const [root, java] = await Promise.all([snapshot({ expand: ['groups'], refresh: true }), cluster.javaAdmin().consumeStats(g)]);
        const row = groupRow(root, g);
        return row && new RegExp(`^lag ${java.totalDiff} · ${clients} client${clients === 1 ? '' : 's'}`).test(row.description ?? '') ? true : undefined;
      }, 1000);
    }
  });

  it('a group shows its diagnoses, clients, subscriptions, queues with their holders, retries and dead letters; the log explains', async () => {
    const g = s.groups.incons;
    const root = await pollUntil('the subscription diagnosis', 60_000, async () => {
      const r = await snapshot({ expand: ['groups', 'group', 'clients', 'subscriptions', 'groupTopic'], groups: [g], refresh: true });
      const row = groupRow(r, g);
      return row?.children?.some((c) => c.gk === 'diagnosis' && /^Clients subscribe differently/.test(c.label)) ? r : undefined;
    }, 1000);
    const row = groupRow(root, g)!;
    assert.match(row.description!, /lag \d+ · 2 clients · ⚠ 1$/);
    assert.match(plain(row.tooltip), /The broker keeps one subscription per topic for a group — the last heartbeat's, now 'B'/);
    const kids = row.children!;
    assert.deepEqual(kids.filter((k) => k.gk === 'diagnosis').map((k) => k.contextValue), ['groupDiagnosis.inconsistent-subscriptions']);
    const clients = kids.find((k) => k.gk === 'clients')!;
    assert.deepEqual(clients.children!.map((c) => c.label).sort(), [s.clientIds.get('c1'), s.clientIds.get('c2')].sort());
    assert.ok(clients.children!.every((c) => / · JAVA V5_3_3 · push · clustering · CONSUME_FROM_FIRST_OFFSET$/.test(c.description!)), JSON.stringify(clients.children));
    const subs = kids.find((k) => k.gk === 'subscriptions')!;
    assert.deepEqual(subs.children!.map((c) => [c.label, c.description]), [[s.topics.main, 'A · TAG  ≠  B · TAG']]);
    const topic = kids.find((k) => k.gk === 'groupTopic' && k.label === s.topics.main)!;
    assert.equal(topic.children!.length, 4);
    const holders = new Set(topic.children!.map((q) => q.description!.split(' · ').pop()));
    assert.deepEqual([...holders].sort(), [s.clientIds.get('c1'), s.clientIds.get('c2')].sort(), 'each queue names its client');
    assert.ok(kids.some((k) => k.gk === 'extra' && k.label === 'Retries') && kids.some((k) => k.gk === 'extra' && k.label === 'Dead Letters'));
    const log = (await vscode.commands.executeCommand<string[]>('rocketmq.internal.recentLog'))!;
    assert.ok(log.some((l) => l.startsWith(`warn [${CONN}] group ${g}: Clients subscribe differently`) && /never consumed/.test(l)), 'the diagnosis is in the log');
  });

  it('more clients than queues, no online client and dead letters are flagged on their groups only', async () => {
    const expected: Record<string, RegExp[]> = {
      [s.groups.idle]: [/^3 clients for 2 queues of GrpFew_/],
      [s.groups.none]: [/^No online client$/],
      [s.groups.fail]: [/^\d+ messages? in the retry topic/, /^3 messages in the dead-letter topic$/],
      [s.groups.ok]: [],
    };
    for (const [g, titles] of Object.entries(expected)) {
      let last: string[] = [];
      await pollUntil(`${g}: ${titles.join(', ') || 'no diagnosis'}`, 90_000, async () => {
        const r = await snapshot({ expand: ['groups', 'group'], groups: [g], refresh: true });
        last = (groupRow(r, g)?.children ?? []).filter((c) => c.gk === 'diagnosis').map((c) => c.label);
        return last.length === titles.length && titles.every((t, i) => t.test(last[i])) ? true : undefined;
      }, 1000).catch((e) => { throw new Error(`${(e as Error).message}; last: ${JSON.stringify(last)}`); });
    }
  });

  it('topic → Consumer Groups lists the groups consuming the topic', async () => {
    const root = await snapshot({ topic: s.topics.main, expand: ['topicGroups'] });
    assert.equal(root[0].label, 'Consumer Groups');
    assert.equal(root[0].contextValue, 'groupsOfTopic');
    const labels = childrenOf(root).map((n) => n.label).sort();
    const java = (await cluster.javaAdmin().topicConsumers(s.topics.main)).filter((x) => x.startsWith('G_')).sort();
    assert.deepEqual(labels.filter((x) => x.startsWith('G_')), java);
    assert.ok(labels.includes(s.groups.incons) && labels.includes(s.groups.ok) && !labels.includes(s.groups.idle));
  });

  it('Reset Consumer Offset… previews per queue and moves a group\'s offsets to the earliest (checked with Java\'s admin)', async () => {
    const g = s.groups.none;
    const preview = (await vscode.commands.executeCommand<{ plan: ResetPlan }>('rocketmq.resetConsumerOffset', { connection: CONN, group: g, topic: s.topics.main, target: 'earliest', previewOnly: true }))!;
    assert.equal(preview.plan.queues.length, 4);
    assert.ok(preview.plan.queues.every((q) => q.current === q.max && q.target === q.min), JSON.stringify(preview.plan.queues));
    const r = (await vscode.commands.executeCommand<{ plan: ResetPlan; outcome: ResetOutcome }>('rocketmq.resetConsumerOffset', { connection: CONN, group: g, topic: s.topics.main, target: 'earliest', confirm: false }))!;
    assert.ok(r.outcome, 'applied');
    assert.deepEqual(r.outcome.queues.map((q) => q.offset), r.plan.queues.map((q) => q.min));
    const java = await pollUntil('Java sees the offsets at the earliest', 30_000, async () => {
      const j = await cluster.javaAdmin().consumeStats(g);
      const main = j.queues.filter((q) => q.mq.topic === s.topics.main);
      return main.length === 4 && main.every((q) => q.consumerOffset === 0) ? j : undefined;
    });
    assert.equal(java.totalDiff, s.sent.main);
    const log = (await vscode.commands.executeCommand<string[]>('rocketmq.internal.recentLog'))!;
    assert.ok(log.some((l) => l.includes(`Reset ${g} on ${s.topics.main} to the earliest retained message: 4 queues, ${s.sent.main} messages consumed again`)), 'the preview is logged');
    // The group row shows the new lag after the reset.
    await pollUntil('the row shows the new lag', 30_000, async () => {
      const root = await snapshot({ expand: ['groups'] });
      return new RegExp(`^lag ${s.sent.main} `).test(groupRow(root, g)?.description ?? '') ? true : undefined;
    }, 1000);
  });

  it('Browse Dead Letters opens them in the message view with their original topic; Resend to Original Topic sends one there', async () => {
    const g = s.groups.fail;
    // The tree lists the dead letters under the group once all 3 messages have failed twice.
    const root = await pollUntil('3 dead letters in the tree', 90_000, async () => {
      const r = await snapshot({ expand: ['groups', 'group', 'extra'], groups: [g], refresh: true });
      const dead = groupRow(r, g)?.children?.find((c) => c.gk === 'extra' && c.label === 'Dead Letters');
      return dead && /· 3 messages$/.test(dead.description ?? '') && dead.children?.length === 3 ? r : undefined;
    }, 2000);
    const dead = groupRow(root, g)!.children!.find((c) => c.gk === 'extra' && c.label === 'Dead Letters')!;
    assert.ok(dead.children!.every((m) => m.contextValue === 'groupMessage.dlq' && new RegExp(`from ${s.topics.fail}`).test(m.description!)), JSON.stringify(dead.children));

    const found = await vscode.commands.executeCommand<FindCommandResult>('rocketmq.browseGroupMessages', { connection: CONN, group: g, kind: 'dlq' });
    assert.ok(found, 'the message view opened');
    const dlq = found.result.messages;
    assert.deepEqual(dlq.map((m) => m.keys).sort(), ['fail-0', 'fail-1', 'fail-2']);
    assert.ok(dlq.every((m) => m.topic === `%DLQ%${g}` && m.properties.get('RETRY_TOPIC') === s.topics.fail));
    assert.equal(found.result.list.rows.length, 3);

    const out = await vscode.commands.executeCommand<SendOutcome>('rocketmq.resendToOriginalTopic', { connection: CONN, message: dlq[0] });
    assert.equal(out?.sent[0]?.status, 'SEND_OK', JSON.stringify(out?.failed));
    assert.equal(out!.sent[0].topic, s.topics.fail);
    const client = new MQClient({ namesrvAddr: cluster.namesrv });
    try {
      const back = await pollUntil('the resent message in the original topic', 20_000, async () => (await browseTopic(client, s.topics.fail)).find((m) => m.msgId === out!.sent[0].msgId));
      assert.equal(back.keys, dlq[0].keys);
      assert.equal(Buffer.from(back.body!).toString(), Buffer.from(dlq[0].body!).toString());
      assert.equal(back.properties.get('RESENT_FROM_MSG_ID'), dlq[0].properties.get('ORIGIN_MESSAGE_ID') ?? dlq[0].msgId);
    } finally {
      await client.close();
    }
    const log = (await vscode.commands.executeCommand<string[]>('rocketmq.internal.recentLog'))!;
    assert.ok(log.some((l) => l.includes(`resending dead letter`) && l.includes(s.topics.fail)));
  });
});
