/** Request/response pairing over postMessage, typed by the shared protocol. */
import type { FromWebview, ReplyFor, RequestMessage, ToWebview } from '../../../src/shared/inspector-protocol';

interface VsCodeApi {
  postMessage(msg: FromWebview): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export const vscode: VsCodeApi = acquireVsCodeApi();

type RequestType = RequestMessage['type'];
type Params<T extends RequestType> = Omit<Extract<RequestMessage, { type: T }>, 'type' | 'reqId'>;

let nextId = 1;
const pending = new Map<number, (m: ToWebview) => void>();

export function request<T extends RequestType>(type: T, params: Params<T>): Promise<ReplyFor[T]> {
  const reqId = nextId++;
  return new Promise((resolve) => {
    pending.set(reqId, (m) => resolve(m as ReplyFor[T]));
    vscode.postMessage({ type, reqId, ...params } as unknown as FromWebview);
  });
}

export function send(msg: Exclude<FromWebview, RequestMessage>): void {
  vscode.postMessage(msg);
}

/** Routes a host message: replies go to their pending request; events to `onEvent`. */
export function listen(onEvent: (m: ToWebview) => void): void {
  window.addEventListener('message', (e: MessageEvent) => {
    const m = e.data as ToWebview;
    if (!m || typeof m !== 'object' || typeof m.type !== 'string') return;
    if ('reqId' in m && typeof m.reqId === 'number') {
      const p = pending.get(m.reqId);
      if (p) { pending.delete(m.reqId); p(m); return; }
    }
    onEvent(m);
  });
}
