/**
 * The doctor's knowledge: what a known failure means and what to do about it, in one wording. The
 * capture rules (rules.ts) and the live answers — tree errors and send failures, worded by
 * src/app/routes/errors.ts — both take their cause and fix from here, so one failure reads the same
 * in the inspector, the CLI, a tree row and a send notification.
 *
 * Every function takes facts (a response code and remark, an address, sniffed bytes) and returns an
 * {@link Explanation}, or null when the facts are not a failure it knows.
 */
import type { PeerRole } from '../errors';
import { addressCaveat, classifyHost, hostOf } from './addresses';
import type { Sniffed } from './sniff';
import { aclRefusal, AclRefusal } from './acl';

/** The rules of the doctor (ids are stable: tests, JSON output and the inspector's filters use them). */
export type RuleId =
  | 'no-route' | 'unreachable-address' | 'wrong-protocol' | 'broker-busy' | 'acl-refused'
  | 'transaction-unfinished' | 'transaction-check-unanswered' | 'transaction-unknown-repeated' | 'transaction-group-mismatch'
  | 'subscription-mismatch' | 'pull-empty' | 'unanswered' | 'topic-forbidden' | 'request-not-supported';

export interface Explanation {
  rule: RuleId;
  /** One line: what happened. */
  title: string;
  /** Why it happens (what the broker, NameServer or client did). */
  cause: string;
  /** What to do. */
  fix: string;
}

// ---------------------------------------------------------------- ACL

export { aclRefusal } from './acl';
export type { AclRefusal } from './acl';

const ACL_TEXT: Record<AclRefusal, { title: string; cause: string; fix: string }> = {
  signature: {
    title: 'ACL: signature mismatch',
    cause: 'The broker\'s ACL check knows the AccessKey but computed a different Signature over the request: the SecretKey differs from the one the broker has for this account, or a field in the signed string (the sorted extFields and the body) changed after signing.',
    fix: 'Check the SecretKey of the connection profile ("RocketMQ: Edit Connection…") against the account on the broker (plain_acl.yml in 4.x, the user in 5.x); a proxy or client that rewrites header fields after signing breaks the signature too. The signature check recomputes it with a SecretKey you give and names the field that differs: "Check signature" on the refused request in the inspector, or `rocketmq-debugger acl-check FILE#N`.',
  },
  'unknown-access-key': {
    title: 'ACL: unknown AccessKey',
    cause: 'The broker\'s ACL has no account for the AccessKey in the request.',
    fix: 'Use an AccessKey the broker knows, or create the account (4.x: plain_acl.yml accounts; 5.x: mqadmin createUser).',
  },
  'no-credentials': {
    title: 'ACL: no credentials',
    cause: 'The request carries no AccessKey, and the broker has ACL enabled: unsigned requests are refused.',
    fix: 'Set an AccessKey and SecretKey in the connection profile ("RocketMQ: Edit Connection…").',
  },
  'no-permission': {
    title: 'ACL: no permission',
    cause: 'The ACL account is known and the signature is right, but it lacks the permission for this resource (PUB on the topic to send, SUB on the group to consume, admin for admin requests).',
    fix: 'Grant the account the permission (4.x: topicPerms / groupPerms or defaultTopicPerm in plain_acl.yml; 5.x: mqadmin createAcl / updateAcl), or use an account that has it.',
  },
  other: {
    title: 'ACL: refused',
    cause: 'The broker refused the request in its ACL check.',
    fix: 'Check the AccessKey and SecretKey of the connection profile and the account\'s permissions on the broker.',
  },
};

export function explainAcl(kind: AclRefusal): Explanation {
  return { rule: 'acl-refused', ...ACL_TEXT[kind] };
}

// ---------------------------------------------------------------- broker busy

/** Which flow control a busy answer is, from its remark's tag. */
export type BusyKind = 'timeout-clean-queue' | 'pc-synchronized' | 'pcbusy-clean-queue' | 'reject-request' | 'overload' | 'other';

