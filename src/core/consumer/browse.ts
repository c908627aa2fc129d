/**
 * Read-back helpers for tests and tools that want plain lists: a whole topic read once, one message by
 * offsetMsgId, one UNIQ_KEY's messages. Thin wrappers over ./lookup.ts (the typed headers, the
 * not-found vs failed distinction) that throw instead of reporting per broker.
 */
import { RequestCode, ResponseCode, RemotingCommand, isReadable, MASTER_ID } from '../remoting';
import type { PullStatus } from '../remoting/headers/pull-message';
import { decodeOffsetMessageId, MessageExt, StoredMessageError } from '../message';
import { MQClient } from '../producer/client';
import { MQBrokerError } from '../producer/errors';
import { pullPage, queueMaxOffset, queueMinOffset, queryByUniqKey, viewByOffsetId } from './lookup';

export type { PullStatus } from '../remoting/headers/pull-message';

export interface PullResult {
  status: PullStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  suggestWhichBrokerId: number;
  messages: MessageExt[];
  /** Set when the body had bytes that did not decode (messages before it are kept). */
  decodeError?: StoredMessageError;
  response: RemotingCommand;
}


export interface PullRequest {
  topic: string;
  queueId: number;
  offset: number;
  maxNums?: number;
  /** Consumer group named in the request; brokers auto-create it by default. */
  group?: string;
  /** Subscription expression (TAG), default `*`. */
  subscription?: string;
  timeoutMs?: number;
}

/** PULL_MESSAGE with sysFlag SUBSCRIPTION (0x4), no SUSPEND, no COMMIT_OFFSET: reads without side effects. */
export async function pullOnce(client: MQClient, brokerAddr: string, r: PullRequest): Promise<PullResult> {
  const p = await pullPage(client, { brokerName: '', address: brokerAddr }, { topic: r.topic, queueId: r.queueId, offset: r.offset, maxNums: r.maxNums ?? 32, group: r.group, subscription: r.subscription, timeoutMs: r.timeoutMs });
  return { ...p, messages: p.messages.map(({ brokerName: _b, brokerAddr: _a, ...m }) => m) };
}

/** Exclusive max offset (the offset the next message will get). */
export const getMaxOffset = (c: MQClient, addr: string, topic: string, queueId: number, timeoutMs = 3000) =>
  queueMaxOffset(c, { brokerName: '', address: addr }, topic, queueId, timeoutMs);
export const getMinOffset = (c: MQClient, addr: string, topic: string, queueId: number, timeoutMs = 3000) =>
  queueMinOffset(c, { brokerName: '', address: addr }, topic, queueId, timeoutMs);

export interface QueueRef { brokerName: string; brokerAddr: string; queueId: number }

/** Readable queues of a topic (master addresses). */
export async function readableQueues(client: MQClient, topic: string): Promise<QueueRef[]> {
  const route = await client.getTopicRoute(topic);
  const out: QueueRef[] = [];
  for (const qd of [...route.queueDatas].sort((a, b) => a.brokerName.localeCompare(b.brokerName))) {
    if (!isReadable(qd.perm)) continue;
    const addr = route.brokerDatas.find((b) => b.brokerName === qd.brokerName)?.brokerAddrs.get(MASTER_ID);
    if (!addr) continue;
    for (let i = 0; i < qd.readQueueNums; i++) out.push({ brokerName: qd.brokerName, brokerAddr: addr, queueId: i });
  }
  return out;
}

export interface BrowsedMessage extends MessageExt { brokerName: string }

/** Reads every retained message of every readable queue of a topic (from min to max offset). */
export async function browseTopic(client: MQClient, topic: string, opts: { group?: string; maxPerQueue?: number } = {}): Promise<BrowsedMessage[]> {
  const out: BrowsedMessage[] = [];
  for (const q of await readableQueues(client, topic)) {
    const min = await getMinOffset(client, q.brokerAddr, topic, q.queueId);
    const max = await getMaxOffset(client, q.brokerAddr, topic, q.queueId);
    let off = min;
    const limit = opts.maxPerQueue ?? Infinity;
    let n = 0;
    while (off < max && n < limit) {
      const r = await pullOnce(client, q.brokerAddr, { topic, queueId: q.queueId, offset: off, group: opts.group });
      if (r.status !== 'FOUND' || r.messages.length === 0) break;
      for (const m of r.messages) { out.push({ ...m, brokerName: q.brokerName }); n++; }
      if (r.nextBeginOffset <= off) break;
      off = r.nextBeginOffset;
    }
  }
  return out;
}

/** VIEW_MESSAGE_BY_ID at the broker the offsetMsgId names; a message that is not there is an MQBrokerError. */
export async function viewMessageById(client: MQClient, offsetMsgId: string, opts: { topic?: string; timeoutMs?: number } = {}): Promise<MessageExt> {
  const m = await viewByOffsetId(client, offsetMsgId, opts);
  if (!m) throw new MQBrokerError(ResponseCode.SYSTEM_ERROR, `no message at commit-log offset ${decodeOffsetMessageId(offsetMsgId).commitLogOffset}`, decodeOffsetMessageId(offsetMsgId).address, undefined, RequestCode.VIEW_MESSAGE_BY_ID);
  return m;
}

/** QUERY_MESSAGE by UNIQ_KEY on every master of the topic, exact matches only; the first broker failure is thrown. */
export async function queryMessageByUniqKey(client: MQClient, topic: string, uniqKey: string, opts: { timeoutMs?: number; beginTimestamp?: number } = {}): Promise<MessageExt[]> {
  const r = await queryByUniqKey(client, { topic, key: uniqKey, beginTimestamp: opts.beginTimestamp ?? Date.now() - 3 * 24 * 3600 * 1000, timeoutMs: opts.timeoutMs, cap: 32 });
  if (r.failures.length) throw r.failures[0].error;
  return r.messages;
}
