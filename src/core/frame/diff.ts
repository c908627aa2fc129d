/**
 * Frame diff: two frames — or a frame and a stored message — side by side, field by field, for "this
 * send works, that one fails". Both sides come from the one frame model: a frame's side is its
 * FrameDescription (header, extFields by real name, properties) and the body bytes the same decode
 * gave (inflated when the sysFlag says compressed); a stored message's side names its fields like the
 * send header does (topic, queueId, flag, sysFlag, bornTimestamp …), so a send request and the message
 * the broker stored line up.
 *
 * Rows are compared as the views show them (values as strings). The body is compared by bytes: text
 * bodies line by line (an LCS diff, capped), binary ones by their first differing byte.
 */
import type { RemotingCommand } from '../remoting';
import { SEND_REQUEST_CODES, sendHeaderValue, isResponse, RequestCode } from '../remoting';
import { compressionType, decompressBody, MessageSysFlag, describeSysFlag, MessageExt } from '../message';
import type { BodyView, FieldRow, FrameDescription } from './frame-description';
import type { BodyDiff, BodyLine, DiffRow, DiffSection, FrameDiff } from './diff-types';

export type { BodyDiff, BodyLine, DiffRow, DiffSection, FrameDiff } from './diff-types';
import { decodeAndDescribeFrame, FrameContext } from './describe-frame';
import { plainBody, hexDump } from './body';
import { propertyRows } from './body-views';

/** One side of a diff. */
export interface DiffSide {
  /** "frame 12: SEND_MESSAGE_V2 request (opaque 7)", "stored message … (queue 2, offset 15)". */
  title: string;
  kind: 'frame' | 'stored-message';
  /** Header fields (frames only): code, language, version, opaque, flag, remark, serialize type. */
  header: FieldRow[];
  /** extFields by real name (frames), or a stored message's fields under the send header's names. */
  fields: FieldRow[];
  properties: FieldRow[];
  /** The body's bytes as the application sees them (inflated), and how they read. */
  body: Uint8Array;
  bodyView: BodyView | null;
  /** Why the side is incomplete (a frame that did not decode, a body that did not inflate). */
  notes: string[];
}

/** Fields that say only "which request" (they always differ between two frames) — compared, but listed last. */
const IDENTITY_FIELDS = new Set(['opaque', 'bornTimestamp']);
/** The send header's properties string: compared property by property instead. */
const SKIP_FIELDS = new Set(['properties']);

function bodyBytesOf(cmd: RemotingCommand | null, notes: string[]): Uint8Array {
  const body = cmd?.body ?? new Uint8Array(0);
  if (!cmd || isResponse(cmd) || !SEND_REQUEST_CODES.has(cmd.code) || !cmd.extFields) return body;
  const sysFlag = Number(sendHeaderValue(cmd.code, cmd.extFields, 'sysFlag') ?? 0);
  if (!(sysFlag & MessageSysFlag.COMPRESSED_FLAG) || cmd.code === RequestCode.SEND_BATCH_MESSAGE) return body; // a batch's entries carry their own flags
  const r = decompressBody(body, compressionType(sysFlag));
  if (r.ok) return r.body;
  notes.push(`the body did not inflate (${r.reason}): compared as sent`);
  return body;
}

/** A frame's side of a diff, from its bytes: one decode for the description and the body. */
export function frameSide(bytes: Uint8Array, ctx: FrameContext & { label?: string } = {}): DiffSide {
  const { command, description } = decodeAndDescribeFrame(bytes, ctx);
  return sideOfDescription(description, command, ctx.label);
}

/** A frame's side from its description and the command the same decode gave. */
export function sideOfDescription(d: FrameDescription, cmd: RemotingCommand | null, label?: string): DiffSide {
  const notes = [...d.notes];
  if (d.decodeError) notes.push(d.decodeError);
  const header: FieldRow[] = [];
  if (d.header) {
    const h = d.header;
    const row = (name: string, value: string | number | null) => header.push({ key: name, name, value: value === null ? '' : String(value) });
    row('code', `${h.code} ${h.codeName}`);
    row('type', h.type);
    row('language', h.languageName);
    row('version', `${h.version} ${h.versionName}`);
    row('opaque', h.opaque);
    row('flag', `${h.flag} (${h.flagBits.join(', ')})`);
    row('remark', h.remark);
    row('serializeType', h.serializeType);
  }
  return {
    title: label ? `${label}: ${d.title}` : d.title, kind: 'frame', header,
    fields: d.extFields.filter((f) => !SKIP_FIELDS.has(f.name)), properties: d.properties,
    body: bodyBytesOf(cmd, notes), bodyView: d.body, notes,
  };
}

