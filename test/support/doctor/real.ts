/**
 * Helpers for the doctor's real-traffic tests: a dumpcap capture on loopback around a scenario, the
 * doctor run over the file, and broker configuration changed at run time (UPDATE_BROKER_CONFIG) and
 * put back.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { indexCaptureFile, CaptureIndex } from '../../../src/core/capture';
import { diagnoseCapture, DoctorReport, fileFrames } from '../../../src/core/doctor';
import { MQClient } from '../../../src/core/producer';
import { RequestCode, ResponseCode } from '../../../src/core/remoting';
import { LiveCapture, startLiveCapture } from '../live-capture';
import type { RunningCluster } from '../cluster';

export interface Captured { file: string; ix: CaptureIndex; report: DoctorReport }

/**
 * Runs `scenario` while dumpcap records the cluster's ports (NameServer, brokers, their VIP ports) and
 * `extraPorts` on lo, waits until `ready(ix)` holds for the file (the frames the assertions need are
 * written), stops the capture and runs the doctor over the file.
 */
export async function captureScenario(c: RunningCluster, name: string, extraPorts: number[], scenario: () => Promise<void>, ready?: (ix: CaptureIndex) => boolean): Promise<Captured> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `doctor-${name}-`));
  const file = path.join(dir, `${name}.pcapng`);
  const ports = [Number(c.namesrv.split(':')[1]), ...c.brokers.flatMap((b) => [b.port, b.vipPort]), ...extraPorts];
  const filter = `tcp and (${ports.map((p) => `port ${p}`).join(' or ')})`;
  let cap: LiveCapture | null = await startLiveCapture({ name: `dumpcap ${name}`, file, cmd: 'dumpcap', args: ['-i', 'lo', '-q', '-B', '32', '-f', filter, '-w', file], linkType: 1, format: 'pcapng', probeAddress: c.namesrv });
  try {
    await scenario();
    // dumpcap writes packets in order: once a last marked request is in the file, everything before it is
    await endMarker(c.namesrv, file);
    if (ready) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const ix = await indexCaptureFile(file);
        if (ready(ix)) break;
        if (Date.now() > deadline) throw new Error(`${name}: the capture did not get the frames the test waits for`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await cap.stop();
    cap = null;
  }
  const ix = await indexCaptureFile(file);
  return { file, ix, report: await diagnoseCapture(ix, fileFrames(ix)) };
}

let markers = 0;

/** Sends a request carrying a unique marker to the NameServer and waits until the capture file holds it. */
async function endMarker(namesrv: string, file: string): Promise<void> {
  const marker = `capture-end-${process.pid}-${++markers}`;
  const client = new MQClient({ namesrvAddr: namesrv });
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      await client.invoke(namesrv, client.request(RequestCode.GET_BROKER_CLUSTER_INFO, { probe: marker }), 3000);
      if (fs.readFileSync(file).includes(marker)) return;
      if (Date.now() > deadline) throw new Error(`the capture ${file} did not record the end marker within 20 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await client.close();
  }
}

/** The broker's configuration (GET_BROKER_CONFIG: a properties text). */
export async function brokerConfig(client: MQClient, addr: string): Promise<Map<string, string>> {
  const resp = await client.invoke(addr, client.request(RequestCode.GET_BROKER_CONFIG, null), 5000);
  if (resp.code !== ResponseCode.SUCCESS) throw new Error(`GET_BROKER_CONFIG to ${addr}: ${resp.code} ${resp.remark}`);
  const out = new Map<string, string>();
  for (const line of Buffer.from(resp.body ?? new Uint8Array()).toString('utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return out;
}

/** Changes broker settings at run time (what mqadmin updateBrokerConfig does). */
export async function updateBrokerConfig(client: MQClient, addr: string, props: Record<string, string | number>): Promise<void> {
  const body = Buffer.from(Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const resp = await client.invoke(addr, client.request(RequestCode.UPDATE_BROKER_CONFIG, null, body), 5000);
  if (resp.code !== ResponseCode.SUCCESS) throw new Error(`UPDATE_BROKER_CONFIG to ${addr}: ${resp.code} ${resp.remark}`);
}

/** Sets `props` on a broker for the duration of `fn`, then puts the previous values back. */
export async function withBrokerConfig<T>(client: MQClient, addr: string, props: Record<string, string | number>, fn: () => Promise<T>): Promise<T> {
  const before = await brokerConfig(client, addr);
  const restore: Record<string, string> = {};
  for (const k of Object.keys(props)) {
    const v = before.get(k);
    if (v === undefined) throw new Error(`broker ${addr} has no setting ${k}`);
    restore[k] = v;
  }
  await updateBrokerConfig(client, addr, props);
  try {
    return await fn();
  } finally {
    await updateBrokerConfig(client, addr, restore);
  }
}

/** withBrokerConfig on several brokers at once. */
export async function withBrokersConfig<T>(client: MQClient, addrs: readonly string[], props: Record<string, string | number>, fn: () => Promise<T>): Promise<T> {
  if (addrs.length === 0) return fn();
  return withBrokerConfig(client, addrs[0], props, () => withBrokersConfig(client, addrs.slice(1), props, fn));
}
