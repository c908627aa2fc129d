// Java side of the test cluster: resolves the pinned RocketMQ artifacts with Maven, compiles the helper
// programs in test/support/java against them, and builds `java` command lines. Both steps are cached
// under <repo>/.cache/rocketmq/<key>/ (gitignored); ~/.m2 is Maven's own cache.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { join, dirname, delimiter } from 'node:path';

export type VersionKey = '4.9' | '5.3';

export interface PinnedVersion {
  key: VersionKey;
  /** Exact Maven version of rocketmq-namesrv/-broker/-client/-tools. */
  version: string;
  /** MQVersion.Version ordinal of that release: what its headers carry in `version`. */
  ordinal: number;
}

/** ordinal(V4_a_b) = 213 + 20a + 2b, ordinal(V5_a_b) = 413 + 20a + 2b (docs/protocol.md §1.8). */
function ordinalOf(version: string): number {
  const [maj, a, b] = version.split('.').map(Number);
  return (maj === 4 ? 213 : 413) + 20 * a + 2 * b;
}

function readPinned(key: VersionKey): PinnedVersion {
  const pom = readFileSync(pomPath(key), 'utf8');
  const m = /<rocketmq\.version>([^<]+)<\/rocketmq\.version>/.exec(pom);
  if (!m) throw new Error(`no <rocketmq.version> in ${pomPath(key)}`);
  return { key, version: m[1], ordinal: ordinalOf(m[1]) };
}

export function pinned(key: VersionKey): PinnedVersion {
  return readPinned(key);
}

export const VERSION_KEYS: VersionKey[] = ['4.9', '5.3'];

export function normaliseKey(v: string): VersionKey {
  const s = String(v).trim();
  if (s === '4' || s.startsWith('4.9') || s === '49') return '4.9';
  if (s === '5' || s.startsWith('5.3') || s === '53') return '5.3';
  throw new Error(`unknown RocketMQ version "${v}" (known: ${VERSION_KEYS.join(', ')})`);
}

let cachedRoot: string | undefined;
/** The repository root (the folder with package.json), found from this file's location (src or out). */
export function repoRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test', 'support', 'cluster'))) return (cachedRoot = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the repository root above ${__dirname}`);
    dir = up;
  }
}

/**
 * A Maven project of its own: the RocketMQ releases ('4.9', '5.3') and the 5.x gRPC client
 * ('grpc-client', rocketmq-client-java: a shaded jar that must not share a classpath with the server).
 */
export type PomKey = VersionKey | 'grpc-client';

/** The helper sources compiled against a pom's classpath (folders under test/support/java). */
function sourceFolders(key: PomKey): string[] {
  return key === 'grpc-client' ? ['grpcclient'] : ['rmqtest', 'resources'];
}

export function pomPath(key: PomKey): string {
  return join(repoRoot(), 'test', 'support', 'cluster', 'maven', key, 'pom.xml');
}

function javaSourceDir(): string {
  return join(repoRoot(), 'test', 'support', 'java');
}

export function cacheDir(key: PomKey): string {
  return join(repoRoot(), '.cache', 'rocketmq', key);
}

function sha(...parts: (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}

function listFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) listFiles(p, out);
    else out.push(p);
  }
  return out;
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Throws a clear message when java/javac/mvn are missing (scripts/setup-system.sh installs them). */
export function checkTools(): void {
  const missing = ['java', 'javac', 'mvn'].filter((c) => !have(c));
  if (missing.length) {
    throw new Error(`missing ${missing.join(', ')}: run scripts/setup-system.sh (as root) first`);
  }
}

function runCapture(cmd: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((res) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => res({ code: 127, out: String(e) }));
    child.on('exit', (code) => res({ code: code ?? 1, out }));
  });
}

// Maven runs one at a time: two resolvers writing the same ~/.m2 files concurrently is asking for trouble.
let mavenQueue: Promise<unknown> = Promise.resolve();
function serialMaven<T>(fn: () => Promise<T>): Promise<T> {
  const p = mavenQueue.then(fn, fn);
  mavenQueue = p.catch(() => undefined);
  return p;
}

