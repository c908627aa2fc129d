/**
 * Why messages of a consumer group are late or never consumed, read from what the brokers and clients
 * report (src/core/consumer/group-inspection.ts). Each diagnosis has a one-line title for the tree, a
 * detail for the tooltip and the log that says what it causes and what to do, and names the clients,
 * topic and queues it is about. Pure; no `vscode`.
 *
 * | kind                        | from                                                      | needs      |
 * |-----------------------------|-----------------------------------------------------------|------------|
 * | no-online-client            | no broker lists a client (CONSUMER_NOT_ONLINE everywhere) | summary    |
 * | lag-growing                 | total lag higher than at the previous refresh              | summary×2  |
 * | retry-messages              | messages in %RETRY%group                                  | summary    |
 * | dead-letters                | messages in %DLQ%group                                    | summary    |
 * | inconsistent-subscriptions  | clients' own subscription sets differ                     | inspection |
 * | idle-clients                | more clients subscribe a topic than it has queues         | inspection |
 * | unheld-queues               | readable queues no online client holds                    | inspection |
 * | locks-held-by-gone-client   | orderly: queues locked on the broker by no online client  | inspection |
 */
import type { GroupInspection, GroupSummary } from '../../core/consumer/group-inspection';
import { RETRY_PREFIX, lagOf } from '../../core/consumer/group-inspection';
import { normalizedExpression, SubscriptionData } from '../../core/remoting/bodies/subscription-data';
import { MessageQueueRef, queueKey } from '../../core/remoting/bodies/message-queue';
import { isOrderly } from '../../core/remoting/bodies/consumer-running-info';
import { lagByTopic, plural } from './model';

export type DiagnosisKind =
  | 'no-online-client' | 'lag-growing' | 'retry-messages' | 'dead-letters'
  | 'inconsistent-subscriptions' | 'idle-clients' | 'unheld-queues' | 'locks-held-by-gone-client';

export interface Diagnosis {
  kind: DiagnosisKind;
  severity: 'warning' | 'info';
  /** One line: the tree row. */
  title: string;
  /** What it means, what it causes, what to do: tooltip and log. */
  detail: string;
  topic?: string;
  clients?: string[];
  /** queueKey()s (`topic@broker@id`) the diagnosis is about. */
  queues?: string[];
}

/** What the previous refresh of the same group saw (for lag growth and clients that left). */
export interface PreviousSnapshot {
  totalLag: number;
  lagByTopic: Map<string, number>;
  clientIds: string[];
  takenAt: number;
}

export function snapshotOf(s: GroupSummary): PreviousSnapshot {
  return { totalLag: s.totalLag, lagByTopic: lagByTopic(s.queues), clientIds: s.clients.map((c) => c.clientId), takenAt: s.takenAt };
}

const q = (s: string) => `'${s}'`;
const list = (xs: string[]) => xs.join(', ');
const queueText = (mq: MessageQueueRef) => `${mq.brokerName}:${mq.queueId}`;
const isInspection = (s: GroupSummary | GroupInspection): s is GroupInspection => 'clientViews' in s;

