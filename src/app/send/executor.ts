/**
 * Runs a SendSpec through the connection's producer: modes, batches, transactions, explicit queues,
 * sharding keys, repeats with cancellation. No `vscode` import (the command layer adds UI).
 */
import { Message } from '../../core/message';
import { MessageQueue, Producer, SendResult, SendOptions, selectByHash, LocalTransactionState, MQClientError } from '../../core/producer';
import { SendSpec, buildMessages, validateSpec } from '../../core/requestfile';
import { ConnectionSession } from '../connections/session';

export interface SentItem {
  /** Which repetition (0-based). */
  repeat: number;
  status: string;
  msgId: string;
  offsetMsgId?: string;
  topic: string;
  brokerName: string;
  queueId: number;
  /** Undefined for oneway sends (the broker does not answer). */
  queueOffset?: number;
  brokerAddr?: string;
  attempts?: number;
  transactionState?: LocalTransactionState;
}

export interface FailedItem { repeat: number; error: unknown }

export interface SendOutcome {
  spec: SendSpec;
  connection: string;
  sent: SentItem[];
  failed: FailedItem[];
  cancelled: boolean;
  /** Frame sequence numbers bracketing this send in the session's recorder. */
  frames: { after: number; upTo: number };
  elapsedMs: number;
}

export interface ExecuteOptions {
  isCancelled?: () => boolean;
  onProgress?: (done: number, total: number) => void;
  /** Messages in flight at once for async repeats. */
  asyncWindow?: number;
}

const DECISION: Record<NonNullable<SendSpec['transaction']>, LocalTransactionState> = {
  commit: 'COMMIT_MESSAGE', rollback: 'ROLLBACK_MESSAGE', unknown: 'UNKNOW',
};

export async function executeSpec(session: ConnectionSession, input: SendSpec, opts: ExecuteOptions = {}): Promise<SendOutcome> {
  const problems = validateSpec(input);
  if (problems.length) throw new MQClientError('CONFIG_INVALID', problems.join('; '));
  const spec: SendSpec = { ...input, topic: session.wrapTopic(input.topic) };
  const started = Date.now();
  const after = session.frameMark;
  const producer = await session.producer();
  const queue = await resolveQueue(producer, spec);
  const sent: SentItem[] = [];
  const failed: FailedItem[] = [];
  let cancelled = false;
  let done = 0;

  const one = async (r: number): Promise<void> => {
    try {
      sent.push(...await sendOnce(session, producer, spec, queue, r));
    } catch (e) {
      failed.push({ repeat: r, error: e });
    }
    opts.onProgress?.(++done, spec.repeat);
  };

  if (spec.mode === 'async' && spec.repeat > 1) {
    const window = Math.max(1, opts.asyncWindow ?? 32);
    let next = 0;
    const workers = Array.from({ length: Math.min(window, spec.repeat) }, async () => {
      while (next < spec.repeat) {
        if (opts.isCancelled?.()) { cancelled = true; return; }
        await one(next++);
      }
    });
    await Promise.all(workers);
  } else {
    for (let r = 0; r < spec.repeat; r++) {
      if (opts.isCancelled?.()) { cancelled = true; break; }
      await one(r);
    }
  }
  sent.sort((a, b) => a.repeat - b.repeat);
  failed.sort((a, b) => a.repeat - b.repeat);
  return { spec, connection: session.profile.name, sent, failed, cancelled, frames: { after, upTo: session.frameMark }, elapsedMs: Date.now() - started };
}

/** An explicit queue must exist among the topic's writable queues; `queue: 2` means queue 2 on the first broker. */
async function resolveQueue(producer: Producer, spec: SendSpec): Promise<MessageQueue | undefined> {
  const choice = spec.queue;
  if (choice?.kind !== 'explicit') return undefined;
  const queues = await producer.fetchPublishMessageQueues(spec.topic);
  const brokerName = choice.brokerName ?? queues[0]?.brokerName;
  const q = queues.find((x) => x.brokerName === brokerName && x.queueId === choice.queueId);
  if (!q) {
    const onBroker = queues.filter((x) => x.brokerName === brokerName).map((x) => x.queueId);
    const brokers = [...new Set(queues.map((x) => x.brokerName))];
    throw new MQClientError('QUEUE_INVALID', onBroker.length
      ? `${spec.topic} has no writable queue ${choice.queueId} on ${brokerName} (writable: ${onBroker.join(', ')})`
      : `${spec.topic} has no writable queues on broker "${brokerName}" (brokers with writable queues: ${brokers.join(', ') || 'none'})`);
  }
  return q;
}

function item(r: number, res: SendResult, state?: LocalTransactionState): SentItem {
  return {
    repeat: r, status: res.sendStatus, msgId: res.msgId, offsetMsgId: res.offsetMsgId || undefined, topic: res.messageQueue.topic,
    brokerName: res.messageQueue.brokerName, queueId: res.messageQueue.queueId, queueOffset: res.queueOffset, brokerAddr: res.brokerAddr,
    attempts: res.attempts, transactionState: state,
  };
}

async function sendOnce(session: ConnectionSession, producer: Producer, spec: SendSpec, queue: MessageQueue | undefined, r: number): Promise<SentItem[]> {
  const msgs: Message[] = buildMessages(spec);
  const routing: SendOptions = queue ? { queue }
    : spec.queue?.kind === 'sharding' ? { selector: selectByHash, selectorArg: spec.queue.shardingKey } : {};
  if (spec.batch) {
    const results = await producer.sendBatch(msgs, { ...routing, split: true });
    return results.map((x) => item(r, x));
  }
  const msg = msgs[0];
  if (spec.transaction) {
    session.rememberNextDecision(DECISION[spec.transaction]);
    const res = await producer.sendMessageInTransaction(msg, DECISION[spec.transaction]);
    return [item(r, res, res.localTransactionState)];
  }
  switch (spec.mode) {
    case 'sync':
      return [item(r, await producer.send(msg, routing))];
    case 'async':
      // Java's async send to a chosen queue is a single attempt too; without routing use the async path.
      return [item(r, routing.queue || routing.selector ? await producer.send(msg, routing) : await producer.sendAsync(msg))];
    case 'oneway': {
      let q = routing.queue;
      if (!q && routing.selector) q = routing.selector(await producer.fetchPublishMessageQueues(spec.topic), msg, routing.selectorArg);
      const res = await producer.sendOneway(msg, { queue: q });
      return [{ repeat: r, status: 'ONEWAY_SENT', msgId: res.msgId, topic: res.messageQueue.topic, brokerName: res.messageQueue.brokerName, queueId: res.messageQueue.queueId }];
    }
  }
}
