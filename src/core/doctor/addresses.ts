/**
 * What an address a broker advertises (brokerIP1, in routes and cluster info) means to a client on
 * another machine. One classification and one wording for "Check Connectivity" in the Topic Routes
 * view (live probes) and for the capture doctor (routes and connection attempts in a capture).
 */
import { parseAddress } from '../transport/address';

export type AddressClass = 'loopback' | 'docker-bridge' | 'private' | 'link-local' | 'unspecified' | 'public' | 'hostname';

export function classifyHost(host: string): AddressClass {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (!m) {
    if (host === '::1') return 'loopback';
    if (host === 'localhost') return 'loopback';
    if (/^fe80:/i.test(host)) return 'link-local';
    if (/^f[cd]/i.test(host)) return 'private';
    if (host === '::') return 'unspecified';
    return host.includes(':') ? 'public' : 'hostname';
  }
  const [a, b] = [Number(m[1]), Number(m[2])];
  if (a === 127) return 'loopback';
  if (a === 0) return 'unspecified';
  if (a === 172 && b === 17) return 'docker-bridge';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  return 'public';
}

/** The VIP ("fast") channel: listenPort − 2 (Java clients ≤ 4.4 used it by default). */
export function vipAddress(address: string): string | undefined {
  try {
    const { host, port } = parseAddress(address);
    if (port <= 2) return undefined;
    return host.includes(':') ? `[${host}]:${port - 2}` : `${host}:${port - 2}`;
  } catch { return undefined; }
}

export function hostOf(address: string): string {
  try { return parseAddress(address).host; } catch { return ''; }
}

function portOf(address: string): string {
  try { return String(parseAddress(address).port); } catch { return '<port>'; }
}

/**
 * Why an advertised address may not be reachable from another machine, or null when its class says
 * nothing (a public address or a host name). `reachedOk`: this client did reach it (then a private
 * address needs no words).
 */
export function addressCaveat(address: string, reachedOk = false): string | null {
  const host = hostOf(address);
  switch (classifyHost(host)) {
    case 'loopback':
      return `${host} is a loopback address: it means "the same machine" to whoever connects. The broker advertises it to the NameServer, so every client is told to connect to itself — this only works when the client runs on the broker's machine. For remote clients set brokerIP1 in the broker configuration to an address they can reach.`;
    case 'docker-bridge':
      return `${host} looks like a Docker bridge address (172.17.x.x): it exists only inside the Docker host. Clients outside need the broker to advertise the host's address (set brokerIP1), and the port must be published (-p ${portOf(address)}:${portOf(address)}).`;
    case 'private':
      return reachedOk ? null : `${host} is a private network address: it is reachable only from inside that network (a VPN, the same VPC or Kubernetes cluster). If the broker runs in a container or pod, it advertises its internal address; set brokerIP1 to an address this machine can reach.`;
    case 'unspecified':
      return `${host} is not a real destination: the broker advertises an unspecified address. Set brokerIP1.`;
    case 'link-local':
      return `${host} is a link-local address, valid only on one network segment.`;
    default:
      return null;
  }
}

/** What the VIP channel is and when it matters; `reachable` from the probe or the capture. */
export function vipCaveat(vip: string, reachable: boolean, error?: string): string {
  return reachable
    ? `The VIP channel ${vip} (listen port − 2, used by default by Java clients up to 4.4 and when vipChannelEnabled is on) is reachable too.`
    : `The VIP channel ${vip} (listen port − 2) is not reachable${error ? ` (${error})` : ''}. Modern clients do not need it; Java clients ≤ 4.4 use it by default — turn it off there with vipChannelEnabled=false (or -Dcom.rocketmq.sendMessageWithVIPChannel=false).`;
}
