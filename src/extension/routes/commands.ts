/**
 * Registers the Topic Route view and its node actions.
 */
import * as vscode from 'vscode';
import { services } from '../connections/services';
import { explainConnectivity, probeTcp, vipAddress, ConnectivityReport } from '../../app/routes/connectivity';
import { mqadminCommand, MqadminTarget } from '../../app/routes/model';
import { Node, NodeSnapshot, TopicRouteTree, VIEW_ID } from './tree';
import { describeFailure } from '../../app/routes/errors';
import { allowSend } from '../trust';

let tree: TopicRouteTree | undefined;

/** The route tree of this activation (sending uses it for topic lists and routes). */
export function routeTree(): TopicRouteTree | undefined { return tree; }

/** Argument of `rocketmq.internal.treeSnapshot`. */
export interface SnapshotArgs {
  /** Node kinds to expand (default: everything except queues' parents). */
  expand?: Node['kind'][];
  /** Only nodes under these labels (e.g. a topic name) are expanded, at any depth where the kind matches. */
  onlyLabels?: string[];
}

export function registerRoutes(context: vscode.ExtensionContext): void {
  const { connections, log } = services(context);
  const t = new TopicRouteTree(connections, log);
  tree = t;
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: t, showCollapseAll: true });
  t.withProgress = <T>(p: Promise<T>) => Promise.resolve(vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => p));
  context.subscriptions.push(t, view, { dispose: () => { if (tree === t) tree = undefined; } });

  const updateMessage = () => { view.message = t.topicFilter ? `Topics filtered by "${t.topicFilter}"` : undefined; };

  /** Clipboard access can be refused (a browser without permission): say so and show the text instead. */
  const copy = async (text: string): Promise<boolean> => {
    try {
      await vscode.env.clipboard.writeText(text);
      return true;
    } catch (e) {
      log.warn(`clipboard refused (${e instanceof Error ? e.message : String(e)}): ${text}`);
      void vscode.window.showInformationMessage(`Could not write to the clipboard. Text: ${text}`);
      return false;
    }
  };

  const nodeArg = (a: unknown): Node | undefined => (typeof a === 'object' && a !== null && 'kind' in a && 'id' in a ? a as Node : undefined);

  context.subscriptions.push(
    vscode.commands.registerCommand('rocketmq.refresh', (a?: unknown) => { t.refresh(nodeArg(a)); }),
    vscode.commands.registerCommand('rocketmq.refreshNode', (a?: unknown) => { t.refresh(nodeArg(a)); }),
    vscode.commands.registerCommand('rocketmq.showLog', () => log.show(true)),
    vscode.commands.registerCommand('rocketmq.toggleSystemTopics', async () => {
      const cfg = vscode.workspace.getConfiguration('rocketmq');
      await cfg.update('topicRoutes.showSystemTopics', !t.showSystemTopics(), vscode.ConfigurationTarget.Global);
    }),
    vscode.commands.registerCommand('rocketmq.filterTopics', async (a?: unknown) => {
      const f = typeof a === 'string' ? a : await vscode.window.showInputBox({
        title: 'Filter topics', prompt: 'Show topics whose name contains this text (case-insensitive); empty shows all', value: t.topicFilter ?? '',
      });
      if (f === undefined) return;
      t.setTopicFilter(f);
      updateMessage();
    }),
    vscode.commands.registerCommand('rocketmq.clearTopicFilter', () => { t.setTopicFilter(undefined); updateMessage(); }),

    vscode.commands.registerCommand('rocketmq.copyName', async (a?: unknown) => {
      const n = nodeArg(a);
      if (!n) return;
      const text = n.kind === 'connection' ? n.connectionName : n.kind === 'cluster' ? n.cluster.name : n.kind === 'broker' ? n.broker.brokerName
        : n.kind === 'address' ? n.brokerName : n.kind === 'topic' ? n.topic : n.kind === 'routeBroker' ? n.broker.brokerName
        : n.kind === 'queue' ? `${n.topic}@${n.brokerName}@${n.queue.queueId}` : n.kind === 'error' || n.kind === 'info' ? n.label : '';
      await copy(text);
      return text;
    }),
    vscode.commands.registerCommand('rocketmq.copyAddress', async (a?: unknown) => {
      const n = nodeArg(a);
      if (!n) return;
      let text = '';
      if (n.kind === 'connection') text = connections.get(n.connectionName)?.namesrv ?? '';
      else if (n.kind === 'address') text = n.address.address;
      else if (n.kind === 'broker') text = n.broker.addresses.map((x) => x.address).join(';');
      else if (n.kind === 'routeBroker') text = n.broker.masterAddress ?? n.broker.addresses.map((x) => x.address).join(';');
      else if (n.kind === 'queue') text = n.brokerAddr ?? '';
      await copy(text);
      return text;
    }),

    vscode.commands.registerCommand('rocketmq.showRawRoute', async (a?: unknown): Promise<string | undefined> => {
      // From a node, or from code: { connection, topic }.
      const n = nodeArg(a);
      let connection: string | undefined;
      let topic: string | undefined;
      if (n && 'connectionName' in n) connection = n.connectionName;
      if (n?.kind === 'topic' || n?.kind === 'routeBroker' || n?.kind === 'queue') topic = n.topic;
      if (!n && typeof a === 'object' && a !== null) {
        const o = a as { connection?: string; topic?: string };
        connection = o.connection;
        topic = o.topic;
      }
      connection ??= connections.activeName();
      if (!connection) return undefined;
      const session = await connections.session(connection);
      try {
        const raw = topic ? (await session.getRoute(topic)).raw : (await session.getClusterInfo()).raw;
        const text = Buffer.from(raw).toString('utf8');
        const doc = await vscode.workspace.openTextDocument({ language: 'json', content: text });
        await vscode.window.showTextDocument(doc, { preview: true });
        log.info(`[${connection}] raw ${topic ? `route of ${topic}` : 'cluster info'} (${raw.length} bytes) opened in an editor`);
        return text;
      } catch (e) {
        const d = describeFailure(e, 'nameserver');
        log.error(`[${connection}] raw route: ${d.short}`);
        void vscode.window.showErrorMessage(d.short);
        return undefined;
      }
    }),

    vscode.commands.registerCommand('rocketmq.copyAsMqadmin', async (a?: unknown): Promise<string | undefined> => {
      const n = nodeArg(a);
      if (!n || !('connectionName' in n)) return undefined;
      const namesrv = connections.get(n.connectionName)?.namesrv ?? '';
      let target: MqadminTarget;
      switch (n.kind) {
        case 'topic': target = { kind: 'topicRoute', topic: n.topic }; break;
        case 'routeBroker': case 'queue': target = { kind: 'topicStatus', topic: n.topic }; break;
        case 'topics': target = { kind: 'topicList' }; break;
        case 'broker': target = { kind: 'brokerStatus', brokerAddr: n.broker.addresses.find((x) => x.role === 'master')?.address ?? n.broker.addresses[0]?.address ?? '' }; break;
        case 'address': target = { kind: 'brokerStatus', brokerAddr: n.address.address }; break;
        default: target = { kind: 'clusterList' };
      }
      const cmd = mqadminCommand(namesrv, target);
      if (await copy(cmd)) void vscode.window.setStatusBarMessage(`Copied: ${cmd}`, 4000);
      return cmd;
    }),

    vscode.commands.registerCommand('rocketmq.sendMessageToTopic', async (a?: unknown) => {
      if (!allowSend('Sending messages', log)) return undefined;
      const n = nodeArg(a);
      const topic = n && (n.kind === 'topic' || n.kind === 'routeBroker' || n.kind === 'queue') ? n.topic : undefined;
      const queue = n?.kind === 'queue' ? { brokerName: n.brokerName, queueId: n.queue.queueId } : undefined;
      const connection = n && 'connectionName' in n ? n.connectionName : undefined;
      return vscode.commands.executeCommand('rocketmq.sendMessage', { interactive: true, topic, connection, queue: queue ? { kind: 'explicit', ...queue } : undefined });
    }),

    vscode.commands.registerCommand('rocketmq.checkConnectivity', async (a?: unknown): Promise<ConnectivityReport[]> => {
      const n = nodeArg(a);
      let targets: { address: string; brokerName: string; role: string }[] = [];
      if (n?.kind === 'address') targets = [{ address: n.address.address, brokerName: n.brokerName, role: n.address.role }];
      else if (n?.kind === 'broker') targets = n.broker.addresses.map((x) => ({ address: x.address, brokerName: n.broker.brokerName, role: x.role }));
      else if (n?.kind === 'routeBroker') targets = n.broker.addresses.map((x) => ({ address: x.address, brokerName: n.broker.brokerName, role: x.role }));
      else if (!n && typeof a === 'object' && a !== null && typeof (a as { address?: unknown }).address === 'string') {
        const o = a as { address: string; brokerName?: string; role?: string };
        targets = [{ address: o.address, brokerName: o.brokerName ?? 'broker', role: o.role ?? 'master' }];
      }
      if (targets.length === 0) return [];
      const reports = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Checking broker connectivity…' }, () =>
        Promise.all(targets.map(async (x) => {
          const vip = vipAddress(x.address);
          const [main, vipR] = await Promise.all([probeTcp(x.address), vip ? probeTcp(vip) : Promise.resolve(undefined)]);
          return explainConnectivity({ ...x, main, vip: vipR });
        })));
      for (const r of reports) {
        log.info(`connectivity ${r.brokerName} (${r.role}) ${r.address}: ${r.ok ? 'reachable' : 'NOT reachable'}`);
        for (const l of r.lines) log.info(`  ${l}`);
      }
      const bad = reports.filter((r) => !r.ok);
      const headline = bad.length ? bad[0].lines[0] : reports.length === 1 ? reports[0].lines[0] : `All ${reports.length} addresses are reachable from this machine.`;
      const rest = (bad.length ? bad[0] : reports[0]).lines.slice(1).join(' ');
      const show = bad.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      void show(`${headline} ${rest}`.trim(), 'Show details').then((c) => { if (c) log.show(true); });
      return reports;
    }),

    vscode.commands.registerCommand('rocketmq.internal.refreshTopic', (a?: { connection?: string; topic?: string }): boolean => {
      const n = t.findNode((x) => x.kind === 'topic' && x.connectionName === a?.connection && x.topic === a?.topic);
      if (n) t.refresh(n);
      return !!n;
    }),

    vscode.commands.registerCommand('rocketmq.internal.treeSnapshot', async (a?: SnapshotArgs): Promise<NodeSnapshot[]> => {
      const kinds = new Set<Node['kind']>(a?.expand ?? ['connection', 'clusters', 'cluster', 'broker', 'topics', 'topic', 'routeBroker']);
      const only = a?.onlyLabels ? new Set(a.onlyLabels) : undefined;
      return t.snapshot((n) => {
        if (!kinds.has(n.kind)) return false;
        if (only && n.kind === 'topic') return only.has(n.topic);
        return true;
      });
    }),
  );
}
