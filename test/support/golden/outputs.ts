/**
 * Today's presentations of every frame of a capture, computed the way each consumer computes them, for
 * the golden files under test/fixtures/golden/<capture>/ (see the README there):
 *
 * - `cli-capture-json-views`: `rocketmq-debugger capture FILE --json --views`, one object per NDJSON line
 *   (the CLI's `main`, run in-process);
 * - `inspector-details`: what the inspector's webview receives for `getDetails` of each frame
 *   (InspectorSession over `fileSource`, i.e. `buildDetails`);
 * - `inspector-frame-json`: what "Copy as JSON" puts on the clipboard (`frameAsJson` through the session),
 *   or the notice when it fails;
 * - `decode-panel`: `decodeHexFrame` of the frame's bytes as hex, for every complete frame (the "Decode
 *   Frame from Hex" panel);
 * - `core-frame-details`: the core's `frameDetails(ix, i)`, with byte arrays summarised (length, sha256
 *   and the first 64 bytes as hex) since they are the capture's bytes, not a presentation.
 *
 * Values go through JSON (undefined members dropped, bigint as "123n"), so a golden file is exactly
 * `JSON.stringify(file, null, 2)`. Nothing here depends on the file's location or the clock.
 */
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { main } from '../../../src/cli/main';
import { indexCaptureFile, frameDetails } from '../../../src/core/capture';
import { readFrameBytes } from '../../../src/core/capture/frame-reader';
import { fileSource, InspectorSession } from '../../../src/app/inspector/session';
import { ask, emit, RecordingHost } from '../inspector/session-host';
import { decodeHexFrame } from '../../../src/app/decode/frame-view';
import { repoRootFrom } from './make-zoo';

export const GOLDEN_KINDS = ['cli-capture-json-views', 'inspector-details', 'inspector-frame-json', 'decode-panel', 'core-frame-details'] as const;
export type GoldenKind = typeof GOLDEN_KINDS[number];

const DESCRIPTIONS: Record<GoldenKind, string> = {
  'cli-capture-json-views': 'rocketmq-debugger capture FILE --json --views: one entry per NDJSON line (src/cli/commands/capture.ts frameJson + buildFrameView)',
  'inspector-details': 'inspector getDetails for every frame (InspectorSession over fileSource → buildDetails in src/app/inspector/details.ts)',
  'inspector-frame-json': 'inspector "Copy as JSON" for every frame (session copy → frameAsJson): the clipboard text parsed, or the notice when it failed',
  'decode-panel': 'decodeHexFrame(hex of the frame bytes) for every complete frame (src/app/decode/frame-view.ts); frames with missing bytes are skipped',
  'core-frame-details': 'core frameDetails(ix, i) (src/core/capture/decode.ts) for every frame; byte arrays summarised as {length, sha256, head}',
};

export interface GoldenCapture { name: string; file: string }

export const REPO_ROOT = repoRootFrom(__dirname);
export const CAPTURES_DIR = join(REPO_ROOT, 'test', 'fixtures', 'captures');
export const GOLDEN_DIR = join(REPO_ROOT, 'test', 'fixtures', 'golden');

/** The captures with golden files, by name (the folder under test/fixtures/golden). */
export function goldenCaptures(): GoldenCapture[] {
  return ['zoo', 'java-5.3.3', 'java-4.9.7'].map((name) => ({ name, file: join(CAPTURES_DIR, `${name}.pcapng`) }));
}

export interface GoldenEntry { frame: number; output: unknown }
export interface GoldenFile { capture: string; kind: GoldenKind; description: string; frames: GoldenEntry[] }

export function goldenPath(capture: string, kind: GoldenKind): string {
  return join(GOLDEN_DIR, capture, `${kind}.json`);
}

/** The text a golden file holds. */
export function goldenText(f: GoldenFile): string {
  return `${JSON.stringify(f, null, 2)}\n`;
}

function bytesSummary(b: Uint8Array): { length: number; sha256: string; head: string } {
  return { length: b.length, sha256: createHash('sha256').update(b).digest('hex'), head: Buffer.from(b.buffer, b.byteOffset, Math.min(64, b.length)).toString('hex') };
}

/** Through JSON: undefined members dropped, bigint as "<n>n", byte arrays summarised when `summariseBytes`. */
export function plain(v: unknown, summariseBytes = false): unknown {
  return JSON.parse(JSON.stringify(v, function (this: Record<string, unknown>, k: string, x: unknown) {
    const orig = this[k];
    if (orig instanceof Uint8Array) return summariseBytes ? bytesSummary(orig) : Buffer.from(orig).toString('hex');
    if (typeof x === 'bigint') return `${x}n`;
    return x;
  }) ?? 'null');
}

