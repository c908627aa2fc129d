/**
 * Messages between the capture inspector's extension host side and its webview.
 *
 * Pure TypeScript (no `vscode`, no DOM): compiled into both the extension bundle and the webview
 * bundle. Modelled on vscode-hexeditor's protocol: one discriminated union per direction, request
 * messages carry a `reqId` and their reply echoes it. The host never trusts what the webview sends:
 * every incoming message goes through {@link parseFromWebview}, which returns null for anything that
 * is not exactly one of the shapes below (wrong types, out-of-range numbers, oversized strings).
 *
 * The webview never receives a whole capture: rows are fetched by range (at most
 * {@link MAX_ROWS_PER_REQUEST} at a time), frame details one frame at a time, hex capped at
 * {@link MAX_HEX_BYTES}.
 */

import type { BodyView, ByteRange, FieldRow, FrameHeader } from '../core/frame/frame-description';
export const MAX_ROWS_PER_REQUEST = 500;
export const MAX_HEX_BYTES = 64 * 1024;
export const MAX_TEXT_CHARS = 64 * 1024;
export const MAX_FILTER_STRING = 512;

/** Columns the list can be sorted by (host-side). */
export const SORT_COLUMNS = ['index', 'time', 'conn', 'dir', 'code', 'opaque', 'flag', 'topic', 'status', 'latency', 'size', 'warnings'] as const;
export type SortColumn = typeof SORT_COLUMNS[number];

export interface SortSpec {
  column: SortColumn;
  descending: boolean;
}

export type FrameKind = 'all' | 'requests' | 'responses';

/** A filter; every present field must match (AND). Applied in the host over the index columns. */
export interface FilterSpec {
  /** Code names or numbers, comma separated ("SEND_MESSAGE_V2, 105"); matches request codes and the request code of responses. */
  code?: string;
  kind?: FrameKind;
  /** Responses whose code is not SUCCESS (0), undecodable frames and frames with warnings about errors. */
  errorsOnly?: boolean;
  /** Substring of the topic (case-insensitive). */
  topic?: string;
  opaque?: number;
  conn?: number;
  /** Seconds relative to the first frame of the capture. */
  timeFromSec?: number;
  timeToSec?: number;
  /** Latency above this many milliseconds (requests and responses of a pair). */
  latencyAboveMs?: number;
  /** A warning label (e.g. 'unanswered', 'gap'); 'any' for any warning. */
  warning?: string;
  /** Response code (numeric) — used by the expert summary's "error responses by code". */
  responseCode?: number;
  /** Free text over the row: code name, status, topic, connection, opaque, warnings. */
  text?: string;
}

/** One line of the frame list. */
export interface FrameRow {
  /** Frame number in the capture (stable id used for details, jumps, copy). */
  frame: number;
  /** Microseconds since the epoch of the frame's first byte. */
  timeUs: number;
  conn: number;
  /** "client:port → server:port". */
  connLabel: string;
  dir: 'c2s' | 's2c';
  code: number;
  codeName: string;
  opaque: number;
  flag: number;
  response: boolean;
  oneway: boolean;
  topic: string | null;
  /** Response code name for responses; for requests the paired response's status, if any. */
  status: string | null;
  latencyUs: number | null;
  size: number;
  warnings: string[];
  pair: number | null;
}

/** The frame model's types (src/core/frame): the details pane renders the core's description. */
export type { ByteRange, BodyView } from '../core/frame/frame-description';
/** An extField, a property or a section row (FieldRow of the frame model). */
export type KeyValue = FieldRow;
/** The header fields of describeCommand, with the flag bits as names (REQUEST/RESPONSE, ONEWAY, OTHER(0x…)). */
export type FrameHeaderView = FrameHeader;

/** A decoded section of the frame model, flattened into one titled table for the pane. */
export interface DecodedSection {
  title: string;
  rows: KeyValue[];
}

