/**
 * Details of the selected frame: header, extFields (real names for short keys), properties, body,
 * decoded sections, and the raw bytes as hex with the field under the cursor highlighted (both ways:
 * hovering a field lights its bytes; hovering a byte names its field).
 *
 * All capture text goes in through textContent. Nothing from a capture is ever parsed as HTML.
 */
import type { ByteRange, CopyFormat, FrameDetails, FrameDiff, KeyValue, SignatureCheckView } from '../../../src/shared/inspector-protocol';
import { button, el } from './controls';
import { formatLatency } from './list';

const HEX_RENDER_BYTES = 8 * 1024;

export interface DetailsCallbacks {
  jumpToPair(frame: number): void;
  filterConnection(conn: number): void;
  copy(frame: number, format: CopyFormat): void;
  /** Remembers this frame as the left side of a diff. */
  markForDiff(frame: number): void;
  /** Compares the marked frame with this one (or with the `message`-th stored message it carries). */
  diffWithMarked(frame: number, message?: number): void;
  /** The frame marked for a diff, if any. */
  marked(): number | null;
  /** The ACL signature check of this signed request (`askSecret`: with another SecretKey than the saved one). */
  checkSignature(frame: number, askSecret: boolean): void;
}

export class DetailsPane {
  readonly root: HTMLElement;
  private hexBytes: HTMLElement[] = [];
  private ranges: ByteRange[] = [];
  private fieldLabel: HTMLElement;
  /** The signature check's section of the shown frame (null: not a signed request), and the last result, kept across a re-render of the same frame. */
  private sigSection: HTMLElement | null = null;
  private sigFrame = -1;
  private sigResult: SignatureCheckView | string | null = null;
  private shownFrame = -1;

  constructor(private readonly cb: DetailsCallbacks) {
    this.root = el('div', 'details');
    this.root.id = 'details';
    this.fieldLabel = el('div', 'hex-field');
    this.showEmpty('Select a frame to see its fields.');
  }

  showEmpty(text: string): void {
    this.shownFrame = -1;
    this.root.replaceChildren(el('div', 'empty', text));
  }

  showError(text: string): void {
    this.shownFrame = -1;
    this.root.replaceChildren(el('div', 'error', text));
  }