async function cliOutputs(file: string): Promise<GoldenEntry[]> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['capture', file, '--json', '--views'], { out: (l) => out.push(l), err: (l) => err.push(l), stdin: async () => '' });
  if (code !== 0) throw new Error(`capture --json --views exited ${code}: ${err.join('\n')}`);
  return out.map((line) => {
    const o = JSON.parse(line) as { frame: number };
    return { frame: o.frame, output: o };
  });
}

async function inspectorOutputs(file: string, title: string): Promise<{ details: GoldenEntry[]; json: GoldenEntry[] }> {
  const host = new RecordingHost();
  const s = new InspectorSession(fileSource(file, title), host);
  try {
    await emit(s, 'ready');
    await s.source.done;
    await new Promise((r) => setImmediate(r));
    const details: GoldenEntry[] = [];
    const json: GoldenEntry[] = [];
    for (let i = 0; i < s.source.index.length; i++) {
      const d = await ask(s, host, 'getDetails', { frame: i });
      details.push({ frame: i, output: plain(d.kind === 'reply' ? d.result : d.kind === 'error' ? { error: d.message, details: null } : d) });
      host.clipboard = null;
      const c = await ask(s, host, 'copy', { frame: i, format: 'json' });
      const notice = c.kind === 'reply' ? (c.result as { message: string }) : c.kind === 'error' ? { message: `copy failed: ${c.message}` } : undefined;
      if (host.clipboard !== null) {
        const parsed = JSON.parse(host.clipboard) as unknown;
        // Stored parsed (readable); exact only if it prints back to the same text, else the text itself.
        const exact = JSON.stringify(parsed, null, 2) === host.clipboard;
        json.push({ frame: i, output: exact ? { json: parsed, notice: notice?.message } : { text: host.clipboard, notice: notice?.message } });
      } else {
        json.push({ frame: i, output: { error: notice?.message ?? 'no clipboard text and no notice' } });
      }
    }
    return { details, json: plain(json) as GoldenEntry[] };
  } finally {
    s.dispose();
  }
}

/** Every output kind for every frame of one capture. */
export async function computeOutputs(cap: GoldenCapture): Promise<Record<GoldenKind, GoldenFile>> {
  const ix = await indexCaptureFile(cap.file);
  const core: GoldenEntry[] = [];
  const panel: GoldenEntry[] = [];
  for (let i = 0; i < ix.length; i++) {
    core.push({ frame: i, output: plain(await frameDetails(ix, i), true) });
    const fb = await readFrameBytes(ix, i);
    if (fb.missing === 0 && fb.bytes.length === fb.size) panel.push({ frame: i, output: plain(decodeHexFrame(fb.bytes.toString('hex'))) });
  }
  const cli = plain(await cliOutputs(cap.file)) as GoldenEntry[];
  const insp = await inspectorOutputs(cap.file, basename(cap.file));
  const files: Record<GoldenKind, GoldenEntry[]> = {
    'cli-capture-json-views': cli,
    'inspector-details': insp.details,
    'inspector-frame-json': insp.json,
    'decode-panel': panel,
    'core-frame-details': core,
  };
  const out = {} as Record<GoldenKind, GoldenFile>;
  for (const kind of GOLDEN_KINDS) out[kind] = { capture: `${cap.name}.pcapng`, kind, description: DESCRIPTIONS[kind], frames: files[kind] };
  return out;
}

/** Where two JSON values first differ (member order counts): a path and both values, or null when equal. */
export function firstDifference(expected: unknown, actual: unknown, path = ''): { path: string; expected: unknown; actual: unknown } | null {
  if (expected === actual) return null;
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let k = 0; k < Math.max(expected.length, actual.length); k++) {
      if (k >= expected.length) return { path: `${path}[${k}]`, expected: '(absent)', actual: actual[k] };
      if (k >= actual.length) return { path: `${path}[${k}]`, expected: expected[k], actual: '(absent)' };
      const d = firstDifference(expected[k], actual[k], `${path}[${k}]`);
      if (d) return d;
    }
    return null;
  }
  if (isObj(expected) && isObj(actual) && !Array.isArray(expected) && !Array.isArray(actual)) {
    const ek = Object.keys(expected), ak = Object.keys(actual);
    for (const k of ek) {
      if (!(k in actual)) return { path: `${path}.${k}`, expected: expected[k], actual: '(absent)' };
      const d = firstDifference(expected[k], actual[k], `${path}.${k}`);
      if (d) return d;
    }
    for (const k of ak) if (!(k in expected)) return { path: `${path}.${k}`, expected: '(absent)', actual: actual[k] };
    if (ek.join('\0') !== ak.join('\0')) return { path: `${path} (member order)`, expected: ek, actual: ak };
    return null;
  }
  return { path: path || '(root)', expected, actual };
}
