/**
 * `.rocketmq` request files: one or more messages in a text file, like `.kafka` files.
 *
 *   ### optional title                 ← starts a block (the text before the first ### is a block too,
 *   topic: OrderTopic                     when it holds more than comments)
 *   tag: created                       ← header lines `name: value` up to the first blank line
 *   keys: order-1 order-2              ← space separated
 *   property: region=eu                ← repeatable
 *   delay: 3 | 10s | 1500ms            ← a level 1..18, or a duration (5.x timer message)
 *   deliverAt: 2026-11-21T10:00:00Z    ← or epoch milliseconds (5.x timer message)
 *   queue: broker-a:1 | 1              ← explicit queue;  shardingKey: k → ordered by key hash
 *   mode: sync | async | oneway
 *   repeat: 10
 *   type: message | batch | transaction
 *   transaction: commit | rollback | unknown
 *   bodyFile: ./payload.json           ← body from a file (relative to the request file, inside its
 *                                         workspace folder: see body-file.ts)
 *   // comment                         ← comment lines are allowed among the headers
 *   tag: "a \"quoted\"\ttag"             ← a value starting with `"` is a JSON string (escapes \n, \t, \",
 *   property: "na=me"=" v "               \\, \uXXXX): how text with line breaks, control characters,
 *                                         edge spaces or a leading `"` is written; a property's name
 *                                         and value are quoted each on their own
 *
 *   {"orderId": 1}                     ← the body: everything up to the next ### line,
 *                                         trailing blank lines dropped; in a batch, `---` lines
 *                                         separate the messages
 *
 * Pure: no `vscode` import. Positions are 0-based lines and UTF-16 columns, like VS Code's.
 */
import {
  MAX_DELAY_LEVEL, MAX_REPEAT, QueueChoice, SEND_MODES, SendMode, SendSpec, TRANSACTION_DECISIONS, TransactionDecision,
  propertyValueProblem, reservedPropertyProblem, topicProblem, validateSpec,
} from './spec';

export type Severity = 'error' | 'warning' | 'info';

export interface RequestDiagnostic {
  line: number;
  startColumn: number;
  endColumn: number;
  severity: Severity;
  message: string;
}

export interface HeaderLine {
  /** As written (`Tag`, `tags`, …). */
  name: string;
  /** Canonical name (`tag`), or undefined when unknown. */
  key: HeaderKey | undefined;
  /** The value: trimmed, or decoded when it was written as a quoted JSON string. */
  value: string;
  line: number;
  nameColumn: number;
  valueColumn: number;
  /** Length of the value as written (quotes and escapes included), for ranges. */
  rawLength?: number;
  /** Written as a quoted JSON string. */
  quoted?: boolean;
}

export type HeaderKey =
  | 'topic' | 'tag' | 'keys' | 'property' | 'delay' | 'deliverAt' | 'queue' | 'shardingKey' | 'mode' | 'repeat'
  | 'type' | 'transaction' | 'bodyFile';

const HEADER_ALIASES: Readonly<Record<string, HeaderKey>> = {
  topic: 'topic',
  tag: 'tag', tags: 'tag',
  key: 'keys', keys: 'keys',
  property: 'property', prop: 'property',
  delay: 'delay', delaylevel: 'delay',
  deliverat: 'deliverAt', 'deliver-at': 'deliverAt',
  queue: 'queue', queueid: 'queue',
  shardingkey: 'shardingKey', 'sharding-key': 'shardingKey', orderkey: 'shardingKey', 'order-key': 'shardingKey',
  mode: 'mode',
  repeat: 'repeat', count: 'repeat',
  type: 'type',
  transaction: 'transaction',
  bodyfile: 'bodyFile', 'body-file': 'bodyFile',
};

/** Header names offered by completion, with a one-line explanation. */
export const HEADER_DOCS: Readonly<Record<HeaderKey, string>> = {
  topic: 'Topic to send to (required).',
  tag: 'Message tag (TAGS), used by consumers to filter.',
  keys: 'Message keys (KEYS), space separated; indexed by the broker for query by key.',
  property: 'A user property `name=value`; repeat the line for more.',
  delay: 'Delay level 1..18 (e.g. `3` = 10 s by default), or a duration like `10s`, `5m`, `1500ms` (5.x timer message).',
  deliverAt: 'Absolute delivery time, ISO 8601 or epoch milliseconds (5.x timer message).',
  queue: 'Explicit queue: `brokerName:queueId`, or just `queueId` on the first broker.',
  shardingKey: 'Ordered send: the queue is chosen by the hash of this key, so equal keys keep their order.',
  mode: 'sync (default), async or oneway.',
  repeat: 'Send the block this many times.',
  type: 'message (default), batch (`---` lines separate the messages) or transaction.',
  transaction: 'Send as a transactional half message and then commit, rollback or leave unknown (the broker checks back).',
  bodyFile: 'Take the body from this file (path relative to the request file). It must stay inside the workspace folder holding the request file (its own folder when it is in none), symbolic links included: a path outside needs a confirmation in a trusted workspace and is refused in Restricted Mode.',
};