/** The resolved classpath (jar list) for a version; cached by pom content, re-resolved if a jar vanished. */
export async function resolveClasspath(key: PomKey, log: (s: string) => void = () => {}): Promise<string> {
  const dir = cacheDir(key);
  mkdirSync(dir, { recursive: true });
  const pom = pomPath(key);
  const stamp = sha(readFileSync(pom));
  const cpFile = join(dir, 'classpath.txt');
  const stampFile = join(dir, 'classpath.stamp');
  if (existsSync(cpFile) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    const cp = readFileSync(cpFile, 'utf8').trim();
    if (cp && cp.split(delimiter).every((j) => existsSync(j))) return cp;
  }
  return serialMaven(async () => {
    const started = Date.now();
    log(`resolving ${key === 'grpc-client' ? 'rocketmq-client-java' : `RocketMQ ${pinned(key).version}`} with Maven (first run downloads into ~/.m2)…`);
    const tmp = join(dir, `classpath.${process.pid}.tmp`);
    const r = await runCapture('mvn', ['-q', '-B', '-f', pom, 'dependency:build-classpath', `-Dmdep.outputFile=${tmp}`], dir);
    if (r.code !== 0 || !existsSync(tmp)) {
      throw new Error(`mvn dependency:build-classpath failed for ${pom} (exit ${r.code}):\n${r.out.slice(-4000)}`);
    }
    const cp = readFileSync(tmp, 'utf8').trim();
    renameSync(tmp, cpFile);
    writeFileSync(stampFile, stamp);
    log(`resolved ${cp.split(delimiter).length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return cp;
  });
}

export interface JavaEnv extends PinnedVersion {
  /** classes dir + all jars, ready for -cp */
  classpath: string;
  classesDir: string;
}

const prepared = new Map<VersionKey, Promise<JavaEnv>>();

/** Classpath + compiled helper programs for one version (cached per process and on disk). */
export function prepareJava(key: VersionKey, log: (s: string) => void = () => {}): Promise<JavaEnv> {
  let p = prepared.get(key);
  if (!p) {
    p = prepareJavaUncached(key, log);
    prepared.set(key, p);
    p.catch(() => prepared.delete(key));
  }
  return p;
}

async function prepareJavaUncached(key: VersionKey, log: (s: string) => void): Promise<JavaEnv> {
  checkTools();
  const pin = pinned(key);
  const { classesDir, jars } = await compileHelpers(key, log);
  return { ...pin, classesDir, classpath: classesDir + delimiter + jars };
}

/** Resolves a pom and compiles its helper sources against it (cached on disk by jars + sources). */
async function compileHelpers(key: PomKey, log: (s: string) => void): Promise<{ classesDir: string; jars: string }> {
  const jars = await resolveClasspath(key, log);
  const src = javaSourceDir();
  const files = sourceFolders(key).flatMap((f) => (existsSync(join(src, f)) ? listFiles(join(src, f)) : []));
  const javaFiles = files.filter((f) => f.endsWith('.java'));
  const stamp = sha(jars, ...files.map((f) => f.slice(src.length) + '\n' + readFileSync(f, 'utf8')));
  const dir = cacheDir(key);
  const classesDir = join(dir, `classes-${stamp}`);
  const what = key === 'grpc-client' ? 'rocketmq-client-java' : `RocketMQ ${pinned(key).version}`;
  if (!existsSync(join(classesDir, '.complete'))) {
    const started = Date.now();
    const tmp = join(dir, `classes.${process.pid}.tmp`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const r = await runCapture('javac', ['-nowarn', '-encoding', 'UTF-8', '-d', tmp, '-cp', jars, ...javaFiles], src);
    if (r.code !== 0) throw new Error(`javac failed against ${what}:\n${r.out.slice(-4000)}`);
    // Logging config, found first on the classpath by 4.9's logback and by 5.x's shaded logback.
    if (key !== 'grpc-client') {
      const logback = join(src, 'resources', 'logback.xml');
      copyFileSync(logback, join(tmp, 'logback-test.xml'));
      copyFileSync(logback, join(tmp, 'rmq.logback-test.xml'));
    }
    writeFileSync(join(tmp, '.complete'), new Date().toISOString());
    // Remove older builds, then move ours in place (another process may have won the race: fine).
    for (const name of readdirSync(dir)) {
      if (name.startsWith('classes-') && name !== `classes-${stamp}`) rmSync(join(dir, name), { recursive: true, force: true });
    }
    if (!existsSync(join(classesDir, '.complete'))) {
      rmSync(classesDir, { recursive: true, force: true });
      renameSync(tmp, classesDir);
    } else {
      rmSync(tmp, { recursive: true, force: true });
    }
    log(`compiled ${javaFiles.length} Java files against ${what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return { classesDir, jars };
}

/** The gRPC client's classpath: rocketmq-client-java (shaded) + test/support/java/grpcclient. */
export interface GrpcClientEnv {
  classpath: string;
  classesDir: string;
}

let grpcClientPrepared: Promise<GrpcClientEnv> | undefined;

/** Resolves rocketmq-client-java and compiles the gRPC helper programs (cached per process and on disk). */
export function prepareGrpcClient(log: (s: string) => void = () => {}): Promise<GrpcClientEnv> {
  if (!grpcClientPrepared) {
    checkTools();
    grpcClientPrepared = compileHelpers('grpc-client', log).then(({ classesDir, jars }) => ({ classesDir, classpath: classesDir + delimiter + jars }));
    grpcClientPrepared.catch(() => (grpcClientPrepared = undefined));
  }
  return grpcClientPrepared;
}

export interface JvmOptions {
  /** e.g. '256m' */
  xmx?: string;
  userHome?: string;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  props?: Record<string, string | number | boolean>;
}

/** Arguments for `java`: small, fast-starting JVM (2-core machine), JDK 17 module opens RocketMQ 4.9 needs. */
export function javaArgs(env: JavaEnv, mainClass: string, args: string[], opts: JvmOptions = {}): string[] {
  const props: Record<string, string | number | boolean> = {
    'rocketmq.remoting.version': env.ordinal,
    'java.net.preferIPv4Stack': true,
    'rmqtest.logLevel': opts.logLevel ?? 'WARN',
    'rocketmq.client.logUseSlf4j': true,
    'com.rocketmq.sendMessageWithVIPChannel': false,
    'file.encoding': 'UTF-8',
    ...(opts.userHome ? { 'user.home': opts.userHome } : {}),
    ...opts.props,
  };
  return [
    `-Xms32m`,
    `-Xmx${opts.xmx ?? '256m'}`,
    '-XX:MaxDirectMemorySize=256m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-XX:-UsePerfData',
    '-Xss512k',
    '--add-opens=java.base/java.nio=ALL-UNNAMED',
    '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
    '--add-opens=java.base/java.lang=ALL-UNNAMED',
    '--add-opens=java.base/java.util=ALL-UNNAMED',
    '--add-opens=java.base/java.lang.reflect=ALL-UNNAMED',
    '--add-exports=java.base/sun.nio.ch=ALL-UNNAMED',
    // 4.9's MappedFile.clean() calls jdk.internal.ref.Cleaner.clean() by reflection (unmapping files on
    // shutdown and when the index is reloaded after an unclean stop); without this a restarted broker fails.
    '--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED',
    '--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED',
    ...Object.entries(props).map(([k, v]) => `-D${k}=${v}`),
    '-cp',
    env.classpath,
    mainClass,
    ...args,
  ];
}

export const JAVA = 'java';

/** Runs a helper program to completion (used by the codec cross-check). */
export function runJava(
  env: JavaEnv,
  mainClass: string,
  args: string[],
  input?: string,
  opts: JvmOptions = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(JAVA, javaArgs(env, mainClass, args, opts), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', rej);
    child.on('exit', (code) => res({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

