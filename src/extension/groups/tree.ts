/**
 * The Consumer Groups nodes of the Topic Routes view (a TreeContribution of src/extension/routes/tree.ts):
 * connection → Consumer Groups → group (total lag, online clients, diagnoses) → diagnoses, Clients,
 * Subscriptions, one node per topic with its queues, the retry and dead-letter topics with their messages;
 * and topic → Consumer Groups of that topic. Data comes from src/core/consumer/group-inspection.ts through the
 * connection's session pool, words from src/app/groups/. Everything loads when expanded and stays until
 * Refresh; a Refresh is also what "lag growing" compares with.
 */
import * as vscode from 'vscode';
import type { Log } from '../connections/log';
import type { ConnectionStore } from '../connections/store';
import { ConnectionNode, ContributedNode, Node, NodeSnapshot, TopicNode, TopicRouteTree, TreeContribution } from '../routes/tree';
import { describeFailure, PeerRole } from '../../app/routes/errors';
import { GroupInspection, GroupSummary, groupsOfTopic, inspectGroup, summarizeGroup } from '../../core/consumer/group-inspection';
import type { BrowsedMessage } from '../../core/consumer/browse';
import type { TopicRouteData } from '../../core/remoting';
import { GroupUniverse, loadGroupUniverse, mapLimit } from '../../app/groups/queries';
import { buildGroupList, clientRow, ClientRow, describeGroupSummary, describeSubscription, groupTopics, isSystemGroup, lagByTopic, plural, queueRows, QueueRow } from '../../app/groups/model';
import { Diagnosis, diagnose, diagnosisLogLine, GroupHistory } from '../../app/groups/diagnoses';
import { bodyPreview, browseGroupMessages, describeGroupMessage, GroupMessageKind, originalTopicOf } from '../../app/groups/dead-letters';
import { failureText } from '../../app/groups/report';
import { lagOf } from '../../core/consumer/group-inspection';

export const OWNER = 'groups';

export type GroupNodeData =
  | { gk: 'groups' }
  | { gk: 'topicGroups'; topic: string }
  | { gk: 'group'; group: string }
  | { gk: 'diagnosis'; group: string; diagnosis: Diagnosis }
  | { gk: 'clients'; group: string }
  | { gk: 'client'; group: string; row: ClientRow }
  | { gk: 'subscriptions'; group: string }
  | { gk: 'subscription'; group: string; topic: string; label: string; description: string; tooltip: string }
  | { gk: 'groupTopic'; group: string; topic: string }
  | { gk: 'groupQueue'; group: string; row: QueueRow }
  | { gk: 'extra'; group: string; kind: GroupMessageKind }
  | { gk: 'message'; group: string; kind: GroupMessageKind; message: BrowsedMessage }
  | { gk: 'info'; label: string; detail?: string; icon: 'info' | 'warning' }
  | { gk: 'error'; label: string; hint?: string };

export interface GroupNode extends ContributedNode { data: GroupNodeData }

/** A node of the snapshot tests read: the tree's NodeSnapshot with the group node's kind (`gk`). */
export interface GroupNodeSnapshot extends NodeSnapshot { gk?: GroupNodeData['gk']; children?: GroupNodeSnapshot[] }

type Result<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface ConnectionData {
  universe?: Promise<Result<GroupUniverse>>;
  summaries: Map<string, Promise<Result<GroupSummary>>>;
  inspections: Map<string, Promise<Result<GroupInspection>>>;
  topicGroups: Map<string, Promise<Result<string[]>>>;
  messages: Map<string, Promise<Result<BrowsedMessage[]>>>;
  history: GroupHistory;
  /** The last loaded summary (or full inspection) of each group: what the group rows draw. */
  latest: Map<string, GroupSummary>;
  /** Diagnoses already written to the log since the last refresh (log each once). */
  logged: Set<string>;
}

/** Messages of a retry or dead-letter topic listed in the tree (Browse Dead Letters / Retries shows more). */
const MESSAGES_SHOWN = 100;
/**
 * Group rows first show what the cheap questions give (clients, lag, retry / dead letters); the full
 * inspection (each client's own view, so the subscription, idle-client, unheld-queue and lock diagnoses)
 * then runs in the background for this many groups of a list, two at a time, and updates the rows.
 * Larger lists inspect a group when it is expanded.
 */
