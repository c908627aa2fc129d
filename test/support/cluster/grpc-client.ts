// Runs the real RocketMQ 5 gRPC client (rocketmq-client-java, test/support/java/grpcclient) against a
// cluster's Proxy and collects what it reports: one "EVENT {json}" line per call it made, with what it
// sent and what came back (message ids, topics, bodies as hex).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JAVA, prepareGrpcClient } from './java';

export interface GrpcEvent {
  event: 'send' | 'receive' | 'ack' | 'changeInvisibleDuration' | 'push' | 'fail' | 'dlq-waiting' | 'closed' | 'done';
  kind?: 'normal' | 'fifo' | 'delay' | 'transaction';
  outcome?: 'commit' | 'rollback';
  messageId?: string;
  topic?: string;
  tag?: string | null;
  keys?: string[];
  messageGroup?: string | null;
  deliveryTimestamp?: number;
  bodyHex?: string;
  client?: string;
  [k: string]: unknown;
}

export interface GrpcScenarioOptions {
  /** 'host:port' of the Proxy's gRPC port */
  endpoint: string;
  normal: string;
  fifo?: string;
  delay?: string;
  tx?: string;
  simpleGroup?: string;
  pushGroup?: string;
  /**
   * An orderly group with retryMaxTimes 0 (cluster.createGroup): a push consumer of the FIFO topic fails
   * every message, so the client forwards them to the dead-letter queue. `dlqDone` is called once every
   * FIFO message failed; when it resolves the client closes (poll the %DLQ% topic in it).
   */
  dlqGroup?: string;
  dlqDone?: () => Promise<void>;
  /** TLS to the proxy (the proxy must accept it: startProxy({ tls: true })) */
  ssl?: boolean;
  /** stop after the producer */
  onlySend?: boolean;
  timeoutMs?: number;
  log?: (s: string) => void;
}

export interface GrpcScenarioResult {
  code: number;
  events: GrpcEvent[];
  stderr: string;
}

/** Runs grpcclient.GrpcScenario to its end (or the time limit: then killed, code -1). */
export async function runGrpcScenario(o: GrpcScenarioOptions): Promise<GrpcScenarioResult> {
  const env = await prepareGrpcClient(o.log);
  const home = mkdtempSync(join(tmpdir(), 'rmq-grpc-client-'));
  const args = [
    '-Xmx192m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Djava.net.preferIPv4Stack=true',
    // the client writes its own log under user.home (logs/rocketmq/rocketmq-client.log)
    `-Duser.home=${home}`,
    '-Drocketmq.log.level=WARN',
    '-cp',
    env.classpath,
    'grpcclient.GrpcScenario',
    `endpoint=${o.endpoint}`,
    `normal=${o.normal}`,
    ...(o.fifo ? [`fifo=${o.fifo}`] : []),
    ...(o.delay ? [`delay=${o.delay}`] : []),
    ...(o.tx ? [`tx=${o.tx}`] : []),
    ...(o.simpleGroup ? [`simpleGroup=${o.simpleGroup}`] : []),
    ...(o.pushGroup ? [`pushGroup=${o.pushGroup}`] : []),
    ...(o.dlqGroup ? [`dlqGroup=${o.dlqGroup}`] : []),
    ...(o.ssl ? ['ssl=true'] : []),
    ...(o.onlySend ? ['only=send'] : []),
  ];
  try {
    return await new Promise<GrpcScenarioResult>((resolve, reject) => {
      const child = spawn(JAVA, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      child.stdin.on('error', () => undefined);
      const events: GrpcEvent[] = [];
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
        let nl: number;
        while ((nl = stdout.indexOf('\n')) >= 0) {
          const line = stdout.slice(0, nl);
          stdout = stdout.slice(nl + 1);
          if (!line.startsWith('EVENT ')) continue;
          const ev = JSON.parse(line.slice(6)) as GrpcEvent;
          events.push(ev);
          if (ev.event === 'dlq-waiting') {
            void (o.dlqDone ?? (() => Promise.resolve()))()
              .catch((e: unknown) => (stderr += `dlqDone: ${String(e)}\n`))
              .finally(() => child.stdin.end('stop\n'));
          }
        }
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 180_000);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      if (!o.dlqGroup) child.stdin.end();
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, events, stderr });
      });
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
