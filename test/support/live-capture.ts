/**
 * A packet capturer (tcpdump or dumpcap) running for a test. Their "listening on" / "Capturing on"
 * banners are printed before packets reliably reach the file, so readiness is proven instead: probe
 * requests carrying a unique marker go to the NameServer until the marker is in the file.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequest, RequestCode } from '../../src/core/remoting';
import { RemotingConnection } from '../../src/core/transport';
import { eventually } from './poll';

export interface LiveCapture {
  name: string;
  file: string;
  proc: ChildProcess;
  linkType: number;
  format: 'pcap' | 'pcapng';
  /** SIGINT, then resolves when the capturer has flushed and exited. */
  stop(): Promise<void>;
}

export interface LiveCaptureOptions {
  name: string;
  file: string;
  cmd: 'tcpdump' | 'dumpcap';
  args: string[];
  linkType: number;
  format: 'pcap' | 'pcapng';
  /** A NameServer inside the capture filter, used for the readiness probe. */
  probeAddress: string;
}

let probes = 0;

export async function startLiveCapture(o: LiveCaptureOptions): Promise<LiveCapture> {
  const proc = spawn(o.cmd, o.args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const banner = o.cmd === 'tcpdump' ? /listening on/ : /Capturing on|File:/;
  await new Promise<void>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${o.name} did not start: ${err}`)), 15000);
    proc.stderr!.on('data', (d: Buffer) => { err += d.toString(); if (banner.test(err)) { clearTimeout(timer); resolve(); } });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${o.name} exited (${code}): ${err}`)); });
  });
  const stop = (): Promise<void> => new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    proc.removeAllListeners('exit');
    proc.once('exit', () => resolve());
    proc.kill('SIGINT');
  });
  const marker = `capture-ready-${process.pid}-${++probes}`;
  const conn = await RemotingConnection.connect(o.probeAddress);
  try {
    await eventually(`${o.name} to record the readiness probe`, async () => {
      await conn.request(createRequest(RequestCode.GET_BROKER_CLUSTER_INFO, { probe: marker }));
      return readFileSync(o.file).includes(marker) ? true : undefined;
    }, 20_000);
  } catch (e) {
    await stop();
    throw e;
  } finally {
    conn.close();
  }
  return { name: o.name, file: o.file, proc, linkType: o.linkType, format: o.format, stop };
}
