import { Fields, parseBodyJson } from './body-json';
import { MessageQueueRef, compareQueues, parseMessageQueueKey } from './message-queue';
import { SubscriptionData, parseSubscriptionData } from './subscription-data';

/**
 * ConsumerRunningInfo, the answer body of GET_CONSUMER_RUNNING_INFO (307), docs/protocol.md §5.7. The
 * broker forwards the request to the client and relays the client's own answer: its subscriptions (which
 * may differ from the broker's one-per-topic table), the queues its rebalance gave it (`mqTable`, with
 * each process queue's state) and its properties (`PROP_CONSUMEORDERLY`, `PROP_CONSUME_TYPE`,
 * `PROP_CLIENT_VERSION`, `messageModel`, `maxReconsumeTimes`, every setter of the consumer…).
 */
export interface ConsumerRunningInfo {
  properties: Record<string, string>;
  subscriptions: SubscriptionData[];
  queues: ProcessQueueState[];
  /** 5.x POP consumers: queues in the POP table (state not decoded). */
  popQueues: MessageQueueRef[];
}

export interface ProcessQueueState {
  mq: MessageQueueRef;
  /** The client's offset for the queue (memory first, then its store), −1 when it has none. */
  commitOffset: number;
  cachedMsgCount: number;
  /** Orderly consumers: the broker-side lock is held (renewed every 20 s). */
  locked: boolean;
  lastLockTimestamp: number;
  tryUnlockTimes: number;
  /** The queue was taken away by a rebalance and is being dropped. */
  dropped: boolean;
  lastPullTimestamp: number;
  lastConsumeTimestamp: number;
}

export function parseConsumerRunningInfo(body: Uint8Array | string | null): ConsumerRunningInfo {
  const f = new Fields(parseBodyJson(body, 'ConsumerRunningInfo'), 'ConsumerRunningInfo');
  const properties: Record<string, string> = {};
  for (const [k, v] of Object.entries(f.obj('properties', {}))) {
    if (v === null || typeof v === 'object') continue;
    properties[k] = String(v);
  }
  const subscriptions = f.arr('subscriptionSet', []).map((s, i) => parseSubscriptionData(s, `ConsumerRunningInfo.subscriptionSet[${i}]`))
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
  const queues: ProcessQueueState[] = Object.entries(f.obj('mqTable', {})).map(([k, v]) => {
    const mq = parseMessageQueueKey(k, 'ConsumerRunningInfo.mqTable');
    const p = f.child(v, `mqTable[${mq.topic}@${mq.brokerName}@${mq.queueId}]`);
    return {
      mq,
      commitOffset: p.int('commitOffset', -1),
      cachedMsgCount: p.int('cachedMsgCount', 0),
      locked: p.bool('locked', false),
      lastLockTimestamp: p.int('lastLockTimestamp', 0),
      tryUnlockTimes: p.int('tryUnlockTimes', 0),
      // Java spells the field "droped".
      dropped: p.bool('droped', false),
      lastPullTimestamp: p.int('lastPullTimestamp', 0),
      lastConsumeTimestamp: p.int('lastConsumeTimestamp', 0),
    };
  }).sort((a, b) => compareQueues(a.mq, b.mq));
  const popQueues = Object.keys(f.obj('mqPopTable', {})).map((k) => parseMessageQueueKey(k, 'ConsumerRunningInfo.mqPopTable')).sort(compareQueues);
  return { properties, subscriptions, queues, popQueues };
}

/** PROP_CONSUMEORDERLY = "true": a MessageListenerOrderly consumer (queue locks on the broker). */
export const isOrderly = (ri: ConsumerRunningInfo): boolean => ri.properties.PROP_CONSUMEORDERLY === 'true';
