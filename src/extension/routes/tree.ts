/**
 * The Topic Route tree: Connection → Clusters → cluster → broker → addresses, and
 * Connection → Topics → topic → broker (queues, perm) → queue (min/max offsets).
 * Everything is fetched lazily in `getChildren`, errors and empty results are nodes of their own,
 * and refreshes are partial (`onDidChangeTreeData(node)`).
 */
import * as vscode from 'vscode';
import { Log } from '../connections/log';
import { ClusterInfo, TopicRouteData } from '../../core/remoting';
import { ConnectionProfile } from '../../app/connections/profile';
import { ConnectionSession } from '../../app/connections/session';
import { ConnectionStore } from '../connections/store';
import { describeFailure, PeerRole } from '../../app/routes/errors';
import {
  BrokerAddressView, BrokerView, ClusterView, FLAG_TEXT, QueueView, RouteBrokerView, RouteView, buildClusterViews, buildRouteView,
  buildTopicList, describeOffsets, describeQueue, describeRouteBroker,
} from '../../app/routes/model';

export const VIEW_ID = 'rocketmq.topicRoutes';

interface Base { id: string; parent: Node | undefined }
export interface ConnectionNode extends Base { kind: 'connection'; connectionName: string }
export interface ClustersNode extends Base { kind: 'clusters'; connectionName: string }
export interface ClusterNode extends Base { kind: 'cluster'; connectionName: string; cluster: ClusterView }
export interface BrokerNode extends Base { kind: 'broker'; connectionName: string; broker: BrokerView }
export interface AddressNode extends Base { kind: 'address'; connectionName: string; brokerName: string; address: BrokerAddressView }
export interface TopicsNode extends Base { kind: 'topics'; connectionName: string }
export interface TopicNode extends Base { kind: 'topic'; connectionName: string; topic: string; system: boolean }
export interface RouteBrokerNode extends Base { kind: 'routeBroker'; connectionName: string; topic: string; broker: RouteBrokerView }
export interface QueueNode extends Base { kind: 'queue'; connectionName: string; topic: string; brokerName: string; brokerAddr: string | undefined; queue: QueueView; offsets?: { min: bigint; max: bigint }; offsetError?: string }
export interface InfoNode extends Base { kind: 'info'; label: string; detail?: string; icon: 'info' | 'warning' | 'loading' }
export interface ErrorNode extends Base { kind: 'error'; connectionName: string; label: string; hint?: string }

/** A node another feature adds to this tree (see TreeContribution); `owner` draws and expands it. */
export interface ContributedNode extends Base { kind: 'contributed'; connectionName: string; owner: string }

export type Node = ConnectionNode | ClustersNode | ClusterNode | BrokerNode | AddressNode | TopicsNode | TopicNode | RouteBrokerNode | QueueNode | InfoNode | ErrorNode | ContributedNode;

/**
 * Another feature's nodes in this tree (the Consumer Groups, src/extension/groups/): it adds children under
 * connection and topic nodes, and builds, draws and refreshes its own nodes; this tree only places them.
 */
export interface TreeContribution {
  readonly owner: string;
  /** Children appended after this tree's own under a connection or a topic. */
  childrenOf(parent: ConnectionNode | TopicNode): ContributedNode[];
  getChildren(n: ContributedNode): Promise<Node[]>;
  getTreeItem(n: ContributedNode): vscode.TreeItem;
  /** Forget the data behind `n` (its own node, or a connection of this tree; undefined = everything). */
  refresh(n: Node | undefined): void;
  /** The system-topic toggle or the topic filter changed. */
  listSettingsChanged?(): void;
}

type Result<T> = { ok: true; value: T; raw: Uint8Array; address: string } | { ok: false; error: unknown };

interface ConnectionCache {
  cluster?: Promise<Result<ClusterInfo>>;
  topics?: Promise<Result<string[]>>;
  routes: Map<string, Promise<Result<TopicRouteData>>>;
  versions: Map<string, string>;
}

