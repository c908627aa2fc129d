/**
 * A message's trace: the trace topic's messages indexed under its msgId (QUERY_MESSAGE by key, as
 * `mqadmin queryMsgTraceById` does), decoded, and only the records about that msgId kept.
 */
import { DEFAULT_TRACE_TOPIC, TraceRecord, decodeTraceData } from '../message/trace';
import { MQClient } from '../producer/client';
import { LookupResult, queryByKey } from './lookup';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface TraceLookup {
  msgId: string;
  traceTopic?: string;
  beginTimestamp?: number;
  endTimestamp?: number;
  timeoutMs?: number;
}

export interface TraceResult {
  traceTopic: string;
  records: TraceRecord[];
  /** Trace messages read (one may carry several records, also of other messages). */
  traceMessages: number;
  notes: string[];
  lookup: LookupResult;
}

/** Throws what the route lookup throws (TOPIC_NOT_EXIST when the trace topic does not exist). */
export async function queryTrace(client: MQClient, q: TraceLookup): Promise<TraceResult> {
  const traceTopic = q.traceTopic || DEFAULT_TRACE_TOPIC;
  const msgId = q.msgId.trim().toUpperCase();
  const lookup = await queryByKey(client, { topic: traceTopic, key: msgId, beginTimestamp: q.beginTimestamp, endTimestamp: q.endTimestamp, cap: 64, timeoutMs: q.timeoutMs });
  const records: TraceRecord[] = [];
  const notes: string[] = [];
  for (const m of lookup.messages) {
    // Trace text is separated by U+0001 / U+0002, so the frame model's text rule (no control characters) does not apply.
    let t: string;
    try { t = utf8.decode(m.body ?? new Uint8Array()); } catch { notes.push(`trace message ${m.offsetMsgId} has a body that is not UTF-8`); continue; }
    const d = decodeTraceData(t);
    notes.push(...d.notes.map((n) => `${m.offsetMsgId}: ${n}`));
    records.push(...d.records.filter((r) => r.msgId.toUpperCase() === msgId));
  }
  records.sort((a, b) => (a.timestamp ?? Infinity) - (b.timestamp ?? Infinity));
  return { traceTopic, records, traceMessages: lookup.messages.length, notes, lookup };
}
