/**
 * The capture inspector's two APIs, carried by the shared {@link Endpoint} (src/shared/endpoint.ts):
 * what the extension host answers and receives ({@link InspectorHostApi}) and what the webview
 * receives ({@link InspectorWebviewApi}). Every request gets a reply or an error answer; the webview
 * waits at most {@link REQUEST_TIMEOUT_MS} per request.
 *
 * Pure TypeScript (no `vscode`, no DOM): compiled into both the extension bundle and the webview
 * bundle. The host never trusts what the webview sends: every request and event goes through
 * {@link HOST_VALIDATORS}, which refuses anything that is not exactly one of the shapes below
 * (unknown keys, wrong types, out-of-range numbers, oversized strings).
 *
 * The webview never receives a whole capture: rows are fetched by range (at most
 * {@link MAX_ROWS_PER_REQUEST} at a time), frame details one frame at a time, hex capped at
 * {@link MAX_HEX_BYTES}.
 */

import type { BodyView, ByteRange, FieldRow, FrameHeader } from '../core/frame/frame-description';
import type { FrameDiff } from '../core/frame/diff-types';
export type { FrameDiff, DiffRow, BodyDiff, BodyLine } from '../core/frame/diff-types';
import type { Api, Validators } from './endpoint';
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

/**
 * A filter; every present field must match (AND). The host turns it into the core's one filter
 * (src/core/capture/filter.ts, `filterFromSpec` in the view model) over the index's columns.
 */
export interface FilterSpec {
  /** Code names or numbers, comma separated ("SEND_MESSAGE_V2, 105"); matches request codes and the request code of responses. */
  code?: string;
  kind?: FrameKind;
  /** The core filter's one meaning of "error" (see ERROR_HELP in src/core/capture/filter-help.ts). */
  errorsOnly?: boolean;
  /** Substring of the topic (case-insensitive). */
  topic?: string;
  opaque?: number;
  conn?: number;
  /** Frames of one protocol ('remoting'; a name no decoder produces matches nothing). */
  protocol?: string;
  /** Seconds relative to the first frame of the capture. */
  timeFromSec?: number;
  timeToSec?: number;
  /** Latency above this many milliseconds (requests and responses of a pair). */
  latencyAboveMs?: number;
  /** A warning label (e.g. 'unanswered', 'gap'); 'any' for any warning. */
  warning?: string;
  /** Response code (numeric) — used by the expert summary's "error responses by code". */
  responseCode?: number;
  /** The frames behind one doctor finding (its id, DoctorFinding.id): the evidence of the expert summary's doctor. */
  evidence?: string;
  /**
   * Free text: the row's columns (code name, status, topic, connection, opaque, warnings) and the
   * frame's content — message keys, UNIQ_KEY / msgId, property values, body text (inflated bodies
   * included), as the CLI's free-text filter term does (see TEXT_HELP).
   */
  text?: string;
}

