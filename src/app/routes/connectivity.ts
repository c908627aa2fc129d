/**
 * "Check connectivity" for a broker address: classify what the broker advertises and turn TCP probe
 * results into plain words (product.md §3 "connectivity doctor"). Pure except `probeTcp`.
 */
import * as net from 'node:net';
import { parseAddress } from '../../core/transport/address';

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

export interface ProbeResult {
  address: string;
  ok: boolean;
  /** `ECONNREFUSED`, `timeout`, … when not ok. */
  error?: string;
  millis: number;
}

export function probeTcp(address: string, timeoutMs = 3000): Promise<ProbeResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let hp;
    try { hp = parseAddress(address); } catch (e) {
      resolve({ address, ok: false, error: e instanceof Error ? e.message : String(e), millis: 0 });
      return;
    }
    const s = net.connect({ host: hp.host, port: hp.port });
    const done = (r: ProbeResult) => { clearTimeout(timer); s.destroy(); resolve(r); };
    const timer = setTimeout(() => done({ address, ok: false, error: 'timeout', millis: Date.now() - started }), timeoutMs);
    s.once('connect', () => done({ address, ok: true, millis: Date.now() - started }));
    s.once('error', (e: NodeJS.ErrnoException) => done({ address, ok: false, error: e.code ?? e.message, millis: Date.now() - started }));
  });
}

/** The VIP ("fast") channel: listenPort − 2 (Java clients ≤ 4.4 used it by default). */
export function vipAddress(address: string): string | undefined {
  try {
    const { host, port } = parseAddress(address);
    if (port <= 2) return undefined;
    return host.includes(':') ? `[${host}]:${port - 2}` : `${host}:${port - 2}`;
  } catch { return undefined; }
}

export interface ConnectivityReport {
  address: string;
  brokerName: string;
  role: string;
  addressClass: AddressClass;
  main: ProbeResult;
  vip?: ProbeResult;
  /** Plain-language lines for the user, most important first. */
  lines: string[];
  ok: boolean;
}

/** Builds the explanation from the probe results (pure, unit-tested). */
export function explainConnectivity(input: { address: string; brokerName: string; role: string; main: ProbeResult; vip?: ProbeResult; nameServerHosts?: string[] }): ConnectivityReport {
  let host = '';
  try { host = parseAddress(input.address).host; } catch { /* stays '' */ }
  const cls = classifyHost(host);
  const lines: string[] = [];
  const { main, vip } = input;
  if (main.ok) lines.push(`This machine can open a TCP connection to ${input.brokerName} (${input.role}) at ${input.address} (${main.millis} ms).`);
  else {
    const why = main.error === 'ECONNREFUSED' ? 'the connection was refused (nothing listens on that port here)'
      : main.error === 'timeout' ? 'no answer in time (a firewall drops the packets, or the address is not routed from here)'
      : main.error === 'EHOSTUNREACH' || main.error === 'ENETUNREACH' ? 'the network says the host is unreachable from here'
      : `the connection failed (${main.error})`;
    lines.push(`This machine cannot reach ${input.brokerName} (${input.role}) at ${input.address}: ${why}.`);
  }
  switch (cls) {
    case 'loopback':
      lines.push(`${host} is a loopback address: it means "the same machine" to whoever connects. The broker advertises it to the NameServer, so every client is told to connect to itself — this only works when the client runs on the broker's machine. For remote clients set brokerIP1 in the broker configuration to an address they can reach.`);
      break;
    case 'docker-bridge':
      lines.push(`${host} looks like a Docker bridge address (172.17.x.x): it exists only inside the Docker host. Clients outside need the broker to advertise the host's address (set brokerIP1), and the port must be published (-p ${safePort(input.address)}:${safePort(input.address)}).`);
      break;
    case 'private':
      if (!main.ok) lines.push(`${host} is a private network address: it is reachable only from inside that network (a VPN, the same VPC or Kubernetes cluster). If the broker runs in a container or pod, it advertises its internal address; set brokerIP1 to an address this machine can reach.`);
      break;
    case 'unspecified':
      lines.push(`${host} is not a real destination: the broker advertises an unspecified address. Set brokerIP1.`);
      break;
    case 'link-local':
      lines.push(`${host} is a link-local address, valid only on one network segment.`);
      break;
    default:
      break;
  }
  if (vip) {
    if (vip.ok) lines.push(`The VIP channel ${vip.address} (listen port − 2, used by default by Java clients up to 4.4 and when vipChannelEnabled is on) is reachable too.`);
    else lines.push(`The VIP channel ${vip.address} (listen port − 2) is not reachable (${vip.error}). Modern clients do not need it; Java clients ≤ 4.4 use it by default — turn it off there with vipChannelEnabled=false (or -Dcom.rocketmq.sendMessageWithVIPChannel=false).`);
  }
  return { address: input.address, brokerName: input.brokerName, role: input.role, addressClass: cls, main, vip, lines, ok: main.ok };
}

function safePort(address: string): string {
  try { return String(parseAddress(address).port); } catch { return '<port>'; }
}
