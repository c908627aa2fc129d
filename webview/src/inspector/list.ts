/**
 * The virtualized frame list. Holds only the rows on screen (plus a small margin), fetched by range
 * from the host. Fixed row height; a spacer gives the scrollbar its length.
 *
 * Browsers cap an element's height (Chromium ≈ 33.5 million px; a million rows of 22 px is 22
 * million px, ten million rows would not fit), so the spacer is capped at MAX_SCROLL_PX and the
 * scroll position is scaled to a row position. The rows themselves live in a `position: sticky`
 * layer the height of the viewport, so they are placed relative to the viewport, not to the spacer,
 * and the scaling never shows up as a gap or a jump.
 */
import type { FrameRow, SortColumn } from '../../../src/shared/inspector-protocol';
import { COLUMNS, headerLabel, ListContext } from '../../../src/shared/inspector-text';
import { el } from './controls';

export const ROW_HEIGHT = 22;
const MAX_SCROLL_PX = 8_000_000;
const MARGIN_ROWS = 20;

// Columns and cell text are shared with the host's first-paint preview (the same text either way).
export { COLUMNS, formatLatency, formatTime } from '../../../src/shared/inspector-text';
export type { Column, ListContext } from '../../../src/shared/inspector-text';

export interface ListCallbacks {
  fetch(start: number, count: number): Promise<{ start: number; total: number; rows: FrameRow[] }>;
  select(position: number, row: FrameRow | null): void;
  sort(column: SortColumn): void;
  /** Rows could not be fetched (the host answered with an error or not in time). */
  failed?(error: unknown): void;
  /** Once: the list has drawn real rows, or knows from the host that the view is empty. */
  shown?(): void;
  /** The multi-selection changed (Ctrl/Cmd-click, Shift-click, Shift+arrows): how many rows are in it. */
  selectionChanged?(count: number): void;
  /** Right-click on a row (after it joined the selection, when it was not in it). */
  contextMenu?(x: number, y: number): void;
}

export class FrameList {
  readonly root: HTMLElement;
  private readonly header: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly layer: HTMLElement;
  private readonly spacer: HTMLElement;
  private total = 0;
  /** Rows by view position; only a window around the screen is kept. */
  private cache = new Map<number, FrameRow>();
  private inflight = new Set<number>();
  private generation = 0;
  selected = -1;
  /**
   * Rows in the multi-selection, by view position (always holds `selected` when it is ≥ 0). Positions,
   * not frames: a Shift-click range may cover rows not fetched yet (their frames are fetched on use).
   */
  private readonly chosen = new Set<number>();
  /** Where a Shift-click or Shift+arrow range starts. */
  private anchor = -1;
  private notifyOnLoad = false;
  private rowEls: HTMLElement[] = [];
  private fetchTimer: number | null = null;
  readonly ctx: ListContext = { relativeTime: true, originUs: 0 };
  private sortCol: SortColumn = 'index';
  private sortDesc = false;
  /** Frames per second of the last scroll (for the benchmark): render count. */
  renders = 0;
  /** The host has told us the view's length (until then an empty list means "not known yet"). */
  private totalKnown = false;
  private shownCalled = false;

  constructor(private readonly cb: ListCallbacks) {
    this.root = el('div', 'list');
    this.header = el('div', 'list-header row');
    this.header.setAttribute('role', 'row');
    for (const c of COLUMNS) {
      const h = el('div', `cell col-${c.id}`, c.label);
      h.setAttribute('role', 'columnheader');
      h.dataset.col = c.id;
      h.title = `Sort by ${c.label}`;
      h.addEventListener('click', () => this.cb.sort(c.id));
      this.header.appendChild(h);
    }
    this.viewport = el('div', 'list-viewport');
    this.viewport.tabIndex = 0;
    this.viewport.setAttribute('role', 'grid');
    this.viewport.setAttribute('aria-label', 'Frames');
    this.viewport.setAttribute('aria-multiselectable', 'true');
    this.layer = el('div', 'list-layer');
    this.spacer = el('div', 'list-spacer');
    this.viewport.append(this.layer, this.spacer);
    this.root.append(this.header, this.viewport);
    this.viewport.addEventListener('scroll', () => this.render());
    this.viewport.addEventListener('keydown', (e) => this.onKey(e));
    this.layer.addEventListener('click', (e) => {
      const t = (e.target as HTMLElement).closest('.row') as HTMLElement | null;
      if (!t || !t.dataset.pos) return;
      const pos = Number(t.dataset.pos);
      if (e.shiftKey && this.anchor >= 0) this.selectRange(this.anchor, pos);
      else if (e.ctrlKey || e.metaKey) this.toggle(pos);
      else this.select(pos);
    });
    // Shift/Ctrl/Cmd-click extends the row selection: not the browser's text selection
    this.layer.addEventListener('mousedown', (e) => {
      if (e.shiftKey || e.ctrlKey || e.metaKey) { e.preventDefault(); this.viewport.focus(); }
    });
    this.layer.addEventListener('contextmenu', (e) => {
      const t = (e.target as HTMLElement).closest('.row') as HTMLElement | null;
      if (!t || !t.dataset.pos || !this.cb.contextMenu) return;
      e.preventDefault();
      const pos = Number(t.dataset.pos);
      if (!this.chosen.has(pos)) this.select(pos);
      this.cb.contextMenu(e.clientX, e.clientY);
    });
    new ResizeObserver(() => { this.layout(); this.render(); }).observe(this.viewport);
  }

