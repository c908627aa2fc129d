/**
 * The Restricted Mode suite: loaded inside the extension host of a workbench whose folder is NOT
 * trusted (code-server started with Workspace Trust on, no startup prompt: see
 * test/support/vscode/run-extension-tests.ts). Runs the `*.test.js` files of this folder only.
 */
import { runMochaSuite } from '../../support/vscode/mocha-suite';
import { markRestrictedSuite } from './flag';

export function run(): Promise<void> {
  markRestrictedSuite();
  return runMochaSuite(__dirname);
}
