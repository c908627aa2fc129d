/**
 * "Copy as…" for a captured frame: the mqadmin command that makes the same request, a test fixture
 * (the bytes as hex and the decoded fields, credentials masked in both), and a Java snippet
 * (DefaultMQProducer) that sends the same message. Everything is read from the one frame model
 * (FrameDescription: fields by real name, properties) and the command the same decode gave.
 * Plain Node: no vscode import.
 */
import type { FieldRow, FrameDescription } from '../../core/frame';
import { decodeAndDescribeFrame, SECRET_FIELDS } from '../../core/frame';
import { RemotingCommand, RequestCode, SEND_REQUEST_CODES, isResponse } from '../../core/remoting';
import { createOffsetMessageId, decodeBatchBody, decodeProperties, MessageConst, SYSTEM_PROPERTY_NAMES, MessageSysFlag, compressionType, decompressBody } from '../../core/message';
import { mqadminCommand, MqadminTarget } from '../routes/model';

export type CopyFormat = 'mqadmin' | 'fixture' | 'java';

/** Where the frame was seen, for the commands and the fixture. */
export interface CopyContext {
  /** A NameServer address seen in the capture, when one is known (mqadmin's -n). */
  namesrv: string | null;
  /** host:port the frame's connection went to (the broker of broker requests). */
  server: string;
  client: string;
  direction: 'c2s' | 's2c';
  frame: number;
  capture: string;
  timeUs: number;
  /** For a response: the code of the request it answers. */
  requestCode?: number;
}

/** A field by its real name (or wire key). */
function field(d: FrameDescription, name: string): string | undefined {
  return (d.extFields.find((f) => f.name === name) ?? d.extFields.find((f) => f.key === name))?.value;
}

function num(v: string | undefined): number | undefined {
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

/** The message body as the application sent it (inflated when the sysFlag says compressed). */
function appBody(cmd: RemotingCommand, d: FrameDescription): Uint8Array {
  const body = cmd.body ?? new Uint8Array(0);
  const sysFlag = num(field(d, 'sysFlag')) ?? 0;
  if (!(sysFlag & MessageSysFlag.COMPRESSED_FLAG) || cmd.code === RequestCode.SEND_BATCH_MESSAGE) return body;
  const r = decompressBody(body, compressionType(sysFlag));
  return r.ok ? r.body : body;
}

const text = (b: Uint8Array): string | null => {
  const s = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
  return Buffer.from(s, 'utf8').equals(Buffer.from(b)) && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s) ? s : null;
};

