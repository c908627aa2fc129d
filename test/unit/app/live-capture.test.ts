/**
 * Live capture with the real tools on the loopback interface (the test run is root): dumpcap and
 * tcpdump write a file that the follower indexes while they run; a capture that may not start
 * (no permission, run as an unprivileged user through setpriv; no such interface; an invalid filter;
 * no tool) fails at once with worded, typed errors; the tool never outlives the process that started
 * it, even when that process is killed.
 */
import test from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequest, decodeFrame, RequestCode } from '../../../src/core/remoting';
import { RemotingConnection } from '../../../src/core/transport';
import { indexCaptureFile } from '../../../src/core/capture/capture-index';
import { LiveFileCapture } from '../../../src/app/capture/live-file-capture';
import { findCaptureTool } from '../../../src/app/capture/tools';
import { listInterfaces, validateFilter } from '../../../src/app/capture/tool-commands';
import { CaptureError } from '../../../src/app/capture/errors';
import { FakeServer, ok } from '../producer/fake-server';
import { pollUntil } from '../../support/poll';

const dumpcap = findCaptureTool();
const tcpdump = { kind: 'tcpdump' as const, path: spawnSync('sh', ['-c', 'command -v tcpdump'], { encoding: 'utf8' }).stdout.trim() };

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'rmq-live-'));
  chmodSync(dir, 0o777); // the unprivileged user of the permission test writes here too
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  try { return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8')); } catch { return false; }
}

async function echoServer(t: { after(fn: () => Promise<void>): void }): Promise<FakeServer> {
  const s = await new FakeServer((req) => ok(req, { echo: String(req.opaque) })).start();
  t.after(() => s.stop());
  return s;
}

test('dumpcap is found and lists loopback and "any"', async () => {
  assert.equal(dumpcap.kind, 'dumpcap');
  const ifs = await listInterfaces(dumpcap);
  const lo = ifs.find((i) => i.name === 'lo');
  assert.ok(lo, ifs.map((i) => i.name).join(', '));
  assert.equal(lo.loopback, true);
  assert.ok(lo.addresses.includes('127.0.0.1'), lo.addresses.join(','));
  assert.ok(ifs.some((i) => i.name === 'any'));
  const td = await listInterfaces(tcpdump);
  assert.ok(td.some((i) => i.name === 'lo' && i.loopback));
});

for (const tool of [dumpcap, tcpdump]) {
  test(`${tool.kind}: frames are indexed while it captures on lo, paired; the stopped file equals a one-pass index`, async (t) => {
    const dir = tempDir(t);
    const server = await echoServer(t);
    const port = Number(server.addr.split(':')[1]);
    const file = join(dir, tool.kind === 'dumpcap' ? 'live.pcapng' : 'live.pcap');
    const cap = await LiveFileCapture.start({ tool, iface: 'lo', filter: `tcp port ${port}`, file });
    t.after(() => cap.dispose());
    const conn = await RemotingConnection.connect(server.addr);
    t.after(() => conn.close());
    const delays: number[] = [];
    for (let k = 0; k < 3; k++) {
      const sent = Date.now();
      await conn.request(createRequest(RequestCode.GET_BROKER_CLUSTER_INFO, { round: String(k) }));
      await pollUntil(`request ${k} and its response in the index`, 5000, () => (cap.frames >= 2 * (k + 1) ? true : undefined), 5);
      delays.push(Date.now() - sent);
    }
    assert.ok(cap.running, 'still capturing while the frames are listed');
    assert.equal(cap.index.state, 'indexing');
    const c = cap.index.cols;
    for (let i = 0; i < 6; i += 2) {
      assert.equal(c.code[i], RequestCode.GET_BROKER_CLUSTER_INFO);
      assert.equal(c.pair[i], i + 1, `frame ${i} paired with its response`);
    }
    assert.ok(cap.packets >= 6, `packets ${cap.packets}`);
    console.log(`  ${tool.kind}: frames listed ${delays.join(', ')} ms after the request was sent`);
    assert.ok(Math.max(...delays) < 1500, `frames took ${delays.join(', ')} ms to appear`);

    const end = await cap.stop();
    assert.equal(end.reason, 'stopped');
    assert.equal(end.error, null);
    assert.equal(end.index.state, 'complete');
    assert.ok(!alive(cap.proc.toolPid), 'the tool has exited');
    const again = await indexCaptureFile(file);
    assert.equal(again.length, end.index.length);
    assert.deepEqual([...again.cols.pair.subarray(0, again.length)], [...end.index.cols.pair.subarray(0, end.index.length)]);
    assert.equal(again.packets, end.index.packets);
  });
}

