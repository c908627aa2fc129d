/**
 * Starts code-server (the harness engineer's helpers in test/support/vscode) with this extension in
 * development mode and opens the workbench in headless Chromium. Used by the inspector's extension
 * run, its browser tests and the benchmark.
 */
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../vscode/browser';
import { CodeServer, ensureCodeServer, ensureSystemPackages, log, remoteAuthority, repoRoot, startCodeServer, workbenchUrl } from '../vscode/code-server';

export interface Workbench {
  server: CodeServer;
  browser: Browser;
  page: Page;
  /** Resolves with the exit code when the extension tests (if any) finished. */
  exit: Promise<number>;
  logs: string[];
  close(): Promise<void>;
}

/**
 * Builds the extension into a private folder (package.json, media, and a fresh webpack build of the
 * working tree) so that a concurrent rebuild of the shared dist/ cannot change what is under test.
 */
export function buildPrivateExtension(tmp: string, mode: 'development' | 'production' = 'development'): string {
  const ext = join(tmp, 'ext');
  mkdirSync(ext, { recursive: true });
  cpSync(join(repoRoot, 'package.json'), join(ext, 'package.json'));
  cpSync(join(repoRoot, 'media'), join(ext, 'media'), { recursive: true });
  const wp = spawnSync(process.execPath, [join(repoRoot, 'node_modules/webpack-cli/bin/cli.js'), '--mode', mode, '--output-path', join(ext, 'dist')], { cwd: repoRoot, encoding: 'utf8' });
  if (wp.status !== 0) throw new Error(`webpack failed:\n${wp.stdout}\n${wp.stderr}`);
  log(`extension built into ${ext}`);
  return ext;
}

export async function openWorkbench(opts: { folder: string; testsPath?: string; settings?: Record<string, unknown>; echoLogs?: boolean; viewport?: { width: number; height: number }; production?: boolean; initScript?: () => void }): Promise<Workbench> {
  // Chromium aborts on long socket paths: keep TMPDIR short and private to this run.
  const tmp = mkdtempSync('/tmp/rmqi-');
  process.env.TMPDIR = tmp;
  await ensureSystemPackages();
  const entry = ensureCodeServer();
  const ext = buildPrivateExtension(tmp, opts.production ? 'production' : 'development');
  const runDir = join(tmp, 'run');
  mkdirSync(runDir, { recursive: true });
  const server = await startCodeServer({ entry, runDir, settings: { 'workbench.editor.enablePreview': false, ...opts.settings } });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1600, height: 1000 } });
  // Runs in every frame before its own scripts (the benchmark's timeline marks).
  if (opts.initScript) await page.addInitScript(opts.initScript);
  const logs: string[] = [];
  let exitResolve: (code: number) => void = () => undefined;
  const exit = new Promise<number>((r) => { exitResolve = r; });
  await page.exposeFunction('codeAutomationLog', (_level: unknown, args: unknown[]) => {
    const line = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
    logs.push(line);
    if (opts.echoLogs !== false) process.stdout.write(`${line}\n`);
  });
  await page.exposeFunction('codeAutomationExit', (code: number) => { exitResolve(code); });
  const authority = await remoteAuthority(server.url);
  const url = workbenchUrl(server.url, authority, opts.folder, { extensionDevelopmentPath: ext, extensionTestsPath: opts.testsPath });
  log(`opening ${url}`);
  await page.goto(url);
  return {
    server, browser, page, exit, logs,
    close: async () => { await browser.close().catch(() => undefined); await server.stop(); },
  };
}
