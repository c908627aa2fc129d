/**
 * One open inspector: a capture source, its view model, and the message handler for one webview.
 * Everything the webview sends is validated here first (`parseFromWebview`); invalid messages are
 * dropped and logged. Plain Node (no vscode import) so the protocol is unit-testable; the VS Code
 * side only supplies `SessionHost`.
 */
import {
  FromWebview, parseFromWebview, ProgressInfo, ToWebview, MAX_ROWS_PER_REQUEST,
} from '../../shared/inspector-protocol';
import { CaptureSource, INDEX_READ_STEP } from './capture-source';
import { CaptureIndex } from '../../core/capture/capture-index';
import { FrameBytes } from '../../core/capture/frame-reader';
import { buildDetails, frameAsHex, frameAsJson } from './details';
import { DEFAULT_SORT, InspectorModel } from './view-model';
import { SearchCancelled, searchCaptureFile, searchFrames, SearchHits } from '../../core/capture/search';

// Sources are built next to the session by the VS Code side and the benchmark: one import for both.
export type { CaptureSource } from './capture-source';
export { fileSource, liveSource } from './capture-source';

/** Rows pushed with `init` (about two screens). */
export const FIRST_PAGE_ROWS = 100;

export interface SessionHost {
  post(msg: ToWebview): void;
  copyToClipboard(text: string): Promise<void>;
  savePcapng(): Promise<void>;
  log(msg: string): void;
}

export class InspectorSession {
  readonly model: InspectorModel;
  private doneState: { cancelled: boolean } | null = null;
  private error: string | null = null;
  private ready = false;
  /** Messages from the webview that failed validation (for tests and logs). */
  rejected = 0;
  private growthTimer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;
  private disposed = false;
  /** Content-search results by lower-cased term, kept for the session (one byte per frame each). */
  private readonly searches = new Map<string, SearchHits>();
  /** The content search running for a file capture (one at a time; a new term cancels it). */
  private searching: { key: string; ac: AbortController; promise: Promise<SearchHits> } | null = null;
  /** Counts setView requests: a slower, older one does not overwrite a newer view. */
  private viewSeq = 0;

  constructor(readonly source: CaptureSource, private readonly host: SessionHost) {
    this.model = new InspectorModel(source.index);
    this.unsubscribe = source.onGrowth(() => this.growth());
    source.done.then((d) => {
      this.doneState = d;
      this.model.finish();
      this.postProgress();
    }, (e: unknown) => {
      this.error = e instanceof Error ? e.message : String(e);
      this.doneState = { cancelled: false };
      this.postProgress();
    });
  }

  get indexingDone(): boolean { return this.doneState !== null; }

  private growth(): void {
    // Live sources call this per frame: coalesce.
    if (this.growthTimer) return;
    this.growthTimer = setTimeout(() => { this.growthTimer = null; this.model.grow(); this.postProgress(); }, this.source.live ? 50 : 0);
  }

  progress(): ProgressInfo {
    return {
      frames: this.source.index.length,
      bytesRead: this.source.bytesRead(),
      totalBytes: this.source.totalBytes,
      done: this.doneState !== null,
      cancelled: this.doneState?.cancelled ?? false,
      error: this.error,
      viewTotal: this.model.length,
      firstUs: this.model.originUs,
    };
  }

  private postProgress(): void {
    if (this.ready && !this.disposed) this.host.post({ type: 'progress', progress: this.progress() });
  }

  dispose(): void {
    this.disposed = true;
    this.searching?.ac.abort();
    this.unsubscribe();
    if (this.growthTimer) clearTimeout(this.growthTimer);
    // A file capture's indexing belongs to its document (other editors may show it); live sources go on.
  }

