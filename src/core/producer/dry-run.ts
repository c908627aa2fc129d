/**
 * The route dry-run: where a send would go, without sending. It asks the NameServer for the route
 * the way a send does (with the TBW102 fallback for an unknown topic), lists the writable queues,
 * predicts the queue the producer would pick for the chosen routing — round-robin's next position,
 * the sharding key's hash as Java's SelectMessageQueueByHash computes it, or the explicit queue — names
 * the brokers fault tolerance avoids right now, and says why the broker or the client would refuse the
 * send. The prediction uses the producer's own selection code (route.ts, types.ts `selectByHash`), so
 * a real send with the same producer takes the predicted queue.
 */
import { Message } from '../message';
import { TopicRouteData, isWritable, permToString, MASTER_ID } from '../remoting';
import { explainNoRoute, DefaultTopicState } from '../doctor/explain';
import { errorText, MQClientError } from './errors';
import type { Producer } from './producer';
import { MessageQueue, TopicPublishInfo } from './route';
import { javaStringHash } from '../remoting/java-hashmap-order';
import { checkBatch, checkMessage } from './validators';

/** How the send picks its queue. */
export type DryRunRouting =
  | { kind: 'round-robin' }
  | { kind: 'sharding'; shardingKey: string }
  | { kind: 'explicit'; brokerName?: string; queueId: number };

export interface DryRunRequest {
  topic: string;
  /** The message(s) as they would be sent (several: a batch). */
  messages: Message[];
  batch?: boolean;
  routing: DryRunRouting;
  /** Problems the caller's own checks found (a request block's, the send flow's). */
  problems?: string[];
  /**
   * The producer will not send afterwards (the CLI's --dry-run): round-robin's next queue is not
   * predicted, because a new producer starts at a random position.
   */
  fresh?: boolean;
}

export interface RouteBroker {
  brokerName: string;
  /** Master address (brokerId 0), when the route has one. */
  address: string | null;
  perm: string;
  readQueues: number;
  writeQueues: number;
  /** Queues of this broker a producer writes to (0 when the perm has no W or there is no master). */
  writable: number;
}

export interface QueueSelection {
  mode: DryRunRouting['kind'];
  /** The predicted queue; null when it cannot be known (round-robin of a producer not started yet, every broker avoided). */
  queue: MessageQueue | null;
  /** Its broker's address. */
  address: string | null;
  /** Index into `writableQueues`. */
  position: number | null;
  /** How the queue is chosen, in words: the hash and the modulo, the round-robin position, … */
  how: string;
  /** Sharding: Java's String.hashCode of the key, and the index it selects. */
  hash?: number;
}

export interface SendPrediction {
  topic: string;
  /** Where the route came from: the topic's own, TBW102's (auto-creation), or none. */
  routeSource: 'topic' | 'auto-create' | 'none';
  brokers: RouteBroker[];
  /** The queues a send chooses from, in the producer's order (brokers by name, queue ids ascending). */
  writableQueues: MessageQueue[];
  selection: QueueSelection;
  faultTolerance: { enabled: boolean; avoided: { brokerName: string; untilMs: number; latencyMs: number }[] };
  /** Why the send would be refused (by the client or the broker); empty when it would go. */
  refusals: string[];
  /** Facts worth knowing that do not stop the send. */
  notes: string[];
  /** The send would be made (no refusal). */
  ok: boolean;
}

function brokersOf(route: TopicRouteData): RouteBroker[] {
  return [...route.queueDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0)).map((qd) => {
    const bd = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
    const address = bd?.brokerAddrs.get(MASTER_ID) ?? null;
    return { brokerName: qd.brokerName, address, perm: permToString(qd.perm), readQueues: qd.readQueueNums, writeQueues: qd.writeQueueNums, writable: isWritable(qd.perm) && address ? qd.writeQueueNums : 0 };
  });
}