test('a ring of files: the newest are kept, every frame is listed, frames of removed files keep their rows without bytes', async (t) => {
  const dir = tempDir(t);
  const server = await echoServer(t);
  const port = Number(server.addr.split(':')[1]);
  const cap = await LiveFileCapture.start({ tool: dumpcap, iface: 'lo', filter: `tcp port ${port}`, file: join(dir, 'ring.pcapng'), ring: { fileBytes: 8192, files: 2 } });
  t.after(() => cap.dispose());
  const conn = await RemotingConnection.connect(server.addr);
  t.after(() => conn.close());
  for (let k = 0; k < 40; k++) await conn.request(createRequest(RequestCode.GET_BROKER_CLUSTER_INFO, { k: String(k), pad: 'x'.repeat(400) }));
  await pollUntil('every exchange listed', 10_000, () => (cap.frames >= 80 ? true : undefined), 20);
  const end = await cap.stop();
  const ix = end.index;
  assert.equal(ix.length, 80, 'the index follows the stream across the files');
  const segs = cap.segments;
  assert.ok(segs.length >= 4, `${segs.length} files written`);
  const kept = segs.filter((s) => !s.removed);
  assert.equal(kept.length, 2);
  for (const s of segs) assert.equal(existsSync(s.path), !s.removed, s.path);
  for (const s of kept) {
    const own = await indexCaptureFile(s.path);
    assert.ok(!own.warnings.items.some((w) => w.kind === 'file.truncated-record'), `${s.path} ends with a whole record`);
    assert.equal(spawnSync('tshark', ['-r', s.path], { encoding: 'utf8' }).status, 0, `tshark reads ${s.path}`);
  }
  const first = await cap.readFrame(0);
  assert.equal(first.bytes.length, 0, 'the first frames were in a removed file');
  assert.ok(first.size > 0, 'their row keeps the size');
  const last = await cap.readFrame(ix.length - 1);
  assert.equal(last.missing, 0);
  assert.equal(decodeFrame(last.bytes).opaque, ix.cols.opaque[ix.length - 1]);
  const lastRequest = ix.length - 2;
  assert.equal(decodeFrame((await cap.readFrame(lastRequest)).bytes).extFields?.k, '39');
});

test('a duration limit stops the capture by itself', async (t) => {
  const dir = tempDir(t);
  const cap = await LiveFileCapture.start({ tool: dumpcap, iface: 'lo', filter: 'tcp port 9', file: join(dir, 'limited.pcapng'), limits: { durationSec: 1 } });
  t.after(() => cap.dispose());
  const end = await cap.ended;
  assert.equal(end.reason, 'duration-limit');
  assert.ok(Date.now() - cap.startedAt < 5000);
  assert.equal(end.error, null);
});

test('a tool that dies mid-capture is reported, and the frames captured until then stay', async (t) => {
  const dir = tempDir(t);
  const server = await echoServer(t);
  const port = Number(server.addr.split(':')[1]);
  const cap = await LiveFileCapture.start({ tool: dumpcap, iface: 'lo', filter: `tcp port ${port}`, file: join(dir, 'crash.pcapng') });
  t.after(() => cap.dispose());
  const conn = await RemotingConnection.connect(server.addr);
  t.after(() => conn.close());
  await conn.request(createRequest(RequestCode.GET_BROKER_CLUSTER_INFO, null));
  await pollUntil('the exchange in the index', 5000, () => (cap.frames >= 2 ? true : undefined), 5);
  process.kill(cap.proc.toolPid, 'SIGKILL');
  const end = await cap.ended;
  assert.equal(end.reason, 'tool-exited');
  assert.ok(end.error instanceof CaptureError);
  assert.equal(end.error.kind, 'capture-failed');
  assert.match(end.error.message, /dumpcap stopped on its own \(exit 137\)/);
  assert.ok(end.index.length >= 2, 'frames captured before the crash are kept');
});

