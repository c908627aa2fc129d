/**
 * "Where did my message go": Find Message (palette), Find Messages… (topic node), Browse Messages…
 * (queue node), Show Message (send results), Show Trace; the message view's actions Send Again (the
 * normal send path, production guard included), Open as Request Block and Copy as JSON. VS Code wiring
 * only: the lookups and their wording are src/app/messages/.
 */
import * as vscode from 'vscode';
import { services } from '../connections/services';
import { ConnectionStore } from '../connections/store';
import { Log } from '../connections/log';
import { ConnectionSession } from '../../app/connections/session';
import { MessageFinder, MessageQuery, FindResult, describeQuery } from '../../app/messages/finder';
import { requestBlock, resendSpec } from '../../app/messages/resend';
import { messageJson } from '../../app/messages/message-view';
import { parseTimeInput } from '../../app/messages/time-input';
import { classifyMessageId, FoundMessage } from '../../core/consumer/lookup';
import { MessageIdError } from '../../core/message';
import { topicProblem } from '../../core/requestfile';
import type { ActionResult, MessageAction, ViewReport } from '../../shared/message-protocol';
import type { MessageDetail, TraceView } from '../../shared/message-view';
import { routeTree } from '../routes/commands';
import { chooseConnection, sendWithUi } from '../send/commands';
import { MessagesPanel, MoreFn } from './panel';
import type { QueueNode, TopicNode } from '../routes/tree';

/** Typed argument of `rocketmq.findMessage`: with `query`, nothing is asked. */
export interface FindMessageArgs {
  connection?: string;
  query?: MessageQuery;
  /** Topic to prefill (the topic node's). */
  topic?: string;
}

/** What the find commands resolve to (tests read it). */
export interface FindCommandResult {
  connection: string;
  result: FindResult;
  view?: ViewReport;
}

/** `rocketmq.showSentMessage`'s argument: a send result (app/send/executor SentItem) and its connection. */
export interface ShowSentArgs { connection: string; topic: string; msgId?: string; offsetMsgId?: string }

const finders = new WeakMap<ConnectionSession, MessageFinder>();

async function finderFor(connections: ConnectionStore, connection: string): Promise<MessageFinder> {
  const session = await connections.session(connection);
  let f = finders.get(session);
  if (!f) {
    f = new MessageFinder(session, Math.max(3000, vscode.workspace.getConfiguration('rocketmq').get<number>('requestTimeoutMs', 3000)));
    finders.set(session, f);
  }
  return f;
}

