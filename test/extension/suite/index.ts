/**
 * The extension suite, loaded inside the extension host by both launchers:
 * `test/support/vscode/run-extension-tests.ts` (code-server + Chromium, offline) and
 * `test/support/vscode/run-electron.ts` (@vscode/test-electron, desktop VS Code).
 *
 * Runs every compiled `*.test.js` under out/test/extension: first this folder's harness proofs
 * (activation is checked before anything else activates the extension), then the feature tests.
 */
import { resolve } from 'node:path';
import { runMochaSuite } from '../../support/vscode/mocha-suite';

export function run(): Promise<void> {
  // RMQ_TEST_ONLY=name,name runs only the files whose paths contain one of them (the full phase never sets it)
  return runMochaSuite([__dirname, resolve(__dirname, '..')], { only: (process.env.RMQ_TEST_ONLY ?? '').split(',').filter(Boolean) });
}
