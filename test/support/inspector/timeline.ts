/**
 * Where the time goes between Quick Open's Enter and the inspector's first rows on screen.
 *
 * A capture opened in the workbench crosses five places: the workbench page (Quick Open, the
 * custom editor, the webview element), the extension host (openCustomDocument, resolveCustomEditor,
 * webview.html, the webview's `ready`, the first rows posted), VS Code's webview host page
 * (`pre/index.html`: registers the service worker, signals `webview-ready`, receives `content`,
 * creates an iframe on `fake.html`, document.write()s our HTML into it and shows the iframe on its
 * `load` event or 200 ms after the write), the service worker (our CSS and script, fetched back
 * through the outer frame and the workbench), and finally our document.
 *
 * `TIMELINE_INIT_SCRIPT` runs in every frame before the frame's own scripts (playwright's
 * addInitScript) and records wall-clock marks (performance.timeOrigin + performance.now(), the
 * same clock as Date.now() in the extension host on this machine) into `window.__rmqTimeline`. It
 * only observes: it wraps createElement, the MessagePort `onmessage` setter and the service worker
 * registration to note when they happen, and watches the webview iframe's style and our document's
 * rows with MutationObservers. `measureOpen` opens a file with Quick Open, waits until its first
 * rows have been painted in a visible frame, and lines all marks up against the Enter key.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { pollUntil } from '../poll';
import { listInQuickOpen } from '../vscode/quick-open';

/** Runs in every frame (workbench, webview host page, our document) before its scripts. */
export function timelineInitScript(): void {
  // Typed loosely on purpose: the root tsconfig has no DOM lib, and this is serialized into the page.
  /* eslint-disable @typescript-eslint/no-explicit-any */
  const w = globalThis as any;
  let parentPath = '';
  try { parentPath = w.parent !== w ? String(w.parent.location.pathname) : ''; } catch { /* cross-origin parent */ }
  const hostPage = /\/pre\/(index|index-no-csp)\.html$/;
  const inner = hostPage.test(parentPath);
  // Once per window. An iframe's window is created for its initial about:blank document and kept
  // for the same-origin document it then loads, so that is where this runs for VS Code's frames.
  if (w.__rmqTimeline || (w.location.href === 'about:blank' && !inner)) return;
  const now = (): number => w.performance.timeOrigin + w.performance.now();
  const T: { marks: Record<string, number>; list: [string, number][] } = { marks: {}, list: [] };
  w.__rmqTimeline = T;
  const mark = (name: string, t = now()): void => {
    T.list.push([name, t]);
    if (!(name in T.marks)) T.marks[name] = t;
  };
  // After a rendering opportunity: the frame with the change has been produced (rAF callbacks run
  // before style/layout/paint; a message posted from inside one is handled after that frame).
  const afterPaint = (name: string): void => {
    w.requestAnimationFrame(() => {
      const ch = new w.MessageChannel();
      ch.port1.onmessage = () => mark(name);
      ch.port2.postMessage(0);
    });
  };
  const path: string = w.location.pathname;
  if (inner) {
    // The frame VS Code writes our document into: it loads fake.html (same window), and on its
    // DOMContentLoaded VS Code document.write()s our HTML into that same document object.
    // document.open() drops window listeners but keeps the document, so observe the document.
    let watched: unknown = null;
    let written = false;
    let rows = false;
    let live = false;
    // What the host-rendered first screen holds once parsed (our script only runs after load, so
    // this is the HTML as sent): for the XSS check, every element and attribute name in it and the
    // text of the capture's cells.
    const snapshotPreview = (): void => {
      const p = w.document.getElementById('preview');
      if (!p) { (T as any).preview = null; return; }
      const els: any[] = Array.from(p.querySelectorAll('*'));
      (T as any).preview = {
        rows: p.querySelectorAll('.preview-rows .row').length,
        tags: [...new Set(els.map((e) => e.tagName.toLowerCase()))],
        attributes: [...new Set(els.flatMap((e) => Array.from(e.attributes as ArrayLike<{ name: string }>, (a) => a.name)))],
        topics: Array.from(p.querySelectorAll('.preview-rows .col-topic') as ArrayLike<{ textContent: string }>, (e) => e.textContent),
        title: p.querySelector('.title')?.textContent ?? null,
      };
    };
    const watch = (): boolean => {
      const doc = w.document;
      if (watched === doc) return true;
      if (!String(w.location.pathname).endsWith('/fake.html')) return false;
      watched = doc;
      mark('fakeLoaded');
      const mo = new w.MutationObserver(() => {
        if (!written && doc.querySelector('meta[http-equiv="Content-Security-Policy"]')) {
          written = true;
          mark('written');
          w.addEventListener('DOMContentLoaded', () => mark('domContentLoaded'));
          w.addEventListener('load', () => { mark('load'); snapshotPreview(); });
        }
        // First rows: the host-rendered first screen's, or the live list's.
        if (!rows && doc.querySelector('#preview .row[data-frame]:not([data-frame=""]), .list-layer .row[data-frame]:not(.loading):not([data-frame=""])')) {
          rows = true;
          mark('rowsInDom');
          afterPaint('rowsPainted');
        }
        if (!live && doc.querySelector('.app:not(.pending):not(.preview) .list-layer')) {
          live = true;
          mark('liveShown');
        }
        if (rows && live) mo.disconnect();
      });
      mo.observe(doc, { childList: true, subtree: true });
      return true;
    };
    // No event marks the switch from about:blank to fake.html in this window (its DOMContentLoaded
    // does not reach a listener added this early), but timers survive it: check each task turn.
    let tries = 0;
    const tick = (): void => { if (!watch() && ++tries < 5000) w.setTimeout(tick, 0); };
    tick();
    return;
  }
  const origCreate = w.Document.prototype.createElement;
  const isWebviewHost = /\/pre\/(index|index-no-csp)\.html$/.test(path);
  w.Document.prototype.createElement = function (this: unknown, tag: string, ...rest: unknown[]) {
    const el = origCreate.call(this, tag, ...rest);
    if (String(tag).toLowerCase() === 'iframe') {
      mark('iframeCreated');
      if (isWebviewHost) {
        // VS Code shows the iframe (visibility: visible) in its onLoad: the moment our document can be seen.
        const mo = new w.MutationObserver(() => {
          if (el.style.visibility === 'visible') { mo.disconnect(); mark('frameVisible'); afterPaint('frameVisiblePainted'); }
        });
        mo.observe(el, { attributes: true, attributeFilter: ['style'] });
      }
    }
    return el;
  };
  if (isWebviewHost) {
    const d = Object.getOwnPropertyDescriptor(w.MessagePort.prototype, 'onmessage') as any;
    Object.defineProperty(w.MessagePort.prototype, 'onmessage', {
      configurable: true,
      enumerable: d.enumerable,
      get() { return d.get.call(this); },
      set(fn: ((e: any) => unknown) | null) {
        d.set.call(this, fn && function (this: unknown, e: any) {
          const ch = e?.data?.channel;
          if (typeof ch === 'string') mark(`port:${ch}`);
          return fn.call(this, e);
        });
      },
    });
    const reg = w.ServiceWorkerContainer?.prototype.register;
    if (reg) {
      w.ServiceWorkerContainer.prototype.register = function (this: unknown, ...args: unknown[]) {
        mark('swRegister');
        const p = reg.apply(this, args);
        p.then(() => mark('swRegistered'), () => undefined);
        return p;
      };
      w.navigator.serviceWorker?.addEventListener('message', (e: any) => { if (e.data?.channel === 'version') mark('swVersion'); });
    }
    return;
  }
  // The workbench page.
  w.addEventListener('keydown', (e: any) => { if (e.key === 'Enter') mark('enter'); }, true);
  w.addEventListener('message', (e: any) => { if (e.data?.channel === 'webview-ready') mark('webviewReady'); }, true);
}

