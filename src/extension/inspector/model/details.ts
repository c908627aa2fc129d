/**
 * Decoded view of one frame for the details pane: header with names behind numbers, extFields with
 * the real names of SEND_MESSAGE_V2's one-letter keys, properties, decoded bodies (batch, pulled
 * messages, route/cluster JSON, compressed), message ids, and the byte ranges of every field for the
 * hex highlight. Honest labels: what could not be decoded says why; nothing is guessed.
 *
 * The capture decoder's "decoded views" are still being built; this module uses only the codec and
 * message modules. Plain Node: no vscode import.
 */
import { CaptureIndex } from '../../../core/capture/capture-index';
import { FrameWarn } from '../../../core/capture/types';
import { decodeFrame, RemotingCommand, describeCommand, isResponse, parseLenientJson, JsonValue, RequestCode, permToString, parseTopicRouteData } from '../../../core/remoting';
import { decodeBatchBody, decodeOffsetMessageId, decodeProperties, decodeStoredMessages, decodeUniqKey, describeSysFlag, compressionType, decompressBody, decodeStoredMessage } from '../../../core/message';
import { buildFrameView, ViewSection } from '../../../core/capture/views';
import {
  BodyView, ByteRange, DecodedSection, FrameDetails, FrameRow, KeyValue, MAX_HEX_BYTES, MAX_TEXT_CHARS,
} from '../../../shared/inspector-protocol';

/** SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE / SEND_REPLY_MESSAGE_V2 header short keys (SendMessageRequestHeaderV2). */
export const V2_SHORT_KEYS: Readonly<Record<string, string>> = {
  a: 'producerGroup', b: 'topic', c: 'defaultTopic', d: 'defaultTopicQueueNums', e: 'queueId', f: 'sysFlag',
  g: 'bornTimestamp', h: 'flag', i: 'properties', j: 'reconsumeTimes', k: 'unitMode', l: 'maxReconsumeTimes',
  m: 'batch', n: 'brokerName',
};

const V2_CODES = new Set([310, 320, 325]);
const SECRET_KEYS = new Set(['Signature', 'AccessKey', 'SecurityToken']);

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function hex(b: Uint8Array, max = MAX_HEX_BYTES): string {
  return Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, max)).toString('hex');
}

function cap(s: string): { text: string; truncated: boolean } {
  return s.length > MAX_TEXT_CHARS ? { text: s.slice(0, MAX_TEXT_CHARS), truncated: true } : { text: s, truncated: false };
}

/** JSON value (lenient parser output, may hold bigint) → plain JSON text, indented. */
export function prettyJson(v: JsonValue): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x), 2);
}

export interface DetailsInput {
  index: CaptureIndex;
  frame: number;
  row: FrameRow;
  bytes: Uint8Array;
  missing: number;
  /** Code of the request this response answers, when paired. */
  requestCode?: number;
}

