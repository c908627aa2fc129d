/**
 * The host-rendered first screen (src/app/inspector/preview-html.ts) with hostile strings in
 * every text that can come from a capture or a file name. The output is checked with a strict
 * tokenizer: it must consist only of our own tags and attributes with inert values, and every hostile
 * string must come back, once its entities are decoded, as exactly one cell's text.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeHtml } from '../../../src/app/html-escape';
import { previewHtml, PREVIEW_ROWS, PreviewData } from '../../../src/app/inspector/preview-html';
import { fileSource, InspectorSession } from '../../../src/app/inspector/session';
import { COLUMNS } from '../../../src/shared/inspector-text';
import type { FrameRow, ProgressInfo } from '../../../src/shared/inspector-protocol';
import { XSS_PAYLOADS, xssCapture } from '../../support/inspector/fixtures';

const HOSTILE = [
  ...Object.values(XSS_PAYLOADS),
  '</div></div></div><script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)' x='",
  '&lt;script&gt;alert(1)&lt;/script&gt;', // already escaped: must stay literal, not be decoded once more
  '&#60;img src=x onerror=alert(1)&#62;',
  '<!-- <style> </style> --> ]]> <![CDATA[',
  '</textarea></title></style><svg/onload=alert(1)>',
  'javascript:alert(1)',
  '\u2028\u2029 \u0000 {{constructor.constructor("alert(1)")()}} ${alert(1)}',
];

const ALLOWED_TAGS = new Set(['div', 'span']);
const ALLOWED_ATTRS = new Set(['id', 'class', 'role', 'data-frame', 'aria-busy', 'aria-label']);

interface Token { tag?: string; close?: boolean; attrs?: [string, string | null][]; text?: string }

/** Splits our markup into tags and text; throws on anything that is not a plain tag or text. */
function tokenize(html: string): Token[] {
  const out: Token[] = [];
  const tag = /<(\/?)([a-z]+)((?:\s+[a-z-]+(?:="[^"<>]*")?)*)\s*>/y;
  let k = 0;
  while (k < html.length) {
    if (html[k] === '<') {
      tag.lastIndex = k;
      const m = tag.exec(html);
      assert.ok(m, `markup that is not a plain tag at ${k}: ${JSON.stringify(html.slice(k, k + 60))}`);
      const attrs: [string, string | null][] = [];
      for (const a of m[3].matchAll(/([a-z-]+)(?:="([^"]*)")?/g)) attrs.push([a[1], a[2] ?? null]);
      out.push({ tag: m[2], close: m[1] === '/', attrs });
      k = tag.lastIndex;
    } else {
      const end = html.indexOf('<', k);
      const text = html.slice(k, end < 0 ? html.length : end);
      assert.ok(!text.includes('>'), `raw ">" in text: ${JSON.stringify(text)}`);
      out.push({ text });
      k = end < 0 ? html.length : end;
    }
  }
  return out;
}

/** The five references escapeHtml writes; any other "&" must not appear. */
function decode(s: string): string {
  assert.ok(!/&(?!amp;|lt;|gt;|quot;|#39;)/.test(s), `unexpected character reference in ${JSON.stringify(s)}`);
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" }[e]!));
}

/** Decoded text of every element with class `cls`, in document order (elements hold text only). */
function textsOf(tokens: Token[], cls: string): string[] {
  const out: string[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    const c = t.attrs?.find(([n]) => n === 'class')?.[1];
    if (!t.close && c && c.split(' ').includes(cls)) {
      const next = tokens[k + 1];
      out.push(next?.text !== undefined ? decode(next.text) : '');
    }
  }
  return out;
}

function checkStructure(html: string): Token[] {
  const tokens = tokenize(html);
  const stack: string[] = [];
  for (const t of tokens) {
    if (!t.tag) continue;
    assert.ok(ALLOWED_TAGS.has(t.tag), `tag <${t.tag}>`);
    for (const [name, value] of t.attrs!) {
      assert.ok(ALLOWED_ATTRS.has(name), `attribute ${name}`);
      if (name === 'class') assert.match(value ?? '', /^[a-z0-9 -]*$/, 'class names are ours');
      if (name === 'data-frame') assert.match(value ?? '', /^\d*$/, 'data-frame is a number');
      if (name === 'id') assert.equal(value, 'preview');
    }
    if (t.close) assert.equal(stack.pop(), t.tag, 'tags nest');
    else stack.push(t.tag);
  }
  assert.deepEqual(stack, [], 'every tag is closed');
  return tokens;
}

function row(frame: number, s: string): FrameRow {
  return {
    frame, protocol: 'remoting', timeUs: 1_700_000_000_000_000 + frame * 1000, conn: 0, connLabel: s, dir: frame % 2 ? 's2c' : 'c2s', code: 310, codeName: s,
    opaque: frame, flag: 0, response: frame % 2 === 1, oneway: false, topic: s, status: s, latencyUs: 1500, size: 100, warnings: [s, 'unanswered'], pair: null,
  };
}

function progress(p: Partial<ProgressInfo> = {}): ProgressInfo {
  return { frames: 1000, bytesRead: 50, totalBytes: 100, done: false, cancelled: false, error: null, viewTotal: 1000, firstUs: 1_700_000_000_000_000, ...p };
}

describe('inspector first screen (preview-html)', () => {
  test('escapeHtml escapes exactly the five markup characters and never decodes', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&amp;</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    assert.equal(escapeHtml('plain text / = ` {}'), 'plain text / = ` {}');
    for (const h of HOSTILE) assert.equal(decode(escapeHtml(h)), h);
  });

  test('hostile strings in every capture text and in the title stay text', () => {
    for (const h of HOSTILE) {
      const d: PreviewData = { title: `${h}.pcapng`, progress: progress({ error: h }), rows: [row(0, h), row(1, h)], sort: { column: 'index', descending: false }, filtered: false };
      const html = previewHtml(d);
      const tokens = checkStructure(html);
      assert.deepEqual(textsOf(tokens, 'title'), [`${h}.pcapng`]);
      assert.deepEqual(textsOf(tokens, 'status'), [`Indexing failed: ${h}`]);
      for (const col of ['topic', 'status', 'conn']) assert.deepEqual(textsOf(tokens, `col-${col}`).slice(1), [h, h], `column ${col}`); // [0] is the header
      assert.deepEqual(textsOf(tokens, 'col-code').slice(1), [h, `↳ ${h}`]);
      assert.deepEqual(textsOf(tokens, 'col-warnings').slice(1), [`${h}, unanswered`, `${h}, unanswered`]);
    }
  });

  test('same cell text as the live list; header, sort indicator, row cap', () => {
    const rows = Array.from({ length: PREVIEW_ROWS + 20 }, (_, k) => row(k, `t${k}`));
    const tokens = checkStructure(previewHtml({ title: 'x.pcapng', progress: progress(), rows, sort: { column: 'latency', descending: true }, filtered: false }));
    assert.equal(textsOf(tokens, 'col-index').length, PREVIEW_ROWS + 1);
    assert.deepEqual(textsOf(tokens, 'col-time').slice(1, 3), ['0.000000', '0.001000']);
    assert.equal(textsOf(tokens, 'col-latency')[0], 'Latency ▼');
    assert.equal(textsOf(tokens, 'col-index')[0], 'No.');
    const ctx = { relativeTime: true, originUs: progress().firstUs };
    for (const c of COLUMNS) assert.equal(textsOf(tokens, `col-${c.id}`)[4], c.text(rows[3], ctx), `column ${c.id}`);
    assert.deepEqual(textsOf(tokens, 'matches'), ['1,000 frames']);
    assert.deepEqual(textsOf(tokens, 'status'), ['Indexing… 50% 1,000 frames so far']);
  });

  test('the XSS capture through the real model renders its payloads as text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmq-preview-'));
    try {
      const file = join(dir, 'xss.pcapng');
      writeFileSync(file, xssCapture().bytes);
      const s = new InspectorSession(fileSource(file, 'xss.pcapng'), { post: () => undefined, copyToClipboard: async () => undefined, savePcapng: async () => undefined, log: () => undefined });
      await s.source.done;
      s.model.grow();
      const tokens = checkStructure(previewHtml({ title: 'xss.pcapng', progress: s.progress(), rows: s.model.rows(0, PREVIEW_ROWS), sort: s.model.currentSort, filtered: false }));
      assert.deepEqual(textsOf(tokens, 'col-topic').slice(1), [XSS_PAYLOADS.topic, XSS_PAYLOADS.topic]);
      s.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
