/**
 * Words and checks for "Reset Consumer Offset…": the target as typed, the per-queue preview, the outcome.
 * No `vscode`; the command (src/extension/groups/) asks and confirms, the core (offset-reset.ts) does it.
 */
import type { ResetOutcome, ResetPlan, ResetTarget } from '../../core/consumer/offset-reset';
import { plural } from './model';

/**
 * `earliest`, `latest`, an ISO 8601 time (`2026-12-04T10:00:00Z`, `2026-12-04 10:00`: local time without a zone)
 * or milliseconds since the epoch. Undefined with a reason when it is none of them.
 */
export function parseResetTarget(text: string, now = Date.now()): { target?: ResetTarget; problem?: string } {
  const t = text.trim();
  if (/^(earliest|first|oldest)$/i.test(t)) return { target: { kind: 'earliest' } };
  if (/^(latest|last|newest|now)$/i.test(t)) return { target: { kind: 'latest' } };
  let ms: number;
  if (/^\d{10,16}$/.test(t)) ms = Number(t);
  else if (/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(t)) ms = Date.parse(t.replace(' ', 'T'));
  else return { problem: 'type earliest, latest, a time such as 2026-12-04T10:00:00Z, or milliseconds since 1970' };
  if (!Number.isFinite(ms)) return { problem: `"${t}" is not a valid time` };
  if (ms > now + 365 * 24 * 3600 * 1000) return { problem: `${new Date(ms).toISOString()} is more than a year ahead` };
  return { target: { kind: 'timestamp', timestamp: ms } };
}

export function describeTarget(t: ResetTarget): string {
  return t.kind === 'earliest' ? 'the earliest retained message' : t.kind === 'latest' ? 'the latest offset (skip everything not yet consumed)' : `the first message stored at ${new Date(t.timestamp).toISOString()}`;
}

export interface PreviewLine { queue: string; text: string; delta: number }

/** One line per queue: `broker-a:0  8 → 0  (8 messages consumed again)`. */
export function previewLines(plan: ResetPlan): PreviewLine[] {
  return plan.queues.map((q) => {
    const cur = q.current ?? 0;
    const delta = cur - q.target;
    const what = delta > 0 ? `${plural(delta, 'message')} consumed again` : delta < 0 ? `${plural(-delta, 'message')} skipped` : 'unchanged';
    return { queue: `${q.mq.brokerName}:${q.mq.queueId}`, delta, text: `${q.mq.brokerName}:${q.mq.queueId}  ${q.current === undefined ? 'none' : q.current} → ${q.target}  (${what}; queue holds ${q.min}…${q.max})` };
  });
}

/** `Reset G1 on GT to the earliest retained message: 4 queues, 18 messages consumed again, 0 skipped`. */
export function previewHeadline(plan: ResetPlan): string {
  const lines = previewLines(plan);
  const again = lines.reduce((n, l) => n + Math.max(0, l.delta), 0);
  const skipped = lines.reduce((n, l) => n + Math.max(0, -l.delta), 0);
  return `Reset ${plan.group} on ${plan.topic} to ${describeTarget(plan.target)}: ${plural(lines.length, 'queue')}, ${plural(again, 'message')} consumed again, ${skipped} skipped`;
}

/** The outcome for a notification: how many queues moved and whether any differs from the preview. */
export function outcomeText(o: ResetOutcome): string {
  const differ = o.queues.filter((q) => q.offset !== q.planned);
  const how = [...new Set(o.queues.map((q) => (q.how === 'broker-reset' ? 'by the brokers (online clients follow)' : 'with UPDATE_CONSUMER_OFFSET (no client online)')))].join(' and ');
  return `Reset ${o.plan.group} on ${o.plan.topic}: ${plural(o.queues.length, 'queue')} set ${how}`
    + (differ.length ? `; ${differ.length} differ from the preview (${differ.map((q) => `${q.mq.brokerName}:${q.mq.queueId} ${q.planned} → ${q.offset}`).join(', ')}: messages arrived or expired in between)` : '');
}