  setSortIndicator(col: SortColumn, desc: boolean): void {
    this.sortCol = col; this.sortDesc = desc;
    for (const h of Array.from(this.header.children) as HTMLElement[]) {
      const c = COLUMNS.find((x) => x.id === h.dataset.col)!;
      h.textContent = headerLabel(c, col, desc);
      h.setAttribute('aria-sort', c.id === col ? (desc ? 'descending' : 'ascending') : 'none');
    }
  }

  get length(): number { return this.total; }
  private get visibleRows(): number { return Math.max(1, Math.ceil(this.viewport.clientHeight / ROW_HEIGHT)); }
  private get contentPx(): number { return this.total * ROW_HEIGHT; }
  private get scaled(): boolean { return this.contentPx > MAX_SCROLL_PX; }

  /** New total from the host. `reset`: the view changed (sort/filter), drop cached rows. */
  setTotal(total: number, reset: boolean): void {
    if (reset) { this.cache.clear(); this.inflight.clear(); this.generation++; this.selected = -1; this.chosen.clear(); this.anchor = -1; this.cb.selectionChanged?.(0); }
    else {
      // rows past the old end may have been cached as missing; nothing else changes in capture order
      for (const k of this.inflight) if (k >= this.total) this.inflight.delete(k);
    }
    this.total = total;
    this.totalKnown = true;
    this.layout();
    this.render();
  }

  /** Forget cached rows (they may have changed, e.g. after indexing finished) and refetch. */
  refresh(): void {
    this.cache.clear(); this.inflight.clear(); this.generation++;
    this.render();
  }

  private layout(): void {
    const vh = this.viewport.clientHeight;
    const h = Math.min(this.contentPx, MAX_SCROLL_PX);
    this.layer.style.height = `${vh}px`;
    this.spacer.style.height = `${Math.max(0, h - vh)}px`;
  }

  /** First row position and its pixel offset for the current scroll position. */
  private firstRow(): { first: number; offset: number } {
    const st = this.viewport.scrollTop;
    if (!this.scaled) return { first: Math.floor(st / ROW_HEIGHT), offset: st % ROW_HEIGHT };
    const maxScroll = Math.max(1, Math.min(this.contentPx, MAX_SCROLL_PX) - this.viewport.clientHeight);
    const maxFirst = Math.max(0, this.total - this.visibleRows + 1);
    return { first: Math.min(maxFirst, Math.round((st / maxScroll) * maxFirst)), offset: 0 };
  }

  scrollToPosition(pos: number): void {
    if (pos < 0 || pos >= this.total) return;
    const { first } = this.firstRow();
    const vis = this.visibleRows - 1;
    if (pos >= first && pos < first + vis) return;
    const target = pos < first ? pos : pos - vis + 1;
    if (!this.scaled) this.viewport.scrollTop = target * ROW_HEIGHT;
    else {
      const maxScroll = Math.max(1, MAX_SCROLL_PX - this.viewport.clientHeight);
      const maxFirst = Math.max(1, this.total - this.visibleRows + 1);
      this.viewport.scrollTop = (target / maxFirst) * maxScroll;
    }
    this.render();
  }

  /** Selects one row (the multi-selection becomes that row). */
  select(pos: number): void {
    if (pos < 0 || pos >= this.total) return;
    this.chosen.clear();
    this.chosen.add(pos);
    this.anchor = pos;
    this.focusRow(pos);
    this.cb.selectionChanged?.(1);
  }

