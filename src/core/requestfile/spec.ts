/**
 * What a user asks to send — one shape for the command palette flow, the typed command argument and
 * `.rocketmq` request files — and how it becomes producer `Message`s. Pure: no `vscode` import.
 */
import { Message, MessageConst, SYSTEM_PROPERTY_NAMES } from '../message';
import { NOT_ALLOWED_SEND_TOPICS } from '../producer/validators';

export type SendMode = 'sync' | 'async' | 'oneway';
export type TransactionDecision = 'commit' | 'rollback' | 'unknown';
export const SEND_MODES: readonly SendMode[] = ['sync', 'async', 'oneway'];
export const TRANSACTION_DECISIONS: readonly TransactionDecision[] = ['commit', 'rollback', 'unknown'];

/** Where a message should go when the user does not leave it to round-robin. */
export type QueueChoice =
  | { kind: 'explicit'; brokerName?: string; queueId: number }
  | { kind: 'sharding'; shardingKey: string };

export interface SendSpec {
  topic: string;
  tags?: string;
  keys?: string[];
  /** One body per message; more than one only for batches. */
  bodies: string[];
  /**
   * The bodies as bytes, when they are not text (a message read back from a broker and sent again);
   * used instead of `bodies`, which then hold a description for summaries.
   */
  bodyBytes?: Uint8Array[];
  properties?: Record<string, string>;
  /** 4.x/5.x delay level 1..18 (`DELAY`). */
  delayLevel?: number;
  /** 5.x timer messages: deliver after this many ms (`TIMER_DELAY_MS`). */
  delayMs?: number;
  /** 5.x timer messages: absolute delivery time, ms since the epoch (`TIMER_DELIVER_MS`). */
  deliverAtMs?: number;
  queue?: QueueChoice;
  mode: SendMode;
  /** How many times to send (each time a fresh message id). */
  repeat: number;
  batch: boolean;
  transaction?: TransactionDecision;
}

export const MAX_DELAY_LEVEL = 18;
export const MAX_REPEAT = 100_000;

/** Names the user may not set as properties because the producer sets them itself from other fields. */
export function reservedPropertyProblem(name: string): string | undefined {
  if (!name.trim()) return 'a property name must not be blank';
  if (/[\u0001\u0002]/.test(name)) return 'a property name must not contain U+0001 or U+0002';
  if (SYSTEM_PROPERTY_NAMES.has(name)) return `"${name}" is a system property (set by RocketMQ itself); use the matching header (tag, keys, delay, …) or another name`;
  return undefined;
}

export function propertyValueProblem(name: string, value: string): string | undefined {
  if (!value.trim()) return `property "${name}" has a blank value (RocketMQ refuses blank values)`;
  if (/[\u0001\u0002]/.test(value)) return `property "${name}" contains U+0001 or U+0002, which cannot be carried in a properties string`;
  return undefined;
}

/** Mirrors Java `Validators.checkTopic` (allowed characters, length) and the send-forbidden system topics. */
export function topicProblem(topic: string): string | undefined {
  if (!topic || !topic.trim()) return 'the topic is blank';
  if (!/^[%|a-zA-Z0-9_-]+$/.test(topic)) return `topic "${topic}" contains characters RocketMQ does not allow (only letters, digits, %, |, _ and -)`;
  if (topic.length > 127) return `topic is ${topic.length} characters long; the limit is 127`;
  if (NOT_ALLOWED_SEND_TOPICS.has(topic)) return `sending to system topic ${topic} is forbidden (the broker answers NO_PERMISSION)`;
  return undefined;
}

