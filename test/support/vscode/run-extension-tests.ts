/**
 * Offline launcher for the extension suite (phase `extension` of scripts/test.mjs):
 *
 *   node out/test/support/vscode/run-extension-tests.js
 *
 * 1. installs the Debian packages (scripts/setup-system.sh) and code-server@4.100.3 from npm into
 *    .cache/ (once; reused afterwards),
 * 2. runs test/extension/suite in code-server's Node extension host, the workbench open in headless
 *    Chromium, streaming the extension host console to stdout,
 * 3. self-tests, alongside: a fixture suite with a failing test, a green fixture suite against a
 *    fixture extension that fails to load, and a suite that never finishes must all be reported as
 *    failed,
 * 4. writes {"passed":n,"failed":m} to $RMQ_TEST_RESULT_FILE and exits non-zero on any failure.
 *
 * Environment: RMQ_EXTENSION_TEST_TIMEOUT (seconds for the suite, default 600), RMQ_CACHE_DIR.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCodeServer, ensureSystemPackages, log, repoRoot } from './code-server';
import { launchChromium } from './browser';
import { runSuiteInWorkbench, suiteFailed, SuiteOutcome } from './workbench';

const SUITE = join(repoRoot, 'out', 'test', 'extension', 'suite', 'index.js');
/** The Restricted Mode suite: its own workbench, the folder untrusted. */
const RESTRICTED_SUITE = join(repoRoot, 'out', 'test', 'extension', 'restricted', 'index.js');
const FAILING_FIXTURE = join(repoRoot, 'out', 'test', 'support', 'vscode', 'fixtures', 'failing-suite', 'index.js');
const PASSING_FIXTURE = join(repoRoot, 'out', 'test', 'support', 'vscode', 'fixtures', 'passing-suite', 'index.js');
const HANGING_FIXTURE = join(repoRoot, 'out', 'test', 'support', 'vscode', 'fixtures', 'hanging-suite', 'index.js');
/** Time limit for the hanging fixture: long enough for the workbench to load it, short enough to wait for. */
const HANGING_TIMEOUT_MS = 40_000;
/** Plain JS in the source tree (not compiled): an extension that throws when loaded. */
const BROKEN_EXTENSION = join(repoRoot, 'test', 'support', 'vscode', 'fixtures', 'broken-extension');

function describe(o: SuiteOutcome): string {
  const counts = o.counts ? `${o.counts.passed} passed, ${o.counts.failed} failed` : 'no counts';
  return `exit ${o.exitCode ?? '-'}, ${counts}${o.timedOut ? ', TIMED OUT' : ''}${o.hostExitCodes.length ? `, extension host exited with ${o.hostExitCodes.join(',')}` : ''}, ${o.seconds.toFixed(1)} s`;
}

