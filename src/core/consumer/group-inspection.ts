/**
 * Gathers what the brokers know about consumer groups (docs/protocol.md §5.7), as facts without wording:
 * the app layer (src/app/groups/) turns them into tree rows and diagnoses.
 *
 * - `listGroups`: the subscription groups every master has configs for (GET_ALL_SUBSCRIPTIONGROUP_CONFIG).
 * - `groupsOfTopic`: the groups consuming a topic (QUERY_TOPIC_CONSUME_BY_WHO on each broker of its route).
 * - `summarizeGroup`: clients online and the broker's subscriptions (GET_CONSUMER_CONNECTION_LIST), per-queue
 *   progress (GET_CONSUME_STATS) and the retry / dead-letter topics' message counts, from every master.
 * - `inspectGroup`: the summary, plus each client's own view (GET_CONSUMER_RUNNING_INFO: its subscriptions
 *   and the queues its rebalance gave it), the routes of the subscribed topics, and for orderly groups which
 *   queues no online client holds but someone has locked (queue-locks.ts).
 *
 * A broker that fails one question does not fail the whole: its failure is recorded in `failures` with the
 * error (a MQBrokerError / TransportError, with code, remark and address) and the rest goes on.
 */
import { ClusterInfo, MASTER_ID, TopicRouteData, isReadable, ResponseCode } from '../remoting';
import { ConsumerConnection, ClientConnection } from '../remoting/bodies/consumer-connection';
import { QueueConsumeStats } from '../remoting/bodies/consume-stats';
import { ConsumerRunningInfo, isOrderly } from '../remoting/bodies/consumer-running-info';
import { SubscriptionData } from '../remoting/bodies/subscription-data';
import { SubscriptionGroupConfig } from '../remoting/bodies/subscription-group';
import { MessageQueueRef, compareQueues, queueKey } from '../remoting/bodies/message-queue';
import { MQClient } from '../producer/client';
import { ResponseCodeError } from '../errors';
import {
  BrokerTarget, getAllSubscriptionGroups, getConsumeStats, getConsumerConnection, getConsumerRunningInfo, queryTopicConsumeByWho, queueOffset,
} from './group-admin';
import { probeQueueLocks, LockProbeResult } from './queue-locks';

export const RETRY_PREFIX = '%RETRY%';
export const DLQ_PREFIX = '%DLQ%';
export const retryTopicOf = (group: string): string => `${RETRY_PREFIX}${group}`;
export const dlqTopicOf = (group: string): string => `${DLQ_PREFIX}${group}`;

/** One question one broker could not answer. */
export interface InspectionFailure {
  /** The request, by name (`GET_CONSUME_STATS`, …) and what it was about. */
  what: string;
  brokerName?: string;
  addr?: string;
  error: unknown;
}

/** The masters of every broker in the cluster info, by broker name (a broker without a master is skipped and reported). */
export function mastersOf(info: ClusterInfo): { masters: BrokerTarget[]; withoutMaster: string[] } {
  const masters: BrokerTarget[] = [];
  const withoutMaster: string[] = [];
  for (const [name, bd] of [...info.brokerAddrTable].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const addr = bd.brokerAddrs.get(MASTER_ID);
    if (addr) masters.push({ brokerName: name, addr });
    else withoutMaster.push(name);
  }
  return { masters, withoutMaster };
}

/** Masters of a topic's route (brokers with queue data and a master address). */
export function routeMasters(route: TopicRouteData): BrokerTarget[] {
  const out: BrokerTarget[] = [];
  for (const bd of route.brokerDatas) {
    const addr = bd.brokerAddrs.get(MASTER_ID);
    if (addr && route.queueDatas.some((q) => q.brokerName === bd.brokerName)) out.push({ brokerName: bd.brokerName, addr });
  }
  return out.sort((a, b) => (a.brokerName < b.brokerName ? -1 : 1));
}

/** Readable queues of a route (what consumers rebalance over). */
export function readableQueuesOf(topic: string, route: TopicRouteData): MessageQueueRef[] {
  const out: MessageQueueRef[] = [];
  for (const qd of route.queueDatas) {
    if (!isReadable(qd.perm)) continue;
    for (let i = 0; i < qd.readQueueNums; i++) out.push({ topic, brokerName: qd.brokerName, queueId: i });
  }
  return out.sort(compareQueues);
}

