/**
 * Resetting a consumer group's offsets on one topic to the earliest or latest message or to a point in
 * time, in two steps: `planOffsetReset` asks the brokers what each queue's new offset would be (nothing
 * changes), `applyOffsetReset` carries the plan out the way mqadmin's resetOffsetByTime does
 * (docs/protocol.md §5.7):
 *
 * 1. INVOKE_BROKER_TO_RESET_OFFSET to each master of the topic (timestamp, isForce = true). The broker finds
 *    the offsets with the same store search SEARCH_OFFSET_BY_TIMESTAMP uses, which is why the plan asks that:
 *    the preview shows what the broker will do. 4.9.x hands the offsets to the online clients (they reset
 *    their queues and commit); 5.x writes them itself.
 * 2. When a 4.9.x broker answers CONSUMER_NOT_ONLINE (no client to hand them to) each queue is written with
 *    UPDATE_CONSUMER_OFFSET instead, as mqadmin does. When it refuses because a queue has no offset for the
 *    group yet ("THe consumer group <g> not exist"), those queues are written first and the reset asked again.
 */
import { TopicRouteData, ResponseCode } from '../remoting';
import { MessageQueueRef, queueKey } from '../remoting/bodies/message-queue';
import { MQClient } from '../producer/client';
import { MQClientError } from '../producer/errors';
import { ResponseCodeError } from '../errors';
import { BrokerTarget, invokeBrokerToResetOffset, queryConsumerOffset, queueOffset, searchOffsetByTimestamp, updateConsumerOffset } from './group-admin';
import { readableQueuesOf, routeMasters } from './group-inspection';

export type ResetTarget =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  /** ms since the epoch */
  | { kind: 'timestamp'; timestamp: number };

/** The timestamp the broker is given: 0 finds each queue's first retained message, −1 means the max offset. */
export function resetTimestamp(t: ResetTarget): number {
  return t.kind === 'earliest' ? 0 : t.kind === 'latest' ? -1 : t.timestamp;
}

export interface ResetPlanQueue {
  mq: MessageQueueRef;
  broker: BrokerTarget;
  /** The group's committed offset now; undefined when the broker has none for this queue. */
  current: number | undefined;
  /** The offset the reset sets. */
  target: number;
  min: number;
  max: number;
}

export interface ResetPlan {
  group: string;
  topic: string;
  target: ResetTarget;
  queues: ResetPlanQueue[];
  takenAt: number;
}

export async function planOffsetReset(client: MQClient, group: string, topic: string, target: ResetTarget, route: TopicRouteData): Promise<ResetPlan> {
  const masters = routeMasters(route);
  const byName = new Map(masters.map((m) => [m.brokerName, m]));
  const ts = resetTimestamp(target);
  const queues = await Promise.all(readableQueuesOf(topic, route).filter((q) => byName.has(q.brokerName)).map(async (mq): Promise<ResetPlanQueue> => {
    const broker = byName.get(mq.brokerName)!;
    const [current, min, max] = await Promise.all([
      queryConsumerOffset(client, broker, group, mq), queueOffset(client, broker, 'min', mq), queueOffset(client, broker, 'max', mq),
    ]);
    const to = ts === -1 ? max : await searchOffsetByTimestamp(client, broker, mq, ts);
    return { mq, broker, current, target: to, min, max };
  }));
  if (queues.length === 0) throw new MQClientError('NO_ROUTE', `topic ${topic} has no readable queue on a broker with a master: nothing to reset`);
  return { group, topic, target, queues, takenAt: Date.now() };
}

export interface AppliedQueue {
  mq: MessageQueueRef;
  /** The offset the broker reports it set (broker path) or that was written (update path). */
  offset: number;
  /** The plan's target: differs from `offset` when messages arrived (latest) or expired in between. */
  planned: number;
  how: 'broker-reset' | 'update-offset';
}

export interface ResetOutcome {
  plan: ResetPlan;
  queues: AppliedQueue[];
  /** Per broker: what was done, for the log. */
  steps: string[];
}

const isGroupNotExist = (e: unknown): boolean =>
  e instanceof ResponseCodeError && e.code === ResponseCode.SYSTEM_ERROR && /consumer group <.*> not exist/i.test(e.remark ?? '');

export async function applyOffsetReset(client: MQClient, plan: ResetPlan): Promise<ResetOutcome> {
  const ts = resetTimestamp(plan.target);
  const out: ResetOutcome = { plan, queues: [], steps: [] };
  const brokers = [...new Map(plan.queues.map((q) => [q.broker.brokerName, q.broker])).values()];
  for (const b of brokers) {
    const mine = plan.queues.filter((q) => q.broker.brokerName === b.brokerName);
    const header = { topic: plan.topic, group: plan.group, timestamp: ts, isForce: true };
    let answer: { mq: MessageQueueRef; offset: number }[] | undefined;
    try {
      answer = await invokeBrokerToResetOffset(client, b, header);
    } catch (e) {
      if (!isGroupNotExist(e)) throw e;
      // 4.9.x: a queue without an offset for the group stops the broker's reset. QUERY_CONSUMER_OFFSET answers 0
      // rather than "none" for such a queue while it still holds its first message, so which queue it is cannot
      // be told: write every queue of this broker with its planned offset (the reset sets them anyway), then ask again.
      for (const q of mine) await updateConsumerOffset(client, b, plan.group, q.mq, q.target);
      out.steps.push(`${b.brokerName}: the broker had no offset for some queue ("${(e as ResponseCodeError).remark}"); wrote ${mine.length} queue(s) with UPDATE_CONSUMER_OFFSET and asked again`);
      answer = await invokeBrokerToResetOffset(client, b, header);
    }
    if (answer) {
      const got = new Map(answer.map((a) => [queueKey(a.mq), a.offset]));
      for (const q of mine) out.queues.push({ mq: q.mq, offset: got.get(queueKey(q.mq)) ?? q.target, planned: q.target, how: 'broker-reset' });
      out.steps.push(`${b.brokerName}: INVOKE_BROKER_TO_RESET_OFFSET set ${answer.length} queue(s)`);
    } else {
      for (const q of mine) {
        await updateConsumerOffset(client, b, plan.group, q.mq, q.target);
        out.queues.push({ mq: q.mq, offset: q.target, planned: q.target, how: 'update-offset' });
      }
      out.steps.push(`${b.brokerName}: no client of the group online (CONSUMER_NOT_ONLINE); wrote ${mine.length} queue(s) with UPDATE_CONSUMER_OFFSET`);
    }
  }
  return out;
}