  show(d: FrameDetails): void {
    const r = d.row;
    const parts: HTMLElement[] = [];
    const head = el('div', 'details-head');
    const title = el('h2', 'details-title', `Frame ${d.frame}: ${r.response ? 'response' : 'request'} ${d.header ? `${d.header.code} ${d.header.codeName}` : r.codeName}`);
    head.appendChild(title);
    const actions = el('div', 'details-actions');
    if (r.pair !== null) actions.appendChild(button(r.response ? 'Go to request' : 'Go to response', () => this.cb.jumpToPair(r.pair!), { id: 'jump-pair', secondary: true }));
    actions.appendChild(button('Frames of this connection', () => this.cb.filterConnection(r.conn), { id: 'filter-conn', secondary: true }));
    actions.appendChild(button('Copy JSON', () => this.cb.copy(d.frame, 'json'), { id: 'copy-json', secondary: true, title: 'Signature, AccessKey and SecurityToken are redacted' }));
    actions.appendChild(button('Copy hex', () => this.cb.copy(d.frame, 'hex'), { id: 'copy-hex', secondary: true }));
    const copyAs = el('select', 'copy-as');
    copyAs.id = 'copy-as';
    copyAs.title = 'Copy the frame as an mqadmin command, a test fixture (credentials masked) or a Java snippet';
    for (const [v, label] of [['', 'Copy as…'], ['mqadmin', 'mqadmin command'], ['fixture', 'Test fixture (JSON)'], ['java', 'Java snippet']] as const) {
      const o = el('option', undefined, label);
      o.value = v;
      copyAs.appendChild(o);
    }
    copyAs.addEventListener('change', () => {
      const v = copyAs.value;
      copyAs.value = '';
      if (v) this.cb.copy(d.frame, v as CopyFormat);
    });
    actions.appendChild(copyAs);
    const marked = this.cb.marked();
    actions.appendChild(button(marked === d.frame ? 'Marked for diff' : 'Mark for diff', () => this.cb.markForDiff(d.frame), { id: 'mark-diff', secondary: true, title: 'Remember this frame, then compare another one with it' }));
    if (marked !== null && marked !== d.frame) {
      actions.appendChild(button(`Diff with #${marked}`, () => this.cb.diffWithMarked(d.frame), { id: 'diff-marked', secondary: true, title: `Compare frame ${marked} (left) with this frame (right), field by field` }));
      // a frame that carries stored messages (a pull or view answer, a check-back): one of them instead
      const stored = d.sections.find((x) => /^(Messages|Pulled messages|Stored messages|Half message)/i.test(x.title));
      if (stored) {
        const pick = el('select', 'diff-message');
        pick.id = 'diff-message';
        pick.title = 'Compare the marked frame with one of the stored messages this frame carries';
        pick.appendChild(el('option', undefined, 'or a stored message…'));
        const n = Math.max(1, Number(/\((\d+)\)/.exec(stored.title)?.[1] ?? 1));
        for (let k = 0; k < Math.min(n, 200); k++) { const o = el('option', undefined, `message ${k}`); o.value = String(k); pick.appendChild(o); }
        pick.addEventListener('change', () => { if (pick.value !== '') this.cb.diffWithMarked(d.frame, Number(pick.value)); });
        actions.appendChild(pick);
      }
    }
    const signed = !r.response && d.extFields.some((f) => f.key === 'Signature') && d.extFields.some((f) => f.key === 'AccessKey');
    if (signed) actions.appendChild(button('Check signature', () => this.cb.checkSignature(d.frame, false), { id: 'check-signature', secondary: true, title: 'Recompute the ACL signature with the SecretKey of its AccessKey (kept in SecretStorage) and show which field makes them differ' }));
    head.appendChild(actions);
    parts.push(head);
    this.shownFrame = d.frame;
    if (this.sigFrame !== d.frame) { this.sigFrame = d.frame; this.sigResult = null; }
    this.sigSection = signed ? el('section', 'sec sec-signature') : null;
    if (this.sigSection) { this.sigSection.id = 'signature-check'; parts.push(this.sigSection); this.renderSignature(); }

    const summary: KeyValue[] = [
      { key: 'connection', name: 'Connection', value: `${r.connLabel} (${r.dir === 'c2s' ? 'client → server' : 'server → client'})` },
      { key: 'size', name: 'Size', value: `${r.size} bytes` },
    ];
    if (r.latencyUs !== null) summary.push({ key: 'latency', name: 'Latency', value: formatLatency(r.latencyUs) });
    if (r.warnings.length) summary.push({ key: 'warnings', name: 'Warnings', value: r.warnings.join(', ') });
    if (d.missingBytes) summary.push({ key: 'missing', name: 'Missing bytes', value: `${d.missingBytes} (shown as 00 in hex)` });
    parts.push(this.section('Frame', summary, 'sec-frame', true));

    if (d.decodeError) parts.push(el('div', 'error', `Not decodable: ${d.decodeError}`));
    if (d.header) {
      const h = d.header;
      parts.push(this.section('Header', [
        { key: 'code', name: 'code', value: `${h.code} ${h.codeName}` },
        { key: 'language', name: 'language', value: `${h.language} ${h.languageName}` },
        { key: 'version', name: 'version', value: `${h.version} ${h.versionName}` },
        { key: 'opaque', name: 'opaque', value: String(h.opaque) },
        { key: 'flag', name: 'flag', value: `${h.flag} (${h.flagBits.join(', ')})` },
        { key: 'remark', name: 'remark', value: h.remark ?? '(null)' },
        { key: 'serializeTypeCurrentRPC', name: 'serializeType', value: h.serializeType },
      ], 'sec-header', true));
    }
    if (d.extFields.length) parts.push(this.section('extFields', d.extFields, 'sec-ext', false, 'extFields.'));
    if (d.properties.length) parts.push(this.section('Properties', d.properties, 'sec-props'));
    if (d.body && d.body.kind !== 'empty') {
      const body = d.body;
      const b = el('section', 'sec sec-body');
      b.appendChild(el('h3', undefined, `Body (${body.length} bytes, ${body.compression ? `${body.kind} ${body.compression}` : body.kind})`));
      if (body.note) b.appendChild(el('div', 'note', body.note));
      if (body.text !== undefined) {
        const pre = el('pre', 'body-text', body.text);
        pre.id = 'body-text';
        b.appendChild(pre);
        if (body.textTruncated) b.appendChild(el('div', 'note', 'Text truncated; copy the frame for all of it.'));
      } else if (body.kind === 'batch' || body.kind === 'stored-messages') b.appendChild(el('div', 'note', 'Decoded in the sections below.'));
      else b.appendChild(el('div', 'note', 'Binary body: see the hex below.'));
      parts.push(b);
    }
    for (const s of d.sections) parts.push(this.section(s.title, s.rows, 'sec-decoded'));
    parts.push(this.hexView(d));
    this.root.replaceChildren(...parts);
    this.root.scrollTop = 0;
  }

  /** The signature check's answer for `frame` (a result, or a message: waiting, no SecretKey, failed); shown when that frame is. */
  showSignatureCheck(frame: number, v: SignatureCheckView | string): void {
    this.sigFrame = frame;
    this.sigResult = v;
    this.renderSignature();
  }

