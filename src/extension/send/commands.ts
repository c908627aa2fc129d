/**
 * "RocketMQ: Send Message": a QuickPick/InputBox flow (topic, tags, keys, body, optional "more"
 * step), or a typed argument object for code and tests. Results go to a notification and the log;
 * "Show frames" opens the producer's own request/response frames of that send in the inspector (and logs them).
 */
import * as vscode from 'vscode';
import { Log } from '../connections/log';
import { QueueChoice, SEND_MODES, SendMode, SendSpec, TransactionDecision, describeSpec, topicProblem, validateSpec, reservedPropertyProblem, propertyValueProblem, parseDelay, MAX_DELAY_LEVEL } from '../../core/requestfile';
import { services } from '../connections/services';
import { ConnectionStore } from '../connections/store';
import { describeRecordedFrame } from '../../app/connections/session';
import { describeFailure } from '../../app/routes/errors';
import { routeTree } from '../routes/commands';
import { executeSpec, SendOutcome } from '../../app/send/executor';
import { dryRunSpec, predictionLine } from '../../app/send/dry-run';
import { formatPrediction, SendPrediction } from '../../core/producer';
import { allowSend } from '../trust';
import { showSendFrames } from '../inspector';

/** Typed argument of `rocketmq.sendMessage`. With a `body`/`bodies` and no `interactive`, nothing is asked. */
export interface SendMessageArgs {
  connection?: string;
  topic?: string;
  tags?: string;
  keys?: string | string[];
  body?: string;
  bodies?: string[];
  properties?: Record<string, string>;
  delayLevel?: number;
  delayMs?: number;
  deliverAtMs?: number;
  queue?: QueueChoice;
  shardingKey?: string;
  mode?: SendMode;
  repeat?: number;
  batch?: boolean;
  transaction?: TransactionDecision;
  /** Ask for what is missing, with the given values prefilled. */
  interactive?: boolean;
  /** Send nothing: answer with where it would go (the route dry-run's SendPrediction). */
  dryRun?: boolean;
}

const LAST_BY_TOPIC = 'rocketmq.send.lastByTopic';
const LAST_TOPIC = 'rocketmq.send.lastTopic';

/** Fields remembered per topic (never the connection's secrets). */
type Remembered = Pick<SendSpec, 'tags' | 'keys' | 'bodies' | 'properties' | 'delayLevel' | 'delayMs' | 'queue' | 'mode' | 'repeat'>;

let lastOutcome: SendOutcome | undefined;

export function registerSend(context: vscode.ExtensionContext): void {
  const { connections, log } = services(context);

  context.subscriptions.push(
    vscode.commands.registerCommand('rocketmq.sendMessage', async (arg?: unknown): Promise<SendOutcome | SendPrediction | undefined> => {
      const a: SendMessageArgs = typeof arg === 'object' && arg !== null && !('kind' in arg) ? arg as SendMessageArgs : { interactive: true };
      if (a.dryRun && !a.interactive) {
        // nothing is sent: the route lookup is what the Topic Routes view does too (allowed in Restricted Mode)
        const connection = await chooseConnection(connections, a.connection);
        if (!connection) return undefined;
        const p = await predictWithLog(connections, log, connection, specFromArgs(a));
        return p;
      }
      if (!allowSend('Sending messages', log)) return undefined;
      const connection = await chooseConnection(connections, a.connection);
      if (!connection) return undefined;
      let spec: SendSpec | undefined;
      if (!a.interactive && (a.body !== undefined || a.bodies !== undefined)) {
        spec = specFromArgs(a);
        const problems = validateSpec(spec);
        if (problems.length) throw new Error(`cannot send: ${problems.join('; ')}`);
      } else {
        spec = await askForSpec(context, connection, a);
      }
      if (!spec) return undefined;
      return sendWithUi(context, connections, log, connection, spec, 'command');
    }),

    vscode.commands.registerCommand('rocketmq.showSendFrames', (arg?: unknown) => {
      const o = isOutcome(arg) ? arg : lastOutcome;
      if (!o) { void vscode.window.showInformationMessage('Nothing has been sent yet.'); return 0; }
      return logFrames(connections, log, o);
    }),
  );
}