const BACKGROUND_INSPECTIONS = 50;

export class GroupsContribution implements TreeContribution {
  readonly owner = OWNER;
  private readonly data = new Map<string, ConnectionData>();
  private readonly nodes = new Map<string, GroupNode>();

  constructor(private readonly tree: TopicRouteTree, private readonly connections: ConnectionStore, private readonly log: Log) {}

  // ------------------------------------------------------------------ placement

  childrenOf(parent: ConnectionNode | TopicNode): ContributedNode[] {
    if (parent.kind === 'connection') return [this.node(parent, 'groups', { gk: 'groups' })];
    return [this.node(parent, 'groups', { gk: 'topicGroups', topic: parent.topic })];
  }

  private node(parent: Node, key: string, data: GroupNodeData): GroupNode {
    const id = `${parent.id}/g:${key}`;
    const connectionName = 'connectionName' in parent ? parent.connectionName : '';
    const existing = this.nodes.get(id);
    if (existing) { existing.data = data; existing.parent = parent; return existing; }
    const n: GroupNode = { kind: 'contributed', owner: OWNER, id, parent, connectionName, data };
    this.nodes.set(id, n);
    return n;
  }

  private conn(name: string): ConnectionData {
    let d = this.data.get(name);
    if (!d) {
      d = { summaries: new Map(), inspections: new Map(), topicGroups: new Map(), messages: new Map(), history: new GroupHistory(), logged: new Set(), latest: new Map() };
      this.data.set(name, d);
    }
    return d;
  }

  // ------------------------------------------------------------------ data

  private async load<T>(connection: string, what: string, role: PeerRole, f: () => Promise<T>): Promise<Result<T>> {
    const started = Date.now();
    try {
      const value = await this.tree.withProgress(f());
      this.log.debug(`[${connection}] ${what}: ok in ${Date.now() - started} ms`);
      return { ok: true, value };
    } catch (error) {
      const d = describeFailure(error, role);
      this.log.error(`[${connection}] ${what} failed: ${d.short}${d.hint ? ` — ${d.hint}` : ''}`);
      return { ok: false, error };
    }
  }

  universe(connection: string): Promise<Result<GroupUniverse>> {
    const d = this.conn(connection);
    d.universe ??= this.load(connection, 'consumer groups (GET_BROKER_CLUSTER_INFO, GET_ALL_SUBSCRIPTIONGROUP_CONFIG)', 'nameserver', async () => {
      const s = await this.connections.session(connection);
      const u = await loadGroupUniverse(s.client);
      for (const f of u.failures) this.log.warn(`[${connection}] ${f.what} from ${f.brokerName} (${f.addr}) failed: ${failureText(f)}`);
      return u;
    });
    return d.universe;
  }

  private route(connection: string, topic: string): Promise<TopicRouteData> {
    return this.tree.route(connection, topic).then((r) => { if (r.ok) return r.value; throw r.error; });
  }

  summary(connection: string, group: string): Promise<Result<GroupSummary>> {
    const d = this.conn(connection);
    let p = d.summaries.get(group);
    if (!p) {
      p = this.load(connection, `consumer group ${group} (GET_CONSUMER_CONNECTION_LIST, GET_CONSUME_STATS)`, 'broker', async () => {
        const [s, u] = await Promise.all([this.connections.session(connection), this.universe(connection)]);
        if (!u.ok) throw u.error;
        // Routes fresh from the NameServer (not the tree's cache): a retry or dead-letter topic gains brokers as
        // messages fail on them, and the counts must see every one.
        const sum = await summarizeGroup(s.client, group, u.value.masters, { knownTopics: u.value.knownTopics });
        d.history.observe(sum);
        // A full inspection loaded meanwhile stays what the row shows.
        if (!d.inspections.has(group)) { d.latest.set(group, sum); this.redrawGroup(connection, group); }
        this.logDiagnoses(connection, sum, diagnose(sum, d.history.previous(group)));
        return sum;
      });
      d.summaries.set(group, p);
    }
    return p;
  }

