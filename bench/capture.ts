/**
 * Capture decoder benchmark (`npm run bench:capture`).
 *
 * Generates (or reuses, from the gitignored .cache/) a ≥200 MB pcap of RocketMQ remoting traffic
 * with mixed frame sizes using our pcap writer, then times, each in its own child process so that
 * peak RSS is per phase:
 *   - index:  our streaming index pass (header-only),
 *   - decode: our full decode (every frame's bytes reassembled and decoded with the codec),
 *   - tshark: `tshark -r FILE -q -z conv,tcp` (its TCP conversation pass),
 * and prints MB/s, frames/s, peak RSS and the ratios. Options: --profile lo|eth (segment sizes, see
 * main()), --size MB (default 220), --small MB
 * (second, smaller file to show memory does not follow file size; default 50), --repeat N (best of N,
 * default 2), --no-tshark. Wall and CPU time are both reported: on a shared machine CPU time is the
 * fairer comparison.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as zlib from 'node:zlib';
import { createRequest, createResponse, encodeFrame, RemotingCommand } from '../src/core/remoting';
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

function child(phase: string, file: string): PhaseResult {
  const r = spawnSync(process.execPath, ['--max-old-space-size=4096', __filename, '--phase', phase, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`phase ${phase} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as PhaseResult;
}

function tshark(file: string): PhaseResult | null {
  const bytes = fs.statSync(file).size;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS %M CPU %U %S', 'tshark', '-r', file, '-q', '-z', 'conv,tcp'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error || r.status !== 0) { console.error(`tshark failed: ${r.error?.message ?? r.stderr.slice(0, 500)}`); return null; }
  const rss = Number(/MAXRSS (\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024;
  const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  const cpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : ms;
  const convs = (r.stdout.match(/<->/g) ?? []).length;
  return { phase: 'tshark conv,tcp', ms, cpuMs, frames: 0, bytes, maxRssMB: rss, extra: { conversations: convs } };
}

function line(x: PhaseResult): string {
  const mbs = x.bytes / 1048576 / (x.ms / 1000);
  const cpuMbs = x.bytes / 1048576 / (x.cpuMs / 1000);
  return `${x.phase.padEnd(18)} ${(x.ms / 1000).toFixed(2).padStart(7)} s wall ${mbs.toFixed(0).padStart(5)} MB/s | ${(x.cpuMs / 1000).toFixed(2).padStart(6)} s CPU ${cpuMbs.toFixed(0).padStart(5)} MB/s  ${x.frames ? `${Math.round(x.frames / (x.ms / 1000)).toLocaleString('en').padStart(10)} frames/s` : ''.padStart(19)}  peak RSS ${x.maxRssMB.toFixed(0)} MB  ${x.extra ? JSON.stringify(x.extra) : ''}`;
}

async function main(): Promise<void> {
  const pi = process.argv.indexOf('--phase');
  if (pi >= 0) {
    const res = await runPhase(process.argv[pi + 1], process.argv[pi + 2]);
    process.stdout.write(JSON.stringify(res) + '\n');
    return;
  }
  const size = Number(arg('size', '220'));
  // lo: producers use loopback-sized segments (64 KiB, what tcpdump -i lo shows), consumers 1448;
  // eth: every connection uses 1448-byte segments, like a capture taken on an Ethernet NIC
  const profile = arg('profile', 'lo');
  if (profile !== 'lo' && profile !== 'eth') throw new Error('--profile lo|eth');
  const small = Number(arg('small', '50'));
  fs.mkdirSync(cacheDir, { recursive: true });
  const files: string[] = [];
  for (const mb of [small, size]) {
    const f = path.join(cacheDir, `rocketmq-${profile === 'lo' ? '' : 'eth-'}${mb}MB.pcap`);
    if (!fs.existsSync(f) || fs.statSync(f).size < mb * 1024 * 1024) {
      const t0 = Date.now();
      const n = generate(f, mb, 42, profile === 'eth');
      console.log(`generated ${f}: ${(fs.statSync(f).size / 1048576).toFixed(0)} MB, ${n} frames in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } else console.log(`reusing ${f} (${(fs.statSync(f).size / 1048576).toFixed(0)} MB)`);
    files.push(f);
  }
  const gz = files[0] + '.gz';
  if (!fs.existsSync(gz)) fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(files[0]), { level: 1 }));
  const results: Record<string, PhaseResult[]> = {};
  for (const f of [...files, gz]) {
    console.log(`\n${path.basename(f)} (${(fs.statSync(f).size / 1048576).toFixed(0)} MB on disk)`);
    const rs: PhaseResult[] = [];
    // best of N runs (the machine may be shared): min wall and min CPU time taken separately
    const best = (runs: PhaseResult[]): PhaseResult => ({ ...runs[0], ms: Math.min(...runs.map((r) => r.ms)), cpuMs: Math.min(...runs.map((r) => r.cpuMs)), maxRssMB: Math.max(...runs.map((r) => r.maxRssMB)) });
    const repeat = Number(arg('repeat', '2'));
    const times = <T>(n: number, f: () => T): T[] => Array.from({ length: n }, f);
    rs.push(best(times(repeat, () => child('index', f))));
    console.log(line(rs[rs.length - 1]));
    rs.push(best(times(repeat, () => child('decode', f))));
    console.log(line(rs[rs.length - 1]));
    if (!process.argv.includes('--no-tshark') && !f.endsWith('.gz')) {
      const t = times(repeat, () => tshark(f)).filter((x): x is PhaseResult => x !== null);
      if (t.length) { rs.push(best(t)); console.log(line(rs[rs.length - 1])); }
    }
    results[f] = rs;
  }
  const big = results[files[1]];
  const [ix, dec, ts] = big;
  const mbps = (x: PhaseResult, cpu: boolean) => (x.bytes / 1048576 / ((cpu ? x.cpuMs : x.ms) / 1000)).toFixed(0);
  console.log(`\nSummary (large file; load average ${require('node:os').loadavg()[0].toFixed(1)} on ${require('node:os').cpus().length} cores):`);
  console.log(`  index pass:  ${mbps(ix, false)} MB/s wall, ${mbps(ix, true)} MB/s CPU (target ≥ 300)`);
  console.log(`  full decode: ${mbps(dec, false)} MB/s wall, ${mbps(dec, true)} MB/s CPU, ${Math.round(dec.frames / (dec.ms / 1000)).toLocaleString('en')} frames/s wall`);
  if (ts) {
    console.log(`  tshark conv,tcp: ${mbps(ts, false)} MB/s wall, ${mbps(ts, true)} MB/s CPU`);
    console.log(`  full decode vs tshark: ${(ts.ms / dec.ms).toFixed(1)}× wall, ${(ts.cpuMs / dec.cpuMs).toFixed(1)}× CPU (target ≥ 5×); index vs tshark: ${(ts.ms / ix.ms).toFixed(1)}× wall, ${(ts.cpuMs / ix.cpuMs).toFixed(1)}× CPU`);
  }
  const sm = results[files[0]];
  console.log(`  peak RSS index ${sm[0].maxRssMB.toFixed(0)} MB (${small} MB file) vs ${ix.maxRssMB.toFixed(0)} MB (${size} MB file); decode ${sm[1].maxRssMB.toFixed(0)} MB vs ${dec.maxRssMB.toFixed(0)} MB`);
}

if (require.main === module) {
  main().catch((e) => { console.error(e); process.exitCode = 1; });
}
