/**
 * Text the inspector shows for rows and progress: the frame list's columns (label, cell text, cell
 * class) and the indexing status line. Shared by the webview and the extension host's first-paint
 * preview (the first rows rendered into the webview's HTML), so both show exactly the same text.
 * Pure functions: no DOM, no vscode. The results are plain text; whoever puts them into a page
 * escapes them (the host) or sets them as textContent (the webview).
 */
import type { FrameRow, ProgressInfo, SortColumn } from './inspector-protocol';

export interface ListContext {
  relativeTime: boolean;
  /** Time of the capture's first frame (µs since the epoch): the origin of relative times. */
  originUs: number;
}

export interface Column {
  id: SortColumn;
  label: string;
  text(r: FrameRow, ctx: ListContext): string;
  /** Extra class of the cell ('' for none); only our own fixed class names. */
  cls?(r: FrameRow): string;
}

export function formatTime(us: number, ctx: ListContext): string {
  if (ctx.relativeTime) return ((us - ctx.originUs) / 1e6).toFixed(6);
  const d = new Date(Math.floor(us / 1000));
  const frac = String(Math.floor(us % 1e6)).padStart(6, '0');
  return `${d.toISOString().slice(11, 19)}.${frac}`;
}

export function formatLatency(us: number | null): string {
  if (us === null) return '';
  return us >= 1e6 ? `${(us / 1e6).toFixed(2)} s` : `${(us / 1000).toFixed(3)} ms`;
}

export const COLUMNS: readonly Column[] = [
  { id: 'index', label: 'No.', text: (r) => String(r.frame) },
  { id: 'time', label: 'Time', text: (r, c) => formatTime(r.timeUs, c) },
  { id: 'conn', label: 'Connection (client → server)', text: (r) => r.connLabel },
  { id: 'dir', label: 'Dir', text: (r) => (r.dir === 'c2s' ? '→' : '←') },
  { id: 'code', label: 'Code', text: (r) => (r.response ? `↳ ${r.codeName}` : r.codeName) },
  { id: 'opaque', label: 'Opaque', text: (r) => String(r.opaque) },
  { id: 'flag', label: 'Flag', text: (r) => (r.response ? 'R' : r.oneway ? 'O' : '') },
  { id: 'topic', label: 'Topic', text: (r) => r.topic ?? '' },
  { id: 'status', label: 'Status', text: (r) => r.status ?? '', cls: (r) => ((r.statusError ?? (r.status && r.status !== 'SUCCESS')) ? 'bad' : '') },
  { id: 'latency', label: 'Latency', text: (r) => formatLatency(r.latencyUs) },
  { id: 'size', label: 'Size', text: (r) => String(r.size) },
  { id: 'warnings', label: 'Warnings', text: (r) => r.warnings.join(', '), cls: (r) => (r.warnings.length ? 'warn' : '') },
];

/** A column header's text with the sort indicator. */
export function headerLabel(c: Column, sortColumn: SortColumn, descending: boolean): string {
  return c.label + (c.id === sortColumn ? (descending ? ' ▼' : ' ▲') : '');
}

/** The toolbar's indexing status. */
export function progressText(p: ProgressInfo): string {
  const pct = p.totalBytes ? ` ${Math.floor((p.bytesRead / p.totalBytes) * 100)}%` : '';
  return p.error ? `Indexing failed: ${p.error}`
    : p.done ? `${p.frames.toLocaleString()} frames${p.cancelled ? ' (indexing cancelled)' : ''}`
    : p.capturing ? `Capturing… ${p.frames.toLocaleString()} frames so far`
    : `Indexing…${pct} ${p.frames.toLocaleString()} frames so far`;
}