/** The route dry-run of a spec through the connection's producer, logged line by line. */
export async function predictWithLog(connections: ConnectionStore, log: Log, connection: string, spec: SendSpec): Promise<SendPrediction> {
  const session = await connections.session(connection);
  const p = await dryRunSpec(session, spec);
  log.info(`[${connection}] dry run of ${describeSpec(spec)} (nothing sent):`);
  for (const l of formatPrediction(p)) log.info(`  ${l}`);
  return p;
}

function isOutcome(a: unknown): a is SendOutcome {
  return typeof a === 'object' && a !== null && 'frames' in a && 'connection' in a && 'spec' in a;
}

export function specFromArgs(a: SendMessageArgs): SendSpec {
  const keys = Array.isArray(a.keys) ? a.keys : a.keys ? a.keys.split(/\s+/).filter(Boolean) : undefined;
  const bodies = a.bodies ?? (a.body !== undefined ? [a.body] : []);
  return {
    topic: a.topic ?? '',
    tags: a.tags || undefined,
    keys: keys?.length ? keys : undefined,
    bodies,
    properties: a.properties && Object.keys(a.properties).length ? a.properties : undefined,
    delayLevel: a.delayLevel,
    delayMs: a.delayMs,
    deliverAtMs: a.deliverAtMs,
    queue: a.queue ?? (a.shardingKey ? { kind: 'sharding', shardingKey: a.shardingKey } : undefined),
    mode: a.mode ?? 'sync',
    repeat: a.repeat ?? 1,
    batch: a.batch ?? bodies.length > 1,
    transaction: a.transaction,
  };
}

export async function chooseConnection(connections: ConnectionStore, requested?: string): Promise<string | undefined> {
  if (requested) {
    if (!connections.get(requested)) throw new Error(`no RocketMQ connection named "${requested}"`);
    return requested;
  }
  const active = connections.activeName();
  if (active) return active;
  const add = await vscode.window.showInformationMessage('Add a RocketMQ NameServer connection first.', 'Add NameServer…');
  if (add) return vscode.commands.executeCommand<string | undefined>('rocketmq.addConnection');
  return undefined;
}

/** Confirmation (production), cancellable progress, notification, log. Shared with request files. */
export async function sendWithUi(context: vscode.ExtensionContext, connections: ConnectionStore, log: Log, connection: string, spec: SendSpec, source: string): Promise<SendOutcome | undefined> {
  // Every entry point asks first; this is the last line before the wire.
  if (!allowSend('Sending messages', log)) return undefined;
  const profile = connections.get(connection);
  if (!profile) throw new Error(`no RocketMQ connection named "${connection}"`);
  const summary = describeSpec(spec);
  if (profile.production) {
    const ok = await vscode.window.showWarningMessage(`"${profile.name}" is marked as production. Send ${summary}?`, { modal: true, detail: `NameServer ${profile.namesrv}` }, 'Send');
    if (ok !== 'Send') { log.info(`[${connection}] send cancelled at the production confirmation: ${summary}`); return undefined; }
  }
  const session = await connections.session(connection);
  const total = spec.repeat;
  log.info(`[${connection}] sending ${summary} (from ${source})`);
  let outcome: SendOutcome;
  const mark = session.frameMark;
  const started = Date.now();
  try {
    outcome = await vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification,
      title: `RocketMQ: sending to ${spec.topic}`,
      cancellable: total > 1 || spec.batch,
    }, (progress, token) => executeSpec(session, spec, {
      isCancelled: () => token.isCancellationRequested,
      onProgress: (done, n) => { if (n > 1) progress.report({ increment: 100 / n, message: `${done} of ${n}` }); },
    }));
  } catch (e) {
    // Failed before any message went out (route, queue choice, producer start): reported like a
    // failed send, returned rather than thrown so that a CodeLens click shows one notification.
    outcome = {
      spec, connection, sent: [], failed: [{ repeat: 0, error: e }], cancelled: false,
      frames: { after: mark, upTo: session.frameMark }, elapsedMs: Date.now() - started,
    };
  }
  lastOutcome = outcome;
  await remember(context, spec);
  report(log, outcome);
  return outcome;
}

