/**
 * Dead letters and retries of a consumer group: read them, and send a dead-lettered message again to the
 * topic it came from. No `vscode`.
 *
 * Reading is the message lookup's time-range query over the %DLQ% / %RETRY% topic (everything stored
 * since 1970, earliest first, capped); sending again is the lookup's resend plan aimed at the original
 * topic, which the send path then sends (with its production confirmation).
 */
import { FoundMessage, queryByTimeRange } from '../../core/consumer/lookup';
import { dlqTopicOf, retryTopicOf } from '../../core/consumer/group-inspection';
import { MessageConst } from '../../core/message';
import type { MessageExt } from '../../core/message';
import { MQClient } from '../../core/producer';
import type { SendSpec } from '../../core/requestfile';
import { resendSpec } from '../messages/resend';

export type GroupMessageKind = 'dlq' | 'retry';

export const groupMessageTopic = (group: string, kind: GroupMessageKind): string => (kind === 'dlq' ? dlqTopicOf(group) : retryTopicOf(group));

/** The messages of the group's dead-letter or retry topic, oldest first, at most `cap`. */
export async function browseGroupMessages(client: MQClient, group: string, kind: GroupMessageKind, cap = 200): Promise<FoundMessage[]> {
  const r = await queryByTimeRange(client, { topic: groupMessageTopic(group, kind), from: 0, to: Date.now(), cap });
  if (r.failures.length && !r.messages.length) throw r.failures[0].error;
  return r.messages;
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
  spec: SendSpec;
  originalTopic: string;
  originalMsgId: string | undefined;
  /** What could not be carried over (the lookup's resend plan says). */
  notes: string[];
}

/**
 * A send of the dead letter's body, tags, keys and user properties to its original topic (the lookup's
 * resendSpec, so the same things are kept and left out as for Send Again), without a delay: a dead
 * letter's DELAY is the retry's, not the producer's. The original id goes along as the user property
 * `RESENT_FROM_MSG_ID`, so the copy can be told apart.
 */
export function planResend(m: MessageExt & { brokerName?: string; brokerAddr?: string }): ResendPlan {
  const originalTopic = originalTopicOf(m);
  if (!originalTopic) throw new Error(`message ${m.msgId ?? m.offsetMsgId} in ${m.topic} has no RETRY_TOPIC property: its original topic is unknown`);
  const found: FoundMessage = { ...m, brokerName: m.brokerName ?? '', brokerAddr: m.brokerAddr ?? '' };
  const r = resendSpec(found, originalTopic);
  const originalMsgId = originalMessageIdOf(m);
  const spec: SendSpec = { ...r.spec, delayLevel: undefined, delayMs: undefined, deliverAtMs: undefined };
  if (originalMsgId) spec.properties = { ...(spec.properties ?? {}), RESENT_FROM_MSG_ID: originalMsgId };
  return { spec, originalTopic, originalMsgId, notes: r.notes };
}

/** One line for a tree row: `msgId · tag · reconsumed n · stored time`. */
export function describeGroupMessage(m: MessageExt): string {
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
