/**
 * Standard desktop launcher: @vscode/test-electron downloads VS Code (needs internet: update.code.
 * visualstudio.com) and runs the same suite (test/extension/suite) in its Electron extension
 * development host. Not used on the offline CI machines — there `run-extension-tests.ts` runs the
 * identical suite in code-server.
 *
 *   npm run compile && node out/test/support/vscode/run-electron.js [--version 1.100.3|stable|insiders]
 *
 * Linux without a display: run under `xvfb-run -a`. Env RMQ_VSCODE_VERSION overrides the version
 * (default: the one code-server carries, so both launchers test the same VS Code).
 * Writes {"passed":n,"failed":m} to $RMQ_TEST_RESULT_FILE like the offline launcher.
 */
import { runTests } from '@vscode/test-electron';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, VSCODE_VERSION } from './code-server';
import { RESULT_MARKER } from './mocha-suite';

async function main(): Promise<number> {
  const argIdx = process.argv.indexOf('--version');
  const version = argIdx > 0 ? process.argv[argIdx + 1] : process.env.RMQ_VSCODE_VERSION ?? VSCODE_VERSION;
  const workspace = mkdtempSync(join(tmpdir(), 'rmq-electron-ws-'));
  const userData = mkdtempSync(join(tmpdir(), 'rmq-electron-ud-'));
  let counts: { passed: number; failed: number } | undefined;
  // The extension host's console reaches this process's stdout; watch it for the mocha counts.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const i = text.indexOf(RESULT_MARKER);
    if (i >= 0) {
      try { counts = JSON.parse(text.slice(i + RESULT_MARKER.length).split('\n')[0]); } catch { /* partial line */ }
    }
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  let code = 1;
  try {
    code = await runTests({
      version,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, 'out', 'test', 'extension', 'suite', 'index.js'),
      launchArgs: [workspace, '--user-data-dir', userData, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } catch (e) {
    console.error(`[run-electron] ${e instanceof Error ? e.message : String(e)}`);
    code = 1;
  } finally {
    process.stdout.write = write;
    rmSync(workspace, { recursive: true, force: true });
    rmSync(userData, { recursive: true, force: true });
  }
  const result = counts ?? { passed: 0, failed: 1 };
  if (code !== 0 && result.failed === 0) result.failed = 1;
  if (process.env.RMQ_TEST_RESULT_FILE) writeFileSync(process.env.RMQ_TEST_RESULT_FILE, JSON.stringify(result));
  console.log(`[run-electron] ${result.passed} passed, ${result.failed} failed (VS Code ${version})`);
  return code === 0 && result.failed === 0 ? 0 : 1;
}

main().then((c) => process.exit(c), (e) => { console.error(e); process.exit(1); });