export function buildDetails(inp: DetailsInput): FrameDetails {
  const { bytes, row } = inp;
  const ranges: ByteRange[] = [];
  const details: FrameDetails = {
    frame: inp.frame, row, header: null, decodeError: null, extFields: [], properties: [], body: null, sections: [],
    hex: hex(bytes), hexTotalBytes: bytes.length, missingBytes: inp.missing, ranges,
  };
  if (bytes.length >= 4) ranges.push({ start: 0, end: 4, label: 'length' });
  if (bytes.length >= 8) ranges.push({ start: 4, end: 8, label: 'serializeType + headerLength' });
  let cmd: RemotingCommand;
  try {
    if (inp.missing > 0) throw new Error(`${inp.missing} byte(s) of this frame were not captured (${row.warnings.join(', ') || 'gap'}); decoding would read zeros`);
    cmd = decodeFrame(bytes, { maxFrameLength: Math.max(bytes.length, 16 * 1024 * 1024) });
  } catch (e) {
    details.decodeError = e instanceof Error ? e.message : String(e);
    return details;
  }
  const hl = ((bytes[5] << 16) | (bytes[6] << 8) | bytes[7]) >>> 0;
  const fieldRanges = cmd.serializeType === 'JSON' ? jsonFieldRanges(bytes, 8, 8 + hl) : binaryFieldRanges(bytes, 8, 8 + hl);
  ranges.push({ start: 8, end: 8 + hl, label: 'header' });
  for (const [k, r] of fieldRanges) ranges.push({ start: r[0], end: r[1], label: k });
  const bodyStart = 8 + hl;
  if (bytes.length > bodyStart) ranges.push({ start: bodyStart, end: bytes.length, label: 'body' });

  const resp = isResponse(cmd);
  const reqCode = inp.requestCode;
  const d = describeCommand(cmd, reqCode);
  const flagBits: string[] = [resp ? 'RESPONSE' : 'REQUEST'];
  if (d.flagBits.oneway) flagBits.push('ONEWAY');
  if (cmd.flag & ~3) flagBits.push(`OTHER(0x${(cmd.flag & ~3).toString(16)})`);
  const { extFields: _e, body: _b, ...header } = d;
  details.header = { ...header, flagBits };

  const v2 = !resp && V2_CODES.has(cmd.code);
  const ext = cmd.extFields ?? {};
  let propsString: string | undefined;
  let sysFlag: number | undefined;
  for (const key of Object.keys(ext)) {
    const value = ext[key];
    const name = v2 && V2_SHORT_KEYS[key] ? V2_SHORT_KEYS[key] : key;
    const kv: KeyValue = { key, name, value };
    const r = fieldRanges.get(`extFields.${key}`);
    if (r) kv.range = r;
    if (name === 'properties') propsString = value;
    if (name === 'sysFlag') { sysFlag = Number(value); kv.note = describeSysFlag(sysFlag).join(', ') || 'none'; }
    if (SECRET_KEYS.has(key)) kv.note = 'secret: redacted when copied';
    if (name === 'commitOrRollback') kv.note = ({ '0': 'TRANSACTION_NOT_TYPE', '4': 'TRANSACTION_PREPARED', '8': 'TRANSACTION_COMMIT', '12': 'TRANSACTION_ROLLBACK' } as Record<string, string>)[value];
    if ((name === 'bornTimestamp' || name === 'storeTimestamp') && /^\d+$/.test(value)) kv.note = new Date(Number(value)).toISOString();
    if (name === 'perm' && /^\d+$/.test(value)) kv.note = permToString(Number(value));
    if (name === 'msgId' || name === 'offsetMsgId' || name === 'transactionId' || name === 'uniqKey') {
      const note = decodeIdNote(value);
      if (note) kv.note = note;
    }
    details.extFields.push(kv);
  }
  if (propsString !== undefined) details.properties = propertyRows(propsString);

  // Body
  const body = cmd.body;
  if (body && body.length > 0) details.body = bodyView(body);
  // Decoded views: the capture decoder's (route, cluster, topic lists, heartbeat, batches, pulled and
  // half messages, transactions…), flattened for the table UI; ours as a fallback.
  let coreSections: DecodedSection[] = [];
  try {
    const view = buildFrameView(cmd, { requestCode: reqCode });
    coreSections = flattenSections(view.sections.filter((x) => !SHOWN_ELSEWHERE.test(x.title)));
    for (const n of view.notes) coreSections.push({ title: 'Note', rows: [{ key: 'note', name: 'note', value: n }] });
    if (view.body?.label === 'compressed' && view.body.text) coreSections.push({ title: 'Body (decompressed)', rows: [{ key: 'body', name: 'text', value: capText(view.body.text) }] });
  } catch { /* the core view never throws by contract; keep ours */ }
  if (coreSections.length) details.sections.push(...coreSections);
  else if (body && body.length > 0) decodeBody(details, cmd, body, reqCode, sysFlag, ext);
  return details;
}

/** Sections the details pane already shows in its own tables. */
const SHOWN_ELSEWHERE = /^(Properties|sysFlag)\b/;
const MAX_SECTION_ROWS = 2000;

function capText(t: string): string { return t.length > MAX_TEXT_CHARS ? `${t.slice(0, MAX_TEXT_CHARS)}…` : t; }