  /** Entry point for raw messages from the webview. */
  async handle(raw: unknown): Promise<void> {
    const msg = parseFromWebview(raw);
    if (!msg) {
      this.rejected++;
      this.host.log(`inspector: dropped an invalid message from the webview: ${safePreview(raw)}`);
      return;
    }
    try {
      await this.dispatch(msg);
    } catch (e) {
      this.host.log(`inspector: ${msg.type} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      if (msg.type === 'getDetails') this.host.post({ type: 'details', reqId: msg.reqId, details: null, error: e instanceof Error ? e.message : String(e) });
      else this.host.post({ type: 'notice', message: `${msg.type} failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  private async dispatch(msg: FromWebview): Promise<void> {
    const ix = this.source.index;
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.host.post({ type: 'init', title: this.source.title, live: this.source.live, canSave: true });
        this.postProgress();
        // Push the first page right away (saves the webview a round trip to the host while it indexes).
        this.model.grow();
        this.host.post({ type: 'rows', reqId: 0, start: 0, total: this.model.length, rows: this.model.rows(0, FIRST_PAGE_ROWS) });
        return;
      case 'getRows': {
        this.model.grow();
        const total = this.model.length;
        const start = Math.min(msg.start, total);
        const rows = this.model.rows(start, Math.min(msg.count, MAX_ROWS_PER_REQUEST));
        this.host.post({ type: 'rows', reqId: msg.reqId, start, total, rows });
        return;
      }
      case 'setView': {
        const seq = ++this.viewSeq;
        const text = msg.filter.text?.trim();
        let hits: SearchHits | undefined;
        if (text) {
          try {
            hits = await this.contentSearch(text);
          } catch (e) {
            if (!(e instanceof SearchCancelled)) this.host.post({ type: 'notice', message: `Searching frame contents failed (${e instanceof Error ? e.message : String(e)}); Text matched the list's columns only` });
          }
        }
        if (seq !== this.viewSeq) { this.host.post({ type: 'viewSet', reqId: msg.reqId, total: this.model.length }); return; } // a newer view was asked for meanwhile
        const key = text?.toLowerCase();
        const total = this.model.setView(msg.sort, msg.filter, hits ? (t) => (t.toLowerCase() === key ? hits : undefined) : undefined);
        this.host.post({ type: 'viewSet', reqId: msg.reqId, total });
        return;
      }
      case 'getDetails': {
        if (msg.frame >= ix.length) { this.host.post({ type: 'details', reqId: msg.reqId, details: null, error: `no frame ${msg.frame}` }); return; }
        const fb = await this.source.readFrame(msg.frame);
        const details = buildDetails({ index: ix, frame: msg.frame, row: this.model.row(msg.frame), bytes: fb.bytes, ...gapsOf(fb), requestCode: answeredCode(ix, msg.frame) });
        this.host.post({ type: 'details', reqId: msg.reqId, details, error: null });
        return;
      }
      case 'getSummary':
        this.host.post({ type: 'summary', reqId: msg.reqId, summary: this.model.summary() });
        return;
      case 'locate':
        this.host.post({ type: 'located', reqId: msg.reqId, frame: msg.frame, position: this.model.locate(msg.frame) });
        return;
      case 'copy': {
        if (msg.frame >= ix.length) return;
        const fb = await this.source.readFrame(msg.frame);
        const text = msg.format === 'hex' ? frameAsHex(fb.bytes) : frameAsJson(fb.bytes, { requestCode: answeredCode(ix, msg.frame), ...gapsOf(fb) });
        await this.host.copyToClipboard(text);
        this.host.post({ type: 'notice', message: `Frame ${msg.frame} copied as ${msg.format === 'hex' ? 'hex' : 'JSON (secrets redacted)'}` });
        return;
      }
      case 'savePcapng':
        await this.host.savePcapng();
        return;
      case 'cancelIndexing':
        this.source.cancel();
        return;
    }
  }

  /**
   * Frames whose content contains `term` (search.ts), cached per term for the session. File
   * captures: one streaming pass over the file once indexing is done (frame numbers are the
   * finished index's), with progress notices; a search for another term cancels a running one.
   * Live captures: the frames' kept bytes by random access, extending the cached result to frames
   * that arrived since.
   */
  async contentSearch(term: string): Promise<SearchHits> {
    const key = term.toLowerCase();
    const ix = this.source.index;
    const cached = this.searches.get(key);
    if (this.source.live) {
      const h = await searchFrames(ix, term, (i) => this.source.readFrame(i), { from: cached?.frames ?? 0, to: ix.length, into: cached });
      this.searches.set(key, h);
      return h;
    }
    if (cached) return cached;
    if (this.searching?.key === key) return this.searching.promise;
    this.searching?.ac.abort();
    const ac = new AbortController();
    const promise = (async () => {
      if (!this.doneState) this.host.post({ type: 'notice', message: `Searching frame contents for "${term}" after indexing…` });
      await this.source.done;
      if (ac.signal.aborted || this.disposed) throw new SearchCancelled();
      const t0 = Date.now();
      let last = 0;
      const [h] = await searchCaptureFile(ix, [term], {
        signal: ac.signal,
        step: INDEX_READ_STEP,
        onProgress: (read, size) => {
          const now = Date.now();
          if (now - last < 250 || !size) return;
          last = now;
          this.host.post({ type: 'notice', message: `Searching frame contents for "${term}"… ${Math.min(100, Math.floor((read / size) * 100))}%` });
        },
      });
      if (Date.now() - t0 >= 250) this.host.post({ type: 'notice', message: `Searched frame contents for "${term}" in ${((Date.now() - t0) / 1000).toFixed(1)} s` });
      return h;
    })();
    this.searching = { key, ac, promise };
    try {
      const h = await promise;
      this.searches.set(key, h);
      return h;
    } finally {
      if (this.searching?.promise === promise) this.searching = null;
    }
  }

  /** Resets to the default view (used by tests and "clear filter"). */
  resetView(): number { return this.model.setView(DEFAULT_SORT, {}); }
}

function safePreview(v: unknown): string {
  try { const s = JSON.stringify(v); return s.length > 200 ? `${s.slice(0, 200)}…` : s; } catch { return typeof v; }
}

/** For a response: the code of the request it answers, as the index paired them. */
function answeredCode(ix: CaptureIndex, i: number): number | undefined {
  const c = ix.cols;
  return (c.flag[i] & 1) && c.reqCode[i] >= 0 ? c.reqCode[i] : undefined;
}

/** What of a re-read frame is missing: uncaptured holes, and the tail that was not re-read or kept. */
function gapsOf(fb: FrameBytes): { missing: number; holes: [number, number][] } {
  const holes = fb.bytes.length < fb.size ? [...fb.holes, [fb.bytes.length, fb.size] as [number, number]] : fb.holes;
  return { missing: fb.missing + (fb.size - fb.bytes.length), holes };
}