  inspection(connection: string, group: string): Promise<Result<GroupInspection>> {
    const d = this.conn(connection);
    let p = d.inspections.get(group);
    if (!p) {
      p = this.load(connection, `consumer group ${group} in full (GET_CONSUMER_RUNNING_INFO of each client)`, 'broker', async () => {
        const [s, u] = await Promise.all([this.connections.session(connection), this.universe(connection)]);
        if (!u.ok) throw u.error;
        // No topic list here: a retry or dead-letter topic made after the list was read must still be counted.
        const insp = await inspectGroup(s.client, group, u.value.masters);
        d.history.observe(insp);
        // The full view replaces the summary: the group row then shows what its children show.
        d.summaries.set(group, Promise.resolve({ ok: true, value: insp }));
        d.latest.set(group, insp);
        this.redrawGroup(connection, group);
        this.logDiagnoses(connection, insp, diagnose(insp, d.history.previous(group)));
        for (const f of insp.failures) this.log.warn(`[${connection}] group ${group}: ${f.what}${f.brokerName ? ` (${f.brokerName})` : ''} failed: ${failureText(f)}`);
        return insp;
      });
      d.inspections.set(group, p);
    }
    return p;
  }

  private logDiagnoses(connection: string, s: GroupSummary, ds: Diagnosis[]): void {
    const d = this.conn(connection);
    for (const x of ds) {
      const key = `${s.group}\u0000${x.kind}\u0000${x.title}`;
      if (d.logged.has(key)) continue;
      d.logged.add(key);
      const line = diagnosisLogLine(connection, s.group, x);
      if (x.severity === 'warning') this.log.warn(line); else this.log.info(line);
    }
  }

  /** Diagnoses of what is loaded for a group (the full inspection when there is one). */
  async diagnosesOf(connection: string, group: string): Promise<Diagnosis[]> {
    const d = this.conn(connection);
    const r = await (d.inspections.get(group) ?? d.summaries.get(group) ?? this.summary(connection, group));
    return r.ok ? diagnose(r.value, d.history.previous(group)) : [];
  }

  messages(connection: string, group: string, kind: GroupMessageKind, cap = MESSAGES_SHOWN): Promise<Result<BrowsedMessage[]>> {
    const d = this.conn(connection);
    const key = `${group}\u0000${kind}\u0000${cap}`;
    let p = d.messages.get(key);
    if (!p) {
      p = this.load(connection, `${kind === 'dlq' ? 'dead letters' : 'retries'} of ${group} (SEARCH_OFFSET_BY_TIMESTAMP, PULL_MESSAGE)`, 'broker', async () =>
        browseGroupMessages((await this.connections.session(connection)).client, group, kind, cap));
      d.messages.set(key, p);
    }
    return p;
  }

  /** Forgets what was read of a group's retry or dead-letter topic (the next read pulls again). */
  forgetMessages(connection: string, group: string, kind: GroupMessageKind): void {
    const d = this.conn(connection);
    for (const k of [...d.messages.keys()]) if (k.startsWith(`${group}\u0000${kind}\u0000`)) d.messages.delete(k);
  }

  // ------------------------------------------------------------------ refresh

  refresh(n: Node | undefined): void {
    if (!n) {
      for (const d of this.data.values()) this.forget(d);
      return;
    }
    const d = this.data.get('connectionName' in n ? n.connectionName : '');
    if (!d) return;
    if (n.kind === 'connection') { this.forget(d); return; }
    if (n.kind !== 'contributed' || n.owner !== OWNER) return;
    const data = (n as GroupNode).data;
    switch (data.gk) {
      case 'groups': this.forget(d); break;
      case 'topicGroups': d.topicGroups.delete(data.topic); break;
      case 'info': case 'error': if (n.parent) this.refresh(n.parent); break;
      default: {
        const group = 'group' in data ? data.group : undefined;
        if (group === undefined) break;
        d.history.advance(group);
        d.summaries.delete(group);
        d.inspections.delete(group);
        d.latest.delete(group);
        for (const k of [...d.messages.keys()]) if (k.startsWith(`${group}\u0000`)) d.messages.delete(k);
        for (const k of [...d.logged]) if (k.startsWith(`${group}\u0000`)) d.logged.delete(k);
      }
    }
  }

