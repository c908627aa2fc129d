/**
 * Runs the inspector's extension-host tests (test/extension/inspector*.test.ts) in a real extension
 * host (code-server) and prints/writes {passed, failed} like the other launchers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkbench } from './workbench';

async function main(): Promise<number> {
  const folder = mkdtempSync('/tmp/rmqi-ws-');
  const wb = await openWorkbench({ folder, testsPath: join(__dirname, 'suite', 'index.js') });
  let result = { passed: 0, failed: 1 };
  try {
    const code = await Promise.race([wb.exit, new Promise<number>((r) => setTimeout(() => r(124), 240_000))]);
    for (const l of wb.logs) {
      const m = /RMQ_MOCHA_RESULT (\{.*\})/.exec(l);
      if (m) result = JSON.parse(m[1]) as typeof result;
    }
    if (code !== 0 && result.failed === 0) result.failed = 1;
  } finally {
    await wb.close();
  }
  console.log(`inspector extension tests: ${result.passed} passed, ${result.failed} failed`);
  if (process.env.RMQ_TEST_RESULT_FILE) writeFileSync(process.env.RMQ_TEST_RESULT_FILE, JSON.stringify(result));
  return result.failed === 0 && result.passed > 0 ? 0 : 1;
}

main().then((c) => process.exit(c), (e) => { console.error(e); process.exit(1); });
