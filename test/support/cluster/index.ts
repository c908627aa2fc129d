// A real Apache RocketMQ cluster for tests: one NameServer and two brokers (broker-a, broker-b) in
// cluster "DefaultCluster", each in its own JVM (so a test can kill one broker), on 127.0.0.1 with
// free ports, fresh store folders under a temp dir. Two pinned releases: '4.9' (4.9.7) and '5.3' (5.3.3).
//
//   const c = await startCluster({ version: '5.3' });
//   await c.createTopic('T1', { queues: 4 });
//   ... c.namesrv ('127.0.0.1:port'), c.brokers[i].addr ...
//   await c.stopBroker('broker-a'); await c.startBroker('broker-a');
//   await c.stop();
//
// In node:test files use `const cluster = useCluster('5.3')` (reuses the cluster the test orchestrator
// started, announced through RMQ_CLUSTER_53_NAMESRV / RMQ_CLUSTER_53_JSON, or starts its own).
import { spawn, ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { connect as http2Connect } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequest, RequestCode } from '../../../src/core/remoting';
import { RemotingConnection } from '../../../src/core/transport';
import { AdminJvm, ClusterInfo, TopicRoute } from './admin';
import { JAVA, JavaEnv, VersionKey, javaArgs, normaliseKey, prepareJava } from './java';
import { releasePorts, reservePorts } from './ports';

export type { ClusterInfo, TopicRoute } from './admin';
export type { AdminJvm } from './admin';
export type { VersionKey } from './java';
export { normaliseKey, prepareJava, runJava, pinned, VERSION_KEYS } from './java';

export interface BrokerInfo {
  name: string;
  /** '127.0.0.1:<listenPort>' */
  addr: string;
  port: number;
  /** the VIP/"fast" port the broker also opens: listenPort - 2 */
  vipPort: number;
  haPort: number;
  /** current JVM pid (0 while stopped) */
  pid: number;
  /** folder with the broker's properties, store and log */
  dir: string;
  logFile: string;
}

/** The 5.x Proxy (cluster mode) in front of the brokers: `startCluster({ proxy: true })` or `startProxy()`. */
export interface ProxyInfo {
  /** gRPC endpoint '127.0.0.1:<port>' for rocketmq-client-java and the other 5.x clients */
  grpc: string;
  grpcPort: number;
  /** remoting endpoint '127.0.0.1:<port>': remoting clients use it as NameServer and broker at once */
  remoting: string;
  remotingPort: number;
  /** gRPC also accepts TLS (tls.server.mode=permissive, a self-signed certificate made at start) */
  tls: boolean;
  pid: number;
  dir: string;
  logFile: string;
}

export interface ProxyOptions {
  /** gRPC accepts TLS as well as plaintext (default false: tls.server.mode=disabled, h2c only). */
  tls?: boolean;
}

/** Plain-data description of a cluster: what goes into RMQ_CLUSTER_xx_JSON. */
export interface ClusterDescription {
  /** exact RocketMQ version, e.g. '5.3.3' */
  version: string;
  versionKey: VersionKey;
  /** MQVersion ordinal of that version (what its headers carry) */
  versionOrdinal: number;
  /** '127.0.0.1:<port>' */
  namesrv: string;
  namesrvPid: number;
  namesrvLogFile: string;
  clusterName: string;
  brokers: BrokerInfo[];
  workDir: string;
  /** pid of the Node process that started the cluster; the JVMs exit when it is gone */
  ownerPid: number;
  /** milliseconds from startCluster() to both brokers registered */
  startMs: number;
  /** servers also accept TLS (tls.server.mode=permissive) */
  tls?: boolean;
  /** the 5.x Proxy, when one was started */
  proxy?: ProxyInfo;
}

export interface CreateTopicOptions {
  /** read and write queue count per broker (default 4) */
  queues?: number;
  /** PermName bits: 6 = read+write (default), 4 = read only, 2 = write only */
  perm?: number;
  /** which brokers (default: all brokers of the cluster) — not supported yet, always all */
  timeoutMs?: number;
  /**
   * 5.x topic attributes, e.g. { 'message.type': 'FIFO' } (NORMAL, FIFO, DELAY, TRANSACTION): the
   * Proxy and the 5.x gRPC clients check a message's type against its topic's.
   */
  attributes?: Record<string, string>;
}

export interface StopBrokerOptions {
  /** 'SIGTERM' (default: the broker shuts down and unregisters) or 'SIGKILL' (crash) */
  signal?: 'SIGTERM' | 'SIGKILL';
  /** wait until the NameServer no longer lists the broker (default true) */
  waitForDeregistration?: boolean;
}