export interface RequestBlock {
  index: number;
  title: string | undefined;
  /** The `###` line, or the first line of an implicit first block. */
  startLine: number;
  /** Last line of the block (inclusive). */
  endLine: number;
  headers: HeaderLine[];
  /** First body line, when the block has a body. */
  bodyStartLine: number | undefined;
  bodyFile: string | undefined;
  /** What to send; undefined when the block has errors. Bodies are empty when they come from `bodyFile`. */
  spec: SendSpec | undefined;
  diagnostics: RequestDiagnostic[];
}

export interface ParsedRequestFile {
  blocks: RequestBlock[];
  diagnostics: RequestDiagnostic[];
}

const HEADER_RE = /^(\s*)([A-Za-z][\w-]*)\s*:(.*)$/;
const COMMENT_RE = /^\s*(\/\/|#(?!##))/;
const BLOCK_RE = /^###(.*)$/;
const BATCH_SEPARATOR_RE = /^---\s*$/;

export function parseRequestFile(text: string, opts: { now?: number } = {}): ParsedRequestFile {
  const lines = text.split(/\r?\n/);
  const starts: Array<{ line: number; title: string | undefined }> = [];
  for (let i = 0; i < lines.length; i++) {
    const m = BLOCK_RE.exec(lines[i]);
    if (m) starts.push({ line: i, title: m[1].trim() || undefined });
  }
  // The text before the first ### is a block when it holds more than blank lines and comments.
  const firstStart = starts.length ? starts[0].line : lines.length;
  if (lines.slice(0, firstStart).some((l) => l.trim() !== '' && !COMMENT_RE.test(l))) starts.unshift({ line: -1, title: undefined });

  const blocks: RequestBlock[] = [];
  for (let b = 0; b < starts.length; b++) {
    const from = starts[b].line + 1;
    const to = b + 1 < starts.length ? starts[b + 1].line : lines.length; // exclusive
    blocks.push(parseBlock(lines, blocks.length, starts[b].title, Math.max(0, starts[b].line), from, to, opts.now ?? Date.now()));
  }
  return { blocks, diagnostics: blocks.flatMap((b) => b.diagnostics) };
}

function parseBlock(lines: string[], index: number, title: string | undefined, startLine: number, from: number, to: number, now: number): RequestBlock {
  const diags: RequestDiagnostic[] = [];
  const err = (line: number, s: number, e: number, message: string, severity: Severity = 'error') =>
    diags.push({ line, startColumn: s, endColumn: Math.max(e, s + 1), severity, message });
  const headers: HeaderLine[] = [];
  let i = from;
  // Leading blank lines between ### and the headers are fine.
  while (i < to && lines[i].trim() === '') i++;
  for (; i < to; i++) {
    const l = lines[i];
    if (l.trim() === '') break;
    if (COMMENT_RE.test(l)) continue;
    const m = HEADER_RE.exec(l);
    if (!m) {
      err(i, 0, l.length, 'expected a header line `name: value`, or a blank line before the body');
      continue;
    }
    const nameColumn = m[1].length;
    const rawValue = m[3];
    const valueColumn = l.length - rawValue.length + (rawValue.length - rawValue.trimStart().length);
    const key = HEADER_ALIASES[m[2].toLowerCase()];
    const written = rawValue.trim();
    let value = written;
    let quoted = false;
    if (key !== 'property' && written.startsWith('"')) {
      const q = unquote(written);
      if (q === null || q.rest !== '') err(i, valueColumn, valueColumn + written.length, 'a value starting with `"` is a JSON string ("…" with \\n, \\t, \\", \\\\ or \\uXXXX escapes)');
      else { value = q.value; quoted = true; }
    }
    headers.push({ name: m[2], key, value, line: i, nameColumn, valueColumn, rawLength: written.length, quoted });
    if (!key) err(i, nameColumn, nameColumn + m[2].length, `unknown header "${m[2]}" (known: ${Object.keys(HEADER_DOCS).join(', ')})`, 'warning');
  }
  // Body: after the blank line up to the block end, trailing blank lines dropped.
  let bodyStart = i < to ? i + 1 : to;
  let bodyEnd = to;
  while (bodyEnd > bodyStart && lines[bodyEnd - 1].trim() === '') bodyEnd--;
  const bodyLines = lines.slice(bodyStart, bodyEnd);
  const endLine = Math.max(startLine, to - 1);

  const byKey = new Map<HeaderKey, HeaderLine>();
  const properties: Record<string, string> = {};
  for (const h of headers) {
    if (!h.key) continue;
    if (h.key === 'property') {
      const pv = splitProperty(h.value);
      if (typeof pv === 'string') { err(h.line, h.valueColumn, h.valueColumn + h.value.length, pv); continue; }
      const { name, value, eq } = pv;
      const p = reservedPropertyProblem(name) ?? propertyValueProblem(name, value);
      if (p) err(h.line, h.valueColumn, h.valueColumn + h.value.length, p);
      else {
        if (name in properties) err(h.line, h.valueColumn, h.valueColumn + eq, `property "${name}" is set twice; the last value wins`, 'warning');
        properties[name] = value;
      }
      continue;
    }
    if (byKey.has(h.key)) err(h.line, h.nameColumn, h.nameColumn + h.name.length, `"${h.name}" is given twice in this block; the last one wins`, 'warning');
    byKey.set(h.key, h);
  }
  const valueErr = (h: HeaderLine, message: string, severity: Severity = 'error') => err(h.line, h.valueColumn, h.valueColumn + (h.rawLength ?? h.value.length), message, severity);

  const topicH = byKey.get('topic');
  if (!topicH) err(startLine, 0, lines[startLine]?.length ?? 1, 'this block has no `topic:` header');
  else {
    const p = topicProblem(topicH.value);
    if (p) valueErr(topicH, p);
  }

  let mode: SendMode = 'sync';
  const modeH = byKey.get('mode');
  if (modeH) {
    const v = modeH.value.toLowerCase() as SendMode;
    if (SEND_MODES.includes(v)) mode = v;
    else valueErr(modeH, `mode must be one of ${SEND_MODES.join(', ')}`);
  }

  let repeat = 1;
  const repeatH = byKey.get('repeat');
  if (repeatH) {
    const n = /^\d+$/.test(repeatH.value) ? Number(repeatH.value) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > MAX_REPEAT) valueErr(repeatH, `repeat must be a whole number from 1 to ${MAX_REPEAT}`);
    else repeat = n;
  }

  let delayLevel: number | undefined;
  let delayMs: number | undefined;
  const delayH = byKey.get('delay');
  if (delayH) {
    const d = parseDelay(delayH.value);
    if (typeof d === 'string') valueErr(delayH, d);
    else if (d.kind === 'level') delayLevel = d.level;
    else delayMs = d.ms;
  }

  let deliverAtMs: number | undefined;
  const atH = byKey.get('deliverAt');
  if (atH) {
    const t = /^\d+$/.test(atH.value) ? Number(atH.value) : Date.parse(atH.value);
    if (!Number.isFinite(t)) valueErr(atH, 'deliverAt must be an ISO 8601 time (2026-11-21T10:00:00Z) or epoch milliseconds');
    else {
      deliverAtMs = t;
      if (t < now) valueErr(atH, 'this time is in the past: the broker delivers the message at once', 'warning');
    }
  }
  if ([delayH, atH].filter(Boolean).length > 1) err(atH!.line, atH!.nameColumn, atH!.nameColumn + atH!.name.length, 'use either delay or deliverAt, not both');

  let queue: QueueChoice | undefined;
  const queueH = byKey.get('queue');
  if (queueH) {
    const q = parseQueue(queueH.value);
    if (typeof q === 'string') valueErr(queueH, q);
    else queue = q;
  }
  const shardH = byKey.get('shardingKey');
  if (shardH) {
    if (!shardH.value) valueErr(shardH, 'the sharding key is empty');
    else if (queueH) valueErr(shardH, 'use either queue or shardingKey, not both');
    else queue = { kind: 'sharding', shardingKey: shardH.value };
  }

  let type: 'message' | 'batch' | 'transaction' = 'message';
  const typeH = byKey.get('type');
  if (typeH) {
    const v = typeH.value.toLowerCase();
    if (v === 'message' || v === 'batch' || v === 'transaction') type = v;
    else valueErr(typeH, 'type must be message, batch or transaction');
  }
  let transaction: TransactionDecision | undefined;
  const txH = byKey.get('transaction');
  if (txH) {
    const v = txH.value.toLowerCase() as TransactionDecision;
    if (TRANSACTION_DECISIONS.includes(v)) transaction = v;
    else valueErr(txH, `transaction must be one of ${TRANSACTION_DECISIONS.join(', ')}`);
    if (type === 'batch' && typeH) valueErr(typeH, 'a block cannot be both a batch and a transaction');
    else type = 'transaction';
  } else if (type === 'transaction') transaction = 'commit';

  const bodyFileH = byKey.get('bodyFile');
  let bodies: string[];
  if (type === 'batch') {
    bodies = [];
    let cur: string[] = [];
    let curStart = bodyStart;
    const flush = (endLineExclusive: number) => {
      if (cur.length === 0 || cur.join('\n').trim() === '') err(curStart, 0, (lines[curStart] ?? '').length || 1, `message ${bodies.length + 1} of the batch is empty`);
      bodies.push(trimTrailingBlank(cur).join('\n'));
      cur = [];
      curStart = endLineExclusive + 1;
    };
    for (let k = 0; k < bodyLines.length; k++) {
      if (BATCH_SEPARATOR_RE.test(bodyLines[k])) flush(bodyStart + k);
      else cur.push(bodyLines[k]);
    }
    flush(bodyEnd);
    if (bodyFileH) valueErr(bodyFileH, 'bodyFile cannot be used with a batch (write the messages in the block)');
  } else {
    bodies = [bodyLines.join('\n')];
    if (bodyFileH) {
      if (!bodyFileH.value) valueErr(bodyFileH, 'bodyFile needs a path');
      if (bodyLines.length > 0) valueErr(bodyFileH, 'the block has both a body and bodyFile; bodyFile wins', 'warning');
      bodies = [''];
    } else if (bodyLines.length === 0) {
      err(startLine, 0, lines[startLine]?.length ?? 1, 'this block has no body (RocketMQ refuses empty bodies): add a blank line after the headers, then the body');
    }
  }
  if (bodyLines.length === 0) bodyStart = to;

  const hasError = diags.some((d) => d.severity === 'error');
  let spec: SendSpec | undefined;
  if (!hasError && topicH) {
    spec = {
      topic: topicH.value,
      tags: byKey.get('tag')?.value || undefined,
      // A quoted keys value keeps tabs and other whitespace inside a key: only spaces separate (Java's KEY_SEPARATOR).
      keys: byKey.get('keys')?.quoted ? splitOnSpaces(byKey.get('keys')!.value) : splitKeys(byKey.get('keys')?.value),
      bodies,
      properties: Object.keys(properties).length ? properties : undefined,
      delayLevel, delayMs, deliverAtMs, queue, mode, repeat,
      batch: type === 'batch',
      transaction,
    };
    // Cross-field rules (batch + delay, transaction + async, …) are shared with the command flow.
    const problems = validateSpec(bodyFileH ? { ...spec, bodies: ['(from file)'] } : spec);
    for (const p of problems) err(startLine, 0, lines[startLine]?.length ?? 1, p);
    if (problems.length) spec = undefined;
  }
  return {
    index, title, startLine, endLine, headers, bodyStartLine: bodyStart < to ? bodyStart : undefined,
    bodyFile: bodyFileH?.value || undefined, spec, diagnostics: diags,
  };
}

