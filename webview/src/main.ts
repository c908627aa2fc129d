/**
 * Decoded-frame webview. Runs under a CSP that allows only this nonce'd script: no inline code, no
 * eval. Untrusted text (remarks, header values, bodies) goes in with textContent only, never as HTML.
 */
import type { DecodedFrameView, DecodeHostApi, DecodeViewState, DecodeWebviewApi, RenderReport } from '../../src/shared/decode-messages';
import type { FieldRow, ViewSection } from '../../src/core/frame/frame-description';
import { DECODE_WEBVIEW_VALIDATORS, isDecodedFrameView } from '../../src/shared/decode-messages';
import { Endpoint, Envelope } from '../../src/shared/endpoint';

interface VsCodeApi {
  postMessage(msg: Envelope): void;
  getState(): DecodeViewState | undefined;
  setState(state: DecodeViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, opts: { text?: string; cls?: string; attrs?: Record<string, string> } = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (opts.text !== undefined) e.textContent = opts.text;
  if (opts.cls) e.className = opts.cls;
  for (const [k, v] of Object.entries(opts.attrs ?? {})) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** Control characters (e.g. the U+0001/U+0002 separators of message properties) as visible escapes. */
function visible(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function table(id: string, caption: string, rows: Array<[string, string]>, headers?: [string, string]): HTMLTableElement {
  const t = el('table', id ? { attrs: { id } } : {});
  t.append(el('caption', { text: caption }));
  if (headers) t.append(el('thead', {}, el('tr', {}, el('th', { text: headers[0] }), el('th', { text: headers[1] }))));
  const body = el('tbody');
  for (const [k, v] of rows) body.append(el('tr', {}, el('th', { text: k, attrs: { scope: 'row' } }), el('td', { text: visible(v) })));
  t.append(body);
  return t;
}

/** A field as "name (key)" when the wire uses a short key, with its note after the value. */
function fieldRows(rows: FieldRow[]): Array<[string, string]> {
  return rows.map((f) => [f.name !== f.key ? `${f.name} (${f.key})` : f.name, f.note ? `${f.value}   — ${f.note}` : f.value]);
}

/** A decoded section and its children, as headed tables and text blocks. */
function sectionView(s: ViewSection, depth: number): HTMLElement {
  const box = el('section', { cls: 'decoded' }, el(depth === 0 ? 'h2' : 'h3', { text: s.title }));
  if (s.rows?.length) box.append(table('', s.title, fieldRows(s.rows)));
  if (s.table) {
    const t = el('table');
    t.append(el('thead', {}, el('tr', {}, ...s.table.columns.map((c) => el('th', { text: c })))));
    const tb = el('tbody');
    for (const r of s.table.rows) tb.append(el('tr', {}, ...r.map((v) => el('td', { text: visible(v) }))));
    t.append(tb);
    box.append(t);
  }
  if (s.text !== undefined) box.append(el('pre', { cls: 'section-text', text: s.text }));
  for (const c of s.children ?? []) box.append(sectionView(c, depth + 1));
  return box;
}

function renderFrame(f: DecodedFrameView): void {
  const d = f.description;
  const h = d.header!;
  const badges = el('p', { cls: 'badges' },
    el('span', { cls: `badge ${h.type}`, text: h.type }),
    el('span', { cls: 'badge', text: h.serializeType }),
    ...(h.flagBits.includes('ONEWAY') ? [el('span', { cls: 'badge', text: 'oneway' })] : []));
  const summary = table('summary', 'Command', [
    ['Code', `${h.code} ${h.codeName}`],
    ['Opaque', String(h.opaque)],
    ['Flag', `${h.flag} (${h.flagBits.join(', ')})`],
    ['Language', h.languageName],
    ['Version', `${h.version} ${h.versionName}`],
    ['Remark', h.remark ?? '—'],
    ['Frame length', `${d.frameLength} bytes`],
    ['Header length', `${d.headerLength} bytes`],
    ['Body length', `${d.body?.length ?? 0} bytes`],
    ...(d.trailingBytes > 0 ? [['Ignored after frame', `${d.trailingBytes} bytes`] as [string, string]] : []),
  ]);
  const fields = d.extFields.length > 0
    ? table('ext-fields', `Header fields (${d.extFields.length})`, fieldRows(d.extFields), ['Name', 'Value'])
    : el('p', { cls: 'empty', attrs: { id: 'ext-fields' }, text: 'No header fields.' });
  const props = d.properties.length > 0 ? [table('properties', `Message properties (${d.properties.length})`, fieldRows(d.properties), ['Name', 'Value'])] : [];
  const body = el('section', { attrs: { id: 'body' } }, el('h2', { text: 'Body' }));
  const b = d.body;
  if (!b || b.kind === 'empty') body.append(el('p', { cls: 'empty', text: 'No body.' }));
  else {
    body.append(el('p', { cls: 'body-kind', text: `${b.length} bytes, ${b.compression ? `${b.kind} ${b.compression}` : b.kind}${b.note ? ` — ${b.note}` : ''}` }));
    if (b.text !== undefined) body.append(el('pre', { cls: 'body-text', text: b.text }));
    if (b.hex !== undefined) body.append(el('pre', { cls: 'body-hex', text: b.hex }));
  }
  const sections = d.sections.map((s) => sectionView(s, 0));
  const notes = d.notes.length ? [el('section', { attrs: { id: 'notes' } }, el('h2', { text: 'Notes' }), ...d.notes.map((n) => el('p', { cls: 'note', text: n })))] : [];
  const hex = el('section', { attrs: { id: 'frame-hex' } }, el('h2', { text: 'Frame bytes' }), el('pre', { cls: 'frame-hex', text: f.frameHex }));
  app.replaceChildren(el('h1', { text: `${h.codeName} (${h.code})` }), badges, summary, fields, ...props, body, ...sections, ...notes, hex);
}

function render(frame: DecodedFrameView): RenderReport {
  renderFrame(frame);
  const heading = app.querySelector('h1')?.textContent ?? '';
  const fieldCount = app.querySelectorAll('#ext-fields tbody tr').length;
  return { heading, fieldCount };
}

const endpoint = new Endpoint<DecodeWebviewApi, DecodeHostApi>({
  post: (m) => vscode.postMessage(m),
  validate: DECODE_WEBVIEW_VALIDATORS,
  handlers: {
    showFrame: (frame) => {
      vscode.setState({ last: frame });
      return render(frame);
    },
  },
});
window.addEventListener('message', (event: MessageEvent<unknown>) => { void endpoint.receive(event.data); });

// Re-created after being hidden: show the last frame at once; the host sends the current one on ready.
const saved = vscode.getState()?.last;
if (saved && isDecodedFrameView(saved)) render(saved);
endpoint.emit('ready', {});