/** A stored message's side (a pulled or viewed message), its fields named like the send header's. */
export function messageSide(m: MessageExt, label?: string): DiffSide {
  const f = (name: string, value: string | number, note?: string): FieldRow => ({ key: name, name, value: String(value), ...(note ? { note } : {}) });
  const notes: string[] = [];
  if (m.body === undefined) notes.push(`the body did not inflate${m.decompressError ? ` (${m.decompressError})` : ''}: compared as stored`);
  const body = m.body ?? m.rawBody;
  return {
    title: `${label ? `${label}: ` : ''}stored message ${m.msgId ?? m.offsetMsgId} (${m.topic} queue ${m.queueId}, offset ${m.queueOffset})`,
    kind: 'stored-message', header: [],
    fields: [
      f('topic', m.topic), f('queueId', m.queueId), f('flag', m.flag),
      f('sysFlag', m.sysFlag, describeSysFlag(m.sysFlag).join(' | ') || 'none'),
      f('bornTimestamp', m.bornTimestamp, new Date(m.bornTimestamp).toISOString()), f('reconsumeTimes', m.reconsumeTimes),
      f('bornHost', `${m.bornHost}:${m.bornPort}`), f('storeHost', `${m.storeHost}:${m.storePort}`),
      f('storeTimestamp', m.storeTimestamp, new Date(m.storeTimestamp).toISOString()), f('queueOffset', m.queueOffset), f('commitLogOffset', m.commitLogOffset),
      f('offsetMsgId', m.offsetMsgId),
    ],
    properties: propertyRows(m.propertiesString),
    body, bodyView: plainBody(body), notes,
  };
}

function rowsOf(section: DiffSection, a: FieldRow[], b: FieldRow[], kindsDiffer: boolean): DiffRow[] {
  const byA = new Map(a.map((r) => [r.name, r]));
  const byB = new Map(b.map((r) => [r.name, r]));
  const names = [...byA.keys()];
  for (const n of byB.keys()) if (!byA.has(n)) names.push(n);
  const out: DiffRow[] = [];
  for (const name of names) {
    const x = byA.get(name), y = byB.get(name);
    const row: DiffRow = { section, name, a: x ? x.value : null, b: y ? y.value : null, same: !!x && !!y && x.value === y.value };
    if (kindsDiffer && (!x || !y)) row.oneSided = true;
    if (x?.note) row.noteA = x.note;
    if (y?.note) row.noteB = y.note;
    out.push(row);
  }
  // identity fields last: they differ between any two requests and say nothing about the failure
  return [...out.filter((r) => !IDENTITY_FIELDS.has(r.name)), ...out.filter((r) => IDENTITY_FIELDS.has(r.name))];
}

const MAX_LCS_LINES = 2000;
const MAX_DIFF_LINES = 400;

function isText(b: Uint8Array): boolean {
  const v = plainBody(b, 16);
  return v.kind === 'text' || v.kind === 'json' || v.kind === 'empty';
}

/** Line diff by longest common subsequence (bounded): the texts' common prefix and suffix are trimmed first. */
function lineDiff(a: string[], b: string[]): BodyLine[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const ma = a.slice(pre, a.length - suf), mb = b.slice(pre, b.length - suf);
  const mid: BodyLine[] = [];
  if (ma.length * mb.length <= MAX_LCS_LINES * MAX_LCS_LINES / 4 && ma.length <= MAX_LCS_LINES && mb.length <= MAX_LCS_LINES) {
    const n = ma.length, m = mb.length;
    const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = ma[i] === mb[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
    let i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && ma[i] === mb[j]) { mid.push({ op: 'same', text: ma[i] }); i++; j++; }
      else if (i < n && (j === m || L[i + 1][j] >= L[i][j + 1])) mid.push({ op: 'removed', text: ma[i++] });
      else mid.push({ op: 'added', text: mb[j++] });
    }
  } else {
    for (const t of ma) mid.push({ op: 'removed', text: t });
    for (const t of mb) mid.push({ op: 'added', text: t });
  }
  const all: BodyLine[] = [...a.slice(0, pre).map((text) => ({ op: 'same' as const, text })), ...mid, ...a.slice(a.length - suf).map((text) => ({ op: 'same' as const, text }))];
  // fold long unchanged runs
  const out: BodyLine[] = [];
  for (let k = 0; k < all.length;) {
    if (all[k].op !== 'same') { out.push(all[k++]); continue; }
    let e = k;
    while (e < all.length && all[e].op === 'same') e++;
    const run = e - k;
    if (run > 6) {
      const head = k === 0 ? 0 : 2, tail = e === all.length ? 0 : 2;
      out.push(...all.slice(k, k + head));
      out.push({ op: 'same', text: `… ${run - head - tail} unchanged line(s)` });
      out.push(...all.slice(e - tail, e));
    } else out.push(...all.slice(k, e));
    k = e;
  }
  return out.length > MAX_DIFF_LINES ? [...out.slice(0, MAX_DIFF_LINES), { op: 'same', text: `… ${out.length - MAX_DIFF_LINES} more line(s) of the diff not shown` }] : out;
}

