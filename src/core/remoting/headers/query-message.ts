/**
 * Looking messages up on a broker (docs/protocol.md §5.2).
 *
 * QUERY_MESSAGE (12), client → every broker master of the topic. QueryMessageRequestHeader:
 *
 *   key                type     required  meaning
 *   topic              string   yes       index entries are topic#key
 *   key                string   yes       a KEYS entry or a UNIQ_KEY
 *   maxNum             int      yes       entries wanted; capped by the broker's maxMsgsNumBatch (64)
 *   beginTimestamp     long     yes       store-time range, ms
 *   endTimestamp       long     yes
 *   _UNIQUE_KEY_QUERY  bool               not a field of the Java class: an extra extField
 *                                         (MixAll.UNIQUE_MSG_QUERY_FLAG); "true" makes the broker use its
 *                                         defaultQueryMaxNum. Left out when signing: ACL servers disagree on
 *                                         whether it is part of the signature (§6)
 *
 * Answer header (QueryMessageResponseHeader), on SUCCESS; QUERY_NOT_FOUND (22) carries it as 0s:
 *
 *   indexLastUpdateTimestamp  long  yes   store time of the last message the index took in
 *   indexLastUpdatePhyoffset  long  yes   its commit-log offset
 *   body: stored messages back to back (§5.3), sent as a file region after the header
 *
 * VIEW_MESSAGE_BY_ID (33), client → the broker address inside the offsetMsgId. ViewMessageRequestHeader:
 *
 *   offset             long     yes       commit-log offset
 *   topic              string             5.x checks it when given
 *
 * Answer: no header; body one stored message, or SYSTEM_ERROR (1) "can not find message by the offset, <n>".
 */
import { RequestCode } from '../codes';
import type { HeaderSpec } from './header-spec';

export const QUERY_MESSAGE_HEADER: HeaderSpec = {
  javaClass: 'QueryMessageRequestHeader',
  fields: [
    { key: 'topic', type: 'string', required: true },
    { key: 'key', type: 'string', required: true },
    { key: 'maxNum', type: 'int', required: true },
    { key: 'beginTimestamp', type: 'long', required: true },
    { key: 'endTimestamp', type: 'long', required: true },
    { key: '_UNIQUE_KEY_QUERY', type: 'bool', name: 'uniqueKeyQuery' },
  ],
};

export const QUERY_MESSAGE_RESPONSE_HEADER: HeaderSpec = {
  javaClass: 'QueryMessageResponseHeader',
  fields: [
    { key: 'indexLastUpdateTimestamp', type: 'long', required: true },
    { key: 'indexLastUpdatePhyoffset', type: 'long', required: true },
  ],
};

export const VIEW_MESSAGE_HEADER: HeaderSpec = {
  javaClass: 'ViewMessageRequestHeader',
  fields: [
    { key: 'offset', type: 'long', required: true },
    { key: 'topic', type: 'string' },
  ],
};

/** Java's Long.MAX_VALUE, the "no end" of a range. */
export const LONG_MAX = 9223372036854775807n;

/** The remark a broker gives VIEW_MESSAGE_BY_ID for an offset it holds no message at (4.9 and 5.x). */
export const VIEW_NOT_FOUND_REMARK = /can not find message by the offset/i;

export const QUERY_REQUEST_HEADERS: ReadonlyMap<number, HeaderSpec> = new Map([
  [RequestCode.QUERY_MESSAGE, QUERY_MESSAGE_HEADER],
  [RequestCode.VIEW_MESSAGE_BY_ID, VIEW_MESSAGE_HEADER],
]);

export const QUERY_RESPONSE_HEADERS: ReadonlyMap<number, HeaderSpec> = new Map([
  [RequestCode.QUERY_MESSAGE, QUERY_MESSAGE_RESPONSE_HEADER],
]);