/** One line of the frame list. */
export interface FrameRow {
  /** Frame number in the capture (stable id used for details, jumps, copy). */
  frame: number;
  /** The frame's protocol (src/core/capture/protocols.ts): what code, opaque and status mean. */
  protocol: string;
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
  /**
   * Whether `status` is an error answer, for protocols whose statuses are not remoting response codes
   * (gRPC: "OK" is fine, a long poll's MESSAGE_NOT_FOUND too); absent for remoting rows.
   */
  statusError?: boolean;
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

/** One finding of the doctor (src/core/doctor) as the summary shows it: what, why, the evidence, the fix. */
export interface DoctorFinding {
  /** Stable id; `FilterSpec.evidence` lists its frames. */
  id: string;
  rule: string;
  severity: 'error' | 'warning' | 'info';
  title: string;
  cause: string;
  fix: string;
  /** The evidence in words. */
  facts: string[];
  /** Frames behind it (the filter shows them); 0 when the evidence is connections that carried no frame. */
  frames: number;
  /** Connections behind it (by number, as the Connection # filter takes them). */
  conns: number[];
  /** A signature refusal's refused signed request: the frame "Check signature" opens. */
  signedRequest?: number;
}

export interface DoctorView {
  findings: DoctorFinding[];
  /** Frames decoded for the rules, and how long the run took. */
  framesRead: number;
  ms: number;
}

export interface ExpertSummary {
  frames: number;
  connections: number;
  items: ExpertItem[];
  latency: LatencyStat[];
  captureWarnings: { kind: string; count: number }[];
  /** The doctor's findings; null while a capture file is still being indexed (it runs once the index is complete). */
  doctor: DoctorView | null;
  /** Why the doctor did not run, when it failed. */
  doctorError?: string;
  /** Every TCP connection of the capture by what it carried ("RocketMQ remoting", "RocketMQ gRPC (h2c)", "TLS (SNI …)", "other TCP"). */
  connectionKinds?: { label: string; count: number }[];
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
  /** A live capture whose tool is still capturing (frames keep arriving until it is stopped). */
  capturing?: boolean;
}

/** Most buckets a timeline request may ask for (the webview asks for about one per 3 px of width). */
export const MAX_TIMELINE_BUCKETS = 1000;

/** Latency of one request code over time on the timeline (src/app/inspector/timeline.ts). */
export interface TimelineSeries {
  /** The request code (remoting) or method id (gRPC), with its protocol and name as the list shows it. */
  code: number;
  protocol: string;
  name: string;
  /** Request/response pairs whose response falls in the range. */
  pairs: number;
  /** Per bucket, nearest-rank p50 and max latency (µs) of the pairs answered in it; null: none. */
  p50Us: (number | null)[];
  maxUs: (number | null)[];
}

/**
 * The timeline above the list: frames per time bucket, error frames and unanswered requests among
 * them, and latency of the busiest request codes per bucket. Bucket k covers
 * [fromUs + k·bucketUs, fromUs + (k+1)·bucketUs), the last one up to and with `toUs`.
 */
export interface TimelineData {
  fromUs: number;
  toUs: number;
  bucketUs: number;
  /** The zero of relative times (captureOriginUs), as in ProgressInfo.firstUs. */
  originUs: number;
  frames: number[];
  /** Error frames (the filter's `error`) per bucket. */
  errors: number[];
  /** Unanswered requests per bucket (those that are not error frames too). */
  unanswered: number[];
  series: TimelineSeries[];
  /** Frames in [fromUs, toUs]; frames in the index when computed. */
  total: number;
  indexed: number;
  /** Time the host took to compute it. */
  ms: number;
}

// ---------------------------------------------------------------- the two APIs

export const COPY_FORMATS = ['json', 'hex', 'mqadmin', 'fixture', 'java'] as const;
export type CopyFormat = typeof COPY_FORMATS[number];

/** One side of a diff: a frame, or the `message`-th stored message it carries. */
export interface DiffTarget { frame: number; message?: number }

/**
 * The ACL signature check of a signed request (src/core/doctor/acl-signature.ts) as the details pane
 * shows it. Never holds the SecretKey: the extension side asks for it and keeps it in SecretStorage.
 */
export interface SignatureCheckView {
  frame: number;
  match: boolean;
  accessKey: string;
  securityToken: boolean;
  /** The Signature in the request and the one recomputed with the SecretKey. */
  signature: string;
  expected: string;
  /** The signed fields in signing order (sorted by key), `name` the real name of a short key; values with control characters made visible. */
  parts: { key: string; name: string; value: string }[];
  bodyLength: number;
  /** The canonical string as text (control characters visible, at most MAX_TEXT_CHARS). */
  canonical: string;
  /** match, body-not-signed, field-added, credentials-not-signed, unique-key-query, keys-in-string, not-sorted, secret. */
  cause: string;
  /** The field that explains a mismatch. */
  field?: string;
  explanation: string;
  /** Where the SecretKey came from, in words ("a connection profile \"dev\"", "the SecretKey saved for AccessKey rmq_user"). */
  secretSource: string;
}

/** Rows of the current view, from `start`; `total` is the view's length now. */
export interface RowsPage { start: number; total: number; rows: FrameRow[] }

/** What the host answers and receives (the webview's requests go through {@link HOST_VALIDATORS}). */
export interface InspectorHostApi extends Api {
  requests: {
    getRows: { params: { start: number; count: number }; result: RowsPage };
    /** Sorts and filters; the view's new length. A Text filter may search frame contents first (slow on big files). */
    setView: { params: { sort: SortSpec; filter: FilterSpec }; result: { total: number } };
    /** One frame's details; fails (error answer) for a frame that does not exist or cannot be re-read. */
    getDetails: { params: { frame: number }; result: FrameDetails };
    /** The expert summary with the doctor's findings (the doctor reads the frames it needs once per capture: slow on big files). */
    getSummary: { params: Record<string, never>; result: ExpertSummary };
    /** The frame's position in the current view, -1 when the filter hides it. */
    locate: { params: { frame: number }; result: { frame: number; position: number } };
    /**
     * Two frames side by side, field by field (src/core/frame/diff.ts); `message` picks a stored
     * message carried by that frame (a pull or view answer, a check-back) instead of the frame itself.
     */
    diff: { params: { a: DiffTarget; b: DiffTarget }; result: FrameDiff };
    /**
     * Puts the frame on the clipboard as JSON, hex, the mqadmin command making the same request, a test
     * fixture (hex + decoded fields, credentials masked) or a Java DefaultMQProducer snippet; fails
     * (error answer) when the format does not apply to the frame.
     */
    copy: { params: { frame: number; format: CopyFormat }; result: { message: string } };
    /**
     * The timeline (TimelineData) over the whole capture, or over [fromUs, toUs] (µs since the epoch)
     * when zoomed, in at most `buckets` buckets. Computed from the index columns in one pass.
     */
    getTimeline: { params: { fromUs?: number; toUs?: number; buckets: number }; result: TimelineData };
    /**
     * The ACL signature check of a signed request: the host gets the SecretKey (SecretStorage, or an input
     * box; `askSecret` asks for another one) and recomputes the Signature. Null when no SecretKey was given.
     */
    checkSignature: { params: { frame: number; askSecret?: boolean }; result: SignatureCheckView | null };
    /**
     * Capture → replay: the selected SEND frames as a `.rocketmq` request document opened in the editor
     * (rows that are not send requests are skipped and counted in `message`).
     */
    openRequestFile: { params: { frames: number[] }; result: { message: string } };
  };
  events: {
    /** The webview's script runs and listens: the host sends init, progress and the first page. */
    ready: Record<string, never>;
    savePcapng: Record<string, never>;
    cancelIndexing: Record<string, never>;
  };
}

/** What the webview receives: events only (it answers no requests). */
export interface InspectorWebviewApi extends Api {
  requests: Record<string, never>;
  events: {
    init: { title: string; live: boolean; canSave: boolean };
    progress: ProgressInfo;
    /** The first page of the default view, pushed after `ready` (saves a round trip while indexing). */
    firstRows: RowsPage;
    /** Set the filter bar to this and apply it (from a command in the host). */
    applyFilter: FilterSpec;
    /** Apply this filter and select this frame (a send's "Show frames": its request, with its response in view). */
    focus: { filter: FilterSpec; frame: number };
    notice: { message: string };
  };
}

/** How long the webview waits for each request; a Text filter may first search a large file. */
export const REQUEST_TIMEOUT_MS: Record<keyof InspectorHostApi['requests'], number> = {
  getRows: 30_000, setView: 10 * 60_000, getDetails: 60_000, getSummary: 10 * 60_000, locate: 30_000, copy: 60_000, diff: 60_000,
  getTimeline: 30_000,
  // the user types the SecretKey into an input box meanwhile
  checkSignature: 10 * 60_000,
  openRequestFile: 60_000,
};

// ---------------------------------------------------------------- validation

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isNum = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const isStr = (v: unknown, max = MAX_FILTER_STRING): v is string => typeof v === 'string' && v.length <= max;

const MAX_FRAME = 2 ** 32 - 1;
/** Frames one *Open as Request File* takes (a document of more blocks is no longer something to edit). */
export const MAX_REPLAY_FRAMES = 10_000;

function onlyKeys(o: Obj, allowed: readonly string[]): boolean {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) return false;
  return true;
}

