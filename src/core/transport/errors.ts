import { requestCodeName } from '../remoting/codes';
import { FailureOutcome, RocketMQDebuggerError, TransportErrorKind } from '../errors';

export type { TransportErrorKind } from '../errors';

const TRANSPORT_OUTCOME: Record<TransportErrorKind, FailureOutcome> = {
  'invalid-address': 'invalid',
  'connect-refused': 'refused',
  'connect-timeout': 'timeout',
  'connect-failed': 'unreachable',
  timeout: 'timeout',
  closed: 'unreachable',
  protocol: 'unreadable',
};

/** A transport failure, always with the address it concerns and, for requests, which request. */
export class TransportError extends RocketMQDebuggerError {
  override readonly name = 'TransportError';
  constructor(
    override readonly kind: TransportErrorKind,
    message: string,
    readonly address: string,
    readonly requestCode?: number,
    override readonly cause?: unknown,
  ) {
    super(`${message} [${address}${requestCode !== undefined ? `, ${requestCodeName(requestCode)}` : ''}]`);
  }

  /** The first bytes the peer sent on a connection that never carried a frame (what it speaks instead), when any. */
  received?: Uint8Array;

  get outcome(): FailureOutcome { return TRANSPORT_OUTCOME[this.kind]; }
}
