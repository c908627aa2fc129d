/**
 * A message read from a broker as the message view shows it: list rows, system fields, properties by
 * name with what they mean, and the body through the frame model's one text/binary rule
 * (src/core/frame/body.ts), capped, with the rest served on request. Pure: no `vscode`.
 */
import { FoundMessage } from '../../core/consumer/lookup';
import { bodyText, hexDump, prettyJson, messageIdNote } from '../../core/frame';
import { parseLenientJson } from '../../core/remoting/lenient-json';
import { MessageConst, SYSTEM_PROPERTY_NAMES, describeSysFlag, crc32, uniqKeyNearlyTime } from '../../core/message';
import type { FieldLine, MessageBody, MessageDetail, MessageRow } from '../../shared/message-view';

/** Text shown at first (characters) and hex shown at first (bytes). */
export const BODY_TEXT_CAP = 64 * 1024;
export const BODY_HEX_CAP = 4 * 1024;
/** What "show all" serves: text characters and hex bytes. */
export const FULL_TEXT_CAP = 4 * 1024 * 1024;
export const FULL_HEX_CAP = 1024 * 1024;

/** The broker's default messageDelayLevel, for DELAY's meaning. */
const DELAY_LEVELS = ['1s', '5s', '10s', '30s', '1m', '2m', '3m', '4m', '5m', '6m', '7m', '8m', '9m', '10m', '20m', '30m', '1h', '2h'];

const iso = (ms: number): string => (Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : String(ms));
const hostPort = (h: string, p: number) => (h.includes(':') ? `[${h}]:${p}` : `${h}:${p}`);

export function messageRow(handle: string, m: FoundMessage): MessageRow {
  return {
    handle,
    msgId: m.msgId ?? '',
    offsetMsgId: m.offsetMsgId,
    keys: m.keys ?? '',
    tags: m.tags ?? '',
    topic: m.topic,
    queue: `${m.brokerName || m.brokerAddr}:${m.queueId}`,
    queueOffset: String(m.queueOffset),
    storeTime: iso(m.storeTimestamp),
    size: m.rawBody.length,
  };
}

/** What a system property's value means, when there is more to say than the value. */
function propertyNote(name: string, value: string): string | undefined {
  const time = () => (/^\d{10,}$/.test(value) ? new Date(Number(value)).toISOString() : undefined);
  switch (name) {
    case MessageConst.TAGS: return 'tag: consumers filter on it';
    case MessageConst.KEYS: return 'keys: indexed by the broker (find by key)';
    case MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX: return `msgId made by the producer; ${messageIdNote(value, 'uniq') ?? 'does not decode'}`;
    case MessageConst.DELAY_TIME_LEVEL: { const d = DELAY_LEVELS[Number(value) - 1]; return `delay level ${value}${d ? ` (${d} with the default messageDelayLevel)` : ''}`; }
    case MessageConst.TRANSACTION_PREPARED: return value === 'true' ? 'sent as a transactional (half) message' : undefined;
    case MessageConst.PRODUCER_GROUP: return 'producer group (transaction check-backs go to it)';
    case MessageConst.WAIT_STORE_MSG_OK: return 'the producer waited for the store';
    case MessageConst.REAL_TOPIC: return 'the topic before the broker moved it (delay, transaction, retry)';
    case MessageConst.REAL_QUEUE_ID: return 'the queue before the broker moved it';
    case MessageConst.RETRY_TOPIC: return 'original topic of a retried message';
    case MessageConst.ORIGIN_MESSAGE_ID: return 'msgId of the message this one retries';
    case MessageConst.RECONSUME_TIME: return 'consumer retries so far';
    case MessageConst.MAX_RECONSUME_TIMES: return 'retries before the message goes to the DLQ';
    case MessageConst.CLUSTER: return 'cluster of the broker that stored it';
    case MessageConst.TRANSACTION_ID: return 'transaction id';
    case MessageConst.SHARDING_KEY: return 'sharding key (ordered messages)';
    case MessageConst.TIMER_DELAY_SEC: return `5.x timer: deliver ${value} s after sending`;
    case MessageConst.TIMER_DELAY_MS: return `5.x timer: deliver ${value} ms after sending`;
    case MessageConst.TIMER_DELIVER_MS: return `5.x timer: deliver at ${time() ?? value}`;
    case MessageConst.TIMER_ENQUEUE_MS: return `5.x timer: taken in at ${time() ?? value}`;
    case MessageConst.TIMER_DEQUEUE_MS: return `5.x timer: delivered at ${time() ?? value}`;
    case MessageConst.TIMER_OUT_MS: return `5.x timer: due at ${time() ?? value}`;
    case MessageConst.TIMER_ROLL_TIMES: return '5.x timer: times rolled over the timer wheel';
    case MessageConst.CONSUME_START_TIMESTAMP: case MessageConst.BORN_TIMESTAMP: return time();
    case MessageConst.MIN_OFFSET: return 'smallest offset of the queue when pulled';
    case MessageConst.MAX_OFFSET: return 'max offset of the queue when pulled';
    case MessageConst.DLQ_ORIGIN_TOPIC: return 'topic the message came from before the DLQ';
    case MessageConst.DLQ_ORIGIN_MESSAGE_ID: return 'msgId before the DLQ';
    default: return undefined;
  }
}