/** A plain, serialisable picture of a node, for tests and "copy". */
export interface NodeSnapshot {
  kind: Node['kind'];
  label: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  children?: NodeSnapshot[];
}

export class TopicRouteTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private caches = new Map<string, ConnectionCache>();
  private readonly nodes = new Map<string, Node>();
  private filter: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly contributions = new Map<string, TreeContribution>();
  /** Set by registerRoutes: progress on the view while something loads. */
  withProgress: <T>(p: Promise<T>) => Promise<T> = (p) => p;

  constructor(private readonly connections: ConnectionStore, private readonly log: Log) {
    this.disposables.push(connections.onDidChange(() => this.refresh()));
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('rocketmq.topicRoutes.showSystemTopics')) this.refreshTopicLists();
    }));
  }

  get topicFilter(): string | undefined { return this.filter; }
  setTopicFilter(f: string | undefined): void {
    this.filter = f?.trim() || undefined;
    void vscode.commands.executeCommand('setContext', 'rocketmq.topicFilterActive', !!this.filter);
    this.refreshTopicLists();
  }

  showSystemTopics(): boolean {
    return vscode.workspace.getConfiguration('rocketmq').get<boolean>('topicRoutes.showSystemTopics', false);
  }

  private refreshTopicLists(): void {
    for (const n of this.nodes.values()) if (n.kind === 'topics') this.changed.fire(n);
    for (const c of this.contributions.values()) c.listSettingsChanged?.();
  }

  /** Adds another feature's nodes to this tree (see TreeContribution). */
  contribute(c: TreeContribution): vscode.Disposable {
    this.contributions.set(c.owner, c);
    this.changed.fire(undefined);
    return { dispose: () => { if (this.contributions.get(c.owner) === c) { this.contributions.delete(c.owner); this.changed.fire(undefined); } } };
  }

  /** Redraws a node (a contribution's own, after its data arrived). */
  redraw(n?: Node): void { this.changed.fire(n); }

  private contributed(parent: ConnectionNode | TopicNode): Node[] {
    return [...this.contributions.values()].flatMap((c) => c.childrenOf(parent));
  }

  /** Forget everything (or one node's data) and redraw. */
  refresh(node?: Node): void {
    if (!node) {
      this.caches = new Map();
      this.nodes.clear();
      for (const c of this.contributions.values()) c.refresh(undefined);
      this.changed.fire(undefined);
      return;
    }
    if (node.kind === 'contributed') {
      this.contributions.get(node.owner)?.refresh(node);
      this.changed.fire(node);
      return;
    }
    if (node.kind === 'connection') for (const c of this.contributions.values()) c.refresh(node);
    const c = 'connectionName' in node ? this.cache(node.connectionName) : undefined;
    switch (node.kind) {
      case 'connection': if (c) { c.cluster = undefined; c.topics = undefined; c.routes.clear(); c.versions.clear(); } break;
      case 'clusters': case 'cluster': case 'broker': case 'address': if (c) { c.cluster = undefined; c.versions.clear(); } break;
      case 'topics': if (c) { c.topics = undefined; c.routes.clear(); } break;
      case 'topic': if (c) c.routes.delete(node.topic); break;
      case 'routeBroker': if (c) c.routes.delete(node.topic); break;
      default: break;
    }
    // Redraw from the node that owns the data.
    let target: Node | undefined = node;
    if (node.kind === 'cluster' || node.kind === 'broker' || node.kind === 'address') target = this.ancestor(node, 'clusters');
    if (node.kind === 'routeBroker') target = this.ancestor(node, 'topic');
    if (node.kind === 'queue') target = node.parent;
    if (node.kind === 'error' || node.kind === 'info') target = node.parent;
    this.changed.fire(target);
  }

  private ancestor(n: Node, kind: Node['kind']): Node | undefined {
    let p: Node | undefined = n;
    while (p && p.kind !== kind) p = p.parent;
    return p;
  }

  private cache(name: string): ConnectionCache {
    let c = this.caches.get(name);
    if (!c) { c = { routes: new Map(), versions: new Map() }; this.caches.set(name, c); }
    return c;
  }

  private node<N extends Node>(n: N): N {
    const existing = this.nodes.get(n.id);
    if (existing && existing.kind === n.kind) {
      Object.assign(existing, n);
      return existing as N;
    }
    this.nodes.set(n.id, n);
    return n;
  }

  getParent(n: Node): Node | undefined { return n.parent; }

  private async load<T>(connectionName: string, role: PeerRole, what: string, f: (s: ConnectionSession) => Promise<{ value: T; raw: Uint8Array; address: string }>): Promise<Result<T>> {
    const started = Date.now();
    try {
      const s = await this.connections.session(connectionName);
      const r = await this.withProgress(f(s));
      this.log.debug(`[${connectionName}] ${what}: ok from ${r.address} in ${Date.now() - started} ms`);
      return { ok: true, value: r.value, raw: r.raw, address: r.address };
    } catch (e) {
      const d = describeFailure(e, role);
      this.log.error(`[${connectionName}] ${what} failed: ${d.short}${d.hint ? ` — ${d.hint}` : ''}`);
      return { ok: false, error: e };
    }
  }

  private clusterInfo(name: string): Promise<Result<ClusterInfo>> {
    const c = this.cache(name);
    c.cluster ??= this.load(name, 'nameserver', 'GET_BROKER_CLUSTER_INFO', (s) => s.getClusterInfo());
    return c.cluster;
  }

  private topicList(name: string): Promise<Result<string[]>> {
    const c = this.cache(name);
    c.topics ??= this.load(name, 'nameserver', 'GET_ALL_TOPIC_LIST_FROM_NAMESERVER', async (s) => {
      const r = await s.getTopicList();
      return { value: r.value.topicList, raw: r.raw, address: r.address };
    });
    return c.topics;
  }

  /** Route of a topic, cached until refreshed; also used by "Show raw route" and sending. */
  route(name: string, topic: string): Promise<Result<TopicRouteData>> {
    const c = this.cache(name);
    let p = c.routes.get(topic);
    if (!p) {
      p = this.load(name, 'nameserver', `GET_ROUTEINFO_BY_TOPIC ${topic}`, (s) => s.getRoute(topic));
      c.routes.set(topic, p);
    }
    return p;
  }

  /** Topics of a connection as last loaded (for the send flow's topic picker). */
  async knownTopics(name: string): Promise<string[]> {
    const [t, ci] = await Promise.all([this.topicList(name), this.clusterInfo(name)]);
    if (!t.ok) return [];
    const names = ci.ok ? { brokerNames: [...ci.value.brokerAddrTable.keys()], clusterNames: [...ci.value.clusterAddrTable.keys()] } : {};
    return buildTopicList(t.value, { showSystem: false, ...names }).visible;
  }

  private errorNode(parent: Node, connectionName: string, key: string, e: unknown, role: PeerRole): ErrorNode {
    const d = describeFailure(e, role);
    return this.node({ kind: 'error', id: `${parent.id}/error:${key}`, parent, connectionName, label: d.short, hint: d.hint });
  }

  private info(parent: Node, key: string, label: string, icon: InfoNode['icon'] = 'info', detail?: string): InfoNode {
    return this.node({ kind: 'info', id: `${parent.id}/info:${key}`, parent, label, icon, detail });
  }

  async getChildren(n?: Node): Promise<Node[]> {
    if (!n) {
      return this.connections.list().map((p) => this.node({ kind: 'connection', id: `c:${p.name}`, parent: undefined, connectionName: p.name }));
    }
    switch (n.kind) {
      case 'connection': {
        const name = n.connectionName;
        const [ci, tl] = await Promise.all([this.clusterInfo(name), this.topicList(name)]);
        const out: Node[] = [];
        // One error node when both queries failed the same way (a dead NameServer), else one each.
        if (!ci.ok && !tl.ok && describeFailure(ci.error, 'nameserver').short === describeFailure(tl.error, 'nameserver').short) {
          return [this.errorNode(n, name, 'namesrv', ci.error, 'nameserver')];
        }
        if (!ci.ok) out.push(this.errorNode(n, name, 'cluster', ci.error, 'nameserver'));
        if (!tl.ok) out.push(this.errorNode(n, name, 'topics', tl.error, 'nameserver'));
        out.push(this.node({ kind: 'clusters', id: `${n.id}/clusters`, parent: n, connectionName: name }));
        out.push(this.node({ kind: 'topics', id: `${n.id}/topics`, parent: n, connectionName: name }));
        out.push(...this.contributed(n));
        return out;
      }
      case 'clusters': {
        const ci = await this.clusterInfo(n.connectionName);
        if (!ci.ok) return [this.errorNode(n, n.connectionName, 'cluster', ci.error, 'nameserver')];
        const views = buildClusterViews(ci.value);
        if (views.length === 0) return [this.info(n, 'empty', 'No brokers are registered with this NameServer', 'info', `The NameServer at ${ci.address} answered GET_BROKER_CLUSTER_INFO with an empty table. Brokers register every 30 s after start.`)];
        return views.map((cluster) => this.node({ kind: 'cluster', id: `${n.id}/${cluster.name}`, parent: n, connectionName: n.connectionName, cluster }));
      }
      case 'cluster':
        return n.cluster.brokers.map((broker) => {
          const b = this.node({ kind: 'broker', id: `${n.id}/${broker.brokerName}`, parent: n, connectionName: n.connectionName, broker });
          this.fetchVersion(b);
          return b;
        });
      case 'broker':
        if (n.broker.addresses.length === 0) return [this.info(n, 'noaddr', 'No address registered (the broker is named in the cluster table only)', 'warning')];
        return n.broker.addresses.map((address) => this.node({ kind: 'address', id: `${n.id}/${address.brokerId}`, parent: n, connectionName: n.connectionName, brokerName: n.broker.brokerName, address }));
      case 'topics': {
        const [tl, ci] = await Promise.all([this.topicList(n.connectionName), this.clusterInfo(n.connectionName)]);
        if (!tl.ok) return [this.errorNode(n, n.connectionName, 'topics', tl.error, 'nameserver')];
        const names = ci.ok ? { brokerNames: [...ci.value.brokerAddrTable.keys()], clusterNames: [...ci.value.clusterAddrTable.keys()] } : {};
        const showSystem = this.showSystemTopics();
        const v = buildTopicList(tl.value, { showSystem, filter: this.filter, ...names });
        const out: Node[] = v.visible.map((topic) => this.node({
          kind: 'topic', id: `${n.id}/${topic}`, parent: n, connectionName: n.connectionName, topic,
          system: showSystem && buildTopicList([topic], { showSystem: false, ...names }).visible.length === 0,
        }));
        if (v.total === 0) out.push(this.info(n, 'empty', 'The NameServer lists no topics', 'info', `GET_ALL_TOPIC_LIST_FROM_NAMESERVER from ${tl.address} returned an empty list.`));
        else if (v.visible.length === 0) out.push(this.info(n, 'hidden', `No topics shown: ${hiddenText(v.hiddenSystem, v.hiddenByFilter, this.filter)}`));
        return out;
      }
      case 'topic': {
        const r = await this.route(n.connectionName, n.topic);
        if (!r.ok) return [this.errorNode(n, n.connectionName, 'route', r.error, 'nameserver')];
        const view = buildRouteView(n.topic, r.value);
        const out: Node[] = [];
        for (const f of view.flags) out.push(this.info(n, `flag:${f}`, FLAG_TEXT[f], 'warning'));
        if (view.orderTopicConf !== undefined) out.push(this.info(n, 'order', `Order config: ${view.orderTopicConf}`, 'info', 'The NameServer has orderTopicConf for this topic; Java clients build the queue list from it instead of the queue data.'));
        if (view.staticTopic) out.push(this.info(n, 'static', 'Static topic (logical queues mapped per broker)', 'info'));
        for (const b of view.brokersWithoutQueues) out.push(this.info(n, `noq:${b}`, `${b}: in the route but has no queues for this topic`, 'warning'));
        for (const broker of view.brokers) out.push(this.node({ kind: 'routeBroker', id: `${n.id}/${broker.brokerName}`, parent: n, connectionName: n.connectionName, topic: n.topic, broker }));
        out.push(...this.contributed(n));
        return out;
      }
      case 'routeBroker':
        return this.queues(n);
      case 'contributed':
        return this.contributions.get(n.owner)?.getChildren(n) ?? [];
      default:
        return [];
    }
  }

  /** Queue rows with their min/max offsets, asked of the broker master when the broker node is expanded. */
  private async queues(n: RouteBrokerNode): Promise<Node[]> {
    const addr = n.broker.masterAddress;
    const s = await this.connections.session(n.connectionName);
    const rows = await this.withProgress(Promise.all(n.broker.queues.map(async (queue): Promise<QueueNode> => {
      const base: QueueNode = { kind: 'queue', id: `${n.id}/${queue.queueId}`, parent: n, connectionName: n.connectionName, topic: n.topic, brokerName: n.broker.brokerName, brokerAddr: addr, queue };
      if (!addr) return { ...base, offsetError: 'no master address: offsets unknown' };
      try {
        return { ...base, offsets: await s.queueOffsets(addr, n.topic, queue.queueId), offsetError: undefined };
      } catch (e) {
        const d = describeFailure(e, 'broker');
        this.log.error(`[${n.connectionName}] offsets of ${n.topic} ${n.broker.brokerName}:${queue.queueId} failed: ${d.short}`);
        return { ...base, offsets: undefined, offsetError: d.short };
      }
    })));
    return rows.map((r) => this.node(r));
  }

  private fetchVersion(b: BrokerNode): void {
    const c = this.cache(b.connectionName);
    if (c.versions.has(b.broker.brokerName)) { b.broker.version = c.versions.get(b.broker.brokerName) || undefined; return; }
    const master = b.broker.addresses.find((a) => a.role === 'master') ?? b.broker.addresses[0];
    if (!master) return;
    c.versions.set(b.broker.brokerName, '');
    void this.connections.session(b.connectionName).then((s) => s.brokerVersion(master.address)).then((v) => {
      c.versions.set(b.broker.brokerName, v);
      b.broker.version = v;
      this.changed.fire(b);
    }, (e) => {
      // Unknown stays unknown (never a made-up value); the next expand asks again.
      if (c.versions.get(b.broker.brokerName) === '') c.versions.delete(b.broker.brokerName);
      this.log.debug(`[${b.connectionName}] version of ${b.broker.brokerName}: ${describeFailure(e, 'broker').short}`);
    });
  }

  getTreeItem(n: Node): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    const item = (label: string, state: vscode.TreeItemCollapsibleState) => { const t = new vscode.TreeItem(label, state); t.id = n.id; return t; };
    switch (n.kind) {
      case 'connection': {
        const p = this.connections.get(n.connectionName);
        const active = this.connections.activeName() === n.connectionName;
        const t = item(n.connectionName, C.Expanded);
        t.description = `${p?.namesrv ?? ''}${active ? ' · active' : ''}`;
        t.iconPath = new vscode.ThemeIcon(p?.production ? 'server-environment' : 'server', p?.production ? new vscode.ThemeColor('list.warningForeground') : undefined);
        t.tooltip = connectionTooltip(p, active);
        t.contextValue = `connection${active ? '.active' : ''}`;
        return t;
      }
      case 'clusters': {
        const t = item('Clusters', C.Collapsed);
        t.iconPath = new vscode.ThemeIcon('organization');
        t.contextValue = 'clusters';
        return t;
      }
      case 'cluster': {
        const t = item(n.cluster.name, C.Expanded);
        t.description = `${n.cluster.brokers.length} broker${n.cluster.brokers.length === 1 ? '' : 's'}`;
        t.iconPath = new vscode.ThemeIcon('layers');
        t.contextValue = 'cluster';
        return t;
      }
      case 'broker': {
        const t = item(n.broker.brokerName, C.Collapsed);
        const master = n.broker.addresses.find((a) => a.role === 'master');
        const slaves = n.broker.addresses.length - (master ? 1 : 0);
        t.description = [master ? `master ${master.address}` : 'no master', slaves ? `${slaves} slave${slaves > 1 ? 's' : ''}` : '', n.broker.version ?? '', n.broker.zoneName ? `zone ${n.broker.zoneName}` : ''].filter(Boolean).join(' · ');
        t.iconPath = new vscode.ThemeIcon(master ? 'vm' : 'vm-outline', master ? undefined : new vscode.ThemeColor('list.warningForeground'));
        t.tooltip = new vscode.MarkdownString([`**${n.broker.brokerName}** in cluster ${n.broker.cluster}`, ...n.broker.addresses.map((a) => `- brokerId ${a.brokerId} (${a.role}): \`${a.address}\``), n.broker.version ? `\nVersion: ${n.broker.version}` : '\nVersion: unknown'].join('\n'));
        t.contextValue = 'broker';
        return t;
      }
      case 'address': {
        const t = item(`${n.address.brokerId} · ${n.address.role}`, C.None);
        t.description = n.address.address;
        t.iconPath = new vscode.ThemeIcon(n.address.role === 'master' ? 'star-full' : 'circle-outline');
        t.tooltip = `${n.brokerName} brokerId ${n.address.brokerId} (${n.address.role}) at ${n.address.address}`;
        t.contextValue = 'brokerAddress';
        return t;
      }
      case 'topics': {
        const t = item('Topics', C.Collapsed);
        t.iconPath = new vscode.ThemeIcon('list-tree');
        const bits = [this.filter ? `filter "${this.filter}"` : '', this.showSystemTopics() ? 'system topics shown' : 'system topics hidden'].filter(Boolean);
        t.description = bits.join(' · ');
        t.contextValue = `topics${this.filter ? '.filtered' : ''}`;
        return t;
      }
      case 'topic': {
        const t = item(n.topic, C.Collapsed);
        t.iconPath = new vscode.ThemeIcon(n.system ? 'gear' : 'symbol-event');
        t.description = n.system ? 'system' : undefined;
        t.contextValue = 'topic';
        return t;
      }
      case 'routeBroker': {
        const b = n.broker;
        const t = item(b.brokerName, C.Collapsed);
        t.description = describeRouteBroker(b) + (b.flags.length ? ` · ⚠ ${b.flags.join(', ')}` : '');
        t.iconPath = new vscode.ThemeIcon(b.flags.length ? 'warning' : 'vm', b.flags.length ? new vscode.ThemeColor('list.warningForeground') : undefined);
        t.tooltip = new vscode.MarkdownString([
          `**${b.brokerName}** (cluster ${b.cluster || '?'}) for topic \`${n.topic}\``,
          `- read queues ${b.readQueueNums}, write queues ${b.writeQueueNums}`,
          `- perm ${b.perm} = ${b.permText} (R read, W write, X inherit)`,
          `- topicSysFlag ${b.topicSysFlag}`,
          ...b.addresses.map((a) => `- brokerId ${a.brokerId} (${a.role}): \`${a.address}\``),
          ...b.flags.map((f) => `\n⚠ ${FLAG_TEXT[f]}`),
        ].join('\n'));
        t.contextValue = 'routeBroker';
        return t;
      }
      case 'queue': {
        const t = item(`queue ${n.queue.queueId}`, C.None);
        const access = describeQueue(n.queue);
        t.description = `${access} · ${n.offsets ? describeOffsets(n.offsets) : n.offsetError ?? ''}`;
        t.iconPath = new vscode.ThemeIcon(n.offsetError ? 'error' : !n.queue.writable || !n.queue.readable ? 'warning' : 'inbox', n.offsetError ? new vscode.ThemeColor('list.errorForeground') : undefined);
        t.tooltip = `${n.topic} on ${n.brokerName} queue ${n.queue.queueId}: ${n.queue.readable ? 'readable' : 'not readable'}, ${n.queue.writable ? 'writable' : 'not writable'}\n${n.offsets ? `min offset ${n.offsets.min} (first retained), max offset ${n.offsets.max} (next to be written)` : n.offsetError ?? ''}`;
        t.contextValue = 'queue';
        return t;
      }
      case 'info': {
        const t = item(n.label, C.None);
        t.iconPath = new vscode.ThemeIcon(n.icon === 'loading' ? 'loading~spin' : n.icon, n.icon === 'warning' ? new vscode.ThemeColor('list.warningForeground') : undefined);
        t.tooltip = n.detail ?? n.label;
        t.contextValue = 'info';
        return t;
      }
      case 'contributed': {
        const c = this.contributions.get(n.owner);
        if (c) return c.getTreeItem(n);
        return item(n.id, C.None);
      }
      case 'error': {
        const t = item(n.label, C.None);
        t.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
        t.tooltip = n.hint ? `${n.label}\n\n${n.hint}` : n.label;
        t.contextValue = 'error';
        t.command = { command: 'rocketmq.showLog', title: 'Show log' };
        return t;
      }
    }
  }

  /** Walks the tree through the real provider (expanding what `expand` accepts), for tests. */
  async snapshot(expand: (n: Node) => boolean, from?: Node, depth = 8): Promise<NodeSnapshot[]> {
    const kids = await this.getChildren(from);
    const out: NodeSnapshot[] = [];
    for (const k of kids) {
      const ti = this.getTreeItem(k);
      const s: NodeSnapshot = {
        kind: k.kind,
        label: typeof ti.label === 'string' ? ti.label : ti.label?.label ?? '',
        description: typeof ti.description === 'string' ? ti.description : undefined,
        tooltip: typeof ti.tooltip === 'string' ? ti.tooltip : ti.tooltip?.value,
        contextValue: ti.contextValue,
      };
      if (depth > 0 && ti.collapsibleState !== vscode.TreeItemCollapsibleState.None && expand(k)) s.children = await this.snapshot(expand, k, depth - 1);
      out.push(s);
    }
    return out;
  }

  findNode(pred: (n: Node) => boolean): Node | undefined {
    for (const n of this.nodes.values()) if (pred(n)) return n;
    return undefined;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}

function hiddenText(system: number, byFilter: number, filter: string | undefined): string {
  const parts: string[] = [];
  if (system) parts.push(`${system} system topic${system > 1 ? 's' : ''} hidden`);
  if (byFilter) parts.push(`${byFilter} not matching "${filter}"`);
  return parts.join(', ');
}

function connectionTooltip(p: ConnectionProfile | undefined, active: boolean): vscode.MarkdownString {
  if (!p) return new vscode.MarkdownString('');
  return new vscode.MarkdownString([
    `**${p.name}**${active ? ' (active)' : ''}`,
    `- NameServer: \`${p.namesrv}\``,
    p.namespace ? `- namespace: ${p.namespace}` : '',
    p.accessKey ? `- ACL AccessKey: ${p.accessKey} (SecretKey in SecretStorage)` : '- no ACL',
    p.production ? '- ⚠ production: sends ask for confirmation' : '',
  ].filter(Boolean).join('\n'));
}

export type { RouteView };
