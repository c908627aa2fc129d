/**
 * Consumer groups as people read them: which groups to list (system groups hidden like system topics),
 * one line per group, client, subscription and queue. Pure functions over the core's inspection
 * (src/core/consumer/group-inspection.ts); no `vscode`. The tree (src/extension/groups/) and the CLI use it.
 */
import type { GroupInspection, GroupSummary, OnlineClient } from '../../core/consumer/group-inspection';
import { lagOf, RETRY_PREFIX } from '../../core/consumer/group-inspection';
import type { QueueConsumeStats } from '../../core/remoting/bodies/consume-stats';
import type { SubscriptionData } from '../../core/remoting/bodies/subscription-data';
import { queueKey } from '../../core/remoting/bodies/message-queue';
import type { MessageQueueRef } from '../../core/remoting/bodies/message-queue';

// ---------------------------------------------------------------- system groups

/** Groups RocketMQ makes for itself (Java `MixAll`'s predefined groups) and this extension's own browse group. */
const SYSTEM_GROUPS: ReadonlySet<string> = new Set([
  'DEFAULT_CONSUMER', 'DEFAULT_PRODUCER', 'TOOLS_CONSUMER', 'SCHEDULE_CONSUMER', 'FILTERSRV_CONSUMER', '__MONITOR_CONSUMER',
  'CLIENT_INNER_PRODUCER', 'SELF_TEST_P_GROUP', 'SELF_TEST_C_GROUP', 'CID_ONS-HTTP-PROXY', 'CID_ONSAPI_PERMISSION',
  'CID_ONSAPI_OWNER', 'CID_ONSAPI_PULL', 'CID_RMQ_SYS_TRANS', 'rocketmq_debugger_browse',
]);
const SYSTEM_GROUP_PREFIXES = ['CID_RMQ_SYS_', 'rmq_sys_', 'RMQ_SYS_'];

export function isSystemGroup(group: string): boolean {
  return SYSTEM_GROUPS.has(group) || SYSTEM_GROUP_PREFIXES.some((p) => group.startsWith(p));
}

export interface GroupListView {
  visible: string[];
  hiddenSystem: number;
  hiddenByFilter: number;
  total: number;
}

/** Sorted; system groups hidden unless `showSystem`; a case-insensitive substring filter (the Topic Routes view's one). */
export function buildGroupList(groups: Iterable<string>, opts: { showSystem: boolean; filter?: string }): GroupListView {
  const all = [...new Set(groups)].sort(cmp);
  const f = opts.filter?.trim().toLowerCase();
  const visible: string[] = [];
  let hiddenSystem = 0;
  let hiddenByFilter = 0;
  for (const g of all) {
    if (!opts.showSystem && isSystemGroup(g)) { hiddenSystem++; continue; }
    if (f && !g.toLowerCase().includes(f)) { hiddenByFilter++; continue; }
    visible.push(g);
  }
  return { visible, hiddenSystem, hiddenByFilter, total: all.length };
}

// ---------------------------------------------------------------- group line

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** `lag 12 · 2 clients` — what the group row says. */
export function describeGroupSummary(s: GroupSummary): string {
  return `lag ${s.totalLag} · ${plural(s.clients.length, 'client')}`;
}

/** Lag per topic of the group (the retry topic included), in topic order. */
export function lagByTopic(queues: QueueConsumeStats[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const q of queues) m.set(q.mq.topic, (m.get(q.mq.topic) ?? 0) + lagOf(q));
  return m;
}

// ---------------------------------------------------------------- clients and subscriptions

const CONSUME_TYPE: Record<string, string> = { CONSUME_PASSIVELY: 'push', CONSUME_ACTIVELY: 'pull', CONSUME_POP: 'pop' };
const MESSAGE_MODEL: Record<string, string> = { CLUSTERING: 'clustering', BROADCASTING: 'broadcasting' };

export const consumeTypeText = (t: string | undefined): string => (t ? CONSUME_TYPE[t] ?? t : 'unknown');
export const messageModelText = (m: string | undefined): string => (m ? MESSAGE_MODEL[m] ?? m : 'unknown');

/** MQVersion ordinal → `V5_3_3` (the formula of docs/protocol.md §1.8; 4.x from 213, 5.x from 413). */
export function versionName(ordinal: number): string {
  if (ordinal >= 413 && ordinal < 413 + 20 * 10) { const d = ordinal - 413; return `V5_${Math.floor(d / 20)}_${Math.floor((d % 20) / 2)}`; }
  if (ordinal >= 213 && ordinal < 413) { const d = ordinal - 213; return `V4_${Math.floor(d / 20)}_${Math.floor((d % 20) / 2)}`; }
  return `version ${ordinal}`;
}