export function diagnose(s: GroupSummary | GroupInspection, previous?: PreviousSnapshot): Diagnosis[] {
  const out: Diagnosis[] = [];
  const anyBrokerAnswered = s.masters.length > s.failures.filter((f) => f.what.startsWith('GET_CONSUMER_CONNECTION_LIST')).length;

  // --- no online client
  if (s.clients.length === 0 && anyBrokerAnswered) {
    out.push({
      kind: 'no-online-client',
      severity: 'warning',
      title: 'No online client',
      detail: `No broker lists a client of ${s.group} (GET_CONSUMER_CONNECTION_LIST answered CONSUMER_NOT_ONLINE). `
        + `Nothing consumes for this group: ${s.totalLag ? `its ${plural(s.totalLag, 'message')} of lag wait, and ` : ''}every message sent to its topics adds to its lag until a client starts. `
        + 'A client that stopped shows here at once; one that lost its network within 2 minutes (the broker drops a channel after 120 s without heartbeat).',
    });
  }

  // --- lag growing
  if (previous && s.totalLag > previous.totalLag) {
    const now = lagByTopic(s.queues);
    const grew = [...now].filter(([t, n]) => n > (previous.lagByTopic.get(t) ?? 0)).map(([t, n]) => `${t} ${previous.lagByTopic.get(t) ?? 0} → ${n}`);
    const secs = Math.max(1, Math.round((s.takenAt - previous.takenAt) / 1000));
    out.push({
      kind: 'lag-growing',
      severity: 'warning',
      title: `Lag growing: ${previous.totalLag} → ${s.totalLag} since the last refresh`,
      detail: `The total lag of ${s.group} rose from ${previous.totalLag} to ${s.totalLag} in ${secs} s (${list(grew)}): `
        + (s.clients.length ? 'messages arrive faster than its clients consume them. Check the clients\' consume time and errors, or add clients (up to one per queue).' : 'nobody consumes them.'),
    });
  }

  // --- retry topic
  const retryWaiting = s.queues.filter((x) => x.mq.topic === s.retry.topic).reduce((n, x) => n + lagOf(x), 0);
  if (s.retry.messages > 0 || retryWaiting > 0) {
    out.push({
      kind: 'retry-messages',
      severity: retryWaiting > 0 ? 'warning' : 'info',
      title: `${plural(s.retry.messages, 'message')} in the retry topic (${retryWaiting} waiting)`,
      detail: `${s.retry.topic} holds ${plural(s.retry.messages, 'message')}: deliveries that failed (the listener returned RECONSUME_LATER or threw) and were sent back to be consumed again `
        + `after a growing delay; ${retryWaiting} of them wait to be consumed now. A message that fails maxReconsumeTimes times (16 unless the client sets it) moves to ${s.dlq.topic}.`,
      topic: s.retry.topic,
    });
  }

  // --- dead-letter topic
  if (s.dlq.messages > 0) {
    out.push({
      kind: 'dead-letters',
      severity: 'warning',
      title: `${plural(s.dlq.messages, 'message')} in the dead-letter topic`,
      detail: `${s.dlq.topic} holds ${plural(s.dlq.messages, 'message')} that failed consumption more than maxReconsumeTimes times. RocketMQ does not deliver them again: `
        + 'find out why they failed (Browse Dead Letters), fix the consumer, then Resend to Original Topic.',
      topic: s.dlq.topic,
    });
  }

  if (!isInspection(s)) return out;
  const clustering = s.messageModel !== 'BROADCASTING';
  const views = s.clientViews.filter((v) => v.runningInfo);
  const allAnswered = views.length === s.clientViews.length && views.length > 0;

  // --- clients subscribing differently
  if (views.length > 1) {
    const own = (subs: SubscriptionData[]) => subs.filter((x) => !x.topic.startsWith(RETRY_PREFIX));
    const topics = new Set(views.flatMap((v) => own(v.runningInfo!.subscriptions).map((x) => x.topic)));
    const parts: string[] = [];
    const involved = new Set<string>();
    const titleBits: string[] = [];
    for (const topic of [...topics].sort()) {
      const byExpr = new Map<string, string[]>();
      const missing: string[] = [];
      for (const v of views) {
        const sub = own(v.runningInfo!.subscriptions).find((x) => x.topic === topic);
        if (!sub) { missing.push(v.clientId); continue; }
        const k = `${sub.expressionType.toUpperCase()} ${normalizedExpression(sub)}`;
        byExpr.set(k, [...(byExpr.get(k) ?? []), v.clientId]);
      }
      if (byExpr.size > 1) {
        const who = [...byExpr].map(([k, ids]) => `${q(k.replace(/^(TAG|SQL92) /, ''))} (${list(ids)})`);
        for (const ids of byExpr.values()) ids.forEach((i) => involved.add(i));
        const brokerSide = s.subscriptions.filter((x) => x.topic === topic).map((x) => q(x.subString));
        titleBits.push(`${topic} ${who.join(' vs ')}`);
        parts.push(`Topic ${topic}: ${who.join(' vs ')}. The broker keeps one subscription per topic for a group — the last heartbeat's, now ${brokerSide.length ? list(brokerSide) : 'unknown'} — `
          + `and filters every client's pulls with it, while each client gets only its share of ${topic}'s queues and drops what does not match its own expression. `
          + 'So messages matching one client\'s expression are lost whenever they land in a queue another client holds, and which messages the broker lets through changes with every heartbeat: some messages are never consumed by any client.');
      }
      if (missing.length && byExpr.size > 0) {
        const have = [...byExpr.values()].flat();
        missing.forEach((i) => involved.add(i));
        have.forEach((i) => involved.add(i));
        titleBits.push(`${topic} not subscribed by ${list(missing)}`);
        parts.push(`Topic ${topic}: subscribed by ${list(have)} but not by ${list(missing)}. Rebalancing divides ${topic}'s queues among all clients of the group, `
          + `so the queues that fall to ${list(missing)} are consumed by no one.`);
      }
    }
    if (parts.length) {
      out.push({
        kind: 'inconsistent-subscriptions',
        severity: 'warning',
        title: `Clients subscribe differently: ${titleBits.join('; ')}`,
        detail: `${parts.join('\n')}\nGive every client of a group the same subscriptions (topics and expressions), or use one group per subscription.`,
        clients: [...involved].sort(),
      });
    }
  }

  if (!clustering || !allAnswered) return out;

  // --- more clients than queues
  for (const t of s.topics) {
    if (!t.queues.length) continue;
    const subscribers = views.filter((v) => v.runningInfo!.subscriptions.some((x) => x.topic === t.topic));
    if (subscribers.length <= t.queues.length) continue;
    const idle = subscribers.filter((v) => !v.runningInfo!.queues.some((x) => x.mq.topic === t.topic)).map((v) => v.clientId);
    out.push({
      kind: 'idle-clients',
      severity: 'warning',
      title: `${plural(subscribers.length, 'client')} for ${plural(t.queues.length, 'queue')} of ${t.topic}${idle.length ? `: ${list(idle)} idle` : ''}`,
      detail: `${subscribers.length} clients of ${s.group} subscribe to ${t.topic}, which has ${plural(t.queues.length, 'readable queue')}. In clustering mode a queue goes to one client only, `
        + `so ${subscribers.length - t.queues.length} client(s) get no queue and consume nothing${idle.length ? ` (${list(idle)})` : ''}. Add queues to the topic (read and write queue counts on every broker) or run fewer clients.`,
      topic: t.topic,
      clients: idle,
    });
  }

  // --- queues no client holds / locks of a gone client
  const lockedByGone = new Set((s.lockProbe?.lockedByOther ?? []).map(queueKey));
  for (const t of s.topics) {
    const unheld = t.queues.filter((mq) => !s.holders.has(queueKey(mq)) && !lockedByGone.has(queueKey(mq)));
    if (!unheld.length) continue;
    const subscribers = views.filter((v) => v.runningInfo!.subscriptions.some((x) => x.topic === t.topic)).length;
    const lag = s.queues.filter((x) => x.mq.topic === t.topic && unheld.some((u) => queueKey(u) === queueKey(x.mq))).reduce((n, x) => n + lagOf(x), 0);
    out.push({
      kind: 'unheld-queues',
      severity: 'warning',
      title: `${plural(unheld.length, 'queue')} of ${t.topic} held by no client: ${list(unheld.map(queueText))}`,
      detail: `No online client of ${s.group} has ${list(unheld.map(queueText))} of ${t.topic} in its rebalance result, so nobody consumes what lands there (${plural(lag, 'message')} waiting now). `
        + (subscribers < views.length
          ? `Only ${subscribers} of ${views.length} clients subscribe to ${t.topic}: the queues that fall to the others stay unconsumed (see the subscription diagnosis).`
          : 'Clients rebalance every 20 s and when a client joins or leaves; if this stays, check the clients\' logs for rebalance or lock errors.'),
      topic: t.topic,
      queues: unheld.map(queueKey),
    });
  }
  if (s.lockProbe && s.lockProbe.lockedByOther.length) {
    const byTopic = new Map<string, MessageQueueRef[]>();
    for (const mq of s.lockProbe.lockedByOther) byTopic.set(mq.topic, [...(byTopic.get(mq.topic) ?? []), mq]);
    const gone = previous ? previous.clientIds.filter((id) => !s.clients.some((c) => c.clientId === id)) : [];
    const orderlyClients = views.filter((v) => isOrderly(v.runningInfo!)).map((v) => v.clientId);
    for (const [topic, mqs] of byTopic) {
      out.push({
        kind: 'locks-held-by-gone-client',
        severity: 'warning',
        title: `${plural(mqs.length, 'queue')} of ${topic} locked by a client that is gone: ${list(mqs.map(queueText))}`,
        detail: `${s.group} consumes orderly (${list(orderlyClients)}): each queue is consumed only by the client holding its lock on the broker. `
          + `The broker holds the locks of ${list(mqs.map(queueText))} for a client that is not online${gone.length ? ` (gone since the last refresh: ${list(gone)})` : ''}, `
          + 'so no online client can lock or consume them. A client that shuts down cleanly unlocks its queues; this one was killed or lost its connection. '
          + 'The broker releases such a lock 60 s after its holder last renewed it (rocketmq.broker.rebalance.lockMaxLiveTime); the queues are consumed again after that. '
          + `(Found by asking the broker to lock the queues no online client holds, as ${s.lockProbe.probeClientId}, and releasing at once the ones it got.)`,
        topic,
        clients: gone,
        queues: mqs.map(queueKey),
      });
    }
  }
  return out;
}