export interface FrameDetails {
  frame: number;
  row: FrameRow;
  header: FrameHeaderView | null;
  /** Why the frame could not be decoded (truncated, gap, bad header…). */
  decodeError: string | null;
  extFields: KeyValue[];
  properties: KeyValue[];
  body: BodyView | null;
  /** Further decoded views (sysFlag, message ids, batch entries, pulled messages, route…). */
  sections: DecodedSection[];
  /** Frame bytes as lowercase hex (2 chars per byte), at most MAX_HEX_BYTES bytes. */
  hex: string;
  hexTotalBytes: number;
  /** Bytes of the frame that were never captured (zero-filled in hex). */
  missingBytes: number;
  ranges: ByteRange[];
}

export interface ExpertItem {
  label: string;
  count: number;
  /** Filter that shows the frames behind this item. */
  filter: FilterSpec;
  severity: 'error' | 'warning' | 'info';
}

export interface LatencyStat {
  code: number;
  codeName: string;
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ExpertSummary {
  frames: number;
  connections: number;
  items: ExpertItem[];
  latency: LatencyStat[];
  captureWarnings: { kind: string; count: number }[];
}

export interface ProgressInfo {
  /** Frames indexed so far. */
  frames: number;
  bytesRead: number;
  totalBytes: number;
  done: boolean;
  cancelled: boolean;
  error: string | null;
  /** Frames in the current (filtered) view. */
  viewTotal: number;
  /** Microseconds since the epoch of the capture's first frame (for relative times). */
  firstUs: number;
}

// ---------------------------------------------------------------- host → webview

export type ToWebview =
  | { type: 'init'; title: string; live: boolean; canSave: boolean }
  | { type: 'progress'; progress: ProgressInfo }
  | { type: 'rows'; reqId: number; start: number; total: number; rows: FrameRow[] }
  | { type: 'viewSet'; reqId: number; total: number }
  | { type: 'details'; reqId: number; details: FrameDetails | null; error: string | null }
  | { type: 'summary'; reqId: number; summary: ExpertSummary }
  | { type: 'located'; reqId: number; frame: number; position: number }
  | { type: 'applyFilter'; filter: FilterSpec }
  | { type: 'notice'; message: string };

// ---------------------------------------------------------------- webview → host

export type FromWebview =
  | { type: 'ready' }
  | { type: 'getRows'; reqId: number; start: number; count: number }
  | { type: 'setView'; reqId: number; sort: SortSpec; filter: FilterSpec }
  | { type: 'getDetails'; reqId: number; frame: number }
  | { type: 'getSummary'; reqId: number }
  | { type: 'locate'; reqId: number; frame: number }
  | { type: 'copy'; frame: number; format: 'json' | 'hex' }
  | { type: 'savePcapng' }
  | { type: 'cancelIndexing' };

export type FromWebviewType = FromWebview['type'];
export type RequestMessage = Extract<FromWebview, { reqId: number }>;

/** The reply type for each request type (pairs requests with their responses at the type level). */
export interface ReplyFor {
  getRows: Extract<ToWebview, { type: 'rows' }>;
  setView: Extract<ToWebview, { type: 'viewSet' }>;
  getDetails: Extract<ToWebview, { type: 'details' }>;
  getSummary: Extract<ToWebview, { type: 'summary' }>;
  locate: Extract<ToWebview, { type: 'located' }>;
}

// ---------------------------------------------------------------- validation

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isNum = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const isStr = (v: unknown, max = MAX_FILTER_STRING): v is string => typeof v === 'string' && v.length <= max;

const MAX_REQ_ID = 2 ** 31 - 1;
const MAX_FRAME = 2 ** 32 - 1;

function onlyKeys(o: Obj, allowed: readonly string[]): boolean {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) return false;
  return true;
}

const FILTER_KEYS = ['code', 'kind', 'errorsOnly', 'topic', 'opaque', 'conn', 'timeFromSec', 'timeToSec', 'latencyAboveMs', 'warning', 'responseCode', 'text'] as const;