export function registerMessages(context: vscode.ExtensionContext): void {
  const { connections, log } = services(context);
  const panel = () => MessagesPanel.show(context.extensionUri, log, (conn, finder, handle, action) => runAction(context, connections, log, conn, finder, handle, action));

  const lookup = async (connection: string, finder: MessageFinder, query: MessageQuery): Promise<FindResult> => {
    const what = describeQuery(query);
    const started = Date.now();
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `RocketMQ: looking up ${what}…` }, () => finder.find(query));
    const l = result.list;
    log.info(`[${connection}] ${what}: ${l.outcome} — ${l.headline} (${Date.now() - started} ms)`);
    for (const d of l.details) log.info(`  ${d}`);
    return result;
  };

  /** A browse's next page: the same queue from where this page ended, until the queue's end. */
  const moreOf = (connection: string, finder: MessageFinder, query: MessageQuery, result: FindResult): MoreFn | undefined => {
    const b = result.browse;
    if (query.kind !== 'queue' || !b || b.nextOffset >= b.maxOffset || !result.messages.length) return undefined;
    const next: MessageQuery = { ...query, offset: b.nextOffset, timestamp: undefined };
    return async () => {
      const r = await lookup(connection, finder, next);
      const after = moreOf(connection, finder, next, r);
      if (after && r.browse) r.list.more = `Next ${r.messages.length} from offset ${r.browse.nextOffset}`;
      return { list: r.list, more: after };
    };
  };

  const find = async (connection: string, query: MessageQuery): Promise<FindCommandResult> => {
    const finder = await finderFor(connections, connection);
    const result = await lookup(connection, finder, query);
    const l = result.list;
    const more = moreOf(connection, finder, query, result);
    if (more && result.browse) l.more = `Next ${result.messages.length} from offset ${result.browse.nextOffset}`;
    const view = await panel().showList(connection, finder, l, more);
    if (l.outcome === 'failed') void vscode.window.showErrorMessage(l.headline, 'Show log').then((c) => { if (c) log.show(true); });
    else if (l.outcome === 'partial') void vscode.window.showWarningMessage(l.headline);
    if (result.messages.length === 1) {
      const d = finder.detail(l.rows[0].handle);
      if (d) await panel().showDetail(connection, finder, d);
    }
    return { connection, result, view };
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('rocketmq.findMessage', async (arg?: unknown): Promise<FindCommandResult | undefined> => {
      const a: FindMessageArgs = isPlainArgs(arg) ? arg as FindMessageArgs : {};
      const connection = await chooseConnection(connections, a.connection);
      if (!connection) return undefined;
      const query = a.query ?? await askQuery(connection, a.topic);
      return query ? find(connection, query) : undefined;
    }),

    vscode.commands.registerCommand('rocketmq.findMessagesInTopic', async (node?: TopicNode): Promise<FindCommandResult | undefined> => {
      if (!node || node.kind !== 'topic') return vscode.commands.executeCommand('rocketmq.findMessage');
      const query = await askQuery(node.connectionName, node.topic);
      return query ? find(node.connectionName, query) : undefined;
    }),

    vscode.commands.registerCommand('rocketmq.browseQueue', async (node?: QueueNode | (MessageQuery & { kind: 'queue'; connection: string })): Promise<FindCommandResult | undefined> => {
      if (!node) { void vscode.window.showInformationMessage('Browse Messages works on a queue of the Topic Routes view: expand a topic, then a broker.'); return undefined; }
      if ('connection' in node) return find(node.connection, node);
      if (node.kind !== 'queue') return undefined;
      const start = await askBrowseStart(node);
      if (!start) return undefined;
      return find(node.connectionName, { kind: 'queue', topic: node.topic, brokerName: node.brokerName, queueId: node.queue.queueId, ...start });
    }),

    vscode.commands.registerCommand('rocketmq.showSentMessage', async (arg?: ShowSentArgs): Promise<{ detail?: MessageDetail; headline: string; view?: ViewReport } | undefined> => {
      if (!arg?.connection || !(arg.offsetMsgId || arg.msgId)) return undefined;
      const finder = await finderFor(connections, arg.connection);
      // Read back from the broker that stored it (the offsetMsgId names it); the UNIQ_KEY is the fallback.
      const id = arg.offsetMsgId ?? arg.msgId!;
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'RocketMQ: reading the message back…' }, () => finder.find({ kind: 'id', id, topic: arg.topic }));
      const view = await panel().showList(arg.connection, finder, result.list);
      const handle = result.list.rows[0]?.handle;
      const detail = handle ? finder.detail(handle) : undefined;
      if (detail) await panel().showDetail(arg.connection, finder, detail);
      else void vscode.window.showWarningMessage(result.list.headline);
      return { detail, headline: result.list.headline, view };
    }),

    // Test hook: a request as the webview would make it, answered by the open panel's host (validators included).
    vscode.commands.registerCommand('_rocketmq.messages.request', (method: 'detail' | 'fullBody' | 'action' | 'more', params: unknown) => {
      const p = MessagesPanel.open;
      if (!p) throw new Error('no Messages panel is open');
      return p.request(method, params as never);
    }),

    vscode.commands.registerCommand('rocketmq.showMessageTrace', async (arg?: { connection?: string; msgId?: string; traceTopic?: string }): Promise<{ trace: TraceView; view?: ViewReport } | undefined> => {
      const connection = await chooseConnection(connections, arg?.connection);
      if (!connection) return undefined;
      const msgId = arg?.msgId ?? await vscode.window.showInputBox({ title: 'Show Message Trace', prompt: 'The msgId (UNIQ_KEY) the send returned', ignoreFocusOut: true, validateInput: idProblem });
      if (!msgId) return undefined;
      return showTrace(connection, await finderFor(connections, connection), msgId, arg?.traceTopic, true);
    }),
  );

  async function showTrace(connection: string, finder: MessageFinder, msgId: string, traceTopic?: string, standalone = false): Promise<{ trace: TraceView; view?: ViewReport }> {
    const topic = traceTopic ?? connections.get(connection)?.traceTopic;
    const found = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'RocketMQ: reading the trace…' }, () => finder.trace(msgId, topic));
    const trace: TraceView = standalone ? { ...found, standalone } : found;
    log.info(`[${connection}] trace of ${msgId}: ${trace.outcome} — ${trace.headline}`);
    const view = await panel().showTrace(connection, finder, trace);
    return { trace, view };
  }

  async function runAction(ctx: vscode.ExtensionContext, store: ConnectionStore, lg: Log, connection: string, finder: MessageFinder, handle: string, action: MessageAction): Promise<ActionResult> {
    const m = finder.message(handle);
    if (!m) return { ok: false, message: 'that message is no longer kept: run the lookup again' };
    switch (action) {
      case 'copyJson':
        await vscode.env.clipboard.writeText(messageJson(m));
        return { ok: true, message: 'Copied as JSON (credential-like properties redacted)' };
      case 'showTrace': {
        if (!m.msgId) return { ok: false, message: 'this message has no UNIQ_KEY, and trace records are keyed by it' };
        const t = await showTrace(connection, finder, m.msgId);
        return { ok: t.trace.outcome === 'found' || t.trace.outcome === 'partial', message: t.trace.headline };
      }
      case 'openAsRequest':
        return openAsRequest(m);
      case 'sendAgain': {
        const pick = await vscode.window.showQuickPick([
          { label: `$(send) Send to ${m.topic}`, id: 'same' },
          { label: '$(edit) Send to another topic…', id: 'other' },
        ], { title: 'Send Again', placeHolder: `A copy of ${m.msgId ?? m.offsetMsgId} (new msgId)`, ignoreFocusOut: true });
        if (!pick) return { ok: false, message: 'cancelled' };
        let topic = m.topic;
        if (pick.id === 'other') {
          const t = await vscode.window.showInputBox({ title: 'Send Again to topic', value: m.topic, ignoreFocusOut: true, validateInput: (v) => topicProblem(v.trim()) });
          if (!t) return { ok: false, message: 'cancelled' };
          topic = t.trim();
        }
        const plan = resendSpec(m, topic);
        for (const n of plan.notes) lg.info(`[${connection}] Send Again: ${n}`);
        const out = await sendWithUi(ctx, store, lg, connection, plan.spec, 'message view (Send Again)');
        if (!out) return { ok: false, message: 'not sent' };
        return out.sent.length ? { ok: true, message: `${out.sent[0].status}: copy ${out.sent[0].msgId} in ${out.sent[0].brokerName} queue ${out.sent[0].queueId}` } : { ok: false, message: 'the send failed (see the notification and the log)' };
      }
    }
  }
}

