/**
 * The capture filters (BPF, the language dumpcap and tcpdump compile) a live capture offers: the
 * ports of a connection's NameServers and brokers — with each broker's VIP port, listen port − 2,
 * which older clients use (docs/protocol.md) — or all TCP; anything else the user types is checked by
 * the tool itself (tool-commands.ts validateFilter).
 *
 * Plain Node: no vscode import.
 */
import { parseAddress } from '../../core/transport/address';

export const ALL_TCP_FILTER = 'tcp';

export interface PortsFilter {
  filter: string;
  /** The ports, ascending, each with what it is. */
  ports: { port: number; what: string }[];
}

/**
 * `tcp port A or tcp port B …` for the NameServer addresses and broker addresses given (a broker's
 * VIP port is added). Addresses that do not parse are skipped; null when none is left.
 */
export function rocketmqPortsFilter(nameServers: string[], brokers: string[]): PortsFilter | null {
  const what = new Map<number, string>();
  const add = (port: number, label: string) => { if (port > 0 && port < 65536 && !what.has(port)) what.set(port, label); };
  for (const a of nameServers) { const hp = tryParse(a); if (hp) add(hp.port, `NameServer ${a}`); }
  for (const a of brokers) {
    const hp = tryParse(a);
    if (!hp) continue;
    add(hp.port, `broker ${a}`);
    add(hp.port - 2, `VIP port of broker ${a}`);
  }
  if (what.size === 0) return null;
  const ports = [...what].map(([port, w]) => ({ port, what: w })).sort((a, b) => a.port - b.port);
  return { filter: ports.map((p) => `tcp port ${p.port}`).join(' or '), ports };
}

function tryParse(a: string): { host: string; port: number } | null {
  try { return parseAddress(a.trim()); } catch { return null; }
}

/** Whether every address is on this machine's loopback (then `lo` is the interface to capture on). */
export function allLoopback(addresses: string[]): boolean {
  return addresses.length > 0 && addresses.every((a) => {
    const hp = tryParse(a);
    return !!hp && (/^127\./.test(hp.host) || hp.host === '::1' || hp.host === 'localhost');
  });
}
