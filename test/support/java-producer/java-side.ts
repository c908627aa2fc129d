// Runs test/support/java-producer/src/rmqproducer/JavaSide.java (DefaultMQProducer, DefaultMQPullConsumer,
// DefaultMQAdminExt of the pinned RocketMQ version) as one long-lived JVM with a line protocol.
// Compiled against the cluster harness's classpath (test/support/cluster/java.ts) into .cache/java-producer/<version>/.
import { spawn, ChildProcessWithoutNullStreams, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join, delimiter } from 'node:path';
import { JAVA, javaArgs, prepareJava, repoRoot, VersionKey } from '../cluster/java';

export interface JavaMessage {
  topic: string; brokerName?: string; flag: number; queueId: number; queueOffset: number; commitLogOffset: number; sysFlag: number;
  bornTimestamp: number; storeTimestamp: number; bornHost: string; storeHost: string; reconsumeTimes: number;
  preparedTransactionOffset: number; bodyCRC: number; storeSize: number; msgId: string; offsetMsgId: string | null;
  tags: string | null; keys: string | null; body: string; properties: Record<string, string>;
}

export interface BenchStats {
  count: number; errors: number; seconds: number; msgsPerSec: number; p50Ms: number; p99Ms: number;
  /** Process CPU time (user + system) per message, of the whole client process. */
  cpuUsPerMsg: number;
}

async function compile(version: VersionKey): Promise<string> {
  const env = await prepareJava(version);
  const src = join(repoRoot(), 'test', 'support', 'java-producer', 'src');
  const files = readdirSync(join(src, 'rmqproducer')).filter((f) => f.endsWith('.java')).map((f) => join(src, 'rmqproducer', f));
  const stamp = createHash('sha256').update(env.classpath).update(files.map((f) => readFileSync(f, 'utf8')).join('\0')).digest('hex').slice(0, 16);
  const out = join(repoRoot(), '.cache', 'java-producer', version, stamp);
  if (!existsSync(join(out, '.complete'))) {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const r = spawnSync('javac', ['-nowarn', '-encoding', 'UTF-8', '-d', out, '-cp', env.classpath, ...files], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`javac JavaSide failed: ${r.stdout}${r.stderr}`);
    writeFileSync(join(out, '.complete'), 'ok');
  }
  return out;
}

export class JavaSide {
  private child!: ChildProcessWithoutNullStreams;
  private waiting: Array<(line: string) => void> = [];
  private chain: Promise<unknown> = Promise.resolve();
  private stderr = '';
  versionDesc = '';

  static async start(version: VersionKey, namesrv: string): Promise<JavaSide> {
    const j = new JavaSide();
    const classes = await compile(version);
    const env = await prepareJava(version);
    const userHome = join(repoRoot(), '.cache', 'java-producer', 'home');
    mkdirSync(userHome, { recursive: true });
    const args = javaArgs({ ...env, classpath: classes + delimiter + env.classpath }, 'rmqproducer.JavaSide', [namesrv], { xmx: '256m', userHome });
    // The benchmark needs the JIT: drop the harness's C1-only flag for this JVM.
    j.child = spawn(JAVA, args.filter((a) => a !== '-XX:TieredStopAtLevel=1'), { stdio: ['pipe', 'pipe', 'pipe'] }) as unknown as ChildProcessWithoutNullStreams;
    j.child.stderr.setEncoding('utf8').on('data', (d) => { j.stderr = (j.stderr + d).slice(-8000); });
    const rl = createInterface({ input: j.child.stdout });
    const ready = new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`JavaSide did not start within 60 s: ${j.stderr}`)), 60000);
      j.child.on('exit', (code) => { clearTimeout(timer); rej(new Error(`JavaSide exited (${code}): ${j.stderr}`)); for (const w of j.waiting.splice(0)) w(`ERR JavaSide exited (${code})`); });
      rl.on('line', (line) => {
        if (line.startsWith('READY ')) { clearTimeout(timer); j.versionDesc = line.slice(6); res(); return; }
        if (!line.startsWith('OK ') && !line.startsWith('ERR ')) return; // stray log output
        j.waiting.shift()?.(line);
      });
    });
    await ready;
    return j;
  }

  private call(...fields: Array<string | number>): Promise<unknown> {
    const run = () => new Promise<unknown>((res, rej) => {
      this.waiting.push((line) => (line.startsWith('OK ') ? res(JSON.parse(line.slice(3))) : rej(new Error(`JavaSide: ${line.slice(4)}`))));
      this.child.stdin.write(fields.join('\t') + '\n');
    });
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  pull(topic: string): Promise<JavaMessage[]> { return this.call('pull', topic) as Promise<JavaMessage[]>; }
  view(topic: string, offsetMsgId: string): Promise<JavaMessage> { return this.call('view', topic, offsetMsgId) as Promise<JavaMessage>; }
  send(topic: string, n: number, body: string, tags: string): Promise<Array<{ msgId: string; offsetMsgId: string; status: string; brokerName: string; queueId: number; queueOffset: number }>> {
    return this.call('send', topic, n, body, tags) as never;
  }
  /** One send with Java's SelectMessageQueueByHash and `key` as its argument: the queue Java picks for that sharding key. */
  sendOrderly(topic: string, key: string, body: string): Promise<{ status: string; brokerName: string; queueId: number }> {
    return this.call('sendOrderly', topic, key, body) as never;
  }
  sendBatch(topic: string, n: number, body: string): Promise<{ msgId: string; offsetMsgId: string; status: string }> {
    return this.call('sendBatch', topic, n, body) as never;
  }
  /** n sync sends of `size`-byte text bodies from a Java producer with `rocketmq.message.compressType=type`. */
  sendCompressed(topic: string, type: 'LZ4' | 'ZSTD' | 'ZLIB', n: number, size: number): Promise<Array<{ msgId: string; status: string; body: string }>> {
    return this.call('sendCompressed', topic, type, n, size) as never;
  }
  bench(topic: string, mode: 'sync' | 'async', size: number, count: number, warmup: number, inflight: number): Promise<BenchStats> {
    return this.call('bench', topic, mode, size, count, warmup, inflight) as Promise<BenchStats>;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((res) => this.child.once('exit', () => res()));
    this.child.stdin.end('quit\n');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(t);
  }
}

/** True when java/javac/mvn are on PATH (the harness needs them too). */
export function haveJava(): boolean {
  return spawnSync('sh', ['-c', 'command -v javac && command -v mvn'], { stdio: 'ignore' }).status === 0;
}
