/**
 * Queue offsets on a broker (docs/protocol.md §5.1): GET_MAX_OFFSET (30), GET_MIN_OFFSET (31),
 * SEARCH_OFFSET_BY_TIMESTAMP (29), GET_EARLIEST_MSG_STORETIME (32), and a group's stored offset,
 * QUERY_CONSUMER_OFFSET (14).
 *
 * Wire layout: extFields of the RemotingCommand, all values as strings.
 *
 *   GET_MAX_OFFSET / GET_MIN_OFFSET request        topic string, queueId int; GET_MAX_OFFSET also
 *                                                  committed bool (5.x clients, always "true")
 *   SEARCH_OFFSET_BY_TIMESTAMP request             topic string, queueId int, timestamp long (ms),
 *                                                  boundaryType string (5.x: "lower" | "upper"; 4.9 ignores it)
 *   GET_EARLIEST_MSG_STORETIME request             topic string, queueId int
 *   QUERY_CONSUMER_OFFSET request                  consumerGroup string, topic string, queueId int
 *   response header of all five                    offset long (GET_EARLIEST_MSG_STORETIME: timestamp long);
 *                                                  QUERY_CONSUMER_OFFSET answers QUERY_NOT_FOUND (22) when the
 *                                                  group has stored no offset for the queue
 */

export interface QueueRequest { topic: string; queueId: number }

export function encodeQueueHeader(r: QueueRequest): Record<string, string> {
  return { topic: r.topic, queueId: String(r.queueId) };
}

export function encodeSearchOffsetHeader(r: QueueRequest & { timestamp: number; boundary?: 'lower' | 'upper' }): Record<string, string> {
  return { topic: r.topic, queueId: String(r.queueId), timestamp: String(Math.trunc(r.timestamp)), boundaryType: r.boundary ?? 'lower' };
}

export function encodeConsumerOffsetHeader(r: QueueRequest & { consumerGroup: string }): Record<string, string> {
  return { consumerGroup: r.consumerGroup, topic: r.topic, queueId: String(r.queueId) };
}

/** The `offset` (or `timestamp`) field of the answer; undefined when it is missing or not a whole number. */
export function decodeOffsetField(ext: Readonly<Record<string, string>> | null | undefined, field: 'offset' | 'timestamp' = 'offset'): bigint | undefined {
  const v = ext?.[field];
  return v !== undefined && /^-?\d+$/.test(v) ? BigInt(v) : undefined;
}
