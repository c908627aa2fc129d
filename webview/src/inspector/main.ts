/**
 * Capture inspector webview: toolbar, filter bar, virtualized frame list, details, expert summary.
 * All data comes from the extension host on request (rows by range, one frame's details at a time);
 * this page keeps only what is on screen. State (filter, sort, selection) survives reloads through
 * getState/setState rather than retainContextWhenHidden.
 */
import type { DoctorFinding, ExpertSummary, FilterSpec, FrameRow, ProgressInfo, SortColumn, SortSpec } from '../../../src/shared/inspector-protocol';
import { button, checkbox, dropdown, el, registerControls, textField, TextField } from './controls';
import { DetailsPane } from './details';
import { FrameList, formatLatency } from './list';
import { TimelineView } from './timeline';
import { replayUi } from './replay';
import { progressText } from '../../../src/shared/inspector-text';
import { emit, failure, listen, request, vscode } from './rpc';

let markFirstRows: () => void = () => undefined;
const firstRowsShown = new Promise<void>((r) => { markFirstRows = r; });

interface SavedState { filter: FilterSpec; sort: SortSpec; selectedFrame: number | null; relativeTime: boolean }

// for the benchmark: when this script started, relative to the webview document's start
document.body.dataset.scriptStartMs = String(Math.round(performance.now()));
// Ask for the host's first data before building the UI: where the webview has its own process (VS
// Code desktop) the round trip overlaps the building; in code-server it shares the workbench's
// thread and the message leaves when this script's task ends, as before. Replies arrive as later
// tasks, after this script (which registers the listener below) has run.
emit('ready');

const saved = (vscode.getState() as SavedState | undefined) ?? null;
let filter: FilterSpec = saved?.filter ?? {};
let sort: SortSpec = saved?.sort ?? { column: 'index', descending: false };
let selectedFrame: number | null = saved?.selectedFrame ?? null;
let progress: ProgressInfo | null = null;
let detailsSeq = 0;

function saveState(): void {
  vscode.setState({ filter, sort, selectedFrame, relativeTime: list.ctx.relativeTime } satisfies SavedState);
}

// ---------------------------------------------------------------- layout

const app = el('div', 'app');
const toolbar = el('div', 'toolbar');
const titleEl = el('span', 'title', 'Capture');
titleEl.id = 'title';
const statusEl = el('span', 'status', 'Waiting for the extension…');
statusEl.id = 'status';
statusEl.setAttribute('role', 'status');
const noticeEl = el('span', 'notice');
noticeEl.id = 'notice';
const cancelBtn = button('Cancel indexing', () => emit('cancelIndexing'), { id: 'cancel', secondary: true });
const saveBtn = button('Save as pcapng', () => emit('savePcapng'), { id: 'save', secondary: true });
saveBtn.style.display = 'none';
const timeBtn = button('Absolute time', () => toggleTime(), { id: 'time-mode', secondary: true });
const summaryBtn = button('Expert summary', () => toggleSummary(), { id: 'toggle-summary', secondary: true });
const replay = replayUi(() => list, noticeEl);
toolbar.append(titleEl, statusEl, noticeEl, el('span', 'grow'), cancelBtn, saveBtn, timeBtn, summaryBtn, replay.button);

const fb = el('div', 'filterbar');
fb.id = 'filterbar';
const apply = () => { void applyFilter(readFilter()); };
const fCode = textField('f-code', 'Code (name or number)', apply, 16);
const fKind = dropdown('f-kind', [['all', 'Requests and responses'], ['requests', 'Requests'], ['responses', 'Responses']], apply);
// remoting frames and RocketMQ 5 gRPC calls share the list: one protocol or both
const fProto = dropdown('f-proto', [['all', 'All protocols'], ['remoting', 'Remoting'], ['grpc', 'gRPC']], apply);
const fErrors = checkbox('f-errors', 'Errors only', apply);
const fTopic = textField('f-topic', 'Topic', apply, 12);
const fOpaque = textField('f-opaque', 'Opaque', apply, 8);
const fConn = textField('f-conn', 'Connection #', apply, 6);
const fFrom = textField('f-from', 'From s', apply, 6);
const fTo = textField('f-to', 'To s', apply, 6);
const fLatency = textField('f-latency', 'Latency > ms', apply, 8);
const fText = textField('f-text', 'Text', apply, 14);
const matchEl = el('span', 'matches', '');
matchEl.id = 'match-count';
matchEl.setAttribute('role', 'status');
const filterError = el('span', 'error-inline');
fb.append(fCode, fKind, fProto, fErrors, fTopic, fOpaque, fConn, fFrom, fTo, fLatency, fText,
  button('Apply', apply, { id: 'apply-filter' }), button('Clear', () => { writeFilter({}); void applyFilter({}); }, { id: 'clear-filter', secondary: true }),
  matchEl, filterError);

