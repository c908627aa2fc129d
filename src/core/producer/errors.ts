/**
 * Typed producer errors. Every error names what a user can act on: a rule (client-side checks,
 * routing, timeouts) or a response code name + remark + broker (broker answers). All derive from the
 * core's one hierarchy (../errors.ts): broker and NameServer answers are ResponseCodeErrors.
 */
import {
  ClientErrorKind, FailureOutcome, ResponseCodeError, RocketMQDebuggerError, TransportErrorKind, errorText, outcomeOf,
} from '../errors';

export { errorText } from '../errors';

export type ClientRule =
  // validation (§3.11)
  | 'MESSAGE_NULL' | 'TOPIC_BLANK' | 'TOPIC_ILLEGAL_CHARACTERS' | 'TOPIC_TOO_LONG' | 'TOPIC_NOT_ALLOWED'
  | 'BODY_EMPTY' | 'BODY_TOO_LARGE' | 'PROPERTY_RESERVED' | 'PROPERTY_BLANK' | 'PROPERTY_SEPARATOR' | 'PROPERTIES_TOO_LARGE'
  | 'GROUP_BLANK' | 'GROUP_ILLEGAL_CHARACTERS' | 'GROUP_TOO_LONG' | 'GROUP_NOT_ALLOWED'
  | 'BATCH_EMPTY' | 'BATCH_DIFFERENT_TOPIC' | 'BATCH_DIFFERENT_WAIT' | 'BATCH_DELAY_LEVEL' | 'BATCH_RETRY_TOPIC' | 'BATCH_TOO_LARGE'
  | 'QUEUE_INVALID' | 'CONFIG_INVALID'
  // lifecycle
  | 'NOT_STARTED' | 'SHUT_DOWN' | 'ALREADY_STARTED'
  // routing
  | 'NO_NAMESERVER' | 'NAMESERVER_UNREACHABLE' | 'NO_ROUTE' | 'NO_WRITABLE_QUEUE' | 'BROKER_NOT_FOUND'
  // sending
  | 'SEND_TIMEOUT' | 'SEND_FAILED' | 'CONNECTION_FAILED' | 'REQUEST_FAILED'
  // transactions
  | 'TRANSACTION_LISTENER_MISSING' | 'TRANSACTION_SEND_FAILED';

function clientKind(rule: ClientRule): ClientErrorKind {
  switch (rule) {
    case 'NOT_STARTED': case 'SHUT_DOWN': case 'ALREADY_STARTED': return 'client-state';
    case 'NAMESERVER_UNREACHABLE': return 'nameserver-unreachable';
    case 'NO_ROUTE': case 'NO_WRITABLE_QUEUE': case 'BROKER_NOT_FOUND': return 'no-route';
    case 'SEND_TIMEOUT': return 'send-timeout';
    case 'SEND_FAILED': case 'CONNECTION_FAILED': case 'REQUEST_FAILED': case 'TRANSACTION_SEND_FAILED': return 'send-failed';
    default: return 'client-validation'; // the §3.11 checks, NO_NAMESERVER, QUEUE_INVALID, CONFIG_INVALID, TRANSACTION_LISTENER_MISSING
  }
}

export class MQClientError extends RocketMQDebuggerError {
  override name = 'MQClientError';
  readonly kind: ClientErrorKind;
  /** Facts behind the error for the doctor's explanation (src/core/doctor): NO_ROUTE carries `topic` and `defaultTopic` (what TBW102's route showed). */
  readonly context?: Readonly<Record<string, string>>;
  constructor(readonly rule: ClientRule, message: string, options?: { cause?: unknown; context?: Record<string, string> }) {
    super(`[${rule}] ${message}`, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.kind = clientKind(rule);
    if (options?.context) this.context = options.context;
  }

  get outcome(): FailureOutcome {
    switch (this.kind) {
      case 'client-validation': case 'client-state': return 'invalid';
      case 'no-route': return 'not-found';
      case 'send-timeout': return 'timeout';
      case 'send-failed': return this.cause === undefined ? 'failed' : outcomeOf(this.cause);
      default: return 'unreachable';
    }
  }
}

/** One NameServer that could not be asked, and why (a TransportError as a rule). */
export interface NameServerFailure { address: string; error: unknown }

/**
 * No NameServer of the list answered within the budget (rule NAMESERVER_UNREACHABLE). `failures` has
 * one entry per address tried, in the order tried; `cause` is the last one's error.
 */
export class NameServerUnreachableError extends MQClientError {
  override name = 'NameServerUnreachableError';
  constructor(
    readonly failures: readonly NameServerFailure[],
    /** Addresses not tried because the budget ran out first. */
    readonly notTried: readonly string[],
    readonly budgetMs: number,
  ) {
    const parts = failures.map((f) => `${f.address}: ${errorText(f.error)}`);
    if (notTried.length) parts.push(`${notTried.length} NameServer(s) not tried: the ${budgetMs} ms budget ran out`);
    super('NAMESERVER_UNREACHABLE', `no NameServer answered within ${budgetMs} ms — ${parts.join('; ')}`, { cause: failures[failures.length - 1]?.error });
  }

  /** `refused` or `timeout` when every NameServer failed that way, else `unreachable`. */
  override get outcome(): FailureOutcome {
    const kinds = new Set(this.failures.map((f) => (f.error instanceof RocketMQDebuggerError ? f.error.kind : 'other')));
    const only = (...ks: TransportErrorKind[]) => kinds.size > 0 && [...kinds].every((k) => (ks as string[]).includes(k));
    if (only('connect-refused')) return 'refused';
    if (only('timeout', 'connect-timeout')) return 'timeout';
    return 'unreachable';
  }
}

/** A broker answered with a failure code (role `broker`). */
export class MQBrokerError extends ResponseCodeError {
  override name = 'MQBrokerError';
  constructor(code: number, remark: string | null, brokerAddr: string, brokerName?: string, requestCode?: number) {
    super({ code, remark, address: brokerAddr, role: 'broker', brokerName, requestCode });
  }

  get brokerAddr(): string { return this.address; }
}

/** A NameServer answered with a failure code (role `nameserver`), e.g. TOPIC_NOT_EXIST for a route query. */
export class MQNameServerError extends ResponseCodeError {
  override name = 'MQNameServerError';
  constructor(code: number, remark: string | null, nameServerAddr: string, requestCode?: number) {
    super({ code, remark, address: nameServerAddr, role: 'nameserver', requestCode });
  }

  get nameServerAddr(): string { return this.address; }
}