export interface ClientRow {
  clientId: string;
  label: string;
  description: string;
  tooltip: string;
}

/** One row per client: id, then address · language version · push/pull/pop · clustering · consume-from-where. */
export function clientRow(c: OnlineClient, s: GroupSummary, running?: { properties: Record<string, string> }): ClientRow {
  const version = running?.properties.PROP_CLIENT_VERSION ?? versionName(c.version);
  const type = consumeTypeText(running?.properties.PROP_CONSUME_TYPE ?? s.consumeType);
  const model = messageModelText(running?.properties.messageModel ?? s.messageModel);
  const from = running?.properties.consumeFromWhere ?? s.consumeFromWhere ?? 'unknown';
  const orderly = running?.properties.PROP_CONSUMEORDERLY === 'true' ? ' · orderly' : '';
  const description = `${c.clientAddr} · ${c.language} ${version} · ${type} · ${model} · ${from}${orderly}`;
  return {
    clientId: c.clientId,
    label: c.clientId,
    description,
    tooltip: [
      `Client ${c.clientId}`,
      `address ${c.clientAddr} (as broker ${c.brokers.join(', ')} sees the connection)`,
      `language ${c.language}, version ${version} (${c.version})`,
      `consume type ${type}, message model ${model}, consume from ${from}${orderly ? ', orderly listener' : ''}`,
      running?.properties.maxReconsumeTimes ? `maxReconsumeTimes ${running.properties.maxReconsumeTimes}` : '',
    ].filter(Boolean).join('\n'),
  };
}

/** `A || B · TAG` */
export function describeSubscription(s: SubscriptionData): string {
  return `${s.subString} · ${s.expressionType.toUpperCase() === 'SQL92' ? 'SQL92' : 'TAG'}`;
}

// ---------------------------------------------------------------- queues

export interface QueueRow {
  mq: MessageQueueRef;
  brokerOffset: number;
  consumerOffset: number;
  lag: number;
  lastTimestamp: number;
  /** Client ids holding the queue (clustering: one; broadcasting: every client). */
  holders: string[];
  label: string;
  description: string;
}

export function formatTime(ms: number): string {
  if (!ms) return 'never';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Queue rows of one topic: from the consume stats, plus queues of the route the group has no progress on yet. */
export function queueRows(topic: string, insp: GroupSummary & Partial<Pick<GroupInspection, 'holders' | 'topics'>>): QueueRow[] {
  const rows = new Map<string, QueueRow>();
  const make = (mq: MessageQueueRef, q?: QueueConsumeStats): QueueRow => {
    const holders = insp.holders?.get(queueKey(mq)) ?? [];
    const lag = q ? lagOf(q) : 0;
    return {
      mq, brokerOffset: q?.brokerOffset ?? 0, consumerOffset: q?.consumerOffset ?? 0, lag, lastTimestamp: q?.lastTimestamp ?? 0, holders,
      label: `${mq.brokerName}:${mq.queueId}`,
      description: q
        ? `broker ${q.brokerOffset} · consumer ${q.consumerOffset} · lag ${lag} · last ${formatTime(q.lastTimestamp)}${insp.holders ? ` · ${holders.length ? holders.join(', ') : 'no client'}` : ''}`
        : `no progress yet${insp.holders ? ` · ${holders.length ? holders.join(', ') : 'no client'}` : ''}`,
    };
  };
  for (const q of insp.queues) if (q.mq.topic === topic) rows.set(queueKey(q.mq), make(q.mq, q));
  for (const mq of insp.topics?.find((t) => t.topic === topic)?.queues ?? []) if (!rows.has(queueKey(mq))) rows.set(queueKey(mq), make(mq));
  return [...rows.values()].sort((a, b) => (a.mq.brokerName < b.mq.brokerName ? -1 : a.mq.brokerName > b.mq.brokerName ? 1 : a.mq.queueId - b.mq.queueId));
}

/** Topics to show under a group: subscribed ones (inspection) and every topic with progress, the retry topic last. */
export function groupTopics(insp: GroupSummary & Partial<Pick<GroupInspection, 'topics'>>): string[] {
  const set = new Set<string>();
  for (const t of insp.topics ?? []) set.add(t.topic);
  for (const s of insp.subscriptions) if (!s.topic.startsWith(RETRY_PREFIX)) set.add(s.topic);
  for (const q of insp.queues) if (!q.mq.topic.startsWith(RETRY_PREFIX)) set.add(q.mq.topic);
  return [...set].sort(cmp);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
