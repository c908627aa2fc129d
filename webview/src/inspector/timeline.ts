/**
 * The timeline above the frame list: frames per time bucket as bars (error frames and unanswered
 * requests stacked in their own colours), the latency of the busiest request codes as lines (p50
 * solid, max dashed, on a log scale), a legend; dragging over it brushes a span that filters the
 * list (the filter's From / To), a double-click or the clear button removes it, the selected frame
 * is a vertical mark.
 *
 * Drawn as a small SVG of our own rather than with a chart library: it is three stacked bar paths
 * and a few polylines (one <path> each, whatever the bucket count), which needs no dependency in the
 * bundle and nothing the webview's CSP forbids (no inline styles, no eval); colours are classes in
 * media/inspector.css on VS Code's --vscode-charts-* variables, so a theme switch recolours it without
 * a redraw. The numbers come from the host (getTimeline: src/app/inspector/timeline.ts), computed from
 * the index in one pass; this page only draws them. Capture text (code names) only as textContent.
 */
import type { TimelineData } from '../../../src/shared/inspector-protocol';
import { el } from './controls';

const SVG = 'http://www.w3.org/2000/svg';
const HEIGHT = 110;
const PAD = { left: 46, right: 56, top: 8, bottom: 18 };
/** Latency lines: at most this many codes (the host sends the busiest first). */
const SERIES_CLASSES = 4;
/** Below this many pixels a drag is a click. */
const MIN_DRAG_PX = 3;

export interface TimelineCallbacks {
  fetch(range: { fromUs?: number; toUs?: number }, buckets: number): Promise<TimelineData>;
  /** A span was brushed (µs since the epoch, from ≤ to). */
  brushed(fromUs: number, toUs: number): void;
  /** The brush was removed (double-click, clear button). */
  cleared(): void;
  failed(e: unknown): void;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, cls?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  if (cls) e.setAttribute('class', cls);
  return e;
}

/** µs as the axis and the tooltip say it. */
export function formatSpan(us: number): string {
  const a = Math.abs(us);
  if (a === 0) return '0';
  if (a >= 60e6) { const m = Math.floor(a / 60e6); const s = (a - m * 60e6) / 1e6; return `${us < 0 ? '-' : ''}${m} min${s ? ` ${+s.toFixed(1)} s` : ''}`; }
  if (a >= 1e6) return `${+(us / 1e6).toFixed(3)} s`;
  if (a >= 1e3) return `${+(us / 1e3).toFixed(3)} ms`;
  return `${+us.toFixed(1)} µs`;
}

export class TimelineView {
  readonly root: HTMLElement;
  private readonly chart: SVGSVGElement;
  private readonly legend: HTMLElement;
  private readonly info: HTMLElement;
  private readonly tip: HTMLElement;
  private readonly clearBtn: HTMLButtonElement;
  private readonly zoomBtn: HTMLButtonElement;
  private readonly outBtn: HTMLButtonElement;
  private data: TimelineData | null = null;
  /** The zoomed range (µs), null for the whole capture. */
  private zoom: { fromUs: number; toUs: number } | null = null;
  /** The brushed span from the filter (µs), either side may be open. */
  private brush: { fromUs: number | null; toUs: number | null } | null = null;
  private selectedUs: number | null = null;
  private drag: { x0: number; x1: number; id: number } | null = null;
  private width = 0;
  private seq = 0;
  private lastFrames = -1;
  private lastDone = false;
  private timer: number | null = null;
  private lastFetch = 0;