/** The core's nested view sections → flat titled tables ("Topic route › Brokers"), bounded in size. */
export function flattenSections(secs: ViewSection[], prefix = '', out: DecodedSection[] = []): DecodedSection[] {
  for (const sec of secs) {
    if (out.length >= 200) break;
    const title = prefix ? `${prefix} › ${sec.title}` : sec.title;
    const rows: KeyValue[] = [];
    for (const r of sec.rows ?? []) rows.push({ key: r.key, name: r.name ?? r.key, value: r.value, note: r.note });
    if (sec.table) {
      const cols = sec.table.columns;
      for (const tr of sec.table.rows.slice(0, MAX_SECTION_ROWS)) {
        rows.push({ key: tr[0] ?? '', name: tr[0] ?? '', value: tr.slice(1).map((v, k) => (cols.length > 2 ? `${cols[k + 1]}: ${v}` : v)).join('   ') });
      }
      if (sec.table.rows.length > MAX_SECTION_ROWS) rows.push({ key: '…', name: '…', value: `${sec.table.rows.length - MAX_SECTION_ROWS} more rows` });
    }
    if (sec.text !== undefined) rows.push({ key: 'text', name: 'text', value: capText(sec.text) });
    if (rows.length) out.push({ title, rows });
    if (sec.children) flattenSections(sec.children, title, out);
  }
  return out;
}

function propertyRows(s: string): KeyValue[] {
  const out: KeyValue[] = [];
  for (const [k, v] of decodeProperties(s)) {
    const kv: KeyValue = { key: k, name: k, value: v };
    if (k === 'UNIQ_KEY') kv.note = decodeIdNote(v) ?? undefined;
    if ((k === 'DELAY' || k === 'TIMER_DELIVER_MS') && /^\d+$/.test(v) && k === 'TIMER_DELIVER_MS') kv.note = new Date(Number(v)).toISOString();
    out.push(kv);
  }
  return out;
}

/** UNIQ_KEY (client id) or offset message id (broker address + commit log offset), decoded. */
export function decodeIdNote(id: string): string | null {
  const parts: string[] = [];
  try {
    const u = decodeUniqKey(id);
    parts.push(`as UNIQ_KEY: ip ${u.ip}, pid ${u.pid}, ${u.msSinceMonthStart} ms after month start, counter ${u.counter}`);
  } catch { /* not that */ }
  try {
    const o = decodeOffsetMessageId(id);
    parts.push(`as offsetMsgId: broker ${o.address}, commit log offset ${o.commitLogOffset}`);
  } catch { /* not that */ }
  return parts.length ? parts.join('; ') : null;
}

function bodyView(body: Uint8Array): BodyView {
  let text: string | undefined;
  try { text = strictUtf8.decode(body); } catch { /* binary */ }
  if (text === undefined) return { length: body.length, encoding: 'binary' };
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      const c = cap(prettyJson(parseLenientJson(text)));
      return { length: body.length, encoding: 'json', text: c.text, textTruncated: c.truncated };
    } catch { /* not JSON: text */ }
  }
  const c = cap(text);
  return { length: body.length, encoding: 'utf8', text: c.text, textTruncated: c.truncated };
}

