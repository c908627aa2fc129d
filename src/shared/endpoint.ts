/**
 * One request/reply endpoint for both ends of a webview channel — the extension host and the
 * webview use the same class. The shape follows vscode-hexeditor's MessageHandler (envelopes with
 * ids, a reply echoes its request's id), with two things it lacks: every request gets exactly one
 * answer, a reply or an error (a handler that throws, params that fail validation and an unknown
 * method all answer with an error), and every request has a timeout, so a promise on either side
 * always settles.
 *
 * Wire (plain JSON-cloneable objects, sent with postMessage):
 *
 *   { kind: 'request', id, method, params }      expects one 'reply' or 'error' with the same id
 *   { kind: 'reply',   id, result }
 *   { kind: 'error',   id, code, message }         code: EndpointErrorCode
 *   { kind: 'event',   name, body }                no answer
 *
 * Ids are per sender; each side keeps its own counter and its own pending map, so requests may flow
 * both ways at once. An API is described once, as a type: the requests a side answers (params and
 * result) and the events it receives. The side that receives untrusted input (the host) passes
 * validators that turn `unknown` into those types or reject it; nothing unvalidated reaches a handler.
 *
 * Pure TypeScript without Node, DOM or vscode imports: compiled into the extension and the webviews.
 */

/** What one side answers and receives. */
export interface Api {
  requests: Record<string, { params: unknown; result: unknown }>;
  events: Record<string, unknown>;
}

export type Method<A extends Api> = keyof A['requests'] & string;
export type Params<A extends Api, M extends Method<A>> = A['requests'][M]['params'];
export type Result<A extends Api, M extends Method<A>> = A['requests'][M]['result'];
export type EventName<A extends Api> = keyof A['events'] & string;

export type Envelope =
  | { kind: 'request'; id: number; method: string; params: unknown }
  | { kind: 'reply'; id: number; result: unknown }
  | { kind: 'error'; id: number; code: EndpointErrorCode; message: string }
  | { kind: 'event'; name: string; body: unknown };

export type EndpointErrorCode =
  | 'invalid-request' // the params failed validation
  | 'no-handler'      // the other side answers no such method
  | 'failed'          // the handler threw; the message is its error's
  | 'timeout'         // no answer in time (raised locally)
  | 'disposed';       // this endpoint was disposed before the answer came (raised locally)

/** A request that did not succeed; `code` says how. */
export class EndpointError extends Error {
  override name = 'EndpointError';
  constructor(readonly code: EndpointErrorCode, message: string, readonly method: string) {
    super(message);
  }
}

export type RequestHandlers<A extends Api> = {
  [M in Method<A>]: (params: Params<A, M>) => Result<A, M> | Promise<Result<A, M>>;
};
export type EventHandlers<A extends Api> = {
  [E in EventName<A>]?: (body: A['events'][E]) => void | Promise<void>;
};
/** Turns what arrived into the typed params/body, or null to refuse it. */
export interface Validators<A extends Api> {
  requests: { [M in Method<A>]: (params: unknown) => Params<A, M> | null };
  events: { [E in EventName<A>]: (body: unknown) => A['events'][E] | null };
}

export interface EndpointOptions<Local extends Api> {
  /** Sends one envelope to the other side. */
  post(envelope: Envelope): void;
  /** Requests this side answers. */
  handlers: RequestHandlers<Local>;
  /** Events this side receives. */
  events?: EventHandlers<Local>;
  /** For a side that receives untrusted input: every request and event is checked before a handler sees it. */
  validate?: Validators<Local>;
  /** Default time a request of ours waits for its answer. */
  timeoutMs?: number;
  /** Something arrived that is not an envelope, or an event failed validation (for the log). */
  onRejected?(what: string): void;
  /** A handler threw (for the log; the requester gets an 'error' answer). */
  onHandlerError?(method: string, error: unknown): void;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_ID = 2 ** 31 - 1;

interface Pending { resolve(v: unknown): void; reject(e: EndpointError): void; timer: ReturnType<typeof setTimeout>; method: string }

/**
 * `Local` is the API this side answers and receives; `Remote` the other side's. The host of the
 * inspector is an `Endpoint<InspectorHostApi, InspectorWebviewApi>`, its webview the reverse.
 */
export class Endpoint<Local extends Api, Remote extends Api> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;
  /** Envelopes that were refused (not an envelope, unknown event, invalid event body). */
  rejected = 0;

  constructor(private readonly opts: EndpointOptions<Local>) {}