function report(log: Log, o: SendOutcome): void {
  for (const s of o.sent) {
    log.info(`[${o.connection}] #${s.repeat + 1} ${s.status} msgId ${s.msgId}${s.offsetMsgId ? ` offsetMsgId ${s.offsetMsgId}` : ''} → ${s.topic} ${s.brokerName} queue ${s.queueId}${s.queueOffset !== undefined ? ` offset ${s.queueOffset}` : ''}${s.brokerAddr ? ` (${s.brokerAddr}` : ''}${s.attempts && s.attempts > 1 ? `, ${s.attempts} attempts` : ''}${s.brokerAddr ? ')' : ''}${s.transactionState ? ` transaction ${s.transactionState}` : ''}`);
  }
  for (const f of o.failed) {
    const d = describeFailure(f.error, 'broker');
    log.error(`[${o.connection}] #${f.repeat + 1} failed: ${d.short}${d.hint ? ` — ${d.hint}` : ''}`);
  }
  log.info(`[${o.connection}] ${o.sent.length} sent, ${o.failed.length} failed${o.cancelled ? ', cancelled' : ''} in ${o.elapsedMs} ms`);

  const actions = ['Show frames', 'Show log'];
  const onPick = (c: string | undefined) => {
    if (c === 'Show frames') void vscode.commands.executeCommand('rocketmq.showSendFrames', o);
    else if (c === 'Show log') log.show(true);
  };
  if (o.sent.length === 1 && o.failed.length === 0) {
    const s = o.sent[0];
    const where = `${s.brokerName} queue ${s.queueId}${s.queueOffset !== undefined ? ` offset ${s.queueOffset}` : ''}`;
    // Show Message reads it back from the broker that stored it (the message view, src/extension/messages/)
    const show = s.offsetMsgId ? ['Show Message'] : [];
    void vscode.window.showInformationMessage(`${s.status}: ${s.topic} → ${where} · msgId ${s.msgId}`, ...show, ...actions).then((c) => {
      if (c === 'Show Message') void vscode.commands.executeCommand('rocketmq.showSentMessage', { connection: o.connection, topic: s.topic, msgId: s.msgId, offsetMsgId: s.offsetMsgId });
      else onPick(c);
    });
    return;
  }
  if (o.sent.length === 0 && o.failed.length === 1) {
    const d = describeFailure(o.failed[0].error, 'broker');
    void vscode.window.showErrorMessage(`Send to ${o.spec.topic} failed: ${d.short}`, ...actions).then(onPick);
    return;
  }
  const statuses = [...new Set(o.sent.map((s) => s.status))].join(', ');
  const queues = [...new Set(o.sent.map((s) => `${s.brokerName}:${s.queueId}`))];
  const text = `${o.sent.length} sent (${statuses || 'none'}), ${o.failed.length} failed${o.cancelled ? ' — cancelled' : ''} to ${o.spec.topic} across ${queues.length} queue${queues.length === 1 ? '' : 's'}`;
  if (o.failed.length) {
    const first = describeFailure(o.failed[0].error, 'broker').short;
    void vscode.window.showErrorMessage(`${text}. First failure: ${first}`, ...actions).then(onPick);
  } else void vscode.window.showInformationMessage(text, ...actions).then(onPick);
}

/**
 * "Show frames" of a send: its request and response frames decoded in the log, and "My RocketMQ
 * traffic" opened on them (filtered to the send, its request selected). Returns how many frames of
 * the send the store still holds.
 */
async function logFrames(connections: ConnectionStore, log: Log, o: SendOutcome): Promise<number> {
  const session = await connections.session(o.connection);
  const frames = session.framesBetween(o.frames.after, o.frames.upTo);
  log.info(`[${o.connection}] frames of the send to ${o.spec.topic}: ${frames.length} (the producer's own traffic, decoded)`);
  for (const f of frames) {
    const d = describeRecordedFrame(f);
    log.info(`  ${d.summary}`);
    log.info(`    ${typeof d.detail === 'string' ? d.detail : JSON.stringify(d.detail)}`);
  }
  if (frames.length === 0) log.info('  (none recorded: no longer in the store, or the connection was recreated)');
  else showSendFrames({ after: o.frames.after, upTo: o.frames.upTo, connection: o.connection });
  log.show(true);
  return frames.length;
}

async function remember(context: vscode.ExtensionContext, spec: SendSpec): Promise<void> {
  const all = context.globalState.get<Record<string, Remembered>>(LAST_BY_TOPIC) ?? {};
  all[spec.topic] = {
    tags: spec.tags, keys: spec.keys, bodies: spec.bodies.map((b) => (b.length > 64 * 1024 ? b.slice(0, 64 * 1024) : b)), properties: spec.properties,
    delayLevel: spec.delayLevel, delayMs: spec.delayMs, queue: spec.queue, mode: spec.mode, repeat: spec.repeat,
  };
  const names = Object.keys(all);
  if (names.length > 100) delete all[names[0]];
  await context.globalState.update(LAST_BY_TOPIC, all);
  await context.globalState.update(LAST_TOPIC, spec.topic);
}

// ------------------------------------------------------------------ the interactive flow

async function askForSpec(context: vscode.ExtensionContext, connection: string, a: SendMessageArgs): Promise<SendSpec | undefined> {
  const title = (step: string) => `Send Message (${connection}) — ${step}`;
  const topic = a.topic ?? await pickTopic(context, connection, title('topic'));
  if (!topic) return undefined;
  const last = (context.globalState.get<Record<string, Remembered>>(LAST_BY_TOPIC) ?? {})[topic];

  const tags = a.tags ?? await vscode.window.showInputBox({ title: title('tag'), prompt: 'Tag (TAGS), optional — consumers filter on it', value: last?.tags ?? '', ignoreFocusOut: true,
    validateInput: (s) => (/\|\|/.test(s) ? 'A tag is one value; "||" is only for subscriptions' : undefined) });
  if (tags === undefined) return undefined;
  const keysText = a.keys !== undefined ? (Array.isArray(a.keys) ? a.keys.join(' ') : a.keys) : await vscode.window.showInputBox({ title: title('keys'), prompt: 'Keys (KEYS), space separated, optional — the broker indexes them for query by key', value: last?.keys?.join(' ') ?? '', ignoreFocusOut: true });
  if (keysText === undefined) return undefined;

  let body = a.body;
  if (body === undefined) {
    body = await askForBody(title('body'), last?.bodies?.[0]);
    if (body === undefined) return undefined;
  }
  let spec: SendSpec = {
    ...specFromArgs({ ...a, topic, tags, keys: keysText, body, interactive: false }),
    properties: a.properties ?? last?.properties,
    mode: a.mode ?? last?.mode ?? 'sync',
  };
  for (;;) {
    const next = await summaryStep(context, title('send'), connection, spec);
    if (!next) return undefined;
    if (next === 'send') break;
    const more = await askMore(title, spec, connection);
    if (more) spec = more;
  }
  const problems = validateSpec(spec);
  if (problems.length) { void vscode.window.showErrorMessage(`Cannot send: ${problems.join('; ')}`); return undefined; }
  return spec;
}

/**
 * The flow's summary step: Send (with where it goes — the route dry-run, filled in when the route has
 * been looked up) or More options. The prediction is the connection's producer's, so it names the
 * queue this send takes.
 */
async function summaryStep(context: vscode.ExtensionContext, title: string, connection: string, spec: SendSpec): Promise<'send' | 'more' | undefined> {
  type Item = vscode.QuickPickItem & { id: 'send' | 'more' };
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = title;
  qp.ignoreFocusOut = true;
  const send: Item = { label: '$(send) Send', id: 'send', description: describeSpec(spec), detail: '$(loading~spin) Where it goes: looking up the route…' };
  const more: Item = { label: '$(settings) More options…', id: 'more', description: 'properties, delay, queue or sharding key, mode, repeat' };
  qp.items = [send, more];
  qp.busy = true;
  const { connections, log } = services(context);
  let closed = false;
  const problems = validateSpec(spec);
  if (problems.length === 0) {
    void predictWithLog(connections, log, connection, spec).then((p) => {
      if (closed) return;
      send.detail = `${p.ok ? '$(compass)' : '$(error)'} ${predictionLine(p)}`;
      qp.items = [send, more];
      qp.activeItems = [qp.items[0]];
      qp.busy = false;
    }, (e: unknown) => {
      if (closed) return;
      send.detail = `$(warning) Where it goes: ${describeFailure(e, 'nameserver').short}`;
      qp.items = [send, more];
      qp.busy = false;
    });
  } else {
    send.detail = `$(error) ${problems[0]}`;
    qp.busy = false;
  }
  const picked = await new Promise<'send' | 'more' | undefined>((resolve) => {
    qp.onDidAccept(() => { resolve(qp.selectedItems[0]?.id); qp.hide(); });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  closed = true;
  qp.dispose();
  return picked;
}

async function pickTopic(context: vscode.ExtensionContext, connection: string, title: string): Promise<string | undefined> {
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem>();
  qp.title = title;
  qp.placeholder = 'Topic: pick one of the connection\'s topics or type a name';
  qp.ignoreFocusOut = true;
  qp.busy = true;
  const lastTopic = context.globalState.get<string>(LAST_TOPIC);
  let known: string[] = [];
  const render = () => {
    const typed = qp.value.trim();
    const items: vscode.QuickPickItem[] = [];
    if (typed && !known.includes(typed)) {
      const p = topicProblem(typed);
      items.push({ label: typed, description: p ? `$(error) ${p}` : 'use this name (not in the NameServer\'s list: it must exist or be auto-created)' });
    }
    const ordered = lastTopic && known.includes(lastTopic) ? [lastTopic, ...known.filter((t) => t !== lastTopic)] : known;
    for (const t of ordered) items.push({ label: t, description: t === lastTopic ? 'last used' : undefined });
    qp.items = items;
  };
  render();
  void routeTree()?.knownTopics(connection).then((t) => { known = t; qp.busy = false; render(); }, () => { qp.busy = false; });
  if (!routeTree()) qp.busy = false;
  qp.onDidChangeValue(render);
  const picked = await new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const v = qp.selectedItems[0]?.label ?? qp.value.trim();
      const p = topicProblem(v);
      if (p) { qp.placeholder = `Cannot use "${v}": ${p}`; qp.value = v; return; }
      resolve(v);
      qp.hide();
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  return picked;
}

async function askForBody(title: string, previous: string | undefined): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  const selection = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : undefined;
  const items: (vscode.QuickPickItem & { id: string })[] = [{ id: 'type', label: '$(edit) Type the body', description: previous ? `last: ${previous.slice(0, 40)}` : undefined }];
  if (selection) items.push({ id: 'selection', label: '$(selection) The selection in the editor', description: `${selection.length} characters` });
  if (editor) items.push({ id: 'editor', label: '$(file) The whole active editor', description: vscode.workspace.asRelativePath(editor.document.uri) });
  items.push({ id: 'file', label: '$(folder-opened) A file…' });
  const pick = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { title, placeHolder: 'Where does the body come from?', ignoreFocusOut: true });
  if (!pick) return undefined;
  switch (pick.id) {
    case 'selection': return selection;
    case 'editor': return editor?.document.getText();
    case 'file': {
      const uris = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use as message body' });
      if (!uris?.[0]) return undefined;
      return Buffer.from(await vscode.workspace.fs.readFile(uris[0])).toString('utf8');
    }
    default:
      return vscode.window.showInputBox({ title, prompt: 'Message body (text; for JSON or several lines use the editor selection or a file)', value: previous ?? '', ignoreFocusOut: true,
        validateInput: (s) => (s.length === 0 ? 'RocketMQ refuses empty bodies' : undefined) });
  }
}

async function askMore(title: (s: string) => string, spec: SendSpec, connection: string): Promise<SendSpec | undefined> {
  const s: SendSpec = { ...spec };
  const propsText = await vscode.window.showInputBox({
    title: title('properties'), prompt: 'User properties name=value, separated by ;', ignoreFocusOut: true,
    value: Object.entries(s.properties ?? {}).map(([k, v]) => `${k}=${v}`).join(';'),
    validateInput: (t) => { const r = parseProps(t); return typeof r === 'string' ? r : undefined; },
  });
  if (propsText === undefined) return undefined;
  const props = parseProps(propsText);
  s.properties = typeof props === 'string' || Object.keys(props).length === 0 ? undefined : props;

  const delayItems: (vscode.QuickPickItem & { v?: string })[] = [
    { label: 'No delay' },
    ...DELAY_LEVELS.map((d, i) => ({ label: `Level ${i + 1}`, description: d, v: String(i + 1) })),
    { label: 'Delay by a duration…', description: '5.x timer message, e.g. 90s', v: 'duration' },
    { label: 'Deliver at a time…', description: '5.x timer message', v: 'at' },
  ];
  const d = await vscode.window.showQuickPick(delayItems, { title: title('delay'), ignoreFocusOut: true });
  if (!d) return undefined;
  s.delayLevel = undefined; s.delayMs = undefined; s.deliverAtMs = undefined;
  if (d.v === 'duration') {
    const v = await vscode.window.showInputBox({ title: title('delay'), prompt: 'Duration: 1500ms, 10s, 5m, 2h', ignoreFocusOut: true, validateInput: (t) => { const r = parseDelay(t); return typeof r === 'string' ? r : r.kind === 'level' ? 'write a unit (ms, s, m, h)' : undefined; } });
    if (v === undefined) return undefined;
    const r = parseDelay(v);
    if (typeof r !== 'string' && r.kind === 'duration') s.delayMs = r.ms;
  } else if (d.v === 'at') {
    const v = await vscode.window.showInputBox({ title: title('deliver at'), prompt: 'ISO time, e.g. 2026-11-21T10:00:00Z', value: new Date(Date.now() + 60_000).toISOString(), ignoreFocusOut: true, validateInput: (t) => (Number.isFinite(Date.parse(t)) ? undefined : 'not a date/time') });
    if (v === undefined) return undefined;
    s.deliverAtMs = Date.parse(v);
  } else if (d.v) s.delayLevel = Number(d.v);

  const routing = await vscode.window.showQuickPick([
    { label: 'Any queue (round robin)', id: 'any' },
    { label: 'Ordered: by sharding key…', id: 'sharding', description: 'equal keys go to the same queue' },
    { label: 'An explicit queue…', id: 'queue' },
  ], { title: title('queue'), ignoreFocusOut: true });
  if (!routing) return undefined;
  if (routing.id === 'any') s.queue = undefined;
  if (routing.id === 'sharding') {
    const k = await vscode.window.showInputBox({ title: title('sharding key'), ignoreFocusOut: true, value: s.queue?.kind === 'sharding' ? s.queue.shardingKey : '', validateInput: (t) => (t ? undefined : 'enter a key') });
    if (k === undefined) return undefined;
    s.queue = { kind: 'sharding', shardingKey: k };
  }
  if (routing.id === 'queue') {
    const q = await pickQueue(title('queue'), connection, s.topic);
    if (!q) return undefined;
    s.queue = q;
  }
  const mode = await vscode.window.showQuickPick(SEND_MODES.map((m) => ({ label: m, picked: m === s.mode, description: MODE_TEXT[m] })), { title: title('mode'), ignoreFocusOut: true });
  if (!mode) return undefined;
  s.mode = mode.label as SendMode;
  const rep = await vscode.window.showInputBox({ title: title('repeat'), prompt: 'How many times to send it', value: String(s.repeat), ignoreFocusOut: true, validateInput: (t) => (/^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= 100_000 ? undefined : 'a whole number from 1 to 100000') });
  if (rep === undefined) return undefined;
  s.repeat = Number(rep);
  return s;
}

async function pickQueue(title: string, connection: string, topic: string): Promise<QueueChoice | undefined> {
  const t = routeTree();
  const r = t ? await t.route(connection, topic) : undefined;
  if (r?.ok) {
    const items = r.value.queueDatas.flatMap((qd) => Array.from({ length: qd.writeQueueNums }, (_, i) => ({ label: `${qd.brokerName}:${i}`, brokerName: qd.brokerName, queueId: i })));
    const p = await vscode.window.showQuickPick(items, { title, placeHolder: 'Writable queues of the topic' });
    return p ? { kind: 'explicit', brokerName: p.brokerName, queueId: p.queueId } : undefined;
  }
  const v = await vscode.window.showInputBox({ title, prompt: 'brokerName:queueId', ignoreFocusOut: true, validateInput: (x) => (/^([\w.-]+:)?\d+$/.test(x) ? undefined : 'brokerName:queueId, e.g. broker-a:0') });
  if (!v) return undefined;
  const [b, q] = v.includes(':') ? v.split(':') : [undefined, v];
  return { kind: 'explicit', brokerName: b, queueId: Number(q) };
}

function parseProps(t: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const part of t.split(';').map((x) => x.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) return `"${part}" is not name=value`;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    const p = reservedPropertyProblem(k) ?? propertyValueProblem(k, v);
    if (p) return p;
    out[k] = v;
  }
  return out;
}

const MODE_TEXT: Record<SendMode, string> = {
  sync: 'wait for the broker, retry on another broker on failure',
  async: 'one request, retried elsewhere only when the connection fails',
  oneway: 'fire and forget: no answer, no message offset',
};

/** The broker's default messageDelayLevel. */
const DELAY_LEVELS = ['1s', '5s', '10s', '30s', '1m', '2m', '3m', '4m', '5m', '6m', '7m', '8m', '9m', '10m', '20m', '30m', '1h', '2h'];
if (DELAY_LEVELS.length !== MAX_DELAY_LEVEL) throw new Error('delay level table out of date');