async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try { return { ok: true, value: await p }; } catch (error) { return { ok: false, error }; }
}

// ------------------------------------------------------------------ group list

export interface GroupListing {
  /** Group name → the config of the first broker that has one, and the brokers that have one. */
  groups: Map<string, { config: SubscriptionGroupConfig; brokers: string[] }>;
  failures: InspectionFailure[];
}

/** GET_ALL_SUBSCRIPTIONGROUP_CONFIG of every master, merged. */
export async function listGroups(client: MQClient, masters: BrokerTarget[]): Promise<GroupListing> {
  const groups = new Map<string, { config: SubscriptionGroupConfig; brokers: string[] }>();
  const failures: InspectionFailure[] = [];
  const answers = await Promise.all(masters.map(async (b) => ({ b, r: await settle(getAllSubscriptionGroups(client, b)) })));
  for (const { b, r } of answers) {
    if (!r.ok) { failures.push({ what: 'GET_ALL_SUBSCRIPTIONGROUP_CONFIG', brokerName: b.brokerName, addr: b.addr, error: r.error }); continue; }
    for (const c of r.value) {
      const g = groups.get(c.groupName);
      if (g) g.brokers.push(b.brokerName);
      else groups.set(c.groupName, { config: c, brokers: [b.brokerName] });
    }
  }
  return { groups, failures };
}

/** QUERY_TOPIC_CONSUME_BY_WHO on every master of the topic's route, merged and sorted. */
export async function groupsOfTopic(client: MQClient, topic: string, route: TopicRouteData): Promise<{ groups: string[]; failures: InspectionFailure[] }> {
  const set = new Set<string>();
  const failures: InspectionFailure[] = [];
  await Promise.all(routeMasters(route).map(async (b) => {
    const r = await settle(queryTopicConsumeByWho(client, b, topic));
    if (r.ok) for (const g of r.value) set.add(g);
    else failures.push({ what: `QUERY_TOPIC_CONSUME_BY_WHO ${topic}`, brokerName: b.brokerName, addr: b.addr, error: r.error });
  }));
  return { groups: [...set].sort(), failures };
}

// ------------------------------------------------------------------ summary

/** An online client, merged over the brokers it is connected to. */
export interface OnlineClient extends ClientConnection {
  /** Brokers that list this client for the group (a client connects to the brokers of its topics' routes). */
  brokers: string[];
  /** The client's address as each broker sees its connection (one connection per broker, so the ports differ). */
  addresses: { brokerName: string; clientAddr: string }[];
}

/** The broker's one subscription per topic, per broker (brokers can disagree while heartbeats arrive). */
export interface BrokerSubscription extends SubscriptionData { brokers: string[] }

/** Messages in the group's retry or dead-letter topic: retained (max − min) per queue and in total. */
export interface ExtraTopicCounts {
  topic: string;
  exists: boolean;
  queues: { mq: MessageQueueRef; min: number; max: number }[];
  /** Messages retained (sum of max − min). */
  messages: number;
}

export interface GroupSummary {
  group: string;
  takenAt: number;
  masters: BrokerTarget[];
  clients: OnlineClient[];
  /** Types as the brokers report them (first broker with clients); undefined when no client is online. */
  consumeType?: string;
  messageModel?: string;
  consumeFromWhere?: string;
  subscriptions: BrokerSubscription[];
  /** Every queue the group has progress on (the retry topic's queues included), sorted. */
  queues: QueueConsumeStats[];
  /** Σ (brokerOffset − consumerOffset) over `queues`: Java's ConsumeStats.computeTotalDiff. */
  totalLag: number;
  consumeTps: number;
  retry: ExtraTopicCounts;
  dlq: ExtraTopicCounts;
  failures: InspectionFailure[];
}

export interface SummaryOptions {
  /** Topic names the NameServer lists: retry / DLQ topics missing from it are not asked about (saves two route queries). */
  knownTopics?: ReadonlySet<string>;
  /** Route lookup (cached by the caller, e.g. the tree); default the client's NameServer. */
  route?: (topic: string) => Promise<TopicRouteData>;
}

export const lagOf = (q: QueueConsumeStats): number => Math.max(0, q.brokerOffset - q.consumerOffset);

