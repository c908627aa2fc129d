/**
 * Browser test of live capture: the real workbench (code-server) in headless Chromium, against a real
 * RocketMQ 5.3 cluster (RMQ_CLUSTER_53_NAMESRV / RMQ_TEST_NAMESRV, else started here). "RocketMQ:
 * Start Capture…" from the command palette (interface, filter, limit), the inspector listing frames
 * live while a producer sends, the status bar counts, "Stop capture", and closing the window with a
 * capture running (no capture process may remain). Screenshot media/screenshots/live-capture.png for
 * the README (with RMQ_UPDATE_SCREENSHOTS=1).
 *
 *   node out/test/support/capture/ui.js
 *
 * Prints "N passed, M failed" and writes {passed, failed} to RMQ_TEST_RESULT_FILE when set.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { openWorkbench } from '../inspector/workbench';
import { runCommand } from '../vscode/quick-open';
import { poll } from '../inspector/ui';
import { attachFromEnv, startCluster, RunningCluster } from '../cluster';
import { Producer } from '../../../src/core/producer';
import { Message } from '../../../src/core/message';
import { screenshotDir } from '../screenshots';
import { repoRoot } from '../vscode/code-server';
import { Steps } from '../vscode/steps';
import { alive, captureWatchdogs, childrenOf } from '../processes';

let currentPage: Page | undefined;
const steps = new Steps(async (n) => {
  const shot = join(repoRoot, 'test-results', 'screenshots', `capture-failed-${n}.png`);
  await currentPage?.screenshot({ path: shot }).catch(() => undefined);
  console.log(`    (screenshot of the failure: ${shot})`);
});
const step = steps.step.bind(steps);

function check(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

/** The few DOM types used inside evaluate (the root tsconfig has no DOM lib). */
interface MiniDoc { querySelector(s: string): { textContent: string | null } | null; body: { dataset: Record<string, string | undefined> } }

/** Waits for the quick pick titled like `title` and returns the labels of its rows. */
async function quickPick(page: Page, title: RegExp): Promise<string[]> {
  return poll(`quick pick ${title}`, 30_000, async () => {
    const t = (await page.locator('.quick-input-widget .quick-input-title').textContent().catch(() => '')) ?? '';
    if (!title.test(t)) return undefined;
    const labels = await page.locator('.quick-input-list .monaco-list-row .label-name').allTextContents();
    return labels.length ? labels : undefined;
  });
}

/** The capture inspector's webview document (its toolbar title is the file's name). */
async function captureFrame(page: Page, timeoutMs = 30_000): Promise<Frame> {
  return poll('the capture inspector', timeoutMs, async () => {
    for (const f of page.frames()) {
      try {
        const title = await f.evaluate(() => (globalThis as unknown as { document: MiniDoc }).document.querySelector('.app .title')?.textContent ?? null);
        if (title && /^rocketmq-\d{8}-\d{6}\.pcapng$/.test(title)) return f;
      } catch { /* detached or loading */ }
    }
    return undefined;
  });
}

const dataset = (f: Frame) => f.evaluate(() => ({ ...(globalThis as unknown as { document: MiniDoc }).document.body.dataset }));

/** Starts a capture from the palette with the first choice of each step (lo, the connection's ports, no limit). */
async function startFromPalette(page: Page): Promise<{ ifaces: string[]; filters: string[] }> {
  await runCommand(page, 'RocketMQ: Start Capture…');
  const ifaces = await quickPick(page, /Start Capture \(1\/3\): interface/);
  await page.keyboard.press('Enter');
  const filters = await quickPick(page, /Start Capture \(2\/3\)/);
  await page.keyboard.press('Enter');
  await quickPick(page, /Start Capture \(3\/3\): limit/);
  await page.keyboard.press('Enter');
  return { ifaces, filters };
}