function trimTrailingBlank(ls: string[]): string[] {
  let e = ls.length;
  while (e > 0 && ls[e - 1].trim() === '') e--;
  let s = 0;
  while (s < e && ls[s].trim() === '') s++;
  return ls.slice(s, e);
}

export function splitKeys(v: string | undefined): string[] | undefined {
  const ks = (v ?? '').split(/\s+/).filter(Boolean);
  return ks.length ? ks : undefined;
}

function splitOnSpaces(v: string): string[] | undefined {
  const ks = v.split(' ').filter(Boolean);
  return ks.length ? ks : undefined;
}

/**
 * A JSON string at the start of `s` (which starts with `"`): its value and the text after it, or null
 * when it is not a well-formed JSON string.
 */
export function unquote(s: string): { value: string; rest: string } | null {
  let i = 1;
  for (; i < s.length; i++) {
    if (s[i] === '\\') { i++; continue; }
    if (s[i] === '"') break;
  }
  if (i >= s.length) return null;
  try {
    const v = JSON.parse(s.slice(0, i + 1)) as unknown;
    return typeof v === 'string' ? { value: v, rest: s.slice(i + 1).trim() } : null;
  } catch {
    return null;
  }
}

/** Characters that would end a line (for the parser or for VS Code's editor) or that a reader would not see. */
const UNSAFE_IN_LINE_ALL = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/g;
const UNSAFE_IN_LINE = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;