/** SYSTEM_BUSY answers, and the SYSTEM_ERROR with `[PC_SYNCHRONIZED]` that 4.9 brokers send for the same cause. Null: not busy. */
export function busyKind(codeName: string, remark: string | null): BusyKind | null {
  const r = remark ?? '';
  if (r.includes('[TIMEOUT_CLEAN_QUEUE]')) return 'timeout-clean-queue';
  if (r.includes('[PC_SYNCHRONIZED]')) return 'pc-synchronized';
  if (r.includes('[PCBUSY_CLEAN_QUEUE]')) return 'pcbusy-clean-queue';
  if (r.includes('[REJECTREQUEST]')) return 'reject-request';
  if (r.includes('[OVERLOAD]')) return 'overload';
  if (codeName === 'SYSTEM_BUSY') return 'other';
  return null;
}

const BUSY_TEXT: Record<BusyKind, { title: string; cause: string; fix: string }> = {
  'timeout-clean-queue': {
    title: 'Broker busy: [TIMEOUT_CLEAN_QUEUE]',
    cause: 'Send requests waited in the broker\'s send queue longer than waitTimeMillsInSendQueue (default 200 ms) and were answered SYSTEM_BUSY without being stored: the broker cannot write as fast as clients send (slow disk, too few send threads, a long GC pause).',
    fix: 'Lower the send rate or spread it over more brokers; on the broker look at disk latency and GC; raising waitTimeMillsInSendQueue only hides it. Java producers do not retry this code in 4.x (5.x do): the caller sees the error.',
  },
  'pc-synchronized': {
    title: 'Broker busy: [PC_SYNCHRONIZED]',
    cause: 'The broker held the commit log\'s write lock longer than osPageCacheBusyTimeOutMills (default 1 s): the OS page cache is busy (memory pressure, dirty-page flushing) and the broker refuses writes until it recovers. 4.9 brokers answer it as SYSTEM_ERROR, 5.x as SYSTEM_BUSY.',
    fix: 'Look at the broker machine\'s memory and disk (free memory, page-cache flushing, swap); consider transientStorePoolEnable or faster disks, and spread the load over more brokers.',
  },
  'pcbusy-clean-queue': {
    title: 'Broker busy: [PCBUSY_CLEAN_QUEUE]',
    cause: 'While the page cache was busy, the broker emptied its send queue, answering the waiting requests SYSTEM_BUSY.',
    fix: 'As for [PC_SYNCHRONIZED]: memory and disk of the broker machine; spread the load.',
  },
  'reject-request': {
    title: 'Broker busy: [REJECTREQUEST]',
    cause: 'The broker rejects new send requests before queueing them because its page cache is busy (or its transient store pool is exhausted).',
    fix: 'Memory and disk of the broker machine; spread the load over more brokers.',
  },
  overload: {
    title: 'Broker busy: [OVERLOAD]',
    cause: 'The broker\'s thread pool for this request kind was full (sendThreadPoolQueueCapacity and its peers) and the request was refused at once.',
    fix: 'Lower the request rate, or raise the pool\'s threads or queue capacity on the broker if the machine has room.',
  },
  other: {
    title: 'Broker busy',
    cause: 'The broker answered SYSTEM_BUSY: flow control, it refuses work for a while.',
    fix: 'Lower the rate and retry later; look at the broker\'s load.',
  },
};

export function explainBusy(kind: BusyKind): Explanation {
  return { rule: 'broker-busy', ...BUSY_TEXT[kind] };
}

// ---------------------------------------------------------------- routes

/** What a capture or a producer knows about TBW102, the route template of auto-created topics. */
export type DefaultTopicState = 'writable' | 'not-writable' | 'missing' | 'unknown';

/**
 * "No route info of this topic". `topic`: the topic; `defaultTopic`: what the TBW102 route showed —
 * writable on some broker (auto-creation is on there), listed without a writable queue, missing
 * (autoCreateTopicEnable is off on every broker), or not looked up.
 */
