// `npm run cluster [-- --version 4.9]`: starts a real RocketMQ cluster (NameServer + broker-a + broker-b),
// prints `namesrv=127.0.0.1:<port>` once both brokers are registered, runs until Ctrl-C, then stops it.
// Options: --version 4.9|5.3 (default 5.3), --topic <name> (create topics, repeatable), --json (also print
// the full description as one JSON line, the value the tests take from RMQ_CLUSTER_xx_JSON), --proxy (5.3: also
// start the 5.x Proxy in cluster mode; prints `proxy.grpc=…` and `proxy.remoting=…`), --proxy-tls (its gRPC
// port accepts TLS as well).
import { startCluster, RunningCluster, clusterEnv } from './index';

function usage(): never {
  console.error('usage: npm run cluster -- [--version 4.9|5.3] [--topic NAME]... [--json] [--proxy] [--proxy-tls]');
  process.exit(2);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let version = '5.3';
  const topics: string[] = [];
  let json = false;
  let proxy: false | { tls: boolean } = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--version' || a === '-v') version = argv[++i] ?? usage();
    else if (a.startsWith('--version=')) version = a.slice('--version='.length);
    else if (a === '--topic') topics.push(argv[++i] ?? usage());
    else if (a === '--json') json = true;
    else if (a === '--proxy') proxy = { tls: proxy ? proxy.tls : false };
    else if (a === '--proxy-tls') proxy = { tls: true };
    else if (a === '--help' || a === '-h') usage();
    else usage();
  }
  let cluster: RunningCluster | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (cluster) {
      console.error('[cluster] stopping…');
      await cluster.stop().catch((e) => console.error(`[cluster] stop failed: ${e}`));
      console.error('[cluster] stopped');
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  try {
    cluster = await startCluster({ version, proxy, log: (l) => console.error(`[cluster] ${l}`) });
  } catch (e) {
    console.error(`[cluster] failed to start: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
  for (const t of topics) {
    await cluster.createTopic(t);
    console.error(`[cluster] created topic ${t} on ${cluster.brokers.map((b) => b.name).join(', ')}`);
  }
  console.error(`[cluster] RocketMQ ${cluster.version}, cluster ${cluster.clusterName}: ${cluster.brokers.map((b) => `${b.name}=${b.addr} (pid ${b.pid})`).join(', ')}; store under ${cluster.workDir}`);
  if (json) console.log(clusterEnv(cluster)[cluster.versionKey === '4.9' ? 'RMQ_CLUSTER_49_JSON' : 'RMQ_CLUSTER_53_JSON']);
  console.log(`namesrv=${cluster.namesrv}`);
  if (cluster.proxy) {
    console.log(`proxy.grpc=${cluster.proxy.grpc}`);
    console.log(`proxy.remoting=${cluster.proxy.remoting}`);
  }
  console.error('[cluster] running; Ctrl-C stops it');
  // keep the event loop alive until a signal arrives
  setInterval(() => undefined, 1 << 30);
}

void main();
