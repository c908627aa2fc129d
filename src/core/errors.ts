/**
 * The one error hierarchy of the core; the CLI and the extension branch on it. Every error has a stable
 * `kind` (what went wrong, for code to branch on) and an `outcome` (the coarse class a UI words
 * differently: not found, refused, timeout, failed…). The classes live next to the layer that throws them
 * and all derive from {@link RocketMQDebuggerError}:
 *
 * | class                                        | kind                                                  |
 * |----------------------------------------------|-------------------------------------------------------|
 * | {@link ResponseCodeError} (this file)        | `response-code`: the peer answered a non-success code |
 * |   MQBrokerError (producer/errors.ts)         | `response-code`, role `broker`                        |
 * |   MQNameServerError (producer/errors.ts)     | `response-code`, role `nameserver`                    |
 * | TransportError (transport/errors.ts)         | {@link TransportErrorKind}                            |
 * | CodecError (remoting/errors.ts)              | {@link CodecErrorKind}                                |
 * | MQClientError (producer/errors.ts)           | {@link ClientErrorKind}, from its `rule`              |
 * |   NameServerUnreachableError (same file)     | `nameserver-unreachable`                              |
 * | {@link InputError} subclasses (beside their parsers): UsageError (cli/command.ts), HexInputError     |
 * |   (frame/hex-input.ts), FilterSyntaxError (capture/filter.ts), BodyFileError (requestfile/body-file.ts), |
 * |   MessageIdError (message/ids.ts), MessagePropertyError (message/message.ts),                         |
 * |   SignatureCheckError (doctor/acl-signature.ts) | {@link InputErrorKind}                             |
 * | {@link DataError} subclasses: InflateError, OutputLimitError (message/bounded-output.ts),           |
 * |   BatchBodyError (message/batch.ts), StoredMessageError (message/stored.ts) | {@link DataErrorKind}  |
 * | SearchCancelled (capture/search.ts)          | `cancelled`                                           |
 * | CaptureError (app/capture/errors.ts)         | {@link CaptureErrorKind}                              |
 *
 * Kinds are unique across classes, so `e.kind` alone says which class (and which case) it is.
 */
import { requestCodeName, responseCodeName } from './remoting/codes';
import { aclRefusal } from './doctor/acl';

/** Socket-level failures (TransportError). */
export type TransportErrorKind =
  | 'invalid-address'   // not host:port
  | 'connect-refused'   // nothing listens there
  | 'connect-timeout'   // no answer to the SYN in time
  | 'connect-failed'    // any other socket error while connecting (DNS, unreachable)
  | 'timeout'           // no response to a request in time
  | 'closed'            // the connection closed while the request was pending, or was already closed
  | 'protocol';         // the peer sent bytes that are not RemotingCommand frames

/** Why a frame or body could not be read or written (CodecError). Each kind names a rule a reader can act on. */
export type CodecErrorKind =
  | 'truncated'              // fewer bytes than the frame or field says
  | 'invalid-length'         // frame length below the 4 bytes its header-length word needs
  | 'oversize'               // frame length above the configured limit (16 MiB like the server)
  | 'header-overflow'        // header length runs past the end of the frame
  | 'unknown-serialize-type' // type byte neither 0 (JSON) nor 1 (ROCKETMQ)
  | 'invalid-json'           // JSON header or body that even fastjson's leniency does not accept
  | 'invalid-header'         // well-formed JSON of the wrong shape for a RemotingCommand
  | 'binary-field-overflow'  // a ROCKETMQ header field's length runs past the header's end
  | 'invalid-body'           // a body that does not have the structure its command implies
  | 'unencodable';           // a value the chosen serialization cannot carry (e.g. code > int16)

/** Client-side failures (MQClientError), grouped from the error's `rule`. */
export type ClientErrorKind =
  | 'client-validation'       // the message, group, queue or options break a rule: fix the input
  | 'client-state'            // not started, shut down, started twice
  | 'no-route'                // no route, no writable queue, no master address for a broker
  | 'nameserver-unreachable'  // no NameServer of the list answered (NameServerUnreachableError)
  | 'send-timeout'            // the send's total budget ran out
  | 'send-failed';            // every attempt failed; the last failure is the `cause`

/** What the user typed or pointed at is wrong (InputError): fix the input. */
export type InputErrorKind =
  | 'usage'             // a command line the CLI does not accept
  | 'hex-input'         // pasted text that is not hex
  | 'filter-syntax'     // a capture filter expression that does not parse
  | 'body-file'         // a request file's bodyFile that is outside the allowed folder or unreadable
  | 'message-id'        // text that is neither a UNIQ_KEY nor an offsetMsgId
  | 'message-property'  // a message property that breaks a rule (reserved name, separator in a value…)
  | 'signature-check';  // a frame the ACL signature check cannot check (not a signed request), or an empty SecretKey