/** The mqadmin request of the same kind, or null when mqadmin has none (heartbeats, pulls, broker-internal codes). */
export function mqadminTarget(d: FrameDescription, cmd: RemotingCommand, ctx: CopyContext): MqadminTarget | null {
  const code = cmd.code;
  const topic = field(d, 'topic');
  switch (code) {
    case RequestCode.SEND_MESSAGE: case RequestCode.SEND_MESSAGE_V2: {
      if (!topic) return null;
      const props = decodeProperties(field(d, 'properties'));
      const b = text(appBody(cmd, d));
      if (b === null) return null; // mqadmin sendMessage takes the body as a string
      return { kind: 'sendMessage', topic, body: b, tags: props.get(MessageConst.TAGS), keys: props.get(MessageConst.KEYS), brokerName: field(d, 'brokerName'), queueId: field(d, 'brokerName') ? num(field(d, 'queueId')) : undefined };
    }
    case RequestCode.GET_ROUTEINFO_BY_TOPIC: return topic ? { kind: 'topicRoute', topic } : null;
    case RequestCode.GET_BROKER_CLUSTER_INFO: return { kind: 'clusterList' };
    case RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER: return { kind: 'topicList' };
    case RequestCode.GET_BROKER_RUNTIME_INFO: return { kind: 'brokerStatus', brokerAddr: ctx.server };
    case RequestCode.GET_TOPIC_STATS_INFO: case RequestCode.GET_MAX_OFFSET: case RequestCode.GET_MIN_OFFSET: return topic ? { kind: 'topicStatus', topic } : null;
    case RequestCode.VIEW_MESSAGE_BY_ID: {
      const offset = field(d, 'offset');
      if (!offset || !/^\d+$/.test(offset)) return null;
      const [host, port] = [ctx.server.slice(0, ctx.server.lastIndexOf(':')).replace(/^\[|\]$/g, ''), Number(ctx.server.slice(ctx.server.lastIndexOf(':') + 1))];
      return { kind: 'queryMsgById', msgId: createOffsetMessageId(host, port, BigInt(offset)) };
    }
    case RequestCode.QUERY_MESSAGE: {
      const key = field(d, 'key');
      if (!topic || !key) return null;
      return field(d, 'uniqueKeyQuery') === 'true' ? { kind: 'queryMsgByUniqueKey', topic, msgId: key } : { kind: 'queryMsgByKey', topic, key };
    }
    case RequestCode.UPDATE_AND_CREATE_TOPIC:
      return topic ? { kind: 'updateTopic', brokerAddr: ctx.server, topic, readQueueNums: num(field(d, 'readQueueNums')), writeQueueNums: num(field(d, 'writeQueueNums')), perm: num(field(d, 'perm')) } : null;
    case RequestCode.DELETE_TOPIC_IN_BROKER: case RequestCode.DELETE_TOPIC_IN_NAMESRV: return topic ? { kind: 'deleteTopic', topic } : null;
    case RequestCode.GET_CONSUMER_LIST_BY_GROUP: case RequestCode.GET_CONSUMER_CONNECTION_LIST: {
      const g = field(d, 'consumerGroup');
      return g ? { kind: 'consumerConnection', group: g } : null;
    }
    case RequestCode.GET_CONSUME_STATS: {
      const g = field(d, 'consumerGroup');
      return g ? { kind: 'consumerProgress', group: g, topic } : null;
    }
    case RequestCode.GET_BROKER_CONFIG: return { kind: 'getBrokerConfig', brokerAddr: ctx.server };
    case RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP: {
      try {
        const g = JSON.parse(Buffer.from(cmd.body ?? new Uint8Array()).toString('utf8')) as { groupName?: string };
        return g.groupName ? { kind: 'updateSubGroup', brokerAddr: ctx.server, group: g.groupName } : null;
      } catch { return null; }
    }
    default: return null;
  }
}

/** mqadmin command line(s) for the frame (UPDATE_BROKER_CONFIG: one per setting), or null. */
export function copyAsMqadmin(bytes: Uint8Array, ctx: CopyContext): string | null {
  const { command, description } = decodeAndDescribeFrame(bytes, { requestCode: ctx.requestCode });
  if (!command || isResponse(command)) return null;
  const n = ctx.namesrv ?? '<namesrv-host:9876>';
  if (command.code === RequestCode.UPDATE_BROKER_CONFIG) {
    const lines = Buffer.from(command.body ?? new Uint8Array()).toString('utf8').split('\n').map((l) => l.trim()).filter((l) => l.includes('='));
    return lines.length ? lines.map((l) => mqadminCommand(n, { kind: 'updateBrokerConfig', brokerAddr: ctx.server, key: l.slice(0, l.indexOf('=')), value: l.slice(l.indexOf('=') + 1) })).join('\n') : null;
  }
  const t = mqadminTarget(description, command, ctx);
  return t ? mqadminCommand(n, t) : null;
}

/** Replaces the bytes of each credential's value in the frame with '*' (lengths kept: the frame still decodes). */
export function maskSecretBytes(bytes: Uint8Array, fields: readonly FieldRow[]): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (const f of fields) {
    if (!f.secret || !f.range || !f.value) continue;
    const v = Buffer.from(f.value, 'utf8');
    const [s, e] = f.range;
    const at = Buffer.from(out.buffer, out.byteOffset + s, e - s).lastIndexOf(v);
    if (at >= 0) out.fill(0x2a, s + at, s + at + v.length);
  }
  return out;
}