async function main(): Promise<number> {
  const shots = screenshotDir();
  if (!process.env.RMQ_CLUSTER_53_NAMESRV && process.env.RMQ_TEST_NAMESRV) process.env.RMQ_CLUSTER_53_NAMESRV = process.env.RMQ_TEST_NAMESRV;
  console.log('[capture-ui] getting the RocketMQ 5.3 cluster');
  const cluster: RunningCluster = (await attachFromEnv('5.3')) ?? await startCluster({ version: '5.3', log: (l) => console.log(`[cluster] ${l}`) });
  const topic = 'OrderTopic';
  await cluster.createTopic(topic, { queues: 4 });
  const folder = mkdtempSync('/tmp/rmqc-ui-');
  const captures = mkdtempSync('/tmp/rmqc-files-');
  const wb = await openWorkbench({
    folder, echoLogs: false, viewport: { width: 1500, height: 960 },
    settings: { 'rocketmq.connections': [{ name: 'local 5.3 cluster', namesrv: cluster.namesrv }], 'rocketmq.capture.folder': captures },
  });
  const page = wb.page;
  currentPage = page;
  const producer = new Producer({ producerGroup: 'capture_ui', namesrvAddr: cluster.namesrv });
  const watchdogsBefore = new Set(captureWatchdogs().map((p) => p.pid));
  let f!: Frame;
  try {
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });

    await step('Start Capture… offers lo first for a local NameServer and the connection\'s RocketMQ ports, then shows the inspector capturing', async () => {
      const { ifaces, filters } = await startFromPalette(page);
      check(ifaces[0] === 'lo' && ifaces.includes('any'), `interfaces: ${ifaces.join(', ')}`);
      check(filters[0] === 'RocketMQ ports of the connection', `filters: ${filters.join(', ')}`);
      f = await captureFrame(page, 60_000);
      await poll('the inspector in capture mode', 20_000, async () => (await dataset(f)).capturing === 'true');
      check(/^Capturing…/.test((await f.locator('#status').textContent()) ?? ''), 'status says Capturing…');
      check((await f.locator('#cancel').textContent())?.trim() === 'Stop capture', 'the toolbar button stops the capture');
      await page.locator('.statusbar-item', { hasText: /lo: \d+ packets/ }).first().waitFor({ timeout: 10_000 });
    });

    await step('sends from a producer are listed live, paired with their responses, filtered, and counted in the status bar', async () => {
      await producer.start();
      for (let i = 0; i < 8; i++) await producer.send(new Message({ topic, body: `{"orderId": ${3000 + i}}`, tags: 'created', keys: [`order-${3000 + i}`] }));
      // Every frame so far is counted (8 sends and their responses, the route lookup, heartbeats)…
      await poll('the sends counted', 15_000, async () => Number((await dataset(f)).frames ?? 0) >= 18);
      // …and the filter bar works during the capture: the sends alone, each answered (a request's
      // Status is its response's).
      await f.locator('#f-code input').fill('SEND_MESSAGE_V2');
      await f.locator('#f-code input').press('Enter');
      await poll('the sends alone', 10_000, async () => /^16 of \d+ frames match/.test((await f.locator('#match-count').textContent()) ?? ''));
      const statuses = await poll('16 rows on screen', 10_000, async () => {
        const s = await f.locator('.list-layer .row:not(.loading):visible .col-status').allTextContents();
        return s.length === 16 ? s : undefined;
      });
      check(statuses.every((x) => x === 'SUCCESS'), `statuses ${statuses.join(',')}`);
      const flags = await f.locator('.list-layer .row:not(.loading):visible .col-flag').allTextContents();
      check(flags.filter((x) => x === 'R').length === 8, `responses: ${flags.join(',')}`);
      check((await dataset(f)).capturing === 'true', 'still capturing');
      const bar = (await page.locator('.statusbar-item', { hasText: /lo: \d+ packets/ }).first().textContent()) ?? '';
      const m = /lo: ([\d,]+) packets · ([\d,]+) RocketMQ frames/.exec(bar);
      check(m && Number(m[2].replace(/,/g, '')) >= 16, `status bar: ${bar}`);
      // A send and its response selected, for the picture.
      await f.locator('.list-layer .row:not(.loading):visible', { has: f.locator('.col-code', { hasText: /^SEND_MESSAGE_V2$/ }) }).first().click();
      await poll('details of the send', 10_000, async () => /SEND_MESSAGE_V2/.test((await f.locator('.details-title').textContent()) ?? ''));
      await page.mouse.move(5, 5);
      await page.screenshot({ path: join(shots, 'live-capture.png') });
    });

    await step('Stop capture ends it: the file stays, the inspector shows the final count, the status bar item goes', async () => {
      await f.locator('#cancel').click();
      await page.locator('.notification-toast', { hasText: /Capture stopped: [\d,]+ packets, [\d,]+ RocketMQ frames in rocketmq-/ }).first().waitFor({ timeout: 20_000 });
      await poll('the inspector done', 10_000, async () => (await dataset(f)).indexed === 'done' && (await dataset(f)).capturing === 'false');
      check(/^\d[\d,]* frames$/.test(((await f.locator('#status').textContent()) ?? '').trim()), `status ${await f.locator('#status').textContent()}`);
      check((await page.locator('.statusbar-item', { hasText: /lo: \d+ packets/ }).count()) === 0, 'the status bar item is gone');
      const files = readdirSync(captures);
      check(files.length === 1 && files[0].endsWith('.pcapng'), `capture folder: ${files.join(', ')}`);
      check(captureWatchdogs().every((p) => watchdogsBefore.has(p.pid)), 'no capture process after the stop');
      await page.keyboard.press('Escape');
    });

    await step('closing the window with a capture running leaves no capture process', async () => {
      await startFromPalette(page);
      await captureFrame(page, 60_000);
      const ours = await poll('the new capture watchdog', 20_000, async () => {
        const w = captureWatchdogs().filter((p) => !watchdogsBefore.has(p.pid));
        return w.length ? w : undefined;
      });
      // The watchdogs and their children (dumpcap, the guard subshell).
      const tools = ours.flatMap((w) => [w.pid, ...childrenOf(w.pid)]);
      check(tools.length >= 2, `watchdog without a tool: ${tools.join(', ')}`);
      await page.close({ runBeforeUnload: true });
      currentPage = undefined;
      await poll('the capture tool and its watchdog to exit after the window closed', 30_000, async () => (tools.every((p) => !alive(p)) && captureWatchdogs().every((p) => watchdogsBefore.has(p.pid)) ? true : undefined));
    });
  } finally {
    await producer.shutdown().catch(() => undefined);
    await wb.close();
    if (cluster.owned) await cluster.stop();
  }
  const { passed, failed } = steps.counts();
  console.log(`${passed} passed, ${failed} failed`);
  return steps.finish();
}

if (require.main === module) {
  // The cluster harness's admin JVM unrefs its child between calls: keep the process alive ourselves.
  const keepAlive = setInterval(() => undefined, 1000);
  main().then((c) => { clearInterval(keepAlive); process.exit(c); }, (e) => { console.error(e); process.exit(1); });
}
