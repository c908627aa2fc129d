// Runs test/support/java/rmqtest/MessageRef.java (Java's producer, push consumer with and without trace,
// and DefaultMQAdminExt of the pinned RocketMQ version) as one long-lived JVM with a line protocol.
import { spawn, ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { JAVA, javaArgs, prepareJava, repoRoot, VersionKey } from '../cluster/java';

export interface JavaSendResult { msgId: string; offsetMsgId: string; status: string; brokerName: string; queueId: number; queueOffset: number }

export interface JavaStoredMessage {
  topic: string; flag: number; queueId: number; queueOffset: number; commitLogOffset: number; sysFlag: number;
  bornTimestamp: number; storeTimestamp: number; bornHost: string; storeHost: string; reconsumeTimes: number;
  preparedTransactionOffset: number; bodyCRC: number; storeSize: number; msgId: string;
  tags: string | null; keys: string | null; body: string; properties: Record<string, string>;
}

export interface JavaTraceRecord {
  type: string; timestamp: number; groupName: string | null; requestId: string | null; costTime: number; success: boolean;
  msgId: string; topic: string | null; tags: string | null; keys: string | null; storeHost: string | null; clientHost: string | null;
  offsetMsgId: string | null; bodyLength: number; retryTimes: number;
}

export class MessageRef {
  private child!: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<(line: string) => void> = [];
  private chain: Promise<unknown> = Promise.resolve();
  private stderr = '';
  versionDesc = '';

  static async start(version: VersionKey, namesrv: string): Promise<MessageRef> {
    const j = new MessageRef();
    const env = await prepareJava(version);
    const userHome = join(repoRoot(), '.cache', 'message-ref', 'home');
    mkdirSync(userHome, { recursive: true });
    j.child = spawn(JAVA, javaArgs(env, 'rmqtest.MessageRef', [namesrv], { xmx: '256m', userHome }), { stdio: ['pipe', 'pipe', 'pipe'] }) as unknown as ChildProcessWithoutNullStreams;
    j.child.stderr.setEncoding('utf8').on('data', (d) => { j.stderr = (j.stderr + d).slice(-8000); });
    const rl = createInterface({ input: j.child.stdout });
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`MessageRef did not start within 90 s: ${j.stderr}`)), 90_000);
      j.child.on('exit', (code) => { clearTimeout(timer); rej(new Error(`MessageRef exited (${code}): ${j.stderr}`)); for (const w of j.waiting.splice(0)) w(`ERR MessageRef exited (${code})`); });
      rl.on('line', (line) => {
        if (line.startsWith('READY ')) { clearTimeout(timer); j.versionDesc = line.slice(6); res(); return; }
        if (!line.startsWith('OK ') && !line.startsWith('ERR ')) return;
        j.waiting.shift()?.(line);
      });
    });
    return j;
  }

  private call<T>(...fields: Array<string | number>): Promise<T> {
    const run = () => new Promise<T>((res, rej) => {
      this.waiting.push((line) => (line.startsWith('OK ') ? res(JSON.parse(line.slice(3)) as T) : rej(new Error(`MessageRef ${fields[0]}: ${line.slice(4)}`))));
      this.child.stdin.write(fields.join('\t') + '\n');
    });
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  send(topic: string, m: { tags?: string; keys?: string; props?: Record<string, string>; body: Uint8Array | string; kind?: 'plain' | `delay:${number}` | 'transaction' }): Promise<JavaSendResult> {
    const props = Object.entries(m.props ?? {}).map(([k, v]) => `${k}=${v}`).join(';');
    return this.call('send', topic, m.tags ?? '', m.keys ?? '', props, Buffer.from(m.body).toString('base64'), m.kind ?? 'plain');
  }
  batch(topic: string, n: number, body: string, keyPrefix: string): Promise<Array<{ msgId: string; offsetMsgId: string | null }>> { return this.call('batch', topic, n, body, keyPrefix); }
  /** DefaultMQAdminExt.viewMessage(topic, id): an offsetMsgId, or a UNIQ_KEY through its fallback. */
  view(topic: string, id: string): Promise<JavaStoredMessage> { return this.call('view', topic, id); }
  queryKey(topic: string, key: string, begin = 0, end = Date.now() + 60_000): Promise<JavaStoredMessage[]> { return this.call('queryKey', topic, key, begin, end); }
  consume(topic: string, group: string, n: number): Promise<{ consumed: number; complete: boolean }> { return this.call('consume', topic, group, n); }
  traced(topic: string, group: string, body: string): Promise<JavaSendResult> { return this.call('traced', topic, group, body); }
  trace(msgId: string, traceTopic = 'RMQ_SYS_TRACE_TOPIC'): Promise<JavaTraceRecord[]> { return this.call('trace', msgId, traceTopic); }
  /** examineConsumeStats(group): "topic@broker:queue" → consumer offset. */
  offsets(group: string): Promise<Record<string, number>> { return this.call('offsets', group); }

  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    const exited = new Promise<void>((res) => this.child.once('exit', () => res()));
    this.child.stdin.end('quit\n');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 15000);
    await exited;
    clearTimeout(t);
  }
}
