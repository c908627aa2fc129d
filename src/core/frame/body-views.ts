/**
 * Decoded views of a frame's body, chosen by request code (for requests) or by the code of the request
 * answered (for responses). One registry: adding a code's view is adding an entry here. Every view is
 * guarded by describeFrame: a body that does not decode becomes a note, never an exception.
 */
import {
  RemotingCommand, RequestCode, ResponseCode, parseTopicRouteData, parseClusterInfo, parseTopicList, parseLenientJson, stringifyJsonValue,
  permToString, parseRegisterBrokerBody, RegisterBrokerBody, JsonObject, isJsonObject, SEND_REQUEST_CODES, sendHeaderValue, parseHeartbeat,
} from '../remoting';
import { decodeBatchBody, decodeStoredMessages, decompressBody, compressionType, describeSysFlag, MessageExt, decodeProperties } from '../message';
import type { BodyView, FieldRow, FrameDescription, ViewSection } from './frame-description';
import { bodyPreview, hexDump, plainBody, prettyJson } from './body';
import { messageIdNote } from './message-ids';

export interface BodyViewInput {
  cmd: RemotingCommand;
  body: Uint8Array;
  ext: Readonly<Record<string, string>>;
  /** For responses: the code of the request answered, when paired. */
  requestCode?: number;
  /** Characters of body text kept. */
  maxText: number;
  out: FrameDescription;
}

type BodyDecoder = (x: BodyViewInput) => void;

const row = (key: string, value: string, note?: string): FieldRow => (note ? { key, name: key, value, note } : { key, name: key, value });
const iso = (ms: number): string => { const d = new Date(ms); return Number.isFinite(d.getTime()) ? d.toISOString() : ''; };
const hostPort = (h: string, p: number): string => (h.includes(':') ? `[${h}]:${p}` : `${h}:${p}`);

export function propertyRows(s: string): FieldRow[] {
  const out: FieldRow[] = [];
  for (const [k, v] of decodeProperties(s)) {
    const r = row(k, v);
    if (k === 'UNIQ_KEY') { const n = messageIdNote(v, 'uniq'); if (n) r.note = n; }
    if ((k === 'TIMER_DELIVER_MS' || k === 'TIMER_OUT_MS') && /^\d+$/.test(v)) r.note = iso(Number(v));
    if (k === 'DELAY' && /^\d+$/.test(v)) r.note = `delay level ${v}`;
    out.push(r);
  }
  return out;
}

function storedMessageSection(m: MessageExt, title: string, maxText: number): ViewSection {
  const rows: FieldRow[] = [
    row('topic', m.topic),
    row('queueId', String(m.queueId)),
    row('queueOffset', String(m.queueOffset)),
    row('commitLogOffset', String(m.commitLogOffset)),
    row('msgId (UNIQ_KEY)', m.msgId ?? ''),
    row('offsetMsgId', m.offsetMsgId),
    row('sysFlag', String(m.sysFlag), describeSysFlag(m.sysFlag).join(' | ') || 'none'),
    row('bornHost', hostPort(m.bornHost, m.bornPort)),
    row('bornTimestamp', String(m.bornTimestamp), iso(m.bornTimestamp)),
    row('storeHost', hostPort(m.storeHost, m.storePort)),
    row('storeTimestamp', String(m.storeTimestamp), iso(m.storeTimestamp)),
    row('reconsumeTimes', String(m.reconsumeTimes)),
    row('flag', String(m.flag)),
    row('bodyCRC', String(m.bodyCRC)),
    row('magic', m.magicVersion),
    row('storeSize', String(m.storeSize)),
  ];
  const children: ViewSection[] = [];
  const props = m.propertiesString ? propertyRows(m.propertiesString) : [];
  if (props.length) children.push({ title: `Properties (${props.length})`, rows: props });
  let text: string;
  if (m.compressed) {
    text = m.body
      ? `compressed (${m.compression ?? 'ZLIB'}), ${m.rawBody.length} bytes → ${m.body.length} bytes inflated\n${bodyPreview(m.body, maxText)}`
      : `compressed (${m.compression ?? '?'}), ${m.rawBody.length} bytes: ${m.decompressError ?? 'not decompressed'}`;
  } else text = m.body ? bodyPreview(m.body, maxText) : '';
  const label = m.compressed ? `compressed ${m.compression ?? ''}`.trim() : plainBody(m.body ?? new Uint8Array(0)).kind;
  children.push({ title: `Body (${label}, ${m.rawBody.length} bytes)`, text });
  return { title, rows, children };
}

