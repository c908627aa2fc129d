/**
 * Layer 8: decoded views of one RemotingCommand, built on demand (never in the index pass).
 * Uses the codec (src/core/remoting) and the message module (src/core/message) for stored messages,
 * batch bodies, properties, UNIQ_KEY and offsetMsgId. Every decoder is guarded: a bad body becomes a
 * labelled note, never an exception.
 */
import {
  RemotingCommand, describeCommand, requestCodeName, responseCodeName, parseTopicRouteData, parseClusterInfo, parseTopicList,
  parseLenientJson, stringifyJsonValue, permToString, CommandDescription, parseRegisterBrokerBody, RegisterBrokerBody, JsonObject, isJsonObject,
} from '../../remoting';
import {
  decodeProperties, decodeUniqKey, decodeOffsetMessageId, describeSysFlag, decodeBatchBody, decodeStoredMessages, decompressBody,
  compressionType, MessageExt,
} from '../../message';

export type BodyLabel = 'empty' | 'text' | 'JSON' | 'binary' | 'truncated' | 'compressed' | 'stored-messages' | 'batch';

export interface ViewRow { key: string; name?: string; value: string; note?: string }
export interface ViewTable { columns: string[]; rows: string[][] }
export interface ViewSection { title: string; rows?: ViewRow[]; table?: ViewTable; text?: string; children?: ViewSection[] }
export interface BodyView {
  label: BodyLabel;
  length: number;
  /** Text (UTF-8 valid bodies), pretty JSON for JSON bodies. */
  text?: string;
  /** Hex dump of the first bytes for binary bodies. */
  hex?: string;
  note?: string;
}
export interface FrameView {
  title: string;
  command: Omit<CommandDescription, 'body'>;
  header: ViewRow[];
  sections: ViewSection[];
  body: BodyView | null;
  notes: string[];
}

export interface ViewContext {
  /** For responses: the code of the request answered, when paired. */
  requestCode?: number;
  /** Bytes of the frame not captured: the body cannot be trusted. */
  missingBytes?: number;
  truncated?: boolean;
}

/** SEND_MESSAGE_V2 short keys (§3.2). */
export const V2_NAMES: Readonly<Record<string, string>> = {
  a: 'producerGroup', b: 'topic', c: 'defaultTopic', d: 'defaultTopicQueueNums', e: 'queueId', f: 'sysFlag', g: 'bornTimestamp',
  h: 'flag', i: 'properties', j: 'reconsumeTimes', k: 'unitMode', l: 'maxReconsumeTimes', m: 'batch', n: 'brokerName',
};

const SEND_CODES = new Set([10, 310, 320, 324, 325]);
const V2_CODES = new Set([310, 320, 325]);
const STORED_BODY_RESPONSES = new Set([11, 12, 33, 361]);
const TOPIC_LIST_RESPONSES = new Set([206, 224, 304, 305, 311, 312, 313, 23]);

const strict = new TextDecoder('utf-8', { fatal: true });

function utf8(b: Uint8Array): string | null {
  try { return strict.decode(b); } catch { return null; }
}

export function hexDump(b: Uint8Array, max = 4096): string {
  const n = Math.min(b.length, max);
  const lines: string[] = [];
  for (let o = 0; o < n; o += 16) {
    const row = b.subarray(o, Math.min(n, o + 16));
    const hex = Array.from(row, (x) => x.toString(16).padStart(2, '0')).join(' ');
    const asc = Array.from(row, (x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
    lines.push(`${o.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${asc}`);
  }
  if (b.length > max) lines.push(`… ${b.length - max} more bytes`);
  return lines.join('\n');
}

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

/** Honest label for an unknown body: JSON, text or binary. */
export function genericBody(b: Uint8Array): BodyView {
  if (b.length === 0) return { label: 'empty', length: 0 };
  const t = utf8(b);
  if (t !== null && !CONTROL.test(t)) {
    const trimmed = t.trimStart();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        const v = parseLenientJson(t);
        return { label: 'JSON', length: b.length, text: prettyJson(stringifyJsonValue(v)) };
      } catch { /* not JSON after all */ }
    }
    return { label: 'text', length: b.length, text: t };
  }
  return { label: 'binary', length: b.length, hex: hexDump(b) };
}