const main = el('div', 'main');
const left = el('div', 'left');
const list = new FrameList({
  fetch: async (start, count) => {
    const r = await request('getRows', { start, count });
    return { start: r.start, total: r.total, rows: r.rows };
  },
  failed: (e) => { noticeEl.textContent = `Loading rows failed: ${failure(e)}`; },
  select: (pos, row) => onSelect(pos, row),
  sort: (col) => void setSort(col),
  shown: () => showApp(),
  selectionChanged: (n) => replay.selectionChanged(n),
  contextMenu: (x, y) => replay.contextMenu(x, y),
});
let markedFrame: number | null = null;
const details = new DetailsPane({
  marked: () => markedFrame,
  markForDiff: (frame) => {
    markedFrame = frame;
    noticeEl.textContent = `Frame ${frame} marked for a diff: select another frame and click "Diff with #${frame}"`;
    void onSelectFrame(frame);
  },
  diffWithMarked: (frame, message) => {
    if (markedFrame === null) return;
    const a = markedFrame;
    request('diff', { a: { frame: a }, b: message === undefined ? { frame } : { frame, message } }).then(
      (d) => details.showDiff(d, () => void onSelectFrame(frame)),
      (e: unknown) => { noticeEl.textContent = `Diff failed: ${failure(e)}`; },
    );
  },
  jumpToPair: (frame) => void jumpTo(frame),
  filterConnection: (conn) => { const f: FilterSpec = { conn }; writeFilter(f); void applyFilter(f); },
  copy: (frame, format) => {
    request('copy', { frame, format }).then((r) => { noticeEl.textContent = r.message; }, (e: unknown) => { noticeEl.textContent = `Copy failed: ${failure(e)}`; });
  },
  checkSignature: (frame, askSecret) => checkSignature(frame, askSecret),
});
// the timeline above the list: a brushed span is the filter's From / To (kept with the other fields)
const timeline = new TimelineView({
  fetch: (range, buckets) => request('getTimeline', { ...range, buckets }),
  brushed: (fromUs, toUs) => {
    const origin = progress?.firstUs ?? 0;
    const f: FilterSpec = { ...filter, timeFromSec: Number(((fromUs - origin) / 1e6).toFixed(6)), timeToSec: Number(((toUs - origin) / 1e6).toFixed(6)) };
    writeFilter(f);
    void applyFilter(f);
  },
  cleared: () => {
    const f: FilterSpec = { ...filter };
    delete f.timeFromSec;
    delete f.timeToSec;
    writeFilter(f);
    void applyFilter(f);
  },
  failed: (e) => { noticeEl.textContent = `The timeline failed: ${failure(e)}`; },
});

/** The ACL signature check: the host asks for the SecretKey (or takes the saved one); only the result comes back. */
function checkSignature(frame: number, askSecret: boolean): void {
  details.showSignatureCheck(frame, 'Checking… (enter the SecretKey if VS Code asks for it)');
  request('checkSignature', askSecret ? { frame, askSecret } : { frame }).then(
    (v) => details.showSignatureCheck(frame, v ?? 'No SecretKey given: nothing checked.'),
    (e: unknown) => details.showSignatureCheck(frame, `The signature check failed: ${failure(e)}`),
  );
}
const splitter = el('div', 'splitter');
left.append(timeline.root, list.root, splitter, details.root);
const summaryPane = el('div', 'summary');
summaryPane.id = 'summary';
summaryPane.style.display = 'none';
main.append(left, summaryPane);
app.append(toolbar, fb, main);
// The host renders the first screen (rows included) into the HTML, so it is visible before this
// script is even fetched. Build the live UI hidden on top of it and swap once the live list has
// drawn its own first rows (or knows there are none): no blank or "loading" flash in between.
const preview = document.getElementById('preview');
if (preview) app.classList.add('pending');
document.body.appendChild(app);
let appShown = !preview;
function showApp(): void {
  if (appShown) return;
  appShown = true;
  preview?.remove();
  app.classList.remove('pending');
  list.focus();
}
list.ctx.relativeTime = saved?.relativeTime ?? true;
timeBtn.textContent = list.ctx.relativeTime ? 'Absolute time' : 'Relative time';
list.setSortIndicator(sort.column, sort.descending);

