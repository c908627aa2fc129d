#!/usr/bin/env node
// `npm start`: try the extension as a user would, on this machine, offline.
//   1. builds it (tsc, webpack --mode production, vsce package → dist/rocketmq-debugger.vsix),
//   2. starts a local RocketMQ cluster in the background (out/test/support/cluster/cli.js; skipped with
//      a message when that is not there), and puts it in the settings as the connection "local",
//   3. starts code-server (installed into .cache/ from npm, like the tests do) on 127.0.0.1 with the
//      fresh .vsix installed and a workspace holding media/samples/, and prints the URL.
// Ctrl-C stops everything it started. Options: --port N (default 8080, or a free one when taken),
// --no-cluster, --cluster-version 4.9|5.3, --dev (webpack development build), --no-build.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const flag = (name) => args.includes(name);
const say = (m) => console.log(`[start] ${m}`);

function step(label, cmd, cmdArgs, { tolerate = false } = {}) {
  say(label);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    if (tolerate) { say(`${label}: exit ${r.status} (continuing: the JavaScript was still emitted)`); return; }
    console.error(`[start] ${label} failed (exit ${r.status})`);
    process.exit(1);
  }
}

function portFree(port) {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

const vsix = join(root, 'dist', 'rocketmq-debugger.vsix');
if (!flag('--no-build')) {
  // Type errors in files being written by others must not stop a try-out: tsc still emits.
  step('compiling (tsc -p .)', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], { tolerate: true });
  step(`bundling (webpack --mode ${flag('--dev') ? 'development' : 'production'})`, process.execPath,
    [join(root, 'node_modules/webpack-cli/bin/cli.js'), '--mode', flag('--dev') ? 'development' : 'production']);
  step('packaging (vsce package --no-dependencies)', process.execPath, [join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--no-rewrite-relative-links', '-o', vsix]);
}
if (!existsSync(vsix)) { console.error(`[start] ${vsix} is missing (run without --no-build)`); process.exit(1); }

const harness = join(root, 'out/test/support/vscode/code-server.js');
if (!existsSync(harness)) { console.error(`[start] ${harness} is missing: the build did not emit it`); process.exit(1); }
const cs = require(harness);
await cs.ensureSystemPackages();
const entry = cs.ensureCodeServer();

const children = [];
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  for (const c of children.reverse()) await c.stop().catch((e) => console.error(`[start] ${c.name}: ${e.message}`));
  say('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

// The local cluster, when the cluster CLI is there.
let namesrv;
const clusterCli = join(root, 'out/test/support/cluster/cli.js');
if (flag('--no-cluster')) {
  say('no cluster (--no-cluster)');
} else if (!existsSync(clusterCli)) {
  say(`no local RocketMQ cluster: ${clusterCli} is not built (yet); starting VS Code without one.`);
} else {
  const version = opt('--cluster-version') ?? '5.3';
  say(`starting a local RocketMQ ${version} cluster (first start downloads RocketMQ from Maven Central; about a minute)`);
  // Own process group, so Ctrl-C reaches only this script, which then stops the cluster in order.
  const child = spawn(process.execPath, [clusterCli, '--version', version], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = false;
  const exitP = new Promise((r) => child.once('exit', () => { exited = true; r(); }));
  children.push({
    name: 'cluster',
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM'); // the CLI stops its JVMs itself
      const t = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 60_000);
      await exitP;
      clearTimeout(t);
    },
  });
  child.stderr.on('data', (d) => process.stderr.write(d));
  namesrv = await new Promise((res) => {
    let buf = '';
    const deadline = setTimeout(() => { say('the cluster did not report ready within 5 minutes; continuing without it'); res(undefined); }, 5 * 60_000);
    child.stdout.on('data', (d) => {
      buf += d.toString();
      const m = /namesrv=(127\.0\.0\.1:\d+)/.exec(buf);
      if (m) { clearTimeout(deadline); res(m[1]); }
    });
    exitP.then(() => { clearTimeout(deadline); if (!namesrv) { say('the cluster CLI exited before it was ready; continuing without a cluster'); res(undefined); } });
  });
  if (namesrv) say(`cluster ready: namesrv=${namesrv}`);
}

// code-server with the fresh .vsix, fresh user data, a workspace with the samples.
const startDir = join(root, '.cache', 'start');
const runDir = join(startDir, 'run');
rmSync(runDir, { recursive: true, force: true });
mkdirSync(runDir, { recursive: true });
const workspace = join(startDir, 'workspace');
mkdirSync(workspace, { recursive: true });
if (existsSync(join(root, 'media', 'samples'))) cpSync(join(root, 'media', 'samples'), workspace, { recursive: true, force: false, errorOnExist: false });
if (namesrv) {
  // rocketmq.connections is machine-scoped: in code-server that is the remote ("Machine") settings.
  mkdirSync(join(runDir, 'user-data', 'Machine'), { recursive: true });
  writeFileSync(join(runDir, 'user-data', 'Machine', 'settings.json'), JSON.stringify({ 'rocketmq.connections': [{ name: 'local', namesrv }] }, null, 2));
}
let port = Number(opt('--port') ?? process.env.PORT ?? 8080);
if (!(await portFree(port))) { const p = await cs.freePort(); say(`port ${port} is taken; using ${p}`); port = p; }
process.env.TMPDIR = runDir;
const server = await cs.startCodeServer({ entry, runDir, installExtensions: [vsix], port, settings: { 'workbench.startupEditor': 'none' } });
children.push({ name: 'code-server', stop: () => server.stop() });
server.process.once('exit', () => { if (!stopping) { say('code-server exited'); void stopAll(1); } });
const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
console.log('');
say(`RocketMQ Debugger is running in VS Code (code-server ${cs.CODE_SERVER_VERSION}, VS Code ${cs.VSCODE_VERSION}):`);
console.log(`\n    ${url}\n`);
say(namesrv ? `local cluster: namesrv=${namesrv} (connection "local")` : 'no local cluster (add a NameServer in the RocketMQ view)');
say('Ctrl-C stops code-server and the cluster.');
