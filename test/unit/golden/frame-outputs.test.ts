// Golden outputs: today's presentations of every frame of the committed sample captures
// (test/fixtures/captures) — the CLI's `capture --json --views`, the inspector's details and "Copy as JSON",
// the decode panel's decodeHexFrame and the core's frameDetails — recomputed and compared with the files
// in test/fixtures/golden/<capture>/<kind>.json. Any change of any output fails here, naming the capture,
// the output kind, the frame and the first differing member.
//
// An intended change: rewrite the files and review their diff (test/fixtures/golden/README.md):
//   npx tsc -p . && RMQ_UPDATE_GOLDEN=1 node --test out/test/unit/golden/
import { test, describe, before } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeZoo, ZOO_PATH } from '../../support/golden/make-zoo';
import {
  computeOutputs, firstDifference, GoldenCapture, goldenCaptures, GoldenFile, GoldenKind, GOLDEN_KINDS, goldenPath, goldenText,
} from '../../support/golden/outputs';

const UPDATE = process.env.RMQ_UPDATE_GOLDEN === '1';
const HOW = 'if the change is intended, run `npx tsc -p . && RMQ_UPDATE_GOLDEN=1 node --test out/test/unit/golden/` and review the diff of test/fixtures/golden';

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s;
}

/** A readable account of how `actual` differs from the committed file, or null when they are the same text. */
function describeDifference(cap: GoldenCapture, kind: GoldenKind, expectedText: string, actual: GoldenFile): string | null {
  const actualText = goldenText(actual);
  if (actualText === expectedText) return null;
  const where = `${cap.name}.pcapng › ${kind}`;
  let expected: GoldenFile;
  try { expected = JSON.parse(expectedText) as GoldenFile; } catch (e) { return `${where}: the golden file is not JSON (${(e as Error).message}); ${HOW}`; }
  const header = firstDifference({ ...expected, frames: null }, { ...actual, frames: null });
  if (header) return `${where}: file header differs at ${header.path}: expected ${show(header.expected)}, got ${show(header.actual)}; ${HOW}`;
  const ef = expected.frames, af = actual.frames;
  const byFrame = (list: GoldenFile['frames']) => new Map(list.map((e) => [e.frame, e]));
  const em = byFrame(ef), am = byFrame(af);
  const differing: number[] = [];
  let first = '';
  for (const n of [...new Set([...em.keys(), ...am.keys()])].sort((a, b) => a - b)) {
    const e = em.get(n), a = am.get(n);
    let msg = '';
    if (!e) msg = `frame ${n}: no golden entry, but there is an output now: ${show(a!.output)}`;
    else if (!a) msg = `frame ${n}: the golden file has an entry, but there is no output now (expected ${show(e.output)})`;
    else {
      const d = firstDifference(e.output, a.output);
      if (d) msg = `frame ${n}: differs at ${d.path}: expected ${show(d.expected)}, got ${show(d.actual)}`;
    }
    if (msg) { differing.push(n); if (!first) first = msg; }
  }
  if (!differing.length) {
    // same entries, different order or formatting
    const d = firstDifference(ef, af, '.frames');
    return `${where}: ${d ? `entries differ at ${d.path}` : 'the file text differs (formatting)'}; ${HOW}`;
  }
  const more = differing.length > 1 ? ` (${differing.length} frames differ: ${differing.slice(0, 20).join(', ')}${differing.length > 20 ? ', …' : ''})` : '';
  return `${where}: ${first}${more}; ${HOW}`;
}

test('zoo.pcapng is exactly what test/support/golden/make-zoo.ts builds (deterministic)', () => {
  const built = makeZoo().bytes;
  if (UPDATE && (!existsSync(ZOO_PATH) || !readFileSync(ZOO_PATH).equals(built))) {
    writeFileSync(ZOO_PATH, built);
    console.log(`[golden] rewrote ${ZOO_PATH}`);
  }
  const committed = readFileSync(ZOO_PATH);
  if (!committed.equals(built)) {
    let at = 0;
    while (at < Math.min(committed.length, built.length) && committed[at] === built[at]) at++;
    assert.fail(`zoo.pcapng: make-zoo builds ${built.length} bytes, the committed file has ${committed.length}; first difference at byte ${at}. `
      + 'Rebuild it with `npx tsc -p . && node out/test/support/golden/make-zoo.js` (then regenerate the golden files) if the zoo was changed on purpose.');
  }
});

for (const cap of goldenCaptures()) {
  describe(`golden outputs of ${cap.name}.pcapng`, () => {
    let outputs: Record<GoldenKind, GoldenFile>;
    // (the zoo test above runs first: with RMQ_UPDATE_GOLDEN=1 it has rewritten zoo.pcapng before this reads it)
    before(async () => { outputs = await computeOutputs(cap); });

    for (const kind of GOLDEN_KINDS) {
      test(kind, () => {
        const file = goldenPath(cap.name, kind);
        const actual = outputs[kind];
        assert.ok(actual.frames.length > 0, `${cap.name} › ${kind}: no output at all`);
        if (UPDATE) {
          const text = goldenText(actual);
          if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
            mkdirSync(dirname(file), { recursive: true });
            writeFileSync(file, text);
            console.log(`[golden] rewrote ${file}`);
          }
          return;
        }
        assert.ok(existsSync(file), `${cap.name}.pcapng › ${kind}: no golden file ${file}; ${HOW}`);
        const diff = describeDifference(cap, kind, readFileSync(file, 'utf8'), actual);
        if (diff) assert.fail(diff);
      });
    }
  });
}