export function diffBodies(a: Uint8Array, b: Uint8Array): BodyDiff {
  let first: number | null = null;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) { first = i; break; }
  if (first === null && a.length !== b.length) first = n;
  const same = first === null;
  const text = isText(a) && isText(b);
  const out: BodyDiff = { same, kind: text ? 'text' : 'binary', lengthA: a.length, lengthB: b.length, firstDifference: first };
  if (same) return out;
  if (text) {
    const dec = (x: Uint8Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('utf8').split('\n');
    out.lines = lineDiff(dec(a), dec(b));
  } else {
    const from = Math.max(0, (first! & ~15) - 16);
    const dump = (x: Uint8Array) => (from < x.length ? hexDump(x.subarray(from, from + 64)).replace(/^([0-9a-f]{8})/gm, (h) => (parseInt(h, 16) + from).toString(16).padStart(8, '0')) : '(ends before this offset)');
    out.hexA = dump(a);
    out.hexB = dump(b);
  }
  return out;
}

/** The diff of two sides. */
export function diffSides(a: DiffSide, b: DiffSide): FrameDiff {
  const kindsDiffer = a.kind !== b.kind;
  const rows = [
    ...(a.header.length && b.header.length ? rowsOf('header', a.header, b.header, kindsDiffer) : []),
    ...rowsOf('field', a.fields, b.fields, kindsDiffer),
    ...rowsOf('property', a.properties, b.properties, kindsDiffer),
  ];
  const body = diffBodies(a.body, b.body);
  return {
    a: { title: a.title, kind: a.kind, notes: a.notes }, b: { title: b.title, kind: b.kind, notes: b.notes },
    rows, body, differences: rows.filter((r) => !r.same && !r.oneSided).length + (body.same ? 0 : 1),
  };
}

/** The diff as text: a column per side, differing rows marked (the CLI's `diff`). */
export function formatDiff(d: FrameDiff, opts: { all?: boolean } = {}): string[] {
  const L: string[] = [];
  L.push(`A: ${d.a.title}`);
  L.push(`B: ${d.b.title}`);
  for (const n of d.a.notes) L.push(`   A: ${n}`);
  for (const n of d.b.notes) L.push(`   B: ${n}`);
  L.push(d.differences ? `${d.differences} difference(s)${opts.all ? '' : ' (equal rows hidden; --all shows them)'}` : 'No difference.');
  const shown = d.rows.filter((r) => opts.all || (!r.same && !r.oneSided));
  const oneSided = d.rows.filter((r) => r.oneSided);
  const w = Math.min(40, Math.max(8, ...shown.map((r) => r.name.length + 2)));
  let section = '';
  for (const r of shown) {
    if (r.section !== section) { section = r.section; L.push(''); L.push(section === 'header' ? 'Header' : section === 'field' ? 'Fields' : 'Properties'); }
    const v = (x: string | null) => (x === null ? '(absent)' : JSON.stringify(x.length > 120 ? `${x.slice(0, 120)}…` : x));
    L.push(`${r.same ? ' ' : r.oneSided ? '·' : '≠'} ${r.name.padEnd(w)} A ${v(r.a)}${r.noteA ? `  (${r.noteA})` : ''}`);
    if (!r.same) L.push(`  ${''.padEnd(w)} B ${v(r.b)}${r.noteB ? `  (${r.noteB})` : ''}`);
  }
  if (!opts.all && oneSided.length) {
    L.push('');
    L.push(`Only in one kind (not counted): ${oneSided.map((r) => `${r.name} (${r.a === null ? 'B' : 'A'})`).join(', ')}`);
  }
  L.push('');
  const b = d.body;
  if (b.same) L.push(`Body: the same (${b.lengthA} bytes)`);
  else if (b.kind === 'text') {
    L.push(`Body (text): A ${b.lengthA} bytes, B ${b.lengthB} bytes; first difference at byte ${b.firstDifference}`);
    for (const l of b.lines ?? []) L.push(`${l.op === 'added' ? '+' : l.op === 'removed' ? '-' : ' '} ${l.text}`);
  } else {
    L.push(`Body (binary): A ${b.lengthA} bytes, B ${b.lengthB} bytes; first differing byte at offset ${b.firstDifference} (0x${b.firstDifference!.toString(16)})`);
    L.push('A:', ...(b.hexA ?? '').split('\n'), 'B:', ...(b.hexB ?? '').split('\n'));
  }
  return L;
}
