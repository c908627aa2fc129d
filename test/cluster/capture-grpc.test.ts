// The gRPC decoder on real captures of a real RocketMQ 5 gRPC client: rocketmq-client-java 5.0.8 talks
// to the 5.3.3 Proxy (producer normal/FIFO/delay/transaction, simple consumer, push consumer, a FIFO
// push consumer that fails every message into the dead-letter queue, and a TLS producer) while
// tcpdump (pcap) and dumpcap (pcapng) capture on lo. Every RPC the client made must be a decoded,
// paired row whose fields equal what the client logged (message ids, topics, bodies); HTTP/2 frame
// counts per connection must equal tshark's HTTP/2 dissector's; a capture cut mid-connection and the
// TLS connection must be labelled and must not throw.
import { describe, before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as http2 from 'node:http2';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useCluster } from '../support/cluster';
import { runGrpcScenario, GrpcScenarioResult, GrpcEvent } from '../support/cluster/grpc-client';
import { LiveCapture, startLiveCapture } from '../support/live-capture';
import { eventually } from '../support/poll';
import { MQClient } from '../../src/core/producer';
import { browseTopic } from '../../src/core/consumer';
import { streamCaptureSync } from '../../src/core/capture/source';
import { PcapWriter, fileSink } from '../../src/core/capture/pcap-writer';
import { decodeGrpcCapture, describeGrpcRow, grpcRows, GrpcCall, GrpcCaptureResult, GrpcMessage, decodeAs, connectionLabel } from '../../src/core/grpc';

type Obj = Record<string, unknown>;
const hex = (b: Uint8Array | undefined) => Buffer.from(b ?? new Uint8Array()).toString('hex');

/** A message of a call decoded with its method's type (the test's own decode, through protobufjs). */
function decoded(call: GrpcCall, m: GrpcMessage): Obj {
  const t = m.dir === 0 ? call.method!.requestType! : call.method!.responseType!;
  const r = decodeAs(t, m.payload!);
  assert.ok(r.ok, `${call.path} ${m.dir}: ${r.ok ? '' : r.error}`);
  return r.message as unknown as Obj;
}

const methodCalls = (g: GrpcCaptureResult, name: string) => g.calls.filter((c) => c.method?.name === name && !c.inferred);

/** tshark's HTTP/2 frames per TCP connection (client port) and type, on the h2c connections. */
function tsharkFrames(file: string, port: number): Map<number, Map<string, number>> {
  const r = spawnSync('tshark', ['-r', file, '-d', `tcp.port==${port},http2`, '-Y', 'http2', '-T', 'fields', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'http2.type', '-E', 'occurrence=a', '-E', 'aggregator=,'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const names = ['DATA', 'HEADERS', 'PRIORITY', 'RST_STREAM', 'SETTINGS', 'PUSH_PROMISE', 'PING', 'GOAWAY', 'WINDOW_UPDATE', 'CONTINUATION'];
  const out = new Map<number, Map<string, number>>();
  for (const line of r.stdout.split('\n')) {
    const [src, dst, types] = line.split('\t');
    if (!types) continue;
    const client = Number(src) === port ? Number(dst) : Number(src);
    const m = out.get(client) ?? new Map<string, number>();
    out.set(client, m);
    for (const t of types.split(',')) {
      const n = names[Number(t)] ?? `UNKNOWN(${t})`;
      m.set(n, (m.get(n) ?? 0) + 1);
    }
  }
  return out;
}

/** A copy of a capture without its packets before `fromUs` (a capture that joined mid-connection). */
function cutCapture(src: string, dst: string, fromUs: number): void {
  const out = fileSink(dst);
  let w: PcapWriter | undefined;
  streamCaptureSync(src, {
    packet: (p) => {
      w ??= new PcapWriter(out.sink, { format: 'pcap', linkType: p.linkType });
      if (p.tsUs >= fromUs) w.packet(p.data, p.tsUs, { origLen: p.origlen });
    },
    warning: () => undefined,
  });
  out.close();
}

/** One gRPC call (QueryRoute, empty request) over TLS with Node's http2 client: the grpc-status it got. */
function tlsGrpcCall(hostPort: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const s = http2.connect(`https://${hostPort}`, { rejectUnauthorized: false }); // the proxy's certificate is self-signed
    s.on('error', reject);
    const req = s.request({ ':method': 'POST', ':path': '/apache.rocketmq.v2.MessagingService/QueryRoute', 'content-type': 'application/grpc', te: 'trailers' });
    let status: string | undefined;
    const take = (h: http2.IncomingHttpHeaders) => { if (h['grpc-status'] !== undefined) status = String(h['grpc-status']); };
    req.on('response', take);
    req.on('trailers', take);
    req.on('data', () => undefined);
    req.on('error', reject);
    req.on('close', () => { s.close(); resolve(status); });
    req.end(Buffer.alloc(5));
  });
}

