/**
 * `.rocketmq` request files: diagnostics as you type, a "Send" / "Send ×10" CodeLens per block,
 * header completion, and the command that sends one block.
 */
import * as vscode from 'vscode';
import {
  BodyFileCheck, BodyFileError, HEADER_DOCS, HeaderKey, ParsedRequestFile, RequestBlock, SEND_MODES, TRANSACTION_DECISIONS, bodyFileScope, checkBodyFile, parseRequestFile, withBodyFileBytes,
} from '../../core/requestfile';
import { services } from '../connections/services';
import { chooseConnection, predictWithLog, sendWithUi } from '../send/commands';
import { SendOutcome } from '../../app/send/executor';
import { predictionLine } from '../../app/send/dry-run';
import { formatPrediction, SendPrediction } from '../../core/producer';
import { describeFailure } from '../../app/routes/errors';
import { routeTree } from '../routes/commands';
import { allowOutsideBodyFile, allowSend, onDidGrantTrust, sendingAllowed } from '../trust';

export const LANGUAGE_ID = 'rocketmq-request';
const SELECTOR: vscode.DocumentSelector = [{ language: LANGUAGE_ID }];

const parsed = new WeakMap<vscode.TextDocument, { version: number; file: ParsedRequestFile }>();

function parse(doc: vscode.TextDocument): ParsedRequestFile {
  const c = parsed.get(doc);
  if (c && c.version === doc.version) return c.file;
  const file = parseRequestFile(doc.getText());
  parsed.set(doc, { version: doc.version, file });
  return file;
}

/** The last route dry-run of a block ("uri#index"), for its CodeLens and hover; dropped when the document changes. */
interface BlockPrediction { version: number; connection: string; at: number; prediction?: SendPrediction; error?: string }

