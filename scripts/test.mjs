#!/usr/bin/env node
// Test orchestrator: `node scripts/test.mjs <phase…>` where phase is unit, cluster, extension, ui or all.
// Before any phase, scripts/setup-system.sh installs every external program the tests spawn (a few
// `command -v` checks when all are there), so a fresh machine passes on the first run. Each phase
// reports {passed, failed, skipped}; the run ends with one plain line "N passed, N failed, N skipped" so
// that a run which executed nothing, or skipped something, is visible, and exits non-zero if anything
// failed or a phase crashed.
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
    else if (name.endsWith('.test.js') && hasSource(p)) out.push(p);
  }
  return out;
}

/** A compiled test whose .ts was moved or deleted stays in out/ (tsc never removes files): skip it. */
function hasSource(compiled) {
  const source = join(root, compiled.slice(join(root, 'out').length + 1)).replace(/\.js$/, '.ts');
  return existsSync(source);
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
  const count = (what) => Number(new RegExp(`^# ${what} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  const passed = count('pass');
  const failed = count('fail') + count('cancelled');
  const skipped = count('skipped') + count('todo');
  if (code !== 0 && failed === 0) return { passed, failed: 1, skipped }; // crashed outside a test
  return { passed, failed, skipped };
}

/** Runs an external launcher that writes {"passed":n,"failed":m} to RMQ_TEST_RESULT_FILE. */
async function launcher(label, script, args = []) {
  const resultFile = join(work, `${label}.result.json`);
  rmSync(resultFile, { force: true });
  const code = await run(process.execPath, ['--enable-source-maps', script, ...args], {
    env: { ...process.env, RMQ_TEST_RESULT_FILE: resultFile },
  });
  let result = { passed: 0, failed: 0, skipped: 0 };
  if (existsSync(resultFile)) result = { ...result, ...JSON.parse(readFileSync(resultFile, 'utf8')) };
  if (code !== 0 && result.failed === 0) result.failed = 1;
  if (code === 0 && result.passed === 0 && result.failed === 0) {
    console.error(`[test] ${label}: launcher reported no tests`);
    result.failed = 1;
  }
  return result;
}

/** Installs what the tests spawn (Debian packages), before the first test of any phase. */
function setupSystem() {
  const r = spawnSync('bash', [join(root, 'scripts', 'setup-system.sh')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`scripts/setup-system.sh failed (${r.status ?? r.signal}): the tests need the packages it names`);
}

/** Type-checks everything that ships (the webview too: webpack only transpiles it) and compiles. */
function build(withBundles) {
  const tscBin = join(root, 'node_modules/typescript/bin/tsc');
  const tsc = spawnSync(process.execPath, [tscBin, '-p', '.'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('tsc failed');
  const web = spawnSync(process.execPath, [tscBin, '-p', 'webview/tsconfig.json', '--noEmit'], { cwd: root, stdio: 'inherit' });
  if (web.status !== 0) throw new Error('tsc -p webview failed');
  if (withBundles) {
    const wp = spawnSync(process.execPath, [join(root, 'node_modules/webpack-cli/bin/cli.js'), '--mode', 'development'], { cwd: root, stdio: 'inherit' });
    if (wp.status !== 0) throw new Error('webpack failed');
  }
}

/**
 * cluster phase: starts one real RocketMQ cluster per pinned version (4.9 and 5.3, concurrently) with the
 * harness in test/support/cluster, hands them to the test files through RMQ_CLUSTER_{49,53}_{NAMESRV,JSON}
 * (useCluster() attaches to them), runs out/test/cluster/**, and always stops both clusters.
 */
async function clusterPhase() {
  const { createRequire } = await import('node:module');
  const harness = createRequire(import.meta.url)(join(root, 'out', 'test', 'support', 'cluster', 'index.js'));
  const log = (line) => console.log(`[cluster] ${line}`);
  const started = [];
  const stopAll = () => Promise.all(started.map((c) => c.stop().catch((e) => console.error(`[cluster] stop: ${e.message}`))));
  const onSignal = async (sig) => { await stopAll(); process.exit(sig === 'SIGINT' ? 130 : 143); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // Maven and javac first, one version after the other (shared ~/.m2), then both clusters at once.
    for (const v of harness.VERSION_KEYS) await harness.prepareJava(v, log);
    const results = await Promise.allSettled(harness.VERSION_KEYS.map((v) => harness.startCluster({ version: v, log })));
    for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
    const failures = results.filter((r) => r.status === 'rejected');
    if (failures.length) {
      for (const f of failures) console.error(`[cluster] could not start a cluster: ${f.reason?.stack ?? f.reason}`);
      return { passed: 0, failed: failures.length };
    }
    const env = Object.assign({}, ...started.map((c) => harness.clusterEnv(c)));
    return await nodeTests('cluster', 'cluster', env);
  } finally {
    await stopAll();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

const phases = {
  unit: () => nodeTests('unit', 'unit'),
  cluster: () => clusterPhase(),
  extension: () => launcher('extension', join(root, 'out/test/support/vscode/run-extension-tests.js')),
  ui: () => launcher('ui', join(root, 'out/test/support/vscode/run-ui-tests.js')),
};

const requested = process.argv.slice(2);
const names = requested.length === 0 || requested.includes('all') ? Object.keys(phases) : requested;
for (const n of names) if (!phases[n]) { console.error(`unknown phase ${n}; known: ${Object.keys(phases).join(', ')}`); process.exit(2); }

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
try {
  setupSystem();
  build(names.includes('extension') || names.includes('ui'));
} catch (e) {
  console.error(`[test] ${e.message}`);
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
for (const n of names) {
  const started = Date.now();
  console.log(`\n=== phase ${n} ===`);
  let r;
  try { r = await phases[n](); } catch (e) { console.error(`[test] phase ${n} crashed: ${e.stack ?? e}`); r = { passed: 0, failed: 1 }; }
  const skipped = r.skipped ?? 0;
  totals.passed += r.passed; totals.failed += r.failed; totals.skipped += skipped;
  lines.push(`${n.padEnd(10)} ${String(r.passed).padStart(5)} passed ${String(r.failed).padStart(4)} failed ${String(skipped).padStart(4)} skipped  ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
console.log('\n=== summary ===');
for (const l of lines) console.log(l);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