export interface FrameMarks {
  timeOrigin: number;
  marks: Record<string, number>;
  nav?: { responseEnd: number; domContentLoaded: number; load: number };
  resources: { name: string; start: number; end: number; workerStart: number }[];
  paint: Record<string, number>;
  longTasks: { start: number; duration: number }[];
  dataset?: Record<string, string | undefined>;
  /** Inner frame: the host-rendered first screen as parsed (see snapshotPreview). */
  preview?: PreviewSnapshot | null;
}

export interface PreviewSnapshot { rows: number; tags: string[]; attributes: string[]; topics: string[]; title: string | null }

export async function frameMarks(f: Frame): Promise<FrameMarks> {
  return f.evaluate(() => {
    const w = globalThis as unknown as {
      __rmqTimeline?: { marks: Record<string, number>; preview?: PreviewSnapshot | null };
      performance: { timeOrigin: number; getEntriesByType(t: string): { name: string; startTime: number; duration: number; responseEnd?: number; workerStart?: number; domContentLoadedEventStart?: number; loadEventStart?: number }[] };
      document: { body?: { dataset: Record<string, string | undefined> } };
    };
    const o = w.performance.timeOrigin;
    const nav = w.performance.getEntriesByType('navigation')[0];
    return {
      timeOrigin: o,
      marks: w.__rmqTimeline?.marks ?? {},
      nav: nav ? { responseEnd: o + (nav.responseEnd ?? 0), domContentLoaded: o + (nav.domContentLoadedEventStart ?? 0), load: o + (nav.loadEventStart ?? 0) } : undefined,
      resources: w.performance.getEntriesByType('resource').map((r) => ({ name: r.name.replace(/[?#].*$/, '').split('/').pop() ?? r.name, start: o + r.startTime, end: o + (r.responseEnd ?? 0), workerStart: r.workerStart ? o + r.workerStart : 0 })),
      paint: Object.fromEntries(w.performance.getEntriesByType('paint').map((p) => [p.name, o + p.startTime])),
      longTasks: [],
      dataset: { ...(w.document.body?.dataset ?? {}) },
      preview: w.__rmqTimeline?.preview,
    };
  });
}

/** The inspector's own document for `title` (the inner frame VS Code wrote our HTML into). */
export async function innerFrameFor(page: Page, title: string): Promise<Frame | undefined> {
  for (const f of page.frames()) {
    if (!f.url().includes('fake.html')) continue;
    try {
      if ((await f.evaluate(() => (globalThis as unknown as { document: { title: string } }).document.title)) === title) return f;
    } catch { /* detached or navigating */ }
  }
  return undefined;
}

/** Extension host marks (epoch ms) from the inspector's log, written when the first rows were posted. */
export function hostMarks(name: string, root = process.env.TMPDIR ?? '/tmp'): Record<string, number> | undefined {
  const walk = (d: string): string[] => {
    const out: string[] = [];
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) out.push(...walk(p)); else if (e.name === 'RocketMQ Inspector.log') out.push(p);
    }
    return out;
  };
  for (const f of walk(root)) {
    const line = readFileSync(f, 'utf8').split('\n').find((l) => l.includes(` ${name}: timeline {`));
    if (line) return JSON.parse(line.slice(line.indexOf('{'))) as Record<string, number>;
  }
  return undefined;
}

export interface OpenTimeline {
  name: string;
  /** ms after Enter, in order. */
  steps: [string, number][];
  /** Enter → first rows painted in a visible frame (the user-facing figure). */
  firstRowsVisibleMs: number;
  /** Enter → the webview frame showing our document. */
  frameVisibleMs: number;
  /** Rows the host rendered into the HTML (0: the first rows came from the script). */
  previewRows: number;
}

/**
 * Opens `name` with Quick Open and measures Enter → first rows painted and visible, with every mark
 * in between. The page must have been opened with `timelineInitScript` as an init script.
 */
export async function measureOpen(page: Page, name: string, timeoutMs = 60_000): Promise<OpenTimeline> {
  await listInQuickOpen(page, name);
  const before = await page.evaluate(() => (globalThis as unknown as { __rmqTimeline: { list: [string, number][] } }).__rmqTimeline.list.length);
  const nodeEnter = Date.now();
  await page.keyboard.press('Enter');
  // Marks are taken inside the pages; polling here only collects them, so its interval does not
  // change the figures.
  const inner = await pollUntil(`the inspector document for ${name}`, timeoutMs, async () => {
    const f = await innerFrameFor(page, name);
    if (!f) return undefined;
    const m = await frameMarks(f);
    return m.marks.rowsPainted ? f : undefined;
  });
  const outer = inner.parentFrame()!;
  await pollUntil('the webview frame to be shown', timeoutMs, async () => ((await frameMarks(outer)).marks.frameVisiblePainted !== undefined ? true : undefined));
  // and the live UI (interactive) in place of the host-rendered first screen
  await pollUntil('the live UI', timeoutMs, async () => ((await frameMarks(inner)).marks.liveShown !== undefined ? true : undefined));
  const wbList = await page.evaluate(() => (globalThis as unknown as { __rmqTimeline: { list: [string, number][] } }).__rmqTimeline.list);
  const wbAfter = wbList.slice(before);
  const first = (n: string) => wbAfter.find(([k]) => k === n)?.[1];
  const enter = first('enter') ?? nodeEnter;
  const im = await frameMarks(inner);
  const om = await frameMarks(outer);
  const host = await pollUntil('the extension host timeline in the log', 15_000, async () => hostMarks(name));
  const res = (r: string) => im.resources.find((x) => x.name === r);
  const css = res('inspector.css');
  const js = res('inspector.js');
  const ds = im.dataset ?? {};
  const steps: [string, number | undefined][] = [
    ['workbench: webview element created', first('iframeCreated')],
    ['host: openCustomDocument', host.open],
    ['host: resolveCustomEditor', host.resolve],
    ['host: webview.html set', host.html],
    ['webview host page: navigation start', om.timeOrigin],
    ['webview host page: response end', om.nav?.responseEnd],
    ['webview host page: service worker registered', om.marks.swRegistered],
    ['webview host page: service worker version reply', om.marks.swVersion],
    ['workbench: webview-ready received', first('webviewReady')],
    ['webview host page: content received', om.marks['port:content']],
    ['webview host page: iframe (fake.html) created', om.marks.iframeCreated],
    ['inner frame: navigation start (fake.html)', im.timeOrigin],
    ['inner frame: fake.html response end', im.nav?.responseEnd],
    ['inner frame: fake.html DOMContentLoaded', im.nav?.domContentLoaded],
    ['inner frame: our HTML written', im.marks.written],
    ['inner frame: inspector.css requested', css?.start],
    ['inner frame: inspector.css loaded', css?.end],
    ['inner frame: inspector.js requested', js?.start],
    ['inner frame: inspector.js loaded', js?.end],
    ['inner frame: our script starts', ds.scriptStartMs ? im.timeOrigin + Number(ds.scriptStartMs) : undefined],
    ['inner frame: load event', im.marks.load],
    ['webview host page: frame made visible', om.marks.frameVisible],
    ['webview host page: frame visible, painted', om.marks.frameVisiblePainted],
    ['host: ready received', host.ready],
    ['webview host page: first message from host', om.marks['port:message']],
    ['host: first rows posted', host.rows],
    ['inner frame: first rows in the DOM', im.marks.rowsInDom],
    ['inner frame: first rows painted', im.marks.rowsPainted],
    ['inner frame: first-contentful-paint', im.paint['first-contentful-paint']],
    ['inner frame: live UI swapped in', im.marks.liveShown],
  ];
  const rel = steps.filter((s): s is [string, number] => s[1] !== undefined && s[1] > 0).map(([k, t]) => [k, Math.round(t - enter)] as [string, number]);
  const visible = Math.max(om.marks.frameVisiblePainted, im.marks.rowsPainted) - enter;
  return { name, steps: rel, firstRowsVisibleMs: Math.round(visible), frameVisibleMs: Math.round(om.marks.frameVisible - enter), previewRows: host.previewRows ?? 0 };
}

export function formatTimeline(t: OpenTimeline): string {
  const lines = t.steps.slice().sort((a, b) => a[1] - b[1]).map(([k, ms]) => `  ${String(ms).padStart(6)} ms  ${k}`);
  return `${t.name}: Enter → first rows visible ${t.firstRowsVisibleMs} ms (frame shown at ${t.frameVisibleMs} ms; ${t.previewRows} rows in the HTML)\n${lines.join('\n')}`;
}
