/**
 * One open inspector: a capture source, its view model, and the host end of the webview's
 * {@link Endpoint}. Everything the webview sends is validated first (HOST_VALIDATORS); a request
 * that fails validation or whose handler throws is answered with an error, never left unanswered.
 * Plain Node (no vscode import) so the protocol is unit-testable; the VS Code side only supplies
 * `SessionHost` (how to post an envelope, the clipboard, the save dialog, the log).
 */
import {
  HOST_VALIDATORS, InspectorHostApi, InspectorWebviewApi, ProgressInfo, MAX_ROWS_PER_REQUEST, FrameDetails, ExpertSummary, DoctorView, FilterSpec, SortSpec,
} from '../../shared/inspector-protocol';
import { diagnoseCapture, DoctorReport, fileFrames, randomAccessFrames } from '../../core/doctor';
import { DiffSide, diffSides, FrameDiff, frameSide, messageSide } from '../../core/frame';
import { decodeFrame, RequestCode } from '../../core/remoting';
import { decodeStoredMessages } from '../../core/message';
import type { CopyFormat, DiffTarget, SignatureCheckView } from '../../shared/inspector-protocol';
import { MAX_TEXT_CHARS } from '../../shared/inspector-protocol';
import { checkSignature, signedRequestOf, SignatureCheckError, visibleText } from '../../core/doctor/acl-signature';
import { SEND_V2_NAMES } from '../../core/remoting/headers/send-message';
import { copyAs } from './copy-as';
import { ReplayDocument, ReplayFrame, replayBodyFileName, replayDocument } from './replay';
import { formatEndpoint } from '../../core/capture/capture-index';
import { Endpoint, Envelope } from '../../shared/endpoint';
import { CaptureSource, INDEX_READ_STEP } from './capture-source';
import { CaptureIndex } from '../../core/capture/capture-index';
import { FrameBytes } from '../../core/capture/frame-reader';
import { buildDetails, frameAsHex, frameAsJson } from './details';
import { describeIndexedGrpc, grpcRowBytes } from '../../core/grpc';
import { DEFAULT_SORT, InspectorModel } from './view-model';
import { TimelineCache } from './timeline';
import { SearchCancelled, searchCaptureFile, searchFrames, SearchHits } from '../../core/capture/search';

// Sources are built next to the session by the VS Code side and the benchmark: one import for both.
export type { CaptureSource } from './capture-source';
export { fileSource, liveSource, captureSource } from './capture-source';

/** Rows pushed with `init` (about two screens). */
export const FIRST_PAGE_ROWS = 100;

export interface SessionHost {
  /** Sends one envelope to the webview. */
  post(msg: Envelope): void;
  copyToClipboard(text: string): Promise<void>;
  savePcapng(): Promise<void>;
  /**
   * The SecretKey for an AccessKey, for the ACL signature check (kept by the extension side in
   * SecretStorage; `ask` asks for another one): the key and where it came from, or null when the user
   * gave none. Absent where no one can be asked (the benchmark).
   */
  aclSecretKey?(accessKey: string, ask: boolean): Promise<{ secretKey: string; source: string } | null>;
  log(msg: string): void;
  /**
   * Capture → replay: writes the document's body files (names relative to where the document's
   * bodyFile lines resolve) and opens the document; answers the line to show. Absent: not offered.
   */
  openRequestFile?(doc: ReplayDocument): Promise<string>;
}

export class InspectorSession {
  readonly model: InspectorModel;
  /** The host end of the channel: answers the webview's requests, sends it events. */
  readonly endpoint: Endpoint<InspectorHostApi, InspectorWebviewApi>;
  private doneState: { cancelled: boolean } | null = null;
  private error: string | null = null;
  private ready = false;
  private growthTimer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;
  private disposed = false;
  /** Content-search results by lower-cased term, kept for the session (one byte per frame each). */
  private readonly searches = new Map<string, SearchHits>();
  /** The content search running for a file capture (one at a time; a new term cancels it). */
  private searching: { key: string; ac: AbortController; promise: Promise<SearchHits> } | null = null;
  /** Counts setView requests: a slower, older one does not overwrite a newer view. */
  private viewSeq = 0;
  /** A focus asked for before the webview was ready: sent right after its first page. */
  private pendingFocus: { filter: FilterSpec; frame: number } | null = null;
  /** The doctor's last report, for the index length it covered, with each finding's frames as a set (the evidence filter). */
  private doctorRun: { frames: number; promise: Promise<{ report: DoctorReport; sets: Map<string, Set<number>> }> } | null = null;

