/**
 * Queue offset queries (docs/protocol.md §5.1).
 *
 * GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), client → broker master. GetMaxOffsetRequestHeader /
 * GetMinOffsetRequestHeader:
 *
 *   key         type     required  meaning
 *   topic       string   yes
 *   queueId     int      yes
 *   committed   bool               5.x: max offset of committed messages only (GetMaxOffset)
 *   bname       string             5.x: broker name (static topics)
 *
 * Answer header (GetMaxOffsetResponseHeader / GetMinOffsetResponseHeader):
 *
 *   offset      long     yes       max is exclusive: the offset the next message will get
 *
 * SEARCH_OFFSET_BY_TIMESTAMP (29), SearchOffsetRequestHeader:
 *
 *   topic         string   yes
 *   queueId       int      yes
 *   timestamp     long     yes      ms
 *   boundaryType  string            5.x: "lower" (default) or "upper" among equal store times; 4.9 ignores it
 *                                   and answers any of them
 *   answer: offset long
 *
 * GET_EARLIEST_MSG_STORETIME (32), GetEarliestMsgStoretimeRequestHeader: topic, queueId (both required);
 * answer: timestamp long.
 *
 * QUERY_CONSUMER_OFFSET (14), QueryConsumerOffsetRequestHeader: consumerGroup, topic, queueId (all
 * required), setZeroIfNotFound bool (5.x); answer: offset long, or QUERY_NOT_FOUND (22) when the group
 * stored none (both versions answer 0 instead while the queue's first message is still in memory).
 */
import { RequestCode } from '../codes';
import type { HeaderSpec } from './header-spec';

export const GET_MAX_OFFSET_HEADER: HeaderSpec = {
  javaClass: 'GetMaxOffsetRequestHeader',
  fields: [
    { key: 'topic', type: 'string', required: true },
    { key: 'queueId', type: 'int', required: true },
    { key: 'committed', type: 'bool' },
    { key: 'bname', type: 'string', name: 'brokerName' },
  ],
};

export const GET_MIN_OFFSET_HEADER: HeaderSpec = {
  javaClass: 'GetMinOffsetRequestHeader',
  fields: [
    { key: 'topic', type: 'string', required: true },
    { key: 'queueId', type: 'int', required: true },
    { key: 'bname', type: 'string', name: 'brokerName' },
  ],
};

export const OFFSET_RESPONSE_HEADER: HeaderSpec = {
  javaClass: 'GetMaxOffsetResponseHeader',
  fields: [{ key: 'offset', type: 'long', required: true }],
};

export const SEARCH_OFFSET_HEADER: HeaderSpec = {
  javaClass: 'SearchOffsetRequestHeader',
  fields: [
    { key: 'topic', type: 'string', required: true },
    { key: 'queueId', type: 'int', required: true },
    { key: 'timestamp', type: 'long', required: true },
    { key: 'boundaryType', type: 'string' },
    { key: 'bname', type: 'string', name: 'brokerName' },
  ],
};

export const EARLIEST_STORETIME_HEADER: HeaderSpec = {
  javaClass: 'GetEarliestMsgStoretimeRequestHeader',
  fields: [
    { key: 'topic', type: 'string', required: true },
    { key: 'queueId', type: 'int', required: true },
    { key: 'bname', type: 'string', name: 'brokerName' },
  ],
};

export const QUERY_CONSUMER_OFFSET_HEADER: HeaderSpec = {
  javaClass: 'QueryConsumerOffsetRequestHeader',
  fields: [
    { key: 'consumerGroup', type: 'string', required: true },
    { key: 'topic', type: 'string', required: true },
    { key: 'queueId', type: 'int', required: true },
    { key: 'setZeroIfNotFound', type: 'bool' },
    { key: 'bname', type: 'string', name: 'brokerName' },
  ],
};

export const OFFSET_REQUEST_HEADERS: ReadonlyMap<number, HeaderSpec> = new Map([
  [RequestCode.GET_MAX_OFFSET, GET_MAX_OFFSET_HEADER],
  [RequestCode.GET_MIN_OFFSET, GET_MIN_OFFSET_HEADER],
  [RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, SEARCH_OFFSET_HEADER],
  [RequestCode.GET_EARLIEST_MSG_STORETIME, EARLIEST_STORETIME_HEADER],
  [RequestCode.QUERY_CONSUMER_OFFSET, QUERY_CONSUMER_OFFSET_HEADER],
]);

/** Response headers, by the request code they answer. */
export const OFFSET_RESPONSE_HEADERS: ReadonlyMap<number, HeaderSpec> = new Map([
  [RequestCode.GET_MAX_OFFSET, { ...OFFSET_RESPONSE_HEADER }],
  [RequestCode.GET_MIN_OFFSET, { ...OFFSET_RESPONSE_HEADER, javaClass: 'GetMinOffsetResponseHeader' }],
  [RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { ...OFFSET_RESPONSE_HEADER, javaClass: 'SearchOffsetResponseHeader' }],
  [RequestCode.GET_EARLIEST_MSG_STORETIME, { javaClass: 'GetEarliestMsgStoretimeResponseHeader', fields: [{ key: 'timestamp', type: 'long', required: true }] }],
  [RequestCode.QUERY_CONSUMER_OFFSET, { javaClass: 'QueryConsumerOffsetResponseHeader', fields: [{ key: 'offset', type: 'long' }] }],
]);