function storedMessages(x: BodyViewInput, title: (count: number) => string): void {
  const r = decodeStoredMessages(x.body);
  const secs = r.messages.slice(0, 500).map((m, i) => storedMessageSection(m, `Message ${i}: ${m.topic} q${m.queueId}@${m.queueOffset}`, x.maxText));
  if (r.messages.length > 500) x.out.notes.push(`${r.messages.length} messages; the first 500 are shown`);
  if (r.error) x.out.notes.push(`stored messages: stopped after ${r.messages.length} at byte ${r.consumed}: ${r.error.message}`);
  x.out.sections.push({ title: title(r.messages.length), children: secs });
  x.out.body = { kind: 'stored-messages', length: x.body.length, note: `${r.messages.length} message(s)` };
}

function offsetIdSection(ids: string): ViewSection {
  const rows: string[][] = [];
  for (const id of ids.split(',')) {
    const note = messageIdNote(id.trim(), 'offset');
    rows.push([id, note ?? 'not decodable']);
  }
  return { title: 'offsetMsgId', table: { columns: ['id', 'decoded'], rows } };
}

/** A send request's body: one message (maybe compressed), or a batch of them. */
const sendRequest: BodyDecoder = (x) => {
  const { cmd, body, ext, out } = x;
  if (!body.length) return;
  if (cmd.code === RequestCode.SEND_BATCH_MESSAGE || sendHeaderValue(cmd.code, ext, 'batch') === 'true') {
    const entries = decodeBatchBody(body);
    out.body = { kind: 'batch', length: body.length, note: `${entries.length} messages` };
    out.sections.push({
      title: `Batch (${entries.length} messages)`,
      children: entries.map((e, i) => {
        const children: ViewSection[] = [];
        const p = e.propertiesString ? propertyRows(e.propertiesString) : [];
        if (p.length) children.push({ title: `Properties (${p.length})`, rows: p });
        const b = plainBody(e.body);
        children.push({ title: `Body (${b.kind}, ${e.body.length} bytes)`, text: b.text ?? b.hex ?? '' });
        return { title: `Message ${i}`, rows: [row('flag', String(e.flag)), row('bodyLength', String(e.body.length))], children };
      }),
    });
    return;
  }
  const sysFlag = Number(sendHeaderValue(cmd.code, ext, 'sysFlag') ?? 0) | 0;
  if (sysFlag & 1) {
    const type = compressionType(sysFlag);
    const r = decompressBody(body, type);
    if (r.ok) {
      const inner = plainBody(r.body, x.maxText);
      out.body = {
        kind: 'compressed', length: body.length, compression: type, inflatedLength: r.body.length, inflatedKind: inner.kind as BodyView['inflatedKind'],
        note: `${type}: ${body.length} bytes → ${r.body.length} inflated (${inner.kind})`,
        ...(inner.text !== undefined ? { text: inner.text } : {}), ...(inner.textTruncated ? { textTruncated: true } : {}), ...(inner.hex !== undefined ? { hex: inner.hex } : {}),
      };
    } else out.body = { kind: 'compressed', length: body.length, compression: type, note: r.reason, hex: hexDump(body, 1024) };
  }
};

const sendResponse: BodyDecoder = (x) => {
  if (x.ext.msgId) x.out.sections.push(offsetIdSection(x.ext.msgId));
};