export function registerRequestFiles(context: vscode.ExtensionContext): void {
  const { connections, log } = services(context);
  const diagnostics = vscode.languages.createDiagnosticCollection('rocketmq');
  const lensChanged = new vscode.EventEmitter<void>();
  context.subscriptions.push(diagnostics, lensChanged);
  const predictions = new Map<string, BlockPrediction>();
  const predictionOf = (doc: vscode.TextDocument, index: number): BlockPrediction | undefined => {
    const p = predictions.get(`${doc.uri.toString()}#${index}`);
    return p && p.version === doc.version && p.connection === connections.activeName() ? p : undefined;
  };

  const update = (doc: vscode.TextDocument) => {
    if (doc.languageId !== LANGUAGE_ID) return;
    const f = parse(doc);
    diagnostics.set(doc.uri, f.diagnostics.map((d) => {
      const line = Math.min(d.line, doc.lineCount - 1);
      const range = new vscode.Range(line, d.startColumn, line, Math.max(d.endColumn, d.startColumn + 1));
      const diag = new vscode.Diagnostic(range, d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information);
      diag.source = 'rocketmq';
      return diag;
    }));
  };
  for (const d of vscode.workspace.textDocuments) update(d);
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(update),
    vscode.workspace.onDidChangeTextDocument((e) => update(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => diagnostics.delete(d.uri)),
    connections.onDidChange(() => lensChanged.fire()),
    // Restricted Mode shows a lens that explains instead of "Send"; trusting the folder brings "Send" back.
    onDidGrantTrust(() => lensChanged.fire()),
  );

  context.subscriptions.push(vscode.languages.registerCodeLensProvider(SELECTOR, {
    onDidChangeCodeLenses: lensChanged.event,
    provideCodeLenses(doc) {
      const f = parse(doc);
      const active = connections.activeName();
      const trusted = sendingAllowed();
      const lenses: vscode.CodeLens[] = [];
      for (const b of f.blocks) {
        const range = new vscode.Range(b.startLine, 0, b.startLine, 0);
        const errors = b.diagnostics.filter((d) => d.severity === 'error').length;
        if (!b.spec) {
          lenses.push(new vscode.CodeLens(range, { title: `$(error) ${errors} problem${errors === 1 ? '' : 's'} — fix to send`, command: 'workbench.actions.view.problems' }));
          continue;
        }
        if (!trusted) {
          lenses.push(new vscode.CodeLens(range, {
            title: '$(shield) Restricted Mode — trust this folder to send', command: 'workbench.trust.manage',
            tooltip: 'Sending is disabled while this folder is not trusted: a request file from an untrusted source could send messages or local files to your brokers. Click to manage Workspace Trust.',
          }));
          continue;
        }
        const n = b.spec.repeat;
        lenses.push(new vscode.CodeLens(range, { title: `$(send) Send${n > 1 ? ` ×${n}` : ''}`, command: 'rocketmq.sendRequestBlock', arguments: [doc.uri.toString(), b.index], tooltip: `Send this block through ${active ?? 'the active connection'}` }));
        lenses.push(new vscode.CodeLens(range, { title: 'Send ×10', command: 'rocketmq.sendRequestBlock', arguments: [doc.uri.toString(), b.index, 10] }));
        lenses.push(new vscode.CodeLens(range, { title: active ? `via ${active}` : 'no connection — add one', command: active ? 'rocketmq.selectConnection' : 'rocketmq.addConnection' }));
        if (active) {
          const p = predictionOf(doc, b.index);
          const q = p?.prediction?.selection.queue;
          const title = !p ? '$(compass) Where it goes' : p.error ? '$(warning) Where it goes: failed' : !p.prediction!.ok ? '$(error) Would be refused'
            : q ? `$(compass) → ${q.brokerName}:${q.queueId}` : `$(compass) → one of ${p.prediction!.writableQueues.length} queues`;
          lenses.push(new vscode.CodeLens(range, { title, command: 'rocketmq.dryRunRequestBlock', arguments: [doc.uri.toString(), b.index],
            tooltip: p ? `${p.prediction ? predictionLine(p.prediction) : p.error} — hover the ### line for the details; click to look again` : 'Route dry-run: where this block would go (the route, the writable queues, the queue picked, brokers avoided, why it would be refused); nothing is sent' }));
        }
      }
      return lenses;
    },
  }));

  context.subscriptions.push(vscode.languages.registerCompletionItemProvider(SELECTOR, {
    async provideCompletionItems(doc, pos) {
      const f = parse(doc);
      const block = f.blocks.find((b) => pos.line >= b.startLine && pos.line <= b.endLine);
      const line = doc.lineAt(pos.line).text.slice(0, pos.character);
      if (block?.bodyStartLine !== undefined && pos.line >= block.bodyStartLine) return [];
      const header = /^\s*([A-Za-z][\w-]*)\s*:\s*(\S*)$/.exec(line);
      if (header) {
        const key = header[1].toLowerCase();
        let values: string[] = [];
        if (key === 'mode') values = [...SEND_MODES];
        else if (key === 'transaction') values = [...TRANSACTION_DECISIONS];
        else if (key === 'type') values = ['message', 'batch', 'transaction'];
        else if (key === 'topic') {
          const c = connections.activeName();
          values = c && routeTree() ? await routeTree()!.knownTopics(c) : [];
        }
        return values.map((v) => new vscode.CompletionItem(v, vscode.CompletionItemKind.Value));
      }
      if (/^\s*[A-Za-z-]*$/.test(line)) {
        return (Object.keys(HEADER_DOCS) as HeaderKey[]).map((k) => {
          const it = new vscode.CompletionItem(k, vscode.CompletionItemKind.Property);
          it.insertText = `${k}: `;
          it.documentation = new vscode.MarkdownString(HEADER_DOCS[k]);
          it.command = { command: 'editor.action.triggerSuggest', title: '' };
          return it;
        });
      }
      return [];
    },
  }, ':'));

  context.subscriptions.push(vscode.languages.registerHoverProvider(SELECTOR, {
    provideHover(doc, pos) {
      const f = parse(doc);
      const block = f.blocks.find((b) => b.startLine === pos.line);
      if (block) {
        const p = predictionOf(doc, block.index);
        if (!p) return new vscode.Hover(new vscode.MarkdownString('**Where it goes** — not looked up yet: click *Where it goes* above the block (a route dry-run; nothing is sent).'));
        const md = new vscode.MarkdownString(`**Where it goes** — route dry-run through *${p.connection}* at ${new Date(p.at).toLocaleTimeString()} (nothing sent)\n\n`);
        if (p.error) md.appendText(p.error);
        else md.appendCodeblock(formatPrediction(p.prediction!).join('\n'), 'text');
        return new vscode.Hover(md);
      }
      for (const b of f.blocks) for (const h of b.headers) {
        if (h.line === pos.line && h.key && pos.character >= h.nameColumn && pos.character <= h.nameColumn + h.name.length) {
          return new vscode.Hover(new vscode.MarkdownString(`**${h.key}** — ${HEADER_DOCS[h.key]}`));
        }
      }
      return undefined;
    },
  }));

  context.subscriptions.push(vscode.commands.registerCommand('rocketmq.sendRequestBlock', async (uriArg?: unknown, indexArg?: unknown, repeatArg?: unknown): Promise<SendOutcome | undefined> => {
    if (!allowSend('Sending a request block', log)) return undefined;
    let doc: vscode.TextDocument | undefined;
    if (typeof uriArg === 'string') doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uriArg));
    else if (uriArg instanceof vscode.Uri) doc = await vscode.workspace.openTextDocument(uriArg);
    else doc = vscode.window.activeTextEditor?.document;
    if (!doc) return undefined;
    const f = parse(doc);
    let block: RequestBlock | undefined;
    if (typeof indexArg === 'number') block = f.blocks[indexArg];
    else {
      const line = vscode.window.activeTextEditor?.document === doc ? vscode.window.activeTextEditor.selection.active.line : 0;
      block = f.blocks.find((b) => line >= b.startLine && line <= b.endLine) ?? f.blocks[0];
    }
    if (!block) { void vscode.window.showWarningMessage('No request block here.'); return undefined; }
    if (!block.spec) {
      const msg = block.diagnostics.filter((d) => d.severity === 'error').map((d) => `line ${d.line + 1}: ${d.message}`).join('; ');
      void vscode.window.showErrorMessage(`This block cannot be sent: ${msg}`);
      return undefined;
    }
    let spec = block.spec;
    if (typeof repeatArg === 'number' && repeatArg >= 1) spec = { ...spec, repeat: Math.trunc(repeatArg) };
    const where = `${vscode.workspace.asRelativePath(doc.uri)} block ${block.index + 1}${block.title ? ` "${block.title}"` : ''}`;
    let bodyPath: string | undefined;
    let outside: BodyFileCheck | undefined;
    if (block.bodyFile) {
      const checked = await resolveBodyFile(doc, block.bodyFile);
      if (typeof checked === 'string') {
        log.error(`${where}: ${checked}`);
        void vscode.window.showErrorMessage(`${where}: ${checked}`);
        return undefined;
      }
      bodyPath = checked.realTarget;
      if (!checked.inside) outside = checked;
    }
    const connection = await chooseConnection(connections);
    if (!connection) return undefined;
    if (outside && !(await allowOutsideBodyFile(outside, where, connection, log))) return undefined;
    if (bodyPath) {
      try {
        // The resolved real path is read (not the link that was checked), so what is read is what was decided on.
        spec = withBodyFileBytes(spec, await vscode.workspace.fs.readFile(vscode.Uri.file(bodyPath)), block.bodyFile!);
      } catch (e) {
        void vscode.window.showErrorMessage(`Cannot read bodyFile ${block.bodyFile}: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    }
    return sendWithUi(context, connections, log, connection, spec, where);
  }));

  context.subscriptions.push(vscode.commands.registerCommand('rocketmq.dryRunRequestBlock', async (uriArg?: unknown, indexArg?: unknown): Promise<SendPrediction | undefined> => {
    const doc = typeof uriArg === 'string' ? await vscode.workspace.openTextDocument(vscode.Uri.parse(uriArg)) : vscode.window.activeTextEditor?.document;
    if (!doc) return undefined;
    const f = parse(doc);
    const block = typeof indexArg === 'number' ? f.blocks[indexArg] : f.blocks[0];
    if (!block?.spec) { void vscode.window.showWarningMessage('Fix the block\'s problems first: the dry run needs a block that could be sent.'); return undefined; }
    const connection = await chooseConnection(connections);
    if (!connection) return undefined;
    // A bodyFile is not read for a dry run (its rules ask first when it lies outside the folder): the body size is not checked then.
    const spec = block.bodyFile ? { ...block.spec, bodies: ['(bodyFile)'] } : block.spec;
    const key = `${doc.uri.toString()}#${block.index}`;
    const version = doc.version;
    try {
      const prediction = await predictWithLog(connections, log, connection, spec);
      predictions.set(key, { version, connection, at: Date.now(), prediction });
      lensChanged.fire();
      return prediction;
    } catch (e) {
      predictions.set(key, { version, connection, at: Date.now(), error: describeFailure(e, 'nameserver').short });
      lensChanged.fire();
      void vscode.window.showErrorMessage(`Where it goes: ${describeFailure(e, 'nameserver').short}`);
      return undefined;
    }
  }));

  context.subscriptions.push(vscode.commands.registerCommand('rocketmq.newRequestFile', async (arg?: unknown) => {
    const topic = typeof arg === 'object' && arg !== null && typeof (arg as { topic?: unknown }).topic === 'string' ? (arg as { topic: string }).topic : 'TopicTest';
    const content = [
      '// RocketMQ request file: each ### block is one send. Click "Send" above a block.',
      `### A plain message`,
      `topic: ${topic}`,
      'tag: TagA',
      'keys: order-1',
      'property: source=vscode',
      '',
      '{"hello": "RocketMQ"}',
      '',
      '### Ordered by key, three times',
      `topic: ${topic}`,
      'shardingKey: order-1',
      'repeat: 3',
      '',
      'step',
      '',
      '### A batch',
      `topic: ${topic}`,
      'type: batch',
      '',
      'first',
      '---',
      'second',
      '',
    ].join('\n');
    const doc = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content });
    await vscode.window.showTextDocument(doc);
    return doc.uri.toString();
  }));
}