  /** The timeline above the list (timeline.ts), recomputed only when the index or the range changed. */
  private readonly timelines: TimelineCache;

  constructor(readonly source: CaptureSource, private readonly host: SessionHost) {
    this.model = new InspectorModel(source.index);
    this.timelines = new TimelineCache(source.index);
    this.endpoint = new Endpoint<InspectorHostApi, InspectorWebviewApi>({
      post: (m) => host.post(m),
      validate: HOST_VALIDATORS,
      handlers: {
        getRows: (p) => this.getRows(p.start, p.count),
        setView: (p) => this.setView(p.sort, p.filter),
        getDetails: (p) => this.getDetails(p.frame),
        getSummary: () => this.summary(),
        locate: (p) => ({ frame: p.frame, position: this.model.locate(p.frame) }),
        copy: (p) => this.copy(p.frame, p.format),
        diff: (p) => this.diff(p.a, p.b),
        getTimeline: (p) => this.timelines.get(p),
        checkSignature: (p) => this.checkSignature(p.frame, p.askSecret === true),
        openRequestFile: (p) => this.openRequestFile(p.frames),
      },
      events: {
        ready: () => this.onReady(),
        savePcapng: () => host.savePcapng(),
        cancelIndexing: () => this.source.cancel(),
      },
      onRejected: (what) => host.log(`inspector: refused a message from the webview: ${what}`),
      onHandlerError: (method, e) => host.log(`inspector: ${method} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`),
    });
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
      ...(this.source.capturing?.() ? { capturing: true } : {}),
    };
  }

  private postProgress(): void {
    if (this.ready && !this.disposed) this.endpoint.emit('progress', this.progress());
  }

  /** Messages from the webview that were refused: not an envelope, unknown or invalid events (for tests and logs). */
  get rejected(): number { return this.endpoint.rejected; }

  dispose(): void {
    this.disposed = true;
    this.endpoint.dispose();
    this.searching?.ac.abort();
    this.unsubscribe();
    if (this.growthTimer) clearTimeout(this.growthTimer);
    // A file capture's indexing belongs to its document (other editors may show it); live sources go on.
  }

  /** Entry point for raw messages from the webview; resolves once a request's answer is posted. */
  handle(raw: unknown): Promise<void> { return this.endpoint.receive(raw); }

  private onReady(): void {
    this.ready = true;
    this.endpoint.emit('init', { title: this.source.title, live: this.source.live, canSave: true });
    this.postProgress();
    // Push the first page right away (saves the webview a round trip to the host while it indexes).
    this.model.grow();
    this.endpoint.emit('firstRows', { start: 0, total: this.model.length, rows: this.model.rows(0, FIRST_PAGE_ROWS) });
    this.sendFocus();
  }

  /**
   * Shows the webview `filter` with `frame` selected (a send's "Show frames"): now, or right after
   * the first page when the webview is not ready yet.
   */
  focus(filter: FilterSpec, frame: number): void {
    this.pendingFocus = { filter, frame };
    if (this.ready) this.sendFocus();
  }

  private sendFocus(): void {
    if (!this.pendingFocus || this.disposed) return;
    this.endpoint.emit('focus', this.pendingFocus);
    this.pendingFocus = null;
  }

  private getRows(start: number, count: number): { start: number; total: number; rows: ReturnType<InspectorModel['rows']> } {
    this.model.grow();
    const total = this.model.length;
    const from = Math.min(start, total);
    return { start: from, total, rows: this.model.rows(from, Math.min(count, MAX_ROWS_PER_REQUEST)) };
  }

  /**
   * The doctor over this capture (src/core/doctor): once a file is indexed (null before), again when a
   * live capture has grown. A file's frames are read in one pass, a live view's kept bytes by random access.
   */
  async doctor(): Promise<{ report: DoctorReport; sets: Map<string, Set<number>> } | null> {
    if (!this.source.live && !this.doneState) return null;
    const ix = this.source.index;
    if (this.doctorRun && this.doctorRun.frames === ix.length) return this.doctorRun.promise;
    const access = this.source.live || !ix.source.path ? randomAccessFrames(ix, (i) => this.source.readFrame(i)) : fileFrames(ix, { step: INDEX_READ_STEP });
    const run = { frames: ix.length, promise: diagnoseCapture(ix, access).then((report) => ({ report, sets: new Map(report.findings.map((f) => [f.id, new Set(f.evidence.frames)])) })) };
    this.doctorRun = run;
    run.promise.catch(() => { if (this.doctorRun === run) this.doctorRun = null; });
    return run.promise;
  }

  /** The expert summary with the doctor's findings. */
  async summary(): Promise<ExpertSummary> {
    const s = this.model.summary();
    try {
      const d = await this.doctor();
      if (d) s.doctor = doctorView(d.report);
    } catch (e) {
      s.doctorError = e instanceof Error ? e.message : String(e);
    }
    return s;
  }

  private async setView(sort: SortSpec, filter: FilterSpec): Promise<{ total: number }> {
    const seq = ++this.viewSeq;
    // the evidence of a doctor finding: its frames from the report (run it when there is none yet)
    let evidence: Map<string, Set<number>> | undefined;
    if (filter.evidence) evidence = (await this.doctor().catch(() => null))?.sets;
    const text = filter.text?.trim();
    let hits: SearchHits | undefined;
    if (text) {
      try {
        hits = await this.contentSearch(text);
      } catch (e) {
        if (!(e instanceof SearchCancelled)) this.endpoint.emit('notice', { message: `Searching frame contents failed (${e instanceof Error ? e.message : String(e)}); Text matched the list's columns only` });
      }
    }
    if (seq !== this.viewSeq) return { total: this.model.length }; // a newer view was asked for meanwhile
    const key = text?.toLowerCase();
    return { total: this.model.setView(sort, filter, hits ? (t) => (t.toLowerCase() === key ? hits : undefined) : undefined, evidence ? (id) => evidence!.get(id) : undefined) };
  }

  private async getDetails(frame: number): Promise<FrameDetails> {
    const ix = this.source.index;
    if (frame >= ix.length) throw new Error(`no frame ${frame} (the capture has ${ix.length.toLocaleString()} frames)`);
    const grpc = describeIndexedGrpc(ix, frame);
    if (grpc) {
      // a gRPC row: described from what its decoder kept; the bytes shown are the message's (inflated)
      const bytes = grpcRowBytes(ix, frame);
      return buildDetails({ index: ix, frame, row: this.model.row(frame), bytes, missing: ix.cols.missing[frame], description: grpc });
    }
    const fb = await this.source.readFrame(frame);
    return buildDetails({ index: ix, frame, row: this.model.row(frame), bytes: fb.bytes, ...gapsOf(fb), requestCode: answeredCode(ix, frame) });
  }

  /** Frame diff (src/core/frame/diff.ts) of two frames, or of stored messages they carry. */
  private async diff(a: DiffTarget, b: DiffTarget): Promise<FrameDiff> {
    return diffSides(await this.diffSide(a), await this.diffSide(b));
  }

  private async diffSide(t: DiffTarget): Promise<DiffSide> {
    const ix = this.source.index;
    if (t.frame >= ix.length) throw new Error(`no frame ${t.frame} (the capture has ${ix.length.toLocaleString()} frames)`);
    const fb = await this.source.readFrame(t.frame);
    const g = gapsOf(fb);
    if (t.message === undefined) return frameSide(fb.bytes, { label: `frame ${t.frame}`, requestCode: answeredCode(ix, t.frame), missingBytes: g.missing, holes: g.holes });
    if (g.missing) throw new Error(`frame ${t.frame} was not captured in full: its stored messages cannot be read`);
    let body: Uint8Array | null = null;
    try { body = decodeFrame(fb.bytes, { maxFrameLength: 0x7fffffff }).body; } catch (e) { throw new Error(`frame ${t.frame} does not decode: ${e instanceof Error ? e.message : String(e)}`); }
    const msgs = body ? decodeStoredMessages(body).messages : [];
    if (t.message >= msgs.length) throw new Error(`frame ${t.frame} carries ${msgs.length} stored message(s); there is no message ${t.message} (numbered from 0)`);
    return messageSide(msgs[t.message], `frame ${t.frame} message ${t.message}`);
  }

  /** The ACL signature check (src/core/doctor/acl-signature.ts) of a captured signed request; the secret stays here and in the host. */
  private async checkSignature(frame: number, ask: boolean): Promise<SignatureCheckView | null> {
    const ix = this.source.index;
    if (frame >= ix.length) throw new Error(`no frame ${frame} (the capture has ${ix.length.toLocaleString()} frames)`);
    if (ix.cols.proto[frame] !== 0) throw new SignatureCheckError(`frame ${frame} is not a remoting request: the ACL 1.0 signature is a remoting extField`);
    const fb = await this.source.readFrame(frame);
    const g = gapsOf(fb);
    if (g.missing) throw new SignatureCheckError(`frame ${frame} was not captured in full (${g.missing} byte(s) missing): its signature cannot be checked`);
    const cmd = signedRequestOf(fb.bytes, `frame ${frame}`);
    if (!this.host.aclSecretKey) throw new Error('no SecretKey can be asked for here');
    const secret = await this.host.aclSecretKey(cmd.extFields.AccessKey, ask);
    if (!secret) return null;
    const r = checkSignature(cmd.extFields, cmd.body, secret.secretKey);
    const names = cmd.code === RequestCode.SEND_MESSAGE_V2 || cmd.code === RequestCode.SEND_BATCH_MESSAGE ? SEND_V2_NAMES : {};
    this.host.log(`inspector: signature check of frame ${frame} (AccessKey ${r.accessKey}): ${r.cause}`);
    return {
      frame, match: r.match, accessKey: r.accessKey, securityToken: r.securityToken, signature: r.signature, expected: r.expected,
      parts: r.parts.map((p) => ({ key: p.key, name: names[p.key] ?? p.key, value: visibleText(p.value) })), bodyLength: r.bodyLength,
      canonical: visibleText(r.canonical).slice(0, MAX_TEXT_CHARS), cause: r.cause, ...(r.field !== undefined ? { field: r.field } : {}), explanation: r.explanation, secretSource: secret.source,
    };
  }

  private async copy(frame: number, format: CopyFormat): Promise<{ message: string }> {
    const ix = this.source.index;
    if (frame >= ix.length) throw new Error(`no frame ${frame} (the capture has ${ix.length.toLocaleString()} frames)`);
    const grpc = describeIndexedGrpc(ix, frame);
    if (grpc) {
      if (format !== 'hex' && format !== 'json') throw new Error(`frame ${frame} is a gRPC message: it copies as JSON or hex only`);
      const text = format === 'hex' ? frameAsHex(grpcRowBytes(ix, frame)) : JSON.stringify(grpc, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v && typeof v === 'object' && (v as { secret?: boolean }).secret ? { ...v, value: '<redacted>' } : v), 2);
      await this.host.copyToClipboard(text);
      return { message: `Frame ${frame} (gRPC message) copied as ${format === 'hex' ? 'hex' : 'JSON (secrets redacted)'}` };
    }
    let text: string;
    let what: string;
    if (format === 'hex' || format === 'json') {
      const fb = await this.source.readFrame(frame);
      text = format === 'hex' ? frameAsHex(fb.bytes) : frameAsJson(fb.bytes, { requestCode: answeredCode(ix, frame), ...gapsOf(fb) });
      what = format === 'hex' ? 'hex' : 'JSON (secrets redacted)';
    } else {
      // a command or a snippet makes the request: for a response, its request
      const c = ix.cols;
      const target = format !== 'fixture' && (c.flag[frame] & 1) && c.pair[frame] >= 0 ? c.pair[frame] : frame;
      const fb = await this.source.readFrame(target);
      const k = ix.conns[c.conn[target]];
      const g = gapsOf(fb);
      const out = copyAs(format, fb.bytes, {
        namesrv: this.nameServer(), server: k ? formatEndpoint(k.server, k.serverPort) : '?', client: k ? formatEndpoint(k.client, k.clientPort) : '?',
        direction: c.dir[target] === 0 ? 'c2s' : 's2c', frame: target, capture: this.source.title, timeUs: c.tsFirst[target], requestCode: answeredCode(ix, target), missing: g.missing, holes: g.holes,
      });
      if (out === null) {
        throw new Error(format === 'mqadmin' ? `mqadmin has no command for ${this.model.codeName(target)}` : `a Java snippet is made for sends only; frame ${target} is ${this.model.codeName(target)}`);
      }
      text = out;
      what = format === 'mqadmin' ? 'an mqadmin command' : format === 'fixture' ? 'a test fixture (credentials masked)' : 'a Java snippet';
      if (target !== frame) what += ` (of its request, frame ${target})`;
    }
    await this.host.copyToClipboard(text);
    return { message: `Frame ${frame} copied as ${what}` };
  }

  /** Capture → replay (./replay.ts): the selected frames as a request document, opened by the host. */
  private async openRequestFile(frames: number[]): Promise<{ message: string }> {
    if (!this.host.openRequestFile) throw new Error('this inspector cannot open request files');
    const ix = this.source.index;
    const c = ix.cols;
    const read: ReplayFrame[] = [];
    const skipped: Array<{ frame: number; why: string }> = [];
    for (const frame of [...new Set(frames)].sort((a, b) => a - b)) {
      if (frame >= ix.length) throw new Error(`no frame ${frame} (the capture has ${ix.length.toLocaleString()} frames)`);
      // only remoting requests are read (the index knows): responses, gRPC rows and the rest are counted
      if (c.proto[frame] !== 0 || (c.flag[frame] & 1)) { skipped.push({ frame, why: c.proto[frame] !== 0 ? 'not a remoting frame' : 'a response' }); continue; }
      const fb = await this.source.readFrame(frame);
      const k = ix.conns[c.conn[frame]];
      read.push({ frame, bytes: fb.bytes, client: k ? formatEndpoint(k.client, k.clientPort) : '?', server: k ? formatEndpoint(k.server, k.serverPort) : '?', timeUs: c.tsFirst[frame], missing: gapsOf(fb).missing });
    }
    const doc = replayDocument(read, { capture: this.source.title, bodyFileName: (f, i) => replayBodyFileName(this.source.title, f, i), skipped });
    return { message: await this.host.openRequestFile(doc) };
  }

  /** A NameServer seen in the capture (the server of a route, cluster or topic-list query, or of a broker's registration), for mqadmin's -n. */
  private nameServer(): string | null {
    const ix = this.source.index;
    const c = ix.cols;
    for (let i = 0; i < ix.length; i++) {
      if (c.flag[i] & 1 || c.proto[i] !== 0) continue;
      const code = c.code[i];
      if (code === RequestCode.GET_ROUTEINFO_BY_TOPIC || code === RequestCode.GET_BROKER_CLUSTER_INFO || code === RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER || code === RequestCode.REGISTER_BROKER) {
        const k = ix.conns[c.conn[i]];
        if (k) return formatEndpoint(k.server, k.serverPort);
      }
    }
    return null;
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
      if (!this.doneState) this.endpoint.emit('notice', { message: `Searching frame contents for "${term}" after indexing…` });
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
          this.endpoint.emit('notice', { message: `Searching frame contents for "${term}"… ${Math.min(100, Math.floor((read / size) * 100))}%` });
        },
      });
      if (Date.now() - t0 >= 250) this.endpoint.emit('notice', { message: `Searched frame contents for "${term}" in ${((Date.now() - t0) / 1000).toFixed(1)} s` });
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

/** A report as the webview shows it: everything but the frame lists (the evidence filter asks the host for those). */
function doctorView(r: DoctorReport): DoctorView {
  return {
    framesRead: r.framesRead,
    ms: r.ms,
    findings: r.findings.map((f) => ({
      id: f.id, rule: f.rule, severity: f.severity, title: f.title, cause: f.cause, fix: f.fix,
      facts: f.evidence.facts, frames: f.evidence.framesTotal, conns: f.evidence.conns,
      ...(f.evidence.signedRequest !== undefined ? { signedRequest: f.evidence.signedRequest } : {}),
    })),
  };
}
