// Client for the long-lived admin JVM (test/support/java/rmqtest/Admin.java, built on rocketmq-tools'
// DefaultMQAdminExt). One line per command, one "OK <json>" / "ERR <text>" line per answer.
import { spawn, ChildProcessWithoutNullStreams } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { JAVA, JavaEnv, javaArgs } from './java';

export interface ClusterInfo {
  /** cluster name -> broker names */
  clusters: Record<string, string[]>;
  /** broker name -> { cluster, addrs: brokerId -> 'ip:port' } */
  brokers: Record<string, { cluster: string; addrs: Record<string, string> }>;
}

export interface TopicRoute {
  queueDatas: { brokerName: string; readQueueNums: number; writeQueueNums: number; perm: number }[];
  brokerDatas: { brokerName: string; addrs: Record<string, string> }[];
}

/** A MessageQueue as the admin JVM prints it. */
export interface AdminMq { topic: string; brokerName: string; queueId: number }

/** examineConsumeStats(group). */
export interface AdminConsumeStats {
  totalDiff: number;
  consumeTps: number;
  queues: { mq: AdminMq; brokerOffset: number; consumerOffset: number; lastTimestamp: number }[];
}

export interface AdminSubscription { topic: string; subString: string; expressionType: string; tags: string[] }

/** examineConsumerConnectionInfo(group). */
export interface AdminConsumerConnection {
  consumeType: string; messageModel: string; consumeFromWhere: string;
  connections: { clientId: string; clientAddr: string; language: string; version: number }[];
  subscriptions: AdminSubscription[];
}

/** getConsumerRunningInfo(group, clientId). */
export interface AdminRunningInfo {
  consumeOrderly: string | null; consumeType: string;
  subscriptions: AdminSubscription[];
  queues: { mq: AdminMq; locked: boolean; droped: boolean; commitOffset: number }[];
}

export class AdminJvm {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  private readonly ready: Promise<void>;
  private exited = false;
  private chain: Promise<unknown> = Promise.resolve();
  private exitInfo = '';

  constructor(env: JavaEnv, namesrv: string, clusterName: string, logFile: string, userHome: string, acl?: { accessKey: string; secretKey: string }) {
    const fd = openSync(logFile, 'a');
    const props = acl ? { 'rmqtest.acl.accessKey': acl.accessKey, 'rmqtest.acl.secretKey': acl.secretKey } : undefined;
    this.child = spawn(JAVA, javaArgs(env, 'rmqtest.Admin', [namesrv, clusterName], { xmx: '128m', userHome, props }), {
      stdio: ['pipe', 'pipe', fd],
    }) as unknown as ChildProcessWithoutNullStreams;
    closeSync(fd);
    let readyResolve!: () => void;
    let readyReject!: (e: Error) => void;
    this.ready = new Promise<void>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    this.ready.catch(() => undefined);
    let seenReady = false;
    const rl = createInterface({ input: this.child.stdout });
    rl.on('line', (line) => {
      if (!seenReady) {
        if (line.startsWith('READY')) {
          seenReady = true;
          this.setRef(false);
          readyResolve();
        }
        return;
      }
      const w = this.waiting.shift();
      if (w) w.resolve(line);
    });
    const onGone = (why: string) => {
      if (this.exited) return;
      this.exited = true;
      this.exitInfo = why;
      const err = new Error(`admin JVM ${why} (log: ${logFile})`);
      readyReject(err);
      for (const w of this.waiting.splice(0)) w.reject(err);
    };
    this.child.on('exit', (code, sig) => onGone(`exited (${sig ?? code})`));
    // Idle, the admin JVM must not keep a test process alive; while a call is pending it must.
    this.setRef(true);
    this.child.on('error', (e) => onGone(`failed to start: ${e.message}`));
  }

