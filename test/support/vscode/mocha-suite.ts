/**
 * Runs the `*.test.js` files of one folder with mocha inside the extension host. Used by every suite's
 * `run()` (the module @vscode/test-electron and the offline launcher both load).
 *
 * Counts are printed as one line `RMQ_MOCHA_RESULT {"passed":n,"failed":m}`: the extension host's
 * console reaches the launcher (through the workbench's codeAutomationLog here, through stdout under
 * @vscode/test-electron), which parses it. `run()` rejects when a test failed, so the workbench also
 * exits non-zero.
 */
import Mocha from 'mocha';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const RESULT_MARKER = 'RMQ_MOCHA_RESULT ';

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

/**
 * `dirs` are searched in order (recursively); a file found under an earlier folder runs first and
 * only once.
 */
export function runMochaSuite(dirs: string | string[], opts: { timeoutMs?: number; only?: string[] } = {}): Promise<void> {
  const list = Array.isArray(dirs) ? dirs : [dirs];
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    reporter: 'spec',
    timeout: opts.timeoutMs ?? 60_000,
    forbidOnly: true, // a stray .only must not silently shrink the suite
    forbidPending: true, // nor a skip
    // RMQ_TEST_GREP: run only the matching tests while working on one feature (never set by npm test;
    // the launcher self-tests then report FAIL: their deliberately failing test is filtered out too)
    ...(process.env.RMQ_TEST_GREP ? { grep: process.env.RMQ_TEST_GREP } : {}),
  });
  // `only`: the files whose paths contain one of these (the extension suite takes them from RMQ_TEST_ONLY, for a developer's single-file run)
  const only = opts.only ?? [];
  const files = [...new Set(list.flatMap(findTests))].filter((f) => !only.length || only.some((o) => f.includes(o)));
  for (const f of files) mocha.addFile(f);
  return new Promise<void>((resolve, reject) => {
    if (files.length === 0) {
      console.log(`${RESULT_MARKER}${JSON.stringify({ passed: 0, failed: 1 })}`);
      reject(new Error(`no *.test.js files under ${list.join(', ')}`));
      return;
    }
    let runner: Mocha.Runner;
    try {
      runner = mocha.run((failures) => {
        const stats = runner.stats ?? { passes: 0, failures };
        const failed = Math.max(stats.failures, failures);
        console.log(`${RESULT_MARKER}${JSON.stringify({ passed: stats.passes, failed })}`);
        if (failed > 0) reject(new Error(`${failed} test(s) failed`));
        else resolve();
      });
    } catch (e) {
      console.error(e);
      console.log(`${RESULT_MARKER}${JSON.stringify({ passed: 0, failed: 1 })}`);
      reject(e);
    }
  });
}
