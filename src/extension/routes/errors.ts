/**
 * Errors in words a user can act on, with protocol context (address, code name, remark).
 * Pure (no `vscode`); used for error tree nodes, notifications and the log.
 */
import { CodecError } from '../../core/remoting';
import { RemotingResponseError, TransportError } from '../../core/transport';
import { MQBrokerError, MQClientError, MQNameServerError } from '../../core/producer';

export type PeerRole = 'NameServer' | 'broker';

export interface FailureText {
  /** One line for a tree node label or a notification. */
  short: string;
  /** What to check, for the tooltip and the log. */
  hint?: string;
}

export function describeFailure(e: unknown, role: PeerRole): FailureText {
  if (e instanceof TransportError) {
    const a = e.address;
    switch (e.kind) {
      case 'connect-refused': return { short: `${role} ${a} refused the connection`, hint: `Nothing listens on ${a}. Is the ${role} running, and is this the right port?` };
      case 'connect-timeout': return { short: `${role} ${a} did not accept a connection in time`, hint: 'A firewall may drop the packets, or the address is not routed from this machine.' };
      case 'connect-failed': return { short: `cannot connect to ${role} ${a}: ${stripAddress(e.message)}`, hint: 'Check the host name and the network.' };
      case 'timeout': return { short: `${role} ${a} did not answer in time`, hint: stripAddress(e.message) };
      case 'closed': return { short: `${role} ${a} closed the connection`, hint: `${stripAddress(e.message)}. A ${role} that closes at once may be speaking another protocol (TLS, a 5.x Proxy in gRPC mode) or refusing this client.` };
      case 'protocol': return { short: `${role} ${a} sent something that is not RocketMQ remoting`, hint: stripAddress(e.message) };
      case 'invalid-address': return { short: `"${a}" is not a host:port address` };
    }
  }
  if (e instanceof RemotingResponseError) {
    return { short: `${e.codeName} (${e.code}) from ${role} ${e.address}${e.remark ? `: ${firstLine(e.remark)}` : ''}`, hint: hintForCode(e.codeName, e.remark) };
  }
  if (e instanceof MQNameServerError) {
    return { short: `${e.codeName} (${e.code}) from NameServer ${e.nameServerAddr}${e.remark ? `: ${firstLine(e.remark)}` : ''}`, hint: hintForCode(e.codeName, e.remark) };
  }
  if (e instanceof MQBrokerError) {
    return { short: `${e.codeName} (${e.code}) from broker ${e.brokerName ?? ''} ${e.brokerAddr}${e.remark ? `: ${firstLine(e.remark)}` : ''}`.replace(/ {2}/g, ' '), hint: hintForCode(e.codeName, e.remark) };
  }
  if (e instanceof MQClientError) {
    const cause = e.cause;
    if (cause instanceof TransportError || cause instanceof MQBrokerError) {
      const inner = describeFailure(cause, cause instanceof TransportError ? 'broker' : 'broker');
      return { short: e.message, hint: inner.hint };
    }
    return { short: e.message };
  }
  if (e instanceof CodecError) return { short: `could not decode the ${role}'s answer: ${e.message}`, hint: 'Show the raw frames in the log (RocketMQ output) to see what arrived.' };
  if (e instanceof Error) return { short: e.message };
  return { short: String(e) };
}

function stripAddress(msg: string): string {
  return msg.replace(/ \[[^\]]*\]$/, '');
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

function hintForCode(codeName: string, remark: string | null): string | undefined {
  if (/NO_PERMISSION|ACCESS|ACL|SIGNATURE|AUTH/i.test(codeName) || /signature|accessKey|no permission/i.test(remark ?? '')) {
    return 'An ACL check failed: check the AccessKey in the connection profile and the SecretKey ("RocketMQ: Edit Connection"), and the user\'s permissions on the broker.';
  }
  if (codeName === 'TOPIC_NOT_EXIST') return 'The NameServer has no route for this topic: create it (mqadmin updateTopic) or enable autoCreateTopicEnable on a broker.';
  if (codeName === 'REQUEST_CODE_NOT_SUPPORTED') return 'This server does not serve this request (a 5.x Proxy does not serve admin codes).';
  if (codeName === 'SYSTEM_ERROR' && /disable/.test(remark ?? '')) return 'The NameServer has enableAllTopicList=false, so it does not list topics.';
  return undefined;
}
