/**
 * describeFrame: a RemotingCommand frame → its one FrameDescription (see frame-description.ts).
 * From the frame's bytes (with byte ranges for the hex highlight, and the header alone when only the
 * body was lost from a capture), or from a command already decoded. Never throws: what cannot be
 * decoded becomes decodeError or a note.
 */
import {
  decodeFrame, frameLengthAt, RemotingCommand, describeCommand, isResponse, requestCodeName, responseCodeName, permToString,
  SEND_REQUEST_CODES, sendHeaderValue, CodecError, RequestCode, ResponseCode, REQUEST_HEADERS, RESPONSE_HEADERS, headerProblems,
} from '../remoting';
import { describeSysFlag } from '../message';
import type { ByteRange, FieldRow, FrameDescription, FrameHeader } from './frame-description';
import { plainBody, hexDump, MAX_BODY_TEXT } from './body';
import { bodyViewFor, propertyRows } from './body-views';
import { binaryFieldRanges, jsonFieldRanges } from './field-ranges';
import { messageIdNote, MessageIdKind } from './message-ids';

export interface FrameContext {
  /** For responses: the code of the request answered, when paired. */
  requestCode?: number;
  /** Bytes of the frame that were not captured (zero-filled in `bytes`). */
  missingBytes?: number;
  /** Where those bytes are: [start, end) ranges in the frame. Without them, any missing byte may be in the header. */
  holes?: readonly (readonly [number, number])[];
  /** Characters of body text kept (default MAX_BODY_TEXT; the CLI keeps all). */
  maxBodyText?: number;
}

/** extFields whose values are credentials: flagged, and redacted whenever a frame is copied. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(['Signature', 'AccessKey', 'SecurityToken']);

const TRANSACTION_TYPES: Readonly<Record<string, string>> = {
  '0': 'TRANSACTION_NOT_TYPE (unknown: the broker will check back)', '4': 'TRANSACTION_PREPARED_TYPE',
  '8': 'TRANSACTION_COMMIT_TYPE', '12': 'TRANSACTION_ROLLBACK_TYPE',
};
/** extFields holding message ids, and which kind (msgId: an offsetMsgId in send responses, a UNIQ_KEY in transaction requests). */
function idKind(name: string, resp: boolean, requestCode: number | undefined, code: number): MessageIdKind | undefined {
  if (name === 'offsetMsgId') return 'offset';
  if (name === 'transactionId' || name === 'uniqKey') return 'uniq';
  if (name !== 'msgId') return undefined;
  if (resp && requestCode !== undefined && SEND_REQUEST_CODES.has(requestCode)) return 'offset';
  if (!resp && (code === RequestCode.END_TRANSACTION || code === RequestCode.CHECK_TRANSACTION_STATE)) return 'uniq';
  return 'either';
}
/** FLUSH_DISK_TIMEOUT, SLAVE_NOT_AVAILABLE, FLUSH_SLAVE_TIMEOUT: the message is stored, the send header is filled in. */
const STORED_SEND_CODES: ReadonlySet<number> = new Set([ResponseCode.FLUSH_DISK_TIMEOUT, ResponseCode.SLAVE_NOT_AVAILABLE, ResponseCode.FLUSH_SLAVE_TIMEOUT]);
const TIME_FIELDS = new Set(['bornTimestamp', 'storeTimestamp', 'timestamp']);

function empty(title: string): FrameDescription {
  return { title, header: null, decodeError: null, extFields: [], properties: [], body: null, sections: [], notes: [], ranges: [], frameLength: 0, headerLength: 0, trailingBytes: 0 };
}

function titleOf(cmd: RemotingCommand, requestCode: number | undefined): string {
  return isResponse(cmd)
    ? `${responseCodeName(cmd.code, requestCode)} response${requestCode !== undefined ? ` to ${requestCodeName(requestCode)}` : ''} (opaque ${cmd.opaque})`
    : `${requestCodeName(cmd.code)} ${cmd.flag & 2 ? 'oneway request' : 'request'} (opaque ${cmd.opaque})`;
}