/** Whether a header value must be quoted to read back as exactly this text. */
export function needsQuoting(v: string): boolean {
  return v === '' || v !== v.trim() || v.startsWith('"') || UNSAFE_IN_LINE.test(v);
}

/** A JSON string that also escapes U+0085, U+2028 and U+2029 (editors may break lines there). */
export function quote(v: string): string {
  return JSON.stringify(v).replace(/[\u007f\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The value as written in a header line: as is, or quoted when it must be. */
export function headerText(v: string): string {
  return needsQuoting(v) ? quote(v) : v;
}

/** A property header's value: each side quoted when it must be (a name with `=` too). */
export function propertyText(name: string, value: string): string {
  return `${needsQuoting(name) || name.includes('=') ? quote(name) : name}=${headerText(value)}`;
}

/** `name=value`, either side possibly a quoted JSON string (then `=` and edge spaces may be part of it). */
export function splitProperty(v: string): { name: string; value: string; eq: number } | string {
  const bad = 'a property is written `name=value` (a quoted side is a JSON string: "na=me"="value")';
  let name: string;
  let after: string;
  let eq: number;
  if (v.startsWith('"')) {
    const q = unquote(v);
    if (!q || !q.rest.startsWith('=')) return bad;
    name = q.value;
    eq = v.length - q.rest.length;
    after = q.rest.slice(1).trim();
  } else {
    eq = v.indexOf('=');
    if (eq <= 0) return bad;
    name = v.slice(0, eq).trim();
    after = v.slice(eq + 1).trim();
  }
  if (after.startsWith('"')) {
    const q = unquote(after);
    if (!q || q.rest !== '') return bad;
    return { name, value: q.value, eq };
  }
  return { name, value: after, eq };
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `3` → level 3; `10s`, `1500ms`, `5m`, `2h`, `1d` → a duration in ms. */
export function parseDelay(v: string): { kind: 'level'; level: number } | { kind: 'duration'; ms: number } | string {
  const s = v.trim();
  if (/^\d+$/.test(s)) {
    const level = Number(s);
    if (level < 1 || level > MAX_DELAY_LEVEL) return `a delay level is 1..${MAX_DELAY_LEVEL} (got ${level}); for a duration write a unit, e.g. ${level}s`;
    return { kind: 'level', level };
  }
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/i.exec(s);
  if (!m) return 'delay is a level 1..18 or a duration such as 10s, 1500ms, 5m';
  const ms = Math.round(Number(m[1]) * UNIT_MS[m[2].toLowerCase()]);
  if (ms <= 0) return 'the delay duration must be positive';
  return { kind: 'duration', ms };
}

/** `broker-a:1` or `1`. */
export function parseQueue(v: string): QueueChoice | string {
  const m = /^(?:([\w.-]+):)?(\d+)$/.exec(v.trim());
  if (!m) return 'queue is `brokerName:queueId` (e.g. broker-a:0) or a queue id';
  return { kind: 'explicit', brokerName: m[1], queueId: Number(m[2]) };
}

/** Writes a spec back as a request-file block (for "save as request file" and remembered templates). */
export function formatBlock(spec: SendSpec, title?: string): string {
  const out: string[] = [`###${title ? ` ${title.replace(UNSAFE_IN_LINE_ALL, ' ')}` : ''}`, `topic: ${headerText(spec.topic)}`];
  if (spec.tags) out.push(`tag: ${headerText(spec.tags)}`);
  if (spec.keys?.length) out.push(`keys: ${spec.keys.some((k) => needsQuoting(k)) ? quote(spec.keys.join(' ')) : spec.keys.join(' ')}`);
  for (const [k, v] of Object.entries(spec.properties ?? {})) out.push(`property: ${propertyText(k, v)}`);
  if (spec.delayLevel !== undefined) out.push(`delay: ${spec.delayLevel}`);
  if (spec.delayMs !== undefined) out.push(`delay: ${spec.delayMs}ms`);
  if (spec.deliverAtMs !== undefined) out.push(`deliverAt: ${new Date(spec.deliverAtMs).toISOString()}`);
  if (spec.queue?.kind === 'explicit') out.push(`queue: ${spec.queue.brokerName ? `${spec.queue.brokerName}:` : ''}${spec.queue.queueId}`);
  if (spec.queue?.kind === 'sharding') out.push(`shardingKey: ${headerText(spec.queue.shardingKey)}`);
  if (spec.mode !== 'sync') out.push(`mode: ${spec.mode}`);
  if (spec.repeat > 1) out.push(`repeat: ${spec.repeat}`);
  if (spec.batch) out.push('type: batch');
  if (spec.transaction) out.push(`transaction: ${spec.transaction}`);
  out.push('', spec.bodies.join('\n---\n'), '');
  return out.join('\n');
}