function prettyJson(canonical: string): string {
  try { return JSON.stringify(JSON.parse(canonical), null, 2); } catch { return canonical; }
}

function propsTable(s: string | undefined | null): ViewSection | null {
  if (!s) return null;
  const m = decodeProperties(s);
  const rows: string[][] = [];
  for (const [k, v] of m) rows.push([k, v.replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)]);
  const sec: ViewSection = { title: `Properties (${m.size})`, table: { columns: ['name', 'value'], rows } };
  const uk = m.get('UNIQ_KEY');
  if (uk) sec.children = [uniqKeySection(uk)];
  return sec;
}

function uniqKeySection(uk: string): ViewSection {
  try {
    const p = decodeUniqKey(uk);
    return {
      title: `UNIQ_KEY ${uk}`,
      rows: [
        { key: 'ip', value: p.ip },
        { key: 'pid (low 16 bits)', value: String(p.pid) },
        { key: 'classLoaderHash', value: `0x${p.classLoaderHash.toString(16).toUpperCase().padStart(8, '0')}` },
        { key: 'ms since month start', value: String(p.msSinceMonthStart), note: 'producer local time zone' },
        { key: 'counter', value: String(p.counter) },
      ],
    };
  } catch (e) {
    return { title: `UNIQ_KEY ${uk}`, text: `not decodable: ${(e as Error).message}` };
  }
}

function offsetIdSection(ids: string): ViewSection {
  const rows: string[][] = [];
  for (const id of ids.split(',')) {
    try {
      const d = decodeOffsetMessageId(id.trim());
      rows.push([id, d.address, d.commitLogOffset.toString()]);
    } catch (e) {
      rows.push([id, `not decodable: ${(e as Error).message}`, '']);
    }
  }
  return { title: 'offsetMsgId', table: { columns: ['id', 'store address', 'commit-log offset'], rows } };
}

function sysFlagRow(key: string, v: string | undefined): ViewRow | null {
  if (v === undefined) return null;
  const n = Number(v);
  if (!Number.isFinite(n)) return { key, value: v, note: 'not a number' };
  const bits = describeSysFlag(n);
  return { key, value: v, note: bits.length ? bits.join(' | ') : 'none' };
}

function headerRows(cmd: RemotingCommand): ViewRow[] {
  const ext = cmd.extFields ?? {};
  const v2 = V2_CODES.has(cmd.code) && !(cmd.flag & 1);
  const rows: ViewRow[] = [];
  for (const [k, v] of Object.entries(ext)) {
    const name = v2 ? V2_NAMES[k] : undefined;
    const row: ViewRow = { key: k, value: v };
    if (name) row.name = name;
    if ((name ?? k) === 'sysFlag' && SEND_CODES.has(cmd.code) && !(cmd.flag & 1)) {
      const r = sysFlagRow(k, v);
      if (r?.note) row.note = r.note;
    }
    if ((name ?? k) === 'bornTimestamp' && /^\d+$/.test(v)) row.note = new Date(Number(v)).toISOString();
    if (k === 'commitOrRollback') row.note = ({ '8': 'COMMIT', '12': 'ROLLBACK', '0': 'UNKNOWN (wait for check)' } as Record<string, string>)[v] ?? 'unknown value';
    rows.push(row);
  }
  return rows;
}