export function explainNoRoute(topic: string, defaultTopic: DefaultTopicState, autoCreateBrokers: readonly string[] = []): Explanation {
  const title = `No route info of topic ${topic}`;
  const base = `The NameServer has no route for ${topic}: no broker has registered it.`;
  switch (defaultTopic) {
    case 'writable':
      return {
        rule: 'no-route', title,
        cause: `${base} TBW102 is in the NameServer's routes with writable queues (on ${autoCreateBrokers.join(', ') || 'some broker'}): those brokers run with autoCreateTopicEnable=true, so a producer sends there and the broker creates ${topic} on the first message (with defaultTopicQueueNums queues). Consumers and admin tools still see no route until a broker has registered the new topic.`,
        fix: `Nothing blocks a send. For production, create the topic explicitly (mqadmin updateTopic -t ${topic} -c <cluster>) with the queues and permissions you want, and turn autoCreateTopicEnable off.`,
      };
    case 'not-writable':
      return {
        rule: 'no-route', title,
        cause: `${base} TBW102 is listed, but without a writable queue, so a producer cannot fall back to auto-creation.`,
        fix: `Create the topic: mqadmin updateTopic -t ${topic} -c <cluster> (or -b <broker address>).`,
      };
    case 'missing':
      return {
        rule: 'no-route', title,
        cause: `${base} TBW102 has no route either: autoCreateTopicEnable is off on every broker, so a producer cannot create ${topic} by sending to it.`,
        fix: `Create the topic: mqadmin updateTopic -t ${topic} -c <cluster> (or -b <broker address>); or enable autoCreateTopicEnable on a broker (not recommended in production). Check the spelling and the namespace too.`,
      };
    default:
      return {
        rule: 'no-route', title,
        cause: base,
        fix: `Create the topic (mqadmin updateTopic -t ${topic} -c <cluster>) or enable autoCreateTopicEnable on a broker. Check the spelling and the namespace.`,
      };
  }
}

/** A send answered TOPIC_NOT_EXIST by the broker itself ("topic[x] not exist, apply first please!"). */
export function explainBrokerTopicNotExist(topic: string, broker: string): Explanation {
  return {
    rule: 'no-route',
    title: `Broker ${broker} does not have topic ${topic}`,
    cause: `The producer had a route for ${topic} (perhaps the TBW102 template), but ${broker} has no such topic and does not create it: its autoCreateTopicEnable is off, or the send did not name TBW102 as its default topic.`,
    fix: `Create the topic on that broker (mqadmin updateTopic -t ${topic} -b ${broker}) or on its cluster (-c <cluster>).`,
  };
}

// ---------------------------------------------------------------- other broker answers

export function explainTopicForbidden(remark: string | null): Explanation {
  return {
    rule: 'topic-forbidden',
    title: 'Sending is forbidden by permissions',
    cause: `The broker's own permission bits refuse it: ${firstLine(remark) || 'the broker or the topic is not writable'} (brokerPermission, or the topic's perm without W).`,
    fix: 'Make the topic writable (mqadmin updateTopicPerm -t <topic> -p 6 -c <cluster>) or the broker (mqadmin updateBrokerConfig -k brokerPermission -v 6).',
  };
}

export function explainNotSupported(role: PeerRole): Explanation {
  return {
    rule: 'request-not-supported',
    title: `The ${role === 'nameserver' ? 'NameServer' : 'server'} does not serve this request`,
    cause: 'This server does not serve this request code: a 5.x Proxy in remoting mode answers only client requests (send, pull, heartbeat, routes), not admin codes; an older broker does not know newer codes.',
    fix: 'Send admin requests to the broker or NameServer directly, not through the Proxy.',
  };
}

/**
 * A broker's or NameServer's failure answer explained, or null when the doctor knows nothing more than
 * its code and remark say. `topic`: the topic of the request, when known.
 */
export function explainResponse(a: { codeName: string; remark: string | null; role: PeerRole; topic?: string; brokerName?: string; address?: string }): Explanation | null {
  const acl = aclRefusal(a.codeName, a.remark);
  if (acl) return explainAcl(acl);
  const busy = busyKind(a.codeName, a.remark);
  if (busy) return explainBusy(busy);
  switch (a.codeName) {
    case 'TOPIC_NOT_EXIST':
      if (a.role === 'broker') return explainBrokerTopicNotExist(a.topic ?? topicFromRemark(a.remark) ?? 'the topic', a.brokerName ?? a.address ?? 'the broker');
      return explainNoRoute(a.topic ?? topicFromRemark(a.remark) ?? 'the topic', 'unknown');
    case 'NO_PERMISSION':
      return /forbidden/.test(a.remark ?? '') ? explainTopicForbidden(a.remark) : null;
    case 'REQUEST_CODE_NOT_SUPPORTED':
      return explainNotSupported(a.role);
    default:
      return null;
  }
}

