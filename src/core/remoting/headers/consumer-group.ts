/**
 * Consumer-group queries a broker answers (docs/protocol.md §5.7): which groups exist, who is online,
 * what each client subscribes to and holds, how far each queue is consumed.
 *
 * Wire layout: extFields of the RemotingCommand, all values as strings; bodies in ../bodies/.
 *
 *   request (code)                        key            type    meaning
 *   GET_ALL_SUBSCRIPTIONGROUP_CONFIG 201  (no header)                     answer body SubscriptionGroupWrapper
 *   GET_CONSUMER_CONNECTION_LIST 203      consumerGroup  string          answer body ConsumerConnection, or 206 CONSUMER_NOT_ONLINE
 *   GET_CONSUME_STATS 208                 consumerGroup  string          answer body ConsumeStats
 *                                         topic          string  opt.    absent: every topic the group has offsets for on this broker
 *   QUERY_TOPIC_CONSUME_BY_WHO 300        topic          string          answer body GroupList (online subscribers ∪ groups with offsets)
 *   GET_CONSUMER_RUNNING_INFO 307         consumerGroup  string          forwarded by the broker to the client (the broker waits up to 10 s);
 *                                         clientId       string          answer body ConsumerRunningInfo, or 1 SYSTEM_ERROR
 *                                         jstackEnable   bool            "The Consumer <g> <id> not online"
 *   GET_CONSUMER_LIST_BY_GROUP 38         consumerGroup  string          answer body {"consumerIdList":[…]} (what clients rebalance over)
 *
 * 5.x request headers also accept the RPC fields `bname`, `lo`, `ns`, `nsd`, `oway`; we do not send them.
 */
import { RequestCode } from '../codes';

export type HeaderValues = Record<string, string | number | boolean | undefined>;

export interface ConsumerGroupHeader { consumerGroup: string }
export interface ConsumeStatsHeader { consumerGroup: string; topic?: string }
export interface TopicConsumeByWhoHeader { topic: string }
export interface ConsumerRunningInfoHeader { consumerGroup: string; clientId: string; jstackEnable?: boolean }

export const encodeConsumerGroupHeader = (h: ConsumerGroupHeader): HeaderValues => ({ consumerGroup: h.consumerGroup });
export const encodeConsumeStatsHeader = (h: ConsumeStatsHeader): HeaderValues => ({ consumerGroup: h.consumerGroup, topic: h.topic });
export const encodeTopicConsumeByWhoHeader = (h: TopicConsumeByWhoHeader): HeaderValues => ({ topic: h.topic });
export const encodeConsumerRunningInfoHeader = (h: ConsumerRunningInfoHeader): HeaderValues =>
  ({ consumerGroup: h.consumerGroup, clientId: h.clientId, jstackEnable: h.jstackEnable ?? false });

/** The requests of this family, by code, with the header keys they carry (for views of captured frames). */
export const CONSUMER_GROUP_HEADER_KEYS: Readonly<Record<number, readonly string[]>> = {
  [RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG]: [],
  [RequestCode.GET_CONSUMER_CONNECTION_LIST]: ['consumerGroup'],
  [RequestCode.GET_CONSUME_STATS]: ['consumerGroup', 'topic'],
  [RequestCode.QUERY_TOPIC_CONSUME_BY_WHO]: ['topic'],
  [RequestCode.GET_CONSUMER_RUNNING_INFO]: ['consumerGroup', 'clientId', 'jstackEnable'],
  [RequestCode.GET_CONSUMER_LIST_BY_GROUP]: ['consumerGroup'],
};