/** The description of a frame given as bytes (a capture's, pasted hex). */
export function describeFrame(bytes: Uint8Array, ctx: FrameContext = {}): FrameDescription {
  return decodeAndDescribeFrame(bytes, ctx).description;
}

/** The command decoded from the bytes (null when it could not be) and its description: one decode for both. */
export function decodeAndDescribeFrame(bytes: Uint8Array, ctx: FrameContext = {}): { command: RemotingCommand | null; description: FrameDescription } {
  const out = empty('undecodable frame');
  const done = (command: RemotingCommand | null) => ({ command, description: out });
  const ranges = out.ranges;
  if (bytes.length >= 4) ranges.push({ start: 0, end: 4, label: 'length' });
  if (bytes.length >= 8) ranges.push({ start: 4, end: 8, label: 'serializeType + headerLength' });
  let declared: number | null | undefined;
  try {
    declared = frameLengthAt(bytes, 0);
  } catch (e) {
    // a length word below 4 (or above the limit): the bytes are not a frame; say why instead of throwing
    out.decodeError = e instanceof Error ? e.message : String(e);
    out.frameLength = bytes.length;
    return done(null);
  }
  out.frameLength = declared ?? bytes.length;
  out.trailingBytes = declared !== undefined && declared !== null ? Math.max(0, bytes.length - declared) : 0;
  if (bytes.length < 8) {
    out.decodeError = `a frame needs at least 8 bytes (length and header length); got ${bytes.length}`;
    return done(null);
  }
  const hl = ((bytes[5] << 16) | (bytes[6] << 8) | bytes[7]) >>> 0;
  out.headerLength = hl;
  const headerEnd = 8 + hl;
  const missing = ctx.missingBytes ?? 0;
  const headerLost = missing > 0 && (ctx.holes ? ctx.holes.some(([s]) => s < headerEnd) : true);
  let cmd: RemotingCommand;
  try {
    if (headerLost) throw new Error(`${missing} byte(s) of this frame were not captured, some in the header: decoding would read zeros`);
    if (missing > 0) {
      // A capture lost only body bytes: decode the header alone, keep the bytes we have as the body
      // (not interpreted). Bytes that simply end early (pasted hex) are a truncated frame: an error.
      const head = Buffer.alloc(headerEnd);
      head.set(bytes.subarray(0, headerEnd));
      head.writeUInt32BE(headerEnd - 4, 0);
      cmd = { ...decodeFrame(head, { maxFrameLength: 0x7fffffff }), body: bytes.subarray(headerEnd, declared ? Math.min(bytes.length, declared) : bytes.length) };
    } else {
      cmd = decodeFrame(bytes.subarray(0, declared ?? bytes.length), { maxFrameLength: 0x7fffffff });
    }
  } catch (e) {
    out.decodeError = e instanceof CodecError && e.offset !== undefined ? `${e.message} (at byte ${e.offset})` : e instanceof Error ? e.message : String(e);
    if (bytes.length > 8) ranges.push({ start: 8, end: Math.min(bytes.length, headerEnd), label: 'header' });
    return done(null);
  }
  const fieldRanges = cmd.serializeType === 'JSON' ? jsonFieldRanges(bytes, 8, headerEnd) : binaryFieldRanges(bytes, 8, headerEnd);
  ranges.push({ start: 8, end: headerEnd, label: 'header' });
  for (const [k, r] of fieldRanges) ranges.push({ start: r[0], end: r[1], label: k });
  const frameEnd = Math.min(bytes.length, out.frameLength);
  if (frameEnd > headerEnd) ranges.push({ start: headerEnd, end: frameEnd, label: 'body' });
  fill(out, cmd, ctx, fieldRanges);
  return done(cmd);
}

/** The description of a command already decoded (no byte ranges). */
export function describeCommandFrame(cmd: RemotingCommand, ctx: FrameContext = {}): FrameDescription {
  const out = empty('');
  fill(out, cmd, ctx, new Map());
  return out;
}