/** A test fixture: the frame's bytes as hex and its decoded fields, credentials masked in both. */
export function copyAsFixture(bytes: Uint8Array, ctx: CopyContext & { missing?: number; holes?: readonly (readonly [number, number])[] }): string {
  const { command, description: d } = decodeAndDescribeFrame(bytes, { requestCode: ctx.requestCode, missingBytes: ctx.missing, holes: ctx.holes });
  const masked = maskSecretBytes(bytes, d.extFields);
  const redacted = d.extFields.filter((f) => f.secret || SECRET_FIELDS.has(f.key)).map((f) => f.key);
  const body = command?.body && !ctx.missing ? command.body : null;
  const bodyText = body ? text(body) : null;
  return JSON.stringify({
    description: d.title,
    source: { capture: ctx.capture, frame: ctx.frame, time: new Date(ctx.timeUs / 1000).toISOString(), connection: ctx.direction === 'c2s' ? `${ctx.client} → ${ctx.server}` : `${ctx.server} → ${ctx.client}` },
    ...(redacted.length ? { redacted: `${redacted.join(', ')}: masked with * in hex and fields (lengths kept)` } : {}),
    ...(ctx.missing ? { missingBytes: ctx.missing } : {}),
    hex: Buffer.from(masked).toString('hex'),
    header: d.header ? { code: d.header.code, codeName: d.header.codeName, language: d.header.languageName, version: d.header.version, opaque: d.header.opaque, flag: d.header.flag, remark: d.header.remark, serializeType: d.header.serializeType } : null,
    extFields: Object.fromEntries(d.extFields.map((f) => [f.name, f.secret ? '*'.repeat(f.value.length) : f.value])),
    ...(d.properties.length ? { properties: Object.fromEntries(d.properties.map((p) => [p.name, p.value])) } : {}),
    body: body ? (bodyText !== null ? { text: bodyText } : { base64: Buffer.from(body).toString('base64') }) : null,
    ...(d.decodeError ? { decodeError: d.decodeError } : {}),
  }, null, 2);
}

function javaString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

interface JavaMessage { topic: string; props: Map<string, string>; body: Uint8Array; flag: number }

function javaMessageLines(m: JavaMessage, v: string): string[] {
  const L: string[] = [];
  const t = text(m.body);
  const body = t !== null ? `${javaString(t)}.getBytes(StandardCharsets.UTF_8)` : `Base64.getDecoder().decode(${javaString(Buffer.from(m.body).toString('base64'))})`;
  const tags = m.props.get(MessageConst.TAGS), keys = m.props.get(MessageConst.KEYS);
  L.push(`Message ${v} = new Message(${javaString(m.topic)}, ${tags !== undefined ? javaString(tags) : 'null'}, ${keys !== undefined ? javaString(keys) : 'null'}, ${body});`);
  if (m.flag) L.push(`${v}.setFlag(${m.flag});`);
  const delay = m.props.get(MessageConst.DELAY_TIME_LEVEL);
  if (delay) L.push(`${v}.setDelayTimeLevel(${Number(delay)});`);
  const timerMs = m.props.get(MessageConst.TIMER_DELAY_MS);
  if (timerMs) L.push(`${v}.setDelayTimeMs(${Number(timerMs)}L); // 5.x timer message`);
  const deliverMs = m.props.get(MessageConst.TIMER_DELIVER_MS);
  if (deliverMs) L.push(`${v}.setDeliverTimeMs(${Number(deliverMs)}L); // 5.x timer message`);
  for (const [k, val] of m.props) if (!SYSTEM_PROPERTY_NAMES.has(k)) L.push(`${v}.putUserProperty(${javaString(k)}, ${javaString(val)});`);
  return L;
}

