/**
 * One function per consumer-group request to one broker (docs/protocol.md §5.7), over an MQClient's pool.
 * Each returns the decoded body, or throws MQBrokerError naming the code, the remark, the broker and the
 * request. Answers that mean "nothing there" rather than "failed" come back as values: a group with no
 * client online is `undefined` from consumerConnection, not an error.
 */
import { RequestCode, ResponseCode, RemotingCommand } from '../remoting';
import {
  encodeConsumeStatsHeader, encodeConsumerGroupHeader, encodeConsumerRunningInfoHeader, encodeTopicConsumeByWhoHeader, HeaderValues,
} from '../remoting/headers/consumer-group';
import {
  encodeQueryConsumerOffsetHeader, encodeQueueOffsetHeader, encodeSearchOffsetHeader, encodeUpdateConsumerOffsetHeader,
} from '../remoting/headers/consumer-offset';
import { encodeResetOffsetHeader, ResetOffsetHeader } from '../remoting/headers/reset-offset';
import { ConsumeStats, parseConsumeStats } from '../remoting/bodies/consume-stats';
import { ConsumerConnection, parseConsumerConnection } from '../remoting/bodies/consumer-connection';
import { ConsumerRunningInfo, parseConsumerRunningInfo } from '../remoting/bodies/consumer-running-info';
import { SubscriptionGroupConfig, parseSubscriptionGroupWrapper } from '../remoting/bodies/subscription-group';
import { parseConsumerIdList, parseGroupList } from '../remoting/bodies/group-list';
import { parseResetOffsetBody } from '../remoting/bodies/reset-offset';
import { encodeLockBatchBody, LockBatchRequest, parseLockBatchResponse } from '../remoting/bodies/queue-lock';
import { MessageQueueRef } from '../remoting/bodies/message-queue';
import { MQClient } from '../producer/client';
import { MQBrokerError, MQClientError } from '../producer/errors';

/** Where a request goes: the broker's master address (and its name, for error messages). */
export interface BrokerTarget { brokerName: string; addr: string }

const DEFAULT_TIMEOUT_MS = 5000;

async function call(client: MQClient, b: BrokerTarget, code: number, header: HeaderValues | null, timeoutMs: number, body?: Uint8Array, accept: number[] = [ResponseCode.SUCCESS]): Promise<RemotingCommand> {
  const resp = await client.invoke(b.addr, client.request(code, header, body), timeoutMs);
  if (!accept.includes(resp.code)) throw new MQBrokerError(resp.code, resp.remark, b.addr, b.brokerName, code);
  return resp;
}

function offsetField(resp: RemotingCommand, b: BrokerTarget, code: number): number {
  const v = resp.extFields?.offset;
  if (v === undefined || !/^-?\d+$/.test(v)) {
    throw new MQClientError('REQUEST_FAILED', `broker ${b.brokerName} at ${b.addr} answered ${code} with SUCCESS but no offset field (${JSON.stringify(resp.extFields)})`);
  }
  return Number(v);
}

/** GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201): the group configs this broker has. */
export async function getAllSubscriptionGroups(client: MQClient, b: BrokerTarget, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<SubscriptionGroupConfig[]> {
  const r = await call(client, b, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, null, timeoutMs);
  return parseSubscriptionGroupWrapper(r.body);
}

/** GET_CONSUMER_CONNECTION_LIST (203); undefined when no client of the group is connected to this broker (206). */
export async function getConsumerConnection(client: MQClient, b: BrokerTarget, group: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ConsumerConnection | undefined> {
  const r = await call(client, b, RequestCode.GET_CONSUMER_CONNECTION_LIST, encodeConsumerGroupHeader({ consumerGroup: group }), timeoutMs, undefined,
    [ResponseCode.SUCCESS, ResponseCode.CONSUMER_NOT_ONLINE]);
  return r.code === ResponseCode.CONSUMER_NOT_ONLINE ? undefined : parseConsumerConnection(r.body);
}

/** GET_CONSUME_STATS (208): this broker's queues of `topic` (or of every topic the group has offsets for). */
export async function getConsumeStats(client: MQClient, b: BrokerTarget, group: string, topic?: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ConsumeStats> {
  const r = await call(client, b, RequestCode.GET_CONSUME_STATS, encodeConsumeStatsHeader({ consumerGroup: group, topic }), timeoutMs);
  return parseConsumeStats(r.body);
}

/** QUERY_TOPIC_CONSUME_BY_WHO (300): groups subscribed to the topic online, or with offsets for it, on this broker. */
export async function queryTopicConsumeByWho(client: MQClient, b: BrokerTarget, topic: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string[]> {
  const r = await call(client, b, RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, encodeTopicConsumeByWhoHeader({ topic }), timeoutMs);
  return parseGroupList(r.body);
}

/** GET_CONSUMER_LIST_BY_GROUP (38): the client ids this broker lists for the group (what rebalancing uses). */
export async function getConsumerIdList(client: MQClient, b: BrokerTarget, group: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string[]> {
  const r = await call(client, b, RequestCode.GET_CONSUMER_LIST_BY_GROUP, encodeConsumerGroupHeader({ consumerGroup: group }), timeoutMs);
  return r.body && r.body.length ? parseConsumerIdList(r.body) : [];
}

/**
 * GET_CONSUMER_RUNNING_INFO (307), answered by the client itself through the broker it is connected to.
 * The broker waits up to 10 s for the client, so the default timeout here is longer than the others.
 */
export async function getConsumerRunningInfo(client: MQClient, b: BrokerTarget, group: string, clientId: string, timeoutMs = 12_000): Promise<ConsumerRunningInfo> {
  const r = await call(client, b, RequestCode.GET_CONSUMER_RUNNING_INFO, encodeConsumerRunningInfoHeader({ consumerGroup: group, clientId }), timeoutMs);
  return parseConsumerRunningInfo(r.body);
}

/** QUERY_CONSUMER_OFFSET (14): the group's committed offset of one queue; undefined when the broker has none (22). */
export async function queryConsumerOffset(client: MQClient, b: BrokerTarget, group: string, q: MessageQueueRef, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<number | undefined> {
  const r = await call(client, b, RequestCode.QUERY_CONSUMER_OFFSET, encodeQueryConsumerOffsetHeader({ consumerGroup: group, topic: q.topic, queueId: q.queueId }), timeoutMs, undefined,
    [ResponseCode.SUCCESS, ResponseCode.QUERY_NOT_FOUND]);
  return r.code === ResponseCode.QUERY_NOT_FOUND ? undefined : offsetField(r, b, RequestCode.QUERY_CONSUMER_OFFSET);
}

/** UPDATE_CONSUMER_OFFSET (15), sent as a request (not oneway) so that the broker's answer is seen. */
export async function updateConsumerOffset(client: MQClient, b: BrokerTarget, group: string, q: MessageQueueRef, commitOffset: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
  await call(client, b, RequestCode.UPDATE_CONSUMER_OFFSET, encodeUpdateConsumerOffsetHeader({ consumerGroup: group, topic: q.topic, queueId: q.queueId, commitOffset }), timeoutMs);
}

/** SEARCH_OFFSET_BY_TIMESTAMP (29): the queue offset the broker's store finds for a time (§5.7 on how each release picks). */
export async function searchOffsetByTimestamp(client: MQClient, b: BrokerTarget, q: MessageQueueRef, timestamp: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<number> {
  const r = await call(client, b, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, encodeSearchOffsetHeader({ topic: q.topic, queueId: q.queueId, timestamp }), timeoutMs);
  return offsetField(r, b, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP);
}

/** GET_MIN_OFFSET (31) / GET_MAX_OFFSET (30, exclusive) of one queue. */
export async function queueOffset(client: MQClient, b: BrokerTarget, kind: 'min' | 'max', q: MessageQueueRef, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<number> {
  const code = kind === 'min' ? RequestCode.GET_MIN_OFFSET : RequestCode.GET_MAX_OFFSET;
  const r = await call(client, b, code, encodeQueueOffsetHeader({ topic: q.topic, queueId: q.queueId }), timeoutMs);
  return offsetField(r, b, code);
}

/**
 * INVOKE_BROKER_TO_RESET_OFFSET (222). The answer's offsets per queue; undefined when the broker answers
 * CONSUMER_NOT_ONLINE (4.9.x with no client of the group online: nothing was changed).
 */
export async function invokeBrokerToResetOffset(client: MQClient, b: BrokerTarget, h: ResetOffsetHeader, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<{ mq: MessageQueueRef; offset: number }[] | undefined> {
  const r = await call(client, b, RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, encodeResetOffsetHeader(h), timeoutMs, undefined, [ResponseCode.SUCCESS, ResponseCode.CONSUMER_NOT_ONLINE]);
  if (r.code === ResponseCode.CONSUMER_NOT_ONLINE) return undefined;
  return r.body && r.body.length ? parseResetOffsetBody(r.body) : [];
}

/** LOCK_BATCH_MQ (41): the queues now locked by `clientId` (taken when free or expired; a lock another client holds stays). */
export async function lockBatch(client: MQClient, b: BrokerTarget, req: LockBatchRequest, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<MessageQueueRef[]> {
  const r = await call(client, b, RequestCode.LOCK_BATCH_MQ, null, timeoutMs, encodeLockBatchBody(req));
  return parseLockBatchResponse(r.body);
}

/** UNLOCK_BATCH_MQ (42): releases the queues `clientId` holds (others' locks are untouched). */
export async function unlockBatch(client: MQClient, b: BrokerTarget, req: LockBatchRequest, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
  await call(client, b, RequestCode.UNLOCK_BATCH_MQ, null, timeoutMs, encodeLockBatchBody(req));
}