const storedBodyResponse: BodyDecoder = (x) => {
  if (x.cmd.code === ResponseCode.SUCCESS && x.body.length) storedMessages(x, (n) => `Messages (${n})`);
};

const checkTransaction: BodyDecoder = (x) => {
  if (x.body.length) storedMessages(x, () => 'Half message');
};

const routeResponse: BodyDecoder = (x) => {
  if (x.cmd.code !== ResponseCode.SUCCESS || !x.body.length) return;
  const r = parseTopicRouteData(x.body);
  x.out.sections.push({
    title: 'Topic route',
    children: [
      { title: 'Brokers', table: { columns: ['cluster', 'brokerName', 'brokerId', 'address'], rows: r.brokerDatas.flatMap((b) => [...b.brokerAddrs].map(([id, a]) => [b.cluster, b.brokerName, String(id), a])) } },
      { title: 'Queues', table: { columns: ['brokerName', 'read', 'write', 'perm', 'topicSysFlag'], rows: r.queueDatas.map((q) => [q.brokerName, String(q.readQueueNums), String(q.writeQueueNums), `${q.perm} ${permToString(q.perm)}`, String(q.topicSysFlag)]) } },
      ...(r.orderTopicConf ? [{ title: 'orderTopicConf', text: r.orderTopicConf }] : []),
    ],
  });
};

const clusterResponse: BodyDecoder = (x) => {
  if (x.cmd.code !== ResponseCode.SUCCESS || !x.body.length) return;
  const c = parseClusterInfo(x.body);
  x.out.sections.push({
    title: 'Cluster',
    children: [
      { title: 'Clusters', table: { columns: ['cluster', 'brokers'], rows: [...c.clusterAddrTable].map(([k, v]) => [k, v.join(', ')]) } },
      { title: 'Brokers', table: { columns: ['brokerName', 'brokerId', 'address'], rows: [...c.brokerAddrTable.values()].flatMap((b) => [...b.brokerAddrs].map(([id, a]) => [b.brokerName, String(id), a])) } },
    ],
  });
};

const topicListResponse: BodyDecoder = (x) => {
  if (x.cmd.code !== ResponseCode.SUCCESS || !x.body.length) return;
  const t = parseTopicList(x.body);
  x.out.sections.push({ title: `Topics (${t.topicList.length})`, table: { columns: ['topic'], rows: t.topicList.map((v) => [v]) } });
};

const heartbeat: BodyDecoder = (x) => {
  if (!x.body.length) return;
  const hb = parseHeartbeat(x.body);
  const producers = hb.producerGroups.map((g) => [g]);
  const consumers = hb.consumers.map((c) => [c.groupName, c.consumeType, c.messageModel, c.consumeFromWhere,
    c.subscriptions.map((s) => `${s.topic}:${s.subString}`).join('; ')]);
  x.out.sections.push({ title: 'Heartbeat', rows: [row('clientID', hb.clientID)], children: [
    { title: `Producers (${producers.length})`, table: { columns: ['group'], rows: producers } },
    { title: `Consumers (${consumers.length})`, table: { columns: ['group', 'consumeType', 'messageModel', 'consumeFromWhere', 'subscriptions'], rows: consumers } },
  ] });
};

const registerBroker: BodyDecoder = (x) => {
  if (!x.body.length) return;
  const compressed = x.ext.compressed === 'true';
  try {
    const reg = parseRegisterBrokerBody(x.body, compressed);
    x.out.sections.push(...registerBrokerSections(reg));
    if (compressed) {
      x.out.body = {
        kind: 'compressed', length: x.body.length, compression: 'ZLIB (RegisterBrokerBody)', inflatedLength: reg.inflatedLength, inflatedKind: 'json',
        text: prettyJson(registerBrokerJson(reg)),
        note: `RegisterBrokerBody compressed format (broker compressedRegister=true): ${x.body.length} bytes → ${reg.inflatedLength} inflated, shown as its JSON form`,
      };
    }
  } catch (e) {
    if (compressed) x.out.body = { kind: 'compressed', length: x.body.length, compression: 'ZLIB (RegisterBrokerBody)', note: 'RegisterBrokerBody compressed format (broker compressedRegister=true): not decodable', hex: hexDump(x.body, 512) };
    throw e;
  }
};

