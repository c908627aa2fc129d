// Free TCP ports for the test cluster. Picked from 20000-31999, below Linux's ephemeral range
// (32768-60999), so that outgoing connections cannot grab them between the check and the JVM's bind.
import { createServer } from 'node:net';

const reserved = new Set<number>();

function isFree(port: number): Promise<boolean> {
  if (port < 1024 || port > 65535 || reserved.has(port)) return Promise.resolve(false);
  return new Promise((res) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => res(false));
    // The 4.9 broker binds the wildcard address, so check the wildcard (it conflicts with 127.0.0.1 too).
    srv.listen({ port, host: '0.0.0.0', exclusive: true }, () => srv.close(() => res(true)));
  });
}

/**
 * Reserves a port p such that every p+offset is free, e.g. [0, -2, 1] for a broker (listen port, the
 * VIP port listenPort-2 the broker opens as well, and the HA port). Returns p.
 */
export async function reservePorts(offsets: number[] = [0]): Promise<number> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 12000);
    const ports = offsets.map((o) => base + o);
    if (ports.some((p) => reserved.has(p))) continue;
    let ok = true;
    for (const p of ports) {
      if (!(await isFree(p))) {
        ok = false;
        break;
      }
    }
    if (!ok || ports.some((p) => reserved.has(p))) continue;
    for (const p of ports) reserved.add(p);
    return base;
  }
  throw new Error('could not find free TCP ports on 127.0.0.1');
}

export function releasePorts(ports: number[]): void {
  for (const p of ports) reserved.delete(p);
}
