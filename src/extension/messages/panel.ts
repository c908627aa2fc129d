/**
 * The "RocketMQ Messages" webview panel: a result list, one message's detail and a trace timeline,
 * over the shared endpoint (src/shared/message-protocol.ts). Same CSP shell as every webview
 * (src/extension/webview-html.ts); broker text reaches the page as data and is shown with textContent.
 */
import * as vscode from 'vscode';
import { webviewOptions, webviewShellHtml } from '../webview-html';
import { Endpoint, RequestHandlers } from '../../shared/endpoint';
import {
  ActionResult, MESSAGES_HOST_VALIDATORS, MessageAction, MessagesHostApi, MessagesWebviewApi, ViewReport,
} from '../../shared/message-protocol';
import type { MessageDetail, MessageList, TraceView } from '../../shared/message-view';
import { MessageFinder } from '../../app/messages/finder';

export const MESSAGES_VIEW_TYPE = 'rocketmq.messages';
const LOAD_TIMEOUT_MS = 20_000;

/** Runs an action on a message of the panel's connection (Send Again, Open as Request Block, …). */
/** The next list of a browse, and how to read the one after it. */
export type MoreFn = () => Promise<{ list: MessageList; more?: MoreFn }>;

export type ActionRunner = (connection: string, finder: MessageFinder, handle: string, action: MessageAction) => Promise<ActionResult>;

export class MessagesPanel {
  private static current: MessagesPanel | undefined;
  private readonly endpoint: Endpoint<MessagesHostApi, MessagesWebviewApi>;
  private readonly handlers: RequestHandlers<MessagesHostApi>;
  private readonly ready: Promise<void>;
  private readonly disposables: vscode.Disposable[] = [];
  private connection = '';
  private finder: MessageFinder | undefined;
  /** The last things shown, re-sent when the webview is re-created. */
  private last: { list?: MessageList; detail?: MessageDetail; trace?: TraceView } = {};
  /** Reads the next page of a browsed queue (set with the list it continues). */
  private moreFn: MoreFn | undefined;

  static show(extensionUri: vscode.Uri, log: vscode.LogOutputChannel | { warn(s: string): void }, runAction: ActionRunner): MessagesPanel {
    if (MessagesPanel.current) {
      MessagesPanel.current.panel.reveal(undefined, false);
      return MessagesPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(MESSAGES_VIEW_TYPE, 'RocketMQ Messages', vscode.ViewColumn.Active, webviewOptions(extensionUri));
    MessagesPanel.current = new MessagesPanel(panel, extensionUri, log, runAction);
    return MessagesPanel.current;
  }

  static get open(): MessagesPanel | undefined { return MessagesPanel.current; }

  private constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, log: { warn(s: string): void }, runAction: ActionRunner) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'rocketmq.svg');
    panel.webview.html = webviewShellHtml(panel.webview, extensionUri, {
      script: 'messages.js', style: 'messages.css', title: 'RocketMQ Messages',
      body: '<main id="app" data-view="messages"><p class="placeholder">Waiting for a lookup…</p></main>',
    });
    let markReady: () => void = () => undefined;
    this.ready = new Promise((r) => { markReady = r; });
    let firstReady = true;
    const finder = () => {
      if (!this.finder) throw new Error('no lookup has run in this panel yet');
      return this.finder;
    };
    this.handlers = {
        detail: ({ handle }) => {
          const d = finder().detail(handle);
          if (!d) throw new Error('that message is no longer kept (only the last 5000 read are): run the lookup again');
          this.last.detail = d;
          return d;
        },
        fullBody: ({ handle }) => {
          const b = finder().fullBody(handle);
          if (!b) throw new Error('that message is no longer kept: run the lookup again');
          return b;
        },
        action: ({ handle, action }) => runAction(this.connection, finder(), handle, action),
        more: async () => {
          if (!this.moreFn) throw new Error('there is nothing more to read for this list');
          const next = await this.moreFn();
          this.last = { list: next.list };
          this.moreFn = next.more;
          return next.list;
        },
    };
    this.endpoint = new Endpoint<MessagesHostApi, MessagesWebviewApi>({
      post: (m) => { void panel.webview.postMessage(m); },
      validate: MESSAGES_HOST_VALIDATORS,
      timeoutMs: LOAD_TIMEOUT_MS,
      handlers: this.handlers,
      events: {
        ready: () => {
          if (firstReady) { firstReady = false; markReady(); return; }
          // Re-created after being hidden: it shows its saved state; send the current one too.
          const { list, detail, trace } = this.last;
          if (list) void this.endpoint.request('showList', list).catch(() => undefined);
          if (detail) void this.endpoint.request('showDetail', detail).catch(() => undefined);
          if (trace) void this.endpoint.request('showTrace', trace).catch(() => undefined);
        },
      },
      onRejected: (what) => log.warn(`messages panel: ignoring a message from the webview: ${what}`),
      onHandlerError: (method, e) => log.warn(`messages panel: ${method} failed: ${e instanceof Error ? e.message : String(e)}`),
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((msg: unknown) => { void this.endpoint.receive(msg); }),
    );
  }

  private async loaded(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const loading = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the Messages webview did not load within ${LOAD_TIMEOUT_MS / 1000} s`)), LOAD_TIMEOUT_MS);
    });
    try { await Promise.race([this.ready, loading]); } finally { clearTimeout(timer); }
  }

  private use(connection: string, finder: MessageFinder): void {
    this.connection = connection;
    this.finder = finder;
  }

  async showList(connection: string, finder: MessageFinder, list: MessageList, more?: MoreFn): Promise<ViewReport> {
    this.use(connection, finder);
    this.last = { list };
    this.moreFn = more;
    this.panel.title = `Messages: ${list.title}`.slice(0, 80);
    await this.loaded();
    return this.endpoint.request('showList', list);
  }

  async showDetail(connection: string, finder: MessageFinder, detail: MessageDetail): Promise<ViewReport> {
    this.use(connection, finder);
    this.last.detail = detail;
    await this.loaded();
    return this.endpoint.request('showDetail', detail);
  }

  async showTrace(connection: string, finder: MessageFinder, trace: TraceView): Promise<ViewReport> {
    this.use(connection, finder);
    this.last.trace = trace;
    await this.loaded();
    return this.endpoint.request('showTrace', trace);
  }

  /** For tests: the request the webview would make, answered by this host. */
  request<M extends keyof MessagesHostApi['requests'] & string>(method: M, params: MessagesHostApi['requests'][M]['params']): Promise<MessagesHostApi['requests'][M]['result']> {
    const p = (MESSAGES_HOST_VALIDATORS.requests[method] as (x: unknown) => unknown)(params);
    if (p === null) return Promise.reject(new Error(`invalid ${method} params`));
    return Promise.resolve((this.handlers[method] as (x: unknown) => unknown)(p)) as Promise<MessagesHostApi['requests'][M]['result']>;
  }

  dispose(): void {
    if (MessagesPanel.current === this) MessagesPanel.current = undefined;
    this.endpoint.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
