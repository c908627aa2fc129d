/**
 * code-server (VS Code 1.100.3 server + web workbench, from npm) as an offline VS Code host.
 * Installed once into a cache folder, started on 127.0.0.1 with throw-away user-data and extensions
 * folders, stopped with its whole process group.
 */
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { pollUntil } from '../poll';
export { pollUntil } from '../poll';

export const CODE_SERVER_VERSION = '4.100.3';
/** The VS Code release inside that code-server; package.json `engines.vscode` must not exceed it. */
export const VSCODE_VERSION = '1.100.3';
/** compiled to out/test/support/vscode → four levels up is the repository. */
export const repoRoot = resolve(__dirname, '..', '..', '..', '..');

const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

/**
 * Install scripts that must run (npm 11 blocks dependency install scripts unless a project's
 * `allowScripts` lists them). Everything else with an install script fails the install
 * (`strict-allow-scripts`), so a new native module in a future code-server is noticed, not skipped.
 */
const ALLOW_TOP = { 'code-server': true, argon2: true };
const ALLOW_VSCODE = {
  '@parcel/watcher': true,
  '@vscode/deviceid': true,
  '@vscode/ripgrep': true,
  '@vscode/spdlog': true,
  kerberos: true,
  'native-watchdog': true,
  'node-pty': true,
  // Windows-only modules: nothing to build on Linux.
  '@vscode/windows-process-tree': false,
  '@vscode/windows-registry': false,
  '@vscode/windows-ca-certs': false,
};
const ALLOW_VSCODE_EXTENSIONS = { '@parcel/watcher': true, esbuild: true };

/** Files whose presence proves the install scripts really ran. */
const BUILT_ARTIFACTS = [
  'node_modules/argon2/lib/binding/napi-v3/argon2.node',
  'node_modules/code-server/lib/vscode/node_modules/node-pty/build/Release/pty.node',
  'node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
  'node_modules/code-server/lib/vscode/node_modules/kerberos/build/Release/kerberos.node',
  'node_modules/code-server/lib/vscode/node_modules/native-watchdog/build/Release/watchdog.node',
  'node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg',
  'node_modules/code-server/lib/vscode/node_modules.asar',
  'node_modules/code-server/lib/vscode/extensions/node_modules',
];

export function log(msg: string): void {
  process.stdout.write(`[vscode-host] ${msg}\n`);
}

export function cacheRoot(): string {
  return process.env.RMQ_CACHE_DIR ? resolve(process.env.RMQ_CACHE_DIR) : join(repoRoot, '.cache');
}


/**
 * Debian packages (chromium, libkrb5-dev, ripgrep) come from the project's own setup script. If apt
 * is busy (another setup run holds the lock) the script fails; poll until it succeeds or the packages
 * this harness needs are all present.
 */
export async function ensureSystemPackages(timeoutMs = 15 * 60_000): Promise<void> {
  const script = join(repoRoot, 'scripts', 'setup-system.sh');
  const present = () => existsSync('/usr/bin/chromium') && (existsSync('/usr/include/krb5.h') || existsSync('/usr/include/krb5/krb5.h'))
    && spawnSync('sh', ['-c', 'command -v rg'], { stdio: 'ignore' }).status === 0;
  await pollUntil('scripts/setup-system.sh to succeed (apt may be locked by another run)', timeoutMs, () => {
    const r = spawnSync('bash', [script], { stdio: 'inherit' });
    if (r.status === 0) return true;
    if (present()) { log('setup-system.sh failed, but chromium, libkrb5-dev and ripgrep are present: continuing'); return true; }
    log('setup-system.sh failed; retrying in 5 s');
    return undefined;
  }, 5000);
}

function nodeDir(): string {
  if (existsSync('/usr/include/node/node.h')) return '/usr';
  const fromExec = dirname(dirname(process.execPath));
  if (existsSync(join(fromExec, 'include', 'node', 'node.h'))) return fromExec;
  throw new Error('no Node headers found (/usr/include/node or next to the node binary): native modules of code-server cannot be built offline');
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, logFile: string): void {
  log(`$ ${cmd} ${args.join(' ')}   (in ${cwd}; output in ${logFile})`);
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  writeFileSync(logFile, `${r.stdout ?? ''}\n${r.stderr ?? ''}`, { flag: 'a' });
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').slice(-40).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed with ${r.status ?? r.signal}:\n${tail}`);
  }
}

function addAllowScripts(pkgFile: string, allow: Record<string, boolean>): void {
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  pkg.allowScripts = { ...(pkg.allowScripts ?? {}), ...allow };
  writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
}

/**
 * Installs code-server@CODE_SERVER_VERSION into `<cache>/code-server-<version>` unless a complete
 * install is already there. Returns the path of its `out/node/entry.js`.
 */