function decodeBody(d: FrameDetails, cmd: RemotingCommand, body: Uint8Array, reqCode: number | undefined, sysFlag: number | undefined, ext: Record<string, string>): void {
  const resp = isResponse(cmd);
  const code = resp ? reqCode : cmd.code;
  try {
    if (!resp && (cmd.code === RequestCode.SEND_BATCH_MESSAGE || ext.m === 'true' || ext.batch === 'true')) {
      const entries = decodeBatchBody(body);
      entries.forEach((e, k) => {
        const rows: KeyValue[] = [
          { key: 'flag', name: 'flag', value: String(e.flag) },
          { key: 'body', name: 'body', value: bodyPreview(e.body) },
        ];
        for (const [pk, pv] of e.properties) rows.push({ key: pk, name: `property ${pk}`, value: pv, note: pk === 'UNIQ_KEY' ? decodeIdNote(pv) ?? undefined : undefined });
        d.sections.push({ title: `Batch message ${k + 1} of ${entries.length}`, rows });
      });
      return;
    }
    if (!resp && sysFlag !== undefined && (sysFlag & 1)) {
      const r = decompressBody(body, compressionType(sysFlag));
      if (r.ok) {
        const v = bodyView(r.body);
        d.sections.push({ title: `Body decompressed (${compressionType(sysFlag)}, ${r.body.length} bytes)`, rows: [{ key: 'body', name: v.encoding, value: v.text ?? hex(r.body, 4096) }] });
      } else d.sections.push({ title: 'Body is compressed', rows: [{ key: 'error', name: 'decompress', value: r.reason }] });
      return;
    }
    if (resp && code === RequestCode.PULL_MESSAGE && cmd.code === 0) {
      const all = decodeStoredMessages(body);
      all.messages.slice(0, 200).forEach((m, k) => d.sections.push(storedSection(`Pulled message ${k + 1} of ${all.messages.length}`, m)));
      if (all.error) d.sections.push({ title: 'Pulled messages: decoding stopped', rows: [{ key: 'error', name: 'error', value: all.error.message }] });
      return;
    }
    if (!resp && cmd.code === RequestCode.CHECK_TRANSACTION_STATE) {
      d.sections.push(storedSection('Message to check', decodeStoredMessage(body, 0)));
      return;
    }
    if (resp && code === RequestCode.GET_ROUTEINFO_BY_TOPIC && cmd.code === 0) {
      const route = parseTopicRouteData(body);
      const rows: KeyValue[] = [];
      for (const b of route.brokerDatas) for (const [id, addr] of b.brokerAddrs) rows.push({ key: `${b.brokerName}[${id}]`, name: `broker ${b.brokerName} id ${id}`, value: String(addr), note: `cluster ${b.cluster}` });
      for (const q of route.queueDatas) rows.push({ key: q.brokerName, name: `queues on ${q.brokerName}`, value: `read ${q.readQueueNums}, write ${q.writeQueueNums}`, note: `perm ${permToString(q.perm)}` });
      d.sections.push({ title: 'Topic route', rows });
      return;
    }
  } catch (e) {
    d.sections.push({ title: 'Body could not be decoded as expected', rows: [{ key: 'error', name: 'error', value: e instanceof Error ? e.message : String(e) }] });
  }
}

function bodyPreview(b: Uint8Array): string {
  try { const s = strictUtf8.decode(b); return s.length > 4096 ? `${s.slice(0, 4096)}…` : s; } catch { return `binary, ${b.length} bytes: ${hex(b, 256)}`; }
}

function storedSection(title: string, m: ReturnType<typeof decodeStoredMessage>): DecodedSection {
  const rows: KeyValue[] = [
    { key: 'topic', name: 'topic', value: m.topic },
    { key: 'queueId', name: 'queueId', value: String(m.queueId) },
    { key: 'queueOffset', name: 'queueOffset', value: String(m.queueOffset) },
    { key: 'commitLogOffset', name: 'commitLogOffset', value: String(m.commitLogOffset) },
    { key: 'sysFlag', name: 'sysFlag', value: String(m.sysFlag), note: describeSysFlag(m.sysFlag).join(', ') || 'none' },
    { key: 'bornHost', name: 'bornHost', value: `${m.bornHost}:${m.bornPort}`, note: new Date(m.bornTimestamp).toISOString() },
    { key: 'storeHost', name: 'storeHost', value: `${m.storeHost}:${m.storePort}`, note: new Date(m.storeTimestamp).toISOString() },
    { key: 'reconsumeTimes', name: 'reconsumeTimes', value: String(m.reconsumeTimes) },
    { key: 'body', name: 'body', value: m.body ? bodyPreview(m.body) : `not decompressed: ${m.decompressError ?? ''}` },
  ];
  for (const [k, v] of m.properties) rows.push({ key: k, name: `property ${k}`, value: v, note: k === 'UNIQ_KEY' ? decodeIdNote(v) ?? undefined : undefined });
  return { title, rows };
}

