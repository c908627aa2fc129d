/**
 * Capture decoder benchmark (`npm run bench:capture`): our capture paths against tshark, on two
 * generated shapes of ~200 MB classic pcap (kept in the gitignored .cache/bench-capture/):
 *
 *   mixed        24 connections over loopback: producers (64 KiB segments, bodies mostly small, a few
 *                up to 700 KiB), consumers pulling batches of stored messages (1448-byte segments), a
 *                NameServer link; ~20,000 frames, per-byte costs dominate.
 *   frame-dense  8 producer connections, SEND_MESSAGE_V2 requests with the header fields a producer
 *                sends and their responses, bodies uniform in 16–2064 bytes, 1448-byte segments;
 *                ~228,000 frames (≈114,000 requests + responses), per-frame costs dominate.
 *
 * Paths timed, each in its own process (so peak RSS is per path):
 *   CLI capture FILE   `node out/src/cli/main.js capture FILE` — the summary a user gets, end to end
 *                      (node start-up, module loading, index pass, statistics, output), timed from
 *                      outside like tshark;
 *   index pass         indexCaptureFile() in a child process, timed inside it (no start-up);
 *   full decode        decodeAllFrames(): every frame reassembled and decoded (what `--json` does);
 *   tshark             `tshark -r FILE -q -z conv,tcp` (its TCP conversation pass), end to end.
 * Wall and CPU time (user + sys of the whole process, all threads) are both reported; the runs of
 * all paths are interleaved and the best of N is kept (min wall and min CPU separately), so load
 * from other work on a shared machine hits ours and tshark's alike. The load average is printed.
 *
 * Options: --shape mixed|frame-dense|all (default all), --repeat N (default 3), --size MB (mixed,
 * default 220), --dense-size MB (default 200), --profile lo|eth (mixed: segment sizes), --small MB
 * (mixed: a second, smaller file to show memory does not follow file size; default 50; its .gz
 * copy is timed too), --no-tshark.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as zlib from 'node:zlib';
import { createRequest, createResponse, encodeFrame, encodeSendHeader, RemotingCommand, RequestCode } from '../src/core/remoting';
import { encodeStoredMessage } from '../src/core/message';
import { fileSink, PcapWriter, TcpSession } from '../src/core/capture/pcap-writer';
import { indexCaptureFile } from '../src/core/capture/capture-index';
import { decodeAllFrames } from '../src/core/capture/decode';
import { mulberry32 } from '../src/core/capture/fuzz';

const root = path.resolve(__dirname, '..', '..');
const cacheDir = path.join(root, '.cache', 'bench-capture');

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

/** Writes a capture of about `mb` megabytes; returns frames written. */
export function generate(file: string, mb: number, seed = 42, ethernetMss = false): number {
  const r = mulberry32(seed);
  const out = fileSink(file);
  const w = new PcapWriter(out.sink, { format: 'pcap', linkType: 1, snaplen: 262144 });
  const target = mb * 1024 * 1024;
  let t = 1_700_000_000_000_000;
  let frames = 0;
  let opaque = 0;
  const props = 'UNIQ_KEY\u00017F00000100D7135FBAA48879F8920026\u0002WAIT\u0001true\u0002TAGS\u0001TagA';
  // a pool of connections: producers (lo MSS), consumers (ethernet MSS), a NameServer link
  const sessions: { s: TcpSession; kind: 'producer' | 'consumer' | 'namesrv'; mss: number }[] = [];
  for (let k = 0; k < 24; k++) {
    const kind = k < 14 ? 'producer' : k < 22 ? 'consumer' : 'namesrv';
    const s = new TcpSession({ client: '127.0.0.1', clientPort: 30000 + k, server: '127.0.0.1', serverPort: kind === 'namesrv' ? 9876 : 10911, isn: [(r() * 2 ** 32) >>> 0, (r() * 2 ** 32) >>> 0] });
    sessions.push({ s, kind, mss: ethernetMss || kind === 'consumer' ? 1448 : 65483 });
    w.packet(s.syn(), t++); w.packet(s.synAck(), t++); w.packet(s.ack(0), t++);
  }
  const bodyPool = Buffer.alloc(1 << 20);
  for (let i = 0; i < bodyPool.length; i++) bodyPool[i] = 32 + ((i * 7919) % 95);
  const send = (x: (typeof sessions)[number], dir: number, cmd: RemotingCommand) => {
    for (const p of x.s.send(dir, encodeFrame(cmd), x.mss)) w.packet(p, (t += 5 + Math.floor(r() * 20)));
    frames++;
  };
  while (w.bytesWritten < target) {
    const x = sessions[Math.floor(r() * sessions.length)];
    const op = ++opaque;
    const ser = r() < 0.3 ? 'ROCKETMQ' : 'JSON';
    if (x.kind === 'producer') {
      // body sizes: mostly small, some medium, a few large
      const u = r();
      const size = u < 0.7 ? 16 + Math.floor(r() * 512) : u < 0.97 ? 1024 + Math.floor(r() * 16384) : 65536 + Math.floor(r() * 700000);
      const req = createRequest(310, { a: 'bench_group', b: `Topic${Math.floor(r() * 8)}`, c: 'TBW102', d: 4, e: Math.floor(r() * 4), f: 0, g: 1661601694866, h: 0, i: props, j: 0, k: false, m: false }, { opaque: op, serializeType: ser, body: bodyPool.subarray(0, size) });
      send(x, 0, req);
      send(x, 1, createResponse(req, 0, null, { msgId: '7F0000010000238F000000000001E240', queueId: 1, queueOffset: op, MSG_REGION: 'DefaultRegion', TRACE_ON: 'true' }));
    } else if (x.kind === 'consumer') {
      const req = createRequest(11, { consumerGroup: 'cg', topic: 'Topic1', queueId: 0, queueOffset: op, maxMsgNums: 32, sysFlag: 2, commitOffset: 0, suspendTimeoutMillis: 15000, subscription: '*', subVersion: 0, expressionType: 'TAG' }, { opaque: op, serializeType: ser });
      send(x, 0, req);
      const n = 1 + Math.floor(r() * 32);
      const msgs: Uint8Array[] = [];
      for (let m = 0; m < n; m++) msgs.push(encodeStoredMessage({ topic: 'Topic1', body: bodyPool.subarray(0, 64 + Math.floor(r() * 4000)), queueOffset: op + m, commitLogOffset: op * 1000 + m, properties: props }));
      send(x, 1, createResponse(req, 0, 'FOUND', { suggestWhichBrokerId: 0, nextBeginOffset: op + n, minOffset: 0, maxOffset: op + n }, { body: Buffer.concat(msgs) }));
    } else {
      const req = createRequest(r() < 0.5 ? 105 : 34, { topic: 'Topic1' }, { opaque: op, serializeType: ser });
      send(x, 0, req);
      send(x, 1, createResponse(req, 0, null, null, { body: Buffer.from('{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}') }));
    }
  }
  for (const x of sessions) { w.packet(x.s.fin(0), t++); w.packet(x.s.fin(1), t++); }
  out.close();
  return frames;
}

