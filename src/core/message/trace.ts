/**
 * Message trace records (docs/protocol.md §5.6): what a Java client with trace enabled writes to the trace
 * topic (`RMQ_SYS_TRACE_TOPIC` by default). One trace message's body holds contexts separated by U+0002,
 * each a U+0001-separated list whose first field names the type:
 *
 *   Pub            timestamp regionId group topic msgId tags keys storeHost bodyLength costTime msgType
 *                  [offsetMsgId] success [clientHost]        (13, 14 or 15+ fields, as Java's decoder reads them)
 *   SubBefore      timestamp regionId group requestId msgId retryTimes keys
 *   SubAfter       requestId msgId costTime success keys [contextCode] [timestamp]   (joined to its SubBefore by requestId)
 *   EndTransaction timestamp regionId group topic msgId tags keys storeHost msgType transactionId
 *                  transactionState fromTransactionCheck
 *
 * The trace message's KEYS are the traced msgId (UNIQ_KEY) and the message's own keys, so the index finds it.
 * Decoded leniently: a context that does not parse becomes a note, never an exception (the text is untrusted).
 */

export const TRACE_FIELD_SEPARATOR = '\u0002';
export const TRACE_CONTENT_SEPARATOR = '\u0001';
export const DEFAULT_TRACE_TOPIC = 'RMQ_SYS_TRACE_TOPIC';

/** Java `MessageType` by ordinal (the trace's msgType field). */
export const TRACE_MESSAGE_TYPES = ['Normal_Msg', 'Trans_Msg_Half', 'Trans_msgCommit', 'Delay_Msg', 'Order_Msg'] as const;
/** Java `ConsumeReturnType` by ordinal (SubAfter's contextCode). */
export const CONSUME_RETURN_TYPES = ['SUCCESS', 'TIME_OUT', 'EXCEPTION', 'RETURNNULL', 'FAILED'] as const;

export type TraceType = 'Pub' | 'SubBefore' | 'SubAfter' | 'EndTransaction';

export interface TraceRecord {
  type: TraceType;
  /** ms; SubAfter records from old clients have none. */
  timestamp?: number;
  regionId?: string;
  groupName?: string;
  requestId?: string;
  topic?: string;
  msgId: string;
  offsetMsgId?: string;
  tags?: string;
  keys?: string;
  storeHost?: string;
  clientHost?: string;
  bodyLength?: number;
  costTime?: number;
  msgType?: string;
  success?: boolean;
  retryTimes?: number;
  /** SubAfter: how the listener returned (ConsumeReturnType name). */
  consumeResult?: string;
  transactionId?: string;
  transactionState?: string;
  fromTransactionCheck?: boolean;
}

export interface TraceDecodeResult { records: TraceRecord[]; notes: string[] }

const int = (s: string | undefined): number | undefined => (s !== undefined && /^-?\d+$/.test(s) ? Number(s) : undefined);
const text = (s: string | undefined): string | undefined => (s === undefined || s === '' || s === 'null' ? undefined : s);
const bool = (s: string | undefined): boolean | undefined => (s === undefined ? undefined : s === 'true');

function msgType(s: string | undefined): string | undefined {
  const n = int(s);
  return n === undefined ? text(s) : TRACE_MESSAGE_TYPES[n] ?? `type ${n}`;
}

export function decodeTraceData(data: string): TraceDecodeResult {
  const records: TraceRecord[] = [];
  const notes: string[] = [];
  data.split(TRACE_FIELD_SEPARATOR).forEach((ctx, i) => {
    if (!ctx) return;
    const f = ctx.split(TRACE_CONTENT_SEPARATOR);
    const need = (n: number) => {
      if (f.length < n) { notes.push(`context ${i + 1} (${f[0].slice(0, 20)}): ${f.length} fields, ${n} needed`); return false; }
      return true;
    };
    switch (f[0]) {
      case 'Pub': {
        if (!need(13)) return;
        const r: TraceRecord = {
          type: 'Pub', timestamp: int(f[1]), regionId: text(f[2]), groupName: text(f[3]), topic: text(f[4]), msgId: f[5],
          tags: text(f[6]), keys: text(f[7]), storeHost: text(f[8]), bodyLength: int(f[9]), costTime: int(f[10]), msgType: msgType(f[11]),
        };
        if (f.length === 13) r.success = bool(f[12]);
        else { r.offsetMsgId = text(f[12]); r.success = bool(f[13]); if (f.length >= 15) r.clientHost = text(f[14]); }
        records.push(r);
        return;
      }
      case 'SubBefore':
        if (!need(8)) return;
        records.push({ type: 'SubBefore', timestamp: int(f[1]), regionId: text(f[2]), groupName: text(f[3]), requestId: text(f[4]), msgId: f[5], retryTimes: int(f[6]), keys: text(f[7]) });
        return;
      case 'SubAfter': {
        if (!need(6)) return;
        const code = int(f[6]);
        records.push({
          type: 'SubAfter', requestId: text(f[1]), msgId: f[2], costTime: int(f[3]), success: bool(f[4]), keys: text(f[5]),
          consumeResult: code === undefined ? undefined : CONSUME_RETURN_TYPES[code] ?? `code ${code}`, timestamp: int(f[7]),
        });
        return;
      }
      case 'EndTransaction':
        if (!need(13)) return;
        records.push({
          type: 'EndTransaction', timestamp: int(f[1]), regionId: text(f[2]), groupName: text(f[3]), topic: text(f[4]), msgId: f[5], tags: text(f[6]),
          keys: text(f[7]), storeHost: text(f[8]), msgType: msgType(f[9]), transactionId: text(f[10]), transactionState: text(f[11]), fromTransactionCheck: bool(f[12]),
        });
        return;
      default:
        notes.push(`context ${i + 1}: unknown trace type ${JSON.stringify(f[0].slice(0, 40))}`);
    }
  });
  return { records, notes };
}
