/**
 * Drives an InspectorSession the way its webview does, through the session's real endpoint:
 * envelopes in, envelopes out. Used by the unit tests, the golden-file generator and the benchmark.
 */
import type { SessionHost, InspectorSession } from '../../../src/app/inspector/session';
import { ReplayDocument, replaySummary } from '../../../src/app/inspector/replay';
import type { Envelope, Method, Params, Result } from '../../../src/shared/endpoint';
import type { InspectorHostApi, InspectorWebviewApi } from '../../../src/shared/inspector-protocol';

type WebviewEvent = keyof InspectorWebviewApi['events'];

/** A SessionHost that keeps everything the session posts. */
export class RecordingHost implements SessionHost {
  readonly posted: Envelope[] = [];
  readonly logs: string[] = [];
  clipboard: string | null = null;
  saves = 0;
  post(m: Envelope): void { this.posted.push(m); }
  async copyToClipboard(t: string): Promise<void> { this.clipboard = t; }
  async savePcapng(): Promise<void> { this.saves++; }
  log(m: string): void { this.logs.push(m); }
  /** Capture → replay documents the session asked to open. */
  readonly replayDocs: ReplayDocument[] = [];
  async openRequestFile(doc: ReplayDocument): Promise<string> { this.replayDocs.push(doc); return replaySummary(doc); }

  /** Bodies of the events of one name the session sent, oldest first. */
  events<E extends WebviewEvent>(name: E): InspectorWebviewApi['events'][E][] {
    return this.posted.filter((m) => m.kind === 'event' && m.name === name).map((m) => (m as { body: unknown }).body as InspectorWebviewApi['events'][E]);
  }

  /** The newest event of that name; throws when there is none. */
  lastEvent<E extends WebviewEvent>(name: E): InspectorWebviewApi['events'][E] {
    const all = this.events(name);
    if (!all.length) throw new Error(`no ${name} event posted`);
    return all[all.length - 1];
  }

  /** The answer ('reply' or 'error') to request `id`, if one was posted. */
  answer(id: number): Envelope | undefined {
    return this.posted.find((m) => (m.kind === 'reply' || m.kind === 'error') && m.id === id);
  }
}

let nextId = 1;

/** Sends one request as the webview would and returns the answer envelope (reply or error). */
export async function ask(s: InspectorSession, host: RecordingHost, method: string, params: unknown): Promise<Envelope> {
  const id = nextId++;
  await s.handle({ kind: 'request', id, method, params });
  const a = host.answer(id);
  if (!a) throw new Error(`${method}: the session posted no answer to request ${id}`);
  return a;
}

/** Sends one request and returns its result; throws with the error answer's code and message. */
export async function call<M extends Method<InspectorHostApi>>(s: InspectorSession, host: RecordingHost, method: M, params: Params<InspectorHostApi, M>): Promise<Result<InspectorHostApi, M>> {
  const a = await ask(s, host, method, params);
  if (a.kind === 'error') throw Object.assign(new Error(`${method}: ${a.code}: ${a.message}`), { code: a.code });
  if (a.kind !== 'reply') throw new Error(`${method}: unexpected answer ${JSON.stringify(a)}`);
  return a.result as Result<InspectorHostApi, M>;
}

/** Sends an event as the webview would ('ready', 'cancelIndexing', 'savePcapng'). */
export function emit(s: InspectorSession, name: keyof InspectorHostApi['events'], body: unknown = {}): Promise<void> {
  return s.handle({ kind: 'event', name, body });
}