/** The log line of a diagnosis: `[conn] group G: title — detail`. */
export function diagnosisLogLine(connection: string, group: string, d: Diagnosis): string {
  return `[${connection}] group ${group}: ${d.title} — ${d.detail.replace(/\n/g, ' ')}`;
}

/**
 * What each group looked like at the previous refresh, so that "lag growing" compares two refreshes
 * (not two reads within one: the group row and its expansion read the group moments apart).
 */
export class GroupHistory {
  private readonly previousByGroup = new Map<string, PreviousSnapshot>();
  private readonly currentByGroup = new Map<string, PreviousSnapshot>();

  /** The snapshot of the refresh before this one, if the group was seen then. */
  previous(group: string): PreviousSnapshot | undefined { return this.previousByGroup.get(group); }

  /** Records what this refresh saw (the latest read wins). */
  observe(s: GroupSummary): void { this.currentByGroup.set(s.group, snapshotOf(s)); }

  /** A refresh begins: what was seen becomes "the previous refresh" (of one group, or of all). */
  advance(group?: string): void {
    const groups = group === undefined ? [...this.currentByGroup.keys()] : [group];
    for (const g of groups) {
      const cur = this.currentByGroup.get(g);
      if (cur) this.previousByGroup.set(g, cur);
      this.currentByGroup.delete(g);
    }
  }
}