const FILTER_KEYS = ['code', 'kind', 'errorsOnly', 'topic', 'opaque', 'conn', 'protocol', 'timeFromSec', 'timeToSec', 'latencyAboveMs', 'warning', 'responseCode', 'text', 'evidence'] as const;

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
  if (v.protocol !== undefined) { if (!isStr(v.protocol, 32) || !/^[a-z0-9-]*$/i.test(v.protocol)) return null; if (v.protocol) f.protocol = v.protocol; }
  if (v.timeFromSec !== undefined) { if (!isNum(v.timeFromSec, -1e12, 1e12)) return null; f.timeFromSec = v.timeFromSec; }
  if (v.timeToSec !== undefined) { if (!isNum(v.timeToSec, -1e12, 1e12)) return null; f.timeToSec = v.timeToSec; }
  if (v.latencyAboveMs !== undefined) { if (!isNum(v.latencyAboveMs, 0, 1e12)) return null; f.latencyAboveMs = v.latencyAboveMs; }
  if (v.warning !== undefined) { if (!isStr(v.warning, 64)) return null; if (v.warning) f.warning = v.warning; }
  if (v.responseCode !== undefined) { if (!isInt(v.responseCode, -(2 ** 31), 2 ** 31 - 1)) return null; f.responseCode = v.responseCode; }
  if (v.text !== undefined) { if (!isStr(v.text)) return null; if (v.text) f.text = v.text; }
  if (v.evidence !== undefined) { if (!isStr(v.evidence)) return null; if (v.evidence) f.evidence = v.evidence; }
  return f;
}

