/**
 * Finding messages on the brokers: by message id (UNIQ_KEY within a topic, or offsetMsgId), by key, by
 * store-time range, and reading a queue from an offset or a time without committing anything
 * (docs/protocol.md §5.1–§5.3). Every broker that has the topic is asked; what each one answered is
 * kept, so a caller can tell "not found" (every broker answered, none had it) from "failed" (a broker
 * could not be asked) and say which broker did what.
 */
import { MASTER_ID, RequestCode, ResponseCode, TopicRouteData, isReadable, parseBodyJson, isJsonObject } from '../remoting';
import {
  encodeHeader, HeaderSpec, QUERY_MESSAGE_HEADER, VIEW_MESSAGE_HEADER, VIEW_NOT_FOUND_REMARK, LONG_MAX, PULL_MESSAGE_HEADER, PullSysFlag,
  PULL_STATUS_BY_CODE, PullStatus, GET_MAX_OFFSET_HEADER, GET_MIN_OFFSET_HEADER, SEARCH_OFFSET_HEADER, QUERY_CONSUMER_OFFSET_HEADER,
} from '../remoting/headers';
import {
  MessageExt, MessageIdError, OffsetMessageId, UniqKeyParts, decodeOffsetMessageId, decodeStoredMessages, decodeUniqKey,
  uniqKeyNearlyTime, KEY_SEPARATOR,
} from '../message';
import { MQClient } from '../producer/client';
import { MQBrokerError, MQClientError } from '../producer/errors';
import { ResponseCodeError } from '../errors';

/** A message and the broker it was read from. */
export interface FoundMessage extends MessageExt {
  brokerName: string;
  /** The address that answered (for VIEW_MESSAGE_BY_ID: the one inside the offsetMsgId). */
  brokerAddr: string;
}

export interface BrokerRef { brokerName: string; address: string }

/** One broker that could not be asked or answered with a failure code. */
export interface BrokerFailure extends BrokerRef { error: unknown }

/** A whole-number field of an answer's header; `fallback` when missing or not a number. */
function longField(ext: Readonly<Record<string, string>> | null | undefined, key: string, fallback = 0): number {
  const v = ext?.[key];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : fallback;
}

/** What one broker's index said with its answer (QUERY_MESSAGE). */
export interface BrokerIndexState extends BrokerRef {
  /** QueryMessageResponseHeader: store time and commit-log offset of the last message indexed (0s on QUERY_NOT_FOUND). */
  indexLastUpdateTimestamp: number;
  indexLastUpdatePhyoffset: number;
  /** Entries it returned (before our exact-match filter). */
  returned: number;
  /**
   * For a broker that found nothing: commit-log bytes it has stored but not yet dispatched to its
   * consume queues and index (GET_BROKER_RUNTIME_INFO `dispatchBehindBytes`); > 0 means the index is
   * still being built. Undefined when the broker did not say. (QUERY_NOT_FOUND's own header carries 0s.)
   */
  dispatchBehindBytes?: number;
}

export interface LookupResult {
  messages: FoundMessage[];
  /** Brokers asked (masters of the topic's route, or the one address of an offsetMsgId). */
  asked: BrokerRef[];
  failures: BrokerFailure[];
  /** The most messages kept; `capped` when more were there. */
  cap: number;
  capped: boolean;
  /** QUERY_MESSAGE lookups: each broker's index state (for "index not built yet" wording). */
  index?: BrokerIndexState[];
  /** Time-range lookups: messages in the range by queue offsets (before the cap; an upper bound). */
  inRangeEstimate?: number;
}

// ------------------------------------------------------------------------------------------- ids

export type MessageIdKind = 'uniq' | 'offset';

export interface ClassifiedMessageId {
  id: string;
  kind: MessageIdKind;
  /** Why this kind was chosen, in words. */
  reason: string;
  uniq?: UniqKeyParts & { nearlyTime: number };
  offset?: OffsetMessageId;
}

/**
 * Which kind a 32- or 56-hex-digit id is. Both layouts have the same lengths, so the bytes decide:
 * an offsetMsgId has the store port as a 32-bit int after the IP, which is 1..65535; in a UNIQ_KEY those
 * bytes are the producer's pid (16 bits) and the top of a hash, which reads as a port only when the pid is 0.
 */
