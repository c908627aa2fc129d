/**
 * Errors in words a user can act on, with protocol context (address, code name, remark).
 * Pure (no `vscode`); used for error tree nodes, notifications and the log. Branches on the core's one
 * hierarchy (src/core/errors.ts): a ResponseCodeError says itself who answered; `role` names the peer
 * for the other errors (who could not be reached, whose answer did not decode).
 */
import { PeerRole, ResponseCodeError, isAclFailure, peerLabel } from '../../core/errors';
import { CodecError } from '../../core/remoting';
import { TransportError } from '../../core/transport';
import { MQClientError, NameServerUnreachableError } from '../../core/producer';

export type { PeerRole } from '../../core/errors';

export interface FailureText {
  /** One line for a tree node label or a notification. */
  short: string;
  /** What to check, for the tooltip and the log. */
  hint?: string;
}

export function describeFailure(e: unknown, role: PeerRole): FailureText {
  const who = peerLabel(role);
  if (e instanceof TransportError) {
    const a = e.address;
    switch (e.kind) {
      case 'connect-refused': return { short: `${who} ${a} refused the connection`, hint: `Nothing listens on ${a}. Is the ${who} running, and is this the right port?` };
      case 'connect-timeout': return { short: `${who} ${a} did not accept a connection in time`, hint: 'A firewall may drop the packets, or the address is not routed from this machine.' };
      case 'connect-failed': return { short: `cannot connect to ${who} ${a}: ${stripAddress(e.message)}`, hint: 'Check the host name and the network.' };
      case 'timeout': return { short: `${who} ${a} did not answer in time`, hint: stripAddress(e.message) };
      case 'closed': return { short: `${who} ${a} closed the connection`, hint: `${stripAddress(e.message)}. A ${who} that closes at once may be speaking another protocol (TLS, a 5.x Proxy in gRPC mode) or refusing this client.` };
      case 'protocol': return { short: `${who} ${a} sent something that is not RocketMQ remoting`, hint: stripAddress(e.message) };
      case 'invalid-address': return { short: `"${a}" is not a host:port address` };
    }
  }
  if (e instanceof ResponseCodeError) {
    const peer = e.role === 'broker' && e.brokerName ? `broker ${e.brokerName}` : peerLabel(e.role);
    return { short: `${e.codeName} (${e.code}) from ${peer} ${e.address}${e.remark ? `: ${firstLine(e.remark)}` : ''}`, hint: hintForCode(e) };
  }
  if (e instanceof NameServerUnreachableError) {
    // One NameServer: say what happened to it, as for any transport failure. Several: each one's story.
    if (e.failures.length === 1 && e.notTried.length === 0) {
      const inner = describeFailure(e.failures[0].error, 'nameserver');
      return { short: inner.short, hint: inner.hint };
    }
    // In address order, so that two queries that failed alike read alike whatever order they tried.
    const each = [...e.failures].sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0))
      .map((f) => describeFailure(f.error, 'nameserver').short);
    if (e.notTried.length) each.push(`${e.notTried.join(', ')} not tried (the ${e.budgetMs} ms budget ran out)`);
    const last = e.failures[e.failures.length - 1];
    return { short: `no NameServer answered: ${each.join('; ')}`, hint: last ? describeFailure(last.error, 'nameserver').hint : undefined };
  }
  if (e instanceof MQClientError) {
    const cause = e.cause;
    if (cause instanceof TransportError || cause instanceof ResponseCodeError) {
      return { short: e.message, hint: describeFailure(cause, 'broker').hint };
    }
    return { short: e.message };
  }
  if (e instanceof CodecError) return { short: `could not decode the ${who}'s answer: ${e.message}`, hint: 'Show the raw frames in the log (RocketMQ output) to see what arrived.' };
  if (e instanceof Error) return { short: e.message };
  return { short: String(e) };
}

function stripAddress(msg: string): string {
  return msg.replace(/ \[[^\]]*\]$/, '');
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

function hintForCode(e: ResponseCodeError): string | undefined {
  const { codeName, remark } = e;
  if (isAclFailure(codeName, remark)) {
    return 'An ACL check failed: check the AccessKey in the connection profile and the SecretKey ("RocketMQ: Edit Connection"), and the user\'s permissions on the broker.';
  }
  if (codeName === 'TOPIC_NOT_EXIST') return 'The NameServer has no route for this topic: create it (mqadmin updateTopic) or enable autoCreateTopicEnable on a broker.';
  if (codeName === 'REQUEST_CODE_NOT_SUPPORTED') return 'This server does not serve this request (a 5.x Proxy does not serve admin codes).';
  if (codeName === 'SYSTEM_ERROR' && /disable/.test(remark ?? '')) return 'The NameServer has enableAllTopicList=false, so it does not list topics.';
  if (e.retryable) return `A passing state of the ${peerLabel(e.role)}: trying again later may succeed.`;
  return undefined;
}
