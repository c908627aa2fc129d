/**
 * Records a real capture for the golden files: starts a real RocketMQ cluster with the test harness
 * (test/support/cluster), runs dumpcap on lo for the cluster's ports, and runs
 * test/support/golden/java/rmqgolden/GoldenTraffic.java (the Java client of the same version: plain,
 * tagged + keyed, delayed, compressed, batch, oneway and transactional sends, a transaction check, pulls,
 * viewMessage, queryMessage, cluster info, topic list, a missing route). Then stops everything.
 *
 *   npx tsc -p . && node out/test/support/golden/capture-java.js 5.3   # → test/fixtures/captures/java-5.3.3.pcapng
 *   npx tsc -p . && node out/test/support/golden/capture-java.js 4.9   # → test/fixtures/captures/java-4.9.7.pcapng
 *
 * Not run by the tests: the captures are committed, and the golden test reads them. A new recording
 * differs in every timestamp, port and id, so re-recording means re-generating the golden files.
 *
 * Version differences on purpose: the 4.9 run uses the ROCKETMQ (binary) header serialization in the
 * Java client (-Drocketmq.serialize.type=ROCKETMQ) and `compressedRegister=true` on the brokers, so the
 * 4.9 capture has real binary headers and compressed REGISTER_BROKER bodies; the 5.3 run uses JSON.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { startCluster, RunningCluster } from '../cluster';
import { JAVA, javaArgs, prepareJava, repoRoot, VersionKey, normaliseKey } from '../cluster/java';
import { startLiveCapture, LiveCapture } from '../live-capture';

const TOPIC = 'GoldenTopic';

async function compile(version: VersionKey): Promise<string> {
  const env = await prepareJava(version);
  const src = join(repoRoot(), 'test', 'support', 'golden', 'java', 'rmqgolden', 'GoldenTraffic.java');
  const stamp = createHash('sha256').update(env.classpath).update(readFileSync(src)).digest('hex').slice(0, 16);
  const out = join(repoRoot(), '.cache', 'golden-java', version, stamp);
  if (!existsSync(join(out, '.complete'))) {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const r = spawnSync('javac', ['-nowarn', '-encoding', 'UTF-8', '-d', out, '-cp', env.classpath, src], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`javac GoldenTraffic failed: ${r.stdout}${r.stderr}`);
    writeFileSync(join(out, '.complete'), 'ok');
  }
  return out;
}

function runTraffic(version: VersionKey, classes: string, namesrv: string, log: (s: string) => void): Promise<void> {
  return prepareJava(version).then((env) => new Promise<void>((resolve, reject) => {
    const props: Record<string, string> = version === '4.9' ? { 'rocketmq.serialize.type': 'ROCKETMQ' } : {};
    const userHome = join(repoRoot(), '.cache', 'golden-java', 'home');
    mkdirSync(userHome, { recursive: true });
    const args = javaArgs({ ...env, classpath: classes + delimiter + env.classpath }, 'rmqgolden.GoldenTraffic', [namesrv, TOPIC], { xmx: '256m', userHome, props });
    const child = spawn(JAVA, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let done = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      for (const l of d.split('\n')) if (l.trim()) log(`[java] ${l}`);
      if (d.includes('DONE')) done = true;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err = (err + d).slice(-6000); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`GoldenTraffic timed out: ${err}`)); }, 180_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0 && done) resolve();
      else reject(new Error(`GoldenTraffic exited ${code}: ${err}`));
    });
  }));
}

export async function recordJavaCapture(versionArg: string, outFile?: string, log: (s: string) => void = (s) => console.error(s)): Promise<string> {
  const version = normaliseKey(versionArg);
  const classes = await compile(version);
  let cluster: RunningCluster | undefined;
  let cap: LiveCapture | undefined;
  const dir = mkdtempSync(join(tmpdir(), `golden-capture-${version}-`));
  try {
    cluster = await startCluster({
      version,
      log: (l) => log(`[cluster] ${l}`),
      brokerProperties: {
        // the broker checks an UNKNOWN half message after transactionTimeOut, scanning every transactionCheckInterval
        transactionTimeOut: 1000,
        transactionCheckInterval: 2000,
        ...(version === '4.9' ? { compressedRegister: true } : {}),
      },
    });
    await cluster.createTopic(TOPIC, { queues: 2, perm: 6 });
    const file = join(dir, 'java.pcapng');
    const ports = [Number(cluster.namesrv.split(':')[1]), ...cluster.brokers.flatMap((b) => [b.port, b.vipPort])];
    const filter = `tcp and (${ports.map((p) => `port ${p}`).join(' or ')})`;
    log(`capturing: dumpcap -i lo -f "${filter}"`);
    cap = await startLiveCapture({ name: 'dumpcap lo', file, cmd: 'dumpcap', args: ['-i', 'lo', '-q', '-f', filter, '-w', file], linkType: 1, format: 'pcapng', probeAddress: cluster.namesrv });
    await runTraffic(version, classes, cluster.namesrv, log);
    await new Promise((r) => setTimeout(r, 1000));
    await cap.stop();
    cap = undefined;
    const dest = outFile ?? join(repoRoot(), 'test', 'fixtures', 'captures', `java-${cluster.version}.pcapng`);
    copyFileSync(file, dest);
    log(`wrote ${dest} (${statSync(dest).size} bytes)`);
    return dest;
  } finally {
    if (cap) await cap.stop();
    if (cluster) await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [version, out] = process.argv.slice(2);
  if (!version) {
    console.error('usage: node out/test/support/golden/capture-java.js 4.9|5.3 [out.pcapng]');
    process.exit(2);
  }
  recordJavaCapture(version, out).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
}
