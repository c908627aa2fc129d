/**
 * Typed producer errors. Every error names what a user can act on: a rule (client-side checks,
 * routing, timeouts) or a response code name + remark + broker (broker answers).
 */
import { responseCodeName } from '../remoting';

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

export class MQClientError extends Error {
  override name = 'MQClientError';
  constructor(readonly rule: ClientRule, message: string, options?: { cause?: unknown }) {
    super(`[${rule}] ${message}`, options);
  }
}

export class MQBrokerError extends Error {
  override name = 'MQBrokerError';
  readonly codeName: string;
  constructor(
    readonly code: number,
    readonly remark: string | null,
    readonly brokerAddr: string,
    readonly brokerName?: string,
    readonly requestCode?: number,
  ) {
    const codeName = responseCodeName(code, requestCode);
    super(`${codeName} (${code}) from broker ${brokerName ?? '?'} at ${brokerAddr}: ${remark ?? '(no remark)'}`);
    this.codeName = codeName;
  }
}

/** NameServer answered with an error code (e.g. TOPIC_NOT_EXIST for a route query). */
export class MQNameServerError extends Error {
  override name = 'MQNameServerError';
  readonly codeName: string;
  constructor(readonly code: number, readonly remark: string | null, readonly nameServerAddr: string, readonly requestCode?: number) {
    const codeName = responseCodeName(code, requestCode);
    super(`${codeName} (${code}) from NameServer ${nameServerAddr}: ${remark ?? '(no remark)'}`);
    this.codeName = codeName;
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