export function classifyMessageId(input: string, now = Date.now()): ClassifiedMessageId {
  const id = input.trim().toUpperCase();
  if (!/^[0-9A-F]+$/.test(id)) throw new MessageIdError(`a message id is hexadecimal (32 or 56 digits); ${JSON.stringify(input)} is not`);
  if (id.length !== 32 && id.length !== 56) throw new MessageIdError(`a message id has 32 (IPv4) or 56 (IPv6) hex digits; this one has ${id.length}`);
  const offset = decodeOffsetMessageId(id);
  const uniq = decodeUniqKey(id);
  const withTime = { ...uniq, nearlyTime: uniqKeyNearlyTime(id, now) };
  if (offset.port >= 1 && offset.port <= 65535) {
    return { id, kind: 'offset', offset, uniq: withTime, reason: `bytes ${offset.ipv6 ? '16–19' : '4–7'} read as port ${offset.port}: an offsetMsgId (broker ${offset.address}, commit-log offset ${offset.commitLogOffset})` };
  }
  return { id, kind: 'uniq', uniq: withTime, reason: `bytes ${uniq.ipv6 ? '16–19' : '4–7'} are no port (pid ${uniq.pid}): a UNIQ_KEY made by a producer at ${uniq.ip}` };
}

// ------------------------------------------------------------------------------------------- routes

/** The masters of a topic's route (the brokers a lookup asks), sorted by broker name. */
export function routeMasters(route: TopicRouteData, readableOnly = false): BrokerRef[] {
  const names = new Set(route.queueDatas.filter((q) => !readableOnly || isReadable(q.perm)).map((q) => q.brokerName));
  return route.brokerDatas
    .filter((b) => names.has(b.brokerName) || (!readableOnly && route.queueDatas.length === 0))
    .map((b) => ({ brokerName: b.brokerName, address: b.brokerAddrs.get(MASTER_ID) ?? '' }))
    .filter((b) => b.address)
    .sort((a, b) => a.brokerName.localeCompare(b.brokerName));
}

async function pool<T, R>(items: readonly T[], width: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) { const i = next++; out[i] = await f(items[i]); }
  }));
  return out;
}

// ------------------------------------------------------------------------------------------- VIEW_MESSAGE_BY_ID

export interface LookupOptions { timeoutMs?: number }

/**
 * VIEW_MESSAGE_BY_ID to the broker inside the offsetMsgId. Null when the broker holds no message at
 * that offset (it answers SYSTEM_ERROR "can not find message by the offset"); other failures throw.
 */
export async function viewByOffsetId(client: MQClient, offsetMsgId: string, opts: LookupOptions & { topic?: string; brokerName?: string } = {}): Promise<FoundMessage | null> {
  const id = decodeOffsetMessageId(offsetMsgId.trim().toUpperCase());
  const req = client.request(RequestCode.VIEW_MESSAGE_BY_ID, encodeHeader(VIEW_MESSAGE_HEADER, { offset: id.commitLogOffset, topic: opts.topic }));
  const resp = await client.invoke(id.address, req, opts.timeoutMs ?? 5000);
  if (resp.code === ResponseCode.SYSTEM_ERROR && VIEW_NOT_FOUND_REMARK.test(resp.remark ?? '')) return null;
  if (resp.code !== ResponseCode.SUCCESS) throw new MQBrokerError(resp.code, resp.remark, id.address, opts.brokerName, RequestCode.VIEW_MESSAGE_BY_ID);
  const { messages, error } = decodeStoredMessages(resp.body ?? new Uint8Array());
  const m = messages[0];
  if (!m) throw new MQClientError('REQUEST_FAILED', `broker ${id.address} answered VIEW_MESSAGE_BY_ID with SUCCESS but no decodable message${error ? `: ${error.message}` : ''}`);
  // An offset that falls inside another record is not the message asked for: the broker reads whatever is there.
  if (BigInt(m.commitLogOffset) !== id.commitLogOffset) return null;
  return { ...m, brokerName: opts.brokerName ?? '', brokerAddr: id.address };
}

// ------------------------------------------------------------------------------------------- QUERY_MESSAGE