  constructor(private readonly cb: TimelineCallbacks) {
    this.root = el('div', 'timeline');
    this.root.id = 'timeline';
    const head = el('div', 'tl-head');
    this.legend = el('div', 'tl-legend');
    this.info = el('span', 'tl-info');
    this.zoomBtn = this.smallButton('tl-zoom', 'Zoom to span', 'Show only the brushed span on the timeline', () => this.zoomToBrush());
    this.outBtn = this.smallButton('tl-zoom-out', 'Whole capture', 'Show the whole capture on the timeline', () => { this.zoom = null; void this.refresh(); });
    this.clearBtn = this.smallButton('tl-clear', 'Clear span ✕', 'Remove the time span from the filter (or double-click the timeline)', () => this.cb.cleared());
    head.append(this.legend, el('span', 'grow'), this.info, this.zoomBtn, this.outBtn, this.clearBtn);
    this.chart = svg('svg', 'tl-chart');
    this.chart.setAttribute('height', String(HEIGHT));
    this.chart.setAttribute('role', 'img');
    this.chart.setAttribute('aria-label', 'Frames over time; drag to filter the list to a time span, double-click to clear it');
    this.tip = el('div', 'tl-tip');
    this.tip.hidden = true;
    const plot = el('div', 'tl-plot');
    plot.append(this.chart, this.tip);
    this.root.append(head, plot);
    this.chart.addEventListener('pointerdown', (e) => this.onDown(e));
    this.chart.addEventListener('pointermove', (e) => this.onMove(e));
    this.chart.addEventListener('pointerup', (e) => this.onUp(e));
    this.chart.addEventListener('pointerleave', () => { this.tip.hidden = true; });
    this.chart.addEventListener('dblclick', () => { if (this.brush) this.cb.cleared(); });
    new ResizeObserver(() => {
      const w = Math.floor(this.chart.getBoundingClientRect().width);
      if (w === this.width || w <= 0) return;
      const refetch = this.data && Math.abs(this.bucketsFor(w) - this.bucketsFor(this.width)) > 20;
      this.width = w;
      this.render();
      if (refetch) this.schedule(300);
    }).observe(this.root);
    this.updateButtons();
  }

  private smallButton(id: string, label: string, title: string, onClick: () => void): HTMLButtonElement {
    const b = el('button', 'tl-button', label);
    b.id = id;
    b.title = title;
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }

  private bucketsFor(width: number): number {
    return Math.max(20, Math.min(400, Math.floor((width - PAD.left - PAD.right) / 3)));
  }

  /** The capture grew or finished indexing: fetch again, at most once a second while it grows. */
  progress(frames: number, done: boolean): void {
    // the end of indexing changes old frames (requests left unanswered) without adding any
    if (frames === this.lastFrames && done === this.lastDone) return;
    this.lastFrames = frames;
    this.lastDone = done;
    this.schedule(done ? 0 : Math.max(0, 1000 - (Date.now() - this.lastFetch)));
  }

  private schedule(ms: number): void {
    if (this.timer !== null) return;
    this.timer = window.setTimeout(() => { this.timer = null; void this.refresh(); }, ms);
  }

  async refresh(): Promise<void> {
    const seq = ++this.seq;
    this.lastFetch = Date.now();
    const w = this.width || Math.floor(this.chart.getBoundingClientRect().width) || 800;
    try {
      const d = await this.cb.fetch(this.zoom ?? {}, this.bucketsFor(w));
      if (seq !== this.seq) return;
      this.data = d;
      this.root.dataset.buckets = String(d.frames.length);
      this.root.dataset.total = String(d.total);
      this.root.dataset.errors = String(d.errors.reduce((a, b) => a + b, 0));
      this.root.dataset.unanswered = String(d.unanswered.reduce((a, b) => a + b, 0));
      this.root.dataset.series = d.series.map((s) => s.name).join(',');
      this.render();
    } catch (e) {
      if (seq === this.seq) this.cb.failed(e);
    }
  }

  /** The filter's time span (seconds from the origin), or none. */
  setBrush(fromSec: number | undefined, toSec: number | undefined, originUs: number): void {
    this.brush = fromSec === undefined && toSec === undefined ? null
      : { fromUs: fromSec === undefined ? null : originUs + fromSec * 1e6, toUs: toSec === undefined ? null : originUs + toSec * 1e6 };
    this.root.dataset.brushed = String(!!this.brush);
    this.updateButtons();
    this.render();
  }

  setSelected(timeUs: number | null): void {
    this.selectedUs = timeUs;
    this.render();
  }

  private updateButtons(): void {
    this.clearBtn.hidden = !this.brush;
    this.zoomBtn.hidden = !this.brush || this.brush.fromUs === null || this.brush.toUs === null;
    this.outBtn.hidden = !this.zoom;
  }

