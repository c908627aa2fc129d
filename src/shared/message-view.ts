/**
 * What the message view shows: a result list and one message's detail, as plain data built by the
 * host (src/app/messages/message-view.ts) and rendered by the webview (webview/src/messages/). Types
 * only. Every string in here may come from a broker: the webview puts it on screen as text only.
 */

/** One row of the result list. */
export interface MessageRow {
  /** Handle for asking the host about this message (detail, body, actions). */
  handle: string;
  msgId: string;
  offsetMsgId: string;
  keys: string;
  tags: string;
  topic: string;
  /** `broker-a:3` */
  queue: string;
  queueOffset: string;
  /** ISO time. */
  storeTime: string;
  /** Body bytes as stored. */
  size: number;
}

/** A result list: what was asked, what came back, and how complete it is. */
export interface MessageList {
  title: string;
  /** 'found' | 'not-found' | 'failed' | 'partial' (found some, some brokers failed). */
  outcome: LookupOutcome;
  /** One line: "3 messages in OrderTopic by key order-1 (broker-a, broker-b asked)". */
  headline: string;
  /** Not found: why that usually is; failed: each broker's failure with code name, remark and address. */
  details: string[];
  rows: MessageRow[];
  /** The most rows kept, and whether more were there. */
  cap: number;
  capped: boolean;
  /** Rows per page in the list. */
  pageSize: number;
  /** Browsing: the label of the button that reads the next messages of the queue (absent at its end). */
  more?: string;
}

export type LookupOutcome = 'found' | 'not-found' | 'failed' | 'partial';

export interface FieldLine {
  name: string;
  value: string;
  /** What the value means (flag names, the time of a timestamp, a decoded id). */
  note?: string;
}

/**
 * The body as each viewer shows it. Bytes beyond the caps are fetched only when asked
 * (`bodyComplete` false until then).
 */
export interface MessageBody {
  /** Bytes as stored (compressed when `compression` is set). */
  storedLength: number;
  /** Bytes after inflating; equal to storedLength when not compressed. */
  length: number;
  /** ZLIB, LZ4 or ZSTD when the stored body was compressed; the views show the inflated bytes. */
  compression?: string;
  /** Why a compressed body could not be inflated (the views then show the stored bytes). */
  inflateError?: string;
  /** empty, text, json or binary: the one text/binary rule of the frame model. */
  kind: 'empty' | 'text' | 'json' | 'binary';
  /** Text (kind text or json), capped. */
  text?: string;
  /** Indented JSON (kind json), capped. */
  json?: string;
  /** Hex dump lines, capped. */
  hex: string;
  /** False when a view was cut at its cap; the host serves the rest on request, up to MAX_FULL_BODY. */
  complete: boolean;
}

export interface MessageDetail {
  handle: string;
  title: string;
  ids: FieldLine[];
  system: FieldLine[];
  /** System properties by name (TAGS, KEYS, UNIQ_KEY, DELAY, TRAN_MSG, timer properties, …) with meanings. */
  systemProperties: FieldLine[];
  userProperties: FieldLine[];
  body: MessageBody;
  /** Where this message was read from. */
  source: string;
}

/** One step of a trace timeline. */
export interface TraceStep {
  kind: 'publish' | 'receive' | 'consume' | 'end-transaction';
  /** ISO time, or '' when the record has none. */
  time: string;
  group: string;
  title: string;
  status: string;
  /** Cost in ms, when the record has one. */
  costMs?: number;
  fields: FieldLine[];
}

export interface TraceView {
  msgId: string;
  /** Shown on its own (asked for from the palette), not for a message of the list on screen. */
  standalone?: boolean;
  traceTopic: string;
  outcome: LookupOutcome;
  headline: string;
  details: string[];
  steps: TraceStep[];
}
