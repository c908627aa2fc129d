import { Fields, parseBodyJson } from './body-json';
import { MessageQueueRef, compareQueues, parseMessageQueueKey } from './message-queue';

/**
 * ConsumeStats, the answer body of GET_CONSUME_STATS (208), docs/protocol.md §5.7:
 * `{"consumeTps":0.1,"offsetTable":{{MessageQueue}:{"brokerOffset":3,"consumerOffset":3,"lastTimestamp":…,"pullOffset":3}}}`.
 * `pullOffset` only from 5.x brokers. One broker answers for its own queues only.
 */
export interface ConsumeStats {
  consumeTps: number;
  queues: QueueConsumeStats[];
}

export interface QueueConsumeStats {
  mq: MessageQueueRef;
  /** Max offset of the queue (exclusive): where the next message goes. */
  brokerOffset: number;
  /** The group's committed offset (0 when it has none: the broker clamps −1 to 0). */
  consumerOffset: number;
  /** 5.x: the highest offset pulled (≥ consumerOffset); absent from 4.x. */
  pullOffset?: number;
  /** Store time of the last consumed message (at consumerOffset − 1), 0 when unknown. */
  lastTimestamp: number;
}

export function parseConsumeStats(body: Uint8Array | string | null): ConsumeStats {
  const f = new Fields(parseBodyJson(body, 'ConsumeStats'), 'ConsumeStats');
  const table = f.obj('offsetTable', {});
  const queues: QueueConsumeStats[] = [];
  for (const [k, v] of Object.entries(table)) {
    const mq = parseMessageQueueKey(k, 'ConsumeStats.offsetTable');
    const w = f.child(v, `offsetTable[${mq.topic}@${mq.brokerName}@${mq.queueId}]`);
    const q: QueueConsumeStats = { mq, brokerOffset: w.int('brokerOffset', 0), consumerOffset: w.int('consumerOffset', 0), lastTimestamp: w.int('lastTimestamp', 0) };
    const pull = w.optInt('pullOffset');
    if (pull !== undefined) q.pullOffset = pull;
    queues.push(q);
  }
  queues.sort((a, b) => compareQueues(a.mq, b.mq));
  return { consumeTps: f.num('consumeTps', 0), queues };
}