/** All problems of a spec, in the order a user would fix them; empty when it can be sent. */
export function validateSpec(spec: SendSpec): string[] {
  const problems: string[] = [];
  const t = topicProblem(spec.topic);
  if (t) problems.push(t);
  const bodies: ReadonlyArray<{ length: number }> = spec.bodyBytes ?? spec.bodies;
  if (bodies.length === 0) problems.push('there is no message body');
  bodies.forEach((b, i) => {
    if (b.length === 0) problems.push(bodies.length > 1 ? `message ${i + 1} of the batch has an empty body (RocketMQ refuses empty bodies)` : 'the body is empty (RocketMQ refuses empty bodies)');
  });
  for (const [k, v] of Object.entries(spec.properties ?? {})) {
    const p = reservedPropertyProblem(k) ?? propertyValueProblem(k, v);
    if (p) problems.push(p);
  }
  if (spec.delayLevel !== undefined && (!Number.isInteger(spec.delayLevel) || spec.delayLevel < 1 || spec.delayLevel > MAX_DELAY_LEVEL)) {
    problems.push(`delay level must be a whole number from 1 to ${MAX_DELAY_LEVEL} (got ${spec.delayLevel})`);
  }
  const timed = [spec.delayLevel !== undefined, spec.delayMs !== undefined, spec.deliverAtMs !== undefined].filter(Boolean).length;
  if (timed > 1) problems.push('choose one of delay level, delay duration and deliver-at');
  if (spec.delayMs !== undefined && !(spec.delayMs > 0)) problems.push('the delay duration must be positive');
  if (!Number.isInteger(spec.repeat) || spec.repeat < 1 || spec.repeat > MAX_REPEAT) problems.push(`repeat must be a whole number from 1 to ${MAX_REPEAT}`);
  if (!SEND_MODES.includes(spec.mode)) problems.push(`mode must be one of ${SEND_MODES.join(', ')}`);
  if (spec.queue?.kind === 'explicit' && (!Number.isInteger(spec.queue.queueId) || spec.queue.queueId < 0)) problems.push('the queue id must be a whole number ≥ 0');
  if (spec.queue?.kind === 'sharding' && !spec.queue.shardingKey) problems.push('the sharding key is empty');
  if (spec.batch) {
    if (spec.delayLevel !== undefined || spec.delayMs !== undefined || spec.deliverAtMs !== undefined) problems.push('a batch cannot be delayed (RocketMQ: "TimeDelayLevel is not supported for batching")');
    if (spec.topic.startsWith('%RETRY%')) problems.push('a batch cannot go to a %RETRY% topic');
    if (spec.mode === 'oneway') problems.push('batches are sent synchronously (mode oneway is not available for a batch)');
    if (spec.transaction) problems.push('a block cannot be both a batch and a transaction');
  }
  if (spec.transaction && spec.mode !== 'sync') problems.push('transactional messages are sent synchronously (use mode: sync)');
  if (spec.transaction && (spec.delayLevel !== undefined || spec.delayMs !== undefined || spec.deliverAtMs !== undefined)) problems.push('transactional messages cannot be delayed');
  return problems;
}

/** The producer messages for one repetition of a spec (one, or several for a batch). */
export function buildMessages(spec: SendSpec): Message[] {
  return (spec.bodyBytes ?? spec.bodies).map((body: string | Uint8Array) => {
    const m = new Message({
      topic: spec.topic,
      body,
      tags: spec.tags || undefined,
      keys: spec.keys && spec.keys.length ? spec.keys : undefined,
      userProperties: spec.properties,
      delayTimeLevel: spec.delayLevel,
    });
    if (spec.delayMs !== undefined) m.properties.set(MessageConst.TIMER_DELAY_MS, String(Math.trunc(spec.delayMs)));
    if (spec.deliverAtMs !== undefined) m.properties.set(MessageConst.TIMER_DELIVER_MS, String(Math.trunc(spec.deliverAtMs)));
    if (spec.queue?.kind === 'sharding') m.properties.set(MessageConst.SHARDING_KEY, spec.queue.shardingKey);
    return m;
  });
}

/**
 * The spec with its body taken from a body file's bytes, sent as they are: a binary file (a body the
 * replay writer or the message view put there) must not go through a UTF-8 string.
 */
export function withBodyFileBytes(spec: SendSpec, bytes: Uint8Array, name: string): SendSpec {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const readable = Buffer.from(text, 'utf8').equals(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { ...spec, bodies: [readable ? text : `(${bytes.length} bytes from ${name})`], bodyBytes: [bytes] };
}

/** A short human summary, e.g. for confirmations: `3 × batch of 2 to TopicA (tag TagA, sync)`. */
export function describeSpec(spec: SendSpec): string {
  const what = spec.batch ? `batch of ${spec.bodies.length}` : spec.transaction ? `transactional message (${spec.transaction})` : 'message';
  const bits: string[] = [];
  if (spec.tags) bits.push(`tag ${spec.tags}`);
  if (spec.keys?.length) bits.push(`keys ${spec.keys.join(' ')}`);
  if (spec.delayLevel !== undefined) bits.push(`delay level ${spec.delayLevel}`);
  if (spec.delayMs !== undefined) bits.push(`delay ${spec.delayMs} ms`);
  if (spec.deliverAtMs !== undefined) bits.push(`deliver at ${new Date(spec.deliverAtMs).toISOString()}`);
  if (spec.queue?.kind === 'explicit') bits.push(`queue ${spec.queue.brokerName ? `${spec.queue.brokerName}:` : ''}${spec.queue.queueId}`);
  if (spec.queue?.kind === 'sharding') bits.push(`sharding key ${spec.queue.shardingKey}`);
  bits.push(spec.mode);
  return `${spec.repeat > 1 ? `${spec.repeat} × ` : ''}${what} to ${spec.topic} (${bits.join(', ')})`;
}
