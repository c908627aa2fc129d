/**
 * Set by the Restricted Mode suite entry (./index.ts) before mocha loads the test files. The trusted
 * suite (test/extension/suite) loads every `*.test.js` under test/extension, these included: without
 * the flag they register nothing there.
 */
const KEY = Symbol.for('rocketmq-debugger.restrictedSuite');

export function markRestrictedSuite(): void {
  (globalThis as Record<symbol, unknown>)[KEY] = true;
}

export function inRestrictedSuite(): boolean {
  return (globalThis as Record<symbol, unknown>)[KEY] === true;
}
