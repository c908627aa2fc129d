/**
 * SendMessageRequestHeader and its V2 form: the header of every request that carries a message
 * (docs/protocol.md §3.2). One table for the producer (which encodes with it) and every view (which
 * decodes with it).
 *
 * Wire layout: extFields of the RemotingCommand, all values as strings.
 *
 *   V1 key (SEND_MESSAGE 10,        V2 key (SEND_MESSAGE_V2 310,     type     meaning
 *           SEND_REPLY_MESSAGE 324)         SEND_BATCH_MESSAGE 320,
 *                                           SEND_REPLY_MESSAGE_V2 325)
 *   producerGroup                   a                                string   producer group
 *   topic                           b                                string   target topic
 *   defaultTopic                    c                                string   template topic for auto-creation (TBW102)
 *   defaultTopicQueueNums           d                                int      queues of an auto-created topic
 *   queueId                         e                                int      target queue
 *   sysFlag                         f                                int      MessageSysFlag bits (compression, transaction)
 *   bornTimestamp                   g                                long     producer clock, ms
 *   flag                            h                                int      user flag
 *   properties                      i                                string   message properties (0x01 / 0x02 separated)
 *   reconsumeTimes                  j                                int      retries so far (sends back from consumers)
 *   unitMode                        k                                bool
 *   maxReconsumeTimes               l                                int      optional
 *   batch                           m                                bool     optional; true for batch bodies
 *   bname                           n                                string   broker name (4.9.7+, 5.1+; absent in 5.0.x)
 *
 * Java names the V2 fields by letter to keep the JSON header short; the broker maps them back to the
 * V1 names (SendMessageRequestHeaderV2.createSendMessageRequestHeaderV1). The first eight fields
 * (producerGroup … flag, a … h) are @CFNotNull.
 *
 * Answer header (SendMessageResponseHeader), for every send code (docs/protocol.md §3.3):
 *
 *   msgId           string   required  the stored message's offsetMsgId (comma-separated for a batch)
 *   queueId         int      required
 *   queueOffset     long     required  offset of the (first) message; for a half message, in the half topic
 *   transactionId   string             5.x: the UNIQ_KEY
 *   batchUniqId     string
 *   (MSG_REGION and TRACE_ON are added by the broker, outside the Java class)
 */
import { RequestCode } from '../codes';
import type { HeaderSpec } from './header-spec';

export interface SendHeaderField {
  /** The V1 (long) key on the wire. */
  v1: string;
  /** The V2 (one-letter) key on the wire. */
  v2: string;
  /** The name shown to people (the Java field name). */
  name: string;
  type: 'string' | 'int' | 'long' | 'bool';
}

export const SEND_HEADER_FIELDS: readonly SendHeaderField[] = [
  { v1: 'producerGroup', v2: 'a', name: 'producerGroup', type: 'string' },
  { v1: 'topic', v2: 'b', name: 'topic', type: 'string' },
  { v1: 'defaultTopic', v2: 'c', name: 'defaultTopic', type: 'string' },
  { v1: 'defaultTopicQueueNums', v2: 'd', name: 'defaultTopicQueueNums', type: 'int' },
  { v1: 'queueId', v2: 'e', name: 'queueId', type: 'int' },
  { v1: 'sysFlag', v2: 'f', name: 'sysFlag', type: 'int' },
  { v1: 'bornTimestamp', v2: 'g', name: 'bornTimestamp', type: 'long' },
  { v1: 'flag', v2: 'h', name: 'flag', type: 'int' },
  { v1: 'properties', v2: 'i', name: 'properties', type: 'string' },
  { v1: 'reconsumeTimes', v2: 'j', name: 'reconsumeTimes', type: 'int' },
  { v1: 'unitMode', v2: 'k', name: 'unitMode', type: 'bool' },
  { v1: 'maxReconsumeTimes', v2: 'l', name: 'maxReconsumeTimes', type: 'int' },
  { v1: 'batch', v2: 'm', name: 'batch', type: 'bool' },
  { v1: 'bname', v2: 'n', name: 'brokerName', type: 'string' },
];