  private forget(d: ConnectionData): void {
    d.history.advance();
    d.universe = undefined;
    d.summaries.clear();
    d.inspections.clear();
    d.latest.clear();
    d.topicGroups.clear();
    d.messages.clear();
    d.logged.clear();
  }

  listSettingsChanged(): void {
    for (const n of this.nodes.values()) if (n.data.gk === 'groups') this.tree.redraw(n);
  }

  // ------------------------------------------------------------------ children

  private errorNode(parent: GroupNode, key: string, e: unknown, role: PeerRole): GroupNode {
    const d = describeFailure(e, role);
    return this.node(parent, `error:${key}`, { gk: 'error', label: d.short, hint: d.hint });
  }

  private info(parent: GroupNode, key: string, label: string, detail?: string, icon: 'info' | 'warning' = 'info'): GroupNode {
    return this.node(parent, `info:${key}`, { gk: 'info', label, detail, icon });
  }

  private groupNodes(parent: GroupNode, groups: string[]): GroupNode[] {
    return groups.map((group) => this.node(parent, `group:${group}`, { gk: 'group', group }));
  }

  async getChildren(n: ContributedNode): Promise<Node[]> {
    const g = n as GroupNode;
    const conn = g.connectionName;
    const data = g.data;
    switch (data.gk) {
      case 'groups': {
        const u = await this.universe(conn);
        if (!u.ok) return [this.errorNode(g, 'universe', u.error, 'nameserver')];
        const showSystem = this.tree.showSystemTopics();
        const list = buildGroupList(u.value.listing.groups.keys(), { showSystem, filter: this.tree.topicFilter });
        await mapLimit(list.visible, 6, (x) => this.summary(conn, x));
        const out: GroupNode[] = [];
        for (const f of u.value.failures) out.push(this.errorNode(g, `f:${f.brokerName}`, f.error, 'broker'));
        out.push(...this.groupNodes(g, list.visible));
        this.inspectInBackground(conn, list.visible);
        if (list.total === 0) out.push(this.info(g, 'empty', 'No broker has a consumer group', 'GET_ALL_SUBSCRIPTIONGROUP_CONFIG returned no group on any master.'));
        else if (list.visible.length === 0) out.push(this.info(g, 'hidden', `No groups shown: ${hiddenText(list.hiddenSystem, list.hiddenByFilter, this.tree.topicFilter)}`));
        return out;
      }
      case 'topicGroups': {
        const d = this.conn(conn);
        let p = d.topicGroups.get(data.topic);
        if (!p) {
          p = this.load(conn, `groups of ${data.topic} (QUERY_TOPIC_CONSUME_BY_WHO)`, 'broker', async () => {
            const s = await this.connections.session(conn);
            const r = await groupsOfTopic(s.client, data.topic, await this.route(conn, data.topic));
            if (r.failures.length && !r.groups.length) throw r.failures[0].error;
            return r.groups;
          });
          d.topicGroups.set(data.topic, p);
        }
        const r = await p;
        if (!r.ok) return [this.errorNode(g, 'who', r.error, 'broker')];
        const list = buildGroupList(r.value, { showSystem: this.tree.showSystemTopics() });
        await mapLimit(list.visible, 6, (x) => this.summary(conn, x));
        const out = this.groupNodes(g, list.visible);
        this.inspectInBackground(conn, list.visible);
        if (!r.value.length) out.push(this.info(g, 'none', 'No consumer group consumes this topic', 'No broker of the topic lists a group online with a subscription to it or with offsets for it.'));
        else if (!list.visible.length) out.push(this.info(g, 'hidden', `No groups shown: ${plural(list.hiddenSystem, 'system group')} hidden`));
        return out;
      }
      case 'group': {
        const r = await this.inspection(conn, data.group);
        if (!r.ok) return [this.errorNode(g, 'inspect', r.error, 'broker')];
        const s = r.value;
        const out: GroupNode[] = [];
        for (const d of diagnose(s, this.conn(conn).history.previous(data.group))) out.push(this.node(g, `diag:${d.kind}:${d.topic ?? ''}`, { gk: 'diagnosis', group: data.group, diagnosis: d }));
        for (const f of s.failures) out.push(this.node(g, `fail:${f.what}:${f.brokerName ?? ''}`, { gk: 'error', label: `Could not ask ${f.what}${f.brokerName ? ` (${f.brokerName})` : ''}: ${failureText(f)}` }));
        out.push(this.node(g, 'clients', { gk: 'clients', group: data.group }));
        out.push(this.node(g, 'subs', { gk: 'subscriptions', group: data.group }));
        for (const topic of groupTopics(s)) out.push(this.node(g, `topic:${topic}`, { gk: 'groupTopic', group: data.group, topic }));
        out.push(this.node(g, 'retry', { gk: 'extra', group: data.group, kind: 'retry' }));
        out.push(this.node(g, 'dlq', { gk: 'extra', group: data.group, kind: 'dlq' }));
        return out;
      }
      case 'clients': {
        const s = await this.loaded(conn, data.group);
        if (!s) return [];
        if (!s.clients.length) return [this.info(g, 'none', 'No client online', 'No broker lists a client of this group.', 'warning')];
        return s.clients.map((c) => this.node(g, `client:${c.clientId}`, {
          gk: 'client', group: data.group, row: clientRow(c, s, s.clientViews.find((v) => v.clientId === c.clientId)?.runningInfo),
        }));
      }
      case 'subscriptions': {
        const s = await this.loaded(conn, data.group);
        if (!s) return [];
        const rows: GroupNode[] = [];
        const topics = new Set<string>();
        for (const x of s.subscriptions) if (!x.topic.startsWith('%RETRY%')) topics.add(x.topic);
        for (const v of s.clientViews) for (const x of v.runningInfo?.subscriptions ?? []) if (!x.topic.startsWith('%RETRY%')) topics.add(x.topic);
        for (const topic of [...topics].sort()) {
          const broker = s.subscriptions.filter((x) => x.topic === topic);
          const perClient = s.clientViews.map((v) => ({ id: v.clientId, sub: v.runningInfo?.subscriptions.find((x) => x.topic === topic), known: !!v.runningInfo }));
          const exprs = [...new Set(perClient.filter((c) => c.sub).map((c) => describeSubscription(c.sub!)))];
          const description = exprs.length ? exprs.join('  ≠  ') : broker.map(describeSubscription).join('  ≠  ');
          const tooltip = [
            `Topic ${topic}`,
            `The brokers keep: ${broker.map((b) => `${describeSubscription(b)} (${b.brokers.join(', ')})`).join('; ') || 'nothing'}`,
            ...perClient.map((c) => `${c.id}: ${c.sub ? describeSubscription(c.sub) : c.known ? 'does not subscribe' : 'unknown (its running info could not be read)'}`),
          ].join('\n');
          rows.push(this.node(g, `sub:${topic}`, { gk: 'subscription', group: data.group, topic, label: topic, description, tooltip }));
        }
        if (!rows.length) rows.push(this.info(g, 'none', 'No subscription known', 'No client is online to report one.'));
        return rows;
      }
      case 'groupTopic': {
        const s = await this.loaded(conn, data.group);
        if (!s) return [];
        return queueRows(data.topic, s).map((row) => this.node(g, `q:${row.label}`, { gk: 'groupQueue', group: data.group, row }));
      }
      case 'extra': {
        const r = await this.messages(conn, data.group, data.kind);
        if (!r.ok) return [this.errorNode(g, 'browse', r.error, 'broker')];
        if (!r.value.length) return [this.info(g, 'empty', 'No message retained')];
        const out = r.value.map((message, i) => this.node(g, `m:${message.brokerName}:${message.queueId}:${message.queueOffset}:${i}`, { gk: 'message', group: data.group, kind: data.kind, message }));
        return out;
      }
      default:
        return [];
    }
  }

