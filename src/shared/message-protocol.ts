/**
 * The message view's two APIs, carried by the shared {@link Endpoint} (src/shared/endpoint.ts). The
 * host asks the webview to show a result list, a message or a trace and gets back what is on screen;
 * the webview asks the host for a message's detail, its whole body, and to run an action on it.
 * Pure TypeScript (no `vscode`, no DOM): compiled into both bundles.
 */
import type { Api, Validators } from './endpoint';
import type { MessageBody, MessageDetail, MessageList, TraceView } from './message-view';

export type MessageAction = 'sendAgain' | 'openAsRequest' | 'copyJson' | 'showTrace';
export const MESSAGE_ACTIONS: readonly MessageAction[] = ['sendAgain', 'openAsRequest', 'copyJson', 'showTrace'];

/** What the webview put on screen (the tests check these). */
export interface ViewReport {
  heading: string;
  /** Rows of the list on screen (this page), or field rows of a detail, or steps of a trace. */
  rows: number;
  /** The page shown, 1-based (lists). */
  page?: number;
}

export interface ActionResult { ok: boolean; message: string }

/** What the webview answers. */
export interface MessagesWebviewApi extends Api {
  requests: {
    showList: { params: MessageList; result: ViewReport };
    showDetail: { params: MessageDetail; result: ViewReport };
    showTrace: { params: TraceView; result: ViewReport };
  };
  events: Record<string, never>;
}

/** What the host answers. */
export interface MessagesHostApi extends Api {
  requests: {
    detail: { params: { handle: string }; result: MessageDetail };
    fullBody: { params: { handle: string }; result: MessageBody };
    action: { params: { handle: string; action: MessageAction }; result: ActionResult };
    /** Browsing: the next messages of the queue, as a new list. */
    more: { params: Record<string, never>; result: MessageList };
  };
  events: { ready: Record<string, never> };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const handleOf = (v: unknown): { handle: string } | null =>
  (isObject(v) && typeof v.handle === 'string' && /^m\d{1,12}$/.test(v.handle) && Object.keys(v).length === 1 ? { handle: v.handle } : null);

export const MESSAGES_HOST_VALIDATORS: Validators<MessagesHostApi> = {
  requests: {
    detail: handleOf,
    fullBody: handleOf,
    action: (v) => {
      if (!isObject(v) || Object.keys(v).length !== 2) return null;
      const h = handleOf({ handle: v.handle });
      return h && MESSAGE_ACTIONS.includes(v.action as MessageAction) ? { handle: h.handle, action: v.action as MessageAction } : null;
    },
    more: (v) => (isObject(v) && Object.keys(v).length === 0 ? {} : null),
  },
  events: { ready: (v) => (v === undefined || (isObject(v) && Object.keys(v).length === 0) ? {} : null) },
};

export function isMessageList(v: unknown): v is MessageList {
  return isObject(v) && typeof v.headline === 'string' && Array.isArray(v.rows) && Array.isArray(v.details) && typeof v.pageSize === 'number';
}
export function isMessageDetail(v: unknown): v is MessageDetail {
  return isObject(v) && typeof v.handle === 'string' && Array.isArray(v.ids) && Array.isArray(v.system) && isObject(v.body);
}
export function isTraceView(v: unknown): v is TraceView {
  return isObject(v) && typeof v.msgId === 'string' && Array.isArray(v.steps) && Array.isArray(v.details);
}

export const MESSAGES_WEBVIEW_VALIDATORS: Validators<MessagesWebviewApi> = {
  requests: {
    showList: (v) => (isMessageList(v) ? v : null),
    showDetail: (v) => (isMessageDetail(v) ? v : null),
    showTrace: (v) => (isTraceView(v) ? v : null),
  },
  events: {},
};

/** What the webview keeps with setState, so a re-shown panel renders without asking again. */
export interface MessagesViewState {
  list?: MessageList;
  page?: number;
  detail?: MessageDetail;
  trace?: TraceView;
}