/** Property names that hold credentials in some applications: redacted when a message is copied. */
export const SECRET_PROPERTY = /secret|passw|token|signature|access.?key|credential|authori[sz]ation|api.?key/i;

export function splitProperties(m: FoundMessage): { system: FieldLine[]; user: FieldLine[] } {
  const system: FieldLine[] = [];
  const user: FieldLine[] = [];
  for (const [name, value] of m.properties) {
    if (SYSTEM_PROPERTY_NAMES.has(name)) system.push({ name, value, note: propertyNote(name, value) });
    else user.push({ name, value });
  }
  const byName = (a: FieldLine, b: FieldLine) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return { system: system.sort(byName), user: user.sort(byName) };
}

/** The bytes the views show: inflated when the body was compressed and inflates, else as stored. */
export function viewBytes(m: FoundMessage): Uint8Array {
  return m.body ?? m.rawBody;
}

export function messageBody(m: FoundMessage, full = false): MessageBody {
  const bytes = viewBytes(m);
  const textCap = full ? FULL_TEXT_CAP : BODY_TEXT_CAP;
  const hexCap = full ? FULL_HEX_CAP : BODY_HEX_CAP;
  const base = {
    storedLength: m.rawBody.length, length: bytes.length,
    compression: m.compressed ? m.compression : undefined, inflateError: m.decompressError,
  };
  let complete = bytes.length <= hexCap;
  const hex = hexDump(bytes, hexCap);
  if (bytes.length === 0) return { ...base, kind: 'empty', hex: '', complete: true };
  const t = m.decompressError ? null : bodyText(bytes);
  if (t === null) return { ...base, kind: 'binary', hex, complete };
  const text = t.length > textCap ? t.slice(0, textCap) : t;
  if (t.length > textCap) complete = false;
  const s = t.trimStart();
  if (s.startsWith('{') || s.startsWith('[')) {
    try {
      const pretty = prettyJson(parseLenientJson(t));
      if (pretty.length > textCap) complete = false;
      return { ...base, kind: 'json', text, json: pretty.length > textCap ? pretty.slice(0, textCap) : pretty, hex, complete };
    } catch { /* text after all */ }
  }
  return { ...base, kind: 'text', text, hex, complete };
}

/** The UNIQ_KEY decoded, with the time it encodes (month-relative, read against the born time so that old messages date right). */
function uniqNote(id: string, bornTimestamp: number): string | undefined {
  const note = messageIdNote(id, 'uniq');
  if (!note) return undefined;
  try { return `${note}; made about ${new Date(uniqKeyNearlyTime(id, bornTimestamp + 1000)).toISOString()} by the producer's clock`; } catch { return note; }
}

