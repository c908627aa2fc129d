/**
 * Read-back helpers: one-shot "browse" pulls (docs/protocol.md §5.3), offsets (§5.1) and
 * VIEW_MESSAGE_BY_ID / QUERY_MESSAGE (§5.2). No consumer group state, no long polling.
 */
import { RequestCode, ResponseCode, RemotingCommand, isReadable, MASTER_ID } from '../remoting';
import { decodeStoredMessages, decodeOffsetMessageId, MessageExt, StoredMessageError } from '../message';
import { MQClient } from '../producer/client';
import { MQBrokerError, MQClientError } from '../producer/errors';

export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'NO_MATCHED_MSG' | 'OFFSET_ILLEGAL';

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

const PULL_STATUS: Record<number, PullStatus> = {
  [ResponseCode.SUCCESS]: 'FOUND',
  [ResponseCode.PULL_NOT_FOUND]: 'NO_NEW_MSG',
  [ResponseCode.PULL_RETRY_IMMEDIATELY]: 'NO_MATCHED_MSG',
  [ResponseCode.PULL_OFFSET_MOVED]: 'OFFSET_ILLEGAL',
};

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
  const cmd = client.request(RequestCode.PULL_MESSAGE, {
    consumerGroup: r.group ?? 'rocketmq_debugger_browse',
    topic: r.topic,
    queueId: r.queueId,
    queueOffset: r.offset,
    maxMsgNums: r.maxNums ?? 32,
    sysFlag: 0x4,
    commitOffset: 0,
    suspendTimeoutMillis: 0,
    subscription: r.subscription ?? '*',
    subVersion: 0,
    expressionType: 'TAG',
  });
  const resp = await client.invoke(brokerAddr, cmd, r.timeoutMs ?? 5000);
  const status = PULL_STATUS[resp.code];
  if (!status) throw new MQBrokerError(resp.code, resp.remark, brokerAddr, undefined, RequestCode.PULL_MESSAGE);
  const x = resp.extFields ?? {};
  const decoded = status === 'FOUND' && resp.body ? decodeStoredMessages(resp.body) : { messages: [] as MessageExt[], error: undefined };
  return {
    status,
    nextBeginOffset: Number(x.nextBeginOffset ?? r.offset),
    minOffset: Number(x.minOffset ?? 0),
    maxOffset: Number(x.maxOffset ?? 0),
    suggestWhichBrokerId: Number(x.suggestWhichBrokerId ?? 0),
    messages: decoded.messages,
    decodeError: decoded.error,
    response: resp,
  };
}

async function offsetCall(client: MQClient, code: number, addr: string, topic: string, queueId: number, timeoutMs: number): Promise<number> {
  const ext: Record<string, string | number | boolean> = { topic, queueId };
  if (code === RequestCode.GET_MAX_OFFSET && client.opts.clientVersion >= 413) ext.committed = true;
  const resp = await client.invoke(addr, client.request(code, ext), timeoutMs);
  if (resp.code !== ResponseCode.SUCCESS) throw new MQBrokerError(resp.code, resp.remark, addr, undefined, code);
  return Number(resp.extFields?.offset ?? 0);
}

/** Exclusive max offset (the offset the next message will get). */
export const getMaxOffset = (c: MQClient, addr: string, topic: string, queueId: number, timeoutMs = 3000) =>
  offsetCall(c, RequestCode.GET_MAX_OFFSET, addr, topic, queueId, timeoutMs);
export const getMinOffset = (c: MQClient, addr: string, topic: string, queueId: number, timeoutMs = 3000) =>
  offsetCall(c, RequestCode.GET_MIN_OFFSET, addr, topic, queueId, timeoutMs);

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

/** VIEW_MESSAGE_BY_ID: decodes the offsetMsgId and asks the broker at the encoded address. */
export async function viewMessageById(client: MQClient, offsetMsgId: string, opts: { topic?: string; timeoutMs?: number } = {}): Promise<MessageExt> {
  const id = decodeOffsetMessageId(offsetMsgId);
  const ext: Record<string, string> = { offset: id.commitLogOffset.toString() };
  if (opts.topic) ext.topic = opts.topic;
  const resp = await client.invoke(id.address, client.request(RequestCode.VIEW_MESSAGE_BY_ID, ext), opts.timeoutMs ?? 5000);
  if (resp.code !== ResponseCode.SUCCESS) throw new MQBrokerError(resp.code, resp.remark, id.address, undefined, RequestCode.VIEW_MESSAGE_BY_ID);
  const { messages, error } = decodeStoredMessages(resp.body ?? new Uint8Array());
  if (!messages[0]) throw new MQClientError('REQUEST_FAILED', `VIEW_MESSAGE_BY_ID answered without a decodable message${error ? `: ${error.message}` : ''}`);
  return messages[0];
}

/**
 * QUERY_MESSAGE by UNIQ_KEY on every master of the topic, keeping exact matches (what
 * `queryMsgByUniqueKey` does). `_UNIQUE_KEY_QUERY` is only sent when not signing (ACL quirk, §6).
 */
export async function queryMessageByUniqKey(client: MQClient, topic: string, uniqKey: string, opts: { timeoutMs?: number; beginTimestamp?: number } = {}): Promise<MessageExt[]> {
  const route = await client.getTopicRoute(topic);
  const found: MessageExt[] = [];
  for (const bd of route.brokerDatas) {
    const addr = bd.brokerAddrs.get(MASTER_ID);
    if (!addr) continue;
    const ext: Record<string, string | number> = {
      topic, key: uniqKey, maxNum: 32, beginTimestamp: opts.beginTimestamp ?? Date.now() - 3 * 24 * 3600 * 1000, endTimestamp: '9223372036854775807',
    };
    if (!client.opts.acl) ext._UNIQUE_KEY_QUERY = 'true';
    const resp = await client.invoke(addr, client.request(RequestCode.QUERY_MESSAGE, ext), opts.timeoutMs ?? 5000);
    if (resp.code === ResponseCode.QUERY_NOT_FOUND) continue;
    if (resp.code !== ResponseCode.SUCCESS) throw new MQBrokerError(resp.code, resp.remark, addr, bd.brokerName, RequestCode.QUERY_MESSAGE);
    for (const m of decodeStoredMessages(resp.body ?? new Uint8Array()).messages) if (m.msgId === uniqKey && m.topic === topic) found.push(m);
  }
  return found;
}