export interface IndexQuery extends LookupOptions {
  topic: string;
  key: string;
  /** Store-time range, ms; default: from 0 to no end. */
  beginTimestamp?: number;
  endTimestamp?: number;
  /** The most messages kept over all brokers (default 64; a broker returns at most its maxMsgsNumBatch, 64 by default). */
  cap?: number;
}

/** QUERY_MESSAGE to every master of the topic; `keep` chooses the exact matches (the index hashes keys). */
async function queryIndex(client: MQClient, q: IndexQuery, uniq: boolean, keep: (m: MessageExt) => boolean): Promise<LookupResult> {
  const cap = Math.max(1, q.cap ?? 64);
  const route = await client.getTopicRoute(q.topic);
  const asked = routeMasters(route);
  const failures: BrokerFailure[] = [];
  const index: BrokerIndexState[] = [];
  const found: FoundMessage[] = [];
  await pool(asked, 4, async (b) => {
    const header = encodeHeader(QUERY_MESSAGE_HEADER, {
      topic: q.topic, key: q.key, maxNum: Math.min(cap, 64),
      beginTimestamp: Math.max(0, Math.trunc(q.beginTimestamp ?? 0)), endTimestamp: q.endTimestamp === undefined ? LONG_MAX : Math.trunc(q.endTimestamp),
      // left out when signing: ACL servers disagree on whether this field is part of the signature (§6)
      _UNIQUE_KEY_QUERY: uniq && !client.opts.acl ? true : undefined,
    });
    try {
      const resp = await client.invoke(b.address, client.request(RequestCode.QUERY_MESSAGE, header), q.timeoutMs ?? 5000);
      const state = { indexLastUpdateTimestamp: longField(resp.extFields, 'indexLastUpdateTimestamp'), indexLastUpdatePhyoffset: longField(resp.extFields, 'indexLastUpdatePhyoffset') };
      if (resp.code === ResponseCode.QUERY_NOT_FOUND) { index.push({ ...b, ...state, returned: 0 }); return; }
      if (resp.code !== ResponseCode.SUCCESS) throw new MQBrokerError(resp.code, resp.remark, b.address, b.brokerName, RequestCode.QUERY_MESSAGE);
      const { messages } = decodeStoredMessages(resp.body ?? new Uint8Array());
      index.push({ ...b, ...state, returned: messages.length });
      for (const m of messages) if (m.topic === q.topic && keep(m)) found.push({ ...m, brokerName: b.brokerName, brokerAddr: b.address });
    } catch (e) {
      failures.push({ ...b, error: e });
    }
  });
  if (found.length === 0) {
    await Promise.all(index.filter((i) => i.returned === 0).map(async (i) => { i.dispatchBehindBytes = await dispatchBehindBytes(client, i, q.timeoutMs); }));
  }
  // One message can come back twice (a UNIQ_KEY and a KEYS entry, or a retried send): one per offsetMsgId.
  const seen = new Set<string>();
  const unique = found.filter((m) => (seen.has(m.offsetMsgId) ? false : (seen.add(m.offsetMsgId), true)))
    .sort((a, b) => a.storeTimestamp - b.storeTimestamp || a.brokerName.localeCompare(b.brokerName) || a.queueOffset - b.queueOffset);
  index.sort((a, b) => a.brokerName.localeCompare(b.brokerName));
  failures.sort((a, b) => a.brokerName.localeCompare(b.brokerName));
  return { messages: unique.slice(0, cap), asked, failures, cap, capped: unique.length > cap || index.some((i) => i.returned >= Math.min(cap, 64)), index };
}

/**
 * By UNIQ_KEY within its topic (what `mqadmin queryMsgByUniqueKey` does): the index is asked for the
 * key and only messages whose UNIQ_KEY equals it are kept. The range starts 2 days before the time
 * the id encodes (its month-relative clock is the producer's local time) unless one is given.
 */
export function queryByUniqKey(client: MQClient, q: IndexQuery): Promise<LookupResult> {
  const id = q.key.trim().toUpperCase();
  let begin = q.beginTimestamp;
  if (begin === undefined) {
    try { begin = Math.max(0, uniqKeyNearlyTime(id) - 2 * 24 * 3600_000); } catch { begin = 0; }
  }
  return queryIndex(client, { ...q, key: id, beginTimestamp: begin }, true, (m) => m.msgId === id);
}

