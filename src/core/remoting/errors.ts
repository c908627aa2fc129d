import { CodecErrorKind, FailureOutcome, RocketMQDebuggerError } from '../errors';

export type { CodecErrorKind } from '../errors';

export class CodecError extends RocketMQDebuggerError {
  override readonly name = 'CodecError';
  constructor(
    override readonly kind: CodecErrorKind,
    message: string,
    /** Byte offset of the problem, relative to the start of the input the caller handed over. */
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
  }

  /** A value we could not encode is our side's problem; everything else is bytes from the peer that do not decode. */
  get outcome(): FailureOutcome { return this.kind === 'unencodable' ? 'invalid' : 'unreadable'; }
}
