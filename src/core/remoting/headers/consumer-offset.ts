/**
 * Offsets of a consumer group and of a queue (docs/protocol.md §5.1, §5.7).
 *
 * Wire layout: extFields of the RemotingCommand, all values as strings.
 *
 *   request (code)                   key            type    meaning
 *   QUERY_CONSUMER_OFFSET 14         consumerGroup  string
 *                                    topic          string
 *                                    queueId        int     answer header `offset`; 22 QUERY_NOT_FOUND when the group
 *                                                           has none (both releases answer 0 instead when the queue
 *                                                           still holds its first message)
 *   UPDATE_CONSUMER_OFFSET 15        consumerGroup  string
 *                                    topic          string
 *                                    queueId        int
 *                                    commitOffset   long    the next offset to consume
 *   SEARCH_OFFSET_BY_TIMESTAMP 29    topic          string
 *                                    queueId        int
 *                                    timestamp      long    ms; answer header `offset`: the queue offset whose store
 *                                                           time is nearest (4.9.7) / the first at or after (5.x,
 *                                                           boundaryType absent = lower)
 *   GET_MAX_OFFSET 30                topic, queueId          answer header `offset` (exclusive); 5.x also `committed`
 *   GET_MIN_OFFSET 31                topic, queueId          answer header `offset`
 *
 * Clients of a group online keep their offsets in memory and commit them every few seconds, so an
 * UPDATE_CONSUMER_OFFSET from anyone else is overwritten then; a reset of a group with clients online goes
 * through INVOKE_BROKER_TO_RESET_OFFSET (reset-offset.ts).
 */
import type { HeaderValues } from './consumer-group';

export interface QueryConsumerOffsetHeader { consumerGroup: string; topic: string; queueId: number }
export interface UpdateConsumerOffsetHeader { consumerGroup: string; topic: string; queueId: number; commitOffset: number }
export interface SearchOffsetHeader { topic: string; queueId: number; timestamp: number }
export interface QueueOffsetHeader { topic: string; queueId: number }

export const encodeQueryConsumerOffsetHeader = (h: QueryConsumerOffsetHeader): HeaderValues =>
  ({ consumerGroup: h.consumerGroup, topic: h.topic, queueId: h.queueId });
export const encodeUpdateConsumerOffsetHeader = (h: UpdateConsumerOffsetHeader): HeaderValues =>
  ({ consumerGroup: h.consumerGroup, topic: h.topic, queueId: h.queueId, commitOffset: h.commitOffset });
export const encodeSearchOffsetHeader = (h: SearchOffsetHeader): HeaderValues =>
  ({ topic: h.topic, queueId: h.queueId, timestamp: h.timestamp });
export const encodeQueueOffsetHeader = (h: QueueOffsetHeader): HeaderValues => ({ topic: h.topic, queueId: h.queueId });
