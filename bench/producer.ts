// Producer benchmark: ours vs Java's DefaultMQProducer on the same local cluster (started here, or the
// one announced in RMQ_CLUSTER_xx_* env vars), 128 B and 4 KiB bodies, sync and async.
//
//   npm run bench:producer -- [--version 5.3|4.9] [--count 20000] [--inflight 256] [--sizes 128,4096]
//                             [--warmup 2000] [--async-warmup 20000] [--prewarm 80000] [--rounds 3]
//
// Sync: one message at a time, latency of each send. Async: `inflight` sends outstanding at once.
// Each side first warms up: `prewarm` async sends of each size once, then before every measurement
// sends in the mode measured (without this, Java's async rate climbed by a third across the rounds).
// Reports msgs/s, p50/p99 latency and ours/Java ratios. Targets: async throughput ≥ Java; sync p99 ≤ 1.2× Java.
import { attachFromEnv, startCluster, RunningCluster } from '../test/support/cluster';
import { JavaSide, BenchStats } from '../test/support/java-producer/java-side';
import { Producer } from '../src/core/producer';
import { Message } from '../src/core/message';
import { loadavg, cpus } from 'node:os';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function benchOurs(p: Producer, topic: string, mode: 'sync' | 'async', size: number, count: number, warmup: number, inflight: number): Promise<BenchStats> {
  const body = Buffer.alloc(size, 'x');
  // warm up in the mode measured, as the Java side does
  await run(p, topic, mode, body, warmup, inflight, new Float64Array(warmup));
  const lat = new Float64Array(count);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const errors = await run(p, topic, mode, body, count, inflight, lat);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const sorted = Array.from(lat).sort((a, b) => a - b);
  return {
    count, errors, seconds, msgsPerSec: count / seconds, p50Ms: pct(sorted, 0.5), p99Ms: pct(sorted, 0.99),
    cpuUsPerMsg: (cpu.user + cpu.system) / count,
  };
}

/** `count` sends, one at a time (sync) or `inflight` outstanding (async); latencies into `lat`; returns the errors. */
async function run(p: Producer, topic: string, mode: 'sync' | 'async', body: Buffer, count: number, inflight: number, lat: Float64Array): Promise<number> {
  let errors = 0;
  if (mode === 'sync') {
    for (let i = 0; i < count; i++) {
      const s = performance.now();
      try { await p.send(new Message({ topic, body })); } catch { errors++; }
      lat[i] = performance.now() - s;
    }
    return errors;
  }
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const s = performance.now();
      try { await p.sendAsync(new Message({ topic, body })); } catch { errors++; }
      lat[i] = performance.now() - s;
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
  return errors;
}

