/**
 * Extension-host entry for the inspector's own run (`run-extension.ts`): mocha over
 * out/test/extension/inspector*.test.js. The shared suite (test/extension/suite) runs the same files.
 */
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function run(): Promise<void> {
  const dir = resolve(__dirname, '..', '..', '..', 'extension');
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: 60_000, forbidOnly: true, forbidPending: true });
  const files = readdirSync(dir).filter((n) => /^inspector.*\.test\.js$/.test(n)).map((n) => join(dir, n));
  for (const f of files) mocha.addFile(f);
  return new Promise((resolvePromise, reject) => {
    if (!files.length) { console.log('RMQ_MOCHA_RESULT {"passed":0,"failed":1}'); reject(new Error(`no inspector tests in ${dir}`)); return; }
    const runner = mocha.run((failures) => {
      console.log(`RMQ_MOCHA_RESULT ${JSON.stringify({ passed: runner.stats?.passes ?? 0, failed: failures })}`);
      if (failures) reject(new Error(`${failures} failed`)); else resolvePromise();
    });
  });
}
