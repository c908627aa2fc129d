/**
 * A consumer group as plain JSON (the CLI's `group --json`, and what tests compare): clients, subscriptions
 * (the broker's and each client's own), per-topic per-queue progress with the holding client, the retry and
 * dead-letter topics, the diagnoses and what could not be asked. No `vscode`.
 */
import type { GroupInspection, GroupSummary, InspectionFailure } from '../../core/consumer/group-inspection';
import { lagOf } from '../../core/consumer/group-inspection';
import { describeFailure } from '../routes/errors';
import type { Diagnosis } from './diagnoses';
import { groupTopics, lagByTopic, queueRows } from './model';

export interface GroupReport {
  group: string;
  /** Σ (broker offset − consumer offset) over every queue the group has progress on: mqadmin's "Diff Total". */
  totalLag: number;
  consumeTps: number;
  clients: { clientId: string; clientAddr: string; language: string; version: number; brokers: string[] }[];
  consumeType?: string;
  messageModel?: string;
  consumeFromWhere?: string;
  subscriptions: { topic: string; expression: string; type: string; brokers: string[] }[];
  /** Each client's own subscriptions (full inspection only). */
  clientSubscriptions?: Record<string, { topic: string; expression: string; type: string }[]>;
  topics: {
    topic: string;
    lag: number;
    queues: { brokerName: string; queueId: number; brokerOffset: number; consumerOffset: number; lag: number; lastTimestamp: number; clients?: string[] }[];
  }[];
  retry: { topic: string; exists: boolean; messages: number; waiting: number };
  dlq: { topic: string; exists: boolean; messages: number };
  diagnoses: { kind: string; severity: string; title: string; detail: string }[];
  failures: { what: string; broker?: string; error: string }[];
}

export function failureText(f: InspectionFailure): string {
  return describeFailure(f.error, f.brokerName || f.addr ? 'broker' : 'nameserver').short;
}

export function groupReport(s: GroupSummary | GroupInspection, diagnoses: Diagnosis[]): GroupReport {
  const full = 'clientViews' in s ? s : undefined;
  const byTopic = lagByTopic(s.queues);
  const r: GroupReport = {
    group: s.group,
    totalLag: s.totalLag,
    consumeTps: s.consumeTps,
    clients: s.clients.map((c) => ({ clientId: c.clientId, clientAddr: c.clientAddr, language: c.language, version: c.version, brokers: c.brokers })),
    subscriptions: s.subscriptions.map((x) => ({ topic: x.topic, expression: x.subString, type: x.expressionType, brokers: x.brokers })),
    topics: groupTopics(s).map((topic) => ({
      topic,
      lag: byTopic.get(topic) ?? 0,
      queues: queueRows(topic, s).map((q) => ({
        brokerName: q.mq.brokerName, queueId: q.mq.queueId, brokerOffset: q.brokerOffset, consumerOffset: q.consumerOffset, lag: q.lag, lastTimestamp: q.lastTimestamp,
        ...(full ? { clients: q.holders } : {}),
      })),
    })),
    retry: { topic: s.retry.topic, exists: s.retry.exists, messages: s.retry.messages, waiting: s.queues.filter((q) => q.mq.topic === s.retry.topic).reduce((n, q) => n + lagOf(q), 0) },
    dlq: { topic: s.dlq.topic, exists: s.dlq.exists, messages: s.dlq.messages },
    diagnoses: diagnoses.map((d) => ({ kind: d.kind, severity: d.severity, title: d.title, detail: d.detail })),
    failures: s.failures.map((f) => ({ what: f.what, ...(f.brokerName ? { broker: f.brokerName } : {}), error: failureText(f) })),
  };
  if (s.consumeType) r.consumeType = s.consumeType;
  if (s.messageModel) r.messageModel = s.messageModel;
  if (s.consumeFromWhere) r.consumeFromWhere = s.consumeFromWhere;
  if (full) {
    r.clientSubscriptions = {};
    for (const v of full.clientViews) {
      if (v.runningInfo) r.clientSubscriptions[v.clientId] = v.runningInfo.subscriptions.map((x) => ({ topic: x.topic, expression: x.subString, type: x.expressionType }));
    }
  }
  return r;
}

/** Whether any broker knows the group at all (a config, progress, or a client). */
export function groupKnown(s: GroupSummary, hasConfig: boolean): boolean {
  return hasConfig || s.clients.length > 0 || s.queues.length > 0 || s.retry.exists || s.dlq.exists;
}