/** Bytes that do not have the structure their context implies (DataError), outside the frame codec. */
export type DataErrorKind =
  | 'inflate'           // a compressed body that does not inflate
  | 'output-limit'      // inflating would pass the output cap
  | 'batch-body'        // a batch body or entry that does not encode or decode
  | 'stored-message';   // a stored (commit log) message record that does not decode

/** Why a live packet capture (dumpcap / tcpdump) could not start, or ended on its own (CaptureError). */
export type CaptureErrorKind =
  | 'capture-tool-missing'  // neither dumpcap nor tcpdump is installed, or the configured path is not a program
  | 'capture-permission'    // the tool may not open the interface: root, capabilities or group membership missing
  | 'capture-interface'     // no interface of that name
  | 'capture-filter'        // the capture filter (BPF) does not compile
  | 'capture-failed';       // the tool stopped for another reason (crash, disk full, device gone)

export type ErrorKind = 'response-code' | TransportErrorKind | CodecErrorKind | ClientErrorKind | InputErrorKind | DataErrorKind | CaptureErrorKind | 'cancelled';

/** What a UI says first: the coarse class of a failure. */
export type FailureOutcome =
  | 'not-found'    // what was asked for does not exist (TOPIC_NOT_EXIST, no route, QUERY_NOT_FOUND…)
  | 'denied'       // ACL or permission
  | 'refused'      // nothing listens at the address
  | 'timeout'      // no connection or no answer in time
  | 'unreachable'  // could not connect for another reason, or the connection dropped
  | 'rejected'     // the peer answered with another failure code (busy, illegal message, unsupported…)
  | 'invalid'      // our own input or state is wrong (validation, bad address, not started)
  | 'unreadable'   // the peer sent bytes that do not decode
  | 'cancelled'    // the user (or a newer request) stopped it
  | 'failed';      // anything else

export abstract class RocketMQDebuggerError extends Error {
  abstract readonly kind: ErrorKind;
  /** The coarse class of the failure, for wording (see FailureOutcome). */
  abstract readonly outcome: FailureOutcome;
}

/** The input is wrong; each subclass lives beside the parser that throws it and names its kind. */
export abstract class InputError extends RocketMQDebuggerError {
  abstract override readonly kind: InputErrorKind;
  readonly outcome = 'invalid' as const;
}

/** Bytes (from a broker, a capture or a file) do not decode; each subclass names its kind. */
export abstract class DataError extends RocketMQDebuggerError {
  abstract override readonly kind: DataErrorKind;
  readonly outcome = 'unreadable' as const;
}

/** Who answered: a NameServer or a broker (also a 5.x Proxy in remoting mode, which answers like a broker). */
export type PeerRole = 'nameserver' | 'broker';

export const peerLabel = (role: PeerRole): string => (role === 'nameserver' ? 'NameServer' : 'broker');

export interface ResponseCodeErrorInit {
  code: number;
  remark: string | null;
  /** host:port of the peer that answered. */
  address: string;
  role: PeerRole;
  /** The request that was answered (names 209–211 correctly and goes into the message). */
  requestCode?: number;
  /** The broker's name when known (from the route). */
  brokerName?: string;
}

/**
 * "A retry can help": asking again, a little later, may plausibly succeed without anyone changing
 * anything. Load, flushing, replication, leadership and shutdown are passing states; a missing topic, a
 * permission, a signature, an illegal message or an unsupported request are not.
 *
 * This is deliberately NOT the producer's retry policy. Producer.send follows Java's
 * `DefaultMQProducer.retryResponseCodes` (TOPIC_NOT_EXIST, SERVICE_NOT_AVAILABLE, SYSTEM_ERROR,
 * SYSTEM_BUSY — 5.x only, NO_PERMISSION, NO_BUYER_ID, NOT_IN_CURRENT_UNIT; plus GO_AWAY) because it
 * retries on ANOTHER broker, which may have the topic or the permission this one lacks. `retryable`
 * answers the user's question "should I press Retry against this peer?"; the two differ on
 * TOPIC_NOT_EXIST, NO_PERMISSION, NO_BUYER_ID and NOT_IN_CURRENT_UNIT (Java retries them, a retry of
 * the same request does not help) and on the flush/slave/flow-control codes (no Java send retry: a send
 * answered FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT or SLAVE_NOT_AVAILABLE is stored, so re-sending it
 * duplicates the message; it is still a passing state).
 */