function storedMessageSection(m: MessageExt, idx: number): ViewSection {
  const rows: ViewRow[] = [
    { key: 'topic', value: m.topic },
    { key: 'queueId', value: String(m.queueId) },
    { key: 'queueOffset', value: String(m.queueOffset) },
    { key: 'commitLogOffset', value: String(m.commitLogOffset) },
    { key: 'msgId (UNIQ_KEY)', value: m.msgId ?? '' },
    { key: 'offsetMsgId', value: m.offsetMsgId },
    { key: 'sysFlag', value: String(m.sysFlag), note: describeSysFlag(m.sysFlag).join(' | ') || 'none' },
    { key: 'bornHost', value: hostPort(m.bornHost, m.bornPort) },
    { key: 'bornTimestamp', value: String(m.bornTimestamp), note: safeIso(m.bornTimestamp) },
    { key: 'storeHost', value: hostPort(m.storeHost, m.storePort) },
    { key: 'storeTimestamp', value: String(m.storeTimestamp), note: safeIso(m.storeTimestamp) },
    { key: 'reconsumeTimes', value: String(m.reconsumeTimes) },
    { key: 'flag', value: String(m.flag) },
    { key: 'bodyCRC', value: String(m.bodyCRC) },
    { key: 'magic', value: m.magicVersion },
    { key: 'storeSize', value: String(m.storeSize) },
  ];
  const children: ViewSection[] = [];
  const props = propsTable(m.propertiesString);
  if (props) children.push(props);
  const body = m.body ? genericBody(m.body) : null;
  let bodyText = '';
  if (m.compressed) bodyText = m.body ? `compressed (${m.compression ?? 'ZLIB'}), ${m.rawBody.length} bytes → ${m.body.length} bytes inflated\n` : `compressed (${m.compression ?? '?'}), ${m.rawBody.length} bytes: ${m.decompressError ?? 'not decompressed'}`;
  if (body) bodyText += body.text ?? body.hex ?? '';
  children.push({ title: `Body (${m.compressed ? `compressed ${m.compression ?? ''}`.trim() : body?.label ?? 'empty'}, ${m.rawBody.length} bytes)`, text: bodyText });
  return { title: `Message ${idx}: ${m.topic} q${m.queueId}@${m.queueOffset}`, rows, children };
}

function hostPort(h: string, p: number): string { return h.includes(':') ? `[${h}]:${p}` : `${h}:${p}`; }
function safeIso(ms: number): string { const d = new Date(ms); return Number.isFinite(d.getTime()) ? d.toISOString() : ''; }

function storedMessagesSections(body: Uint8Array, notes: string[]): ViewSection[] {
  const r = decodeStoredMessages(body);
  const out = r.messages.map((m, i) => storedMessageSection(m, i));
  if (r.error) notes.push(`stored messages: stopped after ${r.messages.length} at byte ${r.consumed}: ${r.error.message}`);
  return out;
}

/** Builds the view of a decoded command. Never throws. */
export function buildFrameView(cmd: RemotingCommand, ctx: ViewContext = {}): FrameView {
  const desc = describeCommand({ ...cmd, body: null }, ctx.requestCode);
  const { body: _unused, ...command } = desc;
  void _unused;
  const resp = (cmd.flag & 1) !== 0;
  const title = resp
    ? `${responseCodeName(cmd.code, ctx.requestCode)} response${ctx.requestCode !== undefined ? ` to ${requestCodeName(ctx.requestCode)}` : ''} (opaque ${cmd.opaque})`
    : `${requestCodeName(cmd.code)} ${cmd.flag & 2 ? 'oneway request' : 'request'} (opaque ${cmd.opaque})`;
  const view: FrameView = { title, command, header: headerRows(cmd), sections: [], body: null, notes: [] };
  const body = cmd.body ?? new Uint8Array(0);
  if (ctx.missingBytes || ctx.truncated) {
    view.notes.push(`frame incomplete in the capture: ${ctx.missingBytes ?? '?'} bytes not captured; body not interpreted`);
    view.body = { label: 'truncated', length: body.length, hex: hexDump(body, 1024) };
    return view;
  }
  try {
    specialise(cmd, ctx, view, body);
  } catch (e) {
    view.notes.push(`decoding the body failed: ${(e as Error).message}`);
  }
  if (!view.body) view.body = body.length ? genericBody(body) : { label: 'empty', length: 0 };
  return view;
}

