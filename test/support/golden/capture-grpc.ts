/**
 * Records the real gRPC capture for the golden files: starts a real RocketMQ 5.3.3 cluster with its
 * Proxy (h2c and TLS on one port), runs dumpcap on lo for the proxy's gRPC port and the NameServer,
 * and runs the real gRPC client (rocketmq-client-java 5.0.8, test/support/java/grpcclient): producer
 * normal/FIFO/delay/transaction, simple consumer, push consumer, a FIFO push consumer failing into the
 * dead-letter queue; then one TLS producer. The capture also holds remoting frames (the capture
 * readiness probes to the NameServer): both protocols in one file.
 *
 *   npx tsc -p . && node out/test/support/golden/capture-grpc.js   # → test/fixtures/captures/grpc-5.3.3.pcapng
 *
 * Not run by the tests: the capture is committed, and test/unit/grpc/fixture.test.ts reads it.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, RunningCluster } from '../cluster';
import { repoRoot } from '../cluster/java';
import { runGrpcScenario } from '../cluster/grpc-client';
import { startLiveCapture, LiveCapture } from '../live-capture';
import { eventually } from '../poll';
import { MQClient } from '../../../src/core/producer';
import { browseTopic } from '../../../src/core/consumer';
import { decodeGrpcCapture } from '../../../src/core/grpc';

async function main(): Promise<void> {
  const log = (s: string) => console.error(`[capture-grpc] ${s}`);
  let cluster: RunningCluster | undefined;
  let cap: LiveCapture | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'golden-grpc-'));
  try {
    cluster = await startCluster({ version: '5.3', proxy: { tls: true }, log });
    const p = cluster.proxy!;
    const topics = { normal: 'GrpcNormal', fifo: 'GrpcFifo', delay: 'GrpcDelay', tx: 'GrpcTx' };
    await cluster.createTopic(topics.normal, { queues: 2, attributes: { 'message.type': 'NORMAL' } });
    await cluster.createTopic(topics.fifo, { queues: 1, attributes: { 'message.type': 'FIFO' } });
    await cluster.createTopic(topics.delay, { queues: 2, attributes: { 'message.type': 'DELAY' } });
    await cluster.createTopic(topics.tx, { queues: 2, attributes: { 'message.type': 'TRANSACTION' } });
    await cluster.createGroup('GrpcDlqGroup', { retryMaxTimes: 0, orderly: true });
    const file = join(dir, 'grpc.pcapng');
    const filter = `tcp and (port ${p.grpcPort} or port ${cluster.namesrv.split(':')[1]})`;
    cap = await startLiveCapture({ name: 'dumpcap lo', file, cmd: 'dumpcap', args: ['-i', 'lo', '-q', '-f', filter, '-w', file], linkType: 1, format: 'pcapng', probeAddress: cluster.namesrv });
    const reader = new MQClient({ namesrvAddr: cluster.namesrv, clientVersion: cluster.versionOrdinal });
    const run = await runGrpcScenario({
      endpoint: p.grpc, ...topics, simpleGroup: 'GrpcSimpleGroup', pushGroup: 'GrpcPushGroup', dlqGroup: 'GrpcDlqGroup', log,
      dlqDone: async () => { await eventually('the dead-letter queue', async () => ((await browseTopic(reader, '%DLQ%GrpcDlqGroup').catch(() => [])).length >= 2 ? true : undefined), 60_000, 500); },
    });
    await reader.close();
    if (run.code !== 0) throw new Error(`gRPC scenario failed: ${run.stderr}`);
    const tls = await runGrpcScenario({ endpoint: `localhost:${p.grpcPort}`, normal: topics.normal, ssl: true, onlySend: true });
    if (tls.code !== 0) throw new Error(`TLS scenario failed: ${tls.stderr}`);
    await eventually('the capture to hold every call', async () => {
      const g = (await decodeGrpcCapture(file)).grpc;
      return g.calls.filter((c) => c.method?.name === 'NotifyClientTermination' && c.grpcStatus === 0).length >= 4 && g.connections.some((c) => c.kind === 'tls') ? true : undefined;
    }, 30_000, 500);
    await cap.stop();
    const dest = join(repoRoot(), 'test', 'fixtures', 'captures', 'grpc-5.3.3.pcapng');
    copyFileSync(file, dest);
    log(`wrote ${dest}`);
  } finally {
    if (cap) await cap.stop();
    if (cluster) await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
