/**
 * UI tests (phase `ui` of scripts/test.mjs): the extension as users get it — packaged with vsce,
 * installed into code-server with --install-extension — driven in the real workbench in headless
 * Chromium with playwright-core, asserting on what is on screen, webview content included (VS Code
 * nests a webview's document two iframes deep; playwright sees every frame).
 *
 *   node out/test/support/vscode/run-ui-tests.js
 *
 * Screenshots go to test-results/screenshots/ (gitignored); with RMQ_UPDATE_SCREENSHOTS=1 the README's
 * images in media/screenshots/ are refreshed too. Then the inspector's and the routes' browser tests (test/support/<feature>/ui.ts) run
 * in their own workbench and their counts are added. Writes {"passed":n,"failed":m} to
 * $RMQ_TEST_RESULT_FILE; exits non-zero on any failure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { CodeServer, ensureCodeServer, ensureSystemPackages, log, pollUntil, repoRoot, startCodeServer, workbenchUrl, remoteAuthority } from './code-server';
import { makeWorkspace } from './workbench';
import { Steps } from './steps';
import { sampleResponseFrame, sampleSendFrame, toHex } from '../../extension/suite/helpers';

const SHOTS = join(repoRoot, 'test-results', 'screenshots');
const README_SHOT = join(repoRoot, 'media', 'screenshots', 'decode-frame.png');
const EXTENSION_ID = 'rocketmq-debugger.rocketmq-debugger';

const steps = new Steps();
const step = steps.step.bind(steps);

function check(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

/**
 * `vsce package` of the current build into `dir`; returns the .vsix path. README images are relative
 * and package.json names no GitHub/GitLab repository, so vsce cannot rewrite them to absolute URLs:
 * --no-rewrite-relative-links keeps them as they are.
 */
