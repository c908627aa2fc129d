/**
 * The lookups a user asks for, over a connection's one client: by id, key, time range, or a queue from
 * an offset or a time; and traces. Results become the message view's list (with outcome wording) and
 * the messages are kept by handle for the detail view, the lazy body and the actions. Pure: no `vscode`.
 */
import { MQClient, MQClientError } from '../../core/producer';
import {
  FoundMessage, LookupResult, browseQueue, findById, queryByKey, queryByTimeRange, routeMasters, BrowseResult, ClassifiedMessageId,
} from '../../core/consumer/lookup';
import { queryTrace } from '../../core/consumer/trace';
import { DEFAULT_TRACE_TOPIC } from '../../core/message/trace';
import type { MessageDetail, MessageList, MessageBody, TraceView } from '../../shared/message-view';
import { messageBody, messageDetail, messageRow } from './message-view';
import { OutcomeText, lookupOutcome, thrownOutcome } from './outcome';
import { traceFailure, traceView } from './trace-view';

export type MessageQuery =
  | { kind: 'id'; id: string; topic?: string }
  | { kind: 'key'; topic: string; key: string; from?: number; to?: number; cap?: number }
  | { kind: 'time'; topic: string; from: number; to: number; cap?: number }
  | { kind: 'queue'; topic: string; brokerName: string; queueId: number; offset?: number; timestamp?: number; count?: number };

/** What the finder needs of a connection (a ConnectionSession fits). */
export interface FinderConnection {
  readonly client: MQClient;
  wrapTopic(topic: string): string;
}

export interface FindResult {
  list: MessageList;
  /** The messages in list order (handles in list.rows). */
  messages: FoundMessage[];
  /** Browse: where the next page of the queue starts, and its offsets. */
  browse?: Omit<BrowseResult, 'messages'>;
}

/** Rows per page of the list. */
export const PAGE_SIZE = 50;
/** Messages kept for detail views and actions (oldest dropped first). */
const KEEP = 5000;

const iso = (ms: number) => new Date(ms).toISOString();

export function describeQuery(q: MessageQuery): string {
  switch (q.kind) {
    case 'id': return `message id ${q.id.trim()}${q.topic ? ` in ${q.topic}` : ''}`;
    case 'key': return `key "${q.key}" in ${q.topic}`;
    case 'time': return `${q.topic} stored ${iso(q.from)} – ${iso(q.to)}`;
    case 'queue': return `${q.topic} ${q.brokerName}:${q.queueId} from ${q.offset !== undefined ? `offset ${q.offset}` : q.timestamp !== undefined ? iso(q.timestamp) : 'the first retained offset'}`;
  }
}

export class MessageFinder {
  private seq = 0;
  private readonly kept = new Map<string, FoundMessage>();

  constructor(private readonly conn: FinderConnection, private readonly timeoutMs = 5000) {}

  async find(q: MessageQuery): Promise<FindResult> {
    const what = describeQuery(q);
    const client = this.conn.client;
    const t = this.timeoutMs;
    let r: LookupResult;
    let browse: FindResult['browse'];
    let kind: 'id' | 'key' | 'time';
    let since: number | undefined;
    let idLine: string | undefined;
    const topic = 'topic' in q && q.topic ? this.conn.wrapTopic(q.topic) : undefined;
    try {
      switch (q.kind) {
        case 'id': {
          const x = await findById(client, q.id, { topic, timeoutMs: t });
          r = x; kind = 'id'; since = x.id.kind === 'uniq' ? x.id.uniq?.nearlyTime : undefined;
          idLine = describeId(x.id);
          break;
        }
        case 'key':
          r = await queryByKey(client, { topic: topic!, key: q.key, beginTimestamp: q.from, endTimestamp: q.to, cap: q.cap, timeoutMs: t }); kind = 'key'; since = q.to;
          break;
        case 'time':
          if (!(q.to >= q.from)) throw new MQClientError('CONFIG_INVALID', `the range ends (${iso(q.to)}) before it starts (${iso(q.from)})`);
          r = await queryByTimeRange(client, { topic: topic!, from: q.from, to: q.to, cap: q.cap, timeoutMs: t }); kind = 'time';
          break;
        case 'queue': {
          const route = await client.getTopicRoute(topic!);
          const broker = routeMasters(route).find((b) => b.brokerName === q.brokerName);
          if (!broker) throw new MQClientError('BROKER_NOT_FOUND', `${q.topic}'s route has no master for broker "${q.brokerName}" (brokers: ${routeMasters(route).map((b) => b.brokerName).join(', ') || 'none'})`);
          const b = await browseQueue(client, { topic: topic!, broker, queueId: q.queueId, offset: q.offset, timestamp: q.timestamp, count: q.count, timeoutMs: t });
          const { messages, ...rest } = b;
          browse = rest;
          r = { messages, asked: [broker], failures: [], cap: q.count ?? 32, capped: b.nextOffset < b.maxOffset };
          return this.result(q, r, browseText(q, b), browse);
        }
      }
    } catch (e) {
      return this.result(q, { messages: [], asked: [], failures: [], cap: 0, capped: false }, thrownOutcome(e, what, q.kind === 'id' ? q.topic : topic));
    }
    const o = lookupOutcome(r, what, kind, since);
    if (idLine) o.details.unshift(idLine);
    return this.result(q, r, o, browse);
  }