  private refs = 0;
  private setRef(on: boolean): void {
    this.refs += on ? 1 : -1;
    const streams = [this.child.stdout, this.child.stdin] as unknown as { ref?: () => void; unref?: () => void }[];
    if (this.refs > 0) {
      this.child.ref();
      for (const s of streams) s.ref?.();
    } else {
      this.child.unref();
      for (const s of streams) s.unref?.();
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  waitReady(): Promise<void> {
    return this.ready;
  }

  private send(line: string): Promise<string> {
    const run = async (): Promise<string> => {
      await this.ready;
      if (this.exited) throw new Error(`admin JVM ${this.exitInfo}`);
      this.setRef(true);
      try {
        return await new Promise<string>((resolve, reject) => {
          this.waiting.push({ resolve, reject });
          this.child.stdin.write(line + '\n');
        });
      } finally {
        this.setRef(false);
      }
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async call<T>(line: string): Promise<T> {
    const answer = await this.send(line);
    if (answer.startsWith('OK ')) return JSON.parse(answer.slice(3)) as T;
    throw new Error(`admin "${line.split('\t')[0]}": ${answer.replace(/^ERR /, '')}`);
  }

  clusterInfo(): Promise<ClusterInfo> {
    return this.call<ClusterInfo>('cluster');
  }

  route(topic: string): Promise<TopicRoute> {
    return this.call<TopicRoute>(`route\t${topic}`);
  }

  /** GET_BROKER_RUNTIME_INFO of one broker: its key/value table (brokerVersionDesc, msgPutTotalTodayNow, …). */
  runtimeInfo(brokerAddr: string): Promise<Record<string, string>> {
    return this.call<Record<string, string>>(`runtime\t${brokerAddr}`);
  }

  /** rocketmq-tools examineConsumeStats(group) (mqadmin consumerProgress -g). */
  consumeStats(group: string): Promise<AdminConsumeStats> {
    return this.call<AdminConsumeStats>(`consumeStats\t${group}`);
  }

  /** rocketmq-tools examineConsumerConnectionInfo(group) (mqadmin consumerConnection -g). */
  consumerConnection(group: string): Promise<AdminConsumerConnection> {
    return this.call<AdminConsumerConnection>(`consumerConnection\t${group}`);
  }

  /** rocketmq-tools getConsumerRunningInfo(group, clientId) (mqadmin consumerStatus -g -i). */
  runningInfo(group: string, clientId: string): Promise<AdminRunningInfo> {
    return this.call<AdminRunningInfo>(`runningInfo\t${group}\t${clientId}`);
  }

  /** `topic@broker@queueId` → client id, as mqadmin consumerProgress -s finds it. */
  allocation(group: string): Promise<Record<string, string>> {
    return this.call<Record<string, string>>(`allocation\t${group}`);
  }

  /** rocketmq-tools queryTopicConsumeByWho(topic). */
  topicConsumers(topic: string): Promise<string[]> {
    return this.call<string[]>(`topicConsumers\t${topic}`);
  }

  /** rocketmq-tools resetOffsetByTimestamp(topic, group, timestamp, force=true): `topic@broker@queueId` → offset. */
  resetOffset(group: string, topic: string, timestamp: number): Promise<Record<string, number>> {
    return this.call<Record<string, number>>(`resetOffset\t${group}\t${topic}\t${timestamp}`);
  }

  /** Group names of rocketmq-tools getAllSubscriptionGroup(brokerAddr). */
  subscriptionGroups(brokerAddr: string): Promise<string[]> {
    return this.call<string[]>(`subscriptionGroups\t${brokerAddr}`);
  }

  createTopic(topic: string, queues: number, perm: number, timeoutMs: number, attributes: Record<string, string> = {}): Promise<TopicRoute> {
    if (/[\t\n]/.test(topic)) throw new Error('topic must not contain tabs or newlines');
    const attrs = Object.entries(attributes).map(([k, v]) => `+${k}=${v}`).join(',');
    if (/[\t\n]/.test(attrs)) throw new Error('attributes must not contain tabs or newlines');
    return this.call<TopicRoute>(`createTopic\t${topic}\t${queues}\t${perm}\t${timeoutMs}${attrs ? `\t${attrs}` : ''}`);
  }

  async createGroup(group: string, retryMaxTimes: number, orderly: boolean): Promise<void> {
    if (/[\t\n]/.test(group)) throw new Error('group must not contain tabs or newlines');
    await this.call<unknown>(`createGroup\t${group}\t${retryMaxTimes}\t${orderly}`);
  }

  /** Ends the JVM (stdin EOF makes it shut the admin client down and exit); SIGKILL if it lingers. */
  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((res) => this.child.once('exit', () => res()));
    this.setRef(true); // keep the event loop alive until the JVM is really gone
    this.child.stdin.end();
    const t = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(t);
  }

  killSync(): void {
    if (!this.exited) {
      try {
        this.child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}
