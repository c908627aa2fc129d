/**
 * Errors of live capture, in the core's one hierarchy (src/core/errors.ts). Each says what went
 * wrong in words a user can act on (`message`), and, where one exists, the command that fixes it
 * (`remedy`): the package to install, the capability or group to grant.
 */
import { CaptureErrorKind, FailureOutcome, RocketMQDebuggerError } from '../../core/errors';

export type { CaptureErrorKind } from '../../core/errors';

const OUTCOME: Record<CaptureErrorKind, FailureOutcome> = {
  'capture-tool-missing': 'not-found',
  'capture-permission': 'denied',
  'capture-interface': 'not-found',
  'capture-filter': 'invalid',
  'capture-failed': 'failed',
};

export interface CaptureErrorInit {
  /** What the user can run to fix it (an install or grant command), when there is one. */
  remedy?: string;
  /** The capture tool's own words (its stderr, trimmed): untrusted text, shown as text. */
  toolOutput?: string;
  /** The tool's exit code, when it ran and exited. */
  exitCode?: number | null;
}

export class CaptureError extends RocketMQDebuggerError {
  override name = 'CaptureError';
  readonly remedy: string | undefined;
  readonly toolOutput: string | undefined;
  readonly exitCode: number | null | undefined;

  constructor(readonly kind: CaptureErrorKind, message: string, init: CaptureErrorInit = {}) {
    super(init.remedy ? `${message} ${init.remedy}` : message);
    this.remedy = init.remedy;
    this.toolOutput = init.toolOutput;
    this.exitCode = init.exitCode;
  }

  get outcome(): FailureOutcome { return OUTCOME[this.kind]; }
}