/** Validates a filter; returns a clean copy (only known, well-typed fields) or null. */
export function parseFilter(v: unknown): FilterSpec | null {
  if (!isObj(v) || !onlyKeys(v, FILTER_KEYS)) return null;
  const f: FilterSpec = {};
  if (v.code !== undefined) { if (!isStr(v.code)) return null; if (v.code.trim()) f.code = v.code; }
  if (v.kind !== undefined) { if (v.kind !== 'all' && v.kind !== 'requests' && v.kind !== 'responses') return null; f.kind = v.kind; }
  if (v.errorsOnly !== undefined) { if (typeof v.errorsOnly !== 'boolean') return null; if (v.errorsOnly) f.errorsOnly = true; }
  if (v.topic !== undefined) { if (!isStr(v.topic)) return null; if (v.topic) f.topic = v.topic; }
  if (v.opaque !== undefined) { if (!isInt(v.opaque, -(2 ** 31), 2 ** 31 - 1)) return null; f.opaque = v.opaque; }
  if (v.conn !== undefined) { if (!isInt(v.conn, 0, MAX_FRAME)) return null; f.conn = v.conn; }
  if (v.timeFromSec !== undefined) { if (!isNum(v.timeFromSec, -1e12, 1e12)) return null; f.timeFromSec = v.timeFromSec; }
  if (v.timeToSec !== undefined) { if (!isNum(v.timeToSec, -1e12, 1e12)) return null; f.timeToSec = v.timeToSec; }
  if (v.latencyAboveMs !== undefined) { if (!isNum(v.latencyAboveMs, 0, 1e12)) return null; f.latencyAboveMs = v.latencyAboveMs; }
  if (v.warning !== undefined) { if (!isStr(v.warning, 64)) return null; if (v.warning) f.warning = v.warning; }
  if (v.responseCode !== undefined) { if (!isInt(v.responseCode, -(2 ** 31), 2 ** 31 - 1)) return null; f.responseCode = v.responseCode; }
  if (v.text !== undefined) { if (!isStr(v.text)) return null; if (v.text) f.text = v.text; }
  return f;
}

export function parseSort(v: unknown): SortSpec | null {
  if (!isObj(v) || !onlyKeys(v, ['column', 'descending'])) return null;
  if (typeof v.column !== 'string' || !(SORT_COLUMNS as readonly string[]).includes(v.column)) return null;
  if (typeof v.descending !== 'boolean') return null;
  return { column: v.column as SortColumn, descending: v.descending };
}

/** Validates one message from the webview. Returns null for anything malformed. */
export function parseFromWebview(v: unknown): FromWebview | null {
  if (!isObj(v) || typeof v.type !== 'string') return null;
  switch (v.type) {
    case 'ready':
    case 'savePcapng':
    case 'cancelIndexing':
      return onlyKeys(v, ['type']) ? { type: v.type } : null;
    case 'getRows':
      if (!onlyKeys(v, ['type', 'reqId', 'start', 'count'])) return null;
      if (!isInt(v.reqId, 0, MAX_REQ_ID) || !isInt(v.start, 0, MAX_FRAME) || !isInt(v.count, 0, MAX_ROWS_PER_REQUEST)) return null;
      return { type: 'getRows', reqId: v.reqId, start: v.start, count: v.count };
    case 'setView': {
      if (!onlyKeys(v, ['type', 'reqId', 'sort', 'filter']) || !isInt(v.reqId, 0, MAX_REQ_ID)) return null;
      const sort = parseSort(v.sort);
      const filter = parseFilter(v.filter);
      if (!sort || !filter) return null;
      return { type: 'setView', reqId: v.reqId, sort, filter };
    }
    case 'getDetails':
    case 'locate':
      if (!onlyKeys(v, ['type', 'reqId', 'frame'])) return null;
      if (!isInt(v.reqId, 0, MAX_REQ_ID) || !isInt(v.frame, 0, MAX_FRAME)) return null;
      return { type: v.type, reqId: v.reqId, frame: v.frame };
    case 'getSummary':
      if (!onlyKeys(v, ['type', 'reqId']) || !isInt(v.reqId, 0, MAX_REQ_ID)) return null;
      return { type: 'getSummary', reqId: v.reqId };
    case 'copy':
      if (!onlyKeys(v, ['type', 'frame', 'format'])) return null;
      if (!isInt(v.frame, 0, MAX_FRAME) || (v.format !== 'json' && v.format !== 'hex')) return null;
      return { type: 'copy', frame: v.frame, format: v.format };
    default:
      return null;
  }
}