/** Byte ranges of JSON header members: top-level keys and `extFields.<key>`. Tolerant: stops at anything odd. */
export function jsonFieldRanges(b: Uint8Array, s: number, e: number): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  let p = s;
  const ws = () => { while (p < e && (b[p] === 0x20 || b[p] === 0x0a || b[p] === 0x0d || b[p] === 0x09)) p++; };
  const str = (): string | null => {
    const q = b[p];
    if (q !== 0x22 && q !== 0x27) return null;
    const st = ++p;
    while (p < e && b[p] !== q) { if (b[p] === 0x5c) p++; p++; }
    const text = Buffer.from(b.buffer, b.byteOffset + st, Math.max(0, Math.min(p, e) - st)).toString('utf8');
    p++;
    return text;
  };
  const skipValue = () => {
    ws();
    if (b[p] === 0x22 || b[p] === 0x27) { str(); return; }
    if (b[p] === 0x7b || b[p] === 0x5b) {
      let depth = 0;
      while (p < e) {
        const ch = b[p];
        if (ch === 0x22 || ch === 0x27) { str(); continue; }
        if (ch === 0x7b || ch === 0x5b) depth++;
        else if (ch === 0x7d || ch === 0x5d) { depth--; if (depth === 0) { p++; return; } }
        p++;
      }
      return;
    }
    while (p < e && b[p] !== 0x2c && b[p] !== 0x7d) p++;
  };
  const obj = (prefix: string): void => {
    ws();
    if (b[p] !== 0x7b) return;
    p++;
    for (;;) {
      ws();
      if (p >= e || b[p] === 0x7d) { p++; return; }
      const ks = p;
      let key = str();
      if (key === null) { // unquoted key
        const st = p;
        while (p < e && b[p] !== 0x3a) p++;
        key = Buffer.from(b.buffer, b.byteOffset + st, p - st).toString('utf8').trim();
      }
      ws();
      if (b[p] !== 0x3a) return;
      p++;
      ws();
      if (prefix === '' && key === 'extFields' && b[p] === 0x7b) {
        const vs = p;
        obj('extFields.');
        out.set('extFields', [ks, p]);
        void vs;
      } else {
        skipValue();
        out.set(prefix + key, [ks, p]);
      }
      ws();
      if (b[p] === 0x2c) { p++; continue; }
      if (b[p] === 0x7d) { p++; return; }
      return;
    }
  };
  obj('');
  return out;
}

/** Byte ranges of ROCKETMQ binary header fields (offsets in the frame). */
export function binaryFieldRanges(b: Uint8Array, s: number, e: number): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  if (e - s < 21) return out;
  out.set('code', [s, s + 2]);
  out.set('language', [s + 2, s + 3]);
  out.set('version', [s + 3, s + 5]);
  out.set('opaque', [s + 5, s + 9]);
  out.set('flag', [s + 9, s + 13]);
  const u32 = (o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  const rl = u32(s + 13);
  if (s + 17 + rl + 4 > e) return out;
  out.set('remark', [s + 13, s + 17 + rl]);
  let p = s + 17 + rl;
  const el = u32(p);
  p += 4;
  const me = Math.min(e, p + el);
  while (p + 2 <= me) {
    const kl = (b[p] << 8) | b[p + 1];
    if (p + 2 + kl + 4 > me) break;
    const key = Buffer.from(b.buffer, b.byteOffset + p + 2, kl).toString('utf8');
    const vl = u32(p + 2 + kl);
    const end = p + 2 + kl + 4 + vl;
    if (end > me) break;
    out.set(`extFields.${key}`, [p, end]);
    p = end;
  }
  return out;
}

/** The frame as JSON for the clipboard, with Signature, AccessKey and SecurityToken redacted. */
export function frameAsJson(bytes: Uint8Array, requestCode?: number): string {
  const cmd = decodeFrame(bytes, { maxFrameLength: Math.max(bytes.length, 16 * 1024 * 1024) });
  const d = describeCommand(cmd, requestCode);
  if (d.extFields) {
    for (const k of Object.keys(d.extFields)) if (SECRET_KEYS.has(k)) d.extFields[k] = '<redacted>';
    if (!isResponse(cmd) && V2_CODES.has(cmd.code)) {
      const named: Record<string, string> = {};
      for (const [k, v] of Object.entries(d.extFields)) named[V2_SHORT_KEYS[k] ?? k] = v;
      (d as unknown as { extFieldsNamed: Record<string, string> }).extFieldsNamed = named;
    }
  }
  return JSON.stringify(d, null, 2);
}

export function frameAsHex(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let o = 0; o < bytes.length; o += 16) {
    const chunk = bytes.subarray(o, Math.min(bytes.length, o + 16));
    lines.push(`${o.toString(16).padStart(8, '0')}  ${Buffer.from(chunk).toString('hex').replace(/(..)/g, '$1 ').trim()}`);
  }
  return lines.join('\n');
}

export function missingWarn(mask: number): boolean {
  return (mask & (FrameWarn.Gap | FrameWarn.Truncated | FrameWarn.Snaplen)) !== 0;
}
