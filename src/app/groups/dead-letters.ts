/**
 * Dead letters and retries of a consumer group: read them, and send a dead-lettered message again to the
 * topic it came from. No `vscode`.
 *
 * Reading is a plain browse pull of the %DLQ% / %RETRY% topic (src/core/consumer/browse.ts): kept to one
 * call (`browseGroupMessages`) so that it can move to the message lookup's browse when that exists.
 */
import { browseTopic, BrowsedMessage } from '../../core/consumer/browse';
import { dlqTopicOf, retryTopicOf } from '../../core/consumer/group-inspection';
import { Message, MessageConst, SYSTEM_PROPERTY_NAMES } from '../../core/message';
import type { MessageExt } from '../../core/message';
import { MQClient } from '../../core/producer';

export type GroupMessageKind = 'dlq' | 'retry';

export const groupMessageTopic = (group: string, kind: GroupMessageKind): string => (kind === 'dlq' ? dlqTopicOf(group) : retryTopicOf(group));

/** Up to `maxPerQueue` messages of each queue of the group's dead-letter or retry topic, oldest first. */
export async function browseGroupMessages(client: MQClient, group: string, kind: GroupMessageKind, maxPerQueue = 100): Promise<BrowsedMessage[]> {
  return browseTopic(client, groupMessageTopic(group, kind), { maxPerQueue });
}

/** The topic a retried or dead-lettered message was first sent to (the broker records it as RETRY_TOPIC). */
export function originalTopicOf(m: Pick<MessageExt, 'properties' | 'topic'>): string | undefined {
  const t = m.properties.get(MessageConst.RETRY_TOPIC);
  if (t) return t;
  return m.topic.startsWith('%RETRY%') || m.topic.startsWith('%DLQ%') ? undefined : m.topic;
}

/** The message id the original delivery had (ORIGIN_MESSAGE_ID, else the UNIQ_KEY). */
export const originalMessageIdOf = (m: Pick<MessageExt, 'properties' | 'msgId'>): string | undefined =>
  m.properties.get(MessageConst.ORIGIN_MESSAGE_ID) ?? m.msgId;

export interface ResendPlan {
  message: Message;
  originalTopic: string;
  originalMsgId: string | undefined;
}

/**
 * A new message for the original topic with the dead letter's body, tags, keys and user properties.
 * RocketMQ's own properties (RETRY_TOPIC, REAL_TOPIC, DELAY, UNIQ_KEY, …) are left out: the producer sets
 * a fresh id, and the copy must not be delayed or routed like the retry was. The original id goes along
 * as the user property `RESENT_FROM_MSG_ID` so the resent copy can be told apart.
 */
export function planResend(m: MessageExt): ResendPlan {
  const originalTopic = originalTopicOf(m);
  if (!originalTopic) throw new Error(`message ${m.msgId ?? m.offsetMsgId} in ${m.topic} has no RETRY_TOPIC property: its original topic is unknown`);
  if (m.body === undefined) throw new Error(`message ${m.msgId ?? m.offsetMsgId}: its body could not be decompressed (${m.decompressError ?? 'unknown reason'}), so it cannot be resent`);
  const user: Record<string, string> = {};
  for (const [k, v] of m.properties) if (!SYSTEM_PROPERTY_NAMES.has(k) && v.trim() !== '') user[k] = v;
  const originalMsgId = originalMessageIdOf(m);
  if (originalMsgId) user.RESENT_FROM_MSG_ID = originalMsgId;
  const message = new Message({
    topic: originalTopic,
    body: m.body,
    tags: m.tags || undefined,
    keys: m.keys ? m.keys.split(' ').filter(Boolean) : undefined,
    flag: m.flag,
    userProperties: user,
  });
  return { message, originalTopic, originalMsgId };
}

/** One line for a tree row: `msgId · tag · reconsumed n · stored time`. */
export function describeGroupMessage(m: BrowsedMessage): string {
  const bits = [m.tags ? `tag ${m.tags}` : '', `reconsumed ${m.reconsumeTimes}`, `from ${originalTopicOf(m) ?? '?'}`, new Date(m.storeTimestamp).toISOString()];
  return bits.filter(Boolean).join(' · ');
}

/** Body text for a tooltip: UTF-8 when it decodes as such, else a byte count. */
export function bodyPreview(m: Pick<MessageExt, 'body'>, max = 500): string {
  if (!m.body) return '(body could not be decompressed)';
  const text = Buffer.from(m.body).toString('utf8');
  if (Buffer.from(text, 'utf8').equals(Buffer.from(m.body)) && !/[\u0000-\u0008\u000e-\u001f]/.test(text)) return text.length > max ? `${text.slice(0, max)}…` : text;
  return `(${m.body.length} bytes, binary)`;
}
