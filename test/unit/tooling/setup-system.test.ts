// The fresh-machine contract: every external program that a test, a test harness or a benchmark
// spawns is installed by scripts/setup-system.sh (which npm test runs before the first phase), so a
// new machine passes on the first run instead of failing with `spawn tshark ENOENT`.
import test from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..', '..', '..');

/** Commands of the script's TOOLS table (`setup-system.sh --list`). */
function listedCommands(): Set<string> {
  const r = spawnSync('bash', [join(root, 'scripts', 'setup-system.sh'), '--list'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return new Set(r.stdout.split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/)[0]));
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) { if (name !== 'fixtures') out.push(...sources(p)); } else if (/\.(ts|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

/** Programs given by name to spawn/spawnSync/execFile/run helpers, as `cmd: '…'`, or as the JAVA constant. */
function spawnedCommands(): Map<string, string> {
  const found = new Map<string, string>();
  const patterns = [
    /\b(?:spawn|spawnSync|execFile|execFileSync|runCapture)\(\s*'([^']+)'/g,
    /\bcmd: '([^']+)'/g,
    /\bJAVA = '([^']+)'/g,
  ];
  // The harnesses' own `run(cmd, …)` helpers (in tests, `run('…')` is a CLI subcommand instead).
  const harnessRun = /\brun\(\s*'([^']+)'/g;
  for (const dir of ['test', 'bench', 'scripts']) {
    for (const file of sources(join(root, dir))) {
      const rel = file.slice(root.length + 1);
      if (rel.startsWith('test/unit/tooling/')) continue; // this file names commands in its patterns
      const text = readFileSync(file, 'utf8');
      const res = rel.startsWith('test/support/') || rel.startsWith('bench/') || rel.startsWith('scripts/') ? [...patterns, harnessRun] : patterns;
      for (const re of res) for (const m of text.matchAll(re)) if (!found.has(m[1])) found.set(m[1], rel);
    }
  }
  // Shells and Node's own npm are part of the base system this project starts from.
  for (const base of ['sh', 'bash', 'npm', 'node']) found.delete(base);
  return found;
}

test('every program a test, harness or benchmark spawns is installed by scripts/setup-system.sh', () => {
  const listed = listedCommands();
  const spawned = spawnedCommands();
  // The scan must see the tools we know are spawned, or it proves nothing.
  for (const known of ['tshark', 'tcpdump', 'dumpcap', 'java', 'javac', 'mvn', 'tar', '/usr/bin/time']) assert.ok(spawned.has(known), `scan did not find ${known}`);
  const missing = [...spawned].filter(([cmd]) => !listed.has(cmd)).map(([cmd, file]) => `${cmd} (${file})`);
  assert.deepEqual(missing, [], 'add these to TOOLS in scripts/setup-system.sh');
});

test('after setup-system.sh every listed program is on PATH', () => {
  const absent = [...listedCommands()].filter((c) => spawnSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' }).status !== 0);
  assert.deepEqual(absent, [], 'npm test runs scripts/setup-system.sh before the unit phase; these are still missing');
});

test('setup-system.sh is quick when everything is present (a few checks, no apt)', () => {
  const r = spawnSync('bash', ['-x', join(root, 'scripts', 'setup-system.sh')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /apt-get/, 'apt-get ran although nothing was missing');
});

test('the build type-checks the webview (webpack only transpiles it), and prepare does not hide errors', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.match(pkg.scripts.typecheck, /tsc -p webview\/tsconfig\.json --noEmit/);
  assert.match(pkg.scripts.build, /npm run typecheck/);
  assert.match(pkg.scripts.compile, /npm run typecheck/);
  assert.doesNotMatch(pkg.scripts.prepare, /\|\||echo/, 'prepare must fail on a type error');
  assert.match(readFileSync(join(root, 'scripts', 'test.mjs'), 'utf8'), /'webview\/tsconfig\.json', '--noEmit'/);
  // The webview config really reports a type error in a file of its own kind (DOM, strict).
  const dir = mkdtempSync(join(tmpdir(), 'rmq-webview-tsc-'));
  try {
    writeFileSync(join(dir, 'bad.ts'), 'const n: number = document.title;\nexport { n };\n');
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: join(root, 'webview', 'tsconfig.json'), include: [join(dir, 'bad.ts')] }));
    const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json'), '--noEmit'], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /TS2322/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