  /** Ctrl/Cmd-click: the row joins or leaves the selection; it becomes the one shown in the details. */
  toggle(pos: number): void {
    if (pos < 0 || pos >= this.total) return;
    if (this.chosen.has(pos) && this.chosen.size > 1) this.chosen.delete(pos);
    else this.chosen.add(pos);
    this.anchor = pos;
    this.focusRow(pos);
    this.cb.selectionChanged?.(this.chosen.size);
  }

  /** Shift-click / Shift+arrows: every row from `from` to `to`; `to` is shown in the details. */
  selectRange(from: number, to: number): void {
    to = Math.min(this.total - 1, Math.max(0, to));
    if (from < 0 || from >= this.total) return this.select(to);
    this.chosen.clear();
    for (let p = Math.min(from, to); p <= Math.max(from, to); p++) this.chosen.add(p);
    this.focusRow(to);
    this.cb.selectionChanged?.(this.chosen.size);
  }

  /** How many rows are selected. */
  get selectionSize(): number { return this.chosen.size; }

  /**
   * The frame numbers of the selected rows, in view order (rows not fetched yet are fetched, at most
   * `max` rows in all).
   */
  async selectedFrames(max: number): Promise<number[]> {
    const positions = [...this.chosen].sort((a, b) => a - b).slice(0, max);
    const out: number[] = [];
    const missing = positions.filter((p) => !this.cache.has(p));
    const fetched = new Map<number, FrameRow>();
    for (let k = 0; k < missing.length;) {
      const from = missing[k];
      let to = from;
      while (k < missing.length && missing[k] - from < 500) to = missing[k++];
      const res = await this.cb.fetch(from, to - from + 1);
      res.rows.forEach((r, i) => fetched.set(res.start + i, r));
    }
    for (const p of positions) {
      const r = this.cache.get(p) ?? fetched.get(p);
      if (r) out.push(r.frame);
    }
    return out;
  }

  private focusRow(pos: number): void {
    this.selected = pos;
    this.scrollToPosition(pos);
    this.render();
    const row = this.cache.get(pos) ?? null;
    this.notifyOnLoad = row === null;
    this.cb.select(pos, row);
  }

  rowAt(pos: number): FrameRow | undefined { return this.cache.get(pos); }

  private onKey(e: KeyboardEvent): void {
    const page = Math.max(1, this.visibleRows - 1);
    let next = this.selected;
    if (e.key === 'a' && (e.ctrlKey || e.metaKey) && this.total > 0) {
      // Select all (of the current view), for *Open as Request File* on a filtered list
      e.preventDefault();
      this.selectRange(0, this.total - 1);
      return;
    }
    switch (e.key) {
      case 'ArrowDown': next = this.selected + 1; break;
      case 'ArrowUp': next = Math.max(0, this.selected - 1); break;
      case 'PageDown': next = this.selected + page; break;
      case 'PageUp': next = Math.max(0, this.selected - page); break;
      case 'Home': next = 0; break;
      case 'End': next = this.total - 1; break;
      default: return;
    }
    e.preventDefault();
    const to = Math.min(this.total - 1, Math.max(0, next));
    if (e.shiftKey && this.anchor >= 0) this.selectRange(this.anchor, to);
    else this.select(to);
  }

