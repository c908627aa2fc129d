/**
 * One open inspector: a capture source, its view model, and the message handler for one webview.
 * Everything the webview sends is validated here first (`parseFromWebview`); invalid messages are
 * dropped and logged. Plain Node (no vscode import) so the protocol is unit-testable; the VS Code
 * side only supplies `SessionHost`.
 */
import {
  FromWebview, parseFromWebview, ProgressInfo, ToWebview, MAX_ROWS_PER_REQUEST,
} from '../../../shared/inspector-protocol';
import { CaptureSource } from './capture-source';
import { buildDetails, frameAsHex, frameAsJson } from './details';
import { DEFAULT_SORT, InspectorModel } from './view-model';

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
        const total = this.model.setView(msg.sort, msg.filter);
        this.host.post({ type: 'viewSet', reqId: msg.reqId, total });
        return;
      }
      case 'getDetails': {
        if (msg.frame >= ix.length) { this.host.post({ type: 'details', reqId: msg.reqId, details: null, error: `no frame ${msg.frame}` }); return; }
        const fb = await this.source.readFrame(msg.frame);
        const c = ix.cols;
        const p = c.pair[msg.frame];
        const reqCode = (c.flag[msg.frame] & 1) && p >= 0 ? c.code[p] : undefined;
        const missing = fb.missing + (fb.size - fb.bytes.length); // holes, and what was not re-read or kept
        const details = buildDetails({ index: ix, frame: msg.frame, row: this.model.row(msg.frame), bytes: fb.bytes, missing, requestCode: reqCode });
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
        const c = ix.cols;
        const p = c.pair[msg.frame];
        const reqCode = (c.flag[msg.frame] & 1) && p >= 0 ? c.code[p] : undefined;
        const text = msg.format === 'hex' ? frameAsHex(fb.bytes) : frameAsJson(fb.bytes, reqCode);
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

  /** Resets to the default view (used by tests and "clear filter"). */
  resetView(): number { return this.model.setView(DEFAULT_SORT, {}); }
}

function safePreview(v: unknown): string {
  try { const s = JSON.stringify(v); return s.length > 200 ? `${s.slice(0, 200)}…` : s; } catch { return typeof v; }
}
