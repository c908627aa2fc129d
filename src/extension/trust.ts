/**
 * Workspace Trust: the one place that decides what this extension does in Restricted Mode.
 *
 * - Reading stays available everywhere: the capture inspector (whose job is to read untrusted files
 *   safely), Decode Frame from Hex, and browsing the Topic Routes view.
 * - Sending needs a trusted workspace. Every entry point that can put a message on the wire
 *   (`rocketmq.sendMessage`, `rocketmq.sendMessageToTopic`, `rocketmq.sendRequestBlock`, and
 *   `sendWithUi` behind all of them) asks `allowSend` first. In Restricted Mode it refuses with a
 *   message saying why and how to trust the folder. package.json hides the same commands with
 *   `isWorkspaceTrusted` `when` clauses; this is what holds when they are invoked anyway (command
 *   palette history, keybindings, `executeCommand` from elsewhere).
 * - A request file's `bodyFile` outside its folder (see src/core/requestfile/body-file.ts) is
 *   confirmed by a modal dialog in a trusted workspace, and refused otherwise.
 */
import * as vscode from 'vscode';
import { BodyFileCheck, describeOutside } from '../core/requestfile';
import type { Log } from './connections/log';

export const MANAGE_TRUST_BUTTON = 'Manage Workspace Trust';
const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';

/** Sending (anything that puts a message on the wire) is allowed only in a trusted workspace. */
export function sendingAllowed(): boolean {
  return vscode.workspace.isTrusted;
}

/** What a refused send says: why, and how to get out of it. */
export function restrictedSendText(what: string): string {
  return `${what} is disabled in Restricted Mode: this folder is not trusted, and a request file or command coming from it could send messages (or local files) to your brokers. `
    + 'Browsing topic routes, the capture inspector and Decode Frame still work. '
    + `To send, trust the folder: "${MANAGE_TRUST_BUTTON}" (or the Restricted Mode indicator in the status bar).`;
}

/**
 * The gate of every send entry point: true when sending may go on. Otherwise shows why (with a button
 * opening the Workspace Trust editor), logs the refusal and returns false.
 */
export function allowSend(what: string, log: Log): boolean {
  if (sendingAllowed()) return true;
  const text = restrictedSendText(what);
  log.warn(`refused in Restricted Mode: ${text}`);
  void vscode.window.showWarningMessage(text, MANAGE_TRUST_BUTTON).then((c) => {
    if (c === MANAGE_TRUST_BUTTON) void vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
  });
  return false;
}

/** Runs `listener` when the user trusts the workspace (it cannot become untrusted without a reload). */
export function onDidGrantTrust(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidGrantWorkspaceTrust(listener);
}

/** What happens to a bodyFile outside its folder: a modal confirmation when trusted, a refusal otherwise. */
export type OutsideBodyFilePolicy = 'confirm' | 'refuse';

export function outsideBodyFilePolicy(trusted: boolean = vscode.workspace.isTrusted): OutsideBodyFilePolicy {
  return trusted ? 'confirm' : 'refuse';
}

export const READ_AND_SEND_BUTTON = 'Read and Send';

/**
 * Asks (trusted) or refuses (untrusted) reading a bodyFile that resolves outside its folder. `where`
 * names the block, `connection` where its content would go. True: go on and read `check.realTarget`.
 */
export async function allowOutsideBodyFile(check: BodyFileCheck, where: string, connection: string, log: Log): Promise<boolean> {
  const what = describeOutside(check);
  if (outsideBodyFilePolicy() === 'refuse') {
    const text = `${where}: ${what}. A request file in an untrusted folder cannot read files outside its folder.`;
    log.error(`refused: ${text}`);
    void vscode.window.showErrorMessage(text, MANAGE_TRUST_BUTTON).then((c) => {
      if (c === MANAGE_TRUST_BUTTON) void vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
    });
    return false;
  }
  const message = `${where} reads a file outside the ${check.scope.kind === 'workspace-folder' ? 'workspace folder' : "request file's folder"}. Send its content?`;
  const detail = `${what}.\n\nIts content will be sent as the message body through "${connection}". `
    + 'Only continue if you expect this request file to read that file.';
  log.warn(`asking to confirm: ${message} ${detail.replace(/\n+/g, ' ')}`);
  const ok = await confirm(message, detail, READ_AND_SEND_BUTTON);
  log.info(ok ? `confirmed: reading ${check.realTarget}` : `not confirmed: ${check.realTarget} was not read, nothing sent`);
  return ok;
}

// ------------------------------------------------------------------ modal confirmations (test seam)

/**
 * Scripted answers for modal confirmations, used only when the extension runs under its test runner
 * (ExtensionMode.Test): a modal dialog cannot be clicked from the extension host. `undefined` means
 * "dismissed".
 */
const scripted: (string | undefined)[] = [];
let testMode = false;

async function confirm(message: string, detail: string, button: string): Promise<boolean> {
  if (testMode && scripted.length > 0) return scripted.shift() === button;
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, button);
  return choice === button;
}

/** Registers the Test-mode hook `rocketmq.internal.answerConfirmations(answers)`; nothing in other modes. */
export function registerTrust(context: vscode.ExtensionContext): void {
  if (context.extensionMode !== vscode.ExtensionMode.Test) return;
  testMode = true;
  context.subscriptions.push(
    vscode.commands.registerCommand('rocketmq.internal.answerConfirmations', (answers: unknown) => {
      scripted.length = 0;
      if (Array.isArray(answers)) for (const a of answers) scripted.push(typeof a === 'string' ? a : undefined);
      return scripted.length;
    }),
    { dispose: () => { testMode = false; scripted.length = 0; } },
  );
}