/**
 * The frame-dense shape: what a busy producer host looks like on an Ethernet NIC. 8 producer
 * connections to one broker, only SEND_MESSAGE_V2 requests (JSON headers with the fields a producer
 * sends, through the producer's own encodeSendHeader) and their SUCCESS responses, bodies uniform
 * in 16–2064 bytes, every TCP payload cut at 1448 bytes. About 2 frames per KiB of capture, 13×
 * the mixed shape's frame density: per-frame costs dominate here, per-byte costs in the mixed shape.
 */
export function generateFrameDense(file: string, mb: number, seed = 7): number {
  const r = mulberry32(seed);
  const out = fileSink(file);
  const w = new PcapWriter(out.sink, { format: 'pcap', linkType: 1, snaplen: 262144 });
  const target = mb * 1024 * 1024;
  let t = 1_700_000_000_000_000;
  let frames = 0;
  const sessions: TcpSession[] = [];
  for (let k = 0; k < 8; k++) {
    const s = new TcpSession({ client: `10.0.0.${11 + k}`, clientPort: 40000 + k, server: '10.0.1.5', serverPort: 10911, isn: [(r() * 2 ** 32) >>> 0, (r() * 2 ** 32) >>> 0] });
    sessions.push(s);
    w.packet(s.syn(), t++); w.packet(s.synAck(), t++); w.packet(s.ack(0), t++);
  }
  const bodyPool = Buffer.alloc(4096);
  for (let i = 0; i < bodyPool.length; i++) bodyPool[i] = 32 + ((i * 7919) % 95);
  const opaque = new Array<number>(8).fill(0);
  const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
  const send = (s: TcpSession, dir: number, cmd: RemotingCommand) => {
    for (const p of s.send(dir, encodeFrame(cmd), 1448)) w.packet(p, (t += 3 + Math.floor(r() * 10)));
    frames++;
  };
  let n = 0;
  while (w.bytesWritten < target) {
    const k = Math.floor(r() * 8);
    const s = sessions[k];
    const op = ++opaque[k];
    n++;
    // a real producer's properties: UNIQ_KEY (client-made id), WAIT, TAGS, sometimes KEYS
    const uniq = `0A00000B${hex(4242 + k, 4)}18B4AAC2${hex(n, 12)}`;
    const props = `UNIQ_KEY\u0001${uniq}\u0002WAIT\u0001true\u0002TAGS\u0001Tag${n % 5}${n % 3 === 0 ? `\u0002KEYS\u0001order-${n}` : ''}`;
    const size = 16 + Math.floor(r() * 2049);
    const ext = encodeSendHeader(RequestCode.SEND_MESSAGE_V2, {
      producerGroup: 'bench_producer_group', topic: `OrderTopic${k % 4}`, defaultTopic: 'TBW102', defaultTopicQueueNums: 4,
      queueId: Math.floor(r() * 8), sysFlag: 0, bornTimestamp: 1_700_000_000_000 + Math.floor(t / 1000), flag: 0, properties: props,
      reconsumeTimes: 0, unitMode: false, batch: false, brokerName: 'broker-a',
    });
    const req = createRequest(RequestCode.SEND_MESSAGE_V2, ext, { opaque: op, version: 453, body: bodyPool.subarray(0, size) });
    send(s, 0, req);
    send(s, 1, createResponse(req, 0, null, { msgId: `0A00010500002A9F${hex(n * 1700, 16)}`, queueId: ext.e as number, queueOffset: n, MSG_REGION: 'DefaultRegion', TRACE_ON: 'true' }, { version: 453 }));
  }
  for (const s of sessions) { w.packet(s.fin(0), t++); w.packet(s.fin(1), t++); }
  out.close();
  return frames;
}

