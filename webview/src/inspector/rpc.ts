/**
 * The webview end of the inspector's channel: the shared Endpoint (src/shared/endpoint.ts) over
 * postMessage, typed by the inspector's APIs. Requests reject with an EndpointError when the host
 * answers with an error or not within REQUEST_TIMEOUT_MS; callers show that instead of waiting.
 */
import { Endpoint, EndpointError, Envelope, EventHandlers, Method, Params, Result } from '../../../src/shared/endpoint';
import { InspectorHostApi, InspectorWebviewApi, REQUEST_TIMEOUT_MS } from '../../../src/shared/inspector-protocol';

interface VsCodeApi {
  postMessage(msg: Envelope): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export const vscode: VsCodeApi = acquireVsCodeApi();
export { EndpointError };

const handlers: EventHandlers<InspectorWebviewApi> = {};
const endpoint = new Endpoint<InspectorWebviewApi, InspectorHostApi>({
  post: (m) => vscode.postMessage(m),
  handlers: {},
  events: handlers,
});
window.addEventListener('message', (e: MessageEvent) => { void endpoint.receive(e.data); });

export function request<M extends Method<InspectorHostApi>>(method: M, params: Params<InspectorHostApi, M>): Promise<Result<InspectorHostApi, M>> {
  return endpoint.request(method, params, { timeoutMs: REQUEST_TIMEOUT_MS[method] });
}

export function emit<E extends keyof InspectorHostApi['events'] & string>(name: E): void {
  endpoint.emit(name, {} as InspectorHostApi['events'][E]);
}

/** Routes the host's events to `on` (one handler per event; set before the host's first answer). */
export function listen(on: Required<EventHandlers<InspectorWebviewApi>>): void {
  Object.assign(handlers, on);
}

/** A failed request in words for the status line. */
export function failure(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
