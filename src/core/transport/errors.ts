import { requestCodeName, responseCodeName } from '../remoting/codes';

export type TransportErrorKind =
  | 'invalid-address'   // not host:port
  | 'connect-refused'   // nothing listens there
  | 'connect-timeout'   // no answer to the SYN in time
  | 'connect-failed'    // any other socket error while connecting (DNS, unreachable)
  | 'timeout'           // no response to a request in time
  | 'closed'            // the connection closed while the request was pending, or was already closed
  | 'protocol';         // the peer sent bytes that are not RemotingCommand frames

/** A transport failure, always with the address it concerns and, for requests, which request. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
    readonly address: string,
    readonly requestCode?: number,
    override readonly cause?: unknown,
  ) {
    super(`${message} [${address}${requestCode !== undefined ? `, ${requestCodeName(requestCode)}` : ''}]`);
  }
}

/** A response whose code says the request failed: carries the code's name, the remark and the address. */
export class RemotingResponseError extends Error {
  override readonly name = 'RemotingResponseError';
  readonly codeName: string;
  constructor(
    readonly code: number,
    readonly remark: string | null,
    readonly address: string,
    readonly requestCode: number,
  ) {
    const codeName = responseCodeName(code, requestCode);
    super(`${codeName} (${code}) from ${address} for ${requestCodeName(requestCode)}${remark ? `: ${remark}` : ''}`);
    this.codeName = codeName;
  }
}
