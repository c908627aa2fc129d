/**
 * The "Decoded Frame" webview panel. Strict CSP (default-src 'none', the one script allowed by a
 * nonce made fresh for every render, styles and scripts only from the extension's dist/ and media/),
 * typed requests over the shared endpoint (src/shared/decode-messages.ts), state kept by the webview
 * itself with setState rather than retainContextWhenHidden.
 */
import * as vscode from 'vscode';
import { webviewOptions, webviewShellHtml } from '../webview-html';
import { DECODE_HOST_VALIDATORS, DecodedFrameView, DecodeHostApi, DecodeWebviewApi, RenderReport } from '../../shared/decode-messages';
import { Endpoint } from '../../shared/endpoint';

export const DECODE_VIEW_TYPE = 'rocketmq.decodedFrame';
const RENDER_TIMEOUT_MS = 20_000;
export type { RenderReport };

/** One panel, reused for every decode; each show resolves with what the webview put on screen. */
export class DecodePanel {
  private static current: DecodePanel | undefined;
  private last: DecodedFrameView | undefined;
  private readonly endpoint: Endpoint<DecodeHostApi, DecodeWebviewApi>;
  /** Resolved by the webview's first `ready`: a request posted before its script listens would be lost. */
  private readonly ready: Promise<void>;
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

  private constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, log: vscode.LogOutputChannel) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'rocketmq.svg');
    panel.webview.html = webviewShellHtml(panel.webview, extensionUri, {
      script: 'webview.js', style: 'webview.css', title: 'Decoded Frame',
      body: '<main id="app" data-view="decoded-frame"><p class="placeholder">Waiting for a frame…</p></main>',
    });
    let markReady: () => void = () => undefined;
    this.ready = new Promise((r) => { markReady = r; });
    let firstReady = true;
    this.endpoint = new Endpoint<DecodeHostApi, DecodeWebviewApi>({
      post: (m) => { void panel.webview.postMessage(m); },
      validate: DECODE_HOST_VALIDATORS,
      timeoutMs: RENDER_TIMEOUT_MS,
      handlers: {},
      events: {
        ready: () => {
          if (firstReady) { firstReady = false; markReady(); return; }
          // Re-created after being hidden: it shows its saved frame; send the current one too.
          if (this.last) this.endpoint.request('showFrame', this.last).catch((e: unknown) => log.warn(`decode panel: re-showing the frame failed: ${e instanceof Error ? e.message : String(e)}`));
        },
      },
      onRejected: (what) => log.warn(`decode panel: ignoring a message from the webview: ${what}`),
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((msg: unknown) => { void this.endpoint.receive(msg); }),
    );
  }

  /** Shows a frame; resolves when the webview has put it on screen (rejects after 20 s without an answer). */
  async showFrame(frame: DecodedFrameView): Promise<RenderReport> {
    this.last = frame;
    this.panel.title = `Frame: ${frame.description.header?.codeName ?? 'undecodable'}`;
    let timer: NodeJS.Timeout | undefined;
    const loading = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the Decoded Frame webview did not load within ${RENDER_TIMEOUT_MS / 1000} s`)), RENDER_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.ready, loading]);
    } finally {
      clearTimeout(timer);
    }
    return this.endpoint.request('showFrame', frame);
  }

  dispose(): void {
    if (DecodePanel.current === this) DecodePanel.current = undefined;
    this.endpoint.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