// drag the splitter between list and details
splitter.addEventListener('pointerdown', (e) => {
  const startY = e.clientY;
  const startH = list.root.getBoundingClientRect().height;
  splitter.setPointerCapture(e.pointerId);
  const move = (ev: PointerEvent) => { list.root.style.flexBasis = `${Math.max(80, startH + ev.clientY - startY)}px`; };
  const up = () => { splitter.removeEventListener('pointermove', move); splitter.removeEventListener('pointerup', up); };
  splitter.addEventListener('pointermove', move);
  splitter.addEventListener('pointerup', up);
});

// ---------------------------------------------------------------- filter

function num(t: TextField, int: boolean): number | undefined | 'bad' {
  const v = t.value.trim();
  if (!v) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || (int && !Number.isInteger(n))) return 'bad';
  return n;
}

function readFilter(): FilterSpec | null {
  const f: FilterSpec = {};
  const problems: string[] = [];
  if (fCode.value.trim()) f.code = fCode.value.trim();
  if (fKind.value && fKind.value !== 'all') f.kind = fKind.value as FilterSpec['kind'];
  if (fProto.value && fProto.value !== 'all') f.protocol = fProto.value;
  if (fErrors.checked) f.errorsOnly = true;
  if (fTopic.value.trim()) f.topic = fTopic.value.trim();
  if (fText.value.trim()) f.text = fText.value.trim();
  const fields: [TextField, keyof FilterSpec, boolean, string][] = [
    [fOpaque, 'opaque', true, 'opaque'], [fConn, 'conn', true, 'connection'], [fFrom, 'timeFromSec', false, 'from'],
    [fTo, 'timeToSec', false, 'to'], [fLatency, 'latencyAboveMs', false, 'latency'],
  ];
  for (const [t, key, int, label] of fields) {
    const v = num(t, int);
    if (v === 'bad') problems.push(`${label} must be a${int ? 'n integer' : ' number'}`);
    else if (v !== undefined) (f as Record<string, unknown>)[key] = v;
  }
  filterError.textContent = problems.join('; ');
  if (problems.length) return null;
  // keep filters set from the summary that have no field of their own
  if (filter.warning) f.warning = filter.warning;
  if (filter.responseCode !== undefined) f.responseCode = filter.responseCode;
  if (filter.evidence) f.evidence = filter.evidence;
  return f;
}

function writeFilter(f: FilterSpec): void {
  fCode.value = f.code ?? '';
  fKind.value = f.kind ?? 'all';
  fProto.value = f.protocol ?? 'all';
  fErrors.checked = !!f.errorsOnly;
  fTopic.value = f.topic ?? '';
  fOpaque.value = f.opaque !== undefined ? String(f.opaque) : '';
  fConn.value = f.conn !== undefined ? String(f.conn) : '';
  fFrom.value = f.timeFromSec !== undefined ? String(f.timeFromSec) : '';
  fTo.value = f.timeToSec !== undefined ? String(f.timeToSec) : '';
  fLatency.value = f.latencyAboveMs !== undefined ? String(f.latencyAboveMs) : '';
  fText.value = f.text ?? '';
}

function filterLabel(f: FilterSpec): string {
  const extra: string[] = [];
  if (f.warning) extra.push(`warning: ${f.warning}`);
  if (f.responseCode !== undefined) extra.push(`response code ${f.responseCode}`);
  if (f.evidence) extra.push(`evidence of ${f.evidence}`);
  return extra.length ? ` (${extra.join(', ')})` : '';
}

