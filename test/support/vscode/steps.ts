/**
 * The browser drivers' test runner (run-ui-tests, inspector/ui, routes/ui): named steps that log ✔/✘
 * and never stop the run, and the {"passed","failed"} result file the orchestrator reads.
 */
import { writeFileSync } from 'node:fs';

export interface StepResult { name: string; ok: boolean }

export class Steps {
  readonly results: StepResult[] = [];

  /** `onFailure` (e.g. a screenshot) runs after a failed step, before it is logged. */
  constructor(private readonly onFailure?: (failedCount: number) => Promise<void>) {}

  async step(name: string, fn: () => Promise<void>): Promise<boolean> {
    const t0 = Date.now();
    try {
      await fn();
      this.results.push({ name, ok: true });
      console.log(`  ✔ ${name} (${Date.now() - t0} ms)`);
      return true;
    } catch (e) {
      this.results.push({ name, ok: false });
      await this.onFailure?.(this.results.length).catch(() => undefined);
      console.log(`  ✘ ${name}\n    ${String(e instanceof Error ? e.stack ?? e.message : e).split('\n').join('\n    ')}`);
      return false;
    }
  }

  counts(extra = { passed: 0, failed: 0 }): { passed: number; failed: number } {
    const passed = this.results.filter((r) => r.ok).length + extra.passed;
    return { passed, failed: this.results.length - (passed - extra.passed) + extra.failed };
  }

  /** Logs and writes the counts (RMQ_TEST_RESULT_FILE, or `file`); exit code 0 only if something ran and nothing failed. */
  finish(file = process.env.RMQ_TEST_RESULT_FILE, extra?: { passed: number; failed: number }): number {
    const { passed, failed } = this.counts(extra);
    if (file) writeFileSync(file, JSON.stringify({ passed, failed }));
    return failed === 0 && passed > 0 ? 0 : 1;
  }
}
