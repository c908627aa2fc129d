/**
 * Lookups in words: "not found" (every broker answered, none had it) and "the query failed" (a broker or
 * the NameServer could not be asked) are different outcomes, each with its protocol context. A topic that
 * does not exist, an index that has not caught up, ACL refusals and timeouts each get their own sentence.
 * Pure: no `vscode`.
 */
import { ResponseCodeError, RocketMQDebuggerError, isAclFailure } from '../../core/errors';
import { TransportError } from '../../core/transport';
import { BrokerFailure, LookupResult } from '../../core/consumer/lookup';
import { MQClientError } from '../../core/producer';
import { MessageIdError } from '../../core/message';
import { describeFailure } from '../routes/errors';
import type { LookupOutcome } from '../../shared/message-view';

export interface OutcomeText {
  outcome: LookupOutcome;
  headline: string;
  details: string[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const iso = (ms: number) => new Date(ms).toISOString();

/** One failure in words, with code name, remark and address, and what it usually means. */
export function failureText(e: unknown, role: 'broker' | 'nameserver' = 'broker', context?: { topic?: string }): string {
  if (e instanceof ResponseCodeError) {
    if (e.codeName === 'TOPIC_NOT_EXIST') {
      return `topic ${context?.topic ? `"${context.topic}" ` : ''}does not exist: TOPIC_NOT_EXIST (${e.code}) from ${e.role === 'nameserver' ? 'NameServer' : 'broker'} ${e.address}${e.remark ? `: ${e.remark.split('\n')[0]}` : ''}`;
    }
    if (isAclFailure(e.codeName, e.remark)) {
      return `refused by ACL: ${e.codeName} (${e.code}) from ${e.brokerName ? `broker ${e.brokerName} at ` : ''}${e.address}${e.requestCodeName ? ` for ${e.requestCodeName}` : ''}: ${(e.remark ?? '').split('\n')[0]} — check the connection's AccessKey/SecretKey and the account's permission on the topic (sub permission for lookups)`;
    }
    const d = describeFailure(e, e.role);
    return `${d.short}${e.requestCodeName ? ` (for ${e.requestCodeName})` : ''}${d.hint ? ` — ${d.hint}` : ''}`;
  }
  if (e instanceof TransportError && (e.kind === 'timeout' || e.kind === 'connect-timeout')) {
    return `timed out: ${role === 'broker' ? 'broker' : 'NameServer'} ${e.address} ${e.kind === 'timeout' ? 'did not answer in time' : 'did not accept a connection in time'} — a busy broker or a large query; try a narrower time range or a longer rocketmq.requestTimeoutMs`;
  }
  if (e instanceof MessageIdError) return `not a message id: ${e.message}`;
  if (e instanceof MQClientError && e.rule === 'CONFIG_INVALID') return e.message.replace(/^\[CONFIG_INVALID\] /, '');
  const d = describeFailure(e, role);
  return `${d.short}${d.hint ? ` — ${d.hint}` : ''}`;
}

function brokerFailure(f: BrokerFailure): string {
  const who = f.brokerName ? `${f.brokerName} (${f.address})` : f.address;
  const text = failureText(f.error, 'broker');
  return text.includes(f.address) ? text : `${who}: ${text}`;
}

/**
 * Why nothing came back from brokers that all answered. An index that has taken in nothing after the
 * time asked about is named: a message stored since may simply not be indexed yet.
 */
function notFoundReasons(r: LookupResult, kind: 'id' | 'key' | 'time' | 'trace', since?: number): string[] {
  const out: string[] = [];
  for (const i of r.index ?? []) {
    if (i.dispatchBehindBytes) out.push(`index not ready on broker ${i.brokerName} (${i.address}): it has ${i.dispatchBehindBytes} stored bytes not yet dispatched to its consume queues and index (dispatchBehindBytes) — a message stored recently may not be indexed yet; try again in a moment`);
  }
  if (since !== undefined && kind !== 'time' && Date.now() - since < 5000) {
    out.push(`the message is from ${iso(since)}, seconds ago: brokers index messages asynchronously after storing them, so a lookup right after sending can miss it — try again in a moment`);
  }
  if (kind === 'id') out.push('a UNIQ_KEY is found only within its own topic, and only while the broker keeps the message (fileReservedTime, 72 h by default); an offsetMsgId names one broker and one commit-log offset');
  if (kind === 'key') out.push('keys are what the producer put in KEYS (space separated); the broker indexes each one, within the time range asked');
  if (kind === 'time') out.push('the range is store time on the broker; queues are read from the offset the broker finds for the start time');
  return out;
}

export function lookupOutcome(r: LookupResult, what: string, kind: 'id' | 'key' | 'time' | 'trace', since?: number): OutcomeText {
  const brokers = r.asked.map((b) => b.brokerName || b.address).join(', ') || 'no broker';
  const failures = r.failures.map(brokerFailure);
  const found = r.messages.length;
  if (found && failures.length) {
    return { outcome: 'partial', headline: `${plural(found, 'message')} for ${what}; ${plural(failures.length, 'broker')} could not be asked`, details: failures };
  }
  if (found) {
    const cap = r.capped ? ` (the first ${r.cap}: the cap was reached${r.inRangeEstimate ? `, about ${r.inRangeEstimate} in the range` : ''})` : '';
    return { outcome: 'found', headline: `${plural(found, 'message')} for ${what}${cap} — asked ${brokers}`, details: [] };
  }
  if (failures.length === r.asked.length && r.asked.length > 0) {
    return { outcome: 'failed', headline: `The lookup of ${what} failed: no broker answered`, details: failures };
  }
  if (failures.length) {
    return { outcome: 'failed', headline: `Not found on the brokers that answered, but ${plural(failures.length, 'broker')} could not be asked: ${what} may be there`, details: failures };
  }
  if (r.asked.length === 0) return { outcome: 'not-found', headline: `Not found: the topic's route has no broker master to ask for ${what}`, details: [] };
  return { outcome: 'not-found', headline: `Not found: ${what} — every broker answered (${brokers})`, details: notFoundReasons(r, kind, since) };
}

/** A lookup that could not start (bad id, the route query failed, topic missing). */
export function thrownOutcome(e: unknown, what: string, topic?: string): OutcomeText {
  const text = failureText(e, e instanceof ResponseCodeError ? e.role : 'nameserver', { topic });
  const isTopicMissing = e instanceof ResponseCodeError && e.codeName === 'TOPIC_NOT_EXIST';
  const invalid = e instanceof MessageIdError || (e instanceof RocketMQDebuggerError && e.outcome === 'invalid');
  return {
    outcome: isTopicMissing ? 'not-found' : 'failed',
    headline: isTopicMissing ? `Not found: ${text}` : invalid ? `Cannot look up ${what}: ${text}` : `The lookup of ${what} failed: ${text}`,
    details: [],
  };
}
