/**
 * Consumer Groups in VS Code: adds the group nodes to the Topic Routes view and registers their actions —
 * Reset Consumer Offset… (preview per queue, confirmation, and a second one on production connections),
 * Browse Dead Letters / Retries, Resend to Original Topic — plus a snapshot command for tests. Wiring only:
 * the queries are src/core/consumer/, the words and checks src/app/groups/.
 */
import * as vscode from 'vscode';
import { services } from '../connections/services';
import { routeTree } from '../routes/commands';
import { allowSend } from '../trust';
import { GroupNode, GroupNodeSnapshot, GroupsContribution, OWNER } from './tree';
import { describeFailure } from '../../app/routes/errors';
import { applyOffsetReset, planOffsetReset, ResetOutcome, ResetPlan, ResetTarget } from '../../core/consumer/offset-reset';
import { describeTarget, outcomeText, parseResetTarget, previewHeadline, previewLines } from '../../app/groups/reset';
import { groupTopics } from '../../app/groups/model';
import { GroupMessageKind, groupMessageTopic, originalMessageIdOf, planResend, ResendPlan } from '../../app/groups/dead-letters';
import { sendWithUi } from '../send/commands';
import type { SendOutcome } from '../../app/send/executor';
import type { FindCommandResult } from '../messages/commands';
import type { BrowsedMessage } from '../../core/consumer/browse';

let contribution: GroupsContribution | undefined;

/** The Consumer Groups contribution of this activation (tests and other features). */
export function groupsContribution(): GroupsContribution | undefined { return contribution; }

/** Argument of `rocketmq.resetConsumerOffset` from code; from the tree it is the group (or group topic) node. */
export interface ResetOffsetArgs {
  connection?: string;
  group?: string;
  topic?: string;
  /** `earliest`, `latest`, an ISO time or epoch ms (asked when absent). */
  target?: string;
  /** false: skip the preview confirmation (non-production connections only; production always asks). */
  confirm?: boolean;
  /** Only compute and return the preview. */
  previewOnly?: boolean;
}

/** Argument of `rocketmq.internal.groupsSnapshot`. */
export interface GroupsSnapshotArgs {
  connection: string;
  /** Node kinds (gk) to expand; default groups, group, clients, subscriptions, groupTopic. */
  expand?: string[];
  /** Only these groups are expanded. */
  groups?: string[];
  /** Snapshot the Consumer Groups of this topic instead of the connection's. */
  topic?: string;
  /** Forget what is loaded first (a Refresh of the Consumer Groups node). */
  refresh?: boolean;
}

const nodeArg = (a: unknown): GroupNode | undefined =>
  (typeof a === 'object' && a !== null && (a as GroupNode).kind === 'contributed' && (a as GroupNode).owner === OWNER ? a as GroupNode : undefined);