/** A Java program sending the same message with DefaultMQProducer (SEND frames only), or null. */
export function copyAsJava(bytes: Uint8Array, ctx: CopyContext): string | null {
  const { command, description: d } = decodeAndDescribeFrame(bytes, {});
  if (!command || isResponse(command) || !SEND_REQUEST_CODES.has(command.code)) return null;
  const topic = field(d, 'topic');
  if (!topic) return null;
  const group = field(d, 'producerGroup') ?? 'please_rename_unique_group_name';
  const props = decodeProperties(field(d, 'properties'));
  const brokerName = field(d, 'brokerName');
  const queueId = num(field(d, 'queueId'));
  const L: string[] = [];
  L.push(`// Sends what frame ${ctx.frame} of ${ctx.capture} sent: ${d.title}, to ${ctx.server}.`);
  L.push('import java.nio.charset.StandardCharsets;');
  L.push('import java.util.*;');
  L.push('import org.apache.rocketmq.client.producer.*;');
  L.push('import org.apache.rocketmq.common.message.*;');
  L.push('');
  L.push('public class Resend {');
  L.push('    public static void main(String[] args) throws Exception {');
  const body: string[] = [];
  const transactional = props.get(MessageConst.TRANSACTION_PREPARED) === 'true';
  if (transactional) body.push('// This was a half (transactional) message: send it with a TransactionMQProducer and a TransactionListener instead.');
  body.push(`DefaultMQProducer producer = new DefaultMQProducer(${javaString(group)});`);
  body.push(`producer.setNamesrvAddr(${javaString(ctx.namesrv ?? '<namesrv-host:9876>')});`);
  body.push('producer.start();');
  body.push('try {');
  const inner: string[] = [];
  if (command.code === RequestCode.SEND_BATCH_MESSAGE) {
    inner.push('List<Message> batch = new ArrayList<>();');
    let k = 0;
    for (const e of decodeBatchBody(command.body ?? new Uint8Array())) {
      inner.push(...javaMessageLines({ topic, props: decodeProperties(e.propertiesString), body: e.body, flag: e.flag }, `m${k}`), `batch.add(m${k});`);
      k++;
    }
    inner.push('SendResult result = producer.send(batch);');
  } else {
    inner.push(...javaMessageLines({ topic, props, body: appBody(command, d), flag: num(field(d, 'flag')) ?? 0 }, 'msg'));
    const sharding = props.get(MessageConst.SHARDING_KEY);
    if (sharding !== undefined) {
      inner.push(`// ordered: the sharding key picks the queue, as Java's SelectMessageQueueByHash does`);
      inner.push(`SendResult result = producer.send(msg, new org.apache.rocketmq.client.producer.selector.SelectMessageQueueByHash(), ${javaString(sharding)});`);
    } else if (brokerName !== undefined && queueId !== undefined) {
      inner.push(`// the captured send went to ${brokerName} queue ${queueId}; drop the MessageQueue to let the producer choose`);
      inner.push(`SendResult result = producer.send(msg, new MessageQueue(${javaString(topic)}, ${javaString(brokerName)}, ${queueId}));`);
    } else inner.push('SendResult result = producer.send(msg);');
  }
  inner.push('System.out.println(result);');
  body.push(...inner.map((l) => `    ${l}`));
  body.push('} finally {');
  body.push('    producer.shutdown();');
  body.push('}');
  L.push(...body.map((l) => `        ${l}`));
  L.push('    }');
  L.push('}');
  return L.join('\n');
}

/** The copy in one of the formats; null when the format does not apply to this frame (the caller says why). */
export function copyAs(format: CopyFormat, bytes: Uint8Array, ctx: CopyContext & { missing?: number; holes?: readonly (readonly [number, number])[] }): string | null {
  switch (format) {
    case 'mqadmin': return copyAsMqadmin(bytes, ctx);
    case 'fixture': return copyAsFixture(bytes, ctx);
    case 'java': return copyAsJava(bytes, ctx);
  }
}