/** V2 one-letter key → the field's name. */
export const SEND_V2_NAMES: Readonly<Record<string, string>> = Object.fromEntries(SEND_HEADER_FIELDS.map((f) => [f.v2, f.name]));

/** Requests whose extFields are a SendMessageRequestHeader (V1 or V2) and whose body is a message. */
export const SEND_REQUEST_CODES: ReadonlySet<number> = new Set([
  RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE,
  RequestCode.SEND_REPLY_MESSAGE, RequestCode.SEND_REPLY_MESSAGE_V2,
]);

/** Requests that use the V2 one-letter keys. */
export const SEND_V2_REQUEST_CODES: ReadonlySet<number> = new Set([
  RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE, RequestCode.SEND_REPLY_MESSAGE_V2,
]);

export type SendHeaderValues = Partial<Record<typeof SEND_HEADER_FIELDS[number]['name'], string | number | boolean | undefined>>;

/** The extFields of a send request with these values, keyed as `code` expects (V2 letters or V1 names). */
export function encodeSendHeader(code: number, values: SendHeaderValues): Record<string, string | number | boolean | undefined> {
  const v2 = SEND_V2_REQUEST_CODES.has(code);
  const out: Record<string, string | number | boolean | undefined> = {};
  for (const f of SEND_HEADER_FIELDS) out[v2 ? f.v2 : f.v1] = values[f.name];
  return out;
}

/**
 * A send request's header field by name, whichever key form the frame used (a V2 frame's letter, or the
 * V1 name; a frame may carry both only if hand-made, and then the form matching its code wins).
 */
export function sendHeaderValue(code: number, ext: Readonly<Record<string, string>>, name: string): string | undefined {
  const f = SEND_HEADER_FIELDS.find((x) => x.name === name);
  if (!f) return ext[name];
  return SEND_V2_REQUEST_CODES.has(code) ? ext[f.v2] ?? ext[f.v1] : ext[f.v1] ?? ext[f.v2];
}

/** Java's @CFNotNull fields of the send header. */
const SEND_REQUIRED = new Set(['producerGroup', 'topic', 'defaultTopic', 'defaultTopicQueueNums', 'queueId', 'sysFlag', 'bornTimestamp', 'flag']);

/** The send header as a HeaderSpec, in its V1 (long keys) and V2 (letters) forms. */
export const SEND_HEADER_V1: HeaderSpec = {
  javaClass: 'SendMessageRequestHeader',
  fields: SEND_HEADER_FIELDS.map((f) => ({ key: f.v1, type: f.type, required: SEND_REQUIRED.has(f.v1) || undefined, name: f.name !== f.v1 ? f.name : undefined })),
};
export const SEND_HEADER_V2: HeaderSpec = {
  javaClass: 'SendMessageRequestHeaderV2',
  fields: SEND_HEADER_FIELDS.map((f) => ({ key: f.v2, type: f.type, required: SEND_REQUIRED.has(f.v1) || undefined, name: f.name })),
};

export const SEND_RESPONSE_HEADER: HeaderSpec = {
  javaClass: 'SendMessageResponseHeader',
  fields: [
    { key: 'msgId', type: 'string', required: true },
    { key: 'queueId', type: 'int', required: true },
    { key: 'queueOffset', type: 'long', required: true },
    { key: 'transactionId', type: 'string' },
    { key: 'batchUniqId', type: 'string' },
  ],
};

export const SEND_REQUEST_HEADERS: ReadonlyMap<number, HeaderSpec> = new Map(
  [...SEND_REQUEST_CODES].map((c) => [c, SEND_V2_REQUEST_CODES.has(c) ? SEND_HEADER_V2 : SEND_HEADER_V1]),
);
export const SEND_RESPONSE_HEADERS: ReadonlyMap<number, HeaderSpec> = new Map([...SEND_REQUEST_CODES].map((c) => [c, SEND_RESPONSE_HEADER]));