  private zoomToBrush(): void {
    if (!this.brush || this.brush.fromUs === null || this.brush.toUs === null) return;
    this.zoom = { fromUs: this.brush.fromUs, toUs: this.brush.toUs };
    this.updateButtons();
    void this.refresh();
  }

  // ------------------------------------------------------------ geometry

  private get plotW(): number { return Math.max(1, this.width - PAD.left - PAD.right); }
  private get plotH(): number { return HEIGHT - PAD.top - PAD.bottom; }

  private xOf(us: number): number {
    const d = this.data!;
    const span = Math.max(1, d.frames.length * d.bucketUs);
    return PAD.left + ((us - d.fromUs) / span) * this.plotW;
  }

  private usOf(x: number): number {
    const d = this.data!;
    const span = d.frames.length * d.bucketUs;
    const f = Math.min(1, Math.max(0, (x - PAD.left) / this.plotW));
    return Math.min(d.toUs, d.fromUs + f * span);
  }

  private localX(e: PointerEvent | MouseEvent): number {
    return e.clientX - this.chart.getBoundingClientRect().left;
  }

  // ------------------------------------------------------------ interaction

  private onDown(e: PointerEvent): void {
    if (e.button !== 0 || !this.data) return;
    const x = this.localX(e);
    this.drag = { x0: x, x1: x, id: e.pointerId };
    this.chart.setPointerCapture(e.pointerId);
    e.preventDefault();
  }

  private onMove(e: PointerEvent): void {
    if (!this.data) return;
    const x = this.localX(e);
    if (this.drag && e.pointerId === this.drag.id) {
      this.drag.x1 = x;
      this.tip.hidden = true;
      this.render();
      return;
    }
    this.showTip(x);
  }