export interface RunningCluster extends ClusterDescription {
  /** true if this process started the cluster (stop() kills it); false if attached via env */
  readonly owned: boolean;
  stopBroker(name: string, opts?: StopBrokerOptions): Promise<void>;
  /** (Re)starts a stopped broker with the same ports and store; resolves once it is registered again. */
  startBroker(name: string): Promise<void>;
  createTopic(topic: string, opts?: CreateTopicOptions): Promise<TopicRoute>;
  route(topic: string): Promise<TopicRoute>;
  /** A subscription group on every master (retryMaxTimes: redeliveries before the dead-letter queue; orderly: FIFO consumption). */
  createGroup(group: string, opts?: { retryMaxTimes?: number; orderly?: boolean }): Promise<void>;
  clusterInfo(): Promise<ClusterInfo>;
  /** GET_BROKER_RUNTIME_INFO of a broker, through the Java admin API. */
  brokerRuntimeInfo(name: string): Promise<Record<string, string>>;
  /** The cluster's long-lived Java admin JVM (rocketmq-tools), for cross-checks (consumer groups, …). */
  javaAdmin(): AdminJvm;
  /**
   * Starts RocketMQ 5's Proxy in cluster mode in front of the brokers (5.3 only), on free loopback
   * ports; resolves once both its remoting port and its gRPC port answer. The same proxy when one runs.
   */
  startProxy(opts?: ProxyOptions): Promise<ProxyInfo>;
  /** Kills the proxy this process started. */
  stopProxy(): Promise<void>;
  /** Last lines of a process log ('namesrv', 'broker-a', 'broker-b', 'proxy'). */
  logTail(name: string, lines?: number): string;
  /** Plain description (for env / JSON). */
  describe(): ClusterDescription;
  /** Owned: kills every JVM it started (by pid) and deletes the store folders. Attached: closes its admin JVM. */
  stop(): Promise<void>;
}

export interface StartOptions {
  version?: VersionKey | string;
  clusterName?: string;
  /** broker names (default ['broker-a', 'broker-b']) */
  brokerNames?: string[];
  /** deadline for the whole start (default 90 s) */
  timeoutMs?: number;
  /** progress messages (default: none) */
  log?: (line: string) => void;
  /** extra broker properties (applied to every broker) */
  brokerProperties?: Record<string, string | number | boolean>;
  /**
   * Servers accept TLS as well as plaintext (RocketMQ's default `tls.server.mode=permissive`, with a
   * self-signed certificate made at start). Default false: `tls.server.mode=disabled`, because making
   * the certificate (an RSA key pair per listening port) costs seconds of CPU per JVM on this machine.
   */
  tls?: boolean;
  /**
   * Brokers check ACL 1.0 signatures (`aclEnable=true`, accounts written to each broker's
   * conf/plain_acl.yml, found through -Drocketmq.home.dir). The harness's own admin JVM signs with the
   * first account, which should be an admin.
   */
  acl?: { accounts: AclAccount[] };
  /** Also start the 5.x Proxy (5.3 only) once the brokers are registered: see RunningCluster.startProxy. */
  proxy?: boolean | ProxyOptions;
}

export interface AclAccount {
  accessKey: string;
  secretKey: string;
  /** Admin accounts may create topics and read everything (default false). */
  admin?: boolean;
  /** e.g. 'PUB|SUB', 'PUB', 'SUB', 'DENY' (default 'DENY', RocketMQ's own default). */
  defaultTopicPerm?: string;
  defaultGroupPerm?: string;
}