const RETRY_CAN_HELP = new Set<string>([
  'SYSTEM_ERROR', 'SYSTEM_BUSY', 'SERVICE_NOT_AVAILABLE',
  'FLUSH_DISK_TIMEOUT', 'FLUSH_SLAVE_TIMEOUT', 'SLAVE_NOT_AVAILABLE',
  'PULL_RETRY_IMMEDIATELY', 'BROKER_DISPATCH_NOT_COMPLETE', 'FLOW_CONTROL', 'NOT_LEADER_FOR_QUEUE',
  'POLLING_FULL', 'POLLING_TIMEOUT', 'GO_AWAY',
  'CONTROLLER_NOT_LEADER', 'CONTROLLER_MASTER_NOT_AVAILABLE',
  'RPC_TIME_OUT', 'RPC_SEND_TO_CHANNEL_FAILED',
]);

const NOT_FOUND = new Set<string>([
  'TOPIC_NOT_EXIST', 'SUBSCRIPTION_NOT_EXIST', 'SUBSCRIPTION_GROUP_NOT_EXIST', 'QUERY_NOT_FOUND', 'PULL_NOT_FOUND',
  'FILTER_DATA_NOT_EXIST', 'NO_MESSAGE', 'USER_NOT_EXIST', 'POLICY_NOT_EXIST', 'CONTROLLER_BROKER_METADATA_NOT_EXIST',
]);

/** ACL failures (the doctor's classification, src/core/doctor/acl.ts): ACL codes, 5.x NO_PERMISSION, 4.x SYSTEM_ERROR with an AclException. */
export function isAclFailure(codeName: string, remark: string | null): boolean {
  return aclRefusal(codeName, remark) !== null;
}

/**
 * The peer answered with a code other than SUCCESS (or a status the caller accepts). One class for
 * NameServer and broker answers; `role` says which. Message:
 * `TOPIC_NOT_EXIST (17) from broker broker-a at 127.0.0.1:10911 for SEND_MESSAGE_V2: <remark>`.
 */
export class ResponseCodeError extends RocketMQDebuggerError {
  override name = 'ResponseCodeError';
  readonly kind = 'response-code' as const;
  readonly code: number;
  /** The code's name from codes.ts (the 4.x ACL meaning for 209–211 when the request was an ACL admin request). */
  readonly codeName: string;
  readonly remark: string | null;
  readonly address: string;
  readonly role: PeerRole;
  readonly requestCode: number | undefined;
  readonly requestCodeName: string | undefined;
  readonly brokerName: string | undefined;

  constructor(init: ResponseCodeErrorInit) {
    const codeName = responseCodeName(init.code, init.requestCode);
    const reqName = init.requestCode !== undefined ? requestCodeName(init.requestCode) : undefined;
    const who = init.brokerName ? `${peerLabel(init.role)} ${init.brokerName} at ${init.address}` : `${peerLabel(init.role)} ${init.address}`;
    super(`${codeName} (${init.code}) from ${who}${reqName ? ` for ${reqName}` : ''}: ${init.remark ?? '(no remark)'}`);
    this.code = init.code;
    this.codeName = codeName;
    this.remark = init.remark;
    this.address = init.address;
    this.role = init.role;
    this.requestCode = init.requestCode;
    this.requestCodeName = reqName;
    this.brokerName = init.brokerName;
  }

  /** Whether asking the same peer again may succeed (see RETRY_CAN_HELP above for the choice and how it differs from Java's send retries). */
  get retryable(): boolean {
    if (!RETRY_CAN_HELP.has(this.codeName)) return false;
    // 4.x brokers answer ACL failures as SYSTEM_ERROR with the AclException in the remark; a NameServer
    // with enableAllTopicList=false answers the topic list with SYSTEM_ERROR "disable". Neither passes.
    if (this.codeName === 'SYSTEM_ERROR' && (isAclFailure('', this.remark) || /^disable$/.test(this.remark ?? ''))) return false;
    return true;
  }

  get outcome(): FailureOutcome {
    if (NOT_FOUND.has(this.codeName)) return 'not-found';
    if (isAclFailure(this.codeName, this.remark)) return 'denied';
    return 'rejected';
  }
}

/** The outcome of any thrown value: RocketMQDebuggerError's own, else 'failed'. */
export function outcomeOf(e: unknown): FailureOutcome {
  return e instanceof RocketMQDebuggerError ? e.outcome : 'failed';
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