  /** Asks the other side; settles with its result, or rejects with an EndpointError. */
  request<M extends Method<Remote>>(method: M, params: Params<Remote, M>, options: { timeoutMs?: number } = {}): Promise<Result<Remote, M>> {
    if (this.disposed) return Promise.reject(new EndpointError('disposed', `${method}: the channel is closed`, method));
    const id = this.nextId;
    this.nextId = this.nextId >= MAX_ID ? 1 : this.nextId + 1;
    const timeoutMs = options.timeoutMs ?? this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<Result<Remote, M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new EndpointError('timeout', `${method}: no answer within ${formatMs(timeoutMs)}`, method));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, method });
      this.opts.post({ kind: 'request', id, method, params });
    });
  }

  /** Tells the other side something; no answer. */
  emit<E extends EventName<Remote>>(name: E, body: Remote['events'][E]): void {
    if (!this.disposed) this.opts.post({ kind: 'event', name, body });
  }

  /**
   * Takes one message from the other side. Resolves once it is handled (a request's answer posted),
   * so a caller — or a test — can await the whole exchange.
   */
  async receive(raw: unknown): Promise<void> {
    const env = parseEnvelope(raw);
    if (!env) { this.reject(`not a message envelope: ${preview(raw)}`); return; }
    switch (env.kind) {
      case 'reply':
      case 'error': {
        const p = this.pending.get(env.id);
        if (!p) return; // answered after its timeout, or not ours
        this.pending.delete(env.id);
        clearTimeout(p.timer);
        if (env.kind === 'reply') p.resolve(env.result);
        else p.reject(new EndpointError(env.code, env.message, p.method));
        return;
      }
      case 'event': {
        const name = env.name as EventName<Local>;
        const handler = Object.prototype.hasOwnProperty.call(this.opts.events ?? {}, name) ? this.opts.events?.[name] : undefined;
        const check = this.opts.validate && Object.prototype.hasOwnProperty.call(this.opts.validate.events, name) ? this.opts.validate.events[name] : undefined;
        if (this.opts.validate && !check) { this.reject(`unknown event ${preview(env.name)}`); return; }
        const body = check ? check(env.body) : env.body;
        if (body === null) { this.reject(`invalid ${env.name} event: ${preview(env.body)}`); return; }
        if (!handler) return;
        try { await handler(body as Local['events'][typeof name]); } catch (e) { this.opts.onHandlerError?.(env.name, e); }
        return;
      }
      case 'request':
        await this.answer(env.id, env.method, env.params);
        return;
    }
  }

  private async answer(id: number, method: string, rawParams: unknown): Promise<void> {
    const m = method as Method<Local>;
    if (!Object.prototype.hasOwnProperty.call(this.opts.handlers, m)) {
      this.post({ kind: 'error', id, code: 'no-handler', message: `no such request: ${preview(method)}` });
      return;
    }
    let params = rawParams as Params<Local, typeof m>;
    if (this.opts.validate) {
      const checked = this.opts.validate.requests[m](rawParams);
      if (checked === null) {
        this.post({ kind: 'error', id, code: 'invalid-request', message: `invalid ${method} request: ${preview(rawParams)}` });
        return;
      }
      params = checked;
    }
    try {
      const result = await this.opts.handlers[m](params);
      this.post({ kind: 'reply', id, result });
    } catch (e) {
      this.opts.onHandlerError?.(method, e);
      this.post({ kind: 'error', id, code: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  }

  private post(env: Envelope): void {
    if (!this.disposed) this.opts.post(env);
  }

  private reject(what: string): void {
    this.rejected++;
    this.opts.onRejected?.(what);
  }

  /** Requests still waiting for an answer. */
  get pendingCount(): number { return this.pending.size; }

  /** Fails every pending request with 'disposed' and sends nothing more. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new EndpointError('disposed', `${p.method}: the channel closed before the answer came`, p.method));
      this.pending.delete(id);
    }
  }
}

const ERROR_CODES: readonly string[] = ['invalid-request', 'no-handler', 'failed', 'timeout', 'disposed'];
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_ID;
const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;

/** The envelope, checked for shape (not for what its params or body hold: that is the validators' job). */
export function parseEnvelope(v: unknown): Envelope | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  switch (o.kind) {
    case 'request': return isId(o.id) && isName(o.method) ? { kind: 'request', id: o.id, method: o.method, params: o.params } : null;
    case 'reply': return isId(o.id) ? { kind: 'reply', id: o.id, result: o.result } : null;
    case 'error':
      return isId(o.id) && typeof o.message === 'string' && typeof o.code === 'string' && ERROR_CODES.includes(o.code)
        ? { kind: 'error', id: o.id, code: o.code as EndpointErrorCode, message: o.message } : null;
    case 'event': return isName(o.name) ? { kind: 'event', name: o.name, body: o.body } : null;
    default: return null;
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

function preview(v: unknown): string {
  let s: string;
  try { s = JSON.stringify(v) ?? String(v); } catch { s = typeof v; }
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
