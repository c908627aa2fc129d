/** Client-side checks (docs/protocol.md §3.11, Java `Validators` / `TopicValidator` / `MessageBatch`). */
import { Message, MessageConst, NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR, SYSTEM_PROPERTY_NAMES } from '../message';
import { MQClientError } from './errors';

export const TOPIC_MAX_LENGTH = 127;
export const RETRY_DLQ_TOPIC_MAX_LENGTH = 255;
export const GROUP_MAX_LENGTH = 120;
export const MAX_MESSAGE_SIZE = 4 * 1024 * 1024;
export const PROPERTIES_MAX_BYTES = 32767;

const VALID_CHARS = /^[%|a-zA-Z0-9_-]+$/;

/** Topics the broker refuses sends for (NO_PERMISSION). */
export const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = new Set([
  'SCHEDULE_TOPIC_XXXX', 'RMQ_SYS_TRANS_HALF_TOPIC', 'RMQ_SYS_TRANS_OP_HALF_TOPIC', 'TRANS_CHECK_MAX_TIME_TOPIC',
  'SELF_TEST_TOPIC', 'OFFSET_MOVED_EVENT',
]);

export function isSystemTopic(topic: string): boolean {
  return NOT_ALLOWED_SEND_TOPICS.has(topic) || ['TBW102', 'BenchmarkTest', 'RMQ_SYS_TRACE_TOPIC', 'CHECKPOINT_TOPIC'].includes(topic) || topic.startsWith('rmq_sys_');
}

export interface TopicCheckOptions {
  /** Allow %RETRY%/%DLQ% topics up to 255 characters (5.x broker rule). The Java client always uses 127. */
  allowLongRetryDlq?: boolean;
}

/** Java `Validators.checkTopic` (+ the 5.x broker length rule when asked). */
export function checkTopic(topic: string, opts: TopicCheckOptions = {}): void {
  if (topic === undefined || topic === null || topic.trim() === '') throw new MQClientError('TOPIC_BLANK', 'The specified topic is blank.');
  if (!VALID_CHARS.test(topic)) {
    throw new MQClientError('TOPIC_ILLEGAL_CHARACTERS', `The specified topic[${topic}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`);
  }
  const max = opts.allowLongRetryDlq && (topic.startsWith('%RETRY%') || topic.startsWith('%DLQ%')) ? RETRY_DLQ_TOPIC_MAX_LENGTH : TOPIC_MAX_LENGTH;
  if (topic.length > max) throw new MQClientError('TOPIC_TOO_LONG', `The specified topic is longer than topic max length ${max} (got ${topic.length}).`);
}

export function checkNotAllowedSendTopic(topic: string): void {
  if (NOT_ALLOWED_SEND_TOPICS.has(topic)) throw new MQClientError('TOPIC_NOT_ALLOWED', `Sending message to topic[${topic}] is forbidden.`);
}

export function checkGroup(group: string): void {
  if (group === undefined || group === null || group.trim() === '') throw new MQClientError('GROUP_BLANK', 'the specified group is blank');
  if (!VALID_CHARS.test(group)) {
    throw new MQClientError('GROUP_ILLEGAL_CHARACTERS', `the specified group[${group}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`);
  }
  if (group.length > GROUP_MAX_LENGTH) throw new MQClientError('GROUP_TOO_LONG', `the specified group is longer than group max length ${GROUP_MAX_LENGTH}.`);
}

export function checkProducerGroup(group: string): void {
  checkGroup(group);
  if (group === 'DEFAULT_PRODUCER') throw new MQClientError('GROUP_NOT_ALLOWED', `producerGroup can not equal DEFAULT_PRODUCER, please specify another one.`);
}

/** Java `Validators.checkMessage` plus the properties checks the Java client leaves to the broker. */
export function checkMessage(msg: Message | null | undefined, maxMessageSize = MAX_MESSAGE_SIZE): void {
  if (!msg) throw new MQClientError('MESSAGE_NULL', 'the message is null');
  checkTopic(msg.topic);
  checkNotAllowedSendTopic(msg.topic);
  if (!msg.body) throw new MQClientError('BODY_EMPTY', 'the message body is null');
  if (msg.body.length === 0) throw new MQClientError('BODY_EMPTY', 'the message body length is zero');
  if (msg.body.length > maxMessageSize) throw new MQClientError('BODY_TOO_LARGE', `the message body size over max value, MAX: ${maxMessageSize} (got ${msg.body.length})`);
  checkProperties(msg.properties);
}

export function checkProperties(props: ReadonlyMap<string, string>): void {
  let bytes = 0;
  for (const [k, v] of props) {
    if (!k) throw new MQClientError('PROPERTY_BLANK', 'a property name is empty');
    if (k.includes(NAME_VALUE_SEPARATOR) || k.includes(PROPERTY_SEPARATOR) || v.includes(NAME_VALUE_SEPARATOR) || v.includes(PROPERTY_SEPARATOR)) {
      throw new MQClientError('PROPERTY_SEPARATOR', `property ${JSON.stringify(k)} contains U+0001 or U+0002, which cannot be carried in a properties string`);
    }
    bytes += Buffer.byteLength(k) + Buffer.byteLength(v) + 2;
  }
  if (bytes > PROPERTIES_MAX_BYTES) throw new MQClientError('PROPERTIES_TOO_LARGE', `properties take ${bytes} bytes; the stored-message limit is ${PROPERTIES_MAX_BYTES} (broker would answer MESSAGE_ILLEGAL)`);
}

/** `MessageBatch.generateFromList` rules (Java `MessageBatchTest`, docs/protocol.md §3.6). */
export function checkBatch(msgs: readonly Message[]): void {
  if (!msgs || msgs.length === 0) throw new MQClientError('BATCH_EMPTY', 'the batch is empty');
  const first = msgs[0];
  for (const m of msgs) {
    if (m.delayTimeLevel > 0) throw new MQClientError('BATCH_DELAY_LEVEL', 'TimeDelayLevel is not supported for batching');
    if (m.topic.startsWith('%RETRY%')) throw new MQClientError('BATCH_RETRY_TOPIC', 'Retry Group is not supported for batching');
    if (m.topic !== first.topic) throw new MQClientError('BATCH_DIFFERENT_TOPIC', `The topic of the messages in one batch should be the same (${first.topic} vs ${m.topic})`);
    if (m.waitStoreMsgOK !== first.waitStoreMsgOK) throw new MQClientError('BATCH_DIFFERENT_WAIT', 'The waitStoreMsgOK of the messages in one batch should the same');
  }
}

/** Rejects names reserved by the system when the caller builds user properties by hand. */
export function checkUserPropertyName(name: string): void {
  if (SYSTEM_PROPERTY_NAMES.has(name)) throw new MQClientError('PROPERTY_RESERVED', `The Property<${name}> is used by system, input another please`);
}

export { MessageConst };