async function main(): Promise<number> {
  const result = { passed: 0, failed: 0 };
  const resultFile = process.env.RMQ_TEST_RESULT_FILE;
  const write = () => { if (resultFile) writeFileSync(resultFile, JSON.stringify(result)); };
  write();
  const timeoutMs = Number(process.env.RMQ_EXTENSION_TEST_TIMEOUT ?? 600) * 1000;

  for (const f of [join(repoRoot, 'dist', 'extension.js'), join(repoRoot, 'dist', 'webview.js'), SUITE, RESTRICTED_SUITE, FAILING_FIXTURE, PASSING_FIXTURE, HANGING_FIXTURE, join(BROKEN_EXTENSION, 'package.json')]) {
    if (!existsSync(f)) {
      log(`missing ${f}: build first (npm run compile, or node scripts/test.mjs extension)`);
      result.failed = 1; write();
      return 1;
    }
  }
  await ensureSystemPackages();
  const entry = ensureCodeServer();

  // A short private TMPDIR: Chromium's profile and sockets live there.
  const runRoot = mkdtempSync('/tmp/rmqx-');
  process.env.TMPDIR = runRoot;
  const browser = await launchChromium();
  try {
    // The real suite and the self-test (a suite with a failing test must be reported as failed) run
    // side by side, each with its own code-server, sharing the browser.
    const selfTests = async () => {
      // Self-test 3 waits for its time limit, so it runs beside the other two (and the Restricted
      // Mode suite, which follows them).
      const [[failingTest, loadError, restricted], hanging] = await Promise.all([
        (async () => [
          await runSuiteInWorkbench({
            browser, entry, runDir: join(runRoot, 'self-test-failing'), label: 'self-test 1',
            extensionDevelopmentPath: repoRoot, extensionTestsPath: FAILING_FIXTURE, timeoutMs: Math.min(timeoutMs, 120_000),
          }),
          await runSuiteInWorkbench({
            browser, entry, runDir: join(runRoot, 'self-test-load-error'), label: 'self-test 2',
            extensionDevelopmentPath: BROKEN_EXTENSION, extensionTestsPath: PASSING_FIXTURE, timeoutMs: Math.min(timeoutMs, 120_000),
          }),
          await runSuiteInWorkbench({
            browser, entry, runDir: join(runRoot, 'restricted'), label: 'restricted',
            extensionDevelopmentPath: repoRoot, extensionTestsPath: RESTRICTED_SUITE, timeoutMs: Math.min(timeoutMs, 300_000), restricted: true,
          }),
        ])(),
        runSuiteInWorkbench({
          browser, entry, runDir: join(runRoot, 'self-test-timeout'), label: 'self-test 3',
          extensionDevelopmentPath: repoRoot, extensionTestsPath: HANGING_FIXTURE, timeoutMs: HANGING_TIMEOUT_MS,
        }),
      ]);
      return { failingTest, loadError, hanging, restricted };
    };
    const [main, self] = await Promise.all([
      runSuiteInWorkbench({
        browser, entry, runDir: join(runRoot, 'suite'), label: 'ext-host',
        extensionDevelopmentPath: repoRoot, extensionTestsPath: SUITE, timeoutMs,
      }),
      selfTests(),
    ]);
    log(`extension suite: ${describe(main)}`);
    for (const e of main.errors) log(`  problem: ${e}`);
    result.passed += main.counts?.passed ?? 0;
    result.failed += main.counts?.failed ?? 0;
    if (suiteFailed(main) && (main.counts?.failed ?? 0) === 0) result.failed += 1; // crashed outside a test

    const r = self.restricted;
    log(`Restricted Mode suite (untrusted folder): ${describe(r)}`);
    for (const e of r.errors) log(`  problem: ${e}`);
    result.passed += r.counts?.passed ?? 0;
    result.failed += r.counts?.failed ?? 0;
    if (suiteFailed(r) && (r.counts?.failed ?? 0) === 0) result.failed += 1;

    // Self-test 1: a failing test → non-zero exit with the right counts.
    const f1 = self.failingTest;
    const caught1 = suiteFailed(f1) && f1.exitCode !== undefined && f1.exitCode !== 0 && f1.counts?.failed === 1 && f1.counts.passed === 1;
    log(`launcher self-test 1 (a failing test): ${describe(f1)} → ${caught1 ? 'reported as failed: PASS' : 'NOT reported as failed: FAIL'}`);
    // Self-test 2: all tests pass but the extension failed to load → still a failure.
    const f2 = self.loadError;
    const caught2 = suiteFailed(f2) && f2.counts?.passed === 1 && f2.counts.failed === 0 && f2.errors.some((e) => e.startsWith('extension load error'));
    log(`launcher self-test 2 (extension load error, tests green): ${describe(f2)} → ${caught2 ? 'reported as failed: PASS' : 'NOT reported as failed: FAIL'}`);
    // Self-test 3: a suite that never settles → a timeout, reported as a failure.
    const f3 = self.hanging;
    const caught3 = suiteFailed(f3) && f3.timedOut && f3.exitCode === undefined;
    log(`launcher self-test 3 (suite never finishes, ${HANGING_TIMEOUT_MS / 1000} s limit): ${describe(f3)} → ${caught3 ? 'reported as failed: PASS' : 'NOT reported as failed: FAIL'}`);
    for (const ok of [caught1, caught2, caught3]) if (ok) result.passed += 1; else result.failed += 1;
    write();
  } finally {
    await browser.close().catch(() => undefined);
    if (!process.env.RMQ_KEEP_RUN_DIR) rmSync(runRoot, { recursive: true, force: true });
    else log(`run folder kept: ${runRoot}`);
  }
  log(`extension phase: ${result.passed} passed, ${result.failed} failed`);
  return result.failed === 0 && result.passed > 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`[vscode-host] launcher crashed: ${e?.stack ?? e}`);
  const resultFile = process.env.RMQ_TEST_RESULT_FILE;
  if (resultFile) writeFileSync(resultFile, JSON.stringify({ passed: 0, failed: 1 }));
  process.exit(1);
});