  private inspectInBackground(conn: string, groups: string[]): void {
    void mapLimit(groups.slice(0, BACKGROUND_INSPECTIONS), 2, (x) => this.inspection(conn, x));
  }

  /** The group's full inspection if loaded (children of an expanded group). */
  private async loaded(conn: string, group: string): Promise<GroupInspection | undefined> {
    const r = await this.inspection(conn, group);
    return r.ok ? r.value : undefined;
  }

  // ------------------------------------------------------------------ drawing

  getTreeItem(n: ContributedNode): vscode.TreeItem {
    const g = n as GroupNode;
    const C = vscode.TreeItemCollapsibleState;
    const item = (label: string, state: vscode.TreeItemCollapsibleState, context: string) => {
      const t = new vscode.TreeItem(label, state);
      t.id = g.id;
      t.contextValue = context;
      return t;
    };
    const warn = new vscode.ThemeColor('list.warningForeground');
    const data = g.data;
    switch (data.gk) {
      case 'groups':
      case 'topicGroups': {
        const t = item('Consumer Groups', C.Collapsed, data.gk === 'groups' ? 'groups' : 'groupsOfTopic');
        t.iconPath = new vscode.ThemeIcon('organization');
        t.description = data.gk === 'groups'
          ? [this.tree.topicFilter ? `filter "${this.tree.topicFilter}"` : '', this.tree.showSystemTopics() ? 'system groups shown' : 'system groups hidden'].filter(Boolean).join(' · ')
          : 'consuming this topic';
        t.tooltip = data.gk === 'groups'
          ? 'Every subscription group the brokers know (GET_ALL_SUBSCRIPTIONGROUP_CONFIG), with online clients and lag. System groups follow "Show or Hide System Topics"; "Filter Topics…" filters groups too.'
          : 'Groups online with a subscription to this topic, or with offsets for it (QUERY_TOPIC_CONSUME_BY_WHO on each broker of the topic).';
        return t;
      }
      case 'group': {
        const { summary, diagnoses } = this.peek(g.connectionName, data.group);
        const warnings = diagnoses.filter((d) => d.severity === 'warning');
        const t = item(data.group, C.Collapsed, `group${summary && summary.clients.length ? '.online' : ''}`);
        t.description = summary ? `${describeGroupSummary(summary)}${warnings.length ? ` · ⚠ ${warnings.length}` : ''}` : 'not loaded';
        t.iconPath = new vscode.ThemeIcon(warnings.length ? 'warning' : isSystemGroup(data.group) ? 'gear' : 'symbol-interface', warnings.length ? warn : undefined);
        t.tooltip = groupTooltip(data.group, summary, diagnoses);
        return t;
      }
      case 'diagnosis': {
        const d = data.diagnosis;
        const t = item(d.title, C.None, `groupDiagnosis.${d.kind}`);
        t.iconPath = new vscode.ThemeIcon(d.severity === 'warning' ? 'warning' : 'info', d.severity === 'warning' ? warn : undefined);
        t.tooltip = `${d.title}\n\n${d.detail}`;
        t.command = { command: 'rocketmq.showLog', title: 'Show log' };
        return t;
      }
      case 'clients': {
        const { summary } = this.peek(g.connectionName, data.group);
        const t = item('Clients', C.Collapsed, 'groupClients');
        t.description = summary ? `${summary.clients.length} online` : undefined;
        t.iconPath = new vscode.ThemeIcon('vm-connect');
        return t;
      }
      case 'client': {
        const t = item(data.row.label, C.None, 'groupClient');
        t.description = data.row.description;
        t.tooltip = data.row.tooltip;
        t.iconPath = new vscode.ThemeIcon('account');
        return t;
      }
      case 'subscriptions': {
        const t = item('Subscriptions', C.Collapsed, 'groupSubscriptions');
        t.iconPath = new vscode.ThemeIcon('filter');
        return t;
      }
      case 'subscription': {
        const t = item(data.label, C.None, 'groupSubscription');
        t.description = data.description;
        t.tooltip = data.tooltip;
        const differ = data.description.includes('≠');
        t.iconPath = new vscode.ThemeIcon(differ ? 'warning' : 'symbol-event', differ ? warn : undefined);
        return t;
      }
      case 'groupTopic': {
        const { summary } = this.peek(g.connectionName, data.group);
        const t = item(data.topic, C.Collapsed, 'groupTopic');
        const lag = summary ? lagByTopic(summary.queues).get(data.topic) ?? 0 : undefined;
        const n = summary ? queueRows(data.topic, summary).length : undefined;
        t.description = summary ? `lag ${lag} · ${plural(n!, 'queue')}` : undefined;
        t.iconPath = new vscode.ThemeIcon('symbol-event');
        return t;
      }
      case 'groupQueue': {
        const r = data.row;
        const t = item(r.label, C.None, 'groupQueue');
        t.description = r.description;
        const unheld = r.holders.length === 0 && r.description.endsWith('no client');
        t.iconPath = new vscode.ThemeIcon(unheld ? 'warning' : 'inbox', unheld ? warn : undefined);
        t.tooltip = [
          `${r.mq.topic} on ${r.mq.brokerName} queue ${r.mq.queueId}`,
          `broker offset ${r.brokerOffset} (next message) · consumer offset ${r.consumerOffset} (next to consume) · lag ${r.lag}`,
          `last consumed message stored ${r.lastTimestamp ? new Date(r.lastTimestamp).toISOString() : 'never'}`,
          r.holders.length ? `held by ${r.holders.join(', ')} (its rebalance result)` : 'no online client holds this queue',
        ].join('\n');
        return t;
      }
      case 'extra': {
        const { summary } = this.peek(g.connectionName, data.group);
        const x = summary ? (data.kind === 'dlq' ? summary.dlq : summary.retry) : undefined;
        const label = data.kind === 'dlq' ? 'Dead Letters' : 'Retries';
        const t = item(label, C.Collapsed, data.kind === 'dlq' ? 'groupDlq' : 'groupRetry');
        const waiting = summary && data.kind === 'retry' ? summary.queues.filter((q) => q.mq.topic === summary.retry.topic).reduce((a, q) => a + lagOf(q), 0) : 0;
        t.description = x ? `${x.topic} · ${x.exists ? plural(x.messages, 'message') : 'none'}${data.kind === 'retry' && x.exists ? ` · ${waiting} waiting` : ''}` : undefined;
        const flagged = !!x && x.messages > 0 && (data.kind === 'dlq' || waiting > 0);
        t.iconPath = new vscode.ThemeIcon(data.kind === 'dlq' ? 'archive' : 'history', flagged ? warn : undefined);
        t.tooltip = data.kind === 'dlq'
          ? 'Messages that failed consumption more than maxReconsumeTimes times (%DLQ%group). Expand to list them, Browse Dead Letters / Retries to open them in the message view, right-click a message to resend it to its original topic.'
          : 'Deliveries that failed and were sent back to be consumed again later (%RETRY%group).';
        return t;
      }
      case 'message': {
        const m = data.message;
        const t = item(m.msgId ?? m.offsetMsgId, C.None, data.kind === 'dlq' ? 'groupMessage.dlq' : 'groupMessage.retry');
        t.description = describeGroupMessage(m);
        t.iconPath = new vscode.ThemeIcon('mail');
        t.tooltip = [
          `${m.topic} ${m.brokerName}:${m.queueId} offset ${m.queueOffset}`,
          `original topic ${originalTopicOf(m) ?? 'unknown'}, reconsumed ${m.reconsumeTimes} times`,
          `tags ${m.tags ?? '-'} · keys ${m.keys ?? '-'} · stored ${new Date(m.storeTimestamp).toISOString()}`,
          `properties: ${[...m.properties].map(([k, v]) => `${k}=${v}`).join(', ')}`,
          '',
          bodyPreview(m),
        ].join('\n');
        return t;
      }
      case 'info': {
        const t = item(data.label, C.None, 'groupInfo');
        t.iconPath = new vscode.ThemeIcon(data.icon, data.icon === 'warning' ? warn : undefined);
        t.tooltip = data.detail ?? data.label;
        return t;
      }
      case 'error': {
        const t = item(data.label, C.None, 'groupError');
        t.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
        t.tooltip = data.hint ? `${data.label}\n\n${data.hint}` : data.label;
        t.command = { command: 'rocketmq.showLog', title: 'Show log' };
        return t;
      }
    }
  }