/** tshark's reading of the ClientHellos: client port → { sni, alpn }. */
function tsharkHellos(file: string): Map<number, { sni: string; alpn: string[] }> {
  const r = spawnSync('tshark', ['-r', file, '-Y', 'tls.handshake.type==1', '-T', 'fields', '-e', 'tcp.srcport', '-e', 'tls.handshake.extensions_server_name', '-e', 'tls.handshake.extensions_alpn_str', '-E', 'aggregator=,'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = new Map<number, { sni: string; alpn: string[] }>();
  for (const line of r.stdout.split('\n')) {
    const [port, sni, alpn] = line.split('\t');
    if (port) out.set(Number(port), { sni: sni ?? '', alpn: alpn ? alpn.split(',') : [] });
  }
  return out;
}

describe('gRPC decoder on real RocketMQ 5 gRPC traffic (rocketmq-client-java ↔ 5.3.3 Proxy)', () => {
  const cluster = useCluster('5.3', { proxy: { tls: true } });
  const tag = `cg${Date.now() % 1_000_000}`;
  const topics = { normal: `CgN_${tag}`, fifo: `CgF_${tag}`, delay: `CgD_${tag}`, tx: `CgT_${tag}` };
  const dlqGroup = `CgDlq_${tag}`;
  let dir = '';
  const caps: LiveCapture[] = [];
  let run: GrpcScenarioResult;
  let tlsRun: GrpcScenarioResult;
  let pcap: GrpcCaptureResult;
  let pcapng: GrpcCaptureResult;
  let grpcPort = 0;
  let nodeTlsStatus: string | undefined;

  before(async () => {
    const c = await cluster;
    assert.ok(c.proxy?.tls, 'the proxy accepts TLS as well as h2c');
    grpcPort = c.proxy.grpcPort;
    await c.createTopic(topics.normal, { queues: 2, attributes: { 'message.type': 'NORMAL' } });
    await c.createTopic(topics.fifo, { queues: 1, attributes: { 'message.type': 'FIFO' } });
    await c.createTopic(topics.delay, { queues: 2, attributes: { 'message.type': 'DELAY' } });
    await c.createTopic(topics.tx, { queues: 2, attributes: { 'message.type': 'TRANSACTION' } });
    // one delivery attempt, FIFO: the client itself forwards a failed message to the dead-letter queue
    await c.createGroup(dlqGroup, { retryMaxTimes: 0, orderly: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capture-grpc-'));
    const filter = `tcp and (port ${grpcPort} or port ${c.namesrv.split(':')[1]})`;
    const lo = path.join(dir, 'grpc.pcap');
    const ng = path.join(dir, 'grpc.pcapng');
    caps.push(await startLiveCapture({ name: 'tcpdump lo', file: lo, cmd: 'tcpdump', args: ['-i', 'lo', '-U', '-s', '0', '-w', lo, filter], linkType: 1, format: 'pcap', probeAddress: c.namesrv }));
    caps.push(await startLiveCapture({ name: 'dumpcap lo', file: ng, cmd: 'dumpcap', args: ['-i', 'lo', '-q', '-f', filter, '-w', ng], linkType: 1, format: 'pcapng', probeAddress: c.namesrv }));
    const reader = new MQClient({ namesrvAddr: c.namesrv, clientVersion: c.versionOrdinal });
    try {
      run = await runGrpcScenario({
        endpoint: c.proxy.grpc, ...topics, simpleGroup: `CgS_${tag}`, pushGroup: `CgP_${tag}`, dlqGroup,
        // the client forwards each failed FIFO message: wait until the dead-letter queue holds both
        dlqDone: async () => {
          await eventually('both FIFO messages in the dead-letter queue', async () => ((await browseTopic(reader, `%DLQ%${dlqGroup}`).catch(() => [])).length >= 2 ? true : undefined), 60_000, 500);
        },
        log: (l) => console.error(`[grpc-client] ${l}`),
      });
    } finally {
      await reader.close();
    }
    // TLS to the same port (the proxy is permissive): the Java client (no SNI: it connects to a resolved
    // address), and Node's HTTP/2 client, which sends the host name as SNI, making one real gRPC call
    tlsRun = await runGrpcScenario({ endpoint: `localhost:${grpcPort}`, normal: topics.normal, ssl: true, onlySend: true });
    nodeTlsStatus = await tlsGrpcCall(`localhost:${grpcPort}`);
    // every client closed (NotifyClientTermination answered) and the TLS connection is in both files
    for (const cap of caps) {
      await eventually(`${cap.name} to hold every call`, async () => {
        const g = (await decodeGrpcCapture(cap.file)).grpc;
        const done = g.calls.filter((x) => x.method?.name === 'NotifyClientTermination' && x.grpcStatus === 0).length;
        return done >= 4 && g.connections.filter((x) => x.kind === 'tls').length >= 2 ? true : undefined;
      }, 30_000, 500);
    }
    await Promise.all(caps.map((x) => x.stop()));
    pcap = (await decodeGrpcCapture(lo)).grpc;
    pcapng = (await decodeGrpcCapture(ng)).grpc;
  }, { timeout: 400_000 });

  after(async () => {
    await Promise.all(caps.map((x) => x.stop()));
    if (dir && !process.env.KEEP_CAPTURES) fs.rmSync(dir, { recursive: true, force: true });
    else if (dir) console.error(`[capture-grpc] captures kept in ${dir}`);
  });

  test('the client ran every scenario step', () => {
    assert.equal(run.code, 0, run.stderr);
    assert.equal(tlsRun.code, 0, tlsRun.stderr);
    assert.equal(run.events.filter((e) => e.event === 'fail').length >= 2, true);
  });

  test('every RPC of the 5.3.3 Proxy/5.0.8 client conversation is decoded and paired, with grpc-status OK', () => {
    const want = ['QueryRoute', 'Heartbeat', 'SendMessage', 'QueryAssignment', 'ReceiveMessage', 'AckMessage', 'ChangeInvisibleDuration', 'EndTransaction',
      'ForwardMessageToDeadLetterQueue', 'NotifyClientTermination', 'Telemetry'];
    const seen = new Set(pcap.calls.map((c) => c.method?.name));
    for (const m of want) assert.ok(seen.has(m), `${m} decoded`);
    const h2c = pcap.connections.filter((c) => c.kind === 'h2c');
    assert.equal(h2c.length, 4, 'producer, simple consumer, push consumer, dead-letter push consumer');
    for (const c of pcap.calls.filter((x) => pcap.connections.find((k) => k.conn === x.conn)?.kind === 'h2c')) {
      assert.ok(c.path?.startsWith('/apache.rocketmq.v2.MessagingService/'), `stream ${c.streamId}: ${c.path}`);
      assert.equal(c.hpackPartial, false);
      assert.equal(c.headersMissing, false);
      // a long-polling ReceiveMessage may still be open when its client closes: it is then reset or cut
      if (c.method!.name !== 'ReceiveMessage' && c.method!.name !== 'Telemetry') assert.equal(c.grpcStatus, 0, `${c.method!.name} stream ${c.streamId}: ${c.grpcMessage ?? ''} ${c.notes.join('; ')}`);
      for (const m of [...c.requests, ...c.responses]) assert.ok(m.payload && !m.error && !m.truncated, `${c.method!.name} stream ${c.streamId}: ${m.error ?? ''}`);
    }
    const rows = grpcRows(pcap.calls);
    for (const [i, r] of rows.entries()) {
      if (r.dir === 1 && r.pair !== undefined) {
        assert.equal(rows[r.pair].call, r.call, 'a response row is paired with its own stream\'s request');
        assert.ok(r.latencyUs! >= 0);
      }
      const d = describeGrpcRow(r);
      assert.ok(d.title.length > 0, `row ${i}`);
    }
  });

  test('SendMessage requests and responses carry the ids, topics, tags, keys and bodies the client sent', () => {
    const sends = run.events.filter((e) => e.event === 'send');
    const calls = methodCalls(pcap, 'SendMessage');
    const byId = new Map<string, { req: Obj; resp: Obj; call: GrpcCall }>();
    for (const c of calls) {
      const req = decoded(c, c.requests[0]);
      const msg = (req.messages as Obj[])[0];
      const id = (msg.system_properties as Obj).message_id as string;
      byId.set(id, { req: msg, resp: decoded(c, c.responses[0]), call: c });
    }
    for (const s of sends) {
      const hit = byId.get(s.messageId!);
      assert.ok(hit, `SendMessage of ${s.messageId} in the capture`);
      assert.equal((hit.req.topic as Obj).name, s.topic);
      assert.equal(hex(hit.req.body as Uint8Array), s.bodyHex);
      const sys = hit.req.system_properties as Obj;
      if (s.tag) assert.equal(sys.tag, s.tag);
      if (s.keys) assert.deepEqual(sys.keys, s.keys);
      if (s.messageGroup) assert.equal(sys.message_group, s.messageGroup);
      if (s.kind === 'delay') assert.equal(Number((sys.delivery_timestamp as Obj).seconds) * 1000 + Math.floor(Number((sys.delivery_timestamp as Obj).nanos ?? 0) / 1e6), s.deliveryTimestamp);
      const entry = (hit.resp.entries as Obj[])[0];
      assert.equal(entry.message_id, s.messageId, 'the response names the same id');
      // the row's description: the same body through the body viewer, the id in the properties
      const row = grpcRows([hit.call]).find((r) => r.dir === 0)!;
      const d = describeGrpcRow(row);
      assert.equal(d.properties.find((p) => p.key === 'message_id')?.value, s.messageId);
      const body = Buffer.from(s.bodyHex!, 'hex');
      if (d.body!.kind === 'binary') assert.ok(d.body!.hex!.startsWith('00000000  ' + [...body.subarray(0, 16)].map((x) => x.toString(16).padStart(2, '0')).join(' ')));
      else assert.equal(d.body!.kind === 'json' ? JSON.stringify(JSON.parse(d.body!.text!)) : d.body!.text, body.toString('utf8'));
    }
  });

  test('EndTransaction carries each transaction\'s id and resolution', () => {
    const tx = run.events.filter((e) => e.kind === 'transaction');
    const ends = methodCalls(pcap, 'EndTransaction').map((c) => decoded(c, c.requests[0]));
    for (const t of tx) {
      const e = ends.find((x) => x.message_id === t.messageId);
      assert.ok(e, `EndTransaction for ${t.messageId}`);
      assert.equal(e.resolution, t.outcome === 'commit' ? 1 : 2, 'COMMIT = 1, ROLLBACK = 2');
      assert.equal((e.topic as Obj).name, topics.tx);
    }
  });

  test('ReceiveMessage responses deliver the messages the consumers got; AckMessage and ChangeInvisibleDuration name them', () => {
    const delivered = new Map<string, Obj>();
    for (const c of methodCalls(pcap, 'ReceiveMessage')) {
      for (const m of c.responses) {
        const r = decoded(c, m);
        if (r.message) delivered.set(((r.message as Obj).system_properties as Obj).message_id as string, r.message as Obj);
      }
    }
    const got = run.events.filter((e): e is GrpcEvent => e.event === 'receive' || e.event === 'push' || e.event === 'fail');
    assert.ok(got.length >= 7);
    for (const e of got) {
      const m = delivered.get(e.messageId!);
      assert.ok(m, `a ReceiveMessage response delivered ${e.messageId}`);
      assert.equal(hex(m.body as Uint8Array), e.bodyHex);
      assert.equal((m.topic as Obj).name, e.topic);
    }
    const acked = new Set(methodCalls(pcap, 'AckMessage').flatMap((c) => (decoded(c, c.requests[0]).entries as Obj[]).map((x) => x.message_id as string)));
    for (const e of run.events.filter((x) => x.event === 'ack')) assert.ok(acked.has(e.messageId!), `AckMessage of ${e.messageId}`);
    const changed = methodCalls(pcap, 'ChangeInvisibleDuration').map((c) => decoded(c, c.requests[0]));
    const ce = run.events.find((x) => x.event === 'changeInvisibleDuration')!;
    const ch = changed.find((x) => x.message_id === ce.messageId);
    assert.ok(ch, 'ChangeInvisibleDuration of the first received message');
    assert.equal(Number((ch.invisible_duration as Obj).seconds), 20);
  });

  test('ForwardMessageToDeadLetterQueue names each FIFO message the listener failed', () => {
    const failed = new Set(run.events.filter((e) => e.event === 'fail').map((e) => e.messageId));
    const fwd = methodCalls(pcap, 'ForwardMessageToDeadLetterQueue').map((c) => decoded(c, c.requests[0]));
    assert.deepEqual(new Set(fwd.map((x) => x.message_id)), failed);
    for (const f of fwd) {
      assert.equal((f.group as Obj).name, dlqGroup);
      assert.equal((f.topic as Obj).name, topics.fifo);
    }
  });

  test('HTTP/2 frames per connection and type equal tshark\'s HTTP/2 dissector on the same file', () => {
    const file = caps[0].file;
    const theirs = tsharkFrames(file, grpcPort);
    const h2c = pcap.connections.filter((c) => c.kind === 'h2c');
    for (const c of h2c) {
      const t = theirs.get(c.info.clientPort);
      assert.ok(t, `tshark saw connection from port ${c.info.clientPort}`);
      assert.deepEqual(Object.fromEntries([...c.frameTypes].sort()), Object.fromEntries([...t].sort()), `connection from port ${c.info.clientPort}`);
    }
  });

  test('the pcapng written by dumpcap decodes to the same calls', () => {
    const sig = (g: GrpcCaptureResult) => g.calls.filter((c) => c.path).map((c) => `${c.streamId} ${c.path} ${c.grpcStatus} ${c.requests.length}/${c.responses.length}`).sort();
    assert.deepEqual(sig(pcapng), sig(pcap));
  });

  test('TLS connections are labelled TLS with SNI and ALPN as tshark reads them, payload encrypted, no rows', () => {
    assert.equal(nodeTlsStatus !== undefined, true, 'the Node TLS call got a grpc-status');
    const tls = pcap.connections.filter((c) => c.kind === 'tls');
    assert.equal(tls.length, 2, 'the Java client and Node\'s http2 client');
    const theirs = tsharkHellos(caps[0].file);
    for (const c of tls) {
      const t = theirs.get(c.info.clientPort);
      assert.ok(t, `tshark read the ClientHello from port ${c.info.clientPort}`);
      assert.equal(c.tls?.serverName ?? '', t.sni);
      assert.deepEqual(c.tls?.alpn, t.alpn);
      assert.ok(c.tls!.alpn.includes('h2'));
      assert.equal(c.calls.length, 0);
      assert.match(connectionLabel(c), /^TLS \((no SNI|SNI [^,]+), ALPN [^)]*h2[^)]*\): payload encrypted$/);
    }
    assert.deepEqual(tls.map((c) => c.tls?.serverName ?? '').sort(), ['', 'localhost'], 'Java sends no SNI for a resolved address, Node sends the host name');
  });

  test('the CLI\'s capture on the same file: gRPC rows by method (code=SendMessage) with the client\'s ids, and the connections labelled RocketMQ gRPC (h2c) / TLS (SNI)', () => {
    const cli = path.join(__dirname, '..', '..', 'src', 'cli', 'main.js');
    const r = spawnSync(process.execPath, [cli, 'capture', caps[0].file, '--json', '--views', '--filter', 'code=/apache.rocketmq.v2.MessagingService/SendMessage req'], { encoding: 'utf8', maxBuffer: 256 << 20 });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { protocol: string; methodName: string; view: { properties: { key: string; value: string }[] } });
    assert.ok(lines.every((o) => o.protocol === 'grpc' && o.methodName === 'SendMessage'));
    const ids = lines.map((o) => o.view.properties.find((p) => p.key === 'message_id')?.value).sort();
    // the TLS producer's sends are encrypted: only the h2c producer's are rows
    const sent = run.events.filter((e) => e.event === 'send').map((e) => e.messageId).sort();
    assert.deepEqual(ids, sent, 'one SendMessage request row per message the (h2c) producer sent, with its id');
    const summary = spawnSync(process.execPath, [cli, 'capture', caps[0].file], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(summary.status, 0, summary.stderr);
    const conns = summary.stdout.split('\n').filter((l) => new RegExp(`→ 127\\.0\\.0\\.1:${grpcPort} `).test(l));
    assert.equal(conns.filter((l) => /RocketMQ gRPC \(h2c\), \d+ call\(s\) {2}rows \d+\/\d+/.test(l)).length, 4, conns.join('\n'));
    assert.deepEqual(conns.filter((l) => /TLS/.test(l)).map((l) => /TLS \((SNI localhost|no SNI), ALPN [^)]*h2[^)]*\): payload encrypted/.exec(l)?.[1]).sort(), ['SNI localhost', 'no SNI']);
    assert.equal(conns.filter((l) => /not RocketMQ/.test(l)).length, 0);
  });

  test('a capture that starts mid-connection: labelled, nothing thrown, messages after the cut still decoded', async () => {
    // cut just before the 4th SendMessage of the producer's connection: its headers reference HPACK entries from before
    const sends = methodCalls(pcap, 'SendMessage').sort((a, b) => a.tsStart - b.tsStart);
    const cutAt = sends[3].tsStart;
    const cutFile = path.join(dir, 'cut.pcap');
    cutCapture(caps[0].file, cutFile, cutAt);
    const cut = (await decodeGrpcCapture(cutFile)).grpc;
    const prodConn = cut.connections.find((c) => c.info.clientPort === pcap.connections.find((k) => k.conn === sends[0].conn)!.info.clientPort)!;
    assert.equal(prodConn.kind, 'h2c-midstream');
    const after = cut.calls.filter((c) => c.conn === prodConn.conn);
    assert.ok(after.length > 0);
    assert.ok(after.some((c) => c.hpackPartial), 'the HPACK state is reported lost');
    // every later SendMessage body is still decoded (its method named from the headers, or inferred from the message)
    const sentAfter = run.events.filter((e) => e.event === 'send').slice(3);
    for (const s of sentAfter) {
      const hit = after.find((c) => c.method?.name === 'SendMessage' && c.requests[0]?.payload && ((decoded(c, c.requests[0]).messages as Obj[])[0].system_properties as Obj).message_id === s.messageId);
      assert.ok(hit, `SendMessage of ${s.messageId} decoded after the cut`);
      const d = describeGrpcRow(grpcRows([hit]).find((r) => r.dir === 0)!);
      assert.ok(d.notes.some((n) => /HPACK state/.test(n)), `a note says the HPACK state is lost: ${d.notes.join(' | ')}`);
    }
    for (const r of grpcRows(cut.calls)) describeGrpcRow(r);
  });
});