  private renderSignature(): void {
    const s = this.sigSection;
    if (!s || this.shownFrame !== this.sigFrame) return;
    const v = this.sigResult;
    s.replaceChildren(el('h3', undefined, 'ACL signature'));
    if (v === null) { s.appendChild(el('div', 'note', 'Signed request: "Check signature" recomputes it with the SecretKey of its AccessKey.')); return; }
    if (typeof v === 'string') { s.appendChild(el('div', 'note', v)); return; }
    const verdict = el('div', `sig-verdict ${v.match ? 'sig-match' : 'sig-mismatch'}`, v.match ? 'Match' : 'Mismatch');
    verdict.id = 'signature-verdict';
    const why = el('div', 'sig-explanation', v.explanation);
    why.id = 'signature-explanation';
    s.append(verdict, why);
    const t = el('table', 'kv');
    const row = (k: string, val: string, cls = 'value') => { const tr = el('tr'); tr.append(el('th', undefined, k), el('td', cls, val)); t.appendChild(tr); };
    row('AccessKey', `${v.accessKey}${v.securityToken ? ' (with a SecurityToken)' : ''}`);
    row('In the request', v.signature);
    row('Recomputed', v.expected);
    row('SecretKey', v.secretSource, 'note');
    s.appendChild(t);
    s.appendChild(el('div', 'note', 'Canonical string: the extField values sorted by key (Signature left out), then the body.'));
    const parts = el('table', 'kv sig-parts');
    parts.id = 'signature-parts';
    for (const p of v.parts) {
      const tr = el('tr', p.key === v.field ? 'sig-culprit' : undefined);
      tr.dataset.field = p.key;
      tr.append(el('th', undefined, p.name !== p.key ? `${p.name} (${p.key})` : p.key), el('td', 'value', p.value), el('td', 'note', p.key === v.field ? 'not signed' : ''));
      parts.appendChild(tr);
    }
    const body = el('tr', v.cause === 'body-not-signed' ? 'sig-culprit' : undefined);
    body.append(el('th', undefined, 'body'), el('td', 'value', `${v.bodyLength} bytes`), el('td', 'note', v.cause === 'body-not-signed' ? 'not signed' : ''));
    parts.appendChild(body);
    s.appendChild(parts);
    const canon = el('pre', 'sig-canonical', v.canonical);
    canon.id = 'signature-canonical';
    s.appendChild(canon);
    s.appendChild(button('Use another SecretKey…', () => this.cb.checkSignature(v.frame, true), { id: 'signature-other-secret', secondary: true, title: 'Enter a SecretKey for this AccessKey (replaces the saved one)' }));
  }

  /** A diff side by side: a row per field (differing rows marked), then the body (lines or hex). `back` returns to the frame. */
  showDiff(d: FrameDiff, back: () => void): void {
    const parts: HTMLElement[] = [];
    const head = el('div', 'details-head');
    head.appendChild(el('h2', 'details-title', d.differences ? `Diff: ${d.differences} difference(s)` : 'Diff: no difference'));
    const actions = el('div', 'details-actions');
    actions.appendChild(button('Back to the frame', back, { id: 'diff-back', secondary: true }));
    head.appendChild(actions);
    parts.push(head);
    const sides = el('table', 'kv diff-sides');
    for (const [label, side] of [['A', d.a], ['B', d.b]] as const) {
      const tr = el('tr');
      tr.append(el('th', undefined, label), el('td', 'value', side.title), el('td', 'note', side.notes.join('; ')));
      sides.appendChild(tr);
    }
    parts.push(sides);
    const t = el('table', 'kv diff');
    t.id = 'diff';
    const hr = el('tr');
    for (const h of ['', 'Field', 'A', 'B']) hr.appendChild(el('th', undefined, h));
    t.appendChild(hr);
    let section = '';
    for (const r of d.rows) {
      if (r.section !== section) {
        section = r.section;
        const sr = el('tr', 'diff-section');
        const td = el('td', undefined, section === 'header' ? 'Header' : section === 'field' ? 'Fields' : 'Properties');
        td.colSpan = 4;
        sr.appendChild(td);
        t.appendChild(sr);
      }
      const tr = el('tr', r.same ? 'diff-same' : r.oneSided ? 'diff-one-sided' : 'diff-changed');
      tr.dataset.field = r.name;
      const cell = (v: string | null, note?: string) => { const td = el('td', v === null ? 'value absent' : 'value', v ?? '(absent)'); if (note) td.title = note; return td; };
      tr.append(el('td', 'diff-mark', r.same ? '' : r.oneSided ? '·' : '≠'), el('th', undefined, r.name), cell(r.a, r.noteA), cell(r.b, r.noteB));
      t.appendChild(tr);
    }
    parts.push(t);
    const b = d.body;
    const bs = el('section', 'sec diff-body');
    bs.id = 'diff-body';
    bs.appendChild(el('h3', undefined, b.same ? `Body: the same (${b.lengthA} bytes)` : `Body (${b.kind}): A ${b.lengthA} bytes, B ${b.lengthB} bytes; first difference at byte ${b.firstDifference}`));
    if (!b.same && b.kind === 'text') {
      const pre = el('pre', 'diff-lines');
      for (const l of b.lines ?? []) pre.appendChild(el('div', `diff-line ${l.op}`, `${l.op === 'added' ? '+' : l.op === 'removed' ? '-' : ' '} ${l.text}`));
      bs.appendChild(pre);
    } else if (!b.same) {
      bs.append(el('div', 'note', 'A'), el('pre', 'hex-dump', b.hexA ?? ''), el('div', 'note', 'B'), el('pre', 'hex-dump', b.hexB ?? ''));
    }
    parts.push(bs);
    this.root.replaceChildren(...parts);
    this.root.scrollTop = 0;
  }

