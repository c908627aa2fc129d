/**
 * The inspector's first paint, rendered by the extension host into the webview's HTML: toolbar,
 * filter bar, list header and the first page of rows as static markup. VS Code shows the webview's
 * frame on its `load` event, so rows in the HTML are on screen before our script has even been
 * fetched; the script then builds the live UI and swaps it in once its own first rows are drawn
 * (webview/src/inspector/main.ts). Classes mirror the live UI's so one stylesheet lays out both.
 *
 * Everything from a capture (topic, status, connection, code names, warnings) and the title (a file
 * name) is untrusted: each goes through escapeHtml into element text, never into a tag, attribute
 * name, class or URL. No style attributes (the CSP allows none) and no script. Plain Node: no vscode
 * import, unit-tested with hostile strings (test/unit/inspector/preview-html.test.ts).
 */
import type { FrameRow, ProgressInfo, SortSpec } from '../../shared/inspector-protocol';
import { COLUMNS, headerLabel, ListContext, progressText } from '../../shared/inspector-text';
import { escapeHtml } from '../html-escape';

/** Rows rendered into the HTML: a list about 1,100 px tall; the script fetches the rest. */
export const PREVIEW_ROWS = 50;

/**
 * Stand-ins for the live UI's toolkit controls, each as large as the control it stands for (classes
 * in media/inspector.css), so that the bars wrap the same way and the list does not move when the
 * live UI is swapped in: [class, text].
 */
const TOOLBAR_BUTTONS: [string, string][] = [['pf-button w117', 'Absolute time'], ['pf-button w135', 'Expert summary']];
const FILTER_CONTROLS: [string, string][] = [
  ['pf-text w162', 'Code (name or number)'], ['pf-text w203', 'Requests and responses'], ['pf-check', 'Errors only'],
  ['pf-text w134', 'Topic'], ['pf-text w106', 'Opaque'], ['pf-text w100', 'Connection #'], ['pf-text w100', 'From s'],
  ['pf-text w100', 'To s'], ['pf-text w106', 'Latency > ms'], ['pf-text w148', 'Text'],
  ['pf-button primary w62', 'Apply'], ['pf-button w59', 'Clear'],
];

const standIns = (list: [string, string][]): string => list.map(([cls, text]) => `<span class="pf ${cls}">${esc(text)}</span>`).join('');

export interface PreviewData {
  title: string;
  progress: ProgressInfo;
  /** The first rows of the current view (at most PREVIEW_ROWS are used). */
  rows: readonly FrameRow[];
  sort: SortSpec;
  /** Whether the view is filtered (the match count then waits for the live UI). */
  filtered: boolean;
}

const esc = (s: string): string => escapeHtml(s);

function rowHtml(r: FrameRow, ctx: ListContext): string {
  const frame = Number.isSafeInteger(r.frame) ? String(r.frame) : '';
  let cells = '';
  for (const c of COLUMNS) {
    const cls = c.cls ? c.cls(r) : '';
    cells += `<div class="cell col-${c.id}${cls ? ` ${esc(cls)}` : ''}">${esc(c.text(r, ctx))}</div>`;
  }
  return `<div class="row${r.response ? ' response' : ''}" role="row" data-frame="${frame}">${cells}</div>`;
}

/** Static markup of the inspector's first screen; goes into the webview shell's body. */
export function previewHtml(d: PreviewData): string {
  const ctx: ListContext = { relativeTime: true, originUs: d.progress.firstUs };
  const header = COLUMNS.map((c) => `<div class="cell col-${c.id}" role="columnheader">${esc(headerLabel(c, d.sort.column, d.sort.descending))}</div>`).join('');
  const rows = d.rows.slice(0, PREVIEW_ROWS).map((r) => rowHtml(r, ctx)).join('\n');
  const buttons = standIns(d.progress.done ? TOOLBAR_BUTTONS : [['pf-button w131', 'Cancel indexing'], ...TOOLBAR_BUTTONS]);
  const matches = d.filtered ? '' : `${d.progress.viewTotal.toLocaleString()} frames`;
  return `<div id="preview" class="app preview" aria-busy="true">
<div class="toolbar"><span class="title">${esc(d.title)}</span><span class="status" role="status">${esc(progressText(d.progress))}</span><span class="grow"></span>${buttons}</div>
<div class="filterbar">${standIns(FILTER_CONTROLS)}<span class="matches">${esc(matches)}</span></div>
<div class="main"><div class="left">
<div class="timeline"></div>
<div class="list"><div class="list-header row" role="row">${header}</div>
<div class="list-viewport" role="grid" aria-label="Frames"><div class="preview-rows">
${rows}
</div></div></div>
<div class="splitter"></div>
<div class="details"><div class="empty">${d.rows.length ? 'Select a frame to see its fields.' : 'Loading…'}</div></div>
</div></div>
</div>`;
}