/** By a KEYS entry (what `mqadmin queryMsgByKey` does): messages whose space-separated KEYS contain it. */
export function queryByKey(client: MQClient, q: IndexQuery): Promise<LookupResult> {
  return queryIndex(client, q, false, (m) => (m.keys ?? '').split(KEY_SEPARATOR).includes(q.key));
}

export interface IdLookup extends LookupOptions {
  /** Needed for a UNIQ_KEY; optional for an offsetMsgId (5.x checks it). */
  topic?: string;
  beginTimestamp?: number;
  endTimestamp?: number;
}

export interface IdLookupResult extends LookupResult { id: ClassifiedMessageId }

/**
 * By message id, either kind. An offsetMsgId is read from the broker it names; when that finds nothing
 * and a topic is given, the id is also tried as a UNIQ_KEY (as Java's admin `viewMessage(topic, id)` does).
 */
export async function findById(client: MQClient, rawId: string, q: IdLookup = {}): Promise<IdLookupResult> {
  const id = classifyMessageId(rawId);
  if (id.kind === 'offset' && id.offset) {
    const ref = { brokerName: await brokerNameOf(client, id.offset.address, q.topic), address: id.offset.address };
    let viewed: FoundMessage | null = null;
    let failure: BrokerFailure | undefined;
    try {
      viewed = await viewByOffsetId(client, id.id, { topic: q.topic, brokerName: ref.brokerName, timeoutMs: q.timeoutMs });
    } catch (e) {
      failure = { ...ref, error: e };
    }
    if (viewed || !q.topic) return { id, messages: viewed ? [viewed] : [], asked: [ref], failures: failure ? [failure] : [], cap: 1, capped: false };
    const asUniq = await queryByUniqKey(client, { topic: q.topic, key: id.id, beginTimestamp: q.beginTimestamp ?? 0, endTimestamp: q.endTimestamp, cap: 1, timeoutMs: q.timeoutMs });
    if (asUniq.messages.length) return { ...asUniq, id: { ...id, kind: 'uniq', reason: `${id.reason}; no message there, but it is the UNIQ_KEY of one in ${q.topic}` } };
    return { id, messages: [], asked: [ref, ...asUniq.asked], failures: [...(failure ? [failure] : []), ...asUniq.failures], cap: 1, capped: false, index: asUniq.index };
  }
  if (!q.topic) throw new MQClientError('CONFIG_INVALID', `${id.id} is a UNIQ_KEY (the msgId a send returns); RocketMQ indexes it per topic, so the topic is needed to look it up`);
  const r = await queryByUniqKey(client, { topic: q.topic, key: id.id, beginTimestamp: q.beginTimestamp, endTimestamp: q.endTimestamp, cap: 32, timeoutMs: q.timeoutMs });
  return { ...r, id };
}

/** The broker name for an address: from the topic's route when given, else from the cluster table; '' when unknown. */
async function brokerNameOf(client: MQClient, address: string, topic?: string): Promise<string> {
  try {
    if (topic) {
      const route = await client.getTopicRoute(topic);
      const b = route.brokerDatas.find((x) => [...x.brokerAddrs.values()].includes(address));
      if (b) return b.brokerName;
    }
    const ci = await client.getClusterInfo();
    for (const [name, bd] of ci.brokerAddrTable) if ([...bd.brokerAddrs.values()].includes(address)) return name;
  } catch { /* the lookup itself says what failed */ }
  return '';
}