/** The message as a `.rocketmq` block in a new editor; a binary body goes to a body file in the workspace. */
async function openAsRequest(m: FoundMessage): Promise<ActionResult> {
  let block = requestBlock(m);
  if (block.needsBodyFile) {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || !vscode.workspace.isTrusted) {
      block = { ...block, text: block.text.replace(/^bodyFile: .*$/m, `// the body is ${m.rawBody.length} bytes of binary: open a trusted folder to get it written to a body file`) };
    } else {
      const rel = `.rocketmq/bodies/${m.offsetMsgId}.body`;
      const uri = vscode.Uri.joinPath(folder.uri, rel);
      await vscode.workspace.fs.writeFile(uri, m.body ?? m.rawBody);
      block = requestBlock(m, `./${rel}`);
    }
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'rocketmq-request', content: block.text });
  await vscode.window.showTextDocument(doc, { preview: false });
  return { ok: true, message: block.needsBodyFile ? 'Opened as a request block (body in a body file)' : 'Opened as a request block' };
}

/** A typed argument, not a tree node (nodes have a parent link) or anything else VS Code passes. */
function isPlainArgs(a: unknown): boolean {
  return typeof a === 'object' && a !== null && !('parent' in a);
}

function idProblem(v: string): string | undefined {
  try { classifyMessageId(v); return undefined; } catch (e) { return e instanceof MessageIdError ? e.message : String(e); }
}

function timeProblem(v: string): string | undefined {
  const t = parseTimeInput(v);
  return typeof t === 'string' ? t : undefined;
}

async function pickTopic(connection: string, title: string, value?: string): Promise<string | undefined> {
  const known = (await routeTree()?.knownTopics(connection)) ?? [];
  if (value) return value;
  const items: vscode.QuickPickItem[] = known.map((t) => ({ label: t }));
  const qp = vscode.window.createQuickPick();
  qp.title = title;
  qp.placeholder = 'Topic: pick one or type a name';
  qp.items = items;
  qp.ignoreFocusOut = true;
  return new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => { resolve(qp.selectedItems[0]?.label ?? (qp.value.trim() || undefined)); qp.hide(); });
    qp.onDidHide(() => { resolve(undefined); qp.dispose(); });
    qp.show();
  });
}