export function ensureCodeServer(): string {
  const dir = join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const marker = join(dir, '.installed');
  const stamp = `code-server@${CODE_SERVER_VERSION} node-${process.versions.modules}`;
  const ready = () => existsSync(marker) && readFileSync(marker, 'utf8').trim() === stamp && existsSync(entry);
  if (ready()) return entry;
  // Two launchers started together on a fresh machine must not install into the same folder at once.
  const release = lockDir(`${dir}.lock`, 15 * 60_000);
  try {
    if (ready()) return entry; // the other one finished it
    install(dir, marker, stamp);
    return entry;
  } finally {
    release();
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function processAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** A lock folder holding the owner's pid; a lock left by a dead process is taken over. */
function lockDir(lock: string, timeoutMs: number): () => void {
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch {
      let pid = NaN;
      try { pid = Number(readFileSync(join(lock, 'pid'), 'utf8')); } catch { /* being written */ }
      if (Number.isInteger(pid) && !processAlive(pid)) { rmSync(lock, { recursive: true, force: true }); continue; }
      if (Date.now() > deadline) throw new Error(`${lock} is still held by process ${pid} after ${timeoutMs / 1000} s`);
      if (!announced) { log(`waiting for process ${pid} to finish installing code-server (${lock})`); announced = true; }
      sleepSync(1000);
    }
  }
}

function install(dir: string, marker: string, stamp: string): void {
  const started = Date.now();
  log(`installing code-server@${CODE_SERVER_VERSION} into ${dir} (one time; a few minutes: native modules are compiled)`);
  if (process.versions.node.split('.')[0] !== '20') {
    throw new Error(`code-server@${CODE_SERVER_VERSION} needs Node 20 (its postinstall refuses others); this is Node ${process.versions.node}`);
  }
  rmSync(dir, { recursive: true, force: true });
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const logFile = join(dir, 'install.log');

  // @vscode/ripgrep would download its binary from GitHub; it first looks for a cached download in
  // <tmpdir>/vscode-ripgrep-cache-<version>/. A tarball holding Debian's rg satisfies it.
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!rg) throw new Error('ripgrep (rg) is not installed: run bash scripts/setup-system.sh');
  const rgCache = join(tmp, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  mkdirSync(rgCache, { recursive: true });
  run('tar', ['czf', join(rgCache, RIPGREP_ASSET), '-C', dirname(rg), 'rg'], dir, process.env, logFile);

  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'rmq-code-server-cache', private: true, version: '0.0.0',
    dependencies: { 'code-server': CODE_SERVER_VERSION },
    allowScripts: ALLOW_TOP,
  }, null, 2));

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TMPDIR: tmp,
    npm_config_unsafe_perm: 'true', // code-server's postinstall refuses to run as root without it
    npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`
    npm_config_nodedir: nodeDir(), // node-gyp builds against local headers, no download
    npm_config_strict_allow_scripts: 'true', // an unlisted install script fails the install
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  // Step 1: fetch the whole tree (code-server ships npm-shrinkwrap.json, so versions are pinned).
  run('npm', ['install', '--ignore-scripts', '--no-package-lock'], dir, env, logFile);
  // Step 2: code-server's postinstall runs `npm install` in lib/vscode and lib/vscode/extensions,
  // which are projects of their own: with npm 11 their dependencies' scripts need their own
  // allowScripts (an --allow-scripts flag or npm_config_allow_scripts is refused there).
  const vs = join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  addAllowScripts(join(vs, 'package.json'), ALLOW_VSCODE);
  addAllowScripts(join(vs, 'extensions', 'package.json'), ALLOW_VSCODE_EXTENSIONS);
  // Step 3: run the install scripts (argon2, then code-server's postinstall and everything below it).
  run('npm', ['rebuild', '--foreground-scripts'], dir, env, logFile);

  const missing = BUILT_ARTIFACTS.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) throw new Error(`code-server install incomplete (install scripts did not run?), missing:\n  ${missing.join('\n  ')}\nsee ${logFile}`);
  writeFileSync(marker, `${stamp}\n`);
  log(`code-server installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export interface CodeServerOptions {
  entry: string;
  /** A private folder for this run: user-data, extensions and logs go below it. */
  runDir: string;
  /** .vsix files to install into the throw-away extensions folder before starting. */
  installExtensions?: string[];
  /** User settings written before start. */
  settings?: Record<string, unknown>;
  /** Print the server's own output (it is always kept in `<runDir>/code-server.log`). */
  echo?: boolean;
  /** Port to bind (default: a free one). */
  port?: number;
  /** Leave Workspace Trust on (no --disable-workspace-trust), for a Restricted Mode run. */
  workspaceTrust?: boolean;
}

