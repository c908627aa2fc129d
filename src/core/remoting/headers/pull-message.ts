/**
 * Reading a queue (docs/protocol.md §5.3). Used here for one-shot browsing that commits nothing:
 * sysFlag SUBSCRIPTION only (no COMMIT_OFFSET, no SUSPEND), commitOffset 0.
 *
 * PULL_MESSAGE (11), client → broker. PullMessageRequestHeader (Java's write order):
 *
 *   key                   type     required  meaning
 *   consumerGroup         string   yes       group named in the request (brokers auto-create it by default)
 *   topic                 string   yes
 *   queueId               int      yes
 *   queueOffset           long     yes       first offset to read
 *   maxMsgNums            int      yes       messages wanted (the broker also caps by bytes)
 *   sysFlag               int      yes       PullSysFlag: 0x1 COMMIT_OFFSET, 0x2 SUSPEND, 0x4 SUBSCRIPTION,
 *                                            0x8 CLASS_FILTER, 0x10 LITE_PULL
 *   commitOffset          long     yes       consumer offset to store when COMMIT_OFFSET is set
 *   suspendTimeoutMillis  long     yes       long-poll hold time (0: answer at once)
 *   subscription          string             tag expression, `*` for all
 *   subVersion            long     yes
 *   expressionType        string             TAG or SQL92
 *   maxMsgBytes           int                5.x
 *   bname                 string             5.x: broker name
 *
 * Answer header (PullMessageResponseHeader); codes 0 FOUND, 19 NO_NEW_MSG, 20 NO_MATCHED_MSG, 21 OFFSET_ILLEGAL:
 *
 *   suggestWhichBrokerId  long     yes
 *   nextBeginOffset       long     yes
 *   minOffset             long     yes
 *   maxOffset             long     yes       exclusive
 *   body: stored messages back to back
 */
import { RequestCode, ResponseCode } from '../codes';
import type { HeaderSpec } from './header-spec';

export const PullSysFlag = { COMMIT_OFFSET: 0x1, SUSPEND: 0x2, SUBSCRIPTION: 0x4, CLASS_FILTER: 0x8, LITE_PULL: 0x10 } as const;

export const PULL_MESSAGE_HEADER: HeaderSpec = {
  javaClass: 'PullMessageRequestHeader',
  fields: [
    { key: 'consumerGroup', type: 'string', required: true },
    { key: 'topic', type: 'string', required: true },
    { key: 'queueId', type: 'int', required: true },
    { key: 'queueOffset', type: 'long', required: true },
    { key: 'maxMsgNums', type: 'int', required: true },
    { key: 'sysFlag', type: 'int', required: true },
    { key: 'commitOffset', type: 'long', required: true },
    { key: 'suspendTimeoutMillis', type: 'long', required: true },
    { key: 'subscription', type: 'string' },
    { key: 'subVersion', type: 'long', required: true },
    { key: 'expressionType', type: 'string' },
    { key: 'maxMsgBytes', type: 'int' },
    { key: 'bname', type: 'string', name: 'brokerName' },
  ],
};

export const PULL_MESSAGE_RESPONSE_HEADER: HeaderSpec = {
  javaClass: 'PullMessageResponseHeader',
  fields: [
    { key: 'suggestWhichBrokerId', type: 'long', required: true },
    { key: 'nextBeginOffset', type: 'long', required: true },
    { key: 'minOffset', type: 'long', required: true },
    { key: 'maxOffset', type: 'long', required: true },
  ],
};

export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'NO_MATCHED_MSG' | 'OFFSET_ILLEGAL';

export const PULL_STATUS_BY_CODE: Readonly<Record<number, PullStatus>> = {
  [ResponseCode.SUCCESS]: 'FOUND',
  [ResponseCode.PULL_NOT_FOUND]: 'NO_NEW_MSG',
  [ResponseCode.PULL_RETRY_IMMEDIATELY]: 'NO_MATCHED_MSG',
  [ResponseCode.PULL_OFFSET_MOVED]: 'OFFSET_ILLEGAL',
};

export const PULL_REQUEST_HEADERS: ReadonlyMap<number, HeaderSpec> = new Map([
  [RequestCode.PULL_MESSAGE, PULL_MESSAGE_HEADER],
  [RequestCode.LITE_PULL_MESSAGE, { ...PULL_MESSAGE_HEADER }],
]);

export const PULL_RESPONSE_HEADERS: ReadonlyMap<number, HeaderSpec> = new Map([
  [RequestCode.PULL_MESSAGE, PULL_MESSAGE_RESPONSE_HEADER],
  [RequestCode.LITE_PULL_MESSAGE, { ...PULL_MESSAGE_RESPONSE_HEADER }],
]);
