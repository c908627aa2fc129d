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

export const OFFSET_REQUEST_HEADERS: ReadonlyMap<number, HeaderSpec> = new Map([
  [RequestCode.GET_MAX_OFFSET, GET_MAX_OFFSET_HEADER],
  [RequestCode.GET_MIN_OFFSET, GET_MIN_OFFSET_HEADER],
]);

/** Response headers, by the request code they answer. */
export const OFFSET_RESPONSE_HEADERS: ReadonlyMap<number, HeaderSpec> = new Map([
  [RequestCode.GET_MAX_OFFSET, { ...OFFSET_RESPONSE_HEADER }],
  [RequestCode.GET_MIN_OFFSET, { ...OFFSET_RESPONSE_HEADER, javaClass: 'GetMinOffsetResponseHeader' }],
]);
