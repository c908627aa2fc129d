/**
 * Errors in words a user can act on, with protocol context (address, code name, remark).
 * Pure (no `vscode`); used for error tree nodes, notifications and the log. Branches on the core's one
 * hierarchy (src/core/errors.ts): a ResponseCodeError says itself who answered; `role` names the peer
 * for the other errors (who could not be reached, whose answer did not decode). What a known failure
 * means and how to fix it is the doctor's (src/core/doctor/explain.ts), the same words the capture
 * doctor uses for the same failure in a capture.
 */
import { PeerRole, ResponseCodeError, peerLabel } from '../../core/errors';
import { DefaultTopicState, Explanation, explainNoRoute, explainProtocol, explainResponse, sniffProtocol } from '../../core/doctor';
import { CodecError } from '../../core/remoting';
import { TransportError } from '../../core/transport';
import { MQClientError, NameServerUnreachableError } from '../../core/producer';

export type { PeerRole } from '../../core/errors';

export interface FailureText {
  /** One line for a tree node label or a notification. */
  short: string;
  /** What to check, for the tooltip and the log (the doctor's cause and fix when it knows the failure). */
  hint?: string;
  /** The doctor's explanation (rule, cause, fix), when it knows this failure. */
  explanation?: Explanation;
}

const fromDoctor = (ex: Explanation): Pick<FailureText, 'hint' | 'explanation'> => ({ hint: `${ex.cause} ${ex.fix}`, explanation: ex });

/** `topic`: the topic the failed request was about, when the caller knows it (names it in the explanation). */
export function describeFailure(e: unknown, role: PeerRole, topic?: string): FailureText {
  const who = peerLabel(role);
  if (e instanceof TransportError) {
    const a = e.address;
    // the peer answered in another protocol before the connection failed: say which
    const received = e.received ?? (e.cause instanceof TransportError ? e.cause.received : undefined);
    if (received?.length && (e.kind === 'closed' || e.kind === 'protocol' || e.kind === 'timeout')) {
      const sniffed = sniffProtocol(received);
      if (sniffed.protocol !== 'unknown') {
        return { short: `${who} ${a} does not speak RocketMQ remoting: it answered with ${sniffed.detail}`, ...fromDoctor(explainProtocol(sniffed, 'server', a)) };
      }
    }
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
    const short = `${e.codeName} (${e.code}) from ${peer} ${e.address}${e.remark ? `: ${firstLine(e.remark)}` : ''}`;
    const ex = explainResponse({ codeName: e.codeName, remark: e.remark, role: e.role, brokerName: e.brokerName, address: e.address, topic });
    return ex ? { short, ...fromDoctor(ex) } : { short, hint: hintForCode(e) };
  }
  if (e instanceof NameServerUnreachableError) {
    // One NameServer: say what happened to it, as for any transport failure. Several: each one's story.
    if (e.failures.length === 1 && e.notTried.length === 0) {
      return describeFailure(e.failures[0].error, 'nameserver');
    }
    // In address order, so that two queries that failed alike read alike whatever order they tried.
    const each = [...e.failures].sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0))
      .map((f) => describeFailure(f.error, 'nameserver').short);
    if (e.notTried.length) each.push(`${e.notTried.join(', ')} not tried (the ${e.budgetMs} ms budget ran out)`);
    const last = e.failures[e.failures.length - 1];
    return { short: `no NameServer answered: ${each.join('; ')}`, hint: last ? describeFailure(last.error, 'nameserver').hint : undefined };
  }
  if (e instanceof MQClientError) {
    if (e.rule === 'NO_ROUTE' && e.context?.topic) return { short: e.message, ...fromDoctor(explainNoRoute(e.context.topic, (e.context.defaultTopic ?? 'unknown') as DefaultTopicState)) };
    const cause = e.cause;
    if (cause instanceof TransportError || cause instanceof ResponseCodeError) {
      const inner = describeFailure(cause, 'broker', topic);
      return { short: e.message, hint: inner.hint, ...(inner.explanation ? { explanation: inner.explanation } : {}) };
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

/** Codes the doctor has no rule for (explain.ts covers ACL, busy, missing topics, forbidden sends, unsupported requests). */
function hintForCode(e: ResponseCodeError): string | undefined {
  const { codeName, remark } = e;
  if (codeName === 'SYSTEM_ERROR' && /disable/.test(remark ?? '')) return 'The NameServer has enableAllTopicList=false, so it does not list topics.';
  if (e.retryable) return `A passing state of the ${peerLabel(e.role)}: trying again later may succeed.`;
  return undefined;
}