/** "No topic route info in name server for the topic: T" and "topic[T] not exist, apply first please!". */
export function topicFromRemark(remark: string | null): string | undefined {
  const r = remark ?? '';
  return /for the topic: ?(\S+)/.exec(r)?.[1] ?? /topic\[([^\]]+)\] not exist/.exec(r)?.[1];
}

// ---------------------------------------------------------------- connections

/** An advertised address that a client could not reach, or may not be able to reach (`attempts`: what the capture saw). */
export function explainAddress(address: string, broker: string, seen: { refused?: number; unanswered?: number; clientIsLocal?: boolean; vip?: boolean }): Explanation {
  const cls = classifyHost(hostOf(address));
  const what = seen.vip ? `the VIP channel ${address} (listen port − 2) of ${broker}` : `${broker} at ${address}`;
  const attempts: string[] = [];
  if (seen.refused) attempts.push(`${seen.refused} connection attempt(s) refused (RST: nothing listens there)`);
  if (seen.unanswered) attempts.push(`${seen.unanswered} connection attempt(s) never answered (no SYN-ACK: a firewall drops them, or the address is not routed)`);
  const caveat = seen.clientIsLocal && cls === 'loopback' ? null : addressCaveat(address, false);
  const cause = [
    attempts.length ? `Clients tried to reach ${what}: ${attempts.join('; ')}.` : `The route tells clients to connect to ${what}.`,
    caveat ?? '',
    seen.vip ? 'Java clients up to 4.4 (and any with vipChannelEnabled on) send to the VIP port; the broker listens there only when its fast channel is started and the port is open.' : '',
  ].filter(Boolean).join(' ');
  const fix = seen.vip
    ? 'Turn the VIP channel off in the client (vipChannelEnabled=false, or -Dcom.rocketmq.sendMessageWithVIPChannel=false), or open listen port − 2 on the broker.'
    : cls === 'loopback' || cls === 'docker-bridge' || cls === 'private' || cls === 'unspecified' || cls === 'link-local'
      ? 'Set brokerIP1 in the broker configuration to an address the clients can reach (the host\'s address, with the port published when the broker runs in a container), restart the broker, and check that the route shows it.'
      : 'Check that the broker runs and listens on that address, and that firewalls between client and broker let the port through ("Check Connectivity" on the broker in the Topic Routes view probes it from here).';
  return { rule: 'unreachable-address', title: `Advertised address ${address} of ${broker}${attempts.length ? ' not reachable' : ' may not be reachable'}`, cause, fix };
}

/**
 * A connection direction that carried another protocol. `from`: which side sent the bytes; `server`:
 * the endpoint the client connected to.
 */
