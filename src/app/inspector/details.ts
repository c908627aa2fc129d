/**
 * The inspector's details pane for one frame: the core's FrameDescription (src/core/frame), plus the
 * frame's bytes as hex, with the nested decoded sections flattened into the titled tables the pane
 * shows. All decoding is the core's; this module only adapts it. Plain Node: no vscode import.
 */
import { CaptureIndex } from '../../core/capture/capture-index';
import { FrameWarn } from '../../core/capture/types';
import { decodeAndDescribeFrame, describeFrameOf, SECRET_FIELDS, ViewSection } from '../../core/frame';
import { describeCommand } from '../../core/remoting';
import { DecodedSection, FrameDetails, FrameRow, KeyValue, MAX_HEX_BYTES, MAX_TEXT_CHARS } from '../../shared/inspector-protocol';

function hex(b: Uint8Array, max = MAX_HEX_BYTES): string {
  return Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, max)).toString('hex');
}

export interface DetailsInput {
  index: CaptureIndex;
  frame: number;
  row: FrameRow;
  bytes: Uint8Array;
  missing: number;
  /** [start, end) ranges of `bytes` that were never captured, when known. */
  holes?: readonly (readonly [number, number])[];
  /** Code of the request this response answers, when paired. */
  requestCode?: number;
}

export function buildDetails(inp: DetailsInput): FrameDetails {
  const d = describeFrameOf(inp.row.protocol, inp.bytes, { requestCode: inp.requestCode, missingBytes: inp.missing, holes: inp.holes });
  const sections = flattenSections(d.sections);
  if (d.notes.length) sections.push({ title: 'Notes', rows: d.notes.map((n) => ({ key: 'note', name: 'note', value: n })) });
  return {
    frame: inp.frame, row: inp.row, header: d.header, decodeError: d.decodeError, extFields: d.extFields, properties: d.properties,
    body: d.body, sections, hex: hex(inp.bytes), hexTotalBytes: inp.bytes.length, missingBytes: inp.missing, ranges: d.ranges,
  };
}

const MAX_SECTION_ROWS = 2000;

function capText(t: string): string { return t.length > MAX_TEXT_CHARS ? `${t.slice(0, MAX_TEXT_CHARS)}…` : t; }

/** The core's nested view sections → flat titled tables ("Topic route › Brokers"), bounded in size. */
export function flattenSections(secs: ViewSection[], prefix = '', out: DecodedSection[] = []): DecodedSection[] {
  for (const sec of secs) {
    if (out.length >= 200) break;
    const title = prefix ? `${prefix} › ${sec.title}` : sec.title;
    const rows: KeyValue[] = [...(sec.rows ?? [])];
    if (sec.table) {
      const cols = sec.table.columns;
      for (const tr of sec.table.rows.slice(0, MAX_SECTION_ROWS)) {
        rows.push({ key: tr[0] ?? '', name: tr[0] ?? '', value: tr.slice(1).map((v, k) => (cols.length > 2 ? `${cols[k + 1]}: ${v}` : v)).join('   ') });
      }
      if (sec.table.rows.length > MAX_SECTION_ROWS) rows.push({ key: '…', name: '…', value: `${sec.table.rows.length - MAX_SECTION_ROWS} more rows` });
    }
    if (sec.text !== undefined) rows.push({ key: 'text', name: 'text', value: capText(sec.text) });
    if (rows.length) out.push({ title, rows });
    if (sec.children) flattenSections(sec.children, title, out);
  }
  return out;
}

/**
 * A RemotingCommand frame as JSON for the clipboard: every field, extFields also by real name; credentials redacted.
 * A frame with bytes missing from the capture is copied as its header, with the missing count and no
 * body (the zero-filled bytes are not data).
 */
export function frameAsJson(bytes: Uint8Array, ctx: { requestCode?: number; missing?: number; holes?: readonly (readonly [number, number])[] } = {}): string {
  const { command, description } = decodeAndDescribeFrame(bytes, { requestCode: ctx.requestCode, missingBytes: ctx.missing, holes: ctx.holes });
  if (!command) return JSON.stringify({ decodeError: description.decodeError }, null, 2);
  const d = describeCommand(ctx.missing ? { ...command, body: null } : command, ctx.requestCode) as ReturnType<typeof describeCommand> & { extFieldsNamed?: Record<string, string>; missingBytes?: number };
  if (d.extFields) {
    for (const k of Object.keys(d.extFields)) if (SECRET_FIELDS.has(k)) d.extFields[k] = '<redacted>';
    const fields = description.extFields;
    if (fields.some((f) => f.name !== f.key)) d.extFieldsNamed = Object.fromEntries(fields.map((f) => [f.name, d.extFields![f.key]]));
  }
  if (ctx.missing) d.missingBytes = ctx.missing;
  return JSON.stringify(d, null, 2);
}

export function frameAsHex(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let o = 0; o < bytes.length; o += 16) {
    const chunk = bytes.subarray(o, Math.min(bytes.length, o + 16));
    lines.push(`${o.toString(16).padStart(8, '0')}  ${Buffer.from(chunk).toString('hex').replace(/(..)/g, '$1 ').trim()}`);
  }
  return lines.join('\n');
}

export function missingWarn(mask: number): boolean {
  return (mask & (FrameWarn.Gap | FrameWarn.Truncated | FrameWarn.Snaplen)) !== 0;
}
