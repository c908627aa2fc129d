/**
 * A message's trace as a timeline: publish, each consumer group's receive and consume (joined by the
 * trace's requestId), end-transaction. Pure: no `vscode`.
 */
import { TraceResult } from '../../core/consumer/trace';
import { TraceRecord } from '../../core/message/trace';
import { ResponseCodeError } from '../../core/errors';
import type { FieldLine, TraceStep, TraceView } from '../../shared/message-view';
import { lookupOutcome, thrownOutcome } from './outcome';

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : '');
const line = (name: string, v: string | number | boolean | undefined): FieldLine[] => (v === undefined || v === '' ? [] : [{ name, value: String(v) }]);

/** Why a message usually has no trace, said whenever none is found. */
export const NO_TRACE_WHY = 'Message trace is off in RocketMQ clients by default: a Java producer or consumer writes trace records only when created with enableMsgTrace (new DefaultMQProducer(group, true)), and brokers create the default trace topic only with traceTopicEnable=true. Trace records are sent in batches, so the newest may arrive a few seconds after the message.';

function step(r: TraceRecord, groupOf: Map<string, string>): TraceStep {
  switch (r.type) {
    case 'Pub':
      return {
        kind: 'publish', time: iso(r.timestamp), group: r.groupName ?? '', title: `Published to ${r.topic ?? '?'}`,
        status: r.success === false ? 'failed' : 'sent', costMs: r.costTime,
        fields: [...line('producer group', r.groupName), ...line('client host', r.clientHost), ...line('store host', r.storeHost), ...line('offsetMsgId', r.offsetMsgId),
          ...line('tags', r.tags), ...line('keys', r.keys), ...line('body bytes', r.bodyLength), ...line('message type', r.msgType), ...line('region', r.regionId)],
      };
    case 'SubBefore':
      return {
        kind: 'receive', time: iso(r.timestamp), group: r.groupName ?? '', title: `Received by ${r.groupName ?? '?'}`,
        status: r.retryTimes ? `retry ${r.retryTimes}` : 'first delivery',
        fields: [...line('consumer group', r.groupName), ...line('retry times', r.retryTimes), ...line('request id', r.requestId), ...line('region', r.regionId)],
      };
    case 'SubAfter': {
      const group = (r.requestId && groupOf.get(r.requestId)) || '';
      return {
        kind: 'consume', time: iso(r.timestamp), group, title: `Consumed${group ? ` by ${group}` : ''}`,
        status: r.success ? 'success' : `failed${r.consumeResult ? ` (${r.consumeResult})` : ''}`, costMs: r.costTime,
        fields: [...line('consumer group', group), ...line('result', r.consumeResult), ...line('request id', r.requestId)],
      };
    }
    case 'EndTransaction':
      return {
        kind: 'end-transaction', time: iso(r.timestamp), group: r.groupName ?? '', title: `Transaction ${r.transactionState ?? '?'}`,
        status: r.transactionState ?? '', fields: [...line('producer group', r.groupName), ...line('transaction id', r.transactionId), ...line('from check-back', r.fromTransactionCheck), ...line('store host', r.storeHost)],
      };
  }
}

export function traceView(msgId: string, t: TraceResult): TraceView {
  const groupOf = new Map<string, string>();
  for (const r of t.records) if (r.type === 'SubBefore' && r.requestId && r.groupName) groupOf.set(r.requestId, r.groupName);
  // SubAfter records of old clients carry no time: place them right after their SubBefore.
  const timeOf = new Map<string, number>();
  for (const r of t.records) if (r.type === 'SubBefore' && r.requestId && r.timestamp) timeOf.set(r.requestId, r.timestamp);
  const ordered = [...t.records].sort((a, b) => (a.timestamp ?? timeOf.get(a.requestId ?? '') ?? 0) - (b.timestamp ?? timeOf.get(b.requestId ?? '') ?? 0)
    || order(a) - order(b));
  const steps = ordered.map((r) => step(r, groupOf));
  if (steps.length) {
    const groups = new Set(steps.filter((s) => s.kind !== 'publish' && s.kind !== 'end-transaction').map((s) => s.group).filter(Boolean));
    return {
      msgId, traceTopic: t.traceTopic, outcome: t.lookup.failures.length ? 'partial' : 'found',
      headline: `Trace of ${msgId}: ${steps.length} step${steps.length === 1 ? '' : 's'}${groups.size ? `, consumer group${groups.size > 1 ? 's' : ''} ${[...groups].join(', ')}` : ', no consumer has reported'} (from ${t.traceTopic})`,
      details: [...t.notes, ...lookupOutcome(t.lookup, `trace records of ${msgId}`, 'trace').details],
      steps,
    };
  }
  const o = lookupOutcome(t.lookup, `trace records of ${msgId} in ${t.traceTopic}`, 'trace');
  if (o.outcome === 'failed') return { msgId, traceTopic: t.traceTopic, outcome: 'failed', headline: o.headline, details: o.details, steps: [] };
  return {
    msgId, traceTopic: t.traceTopic, outcome: 'not-found',
    headline: `No trace for ${msgId} in ${t.traceTopic}${t.traceMessages ? ` (${t.traceMessages} trace message${t.traceMessages > 1 ? 's' : ''} under that key, none about it)` : ''}`,
    details: [NO_TRACE_WHY, ...t.notes],
    steps: [],
  };
}

export function traceFailure(msgId: string, traceTopic: string, e: unknown): TraceView {
  if (e instanceof ResponseCodeError && e.codeName === 'TOPIC_NOT_EXIST') {
    return {
      msgId, traceTopic, outcome: 'not-found', headline: `No trace: the trace topic ${traceTopic} does not exist on this cluster (TOPIC_NOT_EXIST from ${e.role === 'nameserver' ? 'NameServer' : 'broker'} ${e.address})`,
      details: [NO_TRACE_WHY], steps: [],
    };
  }
  const o = thrownOutcome(e, `the trace of ${msgId}`, traceTopic);
  return { msgId, traceTopic, outcome: o.outcome, headline: o.headline, details: o.details, steps: [] };
}

function order(r: TraceRecord): number {
  return r.type === 'Pub' ? 0 : r.type === 'EndTransaction' ? 1 : r.type === 'SubBefore' ? 2 : 3;
}