export function registerGroups(context: vscode.ExtensionContext): void {
  const { connections, log } = services(context);
  const tree = routeTree();
  if (!tree) throw new Error('registerGroups needs the Topic Routes view (registerRoutes first)');
  const c = new GroupsContribution(tree, connections, log);
  contribution = c;
  context.subscriptions.push(tree.contribute(c), { dispose: () => { if (contribution === c) contribution = undefined; } });

  const groupOf = (n: GroupNode | undefined): string | undefined => (n && 'group' in n.data ? n.data.group : undefined);

  /** Asks for a confirmation in a modal dialog; production connections ask a second time (as sending does). */
  const confirmProduction = async (connection: string, what: string, button: string): Promise<boolean> => {
    const profile = connections.get(connection);
    if (!profile?.production) return true;
    const ok = await vscode.window.showWarningMessage(`"${profile.name}" is marked as production. ${what}?`, { modal: true, detail: `NameServer ${profile.namesrv}` }, button);
    if (ok !== button) { log.info(`[${connection}] cancelled at the production confirmation: ${what}`); return false; }
    return true;
  };

  const askTarget = async (): Promise<ResetTarget | undefined> => {
    const pick = await vscode.window.showQuickPick([
      { label: 'Earliest', description: 'the first message each queue still holds', value: 'earliest' },
      { label: 'Latest', description: 'skip every message not consumed yet', value: 'latest' },
      { label: 'A point in time…', description: 'the first message stored at or after it', value: 'time' },
    ], { title: 'Reset Consumer Offset (2/3): to where?', ignoreFocusOut: true });
    if (!pick) return undefined;
    if (pick.value !== 'time') return parseResetTarget(pick.value).target;
    const text = await vscode.window.showInputBox({
      title: 'Reset Consumer Offset: point in time', prompt: 'ISO time (2026-12-04T10:00:00Z; without a zone: local time) or milliseconds since 1970',
      value: new Date(Date.now() - 3600_000).toISOString(), ignoreFocusOut: true, validateInput: (v) => parseResetTarget(v).problem,
    });
    return text === undefined ? undefined : parseResetTarget(text).target;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('rocketmq.resetConsumerOffset', async (arg?: unknown): Promise<{ plan: ResetPlan; outcome?: ResetOutcome } | undefined> => {
      const n = nodeArg(arg);
      const a: ResetOffsetArgs = n ? {} : (typeof arg === 'object' && arg !== null ? arg as ResetOffsetArgs : {});
      const connection = n?.connectionName ?? a.connection ?? connections.activeName();
      const group = groupOf(n) ?? a.group;
      if (!connection || !group) { void vscode.window.showInformationMessage('Choose a consumer group in the Topic Routes view (Consumer Groups) to reset its offsets.'); return undefined; }
      if (!a.previewOnly && !allowSend('Resetting consumer offsets', log)) return undefined;
      let topic = (n?.data.gk === 'groupTopic' ? n.data.topic : undefined) ?? a.topic;
      if (!topic) {
        const insp = await c.inspection(connection, group);
        const topics = insp.ok ? groupTopics(insp.value) : [];
        if (topics.length === 1) topic = topics[0];
        else {
          topic = await vscode.window.showQuickPick(topics.length ? topics : [], { title: `Reset Consumer Offset of ${group} (1/3): which topic?`, placeHolder: topics.length ? undefined : 'the group has no topic' });
        }
        if (!topic) return undefined;
      }
      let target: ResetTarget | undefined;
      if (a.target !== undefined) {
        const parsed = parseResetTarget(a.target);
        if (!parsed.target) throw new Error(`reset target "${a.target}": ${parsed.problem}`);
        target = parsed.target;
      } else target = await askTarget();
      if (!target) return undefined;

      const session = await connections.session(connection);
      let plan: ResetPlan;
      try {
        plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading the offsets of ${group} on ${topic}…` },
          async () => planOffsetReset(session.client, group, topic!, target!, await session.client.getTopicRoute(topic!)));
      } catch (e) {
        const d = describeFailure(e, 'broker');
        log.error(`[${connection}] reset preview of ${group} on ${topic} failed: ${d.short}${d.hint ? ` — ${d.hint}` : ''}`);
        void vscode.window.showErrorMessage(`Cannot preview the reset of ${group}: ${d.short}`);
        return undefined;
      }
      const headline = previewHeadline(plan);
      const lines = previewLines(plan).map((l) => l.text);
      log.info(`[${connection}] ${headline}`);
      for (const l of lines) log.info(`  ${l}`);
      if (a.previewOnly) return { plan };

      const profile = connections.get(connection);
      const mustAsk = a.confirm !== false || !!profile?.production;
      if (mustAsk) {
        const shown = lines.length > 20 ? [...lines.slice(0, 20), `… and ${lines.length - 20} more queues (all in the RocketMQ log)`] : lines;
        const ok = await vscode.window.showWarningMessage(`${headline}?`, {
          modal: true,
          detail: `${shown.join('\n')}\n\nOnline clients of the group are told to move to the new offsets; with none online the offsets are written directly.`,
        }, 'Reset Offsets');
        if (ok !== 'Reset Offsets') { log.info(`[${connection}] reset of ${group} on ${topic} cancelled at the preview`); return { plan }; }
      }
      if (!await confirmProduction(connection, `Reset the consumer offsets of ${group} on ${topic} to ${describeTarget(target)}`, 'Reset on Production')) return { plan };

      let outcome: ResetOutcome;
      try {
        outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Resetting ${group} on ${topic}…` }, () => applyOffsetReset(session.client, plan));
      } catch (e) {
        const d = describeFailure(e, 'broker');
        log.error(`[${connection}] reset of ${group} on ${topic} failed: ${d.short}${d.hint ? ` — ${d.hint}` : ''}`);
        void vscode.window.showErrorMessage(`Reset of ${group} failed: ${d.short}`, 'Show log').then((x) => { if (x) log.show(true); });
        return { plan };
      }
      for (const s of outcome.steps) log.info(`[${connection}] reset ${group}: ${s}`);
      const text = outcomeText(outcome);
      log.info(`[${connection}] ${text}`);
      void vscode.window.showInformationMessage(text);
      for (const gn of c.groupNodesOf(connection, group)) tree.refresh(gn);
      return { plan, outcome };
    }),

    vscode.commands.registerCommand('rocketmq.browseGroupMessages', async (arg?: unknown): Promise<FindCommandResult | undefined> => {
      const n = nodeArg(arg);
      const a = (n ? {} : (typeof arg === 'object' && arg !== null ? arg : {})) as { connection?: string; group?: string; kind?: GroupMessageKind };
      const connection = n?.connectionName ?? a.connection ?? connections.activeName();
      const group = groupOf(n) ?? a.group;
      const kind: GroupMessageKind = n?.data.gk === 'extra' ? n.data.kind : a.kind ?? 'dlq';
      if (!connection || !group) return undefined;
      c.forgetMessages(connection, group, kind);
      // The message view of "Find Message…": everything the topic holds, earliest first (its list pages and its detail, trace and Send Again).
      log.info(`[${connection}] browsing ${groupMessageTopic(group, kind)} in the message view`);
      return vscode.commands.executeCommand<FindCommandResult | undefined>('rocketmq.findMessage', {
        connection, query: { kind: 'time', topic: groupMessageTopic(group, kind), from: 0, to: Date.now(), cap: 500 },
      });
    }),

    vscode.commands.registerCommand('rocketmq.resendToOriginalTopic', async (arg?: unknown): Promise<SendOutcome | undefined> => {
      if (!allowSend('Resending messages', log)) return undefined;
      const n = nodeArg(arg);
      const a = (n ? {} : (typeof arg === 'object' && arg !== null ? arg : {})) as { connection?: string; message?: BrowsedMessage };
      const connection = n?.connectionName ?? a.connection ?? connections.activeName();
      const message = n?.data.gk === 'message' ? n.data.message : a.message;
      if (!connection || !message) return undefined;
      let plan: ResendPlan;
      try {
        plan = planResend(message);
      } catch (e) {
        void vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e));
        return undefined;
      }
      log.info(`[${connection}] resending dead letter ${originalMessageIdOf(message) ?? message.msgId} to ${plan.originalTopic}`);
      for (const note of plan.notes) log.info(`[${connection}] resend: ${note}`);
      // The send path: Workspace Trust, the production confirmation, progress, the notification and the log.
      return sendWithUi(context, connections, log, connection, plan.spec, 'Resend to Original Topic');
    }),

    vscode.commands.registerCommand('rocketmq.internal.groupsSnapshot', async (a: GroupsSnapshotArgs): Promise<GroupNodeSnapshot[]> => {
      const kinds = new Set(a.expand ?? ['groups', 'topicGroups', 'group', 'clients', 'subscriptions', 'groupTopic']);
      const only = a.groups ? new Set(a.groups) : undefined;
      // Make sure the connection's nodes exist (the view may not have been expanded).
      const top = await tree.getChildren(undefined);
      const connNode = top.find((x) => x.kind === 'connection' && x.connectionName === a.connection);
      if (!connNode) return [];
      const under = await tree.getChildren(connNode);
      let roots = under.filter((x) => x.kind === 'contributed' && x.owner === OWNER) as GroupNode[];
      if (a.topic) {
        const topicsNode = under.find((x) => x.kind === 'topics');
        const topics = topicsNode ? await tree.getChildren(topicsNode) : [];
        const topicNode = topics.find((x) => x.kind === 'topic' && x.topic === a.topic);
        roots = topicNode ? (await tree.getChildren(topicNode)).filter((x) => x.kind === 'contributed' && x.owner === OWNER) as GroupNode[] : [];
      }
      if (a.refresh) for (const r of roots) tree.refresh(r);
      return c.snapshotFrom(roots, (n) => kinds.has(n.data.gk) && (n.data.gk !== 'group' || !only || only.has(n.data.group)));
    }),
  );
}