export async function summarizeGroup(client: MQClient, group: string, masters: BrokerTarget[], opts: SummaryOptions = {}): Promise<GroupSummary> {
  const failures: InspectionFailure[] = [];
  const route = opts.route ?? ((t: string) => client.getTopicRoute(t));
  const [conns, stats, retry, dlq] = await Promise.all([
    Promise.all(masters.map(async (b) => ({ b, r: await settle(getConsumerConnection(client, b, group)) }))),
    Promise.all(masters.map(async (b) => ({ b, r: await settle(getConsumeStats(client, b, group)) }))),
    extraTopicCounts(client, retryTopicOf(group), opts.knownTopics, route, failures),
    extraTopicCounts(client, dlqTopicOf(group), opts.knownTopics, route, failures),
  ]);

  const clients = new Map<string, OnlineClient>();
  const subs = new Map<string, BrokerSubscription[]>();
  let first: ConsumerConnection | undefined;
  for (const { b, r } of conns) {
    if (!r.ok) { failures.push({ what: `GET_CONSUMER_CONNECTION_LIST ${group}`, brokerName: b.brokerName, addr: b.addr, error: r.error }); continue; }
    const cc = r.value;
    if (!cc) continue;
    first ??= cc;
    for (const c of cc.connections) {
      const e = clients.get(c.clientId);
      if (e) { e.brokers.push(b.brokerName); e.addresses.push({ brokerName: b.brokerName, clientAddr: c.clientAddr }); }
      else clients.set(c.clientId, { ...c, brokers: [b.brokerName], addresses: [{ brokerName: b.brokerName, clientAddr: c.clientAddr }] });
    }
    for (const s of cc.subscriptions) {
      const list = subs.get(s.topic) ?? [];
      const same = list.find((x) => x.subString === s.subString && x.expressionType === s.expressionType);
      if (same) same.brokers.push(b.brokerName);
      else list.push({ ...s, brokers: [b.brokerName] });
      subs.set(s.topic, list);
    }
  }

  const queues: QueueConsumeStats[] = [];
  let consumeTps = 0;
  for (const { b, r } of stats) {
    if (!r.ok) { failures.push({ what: `GET_CONSUME_STATS ${group}`, brokerName: b.brokerName, addr: b.addr, error: r.error }); continue; }
    queues.push(...r.value.queues);
    consumeTps += r.value.consumeTps;
  }
  queues.sort((a, b) => compareQueues(a.mq, b.mq));

  const s: GroupSummary = {
    group,
    takenAt: Date.now(),
    masters,
    clients: [...clients.values()].sort((a, b) => (a.clientId < b.clientId ? -1 : 1)),
    subscriptions: [...subs.values()].flat().sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0)),
    queues,
    totalLag: queues.reduce((n, q) => n + lagOf(q), 0),
    consumeTps,
    retry,
    dlq,
    failures,
  };
  if (first?.consumeType) s.consumeType = first.consumeType;
  if (first?.messageModel) s.messageModel = first.messageModel;
  if (first?.consumeFromWhere) s.consumeFromWhere = first.consumeFromWhere;
  return s;
}

const isNotFound = (e: unknown): boolean => e instanceof ResponseCodeError && e.code === ResponseCode.TOPIC_NOT_EXIST;

async function extraTopicCounts(
  client: MQClient, topic: string, known: ReadonlySet<string> | undefined, route: (t: string) => Promise<TopicRouteData>, failures: InspectionFailure[],
): Promise<ExtraTopicCounts> {
  const none: ExtraTopicCounts = { topic, exists: false, queues: [], messages: 0 };
  if (known && !known.has(topic)) return none;
  let r: TopicRouteData;
  try {
    r = await route(topic);
  } catch (e) {
    if (!isNotFound(e)) failures.push({ what: `GET_ROUTEINFO_BY_TOPIC ${topic}`, error: e });
    return none;
  }
  const queues: ExtraTopicCounts['queues'] = [];
  const masters = routeMasters(r);
  await Promise.all(masters.flatMap((b) => {
    const qd = r.queueDatas.find((q) => q.brokerName === b.brokerName);
    const n = Math.max(qd?.readQueueNums ?? 0, qd?.writeQueueNums ?? 0);
    return Array.from({ length: n }, async (_, queueId) => {
      const mq = { topic, brokerName: b.brokerName, queueId };
      const [min, max] = await Promise.all([settle(queueOffset(client, b, 'min', mq)), settle(queueOffset(client, b, 'max', mq))]);
      if (!min.ok || !max.ok) {
        failures.push({ what: `GET_MIN_OFFSET/GET_MAX_OFFSET ${topic}:${queueId}`, brokerName: b.brokerName, addr: b.addr, error: !min.ok ? min.error : (max as { error: unknown }).error });
        return;
      }
      queues.push({ mq, min: min.value, max: max.value });
    });
  }));
  queues.sort((a, b) => compareQueues(a.mq, b.mq));
  return { topic, exists: true, queues, messages: queues.reduce((n, q) => n + Math.max(0, q.max - q.min), 0) };
}

