// Real Java push consumers for the consumer-group tests: test/support/java/rmqtest/ConsumerHost.java in a JVM
// of its own, several DefaultMQPushConsumer clients per JVM (each with its own instance name, hence its own
// client id). `kill()` ends the JVM with SIGKILL: its clients vanish without unlocking their queues or
// persisting offsets, as a crashed application's would.
import { spawn, ChildProcessWithoutNullStreams } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { JAVA, javaArgs, prepareJava, VersionKey } from './java';

export interface ReceivedMessage {
  topic: string; brokerName: string; queueId: number; queueOffset: number; tags: string | null; keys: string | null;
  msgId: string; reconsumeTimes: number;
}

export interface ConsumerSpec {
  /** Name of this consumer inside the host (the test's handle). */
  id: string;
  group: string;
  topic: string;
  /** Tag expression (`*`, `A || B`). */
  expression?: string;
  mode?: 'concurrent' | 'orderly';
  /** `fail`: every message is RECONSUME_LATER (concurrent) / SUSPEND_CURRENT_QUEUE_A_MOMENT (orderly). */
  behaviour?: 'ok' | 'fail';
  maxReconsumeTimes?: number;
}

const live = new Set<ConsumerHost>();
process.on('exit', () => { for (const h of live) h.killSync(); });

export class ConsumerHost {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve: (l: string) => void; reject: (e: Error) => void }[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private gone: Error | undefined;
  readonly ready: Promise<string>;
  /** Client id of each started consumer, by its id. */
  readonly clientIds = new Map<string, string>();

  private constructor(child: ChildProcessWithoutNullStreams, logFile: string) {
    this.child = child;
    live.add(this);
    let readyResolve!: (v: string) => void;
    let readyReject!: (e: Error) => void;
    this.ready = new Promise<string>((res, rej) => { readyResolve = res; readyReject = rej; });
    this.ready.catch(() => undefined);
    let seenReady = false;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!seenReady) {
        if (line.startsWith('READY ')) { seenReady = true; readyResolve(line.slice(6)); }
        return;
      }
      if (!line.startsWith('OK ') && !line.startsWith('ERR ')) return;
      this.waiting.shift()?.resolve(line);
    });
    child.on('exit', (code, sig) => {
      live.delete(this);
      this.gone = new Error(`consumer JVM exited (${sig ?? code}); log ${logFile}`);
      readyReject(this.gone);
      for (const w of this.waiting.splice(0)) w.reject(this.gone);
    });
  }

  /** Starts a consumer JVM for `version` against `namesrv`; resolves once it is ready for commands. */
  static async start(version: VersionKey, namesrv: string, logFile: string): Promise<ConsumerHost> {
    const env = await prepareJava(version);
    const fd = openSync(logFile, 'a');
    const child = spawn(JAVA, javaArgs(env, 'rmqtest.ConsumerHost', [namesrv], { xmx: '160m' }), { stdio: ['pipe', 'pipe', fd] }) as unknown as ChildProcessWithoutNullStreams;
    closeSync(fd);
    const h = new ConsumerHost(child, logFile);
    await h.ready;
    return h;
  }

  get pid(): number | undefined { return this.child.pid; }

  private call<T>(...fields: (string | number)[]): Promise<T> {
    const run = () => new Promise<T>((resolve, reject) => {
      if (this.gone) { reject(this.gone); return; }
      this.waiting.push({
        resolve: (line) => (line.startsWith('OK ') ? resolve(JSON.parse(line.slice(3)) as T) : reject(new Error(`ConsumerHost ${fields[0]}: ${line.slice(4)}`))),
        reject,
      });
      this.child.stdin.write(fields.join('\t') + '\n');
    });
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Starts a push consumer (clustering, from the first offset) and returns its client id. */
  async startConsumer(s: ConsumerSpec): Promise<string> {
    const r = await this.call<{ clientId: string }>('start', s.id, s.group, s.topic, s.expression ?? '*', s.mode ?? 'concurrent', s.behaviour ?? 'ok', s.maxReconsumeTimes ?? 16);
    this.clientIds.set(s.id, r.clientId);
    return r.clientId;
  }

  received(id: string): Promise<{ count: number; messages: ReceivedMessage[] }> { return this.call('received', id); }
  clear(id: string): Promise<unknown> { return this.call('clear', id); }
  /** Graceful shutdown of one consumer (offsets persisted, locks released, unregistered). */
  async stopConsumer(id: string): Promise<void> { await this.call('stop', id); this.clientIds.delete(id); }

  /** Crash: SIGKILL, resolved when the JVM is gone. */
  async kill(): Promise<void> {
    if (this.gone) return;
    const exited = new Promise<void>((res) => this.child.once('exit', () => res()));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** Graceful end: stdin EOF shuts every consumer down; SIGKILL if the JVM lingers. */
  async close(): Promise<void> {
    if (this.gone) return;
    const exited = new Promise<void>((res) => this.child.once('exit', () => res()));
    this.child.stdin.end();
    const t = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(t);
  }

  killSync(): void {
    if (!this.gone) try { this.child.kill('SIGKILL'); } catch { /* gone */ }
  }
}