test('invalid filter, unknown interface and missing tool: typed errors in words, at once', async (t) => {
  const dir = tempDir(t);
  for (const tool of [dumpcap, tcpdump]) {
    const e1 = await validateFilter(tool, 'lo', 'tcp port nosuchport').then(() => null, (e: unknown) => e);
    assert.ok(e1 instanceof CaptureError, String(e1));
    assert.equal(e1.kind, 'capture-filter');
    assert.equal(e1.outcome, 'invalid');
    assert.match(e1.message, /The capture filter "tcp port nosuchport" is not valid: .*unknown port/);
    await validateFilter(tool, 'lo', 'tcp port 9876 or tcp port 10911');
    const t0 = Date.now();
    const file = join(dir, `x.${tool.kind}`);
    const e2 = await LiveFileCapture.start({ tool, iface: 'nosuch0', filter: '', file }).then(() => null, (e: unknown) => e);
    assert.ok(e2 instanceof CaptureError, String(e2));
    assert.equal(e2.kind, 'capture-interface');
    assert.match(e2.message, /There is no interface "nosuch0" to capture on/);
    assert.ok(Date.now() - t0 < 5000);
    await pollUntil('the empty file of the failed start to be removed', 5000, () => (existsSync(file) ? undefined : true), 20);
  }
  assert.throws(() => findCaptureTool({ env: { PATH: '' }, platform: 'aix' }), (e: unknown) => e instanceof CaptureError && e.kind === 'capture-tool-missing' && /neither is installed/.test(e.message) && /apt-get install tshark/.test(e.message));
  assert.throws(() => findCaptureTool({ configured: join(dir, 'no-dumpcap') }), /rocketmq\.capture\.toolPath .* does not exist/);
});

/** Runs `script` (CommonJS, with `require` of compiled modules) in a child Node, optionally through setpriv as user nobody. */
function nodeChild(script: string, asNobody: boolean) {
  const cmd = asNobody ? 'setpriv' : process.execPath;
  const args = asNobody ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script] : ['-e', script];
  return spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: resolve(__dirname, '..', '..', '..') });
}

const OUT = resolve(__dirname, '..', '..', '..');

test('without permission to capture (an unprivileged user through setpriv) the error says what is missing and how to grant it', async (t) => {
  const dir = tempDir(t);
  for (const kind of ['dumpcap', 'tcpdump'] as const) {
    const path = kind === 'dumpcap' ? dumpcap.path : tcpdump.path;
    const script = `
      const { LiveFileCapture } = require(${JSON.stringify(join(OUT, 'src/app/capture/live-file-capture.js'))});
      const t0 = Date.now();
      LiveFileCapture.start({ tool: { kind: ${JSON.stringify(kind)}, path: ${JSON.stringify(path)} }, iface: 'lo', filter: 'tcp port 9876', file: ${JSON.stringify(join(dir, `perm.${kind}`))} })
        .then((c) => { c.dispose(); console.log(JSON.stringify({ started: true })); },
              (e) => console.log(JSON.stringify({ kind: e.kind, outcome: e.outcome, message: e.message, remedy: e.remedy, ms: Date.now() - t0 })));`;
    const child = nodeChild(script, true);
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 0, err);
    const r = JSON.parse(out.trim()) as { kind: string; outcome: string; message: string; remedy: string; ms: number; started?: boolean };
    assert.equal(r.started, undefined, `${kind} captured as nobody: the test needs a tool without capabilities`);
    assert.equal(r.kind, 'capture-permission');
    assert.equal(r.outcome, 'denied');
    assert.match(r.message, new RegExp(`Capturing on "lo" is not permitted: ${kind} needs the CAP_NET_RAW and CAP_NET_ADMIN capabilities \\(or root\\), and user nobody \\(uid 65534\\) has neither\\.`));
    assert.equal(r.remedy.startsWith(`Grant them with: sudo setcap cap_net_raw,cap_net_admin=eip ${path}`), true, r.remedy);
    if (kind === 'dumpcap') assert.match(r.remedy, /sudo dpkg-reconfigure wireshark-common, answer Yes, then sudo usermod -aG wireshark nobody/);
    assert.ok(r.ms < 5000, `the error took ${r.ms} ms`);
  }
});

test('the tool never outlives the process that started it, even when that process is killed', async (t) => {
  const dir = tempDir(t);
  const script = `
    const { LiveFileCapture } = require(${JSON.stringify(join(OUT, 'src/app/capture/live-file-capture.js'))});
    LiveFileCapture.start({ tool: ${JSON.stringify(dumpcap)}, iface: 'lo', filter: 'tcp port 9', file: ${JSON.stringify(join(dir, 'orphan.pcapng'))} })
      .then((c) => console.log('pid ' + c.proc.toolPid), (e) => { console.log('error ' + e.message); process.exit(1); });`;
  const child = nodeChild(script, false);
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const pid = await pollUntil('the capture to start in the child', 15_000, () => { const m = /pid (\d+)/.exec(out); return m ? Number(m[1]) : undefined; }, 20);
  assert.ok(alive(pid), 'dumpcap runs');
  child.kill('SIGKILL');
  await pollUntil('dumpcap to exit after its parent was killed', 5000, () => (alive(pid) ? undefined : true), 20);
  assert.ok(existsSync(join(dir, 'orphan.pcapng')), 'the file stays');
});