  private section(title: string, rows: KeyValue[], cls: string, header = false, rangePrefix = ''): HTMLElement {
    const s = el('section', `sec ${cls}`);
    s.appendChild(el('h3', undefined, title));
    const t = el('table', 'kv');
    for (const kv of rows) {
      const tr = el('tr');
      const showKey = kv.name !== kv.key ? `${kv.name} (${kv.key})` : kv.key;
      tr.append(el('th', undefined, header ? kv.name : showKey), el('td', 'value', kv.value));
      tr.appendChild(el('td', 'note', kv.note ?? ''));
      const range = kv.range ?? (header ? this.rangeFor(kv.key) : rangePrefix ? this.rangeFor(rangePrefix + kv.key) : undefined);
      if (range) {
        tr.classList.add('has-range');
        tr.addEventListener('mouseenter', () => this.highlight(range[0], range[1], kv.name));
        tr.addEventListener('mouseleave', () => this.highlight(-1, -1, ''));
      }
      t.appendChild(tr);
    }
    s.appendChild(t);
    return s;
  }

  private rangeFor(label: string): [number, number] | undefined {
    const r = this.ranges.find((x) => x.label === label);
    return r ? [r.start, r.end] : undefined;
  }

  private hexView(d: FrameDetails): HTMLElement {
    this.ranges = d.ranges;
    const s = el('section', 'sec sec-hex');
    const total = d.hexTotalBytes;
    const shown = Math.min(total, HEX_RENDER_BYTES, d.hex.length / 2);
    s.appendChild(el('h3', undefined, `Bytes (${total}${shown < total ? `, first ${shown} shown` : ''})`));
    this.fieldLabel = el('div', 'hex-field', 'Hover a byte or a field.');
    s.appendChild(this.fieldLabel);
    const grid = el('div', 'hex');
    grid.id = 'hex';
    this.hexBytes = [];
    for (let o = 0; o < shown; o += 16) {
      const line = el('div', 'hex-line');
      line.appendChild(el('span', 'hex-off', o.toString(16).padStart(6, '0')));
      const ascii = el('span', 'hex-ascii');
      for (let k = o; k < Math.min(shown, o + 16); k++) {
        const byte = d.hex.slice(k * 2, k * 2 + 2);
        const b = el('span', 'hex-byte', byte);
        b.dataset.off = String(k);
        this.hexBytes.push(b);
        line.appendChild(b);
        const v = parseInt(byte, 16);
        ascii.textContent += v >= 0x20 && v < 0x7f ? String.fromCharCode(v) : '.';
      }
      line.appendChild(ascii);
      grid.appendChild(line);
    }
    grid.addEventListener('mouseover', (e) => {
      const t = e.target as HTMLElement;
      if (!t.dataset.off) return;
      const off = Number(t.dataset.off);
      let best: ByteRange | null = null;
      for (const r of this.ranges) if (off >= r.start && off < r.end && (!best || r.end - r.start < best.end - best.start)) best = r;
      if (best) this.highlight(best.start, best.end, best.label);
    });
    grid.addEventListener('mouseleave', () => this.highlight(-1, -1, ''));
    s.appendChild(grid);
    return s;
  }

  highlight(start: number, end: number, label: string): void {
    for (const b of this.root.querySelectorAll('.hex-byte.hl')) b.classList.remove('hl');
    if (start < 0) { this.fieldLabel.textContent = 'Hover a byte or a field.'; return; }
    for (let k = start; k < Math.min(end, this.hexBytes.length); k++) this.hexBytes[k].classList.add('hl');
    this.fieldLabel.textContent = `${label}: bytes ${start}–${end - 1} (${end - start} bytes)`;
  }
}