function packageVsix(dir: string): string {
  const out = join(dir, 'rocketmq-debugger.vsix');
  const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  log('packaging the extension (vsce package --no-dependencies)');
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '-o', out], { cwd: repoRoot, encoding: 'utf8', input: '' });
  if (r.status !== 0 || !existsSync(out)) throw new Error(`vsce package failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return out;
}

/** The decoded-frame webview's inner document, found by its heading. */
async function decodeFrame(page: Page, heading: string, timeoutMs = 30_000): Promise<Frame> {
  return pollUntil(`the decoded-frame webview showing "${heading}"`, timeoutMs, async () => {
    for (const f of page.frames()) {
      try {
        const h = f.locator('main#app[data-view="decoded-frame"] h1');
        if ((await h.count()) > 0 && (await h.first().textContent()) === heading) return f;
      } catch { /* a frame detached or navigated while we looked */ }
    }
    return undefined;
  }, 200);
}

/** Runs a command through the command palette (F1), as a user would. */
async function runFromPalette(page: Page, title: string): Promise<void> {
  await pollUntil(`the command palette to offer "${title}"`, 20_000, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 3000 });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ state: 'visible', timeout: 3000 });
    await page.keyboard.press('Enter');
    return true;
  }, 250);
}

/** Types into the input box the command opened (identified by its title) and presses Enter. */
async function answerInputBox(page: Page, boxTitle: string, text: string): Promise<void> {
  const widget = page.locator('.quick-input-widget', { hasText: boxTitle });
  await widget.waitFor({ state: 'visible', timeout: 15_000 });
  await widget.locator('input').fill(text);
  await page.keyboard.press('Enter');
}

interface MiniEl { textContent: string | null; getAttribute(n: string): string | null }
interface MiniDoc { querySelector(s: string): MiniEl | null; querySelectorAll(s: string): ArrayLike<MiniEl> }

async function uiTests(page: Page, server: CodeServer, workspace: string): Promise<void> {
  const authority = await remoteAuthority(server.url);
  // Installed extension, not a development path: no payload.
  await page.goto(workbenchUrl(server.url, authority, workspace), { waitUntil: 'domcontentloaded', timeout: 60_000 });

  const rocketItem = page.locator('.activitybar .action-item a.action-label[aria-label^="RocketMQ"]');
  await step('the workbench loads with the packaged extension installed and shows RocketMQ in the activity bar', async () => {
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    await rocketItem.waitFor({ state: 'visible', timeout: 60_000 });
  });

  await step('the RocketMQ view opens from the activity bar with its welcome content', async () => {
    await rocketItem.click();
    const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Topic Routes/i }) });
    await pane.waitFor({ state: 'visible', timeout: 20_000 });
    const welcome = pane.locator('.welcome-view-content');
    await welcome.waitFor({ state: 'visible', timeout: 20_000 });
    const text = (await welcome.textContent()) ?? '';
    check(text.includes('No RocketMQ NameServer connected yet.'), `welcome text was: ${text}`);
    check(await welcome.locator('a, .monaco-button', { hasText: 'Add NameServer…' }).count() > 0, 'no "Add NameServer…" button in the welcome view');
    await page.screenshot({ path: join(SHOTS, 'rocketmq-view.png') });
  });

  const send = sampleSendFrame();
  await step('"RocketMQ: Decode Frame from Hex" runs from the command palette and validates its input', async () => {
    await runFromPalette(page, 'RocketMQ: Decode Frame from Hex');
    const widget = page.locator('.quick-input-widget', { hasText: 'Decode RocketMQ Frame' });
    await widget.waitFor({ state: 'visible', timeout: 15_000 });
    await widget.locator('input').fill('00 00 zz');
    await pollUntil('the input box to reject "zz"', 10_000, async () =>
      ((await widget.textContent()) ?? '').includes('"z" is not a hex digit') ? true : undefined);
    await widget.locator('input').fill(toHex(send));
    await page.keyboard.press('Enter');
  });

  await step('the decoded frame renders in the webview (asserted inside its iframe)', async () => {
    const f = await decodeFrame(page, 'SEND_MESSAGE_V2 (310)');
    const rows = f.locator('#ext-fields tbody tr');
    check(await rows.count() === 12, `expected 12 header rows, saw ${await rows.count()}`);
    const topicRow = f.locator('#ext-fields tbody tr', { has: f.locator('th', { hasText: /^topic \(b\)$/ }) });
    check((await topicRow.locator('td').textContent()) === 'OrderCreated', 'topic (field b) is not OrderCreated');
    const props = f.locator('#properties tbody tr');
    check(await props.count() === 2, `expected 2 message properties, saw ${await props.count()}`);
    const keys = f.locator('#properties tbody tr', { has: f.locator('th', { hasText: /^KEYS$/ }) }).locator('td');
    check((await keys.textContent()) === 'order-42', `KEYS property shown as ${await keys.textContent()}`);
    const summary = (await f.locator('#summary').textContent()) ?? '';
    check(summary.includes('4242') && summary.includes('JAVA'), `summary lacks opaque/language: ${summary}`);
    check((await f.locator('pre.body-text').textContent()) === JSON.stringify({ orderId: 42, amount: '19.90' }, null, 2), 'body text differs (a JSON body is shown indented)');
    const csp = await f.evaluate(() => (globalThis as unknown as { document: MiniDoc }).document
      .querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '');
    check(/default-src 'none'/.test(csp) && /script-src 'nonce-[A-Za-z0-9]{16,}'/.test(csp) && !/unsafe/.test(csp), `CSP is ${csp}`);
    const tab = page.locator('.tabs-container .tab', { hasText: 'Frame: SEND_MESSAGE_V2' });
    check(await tab.count() === 1, 'no editor tab "Frame: SEND_MESSAGE_V2"');
    await page.screenshot({ path: join(SHOTS, 'decode-frame.png') });
    if (process.env.RMQ_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(join(repoRoot, 'media', 'screenshots'), { recursive: true });
      copyFileSync(join(SHOTS, 'decode-frame.png'), README_SHOT);
    }
  });

  await step('text from the frame stays text: HTML in a remark or header value is neither parsed nor run', async () => {
    const payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
    const hex = toHex(sampleResponseFrame(payload));
    await runFromPalette(page, 'RocketMQ: Decode Frame from Hex');
    await answerInputBox(page, 'Decode RocketMQ Frame', hex);
    const f = await decodeFrame(page, 'TOPIC_NOT_EXIST (17)');
    const remark = f.locator('#summary tr', { has: f.locator('th', { hasText: 'Remark' }) }).locator('td');
    check((await remark.textContent()) === payload, `remark shown as ${await remark.textContent()}`);
    const value = f.locator('#ext-fields tbody tr td').first();
    check((await value.textContent()) === '<b>not bold</b>', 'header value was not shown literally');
    const dom = await f.evaluate(() => {
      const w = globalThis as unknown as { __xss?: unknown; document: MiniDoc };
      return { xss: w.__xss ?? null, injected: w.document.querySelectorAll('#app img, #app script, #app b').length };
    });
    check(dom.xss === null, `payload ran in the webview (__xss=${String(dom.xss)})`);
    check(dom.injected === 0, `${dom.injected} elements were created from frame text`);
    await page.screenshot({ path: join(SHOTS, 'decode-frame-html-as-text.png') });
  });

  await step('a hidden decode panel comes back with its frame (webview state, no retainContextWhenHidden)', async () => {
    const before = await decodeFrame(page, 'TOPIC_NOT_EXIST (17)');
    await runFromPalette(page, 'File: New Untitled Text File');
    // Hidden, the webview's document is destroyed…
    await pollUntil('the hidden webview to be destroyed', 15_000, () => (before.isDetached() ? true : undefined), 200);
    await page.locator('.tabs-container .tab', { hasText: 'Frame: TOPIC_NOT_EXIST' }).click();
    // …and re-created on show, rendering from its saved state / the ready handshake.
    const after = await decodeFrame(page, 'TOPIC_NOT_EXIST (17)');
    check(after !== before, 'the same document came back: the webview was not re-created');
    check(await after.locator('#ext-fields tbody tr').count() === 1, 'header field row missing after re-show');
  });
}

/** Browser tests owned by a feature (inspector, routes, groups), as child runs; their counts join ours. */
async function featureUiTests(runRoot: string, feature: string): Promise<{ passed: number; failed: number } | undefined> {
  const script = join(repoRoot, 'out', 'test', 'support', feature, 'ui.js');
  if (!existsSync(script)) return undefined;
  const resultFile = join(runRoot, `${feature}-ui.json`);
  log(`running the ${feature} browser tests (test/support/${feature}/ui.ts)`);
  const code = await new Promise<number>((r) => {
    const c = spawn(process.execPath, ['--enable-source-maps', script], { stdio: 'inherit', env: { ...process.env, RMQ_TEST_RESULT_FILE: resultFile } });
    c.on('exit', (code, signal) => r(code ?? (signal ? 128 : 1)));
  });
  const res = existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) as { passed: number; failed: number } : { passed: 0, failed: 0 };
  if (code !== 0 && res.failed === 0) res.failed = 1;
  return res;
}

async function main(): Promise<number> {
  const extra = { passed: 0, failed: 0 };
  const write = () => steps.finish(process.env.RMQ_TEST_RESULT_FILE, extra);
  write();
  for (const f of ['dist/extension.js', 'dist/webview.js']) {
    if (!existsSync(join(repoRoot, f))) throw new Error(`missing ${f}: build first (npm run compile, or node scripts/test.mjs ui)`);
  }
  await ensureSystemPackages();
  const entry = ensureCodeServer();
  const runRoot = mkdtempSync('/tmp/rmqu-');
  process.env.TMPDIR = runRoot;
  mkdirSync(SHOTS, { recursive: true });
  let server: CodeServer | undefined;
  const browser = await launchChromium();
  try {
    const vsix = packageVsix(runRoot);
    const runDir = join(runRoot, 'run');
    mkdirSync(runDir, { recursive: true });
    server = await startCodeServer({ entry, runDir, installExtensions: [vsix] });
    const installed = readdirSync(join(runDir, 'extensions')).filter((n) => n.startsWith(`${EXTENSION_ID}-`));
    check(installed.length === 1, `extension not in the extensions folder: ${readdirSync(join(runDir, 'extensions')).join(', ')}`);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    await uiTests(page, server, makeWorkspace(runDir));
    await page.close();
  } catch (e) {
    steps.results.push({ name: `UI launcher: ${(e as Error).message}`, ok: false });
    console.error(e);
  } finally {
    await browser.close().catch(() => undefined);
    await server?.stop();
    write();
  }
  for (const feature of ['inspector', 'timeline', 'routes', 'messages', 'capture', 'groups', 'grpc', 'replay']) {
    const r = await featureUiTests(runRoot, feature);
    if (r) { extra.passed += r.passed; extra.failed += r.failed; write(); }
  }
  if (!process.env.RMQ_KEEP_RUN_DIR) rmSync(runRoot, { recursive: true, force: true });
  const code = write();
  const { passed, failed } = steps.counts(extra);
  log(`ui phase: ${passed} passed, ${failed} failed (screenshots in ${SHOTS})`);
  return code;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`[vscode-host] UI launcher crashed: ${e?.stack ?? e}`);
  if (process.env.RMQ_TEST_RESULT_FILE) writeFileSync(process.env.RMQ_TEST_RESULT_FILE, JSON.stringify({ passed: 0, failed: 1 }));
  process.exit(1);
});