export function messageDetail(handle: string, m: FoundMessage): MessageDetail {
  const { system, user } = splitProperties(m);
  const crc = crc32(m.rawBody) & 0x7fffffff;
  const ids: FieldLine[] = [
    { name: 'msgId (UNIQ_KEY)', value: m.msgId ?? '', note: m.msgId ? uniqNote(m.msgId, m.bornTimestamp) : 'none: the producer set no UNIQ_KEY' },
    { name: 'offsetMsgId', value: m.offsetMsgId, note: messageIdNote(m.offsetMsgId, 'offset') ?? undefined },
  ];
  const sysFlagNames = describeSysFlag(m.sysFlag);
  const fields: FieldLine[] = [
    { name: 'topic', value: m.topic },
    { name: 'broker', value: m.brokerName ? `${m.brokerName} (${m.brokerAddr})` : m.brokerAddr },
    { name: 'queueId', value: String(m.queueId) },
    { name: 'queueOffset', value: String(m.queueOffset) },
    { name: 'commitLogOffset', value: String(m.commitLogOffset) },
    { name: 'bornTimestamp', value: String(m.bornTimestamp), note: iso(m.bornTimestamp) },
    { name: 'bornHost', value: hostPort(m.bornHost, m.bornPort) },
    { name: 'storeTimestamp', value: String(m.storeTimestamp), note: `${iso(m.storeTimestamp)} (${m.storeTimestamp - m.bornTimestamp} ms after born)` },
    { name: 'storeHost', value: hostPort(m.storeHost, m.storePort) },
    { name: 'sysFlag', value: String(m.sysFlag), note: sysFlagNames.length ? sysFlagNames.join(', ') : 'no bits set' },
    { name: 'reconsumeTimes', value: String(m.reconsumeTimes) },
    { name: 'bodyCRC', value: String(m.bodyCRC), note: crc === m.bodyCRC ? 'matches the stored body' : `the stored body's CRC is ${crc}` },
    { name: 'flag', value: String(m.flag) },
    { name: 'storeSize', value: String(m.storeSize), note: `record bytes (${m.magicVersion} magic)` },
    { name: 'preparedTransactionOffset', value: String(m.preparedTransactionOffset) },
  ];
  const title = `${m.topic} · ${m.brokerName || m.brokerAddr}:${m.queueId} @ ${m.queueOffset}`;
  return {
    handle, title, ids, system: fields, systemProperties: system, userProperties: user, body: messageBody(m),
    source: `read from ${m.brokerName ? `${m.brokerName} at ` : ''}${m.brokerAddr}`,
  };
}

/** The message as JSON for the clipboard: every field, properties with credential-like names redacted, body as text or base64. */
export function messageJson(m: FoundMessage): string {
  const props: Record<string, string> = {};
  for (const [k, v] of m.properties) props[k] = SECRET_PROPERTY.test(k) ? '<redacted>' : v;
  const bytes = viewBytes(m);
  const t = bodyText(bytes);
  return JSON.stringify({
    topic: m.topic, msgId: m.msgId ?? null, offsetMsgId: m.offsetMsgId, brokerName: m.brokerName, brokerAddr: m.brokerAddr,
    queueId: m.queueId, queueOffset: m.queueOffset, commitLogOffset: m.commitLogOffset,
    bornTimestamp: m.bornTimestamp, bornHost: hostPort(m.bornHost, m.bornPort), storeTimestamp: m.storeTimestamp, storeHost: hostPort(m.storeHost, m.storePort),
    sysFlag: m.sysFlag, sysFlagNames: describeSysFlag(m.sysFlag), reconsumeTimes: m.reconsumeTimes, bodyCRC: m.bodyCRC, flag: m.flag,
    tags: m.tags ?? null, keys: m.keys ?? null, properties: props,
    compression: m.compressed ? m.compression ?? null : null,
    body: t !== null ? { encoding: 'utf8', text: t } : { encoding: 'base64', base64: Buffer.from(bytes).toString('base64') },
  }, null, 2);
}