  /** What is loaded for a group right now, without asking (getTreeItem must not wait). */
  private peek(conn: string, group: string): { summary?: GroupSummary; diagnoses: Diagnosis[] } {
    const d = this.conn(conn);
    const summary = d.latest.get(group);
    return summary ? { summary, diagnoses: diagnose(summary, d.history.previous(group)) } : { diagnoses: [] };
  }

  private redrawGroup(conn: string, group: string): void {
    for (const n of this.nodes.values()) if (n.connectionName === conn && n.data.gk === 'group' && n.data.group === group) this.tree.redraw(n);
  }

  /** Walks the contributed nodes under a connection through the real provider (tests). */
  async snapshot(connection: string, expand: (n: GroupNode) => boolean, depth = 8): Promise<GroupNodeSnapshot[]> {
    const root = [...this.nodes.values()].find((n) => n.data.gk === 'groups' && n.connectionName === connection);
    if (!root) return [];
    return this.walk([root], expand, depth);
  }

  async snapshotFrom(nodes: GroupNode[], expand: (n: GroupNode) => boolean, depth = 8): Promise<GroupNodeSnapshot[]> {
    return this.walk(nodes, expand, depth);
  }

  private async walk(nodes: Node[], expand: (n: GroupNode) => boolean, depth: number): Promise<GroupNodeSnapshot[]> {
    const out: GroupNodeSnapshot[] = [];
    for (const k of nodes) {
      if (k.kind !== 'contributed') continue;
      const gn = k as GroupNode;
      // A group row is drawn from its loaded data: load it first, as the view does before the row settles.
      if (gn.data.gk === 'group') await (depth > 0 && expand(gn) ? this.inspection(gn.connectionName, gn.data.group) : this.summary(gn.connectionName, gn.data.group));
      const t2 = this.getTreeItem(gn);
      const s: GroupNodeSnapshot = {
        kind: 'contributed',
        gk: gn.data.gk,
        label: typeof t2.label === 'string' ? t2.label : t2.label?.label ?? '',
        description: typeof t2.description === 'string' ? t2.description : undefined,
        tooltip: typeof t2.tooltip === 'string' ? t2.tooltip : t2.tooltip?.value,
        contextValue: t2.contextValue,
      };
      if (depth > 0 && t2.collapsibleState !== vscode.TreeItemCollapsibleState.None && expand(gn)) s.children = await this.walk(await this.getChildren(gn), expand, depth - 1);
      out.push(s);
    }
    return out;
  }

