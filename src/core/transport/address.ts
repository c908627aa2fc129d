import { TransportError } from './errors';

export interface HostPort { host: string; port: number }

/** `host:port`, `[v6]:port`, or Java's bare `v6:port` (last colon splits). */
export function parseAddress(address: string): HostPort {
  const a = address.trim();
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(a) ?? /^(.+):(\d+)$/.exec(a);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !m[1] || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TransportError('invalid-address', `"${address}" is not a host:port address`, address);
  }
  return { host: m[1], port };
}

/** `host:port;host:port` as NameServer lists are written (Java also accepts commas). */
export function parseAddressList(list: string): string[] {
  const parts = list.split(/[;,]/).map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new TransportError('invalid-address', 'the NameServer list is empty', list);
  for (const p of parts) parseAddress(p);
  return parts;
}