/** Asks what to look up: an id, a key, or a time range (the topic prefilled when given). */
async function askQuery(connection: string, topic?: string): Promise<MessageQuery | undefined> {
  const title = `Find Message (${connection}${topic ? ` · ${topic}` : ''})`;
  const kind = await vscode.window.showQuickPick([
    { label: '$(symbol-key) By message id', id: 'id', description: 'the msgId (UNIQ_KEY) a send returns, or the offsetMsgId' },
    { label: '$(key) By key', id: 'key', description: 'a KEYS entry the producer set' },
    { label: '$(calendar) By time range', id: 'time', description: 'messages stored between two times' },
  ], { title, ignoreFocusOut: true });
  if (!kind) return undefined;
  if (kind.id === 'id') {
    const id = await vscode.window.showInputBox({ title, prompt: 'Message id: msgId (UNIQ_KEY, 32 hex digits) or offsetMsgId', ignoreFocusOut: true, validateInput: idProblem });
    if (!id) return undefined;
    const c = classifyMessageId(id);
    if (c.kind === 'offset') return { kind: 'id', id, topic };
    const t = await pickTopic(connection, `${title} — a UNIQ_KEY is looked up within its topic`, topic);
    return t ? { kind: 'id', id, topic: t } : undefined;
  }
  const t = await pickTopic(connection, `${title} — topic`, topic);
  if (!t) return undefined;
  if (kind.id === 'key') {
    const key = await vscode.window.showInputBox({ title, prompt: `Key in ${t}`, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'enter a key') });
    return key ? { kind: 'key', topic: t, key: key.trim() } : undefined;
  }
  const from = await vscode.window.showInputBox({ title, prompt: 'From (ISO time, ms, now, -15m, -2h, -1d)', value: '-1h', ignoreFocusOut: true, validateInput: timeProblem });
  if (!from) return undefined;
  const to = await vscode.window.showInputBox({ title, prompt: 'To', value: 'now', ignoreFocusOut: true, validateInput: timeProblem });
  if (!to) return undefined;
  const f = parseTimeInput(from) as number, e = parseTimeInput(to) as number;
  const cap = vscode.workspace.getConfiguration('rocketmq').get<number>('messages.maxResults', 200);
  return { kind: 'time', topic: t, from: f, to: e, cap };
}

async function askBrowseStart(node: QueueNode): Promise<{ offset?: number; timestamp?: number; count: number } | undefined> {
  const title = `Browse ${node.topic} ${node.brokerName}:${node.queue.queueId} (commits no offset)`;
  const range = node.offsets ? ` (retained ${node.offsets.min}–${node.offsets.max - 1n})` : '';
  const pick = await vscode.window.showQuickPick([
    { label: '$(arrow-up) From the first retained offset', id: 'first' },
    { label: '$(arrow-down) The last messages', id: 'last' },
    { label: '$(list-ordered) From an offset…', id: 'offset', description: range },
    { label: '$(calendar) From a time…', id: 'time' },
  ], { title, ignoreFocusOut: true });
  if (!pick) return undefined;
  const count = vscode.workspace.getConfiguration('rocketmq').get<number>('messages.browseCount', 32);
  if (pick.id === 'first') return { count };
  if (pick.id === 'last') return { offset: node.offsets ? Math.max(Number(node.offsets.min), Number(node.offsets.max) - count) : undefined, count };
  if (pick.id === 'offset') {
    const v = await vscode.window.showInputBox({ title, prompt: `Queue offset${range}`, value: node.offsets ? String(node.offsets.min) : '0', ignoreFocusOut: true, validateInput: (x) => (/^\d+$/.test(x.trim()) ? undefined : 'a whole number ≥ 0') });
    return v ? { offset: Number(v.trim()), count } : undefined;
  }
  const v = await vscode.window.showInputBox({ title, prompt: 'From (ISO time, ms, now, -15m, -2h, -1d): the first message stored at or after it', value: '-1h', ignoreFocusOut: true, validateInput: timeProblem });
  return v ? { timestamp: parseTimeInput(v) as number, count } : undefined;
}