/** plain_acl.yml as RocketMQ 4.9/5.x read it (values quoted: keys and secrets may contain YAML syntax). */
function plainAclYaml(accounts: AclAccount[]): string {
  const q = (v: string) => JSON.stringify(v); // a JSON string is a valid YAML double-quoted scalar
  const lines = ['globalWhiteRemoteAddresses: []', 'accounts:'];
  for (const a of accounts) {
    lines.push(`  - accessKey: ${q(a.accessKey)}`, `    secretKey: ${q(a.secretKey)}`, `    admin: ${a.admin ? 'true' : 'false'}`);
    if (a.defaultTopicPerm) lines.push(`    defaultTopicPerm: ${q(a.defaultTopicPerm)}`);
    if (a.defaultGroupPerm) lines.push(`    defaultGroupPerm: ${q(a.defaultGroupPerm)}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * 4.9: ACL 1.0 (PlainAccessValidator reads conf/plain_acl.yml). 5.3: ACL 2.0 (rocketmq-auth) with the
 * same accounts migrated from conf/plain_acl.yml at start (migrateAuthFromV1Enabled), local metadata
 * under the store's config folder; the broker's own inner clients sign as the first account.
 */
function aclBrokerProps(key: VersionKey, first: AclAccount): Record<string, string | boolean> {
  if (key === '4.9') return { aclEnable: true };
  const p = 'org.apache.rocketmq.auth';
  return {
    authenticationEnabled: true,
    authenticationProvider: `${p}.authentication.provider.DefaultAuthenticationProvider`,
    authenticationMetadataProvider: `${p}.authentication.provider.LocalAuthenticationMetadataProvider`,
    authorizationEnabled: true,
    authorizationProvider: `${p}.authorization.provider.DefaultAuthorizationProvider`,
    authorizationMetadataProvider: `${p}.authorization.provider.LocalAuthorizationMetadataProvider`,
    migrateAuthFromV1Enabled: true,
    innerClientAuthenticationCredentials: JSON.stringify({ accessKey: first.accessKey, secretKey: first.secretKey }),
  };
}

const DEFAULT_TIMEOUT_MS = 90_000;
const READY_MARK = 'RMQ-LAUNCHER READY';

// ---------------------------------------------------------------------------------------------------
// process bookkeeping: everything we started is killed on exit, even if a test forgets stop()

const liveClusters = new Set<ClusterImpl>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const c of liveClusters) c.killSync();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = () => {
      for (const c of liveClusters) c.killSync();
      // if nobody else handles the signal, behave like the default: die by it
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, handler);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, handler);
  }
}

function pidAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killPid(pid: number, sig: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}

async function waitFor<T>(what: string, deadline: number, poll: () => Promise<T | undefined> | T | undefined, onTimeout?: () => string, intervalMs = 150): Promise<T> {
  for (;;) {
    const v = await poll();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${onTimeout ? '\n' + onTimeout() : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function tail(file: string, lines = 40): string {
  if (!existsSync(file)) return `(no log file ${file})`;
  const text = readFileSync(file, 'utf8');
  return text.split('\n').slice(-lines - 1).join('\n');
}

function writeProps(file: string, props: Record<string, string | number | boolean>): void {
  // java.util.Properties format: escape backslashes (paths are plain on Linux, but be safe)
  const body = Object.entries(props)
    .map(([k, v]) => `${k}=${String(v).replace(/\\/g, '\\\\')}`)
    .join('\n');
  writeFileSync(file, body + '\n');
}

/** Removes temp folders of earlier runs whose owner and JVMs are all gone (a crashed run's leftovers). */
function sweepStaleWorkDirs(): void {
  let names: string[] = [];
  try {
    names = readdirSync(tmpdir()).filter((n) => n.startsWith('rmq-cluster-'));
  } catch {
    return;
  }
  for (const n of names) {
    const dir = join(tmpdir(), n);
    try {
      // an orphaned run's JVMs delete their own folders and may leave the empty root behind
      if (readdirSync(dir).length === 0 && Date.now() - statSync(dir).mtimeMs > 5_000) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      const owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
      if (pidAlive(owner)) continue;
      const pids = readdirSync(dir)
        .map((sub) => join(dir, sub, 'pid'))
        .filter((f) => existsSync(f))
        .map((f) => Number(readFileSync(f, 'utf8')));
      if (pids.some(pidAlive)) continue;
      if (Date.now() - statSync(dir).mtimeMs < 5_000) continue;
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* not ours or half-written: leave it */
    }
  }
}

// ---------------------------------------------------------------------------------------------------

interface NodeSpec {
  name: string;
  role: 'namesrv' | 'broker' | 'proxy';
  dir: string;
  propsFile: string;
  logFile: string;
  xmx: string;
  /** overrides the cluster's tls setting (the proxy's own option) */
  tls?: boolean;
}

class ClusterImpl implements RunningCluster {
  version: string;
  versionKey: VersionKey;
  versionOrdinal: number;
  namesrv: string;
  namesrvPid = 0;
  namesrvLogFile: string;
  clusterName: string;
  brokers: BrokerInfo[];
  workDir: string;
  ownerPid: number;
  startMs = 0;
  tls: boolean;
  proxy?: ProxyInfo;
  readonly owned: boolean;

  private admin?: AdminJvm;
  private children = new Map<string, ChildProcess>();
  private stoppedHere = new Set<string>();
  private stopped = false;
  private ports: number[] = [];

  constructor(private readonly env: JavaEnv, d: ClusterDescription, owned: boolean) {
    this.version = d.version;
    this.versionKey = d.versionKey;
    this.versionOrdinal = d.versionOrdinal;
    this.namesrv = d.namesrv;
    this.namesrvPid = d.namesrvPid;
    this.namesrvLogFile = d.namesrvLogFile;
    this.clusterName = d.clusterName;
    this.brokers = d.brokers.map((b) => ({ ...b }));
    this.workDir = d.workDir;
    this.ownerPid = d.ownerPid;
    this.startMs = d.startMs;
    this.tls = d.tls ?? false;
    this.proxy = d.proxy ? { ...d.proxy } : undefined;
    this.owned = owned;
  }

  describe(): ClusterDescription {
    return {
      version: this.version,
      versionKey: this.versionKey,
      versionOrdinal: this.versionOrdinal,
      namesrv: this.namesrv,
      namesrvPid: this.namesrvPid,
      namesrvLogFile: this.namesrvLogFile,
      clusterName: this.clusterName,
      brokers: this.brokers.map((b) => ({ ...b })),
      workDir: this.workDir,
      ownerPid: this.ownerPid,
      startMs: this.startMs,
      tls: this.tls,
      ...(this.proxy ? { proxy: { ...this.proxy } } : {}),
    };
  }

  // ---- starting -----------------------------------------------------------------------------------

  static async start(opts: StartOptions): Promise<ClusterImpl> {
    const t0 = Date.now();
    const key = normaliseKey(opts.version ?? '5.3');
    const log = opts.log ?? (() => {});
    sweepStaleWorkDirs();
    const env = await prepareJava(key, log);
    const tJava = Date.now();
    // The deadline counts from here: a cold Maven resolve or javac run on a busy machine is not start-up.
    const deadline = tJava + (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const clusterName = opts.clusterName ?? 'DefaultCluster';
    const brokerNames = opts.brokerNames ?? ['broker-a', 'broker-b'];
    const workDir = mkdtempSync(join(tmpdir(), `rmq-cluster-${key}-`));
    writeFileSync(join(workDir, 'owner.pid'), String(process.pid));
    const nsPort = await reservePorts([0]);
    const ports = [nsPort];
    const brokers: BrokerInfo[] = [];
    for (const name of brokerNames) {
      const port = await reservePorts([0, -2, 1]);
      ports.push(port, port - 2, port + 1);
      const dir = join(workDir, name);
      brokers.push({ name, addr: `127.0.0.1:${port}`, port, vipPort: port - 2, haPort: port + 1, pid: 0, dir, logFile: join(dir, `${name}.log`) });
    }
    const nsDir = join(workDir, 'namesrv');
    const c = new ClusterImpl(
      env,
      {
        version: env.version,
        versionKey: key,
        versionOrdinal: env.ordinal,
        namesrv: `127.0.0.1:${nsPort}`,
        namesrvPid: 0,
        namesrvLogFile: join(nsDir, 'namesrv.log'),
        clusterName,
        brokers,
        workDir,
        ownerPid: process.pid,
        startMs: 0,
        tls: opts.tls ?? false,
      },
      true,
    );
    c.ports = ports;
    installExitHooks();
    liveClusters.add(c);
    try {
      // NameServer
      mkdirSync(nsDir, { recursive: true });
      const nsProps = join(nsDir, 'namesrv.properties');
      writeProps(nsProps, {
        listenPort: nsPort,
        bindAddress: '127.0.0.1',
        rocketmqHome: nsDir,
        kvConfigPath: join(nsDir, 'kvConfig.json'),
        configStorePath: join(nsDir, 'namesrv.properties.store'),
        'rmqtest.deleteOnOrphan': workDir,
      });
      const ns = c.spawnNode({ name: 'namesrv', role: 'namesrv', dir: nsDir, propsFile: nsProps, logFile: c.namesrvLogFile, xmx: '128m' }, false);
      c.namesrvPid = ns.pid ?? 0;
      // Brokers register at start; starting them before the NameServer listens would cost a 30 s re-register.
      await c.waitReady('namesrv', c.namesrvLogFile, () => c.namesrvPid, deadline);
      log(`namesrv ${c.namesrv} up after ${((Date.now() - tJava) / 1000).toFixed(1)} s`);
      for (const b of c.brokers) {
        mkdirSync(b.dir, { recursive: true });
        if (opts.acl) {
          mkdirSync(join(b.dir, 'conf'), { recursive: true });
          writeFileSync(join(b.dir, 'conf', 'plain_acl.yml'), plainAclYaml(opts.acl.accounts));
        }
        writeProps(join(b.dir, 'broker.properties'), c.brokerProps(b, { ...(opts.acl ? aclBrokerProps(key, opts.acl.accounts[0]) : {}), ...opts.brokerProperties }));
        const child = c.spawnNode({ name: b.name, role: 'broker', dir: b.dir, propsFile: join(b.dir, 'broker.properties'), logFile: b.logFile, xmx: '256m' }, false);
        b.pid = child.pid ?? 0;
      }
      c.admin = new AdminJvm(env, c.namesrv, clusterName, join(workDir, 'admin.log'), join(workDir, 'admin-home'), opts.acl?.accounts[0]);
      await Promise.all([
        ...c.brokers.map((b) => c.waitReady(b.name, b.logFile, () => b.pid, deadline)),
        c.admin.waitReady(),
      ]);
      await c.waitRegistered(brokerNames, deadline);
      if (opts.proxy) await c.startProxy(opts.proxy === true ? {} : opts.proxy);
      c.startMs = Date.now() - t0;
      log(
        `RocketMQ ${env.version} cluster ${clusterName} ready in ${(c.startMs / 1000).toFixed(1)} s ` +
          `(java prep ${((tJava - t0) / 1000).toFixed(1)} s): namesrv=${c.namesrv} ${c.brokers.map((b) => `${b.name}=${b.addr}`).join(' ')}` +
          (c.proxy ? ` proxy grpc=${c.proxy.grpc} remoting=${c.proxy.remoting}` : ''),
      );
      return c;
    } catch (e) {
      await c.stop().catch(() => undefined);
      throw e;
    }
  }

  static attach(env: JavaEnv, d: ClusterDescription): ClusterImpl {
    const c = new ClusterImpl(env, d, false);
    // An earlier test process may have restarted a broker: its pid file is the truth, not the env.
    for (const b of c.brokers) if (b.dir) b.pid = pidAlive(c.pidFromFile(b.dir)) ? c.pidFromFile(b.dir) : 0;
    installExitHooks();
    liveClusters.add(c);
    return c;
  }

  private brokerProps(b: BrokerInfo, extra?: Record<string, string | number | boolean>): Record<string, string | number | boolean> {
    const store = join(b.dir, 'store');
    return {
      brokerClusterName: this.clusterName,
      brokerName: b.name,
      brokerId: 0,
      brokerIP1: '127.0.0.1',
      brokerIP2: '127.0.0.1',
      namesrvAddr: this.namesrv,
      listenPort: b.port,
      haListenPort: b.haPort,
      bindAddress: '127.0.0.1',
      rocketmqHome: b.dir,
      storePathRootDir: store,
      storePathCommitLog: join(store, 'commitlog'),
      // RocketMQ's own integration-test settings: small mapped files instead of 1 GiB commit-log files
      mappedFileSizeCommitLog: 100000000,
      mappedFileSizeConsumeQueue: 600000,
      mappedFileSizeConsumeQueueExt: 5000000,
      maxIndexNum: 1000,
      maxHashSlotNum: 3000,
      autoCreateTopicEnable: true,
      autoCreateSubscriptionGroup: true,
      traceTopicEnable: true,
      enablePropertyFilter: true,
      // Flow control tuned for a busy 2-core test machine: by default a send that waited 200 ms in the
      // broker's queue is rejected with SYSTEM_BUSY [TIMEOUT_CLEAN_QUEUE], and a commit-log lock held for
      // 1 s gives [PC_SYNCHRONIZED]; both happen here under CPU contention without any real overload.
      waitTimeMillsInSendQueue: 5000,
      osPageCacheBusyTimeOutMills: 5000,
      // 5.x: the timer-message store msyncs its 16 MB wheel every second by default, which alone costs an
      // idle broker ~12% of a core; every 10 s is plenty for a throw-away store (4.9 ignores the key).
      timerFlushIntervalMs: 10000,
      'rmqtest.deleteOnOrphan': b.dir,
      ...extra,
    };
  }

  /** Spawns a node JVM. detached: survives this process (used when attached to someone else's cluster). */
  private spawnNode(spec: NodeSpec, detached: boolean): ChildProcess {
    const fd = openSync(spec.logFile, 'a');
    const args = javaArgs(this.env, 'rmqtest.ClusterNode', [spec.role, spec.propsFile], {
      xmx: spec.xmx,
      userHome: join(spec.dir, 'home'),
      logLevel: 'INFO',
      // rocketmq.home.dir: where an ACL-enabled broker reads conf/plain_acl.yml
      props: { 'rmqtest.ownerPid': this.ownerPid, 'tls.server.mode': (spec.tls ?? this.tls) ? 'permissive' : 'disabled', 'rocketmq.home.dir': spec.dir },
    });
    const child = spawn(JAVA, args, { stdio: ['ignore', fd, fd], detached });
    closeSync(fd);
    if (child.pid) writeFileSync(join(spec.dir, 'pid'), String(child.pid));
    child.on('error', () => undefined);
    // never keep a test process alive just because a JVM runs (exit hooks kill it)
    child.unref();
    if (!detached) this.children.set(spec.name, child);
    return child;
  }

  private async waitReady(name: string, logFile: string, pid: () => number, deadline: number): Promise<void> {
    await waitFor(
      `${name} of RocketMQ ${this.version} to start`,
      deadline,
      () => {
        const text = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
        if (text.includes(READY_MARK)) return true;
        if (!pidAlive(pid()) || this.children.get(name)?.exitCode != null) {
          throw new Error(`${name} (RocketMQ ${this.version}) exited during start-up; last log lines of ${logFile}:\n${tail(logFile)}`);
        }
        return undefined;
      },
      () => `last log lines of ${logFile}:\n${tail(logFile)}`,
      100,
    );
  }

  private async waitRegistered(names: string[], deadline: number): Promise<void> {
    let last: ClusterInfo | undefined;
    await waitFor(
      `brokers ${names.join(', ')} to register with the NameServer ${this.namesrv}`,
      deadline,
      async () => {
        for (const b of this.brokers) {
          if (names.includes(b.name) && !pidAlive(b.pid)) {
            throw new Error(`${b.name} (RocketMQ ${this.version}) died; last log lines of ${b.logFile}:\n${tail(b.logFile)}`);
          }
        }
        try {
          last = await this.getAdmin().clusterInfo();
        } catch {
          return undefined;
        }
        const listed = last.clusters[this.clusterName] ?? [];
        const ok = names.every((n) => {
          const b = this.brokers.find((x) => x.name === n)!;
          return listed.includes(n) && last!.brokers[n]?.addrs['0'] === b.addr;
        });
        if (!ok) return undefined;
        // 4.9 brokers answer GET_BROKER_RUNTIME_INFO with SYSTEM_ERROR (NoSuchElementException from the
        // store's TPS sampler) for about a second after start: ready means that works too.
        for (const n of names) {
          try {
            await this.getAdmin().runtimeInfo(this.brokers.find((x) => x.name === n)!.addr);
          } catch {
            return undefined;
          }
        }
        return true;
      },
      () =>
        `NameServer reports ${JSON.stringify(last)}\n` +
        this.brokers.map((b) => `--- ${b.logFile}\n${tail(b.logFile, 20)}`).join('\n'),
      200,
    );
  }

  private getAdmin(): AdminJvm {
    if (this.stopped) throw new Error('cluster already stopped');
    if (!this.admin) {
      this.admin = new AdminJvm(this.env, this.namesrv, this.clusterName, join(tmpdir(), `rmq-admin-${process.pid}-${this.versionKey}.log`), join(tmpdir(), `rmq-admin-home-${process.pid}`));
    }
    return this.admin;
  }

  // ---- API ----------------------------------------------------------------------------------------

  private broker(name: string): BrokerInfo {
    const b = this.brokers.find((x) => x.name === name);
    if (!b) throw new Error(`no broker ${name} (have ${this.brokers.map((x) => x.name).join(', ')})`);
    return b;
  }

  async stopBroker(name: string, opts: StopBrokerOptions = {}): Promise<void> {
    const b = this.broker(name);
    const pid = this.currentPid(b);
    if (!pidAlive(pid)) {
      b.pid = 0;
      return;
    }
    killPid(pid, opts.signal ?? 'SIGTERM');
    const deadline = Date.now() + 30_000;
    try {
      await waitFor(`${name} (pid ${pid}) to exit`, deadline, () => (pidAlive(pid) ? undefined : true), undefined, 100);
    } catch {
      killPid(pid, 'SIGKILL');
      await waitFor(`${name} (pid ${pid}) to exit after SIGKILL`, Date.now() + 10_000, () => (pidAlive(pid) ? undefined : true), undefined, 100);
    }
    b.pid = 0;
    this.stoppedHere.add(name);
    if (opts.waitForDeregistration ?? true) {
      let last: ClusterInfo | undefined;
      await waitFor(
        `the NameServer to drop ${name}`,
        Date.now() + 30_000,
        async () => {
          last = await this.getAdmin().clusterInfo();
          return (last.clusters[this.clusterName] ?? []).includes(name) ? undefined : true;
        },
        () => `NameServer still reports ${JSON.stringify(last)}`,
        200,
      );
    }
  }

  async startBroker(name: string): Promise<void> {
    const b = this.broker(name);
    if (pidAlive(this.currentPid(b))) throw new Error(`${name} is still running (pid ${this.currentPid(b)})`);
    const propsFile = join(b.dir, 'broker.properties');
    if (!existsSync(propsFile)) throw new Error(`no ${propsFile}: cannot restart ${name}`);
    // A new log section: readiness looks for the READY mark written after this offset.
    const logFile = join(b.dir, `${name}.restart-${Date.now()}.log`);
    const child = this.spawnNode({ name, role: 'broker', dir: b.dir, propsFile, logFile, xmx: '256m' }, !this.owned);
    b.pid = child.pid ?? 0;
    b.logFile = logFile;
    const deadline = Date.now() + DEFAULT_TIMEOUT_MS;
    await this.waitReady(name, logFile, () => b.pid, deadline);
    await this.waitRegistered([name], deadline);
    this.stoppedHere.delete(name);
  }

  /** The broker's JVM pid: its pid file (rewritten at every start, by whichever process) wins. */
  private currentPid(b: BrokerInfo): number {
    const f = b.dir ? this.pidFromFile(b.dir) : 0;
    if (f && pidAlive(f)) return (b.pid = f);
    return b.pid;
  }

  private pidFromFile(dir: string): number {
    try {
      return Number(readFileSync(join(dir, 'pid'), 'utf8')) || 0;
    } catch {
      return 0;
    }
  }

  async createTopic(topic: string, opts: CreateTopicOptions = {}): Promise<TopicRoute> {
    return this.getAdmin().createTopic(topic, opts.queues ?? 4, opts.perm ?? 6, opts.timeoutMs ?? 30_000, opts.attributes);
  }

  route(topic: string): Promise<TopicRoute> {
    return this.getAdmin().route(topic);
  }

  createGroup(group: string, opts: { retryMaxTimes?: number; orderly?: boolean } = {}): Promise<void> {
    return this.getAdmin().createGroup(group, opts.retryMaxTimes ?? 16, opts.orderly ?? false);
  }

  clusterInfo(): Promise<ClusterInfo> {
    return this.getAdmin().clusterInfo();
  }

  brokerRuntimeInfo(name: string): Promise<Record<string, string>> {
    return this.getAdmin().runtimeInfo(this.broker(name).addr);
  }

  javaAdmin(): AdminJvm {
    return this.getAdmin();
  }

  // ---- the 5.x Proxy ------------------------------------------------------------------------------

  /** True when this process started the proxy (an attached cluster's proxy is still ours to stop). */
  private proxyOwned = false;
  private proxyStarting?: Promise<ProxyInfo>;

  startProxy(opts: ProxyOptions = {}): Promise<ProxyInfo> {
    if (this.proxy && pidAlive(this.proxy.pid)) return Promise.resolve(this.proxy);
    this.proxyStarting ??= this.spawnProxy(opts).finally(() => (this.proxyStarting = undefined));
    return this.proxyStarting;
  }

  private async spawnProxy(opts: ProxyOptions): Promise<ProxyInfo> {
    if (this.versionKey !== '5.3') throw new Error(`the Proxy is a RocketMQ 5 component; this cluster is ${this.version}`);
    const grpcPort = await reservePorts([0]);
    const remotingPort = await reservePorts([0]);
    this.ports.push(grpcPort, remotingPort);
    // An attached cluster has no work folder of ours: the proxy gets its own temp folder.
    const dir = this.workDir && this.owned ? join(this.workDir, 'proxy') : mkdtempSync(join(tmpdir(), 'rmq-proxy-'));
    mkdirSync(dir, { recursive: true });
    const configFile = join(dir, 'rmq-proxy.json');
    // ProxyConfig fields (5.3.3). Thread pools and loops sized for a 2-core test machine; the jstack
    // printer (every 60 s by default) and metrics are off.
    writeFileSync(
      configFile,
      JSON.stringify(
        {
          rocketMQClusterName: this.clusterName,
          proxyClusterName: this.clusterName,
          proxyName: 'rmqtest-proxy',
          namesrvAddr: this.namesrv,
          proxyMode: 'cluster',
          grpcServerPort: grpcPort,
          remotingListenPort: remotingPort,
          localServeAddr: '127.0.0.1',
          tlsTestModeEnable: true,
          enablePrintJstack: false,
          grpcWorkerLoopNum: 2,
          grpcThreadPoolNums: 4,
          rocketmqMQClientNum: 2,
        },
        null,
        2,
      ),
    );
    const propsFile = join(dir, 'proxy.properties');
    writeProps(propsFile, { proxyConfig: configFile, 'rmqtest.deleteOnOrphan': dir });
    const logFile = join(dir, 'proxy.log');
    const tls = opts.tls ?? false;
    const child = this.spawnNode({ name: 'proxy', role: 'proxy', dir, propsFile, logFile, xmx: '256m', tls }, !this.owned);
    const info: ProxyInfo = {
      grpc: `127.0.0.1:${grpcPort}`,
      grpcPort,
      remoting: `127.0.0.1:${remotingPort}`,
      remotingPort,
      tls,
      pid: child.pid ?? 0,
      dir,
      logFile,
    };
    this.proxy = info;
    this.proxyOwned = true;
    const deadline = Date.now() + DEFAULT_TIMEOUT_MS;
    try {
      await this.waitReady('proxy', logFile, () => info.pid, deadline);
      await this.waitProxyServing(info, deadline);
    } catch (e) {
      await this.stopProxy();
      throw e;
    }
    return info;
  }

  /**
   * Ready means serving: the remoting port answers a route query for the default topic TBW102 (any
   * response code: the proxy relays it from the NameServer), and the gRPC port answers a gRPC call
   * (QueryRoute with an empty request: any grpc-status trailer proves the service is up).
   */
  private async waitProxyServing(p: ProxyInfo, deadline: number): Promise<void> {
    const died = () => {
      if (!pidAlive(p.pid)) throw new Error(`the proxy died during start-up; last log lines of ${p.logFile}:\n${tail(p.logFile)}`);
    };
    await waitFor(
      `the proxy's remoting port ${p.remoting} to answer`,
      deadline,
      async () => {
        died();
        let conn: RemotingConnection | undefined;
        try {
          conn = await RemotingConnection.connect(p.remoting, { connectTimeoutMs: 3000 });
          await conn.request(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TBW102' }), 3000);
          return true;
        } catch {
          return undefined;
        } finally {
          conn?.close();
        }
      },
      () => `last log lines of ${p.logFile}:\n${tail(p.logFile)}`,
      200,
    );
    await waitFor(
      `the proxy's gRPC port ${p.grpc} to answer`,
      deadline,
      async () => {
        died();
        return (await grpcAnswers(p.grpc)) ? true : undefined;
      },
      () => `last log lines of ${p.logFile}:\n${tail(p.logFile)}`,
      200,
    );
  }

  async stopProxy(): Promise<void> {
    const p = this.proxy;
    if (!p) return;
    this.proxy = undefined;
    this.proxyOwned = false;
    killPid(p.pid, 'SIGKILL');
    await waitFor('the proxy JVM to exit', Date.now() + 15_000, () => (pidAlive(p.pid) ? undefined : true), undefined, 50).catch(() => undefined);
    if (!this.owned) rmSync(p.dir, { recursive: true, force: true });
    releasePorts([p.grpcPort, p.remotingPort]);
  }

  logTail(name: string, lines = 40): string {
    if (name === 'namesrv') return tail(this.namesrvLogFile, lines);
    if (name === 'proxy') return this.proxy ? tail(this.proxy.logFile, lines) : '(no proxy)';
    return tail(this.broker(name).logFile, lines);
  }

  /** Attached mode: brings back brokers this process stopped, so the shared cluster is whole again. */
  async restoreBrokers(): Promise<void> {
    for (const name of [...this.stoppedHere]) await this.startBroker(name);
  }

  private allPids(): number[] {
    const pids = new Set<number>();
    if (this.namesrvPid) pids.add(this.namesrvPid);
    for (const b of this.brokers) {
      if (b.pid) pids.add(b.pid);
      const f = this.pidFromFile(b.dir);
      if (f) pids.add(f);
    }
    if (this.proxy && (this.owned || this.proxyOwned)) pids.add(this.proxy.pid);
    return [...pids];
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await admin.close().catch(() => admin.killSync());
    this.stopped = true;
    liveClusters.delete(this);
    if (!this.owned) {
      if (this.proxyOwned) await this.stopProxy();
      return;
    }
    const pids = this.allPids();
    // Test clusters hold nothing worth a graceful shutdown: kill at once.
    for (const pid of pids) killPid(pid, 'SIGKILL');
    await waitFor('cluster JVMs to exit', Date.now() + 15_000, () => (pids.some(pidAlive) ? undefined : true), undefined, 50).catch(() => undefined);
    rmSync(this.workDir, { recursive: true, force: true });
    releasePorts(this.ports);
  }

  /** Synchronous last-resort cleanup (process exit / signals). */
  killSync(): void {
    this.admin?.killSync();
    if (!this.owned && this.proxyOwned && this.proxy) {
      killPid(this.proxy.pid, 'SIGKILL');
      rmSync(this.proxy.dir, { recursive: true, force: true });
    }
    if (!this.owned || this.stopped) return;
    for (const pid of this.allPids()) killPid(pid, 'SIGKILL');
    try {
      rmSync(this.workDir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
}

/** One gRPC call over h2c (QueryRoute, an empty request): true once any grpc-status comes back. */
function grpcAnswers(addr: string): Promise<boolean> {
  return new Promise((resolve) => {
    const session = http2Connect(`http://${addr}`);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      session.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 3000);
    session.on('error', () => done(false));
    const req = session.request({
      ':method': 'POST',
      ':path': '/apache.rocketmq.v2.MessagingService/QueryRoute',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    let status: string | undefined;
    const take = (h: Record<string, unknown>) => {
      if (h['grpc-status'] !== undefined) status = String(h['grpc-status']);
    };
    req.on('response', take);
    req.on('trailers', take);
    req.on('error', () => done(false));
    req.on('data', () => undefined);
    req.on('close', () => done(status !== undefined));
    // gRPC message framing: not compressed, length 0 (an empty QueryRouteRequest)
    req.end(Buffer.alloc(5));
  });
}

/** Starts NameServer + broker-a + broker-b of the given version and waits until both brokers are registered. */
export async function startCluster(opts: StartOptions = {}): Promise<RunningCluster> {
  return ClusterImpl.start(opts);
}

// ---------------------------------------------------------------------------------------------------
// sharing a cluster between processes (the test orchestrator starts, the test files attach)

function envPrefix(key: VersionKey): string {
  return key === '4.9' ? 'RMQ_CLUSTER_49' : 'RMQ_CLUSTER_53';
}

/** Env vars announcing a running cluster to child processes. */
export function clusterEnv(c: RunningCluster | ClusterDescription): Record<string, string> {
  const d = 'describe' in c ? (c as RunningCluster).describe() : c;
  const p = envPrefix(d.versionKey);
  return { [`${p}_NAMESRV`]: d.namesrv, [`${p}_JSON`]: JSON.stringify(d) };
}

/** The cluster announced in the environment for this version, if any (attached: stop() leaves it running). */
export async function attachFromEnv(version: VersionKey | string): Promise<RunningCluster | undefined> {
  const key = normaliseKey(version);
  const p = envPrefix(key);
  const namesrv = process.env[`${p}_NAMESRV`];
  if (!namesrv) return undefined;
  const json = process.env[`${p}_JSON`];
  const env = await prepareJava(key);
  let d: ClusterDescription;
  if (json) {
    d = JSON.parse(json) as ClusterDescription;
    if (d.namesrv !== namesrv) throw new Error(`${p}_NAMESRV (${namesrv}) and ${p}_JSON (${d.namesrv}) disagree`);
  } else {
    // Only an address: learn the brokers from the NameServer (no pids: stopBroker will not work).
    const admin = new AdminJvm(env, namesrv, 'DefaultCluster', join(tmpdir(), `rmq-admin-${process.pid}.log`), join(tmpdir(), `rmq-admin-home-${process.pid}`));
    try {
      const info = await admin.clusterInfo();
      const clusterName = Object.keys(info.clusters)[0] ?? 'DefaultCluster';
      d = {
        version: env.version,
        versionKey: key,
        versionOrdinal: env.ordinal,
        namesrv,
        namesrvPid: 0,
        namesrvLogFile: '',
        clusterName,
        brokers: (info.clusters[clusterName] ?? []).map((name) => {
          const addr = info.brokers[name]?.addrs['0'] ?? '';
          const port = Number(addr.split(':')[1]);
          return { name, addr, port, vipPort: port - 2, haPort: port + 1, pid: 0, dir: '', logFile: '' };
        }),
        workDir: '',
        ownerPid: 0,
        startMs: 0,
      };
    } finally {
      await admin.close();
    }
  }
  return ClusterImpl.attach(env, d);
}

// One cluster per version per process, shared by every useCluster() of that version in the file.
interface Shared {
  promise: Promise<RunningCluster>;
  users: number;
}
const shared = new Map<VersionKey, Shared>();
let beforeExitInstalled = false;

function acquire(key: VersionKey, opts: Omit<StartOptions, 'version'>): Promise<RunningCluster> {
  let s = shared.get(key);
  if (!s) {
    const promise = (async () =>
      (await attachFromEnv(key)) ??
      (await startCluster({ ...opts, version: key, log: opts.log ?? ((l) => console.error(`[cluster] ${l}`)) })))();
    s = { promise, users: 0 };
    shared.set(key, s);
    promise.catch(() => shared.delete(key));
    if (!beforeExitInstalled) {
      beforeExitInstalled = true;
      // Safety net when no after() hook ran: stop what is left once the test file has nothing else to do.
      process.on('beforeExit', () => {
        const left = [...shared.values()];
        shared.clear();
        for (const x of left) void x.promise.then((c) => c.stop()).catch(() => undefined);
      });
    }
  }
  s.users++;
  return s.promise;
}

async function release(key: VersionKey): Promise<void> {
  const s = shared.get(key);
  if (!s) return;
  if (--s.users > 0) return;
  shared.delete(key);
  const c = await s.promise.catch(() => undefined);
  if (!c) return;
  if (!c.owned) await (c as ClusterImpl).restoreBrokers();
  await c.stop();
}

/** What useCluster returns: call it for the cluster (inside tests), or await it (e.g. in a before hook). */
export type ClusterHandle = (() => RunningCluster) & PromiseLike<RunningCluster>;

/**
 * For node:test files. Reuses the orchestrator's cluster of this version when announced in the env
 * (RMQ_CLUSTER_49_* / RMQ_CLUSTER_53_*), otherwise starts one. Two styles:
 *   describe('x', () => { const cluster = useCluster('5.3'); test('t', () => cluster().namesrv ...) })
 *   before(async () => { cluster = await useCluster('5.3'); })
 * Registers before/after hooks where it is called; the cluster (shared by all useCluster calls of that
 * version in the process) is stopped after the last user's after hook, or at the latest when the
 * process runs out of work. Brokers stopped through an attached cluster are restarted in after().
 */
export function useCluster(version: VersionKey | string, opts: Omit<StartOptions, 'version'> = {}): ClusterHandle {
  const key = normaliseKey(version);
  let acquired: Promise<RunningCluster> | undefined;
  let value: RunningCluster | undefined;
  let failure: unknown;
  const get = (): Promise<RunningCluster> =>
    (acquired ??= acquire(key, opts).then(async (c) => {
      // An attached or shared cluster may have no proxy yet: start one (stopped with the cluster's last user).
      if (opts.proxy) await c.startProxy(opts.proxy === true ? {} : opts.proxy);
      return c;
    }).then(
      (c) => (value = c),
      (e) => {
        failure = e;
        throw e;
      },
    ));
  try {
    // required lazily so that this module also loads outside node:test (cli.ts, the orchestrator)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { before, after } = require('node:test') as typeof import('node:test');
    before(() => get().then(() => undefined), { timeout: (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS) + 240_000 });
    after(
      async () => {
        if (!acquired) return;
        await acquired.catch(() => undefined);
        await release(key);
      },
      { timeout: 120_000 },
    );
  } catch {
    /* not inside node:test: the beforeExit / exit hooks clean up */
  }
  const handle = (() => {
    if (!value) throw new Error(`RocketMQ ${key} cluster is not available: ${failure ? String(failure) : 'not started yet (await useCluster(...) or use it inside a test)'}`);
    return value;
  }) as ClusterHandle;
  (handle as { then: PromiseLike<RunningCluster>['then'] }).then = (onF, onR) => get().then(onF, onR);
  return handle;
}