async function applyFilter(f: FilterSpec | null): Promise<void> {
  if (!f) return;
  filter = f;
  timeline.setBrush(f.timeFromSec, f.timeToSec, progress?.firstUs ?? 0);
  saveState();
  matchEl.textContent = 'Filtering…';
  const t0 = performance.now();
  let r: { total: number };
  try {
    r = await request('setView', { sort, filter });
  } catch (e) {
    matchEl.textContent = `Filtering failed: ${failure(e)}`;
    return;
  }
  list.setTotal(r.total, true);
  showMatches(r.total, performance.now() - t0);
  if (selectedFrame !== null) {
    const loc = await request('locate', { frame: selectedFrame }).catch(() => ({ position: -1 }));
    if (loc.position >= 0) list.select(loc.position);
    else details.showEmpty('The selected frame is hidden by the filter.');
  }
}

function showMatches(total: number, ms?: number): void {
  const all = progress?.frames ?? total;
  const filtered = Object.keys(filter).length > 0;
  matchEl.textContent = filtered ? `${total.toLocaleString()} of ${all.toLocaleString()} frames match${filterLabel(filter)}${ms !== undefined ? ` (${Math.round(ms)} ms)` : ''}` : `${total.toLocaleString()} frames`;
  document.body.dataset.viewTotal = String(total);
}

async function setSort(col: SortColumn): Promise<void> {
  sort = { column: col, descending: sort.column === col ? !sort.descending : false };
  list.setSortIndicator(sort.column, sort.descending);
  await applyFilter(filter);
}

// ---------------------------------------------------------------- selection and jumps

async function onSelect(pos: number, row: FrameRow | null): Promise<void> {
  if (!row) { details.showEmpty('Loading…'); return; }
  selectedFrame = row.frame;
  document.body.dataset.selectedFrame = String(row.frame);
  timeline.setSelected(row.timeUs);
  saveState();
  const seq = ++detailsSeq;
  try {
    const d = await request('getDetails', { frame: row.frame });
    if (seq === detailsSeq) details.show(d);
  } catch (e) {
    if (seq === detailsSeq) details.showError(failure(e)); // else a newer selection won
  }
  void pos;
}

/** Shows a frame's details again (after marking it, or from a diff). */
async function onSelectFrame(frame: number): Promise<void> {
  const seq = ++detailsSeq;
  try {
    const d = await request('getDetails', { frame });
    if (seq === detailsSeq) details.show(d);
  } catch (e) {
    if (seq === detailsSeq) details.showError(failure(e));
  }
}

async function jumpTo(frame: number): Promise<void> {
  try {
    await jumpToFrame(frame);
  } catch (e) {
    noticeEl.textContent = `Jump to frame ${frame} failed: ${failure(e)}`;
  }
}

async function jumpToFrame(frame: number): Promise<void> {
  let loc = await request('locate', { frame });
  if (loc.position < 0) {
    // hidden by the filter: clear it so the pair is visible
    writeFilter({});
    filter = {};
    const r = await request('setView', { sort, filter });
    list.setTotal(r.total, true);
    showMatches(r.total);
    loc = await request('locate', { frame });
  }
  if (loc.position >= 0) { list.select(loc.position); list.focus(); }
}

// ---------------------------------------------------------------- summary

function toggleSummary(): void {
  const show = summaryPane.style.display === 'none';
  summaryPane.style.display = show ? '' : 'none';
  if (show) void loadSummary();
}

async function loadSummary(): Promise<void> {
  summaryPane.replaceChildren(el('div', 'empty', 'Computing…'));
  try {
    renderSummary(await request('getSummary', {}));
  } catch (e) {
    summaryPane.replaceChildren(el('div', 'error-inline', `The expert summary failed: ${failure(e)}`));
  }
}

const SEVERITY_LABEL: Record<DoctorFinding['severity'], string> = { error: 'Error', warning: 'Warning', info: 'Note' };