/** GET_BROKER_RUNTIME_INFO's `dispatchBehindBytes` (4.9 and 5.x); undefined when it cannot be had. */
export async function dispatchBehindBytes(client: MQClient, b: BrokerRef, timeoutMs = 3000): Promise<number | undefined> {
  try {
    const resp = await client.invoke(b.address, client.request(RequestCode.GET_BROKER_RUNTIME_INFO), timeoutMs);
    if (resp.code !== ResponseCode.SUCCESS) return undefined;
    const table = parseBodyJson(resp.body, 'KVTable').table;
    const v = isJsonObject(table) ? table.dispatchBehindBytes : undefined;
    return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------------------------------- offsets

async function offsetCall(client: MQClient, code: number, b: BrokerRef, spec: HeaderSpec, values: Record<string, string | number | boolean | undefined>, timeoutMs = 3000): Promise<number> {
  const resp = await client.invoke(b.address, client.request(code, encodeHeader(spec, values)), timeoutMs);
  if (resp.code !== ResponseCode.SUCCESS) throw new MQBrokerError(resp.code, resp.remark, b.address, b.brokerName, code);
  const v = longField(resp.extFields, 'offset', NaN);
  if (Number.isNaN(v)) throw new MQClientError('REQUEST_FAILED', `broker ${b.address} answered SUCCESS without an offset field`);
  return v;
}

export function queueMinOffset(c: MQClient, b: BrokerRef, topic: string, queueId: number, timeoutMs = 3000): Promise<number> {
  return offsetCall(c, RequestCode.GET_MIN_OFFSET, b, GET_MIN_OFFSET_HEADER, { topic, queueId }, timeoutMs);
}
export function queueMaxOffset(c: MQClient, b: BrokerRef, topic: string, queueId: number, timeoutMs = 3000): Promise<number> {
  return offsetCall(c, RequestCode.GET_MAX_OFFSET, b, GET_MAX_OFFSET_HEADER, { topic, queueId, committed: c.opts.clientVersion >= 413 ? true : undefined }, timeoutMs);
}
/** SEARCH_OFFSET_BY_TIMESTAMP: an offset whose store time is at or after `timestamp` (see firstOffsetAtOrAfter for 4.9). */
export function searchOffset(c: MQClient, b: BrokerRef, topic: string, queueId: number, timestamp: number, timeoutMs = 3000): Promise<number> {
  return offsetCall(c, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, b, SEARCH_OFFSET_HEADER, { topic, queueId, timestamp: Math.trunc(timestamp), boundaryType: 'lower' }, timeoutMs);
}

/**
 * The first offset of a queue whose message was stored at or after `timestamp`, within [min, max].
 * SEARCH_OFFSET_BY_TIMESTAMP alone is not enough: 4.9 answers with whichever message its binary search
 * lands on among those with the same store time (a batch stores several in one millisecond), so the
 * messages just before the answer are read back until one is older.
 */
export async function firstOffsetAtOrAfter(c: MQClient, b: BrokerRef, topic: string, queueId: number, timestamp: number, min: number, max: number, timeoutMs?: number): Promise<number> {
  let start = Math.min(Math.max(await searchOffset(c, b, topic, queueId, timestamp, timeoutMs), min), max);
  for (let round = 0; round < 8 && start > min; round++) {
    const from = Math.max(min, start - 32);
    const p = await pullPage(c, b, { topic, queueId, offset: from, maxNums: start - from, timeoutMs });
    const before = p.messages.filter((m) => m.queueOffset < start);
    if (p.status !== 'FOUND' || before.length === 0) break;
    const older = before.filter((m) => m.storeTimestamp < timestamp);
    if (older.length) return Math.min(start, older[older.length - 1].queueOffset + 1);
    start = before[0].queueOffset; // every one read is at or after the time: look further back
  }
  return start;
}

/** QUERY_CONSUMER_OFFSET: a group's stored offset for a queue; undefined when it has none (QUERY_NOT_FOUND). */
export async function consumerOffset(c: MQClient, b: BrokerRef, group: string, topic: string, queueId: number, timeoutMs = 3000): Promise<number | undefined> {
  const resp = await c.invoke(b.address, c.request(RequestCode.QUERY_CONSUMER_OFFSET, encodeHeader(QUERY_CONSUMER_OFFSET_HEADER, { consumerGroup: group, topic, queueId })), timeoutMs);
  if (resp.code === ResponseCode.QUERY_NOT_FOUND) return undefined;
  if (resp.code !== ResponseCode.SUCCESS) throw new MQBrokerError(resp.code, resp.remark, b.address, b.brokerName, RequestCode.QUERY_CONSUMER_OFFSET);
  const v = longField(resp.extFields, 'offset', NaN);
  return Number.isNaN(v) ? undefined : v;
}

// ------------------------------------------------------------------------------------------- browsing

/** The group named in browse pulls. It never commits an offset (no COMMIT_OFFSET flag, commitOffset 0). */
export const BROWSE_GROUP = 'rocketmq_debugger_browse';

export interface BrowseRequest extends LookupOptions {
  topic: string;
  broker: BrokerRef;
  queueId: number;
  /** First offset to read; or `timestamp` to start at the first message stored at or after it. */
  offset?: number;
  timestamp?: number;
  /** Messages wanted (default 32). */
  count?: number;
  group?: string;
}

export interface BrowseResult {
  messages: FoundMessage[];
  /** Offset actually started from (after a timestamp search or clamping). */
  startOffset: number;
  /** Where the next page starts. */
  nextOffset: number;
  minOffset: number;
  /** Exclusive: the offset the next message will get. */
  maxOffset: number;
  /** The last pull's status: NO_NEW_MSG at the end of the queue, OFFSET_ILLEGAL outside the retained range. */
  status: PullStatus;
}

/** A PULL_MESSAGE header that reads without side effects: SUBSCRIPTION carried in the request, no COMMIT_OFFSET, no long poll. */
export function browsePullHeader(r: { group?: string; topic: string; queueId: number; offset: number; maxNums: number; subscription?: string }): Record<string, string> {
  return encodeHeader(PULL_MESSAGE_HEADER, {
    consumerGroup: r.group ?? BROWSE_GROUP, topic: r.topic, queueId: r.queueId, queueOffset: r.offset, maxMsgNums: r.maxNums,
    sysFlag: PullSysFlag.SUBSCRIPTION, commitOffset: 0, suspendTimeoutMillis: 0, subscription: r.subscription ?? '*', subVersion: 0, expressionType: 'TAG',
  });
}

/** One PULL_MESSAGE that commits nothing. */
export async function pullPage(client: MQClient, b: BrokerRef, r: { topic: string; queueId: number; offset: number; maxNums: number; group?: string; subscription?: string; timeoutMs?: number }) {
  const req = client.request(RequestCode.PULL_MESSAGE, browsePullHeader({ group: r.group, topic: r.topic, queueId: r.queueId, offset: r.offset, maxNums: r.maxNums, subscription: r.subscription }));
  const resp = await client.invoke(b.address, req, r.timeoutMs ?? 5000);
  const status = PULL_STATUS_BY_CODE[resp.code];
  if (!status) throw new MQBrokerError(resp.code, resp.remark, b.address, b.brokerName, RequestCode.PULL_MESSAGE);
  const header = {
    suggestWhichBrokerId: longField(resp.extFields, 'suggestWhichBrokerId'), nextBeginOffset: longField(resp.extFields, 'nextBeginOffset', r.offset),
    minOffset: longField(resp.extFields, 'minOffset'), maxOffset: longField(resp.extFields, 'maxOffset'),
  };
  const decoded = status === 'FOUND' && resp.body ? decodeStoredMessages(resp.body) : { messages: [] as MessageExt[], error: undefined };
  return { status, ...header, messages: decoded.messages.map((m): FoundMessage => ({ ...m, brokerName: b.brokerName, brokerAddr: b.address })), decodeError: decoded.error, response: resp };
}

/** Reads up to `count` messages of one queue in offset order, from an offset or a store time. */
export async function browseQueue(client: MQClient, r: BrowseRequest): Promise<BrowseResult> {
  const count = Math.max(1, r.count ?? 32);
  let min: number, max: number;
  try {
    [min, max] = await Promise.all([
      queueMinOffset(client, r.broker, r.topic, r.queueId, r.timeoutMs),
      queueMaxOffset(client, r.broker, r.topic, r.queueId, r.timeoutMs),
    ]);
  } catch (e) {
    // 5.3's ACL 2.0 refuses GET_MIN/MAX_OFFSET to an account that may only subscribe, yet lets it pull:
    // a pull's answer carries the queue's min and max offsets too. (A start time needs the offset search.)
    if (r.timestamp !== undefined || !(e instanceof ResponseCodeError)) throw e;
    const probe = await pullPage(client, r.broker, { topic: r.topic, queueId: r.queueId, offset: r.offset ?? 0, maxNums: 1, group: r.group, timeoutMs: r.timeoutMs });
    if (probe.response.extFields?.maxOffset === undefined) throw e;
    min = probe.minOffset;
    max = probe.maxOffset;
  }
  const start = r.offset ?? (r.timestamp !== undefined ? await firstOffsetAtOrAfter(client, r.broker, r.topic, r.queueId, r.timestamp, min, max, r.timeoutMs) : min);
  const messages: FoundMessage[] = [];
  let off = start;
  let status: PullStatus = off >= max ? 'NO_NEW_MSG' : 'FOUND';
  while (messages.length < count && off < max) {
    const p = await pullPage(client, r.broker, { topic: r.topic, queueId: r.queueId, offset: off, maxNums: Math.min(32, count - messages.length), group: r.group, timeoutMs: r.timeoutMs });
    status = p.status;
    if (p.status === 'OFFSET_ILLEGAL') break;
    for (const m of p.messages) if (m.queueOffset >= off && messages.length < count) messages.push(m);
    if (p.nextBeginOffset <= off) break;
    off = p.status === 'FOUND' && messages.length ? Math.max(p.nextBeginOffset, messages[messages.length - 1].queueOffset + 1) : p.nextBeginOffset;
    if (p.status !== 'FOUND' && p.status !== 'NO_MATCHED_MSG') break;
  }
  const next = messages.length ? messages[messages.length - 1].queueOffset + 1 : off;
  return { messages, startOffset: start, nextOffset: next, minOffset: min, maxOffset: max, status };
}

// ------------------------------------------------------------------------------------------- time range

export interface TimeRangeQuery extends LookupOptions {
  topic: string;
  /** Store-time range, ms, both ends included. */
  from: number;
  to: number;
  /** The most messages kept over all queues (default 200). */
  cap?: number;
}

/**
 * Messages stored between `from` and `to`: for every readable queue of every broker, the offset search
 * gives where the range starts and the queue is read from there until a message stored after `to`;
 * the queues' lists are merged by store time and cut at the cap. Each queue reads at most `cap`, so
 * the first `cap` of the merged list are exact.
 */
export async function queryByTimeRange(client: MQClient, q: TimeRangeQuery): Promise<LookupResult> {
  const cap = Math.max(1, q.cap ?? 200);
  const route = await client.getTopicRoute(q.topic);
  const asked = routeMasters(route, true);
  const queues: Array<{ b: BrokerRef; queueId: number }> = [];
  for (const b of asked) {
    const qd = route.queueDatas.find((x) => x.brokerName === b.brokerName);
    for (let i = 0; i < (qd?.readQueueNums ?? 0); i++) queues.push({ b, queueId: i });
  }
  const failures = new Map<string, BrokerFailure>();
  const all: FoundMessage[] = [];
  let estimate = 0;
  let capped = false;
  await pool(queues, 4, async ({ b, queueId }) => {
    if (failures.has(b.brokerName)) return;
    try {
      const [min, max] = await Promise.all([queueMinOffset(client, b, q.topic, queueId, q.timeoutMs), queueMaxOffset(client, b, q.topic, queueId, q.timeoutMs)]);
      if (max <= min) return;
      const [start, end] = await Promise.all([firstOffsetAtOrAfter(client, b, q.topic, queueId, q.from, min, max, q.timeoutMs), searchOffset(client, b, q.topic, queueId, q.to + 1, q.timeoutMs)]);
      let off = start;
      estimate += Math.max(0, Math.min(end + 1, max) - off);
      let taken = 0;
      while (off < max) {
        const p = await pullPage(client, b, { topic: q.topic, queueId, offset: off, maxNums: 32, timeoutMs: q.timeoutMs });
        if (p.status !== 'FOUND' || p.messages.length === 0) break;
        let past = false;
        for (const m of p.messages) {
          if (m.storeTimestamp > q.to) { past = true; break; }
          if (m.storeTimestamp < q.from) continue;
          if (taken >= cap) { capped = true; past = true; break; }
          all.push(m); taken++;
        }
        if (past || p.nextBeginOffset <= off) break;
        off = p.nextBeginOffset;
      }
    } catch (e) {
      if (!failures.has(b.brokerName)) failures.set(b.brokerName, { ...b, error: e });
    }
  });
  all.sort((a, b) => a.storeTimestamp - b.storeTimestamp || a.brokerName.localeCompare(b.brokerName) || a.queueId - b.queueId || a.queueOffset - b.queueOffset);
  return {
    messages: all.slice(0, cap), asked, failures: [...failures.values()].sort((a, b) => a.brokerName.localeCompare(b.brokerName)),
    cap, capped: capped || all.length > cap, inRangeEstimate: estimate,
  };
}
