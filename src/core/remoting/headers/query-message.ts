/**
 * Looking messages up on a broker: QUERY_MESSAGE (12) by an index key and VIEW_MESSAGE_BY_ID (33) by
 * commit-log offset (docs/protocol.md §5.2).
 *
 * Wire layout: extFields of the RemotingCommand, all values as strings.
 *
 *   QUERY_MESSAGE request (QueryMessageRequestHeader)
 *     topic               string  the topic whose index entries count (index keys are topic#key)
 *     key                 string  a KEYS entry or a UNIQ_KEY
 *     maxNum              int     entries wanted; the broker caps it at maxMsgsNumBatch (64 by default)
 *     beginTimestamp      long    store-time range, ms
 *     endTimestamp        long
 *     _UNIQUE_KEY_QUERY   bool    extra field: "true" makes the broker use its defaultQueryMaxNum; left out
 *                                 when signing (ACL servers disagree on whether it is signed, §6)
 *   QUERY_MESSAGE response (QueryMessageResponseHeader), also on QUERY_NOT_FOUND (22)
 *     indexLastUpdateTimestamp  long  store time of the last message the index has taken in
 *     indexLastUpdatePhyoffset  long  its commit-log offset
 *     body: stored messages back to back (§5.3)
 *
 *   VIEW_MESSAGE_BY_ID request (ViewMessageRequestHeader), to the address inside the offsetMsgId
 *     offset              long    commit-log offset
 *     topic               string  optional (5.x checks it when given)
 *   VIEW_MESSAGE_BY_ID response: no header; body one stored message, or SYSTEM_ERROR (1)
 *     "can not find message by the offset, <n>"
 */

export interface QueryMessageRequest {
  topic: string;
  key: string;
  maxNum: number;
  beginTimestamp: number;
  /** Java's `Long.MAX_VALUE` is written as its decimal text; a number here is written as is. */
  endTimestamp: number | 'max';
  uniqueKeyQuery?: boolean;
}

export const LONG_MAX_TEXT = '9223372036854775807';

export function encodeQueryMessageHeader(r: QueryMessageRequest): Record<string, string> {
  const out: Record<string, string> = {
    topic: r.topic, key: r.key, maxNum: String(r.maxNum),
    beginTimestamp: String(Math.max(0, Math.trunc(r.beginTimestamp))),
    endTimestamp: r.endTimestamp === 'max' ? LONG_MAX_TEXT : String(Math.trunc(r.endTimestamp)),
  };
  if (r.uniqueKeyQuery) out._UNIQUE_KEY_QUERY = 'true';
  return out;
}

export interface QueryMessageResponseHeader {
  /** 0 when the broker sent none (or its index is empty). */
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
}

export function decodeQueryMessageResponseHeader(ext: Readonly<Record<string, string>> | null | undefined): QueryMessageResponseHeader {
  const num = (v: string | undefined) => (v !== undefined && /^-?\d+$/.test(v) ? Number(v) : 0);
  return { indexLastUpdateTimestamp: num(ext?.indexLastUpdateTimestamp), indexLastUpdatePhyoffset: num(ext?.indexLastUpdatePhyoffset) };
}

export function encodeViewMessageHeader(commitLogOffset: bigint, topic?: string): Record<string, string> {
  const out: Record<string, string> = { offset: commitLogOffset.toString() };
  if (topic) out.topic = topic;
  return out;
}

/** The remark a broker gives VIEW_MESSAGE_BY_ID for an offset it holds no message at (4.9 and 5.x). */
export const VIEW_NOT_FOUND_REMARK = /can not find message by the offset/i;