/** One doctor finding: what, why, the evidence (a click shows its frames), the fix. Capture text only through textContent. */
function renderFinding(f: DoctorFinding): HTMLElement {
  const box = el('div', `doctor-finding sev-${f.severity}`);
  box.dataset.finding = f.id;
  box.dataset.rule = f.rule;
  const head = el('div', 'doctor-title');
  head.append(el('span', `doctor-severity sev-${f.severity}`, SEVERITY_LABEL[f.severity]), el('span', undefined, f.title));
  box.append(head, el('div', 'doctor-cause', f.cause));
  const facts = el('ul', 'doctor-facts');
  for (const fact of f.facts) facts.appendChild(el('li', undefined, fact));
  box.appendChild(facts);
  if (f.frames > 0) {
    const a = el('a', 'expert-link doctor-evidence', `Show the evidence: ${f.frames.toLocaleString()} frame(s)`);
    a.tabIndex = 0;
    a.setAttribute('role', 'button');
    const go = () => { const spec: FilterSpec = { evidence: f.id }; writeFilter(spec); void applyFilter(spec); };
    a.addEventListener('click', go);
    a.addEventListener('keydown', (e) => { if (e.key === 'Enter') go(); });
    box.appendChild(a);
  } else if (f.conns.length) {
    box.appendChild(el('div', 'note', `Evidence: connection${f.conns.length > 1 ? 's' : ''} ${f.conns.slice(0, 10).map((c) => `#${c}`).join(', ')}${f.conns.length > 10 ? ', …' : ''} (no RocketMQ frame on them)`));
  }
  if (f.signedRequest !== undefined) {
    const frame = f.signedRequest;
    const a = el('a', 'expert-link doctor-check-signature', `Check the signature of frame ${frame}`);
    a.tabIndex = 0;
    a.setAttribute('role', 'button');
    const go = () => { void jumpToFrame(frame).then(() => checkSignature(frame, false), (e: unknown) => { noticeEl.textContent = `Jump to frame ${frame} failed: ${failure(e)}`; }); };
    a.addEventListener('click', go);
    a.addEventListener('keydown', (e) => { if (e.key === 'Enter') go(); });
    box.appendChild(a);
  }
  const fix = el('div', 'doctor-fix');
  fix.append(el('b', undefined, 'Fix: '), document.createTextNode(f.fix));
  box.appendChild(fix);
  return box;
}

function renderDoctor(s: ExpertSummary): HTMLElement[] {
  const out: HTMLElement[] = [el('h3', undefined, 'Doctor')];
  if (s.doctorError) { out.push(el('div', 'error-inline', `The doctor failed: ${s.doctorError}`)); return out; }
  if (!s.doctor) { out.push(el('div', 'note', 'Runs once indexing is complete.')); return out; }
  const d = s.doctor;
  const list = el('div', 'doctor');
  list.id = 'doctor';
  if (d.findings.length === 0) list.appendChild(el('div', 'ok', 'No known failure found.'));
  for (const f of d.findings) list.appendChild(renderFinding(f));
  out.push(list, el('div', 'note', `${d.framesRead.toLocaleString()} frame(s) decoded for the rules in ${d.ms} ms`));
  return out;
}

function renderSummary(s: ExpertSummary): void {
  const parts: HTMLElement[] = [el('h2', undefined, 'Expert summary'), el('div', 'note', `${s.frames.toLocaleString()} frames on ${s.connections} connection(s)${progress && !progress.done ? ' — indexing still running' : ''}`)];
  if (s.connectionKinds?.length) {
    const kinds = el('div', 'note', `Connections: ${s.connectionKinds.map((k) => `${k.count.toLocaleString()} ${k.label}`).join(' · ')}`);
    kinds.id = 'connection-kinds';
    parts.push(kinds);
  }
  parts.push(...renderDoctor(s), el('h3', undefined, 'Frames'));
  const ul = el('ul', 'expert');
  if (s.items.length === 0) ul.appendChild(el('li', 'ok', 'No problems found.'));
  for (const it of s.items) {
    const li = el('li', `expert-item ${it.severity}`);
    const a = el('a', 'expert-link', `${it.label}: ${it.count.toLocaleString()}`);
    a.tabIndex = 0;
    a.setAttribute('role', 'button');
    const go = () => { writeFilter(it.filter); void applyFilter(it.filter); };
    a.addEventListener('click', go);
    a.addEventListener('keydown', (e) => { if (e.key === 'Enter') go(); });
    li.appendChild(a);
    ul.appendChild(li);
  }
  parts.push(ul);
  if (s.latency.length) {
    parts.push(el('h3', undefined, 'Latency by request code'));
    const t = el('table', 'latency');
    const hr = el('tr');
    for (const h of ['Code', 'Pairs', 'p50', 'p90', 'p99', 'max']) hr.appendChild(el('th', undefined, h));
    t.appendChild(hr);
    for (const l of s.latency) {
      const tr = el('tr');
      tr.append(el('td', undefined, l.codeName), el('td', undefined, String(l.count)),
        ...[l.p50Ms, l.p90Ms, l.p99Ms, l.maxMs].map((v) => el('td', undefined, formatLatency(v * 1000))));
      tr.addEventListener('click', () => { const f: FilterSpec = { code: String(l.code) }; writeFilter(f); void applyFilter(f); });
      t.appendChild(tr);
    }
    parts.push(t);
  }
  if (s.captureWarnings.length) {
    parts.push(el('h3', undefined, 'Capture warnings'));
    const cw = el('ul', 'capture-warnings');
    for (const w of s.captureWarnings) cw.appendChild(el('li', undefined, `${w.kind}: ${w.count.toLocaleString()}`));
    parts.push(cw);
  }
  summaryPane.replaceChildren(...parts);
}

function toggleTime(): void {
  list.ctx.relativeTime = !list.ctx.relativeTime;
  timeBtn.textContent = list.ctx.relativeTime ? 'Absolute time' : 'Relative time';
  saveState();
  list.render();
}

// ---------------------------------------------------------------- host events

let firstProgress = true;
function onProgress(p: ProgressInfo): void {
  const prevTotal = list.length;
  const wasDone = progress?.done ?? false;
  progress = p;
  list.ctx.originUs = p.firstUs;
  timeline.progress(p.frames, p.done);
  if (filter.timeFromSec !== undefined || filter.timeToSec !== undefined) timeline.setBrush(filter.timeFromSec, filter.timeToSec, p.firstUs);
  statusEl.textContent = progressText(p);
  document.body.dataset.indexed = p.done ? 'done' : 'running';
  if (p.error) showApp(); // nothing else will replace the first paint
  document.body.dataset.frames = String(p.frames);
  cancelBtn.style.display = p.done ? 'none' : '';
  cancelBtn.textContent = p.capturing ? 'Stop capture' : 'Cancel indexing';
  document.body.dataset.capturing = String(!!p.capturing && !p.done);
  if (firstProgress) {
    firstProgress = false;
    // restore a saved view (sort/filter) from before a reload
    if (Object.keys(filter).length || sort.column !== 'index' || sort.descending) { void applyFilter(filter); return; }
  }
  if (p.done && !wasDone) {
    // pairing and warnings of earlier rows may have changed at the end of the pass
    list.setTotal(p.viewTotal, false);
    list.refresh();
    if (selectedFrame !== null && list.selected < 0) void jumpTo(selectedFrame);
  } else if (p.viewTotal !== prevTotal) list.setTotal(p.viewTotal, false);
  showMatches(p.viewTotal);
  if (summaryPane.style.display !== 'none' && p.done && !wasDone) void loadSummary();
}

listen({
  init: (m) => {
    titleEl.textContent = m.title;
    document.title = m.title;
    saveBtn.style.display = m.canSave && m.live ? '' : 'none';
    document.body.dataset.live = String(m.live);
  },
  progress: (p) => onProgress(p),
  applyFilter: (f) => {
    writeFilter(f);
    void applyFilter(f);
  },
  focus: (m) => {
    // applyFilter selects the selected frame once the view is set
    selectedFrame = m.frame;
    writeFilter(m.filter);
    void applyFilter(m.filter);
  },
  firstRows: (page) => {
    // only meaningful for the default view
    if (!Object.keys(filter).length && sort.column === 'index' && !sort.descending) list.accept(page.start, page.total, page.rows);
    markFirstRows();
  },
  notice: (m) => { noticeEl.textContent = m.message; },
});

// The toolkit's custom elements cost tens of ms to define on a slow machine. With the host's first
// screen showing, the live UI is still hidden: define them now, while the host answers `ready`, so
// the UI that is swapped in already has its final layout (the first screen's stand-ins have the
// controls' sizes). Without a first screen, the list comes first and the controls right after.
let controlsReady = false;
function defineControls(): void {
  if (controlsReady) return;
  controlsReady = true;
  const t = performance.now();
  registerControls();
  writeFilter(filter); // values set before the upgrade would shadow the elements' own properties
  document.body.dataset.controlsMs = String(Math.round(performance.now() - t));
}
if (preview) defineControls();
else {
  firstRowsShown.then(() => setTimeout(defineControls, 0));
  setTimeout(defineControls, 400);
}
if (appShown) list.focus(); // otherwise showApp() focuses the list (a hidden element cannot take focus)