// ------------------------------------------------------------------ full inspection

export interface ClientView {
  clientId: string;
  /** The client's own answer (GET_CONSUMER_RUNNING_INFO), or why it could not be had. */
  runningInfo?: ConsumerRunningInfo;
  error?: unknown;
}

export interface TopicQueues {
  topic: string;
  /** Readable queues of the topic's route (what a clustering group divides among its clients). */
  queues: MessageQueueRef[];
  routeError?: unknown;
}

export interface GroupInspection extends GroupSummary {
  clientViews: ClientView[];
  /** Topics the group subscribes to (broker table and every client's own subscriptions; retry topic excluded), with their queues. */
  topics: TopicQueues[];
  /** queueKey → client ids whose running info lists the queue (clustering: the rebalance result). */
  holders: Map<string, string[]>;
  /** Orderly groups only, when some queue is held by no online client: what the broker's locks say. */
  lockProbe?: LockProbeResult;
  orderly: boolean;
}

export interface InspectOptions extends SummaryOptions {
  /** Skip the lock probe even for orderly groups (it takes free queues' locks for a moment, see queue-locks.ts). */
  noLockProbe?: boolean;
}

export async function inspectGroup(client: MQClient, group: string, masters: BrokerTarget[], opts: InspectOptions = {}): Promise<GroupInspection> {
  const summary = await summarizeGroup(client, group, masters, opts);
  const failures = summary.failures;
  const route = opts.route ?? ((t: string) => client.getTopicRoute(t));
  const byName = new Map(masters.map((m) => [m.brokerName, m]));

  const clientViews = await Promise.all(summary.clients.map(async (c): Promise<ClientView> => {
    // Ask through a broker the client is connected to; try the next one if that broker fails.
    let lastError: unknown;
    for (const bn of c.brokers) {
      const b = byName.get(bn);
      if (!b) continue;
      const r = await settle(getConsumerRunningInfo(client, b, group, c.clientId));
      if (r.ok) return { clientId: c.clientId, runningInfo: r.value };
      lastError = r.error;
    }
    failures.push({ what: `GET_CONSUMER_RUNNING_INFO ${group} ${c.clientId}`, error: lastError });
    return { clientId: c.clientId, error: lastError };
  }));

  const topicNames = new Set<string>();
  for (const s of summary.subscriptions) if (!s.topic.startsWith(RETRY_PREFIX)) topicNames.add(s.topic);
  for (const v of clientViews) for (const s of v.runningInfo?.subscriptions ?? []) if (!s.topic.startsWith(RETRY_PREFIX)) topicNames.add(s.topic);
  const topics = await Promise.all([...topicNames].sort().map(async (topic): Promise<TopicQueues> => {
    const r = await settle(route(topic));
    if (!r.ok) { failures.push({ what: `GET_ROUTEINFO_BY_TOPIC ${topic}`, error: r.error }); return { topic, queues: [], routeError: r.error }; }
    return { topic, queues: readableQueuesOf(topic, r.value) };
  }));

  const holders = new Map<string, string[]>();
  for (const v of clientViews) {
    for (const q of v.runningInfo?.queues ?? []) {
      const k = queueKey(q.mq);
      holders.set(k, [...(holders.get(k) ?? []), v.clientId]);
    }
  }

  const orderly = clientViews.some((v) => v.runningInfo && isOrderly(v.runningInfo));
  const inspection: GroupInspection = { ...summary, clientViews, topics, holders, orderly };
  if (orderly && !opts.noLockProbe && summary.messageModel !== 'BROADCASTING') {
    const unheld = topics.flatMap((t) => t.queues).filter((q) => !holders.has(queueKey(q)));
    if (unheld.length) {
      try {
        inspection.lockProbe = await probeQueueLocks(client, group, unheld, masters);
      } catch (e) {
        failures.push({ what: `LOCK_BATCH_MQ ${group}`, error: e });
      }
    }
  }
  return inspection;
}
