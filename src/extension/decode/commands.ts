/** `rocketmq.decodeFrameHex [hex]`: asks for hex unless given some, decodes it, shows it in a webview. */
import * as vscode from 'vscode';
import type { DecodedFrameView } from '../../shared/decode-messages';
import { decodeHexFrame, validateHex } from '../../app/decode/frame-view';
import { DecodePanel } from './panel';

/** What the command resolves to; undefined when the user cancels the input box. */
export type DecodeFrameCommandResult =
  | { ok: true; frame: DecodedFrameView; rendered: { heading: string; fieldCount: number } }
  | { ok: false; error: string; kind: string; offset?: number };

export function registerDecodeFrame(context: vscode.ExtensionContext): void {
  let log: vscode.LogOutputChannel | undefined;
  const channel = () => (log ??= vscode.window.createOutputChannel('RocketMQ Frame Decoder', { log: true }));
  context.subscriptions.push(
    { dispose: () => log?.dispose() },
    vscode.commands.registerCommand('rocketmq.decodeFrameHex', (hexArg?: unknown) => decodeFrameHex(context, channel(), hexArg)),
  );
}

async function decodeFrameHex(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, hexArg?: unknown): Promise<DecodeFrameCommandResult | undefined> {
  const hex = typeof hexArg === 'string' ? hexArg : await vscode.window.showInputBox({
    title: 'Decode RocketMQ Frame',
    prompt: 'Hex bytes of one remoting frame, starting at its 4-byte length (spaces, colons and 0x are fine)',
    placeHolder: '00 00 00 2f 00 00 00 2b 7b 22 63 6f 64 65 22 3a …',
    ignoreFocusOut: true,
    validateInput: validateHex,
  });
  if (hex === undefined) return undefined;
  const outcome = decodeHexFrame(hex);
  if (!outcome.ok) {
    log.warn(`decode frame failed: ${outcome.kind}: ${outcome.error}`);
    // Not awaited: the message stays until dismissed, the command returns now.
    void vscode.window.showErrorMessage(`RocketMQ: cannot decode the frame: ${outcome.error}`);
    return outcome;
  }
  log.info(`decoded ${outcome.frame.description.title}`);
  const rendered = await DecodePanel.show(context.extensionUri, log).showFrame(outcome.frame);
  return { ok: true, frame: outcome.frame, rendered };
}
