/**
 * "Check connectivity" for a broker address: classify what the broker advertises and turn TCP probe
 * results into plain words. The classification and wording of addresses is the doctor's
 * (src/core/doctor/addresses.ts), shared with the capture doctor. Pure except `probeTcp`.
 */
import * as net from 'node:net';
import { parseAddress } from '../../core/transport/address';
import { AddressClass, addressCaveat, classifyHost, vipCaveat } from '../../core/doctor/addresses';

export { classifyHost, vipAddress } from '../../core/doctor/addresses';
export type { AddressClass } from '../../core/doctor/addresses';

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
  const caveat = addressCaveat(input.address, main.ok);
  if (caveat) lines.push(caveat);
  if (vip) lines.push(vipCaveat(vip.address, vip.ok, vip.error));
  return { address: input.address, brokerName: input.brokerName, role: input.role, addressClass: cls, main, vip, lines, ok: main.ok };
}