/** Java's `SelectMessageQueueByHash`: |hashCode(key) % n|. */
export function shardingIndex(key: string, n: number): { hash: number; index: number } {
  const hash = javaStringHash(key);
  return { hash, index: Math.abs(hash % n) };
}

/**
 * Predicts a send through `producer` (started; asked for the route like a send). Never throws for a
 * send that would fail: the reasons are `refusals`.
 */
export async function predictSend(producer: Producer, req: DryRunRequest): Promise<SendPrediction> {
  const limits = producer.limits;
  const out: SendPrediction = {
    topic: req.topic, routeSource: 'none', brokers: [], writableQueues: [],
    selection: { mode: req.routing.kind, queue: null, address: null, position: null, how: '' },
    faultTolerance: { enabled: limits.faultTolerance, avoided: producer.fault.avoided().map((a) => ({ brokerName: a.brokerName, untilMs: a.until, latencyMs: a.latency })) },
    refusals: [...(req.problems ?? [])], notes: [], ok: false,
  };
  // the client's own checks (Java's Validators, the batch rules)
  try {
    if (req.batch) checkBatch(req.messages);
    for (const m of req.messages) checkMessage(m, limits.maxMessageSize);
  } catch (e) {
    const text = errorText(e).replace(/^\[[A-Z_]+\] /, '');
    if (!out.refusals.some((r) => r === text)) out.refusals.push(text);
  }
  let info: TopicPublishInfo;
  try {
    info = await producer.findPublishInfo(req.topic);
  } catch (e) {
    if (e instanceof MQClientError && e.rule === 'NO_ROUTE' && e.context?.topic) {
      const ex = explainNoRoute(e.context.topic, (e.context.defaultTopic ?? 'unknown') as DefaultTopicState);
      out.refusals.push(`${ex.title}: ${ex.cause} ${ex.fix}`);
    } else out.refusals.push(errorText(e).replace(/^\[[A-Z_]+\] /, ''));
    out.selection.how = 'no route: nothing to choose from';
    out.ok = false;
    return out;
  }
  out.routeSource = info.fromDefaultTopic ? 'auto-create' : 'topic';
  out.brokers = brokersOf(info.route);
  out.writableQueues = [...info.queues];
  if (info.fromDefaultTopic) {
    out.notes.push(`The NameServer does not know ${req.topic}: the send goes by the ${limits.defaultTopic} route (auto-creation), and the broker creates the topic with ${limits.defaultTopicQueueNums} queue(s) on the first message.`);
  }
  const n = out.writableQueues.length;
  const sel = out.selection;
  const place = (q: MessageQueue, position: number | null) => { sel.queue = q; sel.position = position; sel.address = info.masterAddr(q.brokerName) ?? null; };
  if (n === 0) {
    sel.how = 'no writable queue';
  } else if (req.routing.kind === 'sharding') {
    const { hash, index } = shardingIndex(req.routing.shardingKey, n);
    place(out.writableQueues[index], index);
    sel.hash = hash;
    sel.how = `sharding key ${JSON.stringify(req.routing.shardingKey)}: Java String.hashCode ${hash}, |${hash} mod ${n}| = ${index} → ${sel.queue!.brokerName} queue ${sel.queue!.queueId} (Java's SelectMessageQueueByHash over the ${n} writable queues)`;
    out.notes.push('Messages with the same sharding key go to the same queue while the writable queues stay the same; a broker leaving or queues added move keys to other queues.');
  } else if (req.routing.kind === 'explicit') {
    const brokerName = req.routing.brokerName ?? out.writableQueues[0].brokerName;
    const queueId = req.routing.queueId;
    const k = out.writableQueues.findIndex((q) => q.brokerName === brokerName && q.queueId === queueId);
    if (k >= 0) {
      place(out.writableQueues[k], k);
      sel.how = `explicit queue ${brokerName}:${queueId}${req.routing.brokerName ? '' : ' (no broker named: the first broker)'}`;
    } else {
      const onBroker = out.writableQueues.filter((q) => q.brokerName === brokerName).map((q) => q.queueId);
      out.refusals.push(onBroker.length
        ? `${req.topic} has no writable queue ${queueId} on ${brokerName} (writable: ${onBroker.join(', ')})`
        : `${req.topic} has no writable queues on broker "${brokerName}" (brokers with writable queues: ${[...new Set(out.writableQueues.map((q) => q.brokerName))].join(', ')})`);
      sel.how = `explicit queue ${brokerName}:${queueId}: not a writable queue`;
    }
  } else if (req.fresh) {
    sel.how = `round-robin: a new producer starts at a random one of the ${n} writable queues and then takes each in turn${limits.faultTolerance ? ', skipping brokers fault tolerance avoids' : ''}`;
  } else {
    const p = info.previewNext(limits.faultTolerance ? producer.fault : undefined);
    if (p) {
      place(p.queue, p.position);
      sel.how = `round-robin: the next position is ${p.position} of ${n} → ${p.queue.brokerName} queue ${p.queue.queueId}${p.skipped ? ` (${p.skipped} position(s) skipped: broker avoided by fault tolerance)` : ''}; every send takes the next position`;
    } else {
      sel.how = `round-robin: every broker is avoided by fault tolerance; the producer picks the least slow one`;
    }
  }
  if (sel.queue && out.faultTolerance.avoided.some((a) => a.brokerName === sel.queue!.brokerName) && req.routing.kind !== 'round-robin') {
    out.notes.push(`${sel.queue.brokerName} is avoided by fault tolerance right now, but a ${req.routing.kind === 'sharding' ? 'sharding key' : 'chosen queue'} does not avoid brokers: the send goes there anyway.`);
  }
  for (const b of out.brokers) {
    if (b.writable === 0) out.notes.push(`${b.brokerName} takes no sends for ${req.topic}: ${b.address ? `perm ${b.perm}${b.writeQueues === 0 ? ', no write queue' : ''}` : 'no master in the route'}.`);
  }
  if (n === 0) out.refusals.push(`No writable queue for topic ${req.topic}`);
  out.ok = out.refusals.length === 0;
  return out;
}