function registerBrokerSections(reg: RegisterBrokerBody): ViewSection[] {
  const rows: FieldRow[] = [
    row('format', reg.format === 'json' ? 'JSON' : 'compressed (zlib, binary layout)'),
    row('dataVersion', reg.dataVersion ? stringifyJsonValue(reg.dataVersion) : ''),
    row('filterServerList', reg.filterServerList.join(', ')),
  ];
  if (reg.topicQueueMappings.length) rows.push(row('topicQueueMappings', String(reg.topicQueueMappings.length), 'static topics (5.x)'));
  const topics = reg.topicConfigs.map((t) => [t.topicName, String(t.readQueueNums), String(t.writeQueueNums), String(t.perm)]);
  return [
    { title: 'Broker registration', rows },
    { title: `Registered topics (${topics.length})`, table: { columns: ['topic', 'read', 'write', 'perm'], rows: topics } },
  ];
}

/** The JSON form of a decoded body (what the broker would have sent with compressedRegister=false). */
function registerBrokerJson(reg: RegisterBrokerBody): JsonObject {
  const table: JsonObject = {};
  for (const t of reg.topicConfigs) table[t.topicName] = { ...t, attributes: t.attributes ?? {} } as unknown as JsonObject;
  const wrapper: JsonObject = { dataVersion: reg.dataVersion, topicConfigTable: table };
  if (reg.topicQueueMappings.length) {
    wrapper.topicQueueMappingInfoMap = Object.fromEntries(reg.topicQueueMappings.map((m, i) => [isJsonObject(m) && typeof m.topic === 'string' ? m.topic : String(i), m]));
  }
  return { filterServerList: reg.filterServerList, topicConfigSerializeWrapper: wrapper };
}

/** Views of request bodies, by request code. */
const REQUEST_VIEWS = new Map<number, BodyDecoder>([
  ...[...SEND_REQUEST_CODES].map((c) => [c, sendRequest] as [number, BodyDecoder]),
  [RequestCode.CHECK_TRANSACTION_STATE, checkTransaction],
  [RequestCode.HEART_BEAT, heartbeat],
  [RequestCode.REGISTER_BROKER, registerBroker],
]);

/** Views of response bodies, by the code of the request answered. */
const RESPONSE_VIEWS = new Map<number, BodyDecoder>([
  ...[...SEND_REQUEST_CODES].map((c) => [c, sendResponse] as [number, BodyDecoder]),
  ...[RequestCode.PULL_MESSAGE, RequestCode.QUERY_MESSAGE, RequestCode.VIEW_MESSAGE_BY_ID, RequestCode.LITE_PULL_MESSAGE]
    .map((c) => [c, storedBodyResponse] as [number, BodyDecoder]),
  [RequestCode.GET_ROUTEINFO_BY_TOPIC, routeResponse],
  [RequestCode.GET_BROKER_CLUSTER_INFO, clusterResponse],
  ...[RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, RequestCode.GET_TOPICS_BY_CLUSTER, RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS,
    RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER, RequestCode.GET_UNIT_TOPIC_LIST, RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST,
    RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST, RequestCode.GET_TOPIC_NAME_LIST].map((c) => [c, topicListResponse] as [number, BodyDecoder]),
]);

/** The body view for this frame, if its code has one. */
export function bodyViewFor(response: boolean, code: number, requestCode: number | undefined): BodyDecoder | undefined {
  if (!response) return REQUEST_VIEWS.get(code);
  return requestCode === undefined ? undefined : RESPONSE_VIEWS.get(requestCode);
}
