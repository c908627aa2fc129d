/**
 * The route dry-run of a SendSpec (the send flow, request blocks): the same checks, the same
 * messages and the same producer as executeSpec, so the prediction is where the next send of that
 * connection goes. No `vscode` import.
 */
import { predictSend, SendPrediction, DryRunRouting } from '../../core/producer';
import { SendSpec, buildMessages, validateSpec } from '../../core/requestfile';
import { Message } from '../../core/message';
import { errorText } from '../../core/errors';
import { ConnectionSession } from '../connections/session';

export function routingOf(spec: SendSpec): DryRunRouting {
  const q = spec.queue;
  if (q?.kind === 'sharding') return { kind: 'sharding', shardingKey: q.shardingKey };
  if (q?.kind === 'explicit') return { kind: 'explicit', brokerName: q.brokerName, queueId: q.queueId };
  return { kind: 'round-robin' };
}

export async function dryRunSpec(session: ConnectionSession, input: SendSpec): Promise<SendPrediction> {
  const problems = validateSpec(input);
  const spec: SendSpec = { ...input, topic: session.wrapTopic(input.topic) };
  let messages: Message[] = [];
  try {
    messages = buildMessages(spec);
  } catch (e) {
    problems.push(errorText(e));
  }
  const producer = await session.producer();
  return predictSend(producer, { topic: spec.topic, messages, batch: spec.batch, routing: routingOf(spec), problems });
}

/** One line for a QuickPick detail, a CodeLens or a notification: where it goes, or why not. */
export function predictionLine(p: SendPrediction): string {
  if (!p.ok) return `Would be refused: ${p.refusals[0]}${p.refusals.length > 1 ? ` (+${p.refusals.length - 1} more)` : ''}`;
  const q = p.selection.queue;
  const where = q ? `${q.brokerName} queue ${q.queueId}${p.selection.address ? ` (${p.selection.address})` : ''}` : `one of ${p.writableQueues.length} writable queues`;
  const how = p.selection.mode === 'sharding' ? `sharding key hash ${p.selection.hash}` : p.selection.mode === 'explicit' ? 'explicit queue'
    : p.selection.position !== null ? `round-robin position ${p.selection.position} of ${p.writableQueues.length}` : 'round-robin';
  return `Goes to ${where} · ${how}${p.routeSource === 'auto-create' ? ' · topic auto-created (TBW102)' : ''}${p.faultTolerance.avoided.length ? ` · avoided: ${p.faultTolerance.avoided.map((a) => a.brokerName).join(', ')}` : ''}`;
}