  /** The node of a group under the connection's Consumer Groups (for commands called with names). */
  findGroupNode(connection: string, group: string): GroupNode | undefined {
    return [...this.nodes.values()].find((n) => n.connectionName === connection && n.data.gk === 'group' && n.data.group === group && (n.parent as GroupNode | undefined)?.data?.gk === 'groups');
  }

  /** Every node of a group (under the connection and under topics): what a reset or resend redraws. */
  groupNodesOf(connection: string, group: string): GroupNode[] {
    return [...this.nodes.values()].filter((n) => n.connectionName === connection && n.data.gk === 'group' && n.data.group === group);
  }
}

function hiddenText(system: number, byFilter: number, filter: string | undefined): string {
  const parts: string[] = [];
  if (system) parts.push(`${plural(system, 'system group')} hidden`);
  if (byFilter) parts.push(`${byFilter} not matching "${filter}"`);
  return parts.join(', ');
}

/**
 * Markdown-escaped text. Not MarkdownString.appendText: that writes every space as &nbsp;, and a hover of
 * such text breaks lines inside words.
 */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&').replace(/\n/g, '  \n');
}

function groupTooltip(group: string, s: GroupSummary | undefined, ds: Diagnosis[]): vscode.MarkdownString {
  const parts = [`**${md(group)}**`];
  if (!s) return new vscode.MarkdownString([...parts, 'Expand to load.'].join('\n\n'));
  parts.push(md(`Total lag ${s.totalLag} (Σ broker offset − consumer offset over ${plural(s.queues.length, 'queue')}), ${plural(s.clients.length, 'online client')}${s.messageModel ? `, ${s.messageModel.toLowerCase()}` : ''}`));
  parts.push(md(`Retry topic: ${s.retry.exists ? plural(s.retry.messages, 'message') : 'none'} · dead letters: ${s.dlq.exists ? plural(s.dlq.messages, 'message') : 'none'}`));
  for (const d of ds) parts.push(md(`${d.severity === 'warning' ? '⚠' : 'ℹ'} ${d.title}\n${d.detail}`));
  return new vscode.MarkdownString(parts.join('\n\n'));
}