/** The prediction as text (the CLI's `send --dry-run`, the send flow's summary). */
export function formatPrediction(p: SendPrediction): string[] {
  const L: string[] = [];
  const route = p.routeSource === 'topic' ? 'the topic\'s route' : p.routeSource === 'auto-create' ? 'TBW102\'s route (auto-creation)' : 'no route';
  L.push(`Route of ${p.topic}: ${route}`);
  for (const b of p.brokers) L.push(`  ${b.brokerName} ${b.address ?? '(no master)'}  perm ${b.perm}  read ${b.readQueues} / write ${b.writeQueues}${b.writable ? '' : '  — takes no sends'}`);
  L.push(`Writable queues (${p.writableQueues.length}): ${p.writableQueues.map((q) => `${q.brokerName}:${q.queueId}`).join(', ') || 'none'}`);
  L.push(`Queue: ${p.selection.how}${p.selection.address ? ` (broker address ${p.selection.address})` : ''}`);
  L.push(`Fault tolerance: ${p.faultTolerance.enabled ? 'on' : 'off'}${p.faultTolerance.avoided.length ? `; avoided now: ${p.faultTolerance.avoided.map((a) => `${a.brokerName} until ${new Date(a.untilMs).toISOString()} (last latency ${a.latencyMs} ms)`).join(', ')}` : '; no broker avoided'}`);
  for (const n of p.notes) L.push(`Note: ${n}`);
  if (p.refusals.length) for (const r of p.refusals) L.push(`Would be refused: ${r}`);
  else L.push(`Would be sent to ${p.selection.queue ? `${p.selection.queue.brokerName} queue ${p.selection.queue.queueId}` : 'one of the writable queues'}.`);
  return L;
}