export function explainProtocol(sniffed: Sniffed, from: 'client' | 'server', server: string): Explanation {
  const what = sniffed.detail;
  const title = `Not RocketMQ remoting on ${server}: ${from === 'client' ? 'the client sent' : 'the server answered'} ${shortProtocol(sniffed)}`;
  let cause: string;
  let fix: string;
  switch (sniffed.protocol) {
    case 'http2-preface':
      cause = `The client opened the connection with ${what}: it is a gRPC client (a RocketMQ 5 client of apache/rocketmq-clients) talking to a remoting port, which reads the bytes as a frame length and closes.`;
      fix = `Point gRPC clients at the Proxy's gRPC port (8081 by default), and remoting clients (4.x clients, rocketmq-spring, admin tools) at the NameServer (9876) or the Proxy's remoting port (8080).`;
      break;
    case 'http2-frames':
      cause = `The server answered with ${what}: it speaks HTTP/2 — a RocketMQ 5 Proxy's gRPC port (8081 by default), or another gRPC/HTTP/2 server — not the remoting protocol.`;
      fix = `Use the NameServer address (9876 by default) or the Proxy's remoting port (remotingListenPort, 8080 by default) for a remoting client; gRPC clients (rocketmq-clients 5.x) use the gRPC port.`;
      break;
    case 'tls-client-hello':
      cause = `The client began a TLS handshake (${what}) but the server ${from === 'client' ? 'does not speak TLS on this port: it reads the record as a remoting frame and closes' : 'answered with'}. TLS is on in the client and off (or not required) on the server.`;
      fix = 'Turn TLS off in the client (Java: -Dtls.enable=false, or useTLS=false), or enable TLS on the server (tls.server.mode=permissive or enforcing, with certificates).';
      break;
    case 'tls-server-hello': case 'tls-alert': case 'tls-record':
      cause = `The server speaks TLS (${what}) and the client sent plain remoting frames: TLS is required by the server (tls.server.mode=enforcing, or a TLS-terminating proxy in front) and off in the client.`;
      fix = 'Turn TLS on in the client (Java: -Dtls.enable=true / setUseTLS(true); for this extension, a TLS connection is not supported yet — connect to a plain port), or let the server accept plain connections (tls.server.mode=permissive).';
      break;
    case 'http1-request':
      cause = `The client sent ${what}: an HTTP client (a browser, curl, a health check or a dashboard) on a remoting port.`;
      fix = 'Remoting ports speak RocketMQ\'s binary protocol only: use the dashboard\'s HTTP port for HTTP, or a TCP health check for the broker\'s port.';
      break;
    case 'http1-response':
      cause = `The server answered with ${what}: it is an HTTP server (a dashboard, a load balancer, a proxy), not a RocketMQ NameServer or broker.`;
      fix = 'Check the port: NameServers listen on 9876 by default, brokers on 10911, a 5.x Proxy\'s remoting port on 8080.';
      break;
    case 'ssh':
      cause = `The server is an SSH server (${what}).`;
      fix = 'Check the port: NameServers listen on 9876 by default, brokers on 10911.';
      break;
    default:
      cause = `The ${from} sent ${what}, which is not a RocketMQ remoting frame (a 4-byte length, then a header length whose top byte is 0 for JSON or 1 for ROCKETMQ).`;
      fix = 'Check that both ends speak RocketMQ remoting on this port (not another service, not TLS on one side only).';
  }
  return { rule: 'wrong-protocol', title, cause, fix };
}

/** The server closed the connection after the client's frames without sending a byte. */
export function explainSilentClose(server: string): Explanation {
  return {
    rule: 'wrong-protocol',
    title: `${server} closed the connection without answering`,
    cause: `The client sent remoting frames and ${server} closed the connection without sending a single byte. A server that requires TLS (tls.server.mode=enforcing, or a TLS-terminating proxy) closes a plain connection this way; so does a server that does not speak remoting, or one that refuses this client (a connection limit, an address allow list).`,
    fix: 'If the server expects TLS, turn TLS on in the client (Java: -Dtls.enable=true) or let the server accept plain connections (tls.server.mode=permissive); otherwise check that the address is a NameServer, broker or Proxy remoting port, and look at the server\'s log for why it closed.',
  };
}

function shortProtocol(s: Sniffed): string {
  switch (s.protocol) {
    case 'http2-preface': case 'http2-frames': return 'HTTP/2';
    case 'tls-client-hello': return 'a TLS ClientHello';
    case 'tls-server-hello': case 'tls-record': return 'TLS';
    case 'tls-alert': return 'a TLS alert';
    case 'http1-request': return 'an HTTP request';
    case 'http1-response': return 'an HTTP response';
    case 'ssh': return 'SSH';
    default: return 'unknown bytes';
  }
}

/** Requests that got no answer (a capture) or timed out (live). */
export function explainUnanswered(requestName: string, peer: string, count: number, lateCount = 0): Explanation {
  return {
    rule: 'unanswered',
    title: `${requestName}: ${count} request(s) to ${peer} ${lateCount ? 'answered late or not at all' : 'not answered'}`,
    cause: `The ${peer.startsWith('NameServer') ? 'NameServer' : 'server'} did not answer ${count - lateCount} request(s) while the capture ran${lateCount ? `, and answered ${lateCount} after the client's usual 3 s timeout (Java's default; the client had given up and dropped the answer)` : ''}: it is overloaded or paused (GC, a stopped process), the connection is half dead, or the request was lost with a reset connection.`,
    fix: 'Look at the server at that time (GC logs, CPU, thread pools); on the client side the requests surface as timeouts. If only one connection is affected, the connection died: clients reconnect after closing it.',
  };
}

function firstLine(s: string | null): string {
  return (s ?? '').split('\n')[0].trim();
}

/** For the inspector and the CLI: whether an address is loopback (the client runs on the broker's machine then). */
export function isLoopbackHost(host: string): boolean {
  return classifyHost(host) === 'loopback';
}
