/**
 * The message view: a result list (paged), one message's detail (ids, system fields, properties by
 * name, the body as text / JSON / hex with its compression named) with its actions, and a trace
 * timeline. Runs under the nonce-only CSP of every webview. Everything from a broker is put on screen
 * with textContent only, never as HTML; control characters are shown as visible escapes.
 */
import type { MessagesHostApi, MessagesViewState, MessagesWebviewApi, ViewReport, MessageAction } from '../../../src/shared/message-protocol';
import { MESSAGES_WEBVIEW_VALIDATORS, isMessageDetail, isMessageList, isTraceView } from '../../../src/shared/message-protocol';
import type { FieldLine, MessageBody, MessageDetail, MessageList, TraceView } from '../../../src/shared/message-view';
import { Endpoint, Envelope } from '../../../src/shared/endpoint';

interface VsCodeApi {
  postMessage(msg: Envelope): void;
  getState(): MessagesViewState | undefined;
  setState(state: MessagesViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
let state: MessagesViewState = {};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, opts: { text?: string; cls?: string; attrs?: Record<string, string> } = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (opts.text !== undefined) e.textContent = opts.text;
  if (opts.cls) e.className = opts.cls;
  for (const [k, v] of Object.entries(opts.attrs ?? {})) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** Control characters as visible escapes (a property value can hold anything). */
function visible(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function save(): void { vscode.setState(state); }

// ------------------------------------------------------------------ layout

const listBox = el('section', { attrs: { id: 'list' } });
const detailBox = el('section', { attrs: { id: 'detail' } });
const traceBox = el('section', { attrs: { id: 'trace' } });
const status = el('p', { attrs: { id: 'status', role: 'status', 'aria-live': 'polite' } });

function layout(): void {
  if (!app.querySelector('#list')) app.replaceChildren(listBox, status, detailBox, traceBox);
}

// ------------------------------------------------------------------ list

function renderList(list: MessageList, page: number): ViewReport {
  layout();
  const pages = Math.max(1, Math.ceil(list.rows.length / list.pageSize));
  page = Math.min(Math.max(1, page), pages);
  state = { ...state, list, page };
  save();
  const head = el('header', {},
    el('h1', { text: visible(list.title) }),
    el('p', { cls: `outcome ${list.outcome}`, attrs: { id: 'headline' }, text: visible(list.headline) }));
  if (list.details.length) head.append(el('ul', { cls: 'details', attrs: { id: 'list-details' } }, ...list.details.map((d) => el('li', { text: visible(d) }))));
  listBox.replaceChildren(head);
  if (!list.rows.length) return { heading: list.headline, rows: 0, page };
  const from = (page - 1) * list.pageSize;
  const rows = list.rows.slice(from, from + list.pageSize);
  const table = el('table', { attrs: { id: 'rows' } });
  table.append(el('thead', {}, el('tr', {}, ...['Store time', 'msgId', 'Keys', 'Tags', 'Queue', 'Offset', 'Size'].map((h) => el('th', { text: h })))));
  const body = el('tbody');
  for (const r of rows) {
    const tr = el('tr', { attrs: { tabindex: '0', 'data-handle': r.handle, title: `offsetMsgId ${r.offsetMsgId}` } },
      el('td', { text: r.storeTime }), el('td', { cls: 'mono', text: r.msgId || '—' }), el('td', { text: visible(r.keys) }), el('td', { text: visible(r.tags) }),
      el('td', { text: visible(r.queue) }), el('td', { cls: 'num', text: r.queueOffset }), el('td', { cls: 'num', text: String(r.size) }));
    tr.addEventListener('click', () => void openDetail(r.handle, tr));
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') void openDetail(r.handle, tr);
      if (e.key === 'ArrowDown') (tr.nextElementSibling as HTMLElement | null)?.focus();
      if (e.key === 'ArrowUp') (tr.previousElementSibling as HTMLElement | null)?.focus();
    });
    body.append(tr);
  }
  table.append(body);
  const info = `Page ${page} of ${pages} · ${from + 1}–${from + rows.length} of ${list.rows.length}${list.capped ? ` · the cap of ${list.cap} was reached` : ''}`;
  const prev = el('button', { text: '‹ Previous', attrs: { id: 'prev', type: 'button' } });
  const next = el('button', { text: 'Next ›', attrs: { id: 'next', type: 'button' } });
  prev.disabled = page <= 1;
  next.disabled = page >= pages;
  prev.addEventListener('click', () => renderList(list, page - 1));
  next.addEventListener('click', () => renderList(list, page + 1));
  const nav = el('nav', { cls: 'pager' }, prev, el('span', { attrs: { id: 'page-info' }, text: info }), next);
  if (list.more) {
    const more = el('button', { text: list.more, attrs: { id: 'more', type: 'button' } });
    more.addEventListener('click', async () => {
      more.disabled = true;
      status.textContent = 'Reading the next messages…';
      try {
        const nextList = await endpoint.request('more', {}, { timeoutMs: 120_000 });
        detailBox.replaceChildren();
        status.textContent = '';
        renderList(nextList, 1);
      } catch (e) {
        more.disabled = false;
        status.textContent = `Could not read more: ${e instanceof Error ? e.message : String(e)}`;
      }
    });
    nav.append(more);
  }
  listBox.append(table, nav);
  return { heading: list.headline, rows: rows.length, page };
}

async function openDetail(handle: string, row?: HTMLElement): Promise<void> {
  for (const r of listBox.querySelectorAll('tr.selected')) r.classList.remove('selected');
  row?.classList.add('selected');
  status.textContent = 'Loading the message…';
  try {
    renderDetail(await endpoint.request('detail', { handle }));
    status.textContent = '';
  } catch (e) {
    status.textContent = `Could not show the message: ${e instanceof Error ? e.message : String(e)}`;
  }
}

// ------------------------------------------------------------------ detail

function fieldTable(id: string, caption: string, rows: FieldLine[], withNotes = true): HTMLElement {
  if (!rows.length) return el('p', { cls: 'empty', attrs: { id }, text: `${caption}: none` });
  const t = el('table', { attrs: { id }, cls: 'fields' }, el('caption', { text: caption }));
  const body = el('tbody');
  for (const f of rows) {
    const tr = el('tr', {}, el('th', { text: visible(f.name), attrs: { scope: 'row' } }), el('td', { cls: 'value', text: visible(f.value) }));
    if (withNotes) tr.append(el('td', { cls: 'note', text: f.note ? visible(f.note) : '' }));
    body.append(tr);
  }
  t.append(body);
  return t;
}

type BodyTab = 'text' | 'json' | 'hex';

function bodySection(d: MessageDetail, b: MessageBody): HTMLElement {
  const box = el('section', { attrs: { id: 'body' } }, el('h3', { text: 'Body' }));
  const meta = [`${b.length} bytes`, b.kind === 'binary' ? 'binary (not text: shown as hex)' : b.kind];
  if (b.compression) meta.push(`${b.compression}-compressed, ${b.storedLength} bytes stored, shown inflated`);
  if (b.inflateError) meta.push(`did not inflate: ${b.inflateError}`);
  box.append(el('p', { cls: `body-meta ${b.kind}`, attrs: { id: 'body-meta' }, text: meta.join(' · ') }));
  if (b.kind === 'empty') return box;
  const tabs: BodyTab[] = b.kind === 'json' ? ['json', 'text', 'hex'] : b.kind === 'text' ? ['text', 'hex'] : ['hex'];
  const pre = el('pre', { attrs: { id: 'body-view' }, cls: 'body' });
  const bar = el('div', { cls: 'tabs', attrs: { role: 'tablist' } });
  const show = (t: BodyTab) => {
    pre.textContent = t === 'json' ? b.json ?? '' : t === 'text' ? b.text ?? '' : b.hex;
    pre.className = `body ${t}`;
    for (const x of bar.querySelectorAll('button')) x.setAttribute('aria-selected', String(x.dataset.tab === t));
  };
  for (const t of tabs) {
    const btn = el('button', { text: t === 'json' ? 'JSON' : t === 'text' ? 'Text' : 'Hex', attrs: { type: 'button', role: 'tab', 'data-tab': t, id: `tab-${t}` } });
    btn.addEventListener('click', () => show(t));
    bar.append(btn);
  }
  box.append(bar, pre);
  show(tabs[0]);
  if (!b.complete) {
    const more = el('button', { text: 'Show the whole body', attrs: { id: 'full-body', type: 'button' } });
    more.addEventListener('click', async () => {
      more.disabled = true;
      try {
        const full = await endpoint.request('fullBody', { handle: d.handle });
        box.replaceWith(bodySection(d, full));
      } catch (e) {
        more.disabled = false;
        status.textContent = `Could not load the body: ${e instanceof Error ? e.message : String(e)}`;
      }
    });
    box.append(el('p', { cls: 'cut', text: 'Cut at the display cap: ' }, more));
  }
  return box;
}

const ACTIONS: Array<[MessageAction, string]> = [['sendAgain', 'Send Again…'], ['openAsRequest', 'Open as Request Block'], ['copyJson', 'Copy as JSON'], ['showTrace', 'Show Trace']];

function renderDetail(d: MessageDetail): ViewReport {
  layout();
  state = { ...state, detail: d };
  save();
  const actions = el('div', { cls: 'actions' });
  for (const [a, label] of ACTIONS) {
    const b = el('button', { text: label, attrs: { type: 'button', id: `action-${a}` } });
    b.addEventListener('click', async () => {
      b.disabled = true;
      status.textContent = `${label}…`;
      try {
        const r = await endpoint.request('action', { handle: d.handle, action: a }, { timeoutMs: 300_000 });
        status.textContent = visible(r.message);
        status.className = r.ok ? 'ok' : 'failed';
      } catch (e) {
        status.textContent = `${label} failed: ${e instanceof Error ? e.message : String(e)}`;
        status.className = 'failed';
      } finally {
        b.disabled = false;
      }
    });
    actions.append(b);
  }
  detailBox.replaceChildren(
    el('h2', { text: visible(d.title) }),
    el('p', { cls: 'source', text: visible(d.source) }),
    actions,
    fieldTable('ids', 'Message ids', d.ids),
    bodySection(d, d.body),
    fieldTable('user-properties', 'User properties', d.userProperties, false),
    fieldTable('system-properties', 'System properties', d.systemProperties),
    fieldTable('system', 'System fields', d.system),
  );
  detailBox.scrollIntoView?.({ block: 'start' });
  return { heading: d.title, rows: d.ids.length + d.system.length + d.systemProperties.length + d.userProperties.length };
}

// ------------------------------------------------------------------ trace

function renderTrace(t: TraceView): ViewReport {
  layout();
  state = { ...state, trace: t };
  save();
  const box: Node[] = [el('h2', { text: `Trace of ${t.msgId}` }), el('p', { cls: `outcome ${t.outcome}`, attrs: { id: 'trace-headline' }, text: visible(t.headline) })];
  if (t.details.length) box.push(el('ul', { cls: 'details' }, ...t.details.map((d) => el('li', { text: visible(d) }))));
  if (t.steps.length) {
    const ol = el('ol', { cls: 'timeline', attrs: { id: 'timeline' } });
    for (const s of t.steps) {
      const li = el('li', { cls: `step ${s.kind}` },
        el('div', { cls: 'when', text: s.time || '(no time)' }),
        el('div', { cls: 'what' }, el('strong', { text: visible(s.title) }), el('span', { cls: `status ${/fail/.test(s.status) ? 'failed' : 'ok'}`, text: ` ${visible(s.status)}${s.costMs !== undefined ? ` · ${s.costMs} ms` : ''}` })));
      if (s.fields.length) li.append(el('dl', {}, ...s.fields.flatMap((f) => [el('dt', { text: visible(f.name) }), el('dd', { text: visible(f.value) })])));
      ol.append(li);
    }
    box.push(ol);
  }
  traceBox.replaceChildren(...box);
  traceBox.scrollIntoView?.({ block: 'start' });
  return { heading: t.headline, rows: t.steps.length };
}

// ------------------------------------------------------------------ wiring

const endpoint = new Endpoint<MessagesWebviewApi, MessagesHostApi>({
  post: (m) => vscode.postMessage(m),
  validate: MESSAGES_WEBVIEW_VALIDATORS,
  handlers: {
    showList: (list) => {
      state = { list, page: 1 };
      detailBox.replaceChildren();
      traceBox.replaceChildren();
      status.textContent = '';
      return renderList(list, 1);
    },
    showDetail: (d) => renderDetail(d),
    showTrace: (t) => {
      if (t.standalone) {
        // A trace asked for on its own: the list and detail on screen are about something else.
        state = {};
        listBox.replaceChildren();
        detailBox.replaceChildren();
        status.textContent = '';
      }
      return renderTrace(t);
    },
  },
});
window.addEventListener('message', (event: MessageEvent<unknown>) => { void endpoint.receive(event.data); });

// Re-created after being hidden: show what was there at once; the host sends the current state on ready.
const saved = vscode.getState();
if (saved) {
  if (isMessageList(saved.list)) renderList(saved.list, saved.page ?? 1);
  if (isMessageDetail(saved.detail)) renderDetail(saved.detail);
  if (isTraceView(saved.trace)) renderTrace(saved.trace);
}
endpoint.emit('ready', {});