export interface CodeServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** Exit codes from "Extension Host Process exited with code: N" lines, in order seen. */
  extensionHostExitCodes: number[];
  output(): string;
  stop(): Promise<void>;
}

export const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** Process groups of running servers: killed if this process ends without stopping them. */
const liveGroups = new Set<number>();
let exitHooksInstalled = false;
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const pgid of liveGroups) { try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ } }
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // Only when nobody else handles the signal (npm start does, and stops things in order).
    if (process.listenerCount(sig) === 0) process.once(sig, () => { log(`${sig}: stopping code-server`); process.exit(130); });
  }
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  installExitHooks();
  const userData = join(opts.runDir, 'user-data');
  const extensions = join(opts.runDir, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...opts.settings }, null, 2));
  const env = { ...process.env, EXTENSIONS_GALLERY: '{}', TMPDIR: process.env.TMPDIR ?? '/tmp' };
  const config = join(opts.runDir, 'config.yaml');
  writeFileSync(config, 'auth: none\n'); // keeps code-server from writing ~/.config/code-server/config.yaml
  const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions, '--disable-telemetry', '--disable-update-check'];
  for (const vsix of opts.installExtensions ?? []) {
    log(`installing ${vsix} into the throw-away extensions folder`);
    const r = spawnSync(process.execPath, [opts.entry, ...common, '--install-extension', vsix], { env, encoding: 'utf8' });
    process.stdout.write(r.stdout ?? '');
    if (r.status !== 0 || !/successfully installed/i.test(r.stdout ?? '')) {
      throw new Error(`code-server --install-extension ${vsix} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    }
  }
  const port = opts.port ?? await freePort();
  const logFile = join(opts.runDir, 'code-server.log');
  let out = '';
  const exitCodes: number[] = [];
  const child = spawn(process.execPath, [opts.entry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', ...common, ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override'], {
    env, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid !== undefined) liveGroups.add(child.pid);
  const onData = (chunk: Buffer) => {
    const s = chunk.toString('utf8');
    out += s;
    writeFileSync(logFile, s, { flag: 'a' });
    for (const m of s.matchAll(/Extension Host Process exited with code: (-?\d+)/g)) exitCodes.push(Number(m[1]));
    if (opts.echo) for (const line of s.split('\n')) if (line.trim()) process.stdout.write(`[code-server] ${line}\n`);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let exited = false;
  const exitPromise = new Promise<void>((r) => child.once('exit', () => { exited = true; r(); }));
  void exitPromise.then(() => { if (child.pid !== undefined) liveGroups.delete(child.pid); });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited || child.pid === undefined) return;
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    const t = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5000);
    await exitPromise;
    clearTimeout(t);
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* the group is gone */ }
    liveGroups.delete(child.pid);
  };
  try {
    await pollUntil(`code-server at ${url}/healthz`, 60_000, async () => {
      if (exited) throw new Error(`code-server exited during start:\n${out}`);
      const r = await fetch(`${url}/healthz`);
      return r.ok ? true : undefined;
    }, 100);
  } catch (e) {
    await stop();
    throw e;
  }
  log(`code-server ${CODE_SERVER_VERSION} ready at ${url} (pid ${child.pid})`);
  return { url, port, process: child, extensionHostExitCodes: exitCodes, output: () => out, stop };
}

/** The workbench's remote authority, from its `vscode-workbench-web-configuration` meta tag. */
export async function remoteAuthority(url: string): Promise<string> {
  const html = await (await fetch(`${url}/`)).text();
  const m = /<meta\s+id="vscode-workbench-web-configuration"\s+data-settings="([^"]*)"/.exec(html);
  if (!m) throw new Error('no vscode-workbench-web-configuration meta tag in the workbench page');
  const json = m[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const cfg = JSON.parse(json) as { remoteAuthority?: string };
  if (!cfg.remoteAuthority) throw new Error('workbench configuration has no remoteAuthority');
  return cfg.remoteAuthority;
}

/** Workbench URL opening `folder`, with extension development/test paths passed as the web payload. */
export function workbenchUrl(url: string, authority: string, folder: string, dev?: { extensionDevelopmentPath: string; extensionTestsPath?: string }): string {
  const remote = (p: string) => `vscode-remote://${authority}${p}`;
  const params = new URLSearchParams({ folder });
  if (dev) {
    const payload: [string, string][] = [['extensionDevelopmentPath', remote(dev.extensionDevelopmentPath)]];
    if (dev.extensionTestsPath) payload.push(['extensionTestsPath', remote(dev.extensionTestsPath)]);
    params.set('payload', JSON.stringify(payload));
  }
  return `${url}/?${params.toString()}`;
}