function fill(out: FrameDescription, cmd: RemotingCommand, ctx: FrameContext, fieldRanges: Map<string, [number, number]>): void {
  const resp = isResponse(cmd);
  const requestCode = resp ? ctx.requestCode : undefined;
  out.title = titleOf(cmd, requestCode);
  const d = describeCommand({ ...cmd, body: null }, requestCode);
  const flagBits = [resp ? 'RESPONSE' : 'REQUEST'];
  if (d.flagBits.oneway) flagBits.push('ONEWAY');
  if (cmd.flag & ~3) flagBits.push(`OTHER(0x${(cmd.flag & ~3).toString(16)})`);
  const { extFields: _e, body: _b, flagBits: _f, ...header } = d;
  out.header = { ...header, flagBits } as FrameHeader;

  const ext = cmd.extFields ?? {};
  const send = !resp && SEND_REQUEST_CODES.has(cmd.code);
  // The typed header of this code (headers/*.ts): real names for wire keys, and what the frame breaks of it.
  const spec = resp ? (requestCode !== undefined ? RESPONSE_HEADERS.get(requestCode) : undefined) : REQUEST_HEADERS.get(cmd.code);
  const problems = new Map((spec ? headerProblems(spec, ext) : []).map((p) => [p.key, p.problem]));
  for (const key of Object.keys(ext)) {
    const value = ext[key];
    const name = spec?.fields.find((x) => x.key === key)?.name ?? key;
    const f: FieldRow = { key, name, value };
    const r = fieldRanges.get(`extFields.${key}`);
    if (r) f.range = r;
    const kind = idKind(name, resp, requestCode, cmd.code);
    const note = kind ? messageIdNote(value, kind) ?? undefined : fieldNote(name, value, send);
    const problem = problems.get(key);
    if (problem) f.note = note ? `${problem}; ${note}` : problem;
    else if (note) f.note = note;
    if (SECRET_FIELDS.has(key)) { f.secret = true; f.note = 'secret: redacted when copied'; }
    out.extFields.push(f);
  }
  // A failure answer carries no filled-in response header (Java sets it on success only): nothing is missing then.
  const headerExpected = !resp || cmd.code === ResponseCode.SUCCESS || STORED_SEND_CODES.has(cmd.code);
  if (headerExpected) for (const [key, problem] of problems) if (!(key in ext)) out.notes.push(`header field ${key}: ${problem}`);
  if (send) {
    const props = sendHeaderValue(cmd.code, ext, 'properties');
    if (props) out.properties = propertyRows(props);
  }

  const body = cmd.body ?? new Uint8Array(0);
  out.body = body.length ? null : { kind: 'empty', length: 0 };
  if (ctx.missingBytes) {
    out.notes.push(`frame incomplete in the capture: ${ctx.missingBytes} byte(s) not captured; body not interpreted`);
    out.body = { kind: 'truncated', length: body.length, hex: hexDump(body, 1024) };
    return;
  }
  const view = bodyViewFor(resp, cmd.code, requestCode);
  if (view) {
    try {
      view({ cmd, body, ext, requestCode, out, maxText: ctx.maxBodyText ?? MAX_BODY_TEXT });
    } catch (e) {
      out.notes.push(`decoding the body as ${resp ? `a ${requestCode !== undefined ? requestCodeName(requestCode) : ''} response` : requestCodeName(cmd.code)} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (!out.body) out.body = plainBody(body, ctx.maxBodyText ?? MAX_BODY_TEXT);
}

function fieldNote(name: string, value: string, send: boolean): string | undefined {
  if (name === 'sysFlag' && send) {
    const n = Number(value);
    return Number.isFinite(n) ? describeSysFlag(n).join(' | ') || 'none' : 'not a number';
  }
  if (TIME_FIELDS.has(name) && /^\d+$/.test(value)) {
    const t = new Date(Number(value));
    return Number.isFinite(t.getTime()) ? t.toISOString() : undefined;
  }
  if (name === 'commitOrRollback') return TRANSACTION_TYPES[value] ?? 'unknown value';
  if (name === 'perm' && /^\d+$/.test(value)) return permToString(Number(value));
  return undefined;
}