/**
 * Resolves a block's bodyFile under the rules of src/core/requestfile/body-file.ts: scoped to the
 * request file's workspace folder (its own folder when it is in none; the first workspace folder for
 * an untitled file), symbolic links resolved. Returns the check, or why it cannot be read.
 */
async function resolveBodyFile(doc: vscode.TextDocument, bodyFile: string): Promise<BodyFileCheck | string> {
  const first = vscode.workspace.workspaceFolders?.find((w) => w.uri.scheme === 'file')?.uri.fsPath;
  let requestFile: string | undefined;
  let holding: string | undefined;
  if (doc.uri.scheme === 'file') {
    requestFile = doc.uri.fsPath;
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    holding = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
  } else if (doc.uri.scheme !== 'untitled') {
    return `bodyFile works only for request files on disk (this one is ${doc.uri.scheme}:), so that links can be checked; put the body in the block instead`;
  }
  const scope = bodyFileScope(requestFile, holding, first);
  if (!scope) return `bodyFile "${bodyFile}" has no folder to be read from: save the request file first (paths are relative to it), or open a folder`;
  try {
    return await checkBodyFile(bodyFile, scope);
  } catch (e) {
    return e instanceof BodyFileError ? e.message : `Cannot read bodyFile "${bodyFile}": ${e instanceof Error ? e.message : String(e)}`;
  }
}