export function parseSort(v: unknown): SortSpec | null {
  if (!isObj(v) || !onlyKeys(v, ['column', 'descending'])) return null;
  if (typeof v.column !== 'string' || !(SORT_COLUMNS as readonly string[]).includes(v.column)) return null;
  if (typeof v.descending !== 'boolean') return null;
  return { column: v.column as SortColumn, descending: v.descending };
}

const noParams = (v: unknown): Record<string, never> | null => (v === undefined || (isObj(v) && Object.keys(v).length === 0) ? {} : null);
const frameParam = (v: unknown): { frame: number } | null =>
  isObj(v) && onlyKeys(v, ['frame']) && isInt(v.frame, 0, MAX_FRAME) ? { frame: v.frame } : null;

const diffTarget = (v: unknown): DiffTarget | null => {
  if (!isObj(v) || !onlyKeys(v, ['frame', 'message']) || !isInt(v.frame, 0, MAX_FRAME)) return null;
  if (v.message === undefined) return { frame: v.frame };
  return isInt(v.message, 0, 1_000_000) ? { frame: v.frame, message: v.message } : null;
};

/** The host's checks of everything the webview sends: unknown keys, wrong types, out-of-range numbers and oversized strings are refused. */
export const HOST_VALIDATORS: Validators<InspectorHostApi> = {
  requests: {
    getRows: (v) => (isObj(v) && onlyKeys(v, ['start', 'count']) && isInt(v.start, 0, MAX_FRAME) && isInt(v.count, 0, MAX_ROWS_PER_REQUEST)
      ? { start: v.start, count: v.count } : null),
    setView: (v) => {
      if (!isObj(v) || !onlyKeys(v, ['sort', 'filter'])) return null;
      const sort = parseSort(v.sort);
      const filter = parseFilter(v.filter);
      return sort && filter ? { sort, filter } : null;
    },
    getDetails: frameParam,
    locate: frameParam,
    getSummary: noParams,
    diff: (v) => {
      if (!isObj(v) || !onlyKeys(v, ['a', 'b'])) return null;
      const a = diffTarget(v.a), b = diffTarget(v.b);
      return a && b ? { a, b } : null;
    },
    getTimeline: (v) => {
      if (!isObj(v) || !onlyKeys(v, ['fromUs', 'toUs', 'buckets']) || !isInt(v.buckets, 1, MAX_TIMELINE_BUCKETS)) return null;
      const out: { fromUs?: number; toUs?: number; buckets: number } = { buckets: v.buckets };
      if (v.fromUs !== undefined) { if (!isNum(v.fromUs, 0, 1e17)) return null; out.fromUs = v.fromUs; }
      if (v.toUs !== undefined) { if (!isNum(v.toUs, 0, 1e17)) return null; out.toUs = v.toUs; }
      if (out.fromUs !== undefined && out.toUs !== undefined && out.toUs < out.fromUs) return null;
      return out;
    },
    copy: (v) => (isObj(v) && onlyKeys(v, ['frame', 'format']) && isInt(v.frame, 0, MAX_FRAME) && typeof v.format === 'string' && (COPY_FORMATS as readonly string[]).includes(v.format)
      ? { frame: v.frame, format: v.format as CopyFormat } : null),
    checkSignature: (v) => (isObj(v) && onlyKeys(v, ['frame', 'askSecret']) && isInt(v.frame, 0, MAX_FRAME) && (v.askSecret === undefined || typeof v.askSecret === 'boolean')
      ? { frame: v.frame, ...(v.askSecret ? { askSecret: true } : {}) } : null),
    openRequestFile: (v) => (isObj(v) && onlyKeys(v, ['frames']) && Array.isArray(v.frames) && v.frames.length >= 1 && v.frames.length <= MAX_REPLAY_FRAMES
      && v.frames.every((f) => isInt(f, 0, MAX_FRAME)) ? { frames: [...v.frames] as number[] } : null),
  },
  events: { ready: noParams, savePcapng: noParams, cancelIndexing: noParams },
};