interface PhaseResult { phase: string; ms: number; cpuMs: number; frames: number; bytes: number; maxRssMB: number; extra?: Record<string, unknown> }

async function runPhase(phase: string, file: string): Promise<PhaseResult> {
  const bytes = fs.statSync(file).size;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let frames = 0;
  const extra: Record<string, unknown> = {};
  if (phase === 'index') {
    const ix = await indexCaptureFile(file);
    frames = ix.length;
    extra.indexBytes = ix.approxBytes;
    extra.warnings = ix.warnings.total;
  } else if (phase === 'decode') {
    let errors = 0, bodyBytes = 0;
    await decodeAllFrames(file, (d) => {
      frames++;
      if (!d.command) errors++;
      else bodyBytes += d.command.body?.length ?? 0;
    });
    extra.errors = errors;
    extra.bodyBytes = bodyBytes;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { phase, ms, cpuMs: (c.user + c.system) / 1000, frames, bytes, maxRssMB: process.resourceUsage().maxRSS / 1024, extra };
}

const PHASE_NAMES: Record<string, string> = { cli: 'CLI capture FILE', index: 'index pass', decode: 'full decode', tshark: 'tshark conv,tcp' };

function child(phase: string, file: string): PhaseResult {
  const r = spawnSync(process.execPath, ['--max-old-space-size=4096', __filename, '--phase', phase, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`phase ${phase} failed: ${r.stderr}`);
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()!) as PhaseResult, phase: PHASE_NAMES[phase] };
}

