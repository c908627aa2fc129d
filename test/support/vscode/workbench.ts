/**
 * One run of an extension test suite inside code-server's workbench in headless Chromium: the web
 * client passes extensionDevelopmentPath/extensionTestsPath to the server-side (Node) extension host,
 * and reports the suite's end through `window.codeAutomationExit`.
 */
import type { Browser, Page } from 'playwright-core';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { CodeServer, log, remoteAuthority, repoRoot, startCodeServer, workbenchUrl } from './code-server';
import { RESULT_MARKER } from './mocha-suite';

export interface SuiteOutcome {
  /** The workbench's exit code for the suite (0: run() resolved), or undefined on a timeout. */
  exitCode?: number;
  /** Counts the mocha runner printed, when it got that far. */
  counts?: { passed: number; failed: number };
  /** Non-zero "Extension Host Process exited with code: N" seen while the suite ran. */
  hostExitCodes: number[];
  timedOut: boolean;
  /** Problems other than failed tests: load errors, a crash, a timeout. */
  errors: string[];
  seconds: number;
}

export function suiteFailed(o: SuiteOutcome): boolean {
  return o.timedOut || o.exitCode !== 0 || o.errors.length > 0 || !o.counts || o.counts.failed > 0 || o.hostExitCodes.some((c) => c !== 0);
}

/** A workspace folder holding the sample files (media/samples), private to one run. */
export function makeWorkspace(runDir: string): string {
  const ws = join(runDir, 'workspace');
  mkdirSync(ws, { recursive: true });
  const samples = join(repoRoot, 'media', 'samples');
  if (existsSync(samples)) cpSync(samples, ws, { recursive: true });
  return ws;
}

/** The workbench hands over console arguments as an array, format string first. */
function extensionId(dir: string): string {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { publisher: string; name: string };
  return `${pkg.publisher}.${pkg.name}`.toLowerCase();
}

function formatArgs(args: unknown): string {
  const list = Array.isArray(args) ? args : [args];
  return format(...list);
}

/**
 * The extension host's console arrives through the same channel as the workbench's own log, without
 * a prefix. Echo everything but the workbench's routine start-up chatter (all of it stays in
 * <runDir>/workbench.log).
 */
const WORKBENCH_NOISE = [
  /^Resolv(ing|ed) connection token/, /^Creating a socket/, /^Creation of workbench contribution/,
  /additional builtin extensions/, /^\[Service Worker\]/, /^ChatSessionStore/, /^Long running operations during shutdown/,
  /^\[lifecycle\] Long running operations during shutdown/, /^Extension host \(Remote\) is unresponsive|^Extension host \(Remote\) is responsive/,
];
function isNoise(text: string): boolean {
  return WORKBENCH_NOISE.some((re) => re.test(text));
}

export interface RunSuiteOptions {
  browser: Browser;
  entry: string;
  runDir: string;
  label: string;
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
  timeoutMs: number;
  /** Echo the extension host console to stdout (default true). */
  echo?: boolean;
  /** Open the workspace folder untrusted (Restricted Mode) instead of with Workspace Trust off. */
  restricted?: boolean;
}

/** Workspace Trust on, no startup dialog: a folder nobody trusted opens in Restricted Mode. */
export const RESTRICTED_MODE_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
};

export async function runSuiteInWorkbench(opts: RunSuiteOptions): Promise<SuiteOutcome> {
  const started = Date.now();
  const outcome: SuiteOutcome = { hostExitCodes: [], timedOut: false, errors: [], seconds: 0 };
  mkdirSync(opts.runDir, { recursive: true });
  const workbenchLog = join(opts.runDir, 'workbench.log');
  const echo = opts.echo ?? true;
  const workspace = makeWorkspace(opts.runDir);
  // The workbench logs "Activating extension '<id>' failed: …" to the browser console when the
  // extension under test does not load (missing bundle, throw at load or in activate()).
  const extId = extensionId(opts.extensionDevelopmentPath);
  const noteActivationFailure = (text: string) => {
    const m = /Activating extension '([^']+)' failed: ([^\n]*)/.exec(text);
    if (m && m[1].toLowerCase() === extId && !outcome.errors.some((e) => e.includes(m[0]))) {
      outcome.errors.push(`extension load error: ${m[0]}`);
      if (echo) process.stdout.write(`[${opts.label}] ${m[0]}\n`);
    }
  };
  let server: CodeServer | undefined;
  let page: Page | undefined;
  const context = await opts.browser.newContext({ viewport: { width: 1400, height: 900 } });
  let timer: NodeJS.Timeout | undefined;
  try {
    server = await startCodeServer({ entry: opts.entry, runDir: opts.runDir, ...(opts.restricted ? { workspaceTrust: true, settings: RESTRICTED_MODE_SETTINGS } : {}) });
    const authority = await remoteAuthority(server.url);
    page = await context.newPage();
    let exitResolve!: (code: number) => void;
    const exited = new Promise<number>((r) => { exitResolve = r; });
    await page.exposeFunction('codeAutomationLog', (level: string, args: unknown) => {
      const text = formatArgs(args);
      appendFileSync(workbenchLog, `[${level}] ${text}\n`);
      for (const line of text.split('\n')) {
        const i = line.indexOf(RESULT_MARKER);
        if (i >= 0) {
          try { outcome.counts = JSON.parse(line.slice(i + RESULT_MARKER.length).trim().replace(/[^}]*$/, '')); } catch { /* partial line */ }
        }
      }
      if (echo && !isNoise(text)) {
        for (const line of text.split('\n')) process.stdout.write(`[${opts.label}] ${line}\n`);
      }
      noteActivationFailure(text);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => { exitResolve(code); });
    page.on('pageerror', (err) => appendFileSync(workbenchLog, `[pageerror] ${err.stack ?? err}\n`));
    page.on('console', (msg) => {
      appendFileSync(workbenchLog, `[console.${msg.type()}] ${msg.text()}\n`);
      if (msg.type() === 'error') noteActivationFailure(msg.text());
    });
    const url = workbenchUrl(server.url, authority, workspace, {
      extensionDevelopmentPath: opts.extensionDevelopmentPath,
      extensionTestsPath: opts.extensionTestsPath,
    });
    writeFileSync(join(opts.runDir, 'url.txt'), `${url}\n`);
    log(`${opts.label}: opening the workbench (authority ${authority})`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const timeout = new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), opts.timeoutMs); });
    const serverGone = new Promise<'server-exit'>((r) => server!.process.once('exit', () => r('server-exit')));
    const result = await Promise.race([exited, timeout, serverGone]);
    if (result === 'timeout') {
      outcome.timedOut = true;
      outcome.errors.push(`suite did not finish within ${opts.timeoutMs / 1000} s`);
      await page.screenshot({ path: join(opts.runDir, 'timeout.png') }).catch(() => undefined);
    } else if (result === 'server-exit') {
      outcome.errors.push('code-server exited while the suite ran');
    } else {
      outcome.exitCode = result;
    }
  } catch (e) {
    outcome.errors.push(`launcher error: ${(e as Error).stack ?? e}`);
  } finally {
    if (timer) clearTimeout(timer);
    await context.close().catch(() => undefined);
    if (server) {
      outcome.hostExitCodes = server.extensionHostExitCodes.filter((c) => c !== 0);
      await server.stop();
    }
  }
  if (!outcome.counts && outcome.errors.length === 0) outcome.errors.push('the suite printed no RMQ_MOCHA_RESULT line (did run() load?)');
  outcome.seconds = (Date.now() - started) / 1000;
  return outcome;
}
