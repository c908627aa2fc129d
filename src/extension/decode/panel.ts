/**
 * The "Decoded Frame" webview panel. Strict CSP (default-src 'none', the one script allowed by a
 * nonce made fresh for every render, styles and scripts only from the extension's dist/ and media/),
 * a ready handshake, typed messages (src/shared/messages.ts), state kept by the webview itself with
 * setState rather than retainContextWhenHidden.
 */
import * as vscode from 'vscode';
import { webviewOptions, webviewShellHtml } from '../webview-html';
import { ExtensionToWebview, DecodedFrameView, isWebviewToExtension } from '../../shared/decode-messages';

export const DECODE_VIEW_TYPE = 'rocketmq.decodedFrame';
const RENDER_TIMEOUT_MS = 20_000;

export interface RenderReport {
  heading: string;
  fieldCount: number;
}

/** One panel, reused for every decode; each show waits for the webview to report it rendered. */
export class DecodePanel {
  private static current: DecodePanel | undefined;
  private seq = 0;
  private last: ExtensionToWebview | undefined;
  private readonly waiting = new Map<number, (r: RenderReport) => void>();
  private readonly disposables: vscode.Disposable[] = [];

  static show(extensionUri: vscode.Uri, log: vscode.LogOutputChannel): DecodePanel {
    if (DecodePanel.current) {
      DecodePanel.current.panel.reveal(undefined, false);
      return DecodePanel.current;
    }
    const panel = vscode.window.createWebviewPanel(DECODE_VIEW_TYPE, 'Decoded Frame', vscode.ViewColumn.Active, webviewOptions(extensionUri));
    DecodePanel.current = new DecodePanel(panel, extensionUri, log);
    return DecodePanel.current;
  }

  private constructor(readonly panel: vscode.WebviewPanel, private readonly extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'rocketmq.svg');
    panel.webview.html = webviewShellHtml(panel.webview, extensionUri, {
      script: 'webview.js', style: 'webview.css', title: 'Decoded Frame',
      body: '<main id="app" data-view="decoded-frame"><p class="placeholder">Waiting for a frame…</p></main>',
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((msg: unknown) => this.onMessage(msg)),
    );
  }

  private onMessage(msg: unknown): void {
    if (!isWebviewToExtension(msg)) {
      this.log.warn('decode panel: ignoring a malformed message from the webview');
      return;
    }
    switch (msg.type) {
      case 'ready':
        // First load, or the webview was re-created after being hidden: send what it should show.
        if (this.last) void this.panel.webview.postMessage(this.last);
        break;
      case 'rendered': {
        const resolve = this.waiting.get(msg.seq);
        this.waiting.delete(msg.seq);
        resolve?.({ heading: msg.heading, fieldCount: msg.fieldCount });
        break;
      }
    }
  }

  /** Shows a frame; resolves when the webview has put it on screen. */
  showFrame(frame: DecodedFrameView): Promise<RenderReport> {
    return this.post({ type: 'showFrame', seq: ++this.seq, frame });
  }

  private post(msg: ExtensionToWebview): Promise<RenderReport> {
    this.last = msg;
    this.panel.title = `Frame: ${msg.frame.description.header?.codeName ?? 'undecodable'}`;
    return new Promise<RenderReport>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(msg.seq);
        reject(new Error(`the decoded-frame webview did not render within ${RENDER_TIMEOUT_MS / 1000} s`));
      }, RENDER_TIMEOUT_MS);
      this.waiting.set(msg.seq, (r) => { clearTimeout(timer); resolve(r); });
      // If the webview is still loading, this message is lost; its 'ready' re-sends `last`.
      void this.panel.webview.postMessage(msg);
    });
  }

  dispose(): void {
    if (DecodePanel.current === this) DecodePanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
