/**
 * Decoded-frame webview. Runs under a CSP that allows only this nonce'd script: no inline code, no
 * eval. Untrusted text (remarks, header values, bodies) goes in with textContent only, never as HTML.
 */
import type { DecodeViewState, ExtensionToWebview, FrameView, WebviewToExtension } from '../../src/shared/decode-messages';
import { isExtensionToWebview } from '../../src/shared/decode-messages';

interface VsCodeApi {
  postMessage(msg: WebviewToExtension): void;
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
  const t = el('table', { attrs: { id } });
  t.append(el('caption', { text: caption }));
  if (headers) t.append(el('thead', {}, el('tr', {}, el('th', { text: headers[0] }), el('th', { text: headers[1] }))));
  const body = el('tbody');
  for (const [k, v] of rows) body.append(el('tr', {}, el('th', { text: k, attrs: { scope: 'row' } }), el('td', { text: visible(v) })));
  t.append(body);
  return t;
}

function renderFrame(f: FrameView): void {
  const badges = el('p', { cls: 'badges' },
    el('span', { cls: `badge ${f.direction}`, text: f.direction }),
    el('span', { cls: 'badge', text: f.serializeType }),
    ...(f.oneway ? [el('span', { cls: 'badge', text: 'oneway' })] : []));
  const summary = table('summary', 'Command', [
    ['Code', `${f.code} ${f.codeName}`],
    ['Opaque', String(f.opaque)],
    ['Flag', `${f.flag}${f.direction === 'response' ? ' (response)' : ''}${f.oneway ? ' (oneway)' : ''}`],
    ['Language', f.language],
    ['Version', String(f.version)],
    ['Remark', f.remark ?? '—'],
    ['Frame length', `${f.frameLength} bytes`],
    ['Header length', `${f.headerLength} bytes`],
    ['Body length', `${f.bodyLength} bytes`],
    ...(f.trailingBytes > 0 ? [['Ignored after frame', `${f.trailingBytes} bytes`] as [string, string]] : []),
  ]);
  const fields = f.extFields.length > 0
    ? table('ext-fields', `Header fields (${f.extFields.length})`, f.extFields.map((x) => [x.meaning ? `${x.name} (${x.meaning})` : x.name, x.value]), ['Name', 'Value'])
    : el('p', { cls: 'empty', attrs: { id: 'ext-fields' }, text: 'No header fields.' });
  const props = f.properties && f.properties.length > 0
    ? [table('properties', `Message properties (${f.properties.length})`, f.properties.map((x) => [x.name, x.value]), ['Name', 'Value'])]
    : [];
  const body = el('section', { attrs: { id: 'body' } }, el('h2', { text: 'Body' }));
  if (f.bodyLength === 0) body.append(el('p', { cls: 'empty', text: 'No body.' }));
  if (f.bodyText !== null) body.append(el('h3', { text: 'Text (UTF-8)' }), el('pre', { cls: 'body-text', text: f.bodyText }));
  if (f.bodyLength > 0) body.append(el('h3', { text: `Hex${f.bodyHexTruncated ? ' (first 4096 bytes)' : ''}` }), el('pre', { cls: 'body-hex', text: f.bodyHex }));
  app.replaceChildren(el('h1', { text: `${f.codeName} (${f.code})` }), badges, summary, fields, ...props, body);
}

function render(msg: ExtensionToWebview): void {
  renderFrame(msg.frame);
  const heading = app.querySelector('h1')?.textContent ?? '';
  const fieldCount = app.querySelectorAll('#ext-fields tbody tr').length;
  vscode.postMessage({ type: 'rendered', seq: msg.seq, heading, fieldCount });
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const msg = event.data;
  if (!isExtensionToWebview(msg)) return; // not ours, or malformed
  vscode.setState({ last: msg });
  render(msg);
});

// Re-created after being hidden: show the last frame at once, then ask for the current one.
const saved = vscode.getState()?.last;
if (saved && isExtensionToWebview(saved)) render(saved);
vscode.postMessage({ type: 'ready' });