  private result(q: MessageQuery, r: LookupResult, o: OutcomeText, browse?: FindResult['browse']): FindResult {
    const rows = r.messages.map((m) => messageRow(this.keep(m), m));
    return {
      list: { title: describeQuery(q), outcome: o.outcome, headline: o.headline, details: o.details, rows, cap: r.cap, capped: r.capped, pageSize: PAGE_SIZE },
      messages: r.messages,
      browse,
    };
  }

  private keep(m: FoundMessage): string {
    const h = `m${++this.seq}`;
    this.kept.set(h, m);
    if (this.kept.size > KEEP) this.kept.delete(this.kept.keys().next().value as string);
    return h;
  }

  message(handle: string): FoundMessage | undefined { return this.kept.get(handle); }

  /** Keeps a message read elsewhere (a send result read back) and returns its handle. */
  adopt(m: FoundMessage): string { return this.keep(m); }

  detail(handle: string): MessageDetail | undefined {
    const m = this.kept.get(handle);
    return m ? messageDetail(handle, m) : undefined;
  }

  /** The body with the larger caps ("show all"). */
  fullBody(handle: string): MessageBody | undefined {
    const m = this.kept.get(handle);
    return m ? messageBody(m, true) : undefined;
  }

  async trace(msgId: string, traceTopic?: string): Promise<TraceView> {
    const topicName = traceTopic || DEFAULT_TRACE_TOPIC;
    try {
      return traceView(msgId.trim().toUpperCase(), await queryTrace(this.conn.client, { msgId, traceTopic: topicName, timeoutMs: this.timeoutMs }));
    } catch (e) {
      return traceFailure(msgId.trim().toUpperCase(), topicName, e);
    }
  }
}

/** Which kind an id is and what it says: producer, pid and time for a UNIQ_KEY; broker and offset for an offsetMsgId. */
export function describeId(id: ClassifiedMessageId): string {
  if (id.kind === 'offset' && id.offset) return `${id.id} is an offsetMsgId: broker ${id.offset.address}, commit-log offset ${id.offset.commitLogOffset}`;
  const u = id.uniq;
  return u ? `${id.id} is a UNIQ_KEY (msgId) made by a producer at ${u.ip}, pid ${u.pid}, about ${iso(u.nearlyTime)} by the producer's clock, counter ${u.counter}` : id.reason;
}

function browseText(q: Extract<MessageQuery, { kind: 'queue' }>, b: BrowseResult): OutcomeText {
  const where = `${q.topic} ${q.brokerName}:${q.queueId}`;
  const range = `retained offsets ${b.minOffset}–${b.maxOffset - 1 < b.minOffset ? b.minOffset : b.maxOffset - 1} (max offset ${b.maxOffset})`;
  if (b.messages.length) {
    return { outcome: 'found', headline: `${b.messages.length} message${b.messages.length === 1 ? '' : 's'} of ${where}, offsets ${b.messages[0].queueOffset}–${b.messages[b.messages.length - 1].queueOffset}; ${range}; nothing committed`, details: [] };
  }
  if (b.status === 'OFFSET_ILLEGAL') return { outcome: 'not-found', headline: `Offset ${b.startOffset} is outside ${where}'s ${range}`, details: [] };
  if (b.maxOffset <= b.minOffset) return { outcome: 'not-found', headline: `${where} holds no messages (${range})`, details: [] };
  return { outcome: 'not-found', headline: `No messages in ${where} from offset ${b.startOffset}: ${range}`, details: [] };
}

export type { MessageDetail, MessageList, MessageBody, MessageRow, TraceView, TraceStep, FieldLine, LookupOutcome } from '../../shared/message-view';
