#!/usr/bin/env node
// Test orchestrator: `node scripts/test.mjs <phase…>` where phase is unit, cluster, extension, ui or all.
// Each phase reports {passed, failed}; the run ends with one plain line "N passed, N failed" so that a
// run which executed nothing is visible, and exits non-zero if anything failed or a phase crashed.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync, readFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const work = join(root, '.test-work');
mkdirSync(work, { recursive: true });

function run(cmd, args, opts = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal ? 128 : 1)));
    child.on('error', (err) => { console.error(`[test] cannot start ${cmd}: ${err.message}`); resolvePromise(127); });
  });
}

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

/** Runs node's own test runner on compiled test files, counting results from a TAP side-channel. */
async function nodeTests(label, dir, env = {}) {
  const files = findTests(join(root, 'out', 'test', dir));
  if (files.length === 0) {
    console.error(`[test] ${label}: no test files under out/test/${dir}`);
    return { passed: 0, failed: 1 };
  }
  const tap = join(work, `${label}.tap`);
  rmSync(tap, { force: true });
  const code = await run(process.execPath, [
    '--enable-source-maps', '--test', '--test-concurrency=1',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...files,
  ], { env: { ...process.env, ...env } });
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const passed = Number(/^# pass (\d+)/m.exec(text)?.[1] ?? 0);
  const failed = Number(/^# fail (\d+)/m.exec(text)?.[1] ?? 0) + Number(/^# cancelled (\d+)/m.exec(text)?.[1] ?? 0);
  if (code !== 0 && failed === 0) return { passed, failed: 1 }; // crashed outside a test
  return { passed, failed };
}

/** Runs an external launcher that writes {"passed":n,"failed":m} to RMQ_TEST_RESULT_FILE. */
async function launcher(label, script, args = []) {
  const resultFile = join(work, `${label}.result.json`);
  rmSync(resultFile, { force: true });
  const code = await run(process.execPath, ['--enable-source-maps', script, ...args], {
    env: { ...process.env, RMQ_TEST_RESULT_FILE: resultFile },
  });
  let result = { passed: 0, failed: 0 };
  if (existsSync(resultFile)) result = JSON.parse(readFileSync(resultFile, 'utf8'));
  if (code !== 0 && result.failed === 0) result.failed = 1;
  if (code === 0 && result.passed === 0 && result.failed === 0) {
    console.error(`[test] ${label}: launcher reported no tests`);
    result.failed = 1;
  }
  return result;
}

function build(withBundles) {
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('tsc failed');
  if (withBundles) {
    const wp = spawnSync(process.execPath, [join(root, 'node_modules/webpack-cli/bin/cli.js'), '--mode', 'development'], { cwd: root, stdio: 'inherit' });
    if (wp.status !== 0) throw new Error('webpack failed');
  }
}

const phases = {
  unit: () => nodeTests('unit', 'unit'),
  cluster: () => nodeTests('cluster', 'cluster'),
  extension: () => launcher('extension', join(root, 'out/test/support/vscode/run-extension-tests.js')),
  ui: () => launcher('ui', join(root, 'out/test/support/vscode/run-ui-tests.js')),
};

const requested = process.argv.slice(2);
const names = requested.length === 0 || requested.includes('all') ? Object.keys(phases) : requested;
for (const n of names) if (!phases[n]) { console.error(`unknown phase ${n}; known: ${Object.keys(phases).join(', ')}`); process.exit(2); }

const totals = { passed: 0, failed: 0 };
const lines = [];
try {
  build(names.includes('extension') || names.includes('ui'));
} catch (e) {
  console.error(`[test] build failed: ${e.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
for (const n of names) {
  const started = Date.now();
  console.log(`\n=== phase ${n} ===`);
  let r;
  try { r = await phases[n](); } catch (e) { console.error(`[test] phase ${n} crashed: ${e.stack ?? e}`); r = { passed: 0, failed: 1 }; }
  totals.passed += r.passed; totals.failed += r.failed;
  lines.push(`${n.padEnd(10)} ${String(r.passed).padStart(5)} passed ${String(r.failed).padStart(4)} failed  ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
console.log('\n=== summary ===');
for (const l of lines) console.log(l);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
