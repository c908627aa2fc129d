/**
 * PULL_MESSAGE (11): reading a queue (docs/protocol.md §5.3). Used here for one-shot browsing that
 * commits nothing: sysFlag SUBSCRIPTION only (no COMMIT_OFFSET, no SUSPEND), commitOffset 0.
 *
 * Wire layout: extFields of the RemotingCommand, all values as strings (Java's write order).
 *
 *   request (PullMessageRequestHeader)
 *     consumerGroup         string  group named in the request (brokers auto-create it by default)
 *     topic                 string
 *     queueId               int
 *     queueOffset           long    first offset to read
 *     maxMsgNums            int     messages wanted (the broker also caps by bytes)
 *     sysFlag               int     PullSysFlag: 0x1 COMMIT_OFFSET, 0x2 SUSPEND, 0x4 SUBSCRIPTION, 0x8 CLASS_FILTER, 0x10 LITE_PULL
 *     commitOffset          long    consumer offset to store when COMMIT_OFFSET is set
 *     suspendTimeoutMillis  long    long-poll hold time (0: answer at once)
 *     subscription          string  tag expression, `*` for all
 *     subVersion            long
 *     expressionType        string  TAG or SQL92
 *   response (PullMessageResponseHeader); codes 0 FOUND, 19 NO_NEW_MSG, 20 NO_MATCHED_MSG, 21 OFFSET_ILLEGAL
 *     suggestWhichBrokerId  long
 *     nextBeginOffset       long
 *     minOffset             long
 *     maxOffset             long    exclusive
 *     body: stored messages back to back
 */
import { ResponseCode } from '../codes';

export const PullSysFlag = { COMMIT_OFFSET: 0x1, SUSPEND: 0x2, SUBSCRIPTION: 0x4, CLASS_FILTER: 0x8, LITE_PULL: 0x10 } as const;

export interface PullMessageRequest {
  consumerGroup: string;
  topic: string;
  queueId: number;
  queueOffset: number;
  maxMsgNums: number;
  subscription?: string;
}

/** A browse pull: SUBSCRIPTION carried in the request, nothing committed, no long poll. */
export function encodeBrowsePullHeader(r: PullMessageRequest): Record<string, string> {
  return {
    consumerGroup: r.consumerGroup,
    topic: r.topic,
    queueId: String(r.queueId),
    queueOffset: String(r.queueOffset),
    maxMsgNums: String(r.maxMsgNums),
    sysFlag: String(PullSysFlag.SUBSCRIPTION),
    commitOffset: '0',
    suspendTimeoutMillis: '0',
    subscription: r.subscription ?? '*',
    subVersion: '0',
    expressionType: 'TAG',
  };
}

export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'NO_MATCHED_MSG' | 'OFFSET_ILLEGAL';

export const PULL_STATUS_BY_CODE: Readonly<Record<number, PullStatus>> = {
  [ResponseCode.SUCCESS]: 'FOUND',
  [ResponseCode.PULL_NOT_FOUND]: 'NO_NEW_MSG',
  [ResponseCode.PULL_RETRY_IMMEDIATELY]: 'NO_MATCHED_MSG',
  [ResponseCode.PULL_OFFSET_MOVED]: 'OFFSET_ILLEGAL',
};

export interface PullMessageResponseHeader {
  suggestWhichBrokerId: number;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
}

export function decodePullResponseHeader(ext: Readonly<Record<string, string>> | null | undefined, requestedOffset: number): PullMessageResponseHeader {
  const num = (v: string | undefined, d: number) => (v !== undefined && /^-?\d+$/.test(v) ? Number(v) : d);
  return {
    suggestWhichBrokerId: num(ext?.suggestWhichBrokerId, 0),
    nextBeginOffset: num(ext?.nextBeginOffset, requestedOffset),
    minOffset: num(ext?.minOffset, 0),
    maxOffset: num(ext?.maxOffset, 0),
  };
}