  render(): void {
    this.renders++;
    const { first, offset } = this.firstRow();
    const n = Math.min(this.visibleRows + 1, Math.max(0, this.total - first));
    while (this.rowEls.length < n) {
      const r = el('div', 'row');
      r.setAttribute('role', 'row');
      for (const c of COLUMNS) r.appendChild(el('div', `cell col-${c.id}`));
      this.layer.appendChild(r);
      this.rowEls.push(r);
    }
    let missingFrom = -1, missingTo = -1;
    let shownNow = n === 0 && this.totalKnown;
    for (let k = 0; k < this.rowEls.length; k++) {
      const r = this.rowEls[k];
      if (k >= n) { r.style.display = 'none'; r.classList.remove('loading'); continue; }
      const pos = first + k;
      r.style.display = '';
      r.style.transform = `translateY(${k * ROW_HEIGHT - offset}px)`;
      r.dataset.pos = String(pos);
      const row = this.cache.get(pos);
      r.classList.toggle('selected', pos === this.selected);
      // the other rows of a multi-selection (`selected` stays the one row the details show)
      r.classList.toggle('chosen', pos !== this.selected && this.chosen.has(pos));
      r.setAttribute('aria-selected', pos === this.selected || this.chosen.has(pos) ? 'true' : 'false');
      const cells = r.children;
      if (!row) {
        r.dataset.frame = '';
        r.classList.add('loading');
        for (let c = 0; c < COLUMNS.length; c++) (cells[c] as HTMLElement).textContent = c === 0 ? '…' : '';
        if (!this.inflight.has(pos)) { if (missingFrom < 0) missingFrom = pos; missingTo = pos; }
        continue;
      }
      r.classList.remove('loading');
      // for the benchmark: ms from this webview's start to its first real row
      if (!document.body.dataset.firstRowsMs) document.body.dataset.firstRowsMs = String(Math.round(performance.now()));
      shownNow = true;
      r.dataset.frame = String(row.frame);
      r.classList.toggle('response', row.response);
      for (let c = 0; c < COLUMNS.length; c++) {
        const col = COLUMNS[c];
        const cell = cells[c] as HTMLElement;
        const t = col.text(row, this.ctx);
        if (cell.textContent !== t) { cell.textContent = t; cell.title = t; } // text only: capture text is never parsed as HTML
        cell.className = `cell col-${col.id} ${col.cls ? col.cls(row) : ''}`;
      }
    }
    if (missingFrom >= 0) this.scheduleFetch(Math.max(0, missingFrom - MARGIN_ROWS), missingTo + MARGIN_ROWS);
    this.evict(first, n);
    if (shownNow && !this.shownCalled) { this.shownCalled = true; this.cb.shown?.(); }
  }

  private evict(first: number, n: number): void {
    const keepLo = first - 4 * MARGIN_ROWS, keepHi = first + n + 4 * MARGIN_ROWS;
    if (this.cache.size < 600) return;
    for (const k of this.cache.keys()) if ((k < keepLo || k > keepHi) && k !== this.selected) this.cache.delete(k);
  }

  private scheduleFetch(from: number, to: number): void {
    if (this.fetchTimer !== null) window.clearTimeout(this.fetchTimer);
    this.fetchTimer = window.setTimeout(() => {
      this.fetchTimer = null;
      // recompute from the current scroll position: the user may have scrolled on
      const { first } = this.firstRow();
      const lo = Math.max(0, Math.min(from, first - MARGIN_ROWS));
      const hi = Math.min(this.total, Math.max(first + this.visibleRows + MARGIN_ROWS, 0));
      void this.load(first - lo > 4 * MARGIN_ROWS ? first - MARGIN_ROWS : lo, hi);
      void to;
    }, 16);
  }

  private async load(from: number, to: number): Promise<void> {
    from = Math.max(0, from);
    const count = Math.min(500, to - from);
    if (count <= 0) return;
    const gen = this.generation;
    for (let p = from; p < from + count; p++) this.inflight.add(p);
    let res: Awaited<ReturnType<ListCallbacks['fetch']>>;
    try {
      res = await this.cb.fetch(from, count);
    } catch (e) {
      this.cb.failed?.(e); // the rows stay unloaded; the next scroll or refresh asks again
      return;
    } finally {
      for (let p = from; p < from + count; p++) this.inflight.delete(p);
    }
    if (gen !== this.generation) return;
    this.totalKnown = true;
    if (res.total !== this.total) { this.total = res.total; this.layout(); }
    res.rows.forEach((r, k) => this.cache.set(res.start + k, r));
    this.render();
    if (this.notifyOnLoad && this.selected >= res.start && this.selected < res.start + res.rows.length) {
      this.notifyOnLoad = false;
      this.cb.select(this.selected, this.cache.get(this.selected) ?? null);
    }
  }

  /** Rows pushed by the host without a request (the first page, with init). */
  accept(start: number, total: number, rows: FrameRow[]): void {
    this.totalKnown = true;
    if (total !== this.total) { this.total = total; this.layout(); }
    rows.forEach((r, k) => this.cache.set(start + k, r));
    this.render();
  }

  get sortState(): { column: SortColumn; descending: boolean } { return { column: this.sortCol, descending: this.sortDesc }; }
  get scrollState(): number { return this.viewport.scrollTop; }
  set scrollState(v: number) { this.viewport.scrollTop = v; }
  focus(): void { this.viewport.focus(); }
  /** Rows held in memory (bounded). */
  get cachedRows(): number { return this.cache.size; }
}