/** Runs a command under /usr/bin/time: wall from here, CPU (user + sys, all threads) and peak RSS from time(1). */
function timed(phase: string, file: string, cmd: string, args: string[]): PhaseResult | null {
  const bytes = fs.statSync(file).size;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS %M CPU %U %S', cmd, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error || r.status !== 0) { console.error(`${phase} failed: ${r.error?.message ?? r.stderr.slice(0, 500)}`); return null; }
  const rss = Number(/MAXRSS (\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024;
  const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  const cpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : ms;
  return { phase, ms, cpuMs, frames: 0, bytes, maxRssMB: rss, extra: { stdoutLines: r.stdout.split('\n').length - 1 } };
}

const cliMain = path.join(root, 'out', 'src', 'cli', 'main.js');
function cli(file: string): PhaseResult | null {
  return timed(PHASE_NAMES.cli, file, process.execPath, [cliMain, 'capture', file]);
}
function tshark(file: string): PhaseResult | null {
  return timed(PHASE_NAMES.tshark, file, 'tshark', ['-r', file, '-q', '-z', 'conv,tcp']);
}

function line(x: PhaseResult): string {
  const mbs = x.bytes / 1048576 / (x.ms / 1000);
  const cpuMbs = x.bytes / 1048576 / (x.cpuMs / 1000);
  return `  ${x.phase.padEnd(17)} ${(x.ms / 1000).toFixed(2).padStart(6)} s wall ${mbs.toFixed(0).padStart(5)} MB/s | ${(x.cpuMs / 1000).toFixed(2).padStart(6)} s CPU ${cpuMbs.toFixed(0).padStart(5)} MB/s  ${x.frames ? `${Math.round(x.frames / (x.ms / 1000)).toLocaleString('en').padStart(10)} frames/s` : ''.padStart(19)}  peak RSS ${x.maxRssMB.toFixed(0).padStart(4)} MB  ${x.extra ? JSON.stringify(x.extra) : ''}`;
}

/** Best of the runs: min wall and min CPU taken separately (the machine may be shared). */
function best(runs: (PhaseResult | null)[]): PhaseResult | null {
  const ok = runs.filter((r): r is PhaseResult => r !== null);
  if (!ok.length) return null;
  return { ...ok[0], ms: Math.min(...ok.map((r) => r.ms)), cpuMs: Math.min(...ok.map((r) => r.cpuMs)), maxRssMB: Math.max(...ok.map((r) => r.maxRssMB)) };
}

interface ShapeResult { shape: string; file: string; cli: PhaseResult | null; index: PhaseResult; decode: PhaseResult; tshark: PhaseResult | null }

/** Times every path on `file`, interleaved, `repeat` times. */
function measure(shape: string, file: string, repeat: number, withTshark: boolean): ShapeResult {
  const runs: Record<'cli' | 'index' | 'decode' | 'tshark', (PhaseResult | null)[]> = { cli: [], index: [], decode: [], tshark: [] };
  for (let k = 0; k < repeat; k++) {
    runs.cli.push(cli(file));
    if (withTshark) runs.tshark.push(tshark(file));
    runs.index.push(child('index', file));
    runs.decode.push(child('decode', file));
  }
  const r: ShapeResult = { shape, file, cli: best(runs.cli), index: best(runs.index)!, decode: best(runs.decode)!, tshark: best(runs.tshark) };
  // frames come from the index pass; the CLI prints a summary, not frames
  if (r.cli) r.cli.frames = r.index.frames;
  for (const x of [r.cli, r.index, r.decode, r.tshark]) if (x) console.log(line(x));
  return r;
}

function ensure(file: string, mb: number, make: () => number): void {
  if (fs.existsSync(file) && fs.statSync(file).size >= mb * 1024 * 1024) { console.log(`reusing ${file} (${(fs.statSync(file).size / 1048576).toFixed(0)} MB)`); return; }
  const t0 = Date.now();
  const n = make();
  console.log(`generated ${file}: ${(fs.statSync(file).size / 1048576).toFixed(0)} MB, ${n.toLocaleString('en')} frames in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

const load = (): string => `load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} (1 / 5 / 15 min) on ${os.cpus().length} cores`;

async function main(): Promise<void> {
  const pi = process.argv.indexOf('--phase');
  if (pi >= 0) {
    const res = await runPhase(process.argv[pi + 1], process.argv[pi + 2]);
    process.stdout.write(JSON.stringify(res) + '\n');
    return;
  }
  if (!fs.existsSync(cliMain)) throw new Error(`${cliMain} is missing: run npx tsc -p . first`);
  const shapes = arg('shape', 'all');
  if (!['all', 'mixed', 'frame-dense'].includes(shapes)) throw new Error('--shape mixed|frame-dense|all');
  const size = Number(arg('size', '220'));
  const denseSize = Number(arg('dense-size', '200'));
  // lo: producers use loopback-sized segments (64 KiB, what tcpdump -i lo shows), consumers 1448;
  // eth: every connection uses 1448-byte segments, like a capture taken on an Ethernet NIC
  const profile = arg('profile', 'lo');
  if (profile !== 'lo' && profile !== 'eth') throw new Error('--profile lo|eth');
  const small = Number(arg('small', '50'));
  const repeat = Number(arg('repeat', '3'));
  const withTshark = !process.argv.includes('--no-tshark');
  fs.mkdirSync(cacheDir, { recursive: true });
  console.log(`start: ${load()}; best of ${repeat} interleaved runs per path`);
  const results: ShapeResult[] = [];
  if (shapes !== 'frame-dense') {
    const files: string[] = [];
    for (const mb of [small, size]) {
      const f = path.join(cacheDir, `rocketmq-${profile === 'lo' ? '' : 'eth-'}${mb}MB.pcap`);
      ensure(f, mb, () => generate(f, mb, 42, profile === 'eth'));
      files.push(f);
    }
    const gz = files[0] + '.gz';
    if (!fs.existsSync(gz)) fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(files[0]), { level: 1 }));
    const smallRes: ShapeResult[] = [];
    for (const f of [files[0], gz]) {
      console.log(`\nmixed, ${path.basename(f)} (${(fs.statSync(f).size / 1048576).toFixed(0)} MB on disk)`);
      smallRes.push(measure('mixed (small)', f, Math.min(repeat, 2), false));
    }
    console.log(`\nmixed, ${path.basename(files[1])} (${(fs.statSync(files[1]).size / 1048576).toFixed(0)} MB)`);
    const big = measure('mixed', files[1], repeat, withTshark);
    results.push(big);
    console.log(`  peak RSS: index ${smallRes[0].index.maxRssMB.toFixed(0)} MB (${small} MB file) vs ${big.index.maxRssMB.toFixed(0)} MB (${size} MB file); decode ${smallRes[0].decode.maxRssMB.toFixed(0)} MB vs ${big.decode.maxRssMB.toFixed(0)} MB`);
  }
  if (shapes !== 'mixed') {
    const f = path.join(cacheDir, `frame-dense-${denseSize}MB.pcap`);
    ensure(f, denseSize, () => generateFrameDense(f, denseSize));
    console.log(`\nframe-dense, ${path.basename(f)} (${(fs.statSync(f).size / 1048576).toFixed(0)} MB)`);
    results.push(measure('frame-dense', f, repeat, withTshark));
  }
  console.log(`\nSummary (end: ${load()}). Ratio = tshark's time / ours (higher is faster); target for the CLI: ≥ 6× wall, ≥ 5× CPU.`);
  const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`  ${'shape'.padEnd(12)} ${'path'.padEnd(17)} ${'wall'.padStart(7)} ${'CPU'.padStart(7)}   ${'tshark wall'.padStart(11)} ${'tshark CPU'.padStart(10)}   ${'wall ×'.padStart(6)} ${'CPU ×'.padStart(6)}`);
  for (const r of results) {
    for (const x of [r.cli, r.index, r.decode]) {
      if (!x) continue;
      const t = r.tshark;
      console.log(`  ${r.shape.padEnd(12)} ${x.phase.padEnd(17)} ${sec(x.ms).padStart(7)} ${sec(x.cpuMs).padStart(7)}   ${t ? sec(t.ms).padStart(11) : ''.padStart(11)} ${t ? sec(t.cpuMs).padStart(10) : ''.padStart(10)}   ${t ? `${(t.ms / x.ms).toFixed(1)}×`.padStart(6) : ''.padStart(6)} ${t ? `${(t.cpuMs / x.cpuMs).toFixed(1)}×`.padStart(6) : ''.padStart(6)}`);
    }
  }
  console.log('  (CLI and tshark: whole processes, start-up included; index pass and full decode: timed inside a child process, start-up excluded)');
}

if (require.main === module) {
  main().catch((e) => { console.error(e); process.exitCode = 1; });
}