  private onUp(e: PointerEvent): void {
    const d = this.drag;
    if (!d || e.pointerId !== d.id) return;
    this.drag = null;
    d.x1 = this.localX(e);
    this.render();
    if (Math.abs(d.x1 - d.x0) < MIN_DRAG_PX || !this.data) return;
    const a = this.usOf(Math.min(d.x0, d.x1)), b = this.usOf(Math.max(d.x0, d.x1));
    // edges rounded to what a pixel can tell apart (a power of ten of µs, counted from the origin),
    // so the From / To fields read 28.8 and 37.2 rather than 28.812345
    const o = this.data.originUs;
    const step = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(1, (this.data.frames.length * this.data.bucketUs) / this.plotW))));
    this.cb.brushed(o + Math.floor((a - o) / step) * step, o + Math.ceil((b - o) / step) * step);
  }

  private showTip(x: number): void {
    const d = this.data!;
    const k = Math.floor(((x - PAD.left) / this.plotW) * d.frames.length);
    if (k < 0 || k >= d.frames.length) { this.tip.hidden = true; return; }
    const start = d.fromUs + k * d.bucketUs;
    const lines = [
      `${formatSpan(start - d.originUs)} – ${formatSpan(Math.min(d.toUs, start + d.bucketUs) - d.originUs)}`,
      `${d.frames[k].toLocaleString()} frames${d.errors[k] ? `, ${d.errors[k].toLocaleString()} errors` : ''}${d.unanswered[k] ? `, ${d.unanswered[k].toLocaleString()} unanswered` : ''}`,
    ];
    for (const s of d.series) if (s.p50Us[k] !== null) lines.push(`${s.name}: p50 ${formatSpan(s.p50Us[k]!)}, max ${formatSpan(s.maxUs[k]!)}`);
    this.tip.textContent = lines.join('\n');
    this.tip.hidden = false;
    const left = Math.min(Math.max(0, x + 12), Math.max(0, this.width - 260));
    this.tip.style.left = `${left}px`;
  }

  // ------------------------------------------------------------ drawing

  render(): void {
    if (!this.width) this.width = Math.floor(this.chart.getBoundingClientRect().width);
    const d = this.data;
    this.chart.replaceChildren();
    this.chart.setAttribute('viewBox', `0 0 ${Math.max(1, this.width)} ${HEIGHT}`);
    this.chart.setAttribute('width', String(Math.max(1, this.width)));
    this.renderLegend();
    if (!d || !this.width) return;
    const n = d.frames.length;
    const bw = this.plotW / n;
    const h = this.plotH;
    const base = PAD.top + h;
    let maxCount = 0;
    for (const v of d.frames) if (v > maxCount) maxCount = v;
    const top = niceCeil(Math.max(1, maxCount));
    const yc = (v: number) => (v / top) * h;
    // grid and axes
    const axis = svg('path', 'tl-axis');
    axis.setAttribute('d', `M${PAD.left} ${PAD.top}V${base}H${PAD.left + this.plotW}`);
    this.chart.append(axis, this.label(PAD.left - 4, PAD.top + 8, top.toLocaleString(), 'end'), this.label(PAD.left - 4, base, '0', 'end'));
    for (const [us, text] of timeTicks(d, this.plotW)) {
      const x = this.xOf(us);
      const t = svg('path', 'tl-tick');
      t.setAttribute('d', `M${x} ${base}v3`);
      this.chart.append(t, this.label(x, HEIGHT - 4, text, 'middle'));
    }
    // bars: error frames at the bottom, unanswered requests on them, the other frames on top
    const paths = { errors: '', unanswered: '', frames: '' };
    const gap = bw > 3 ? 1 : 0;
    for (let k = 0; k < n; k++) {
      const total = d.frames[k];
      if (!total) continue;
      const x = PAD.left + k * bw;
      const w = Math.max(0.5, bw - gap);
      const e = d.errors[k], u = d.unanswered[k], rest = total - e - u;
      let y = base;
      for (const [key, v] of [['errors', e], ['unanswered', u], ['frames', rest]] as const) {
        if (v <= 0) continue;
        const hh = Math.max(key === 'frames' ? 0 : 1.5, yc(v));
        paths[key] += `M${x.toFixed(1)} ${(y - hh).toFixed(1)}h${w.toFixed(1)}v${hh.toFixed(1)}h${(-w).toFixed(1)}z`;
        y -= hh;
      }
    }
    for (const key of ['frames', 'unanswered', 'errors'] as const) {
      const p = svg('path', `tl-bar tl-${key}`);
      p.setAttribute('d', paths[key]);
      this.chart.appendChild(p);
    }
    this.renderLatency(d, bw);
    this.renderOverlays(d, base);
  }

  private renderLatency(d: TimelineData, bw: number): void {
    let lo = Infinity, hi = 0;
    for (const s of d.series) for (let k = 0; k < s.p50Us.length; k++) {
      const p = s.p50Us[k], m = s.maxUs[k];
      if (p !== null && p > 0 && p < lo) lo = p;
      if (m !== null && m > hi) hi = m;
    }
    if (!(hi > 0)) return;
    if (!(lo < Infinity)) lo = hi;
    const dLo = Math.floor(Math.log10(Math.max(1, lo))), dHi = Math.max(dLo + 1, Math.ceil(Math.log10(Math.max(1, hi))));
    const h = this.plotH;
    const y = (us: number) => PAD.top + h - ((Math.log10(Math.max(10 ** dLo, us)) - dLo) / (dHi - dLo)) * h;
    const xr = PAD.left + this.plotW;
    const ax = svg('path', 'tl-axis');
    ax.setAttribute('d', `M${xr} ${PAD.top}V${PAD.top + h}`);
    this.chart.appendChild(ax);
    const step = Math.max(1, Math.ceil((dHi - dLo) / 4));
    for (let e = dLo; e <= dHi; e += step) this.chart.appendChild(this.label(xr + 4, y(10 ** e) + 4, formatSpan(10 ** e), 'start'));
    d.series.slice(0, SERIES_CLASSES).forEach((s, i) => {
      for (const [vals, cls] of [[s.maxUs, 'tl-max'], [s.p50Us, 'tl-p50']] as const) {
        let path = '';
        let open = false;
        for (let k = 0; k < vals.length; k++) {
          const v = vals[k];
          if (v === null) { open = false; continue; }
          const x = PAD.left + (k + 0.5) * bw;
          const next = k + 1 < vals.length && vals[k + 1] !== null;
          // a lone point is drawn as a dot (round caps on a zero-length segment)
          path += open ? `L${x.toFixed(1)} ${y(v).toFixed(1)}` : `M${x.toFixed(1)} ${y(v).toFixed(1)}${next ? '' : 'h0.01'}`;
          open = true;
        }
        const p = svg('path', `tl-line ${cls} tl-s${i}`);
        p.setAttribute('d', path);
        this.chart.appendChild(p);
      }
    });
  }

  private renderOverlays(d: TimelineData, base: number): void {
    const x0 = PAD.left, x1 = PAD.left + this.plotW;
    const clamp = (x: number) => Math.min(x1, Math.max(x0, x));
    const rect = (a: number, b: number, cls: string) => {
      const r = svg('rect', cls);
      r.setAttribute('x', String(Math.min(a, b)));
      r.setAttribute('y', String(PAD.top));
      r.setAttribute('width', String(Math.max(1, Math.abs(b - a))));
      r.setAttribute('height', String(base - PAD.top));
      this.chart.appendChild(r);
    };
    if (this.brush) {
      const a = clamp(this.brush.fromUs === null ? x0 : this.xOf(this.brush.fromUs));
      const b = clamp(this.brush.toUs === null ? x1 : this.xOf(this.brush.toUs));
      rect(a, b, 'tl-brush');
    }
    if (this.drag) rect(clamp(this.drag.x0), clamp(this.drag.x1), 'tl-brush tl-dragging');
    if (this.selectedUs !== null && this.selectedUs >= d.fromUs && this.selectedUs <= d.toUs) {
      const x = this.xOf(this.selectedUs);
      const m = svg('path', 'tl-marker');
      m.setAttribute('d', `M${x.toFixed(1)} ${PAD.top - 4}V${base}`);
      this.chart.appendChild(m);
    }
  }

  private label(x: number, y: number, text: string, anchor: 'start' | 'middle' | 'end'): SVGTextElement {
    const t = svg('text', 'tl-label');
    t.setAttribute('x', x.toFixed(1));
    t.setAttribute('y', y.toFixed(1));
    t.setAttribute('text-anchor', anchor);
    t.textContent = text;
    return t;
  }

  private renderLegend(): void {
    const d = this.data;
    const item = (cls: string, text: string, title?: string) => {
      const s = el('span', 'tl-key');
      s.append(el('span', `tl-swatch ${cls}`), document.createTextNode(text));
      if (title) s.title = title;
      return s;
    };
    const items = [
      item('tl-frames', 'Frames'),
      item('tl-errors', 'Errors', 'Error frames, as "Errors only" filters them'),
      item('tl-unanswered', 'Unanswered', 'Requests never answered in the capture'),
    ];
    const series = d?.series.slice(0, SERIES_CLASSES) ?? [];
    series.forEach((s, i) => items.push(item(`tl-line-key tl-s${i}`, s.name, `${s.name}: ${s.pairs.toLocaleString()} request/response pairs; latency per bucket, p50 solid, max dashed (log scale, right axis)`)));
    if (series.length) items.push(el('span', 'tl-key tl-hint', 'latency: p50 ─ max ┄'));
    this.legend.replaceChildren(...items);
    this.info.textContent = d ? `${formatSpan(d.bucketUs)} buckets · ${d.total.toLocaleString()} frames${this.zoom ? ' in the zoomed span' : ''}` : '';
  }
}

/** 1, 2 or 5 × 10^k at or above v. */
function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** About one tick per 120 px, on round relative times. */
function timeTicks(d: TimelineData, plotW: number): [number, string][] {
  const span = d.frames.length * d.bucketUs;
  const want = Math.max(2, Math.floor(plotW / 120));
  const step = niceCeil(span / want);
  const out: [number, string][] = [];
  const rel0 = d.fromUs - d.originUs;
  for (let r = Math.ceil(rel0 / step) * step; r <= rel0 + span + 1e-9 && out.length < 50; r += step) out.push([d.originUs + r, formatSpan(r)]);
  return out;
}
