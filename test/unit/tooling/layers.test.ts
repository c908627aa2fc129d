/**
 * The folder layout is the layering: core (protocol, capture, frame model; no VS Code) → app
 * (application logic that needs no VS Code) → extension (VS Code wiring only) → webview. This test
 * reads every import in src/ and webview/src/ and fails when a file reaches across a layer the
 * wrong way, or when logic without VS Code settles in src/extension again.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const repo = path.resolve(__dirname, '..', '..', '..', '..');

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

interface Import { spec: string; typeOnly: boolean; target: string | null }

/** Every import / export-from of a file, relative ones resolved to a repo-relative path. */
function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const spec = m[3] ?? m[4];
    const target = spec.startsWith('.') ? path.relative(repo, path.resolve(path.dirname(file), spec)) : null;
    out.push({ spec, typeOnly: !!m[2], target });
  }
  return out;
}

const rel = (f: string) => path.relative(repo, f);
const layerOf = (p: string) => /^src\/(core|app|extension|cli|shared)\b/.exec(p)?.[1] ?? (p.startsWith('webview/') ? 'webview' : 'other');

/** Which layers each layer may import (values); type-only imports of the core are allowed everywhere. */
const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  shared: ['shared'],
  app: ['core', 'app', 'shared'],
  cli: ['core', 'app', 'cli'],
  extension: ['core', 'app', 'shared', 'extension'],
  webview: ['shared', 'webview'],
};
/** Core modules the webview bundles as values: pure data with no Node import. */
const WEBVIEW_CORE_VALUES = ['src/core/capture/filter-help'];

describe('layers', () => {
  const files = [...tsFiles(path.join(repo, 'src')), ...tsFiles(path.join(repo, 'webview', 'src'))];

  it('finds the sources', () => {
    assert.ok(files.length > 100, `only ${files.length} files under src/ and webview/src/`);
    assert.ok(files.some((f) => rel(f).startsWith('src/app/')), 'src/app/ is missing');
  });

  it('no layer imports a layer above it', () => {
    const wrong: string[] = [];
    for (const f of files) {
      const from = layerOf(rel(f));
      for (const imp of importsOf(f)) {
        if (imp.spec === 'vscode') {
          if (from !== 'extension') wrong.push(`${rel(f)} imports vscode`);
          continue;
        }
        if (!imp.target) continue;
        const to = layerOf(imp.target);
        if (ALLOWED[from]?.includes(to)) continue;
        if (to === 'core' && (imp.typeOnly || (from === 'webview' && WEBVIEW_CORE_VALUES.includes(imp.target)))) continue;
        wrong.push(`${rel(f)} (${from}) imports ${imp.spec} (${to})`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('src/extension holds VS Code wiring only: every module imports vscode', () => {
    const plain = files
      .filter((f) => rel(f).startsWith('src/extension/'))
      .filter((f) => {
        const imps = importsOf(f);
        if (imps.some((i) => i.spec === 'vscode')) return false;
        // a folder's index that only re-exports its wiring is fine
        const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '').trim();
        return !code.split(/;\s*/).filter(Boolean).every((s) => /^export\s/.test(s.trim()));
      })
      .map(rel);
    assert.deepEqual(plain, [], 'logic without VS Code belongs in src/app/ (or src/core/)');
  });
});
