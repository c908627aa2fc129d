/**
 * A message read from a broker as something to send again: a SendSpec for the normal send path (which
 * asks before sending to production) and a `.rocketmq` request block that reproduces it. Pure.
 *
 * What is kept: topic (or the one chosen), tag, keys, user properties, delay level / 5.x timer,
 * sharding key, transaction (sent again as a committed transaction), the body bytes. What is not: the
 * UNIQ_KEY (a new send gets a new one) and the properties the broker or producer set themselves.
 */
import { FoundMessage } from '../../core/consumer/lookup';
import { MessageConst } from '../../core/message';
import { bodyText } from '../../core/frame';
import { SendSpec, reservedPropertyProblem, propertyValueProblem, writeReplayBlocks } from '../../core/requestfile';
import { viewBytes } from './message-view';

export interface ResendPlan {
  spec: SendSpec;
  /** What could not be carried over, in words. */
  notes: string[];
  /** The body is not text: a request block needs it in a body file. */
  binary: boolean;
}

export function resendSpec(m: FoundMessage, topic = m.topic): ResendPlan {
  const notes: string[] = [];
  const props: Record<string, string> = {};
  for (const [k, v] of m.properties) {
    if (reservedPropertyProblem(k)) continue; // system properties come from the fields below, or are the broker's
    const p = propertyValueProblem(k, v);
    if (p) { notes.push(`property ${k} left out: ${p}`); continue; }
    props[k] = v;
  }
  const bytes = viewBytes(m);
  if (m.decompressError) notes.push(`the body did not inflate (${m.decompressError}); the stored (compressed) bytes are sent`);
  const text = bodyText(bytes);
  const delay = Number(m.properties.get(MessageConst.DELAY_TIME_LEVEL) ?? '');
  const timerDelayMs = Number(m.properties.get(MessageConst.TIMER_DELAY_MS) ?? '') || (Number(m.properties.get(MessageConst.TIMER_DELAY_SEC) ?? '') * 1000) || undefined;
  const deliverAt = Number(m.properties.get(MessageConst.TIMER_DELIVER_MS) ?? '') || undefined;
  const transactional = m.properties.get(MessageConst.TRANSACTION_PREPARED) === 'true';
  const sharding = m.properties.get(MessageConst.SHARDING_KEY);
  const spec: SendSpec = {
    topic,
    tags: m.tags || undefined,
    keys: m.keys ? m.keys.split(' ').filter(Boolean) : undefined,
    bodies: [text ?? `(${bytes.length} bytes, binary)`],
    bodyBytes: text === null ? [bytes] : undefined,
    properties: Object.keys(props).length ? props : undefined,
    delayLevel: delay >= 1 && delay <= 18 && !transactional ? delay : undefined,
    delayMs: !transactional && !(delay >= 1) && !deliverAt ? timerDelayMs : undefined,
    deliverAtMs: !transactional && !(delay >= 1) && deliverAt && deliverAt > Date.now() ? deliverAt : undefined,
    queue: sharding ? { kind: 'sharding', shardingKey: sharding } : undefined,
    mode: 'sync',
    repeat: 1,
    batch: false,
    transaction: transactional ? 'commit' : undefined,
  };
  if (deliverAt && !spec.deliverAtMs && !transactional && !(delay >= 1)) notes.push(`the deliver-at time ${new Date(deliverAt).toISOString()} has passed: sent without a timer`);
  if (bytes.length === 0) notes.push('the body is empty: RocketMQ refuses empty bodies');
  return { spec, notes, binary: text === null };
}

/**
 * The request block, from the one replay writer (the inspector's *Open as Request File* uses it too).
 * A binary body (or one that would not read back inline) goes to `bodyFile` (the caller writes the
 * bytes there); a text body is inline.
 */
export function requestBlock(m: FoundMessage, bodyFileName?: string): { text: string; needsBodyFile: boolean; notes: string[] } {
  const head = [`${m.topic} ${m.brokerName || m.brokerAddr}:${m.queueId} offset ${m.queueOffset}, stored ${new Date(m.storeTimestamp).toISOString()}`, `msgId ${m.msgId ?? '(none)'} offsetMsgId ${m.offsetMsgId}`];
  if (m.decompressError) head.push(`the body did not inflate (${m.decompressError}); the stored (compressed) bytes are sent`);
  const w = writeReplayBlocks([{ topic: m.topic, properties: m.properties, body: viewBytes(m), flag: m.flag, bornMs: Number(m.bornTimestamp) || undefined }], false,
    { title: `Again: ${m.msgId ?? m.offsetMsgId}`, comments: head, bodyFileName: () => bodyFileName ?? './message.body' });
  return { text: w.text, needsBodyFile: w.bodyFiles.length > 0, notes: w.notes };
}