function specialise(cmd: RemotingCommand, ctx: ViewContext, view: FrameView, body: Uint8Array): void {
  const resp = (cmd.flag & 1) !== 0;
  const ext = cmd.extFields ?? {};
  const code = cmd.code;
  if (!resp && SEND_CODES.has(code)) {
    const v2 = V2_CODES.has(code);
    const get = (short: string, long: string) => (v2 ? ext[short] ?? ext[long] : ext[long] ?? ext[short]);
    const sysFlag = Number(get('f', 'sysFlag') ?? 0) | 0;
    const props = propsTable(get('i', 'properties'));
    if (props) view.sections.push(props);
    const sf = sysFlagRow('sysFlag', get('f', 'sysFlag'));
    if (sf) view.sections.push({ title: 'sysFlag', rows: [sf] });
    if (code === 320 || get('m', 'batch') === 'true') {
      try {
        const entries = decodeBatchBody(body);
        view.body = { label: 'batch', length: body.length, note: `${entries.length} messages` };
        view.sections.push({
          title: `Batch (${entries.length} messages)`,
          children: entries.map((e, i) => {
            const children: ViewSection[] = [];
            const p = propsTable(e.propertiesString);
            if (p) children.push(p);
            const b = genericBody(e.body);
            children.push({ title: `Body (${b.label}, ${e.body.length} bytes)`, text: b.text ?? b.hex ?? '' });
            return { title: `Message ${i}`, rows: [{ key: 'flag', value: String(e.flag) }, { key: 'bodyLength', value: String(e.body.length) }], children };
          }),
        });
      } catch (e) {
        view.notes.push(`batch body not decodable: ${(e as Error).message}`);
      }
      return;
    }
    if (sysFlag & 1) {
      const r = decompressBody(body, compressionType(sysFlag));
      if (r.ok) {
        const inner = genericBody(r.body);
        view.body = { label: 'compressed', length: body.length, note: `${compressionType(sysFlag)}: ${body.length} bytes → ${r.body.length} inflated (${inner.label})`, text: inner.text, hex: inner.hex };
      } else view.body = { label: 'compressed', length: body.length, note: r.reason, hex: hexDump(body, 1024) };
    }
    return;
  }
  if (resp && ctx.requestCode !== undefined && SEND_CODES.has(ctx.requestCode)) {
    if (ext.msgId) view.sections.push(offsetIdSection(ext.msgId));
    if (ext.transactionId) view.sections.push(uniqKeySection(ext.transactionId));
    return;
  }
  if (resp && ctx.requestCode !== undefined && STORED_BODY_RESPONSES.has(ctx.requestCode) && code === 0 && body.length) {
    const secs = storedMessagesSections(body, view.notes);
    view.sections.push({ title: `Messages (${secs.length})`, children: secs });
    view.body = { label: 'stored-messages', length: body.length, note: `${secs.length} messages` };
    return;
  }
  if (!resp && code === 39) {
    if (ext.offsetMsgId) view.sections.push(offsetIdSection(ext.offsetMsgId));
    if (ext.msgId) view.sections.push(uniqKeySection(ext.msgId));
    if (body.length) {
      const secs = storedMessagesSections(body, view.notes);
      view.sections.push({ title: 'Half message', children: secs });
      view.body = { label: 'stored-messages', length: body.length, note: `${secs.length} message(s)` };
    }
    return;
  }
  if (!resp && code === 37) {
    if (ext.msgId) view.sections.push(uniqKeySection(ext.msgId));
    return;
  }
  if (resp && code === 0 && body.length && ctx.requestCode === 105) {
    const r = parseTopicRouteData(body);
    view.sections.push({
      title: 'Topic route',
      children: [
        { title: 'Brokers', table: { columns: ['cluster', 'brokerName', 'brokerId', 'address'], rows: r.brokerDatas.flatMap((b) => [...b.brokerAddrs].map(([id, a]) => [b.cluster, b.brokerName, String(id), a])) } },
        { title: 'Queues', table: { columns: ['brokerName', 'read', 'write', 'perm', 'topicSysFlag'], rows: r.queueDatas.map((q) => [q.brokerName, String(q.readQueueNums), String(q.writeQueueNums), `${q.perm} ${permToString(q.perm)}`, String(q.topicSysFlag)]) } },
        ...(r.orderTopicConf ? [{ title: 'orderTopicConf', text: r.orderTopicConf }] : []),
      ],
    });
    view.body = { ...genericBody(body), label: 'JSON' };
    return;
  }
  if (resp && code === 0 && body.length && ctx.requestCode === 106) {
    const c = parseClusterInfo(body);
    view.sections.push({
      title: 'Cluster',
      children: [
        { title: 'Clusters', table: { columns: ['cluster', 'brokers'], rows: [...c.clusterAddrTable].map(([k, v]) => [k, v.join(', ')]) } },
        { title: 'Brokers', table: { columns: ['brokerName', 'brokerId', 'address'], rows: [...c.brokerAddrTable.values()].flatMap((b) => [...b.brokerAddrs].map(([id, a]) => [b.brokerName, String(id), a])) } },
      ],
    });
    view.body = { ...genericBody(body), label: 'JSON' };
    return;
  }
  if (resp && code === 0 && body.length && ctx.requestCode !== undefined && TOPIC_LIST_RESPONSES.has(ctx.requestCode)) {
    const t = parseTopicList(body);
    view.sections.push({ title: `Topics (${t.topicList.length})`, table: { columns: ['topic'], rows: t.topicList.map((x) => [x]) } });
    view.body = { ...genericBody(body), label: 'JSON' };
    return;
  }
  if (!resp && code === 34 && body.length) {
    const g = genericBody(body);
    view.body = g;
    try {
      const hb = JSON.parse(JSON.stringify(parseLenientJsonSafe(body)));
      const rows: ViewRow[] = [{ key: 'clientID', value: String(hb.clientID ?? '') }];
      const producers = (hb.producerDataSet ?? []).map((p: { groupName?: string }) => [String(p.groupName ?? '')]);
      const consumers = (hb.consumerDataSet ?? []).map((c: Record<string, unknown>) => [String(c.groupName ?? ''), String(c.consumeType ?? ''), String(c.messageModel ?? ''), String(c.consumeFromWhere ?? ''),
        ((c.subscriptionDataSet as { topic?: string; subString?: string }[] | undefined) ?? []).map((s) => `${s.topic}:${s.subString}`).join('; ')]);
      view.sections.push({ title: 'Heartbeat', rows, children: [
        { title: `Producers (${producers.length})`, table: { columns: ['group'], rows: producers } },
        { title: `Consumers (${consumers.length})`, table: { columns: ['group', 'consumeType', 'messageModel', 'consumeFromWhere', 'subscriptions'], rows: consumers } },
      ] });
    } catch (e) {
      view.notes.push(`heartbeat body not parsable: ${(e as Error).message}`);
    }
    return;
  }
  if (!resp && code === 103 && body.length) {
    const compressed = ext.compressed === 'true';
    if (!compressed) view.body = genericBody(body);
    try {
      const reg = parseRegisterBrokerBody(body, compressed);
      view.sections.push(...registerBrokerSections(reg));
      if (compressed) {
        view.body = {
          label: 'compressed', length: body.length, text: prettyJson(stringifyJsonValue(registerBrokerJson(reg))),
          note: `RegisterBrokerBody compressed format (broker compressedRegister=true): ${body.length} bytes → ${reg.inflatedLength} inflated, shown as its JSON form`,
        };
      }
    } catch (e) {
      view.notes.push(`REGISTER_BROKER body not parsable: ${(e as Error).message}`);
      if (compressed) view.body = { label: 'compressed', length: body.length, note: 'RegisterBrokerBody compressed format (broker compressedRegister=true): not decodable', hex: hexDump(body, 512) };
    }
  }
}

function registerBrokerSections(reg: RegisterBrokerBody): ViewSection[] {
  const rows: ViewRow[] = [
    { key: 'format', value: reg.format === 'json' ? 'JSON' : 'compressed (zlib, binary layout)' },
    { key: 'dataVersion', value: reg.dataVersion ? stringifyJsonValue(reg.dataVersion) : '' },
    { key: 'filterServerList', value: reg.filterServerList.join(', ') },
  ];
  if (reg.topicQueueMappings.length) rows.push({ key: 'topicQueueMappings', value: String(reg.topicQueueMappings.length), note: 'static topics (5.x)' });
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

/** Lenient JSON → plain JS (bigints as strings, fastjson numeric keys accepted). */
function parseLenientJsonSafe(body: Uint8Array): unknown {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return JSON.parse(stringifyJsonValue(parseLenientJson(text)), (_k, v) => v);
}