async function main(): Promise<void> {
  const version = arg('version', '5.3');
  const count = Number(arg('count', '20000'));
  const syncCount = Number(arg('sync-count', String(Math.min(count, 5000))));
  const warmup = Number(arg('warmup', '2000'));
  const asyncWarmup = Number(arg('async-warmup', String(count)));
  const prewarm = Number(arg('prewarm', String(4 * count)));
  const inflight = Number(arg('inflight', '256'));
  const sizes = arg('sizes', '128,4096').split(',').map(Number);
  const rounds = Number(arg('rounds', '3'));
  let cluster: RunningCluster | undefined = await attachFromEnv(version);
  const owned = !cluster;
  if (!cluster) cluster = await startCluster({ version, log: (l) => console.error(`[cluster] ${l}`) });
  const topic = `Bench_${Date.now()}`;
  await cluster.createTopic(topic, { queues: 4, perm: 6 });
  const java = await JavaSide.start(cluster.versionKey, cluster.namesrv);
  const ours = new Producer({ namesrvAddr: cluster.namesrv, producerGroup: 'bench_ours', clientVersion: cluster.versionOrdinal });
  await ours.start();
  const rows: Array<{ size: number; mode: string; ours: BenchStats; java: BenchStats }> = [];
  try {
    // Java's JIT was still speeding its async path up across the rounds (its CPU per message halved from
    // round 1 to 3): both sides first send `prewarm` async messages of each size, untimed.
    for (const size of sizes) {
      await java.bench(topic, 'async', size, prewarm, 0, inflight);
      await benchOurs(ours, topic, 'async', size, prewarm, 0, inflight);
    }
    for (const size of sizes) {
      for (const mode of ['sync', 'async'] as const) {
        const n = mode === 'sync' ? syncCount : count;
        const w = mode === 'sync' ? warmup : asyncWarmup;
        for (let r = 0; r < rounds; r++) {
          // alternate who goes first so that neither always gets the warmer broker
          const javaFirst = (rows.length + r) % 2 === 1;
          let o: BenchStats, j: BenchStats;
          if (javaFirst) {
            j = await java.bench(topic, mode, size, n, w, inflight);
            o = await benchOurs(ours, topic, mode, size, n, w, inflight);
          } else {
            o = await benchOurs(ours, topic, mode, size, n, w, inflight);
            j = await java.bench(topic, mode, size, n, w, inflight);
          }
          rows.push({ size, mode, ours: o, java: j });
          console.error(`[bench] ${size} B ${mode}: ours ${o.msgsPerSec.toFixed(0)}/s p50 ${o.p50Ms.toFixed(2)} p99 ${o.p99Ms.toFixed(2)} | java ${j.msgsPerSec.toFixed(0)}/s p50 ${j.p50Ms.toFixed(2)} p99 ${j.p99Ms.toFixed(2)}`);
        }
      }
    }
  } finally {
    await ours.shutdown();
    await java.stop();
    if (owned) await cluster.stop();
  }
  console.log(`RocketMQ ${cluster.version}, Java client ${java.versionDesc}, count ${count} (sync ${syncCount}), async in flight ${inflight}, prewarm ${prewarm} async per size, warmup ${warmup} sync / ${asyncWarmup} async sends in the mode measured, rounds ${rounds}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} CPUs`);
  console.log('size   mode   | ours msgs/s  p50 ms  p99 ms  CPU µs | java msgs/s  p50 ms  p99 ms  CPU µs | thr ratio  p99 ratio | errors o/j');
  console.log('(CPU µs: the client process\'s CPU time per message, user + system, GC and JIT included)');
  // one line per round, then the median of the rounds per cell
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const cells = new Map<string, typeof rows>();
  for (const r of rows) { const k = `${r.size} ${r.mode}`; cells.set(k, [...(cells.get(k) ?? []), r]); }
  const medians = [...cells.values()].map((rs) => {
    const m = (f: (s: BenchStats) => number, who: 'ours' | 'java') => med(rs.map((r) => f(r[who])));
    const stat = (who: 'ours' | 'java'): BenchStats => ({
      count: rs[0][who].count, errors: rs.reduce((a, r) => a + r[who].errors, 0), seconds: m((s) => s.seconds, who),
      msgsPerSec: m((s) => s.msgsPerSec, who), p50Ms: m((s) => s.p50Ms, who), p99Ms: m((s) => s.p99Ms, who),
      cpuUsPerMsg: m((s) => s.cpuUsPerMsg, who),
    });
    return { size: rs[0].size, mode: `${rs[0].mode}*`, ours: stat('ours'), java: stat('java') };
  });
  console.log('(rows marked * are the medians over the rounds)');
  for (const r of [...rows, ...medians]) {
    const f = (s: BenchStats) => `${s.msgsPerSec.toFixed(0).padStart(11)} ${s.p50Ms.toFixed(2).padStart(7)} ${s.p99Ms.toFixed(2).padStart(7)} ${s.cpuUsPerMsg.toFixed(1).padStart(7)}`;
    console.log(`${String(r.size).padEnd(6)} ${r.mode.padEnd(6)} |${f(r.ours)} |${f(r.java)} | ${(r.ours.msgsPerSec / r.java.msgsPerSec).toFixed(2).padStart(9)} ${(r.ours.p99Ms / r.java.p99Ms).toFixed(2).padStart(10)} | ${r.ours.errors}/${r.java.errors}`);
  }
  console.log(JSON.stringify({ version: cluster.version, rows }));
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
