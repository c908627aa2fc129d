/**
 * Browser checks and screenshots of the Topic Route sidebar, the Send Message flow and a request
 * file with CodeLens: the real workbench (code-server) in headless Chromium, driven with playwright,
 * against a real RocketMQ 5.3 cluster (RMQ_CLUSTER_53_NAMESRV/RMQ_TEST_NAMESRV, else started here).
 *
 *   node out/test/support/routes/ui.js
 *
 * Screenshots go to media/screenshots/routes-*.png, send-*.png, request-file.png. Prints
 * "N passed, M failed" and writes {passed, failed} to RMQ_TEST_RESULT_FILE when set.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../vscode/code-server';
import { buildPrivateExtension } from '../inspector/workbench';
import { launchChromium } from '../vscode/browser';
import { ensureCodeServer, ensureSystemPackages, log, remoteAuthority, startCodeServer, workbenchUrl } from '../vscode/code-server';
import { poll } from '../inspector/ui';
import { quickOpen, runCommand } from '../vscode/quick-open';
import { attachFromEnv, startCluster, RunningCluster } from '../cluster';
import { Producer } from '../../../src/core/producer';
import { Message } from '../../../src/core/message';
import { screenshotDir } from '../screenshots';
import { Steps } from '../vscode/steps';

let currentPage: Page | undefined;
const steps = new Steps(async (n) => {
  const dir = join(repoRoot, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const shot = join(dir, `routes-failed-${n}.png`);
  await currentPage?.screenshot({ path: shot });
  console.log(`    (screenshot of the failure: ${shot})`);
});
const step = steps.step.bind(steps);
function check(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

const quickInput = (page: Page) => page.locator('.quick-input-widget input');

async function typeIntoQuickInput(page: Page, text: string, expectTitle?: RegExp): Promise<void> {
  await poll(`quick input${expectTitle ? ` ${expectTitle}` : ''}`, 10_000, async () => {
    if (!(await quickInput(page).isVisible())) return false;
    if (expectTitle) {
      const t = (await page.locator('.quick-input-widget .quick-input-title').textContent()) ?? '';
      const p = (await quickInput(page).getAttribute('placeholder')) ?? '';
      const m = (await page.locator('.quick-input-widget .quick-input-message').textContent()) ?? '';
      if (!expectTitle.test(`${t} ${p} ${m}`)) return false;
    }
    return true;
  });
  await quickInput(page).fill(text);
}

/** A row of the Topic Routes tree by its label text. */
function treeRow(page: Page, label: string) {
  return page.locator('.pane-body .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
}

async function expand(page: Page, label: string): Promise<void> {
  const row = treeRow(page, label);
  await row.waitFor({ timeout: 20_000 });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  await poll(`${label} expanded`, 10_000, async () => (await row.getAttribute('aria-expanded')) === 'true');
}

/**
 * code-server + Chromium with the extension built into a private folder (like the inspector's
 * openWorkbench, plus the syntaxes/ folder for the request-file grammar and language configuration).
 */
async function openWorkbench(folder: string): Promise<{ page: Page; close(): Promise<void> }> {
  const tmp = mkdtempSync('/tmp/rmqr-');
  process.env.TMPDIR = tmp;
  await ensureSystemPackages();
  const entry = ensureCodeServer();
  const ext = buildPrivateExtension(tmp);
  cpSync(join(repoRoot, 'syntaxes'), join(ext, 'syntaxes'), { recursive: true });
  const runDir = join(tmp, 'run');
  mkdirSync(runDir, { recursive: true });
  const server = await startCodeServer({ entry, runDir, settings: { 'workbench.editor.enablePreview': false } });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  const authority = await remoteAuthority(server.url);
  const url = workbenchUrl(server.url, authority, folder, { extensionDevelopmentPath: ext });
  log(`opening ${url}`);
  await page.goto(url);
  return { page, close: async () => { await browser.close().catch(() => undefined); await server.stop(); } };
}

/** Drags the sash between the side bar and the editor so that long descriptions fit. */
async function widenSideBar(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const x = box.x + box.width;
  const y = box.y + box.height / 2;
  await page.mouse.move(x + 1, y);
  await page.mouse.down();
  await page.mouse.move(x + 1 + (width - box.width), y, { steps: 8 });
  await page.mouse.up();
  await poll('wider side bar', 5000, async () => ((await page.locator('.part.sidebar').boundingBox())?.width ?? 0) > box.width + 50);
}

async function main(): Promise<number> {
  const shots = screenshotDir();
  if (!process.env.RMQ_CLUSTER_53_NAMESRV && process.env.RMQ_TEST_NAMESRV) process.env.RMQ_CLUSTER_53_NAMESRV = process.env.RMQ_TEST_NAMESRV;
  console.log('[routes-ui] getting the RocketMQ 5.3 cluster');
  const cluster: RunningCluster = (await attachFromEnv('5.3')) ?? await startCluster({ version: '5.3', log: (l) => console.log(`[cluster] ${l}`) });
  console.log(`[routes-ui] cluster at ${cluster.namesrv}; creating ${'OrderTopic'} and sending 25 messages`);
  const topic = 'OrderTopic';
  await cluster.createTopic(topic, { queues: 4 });
  // Some traffic so that the offsets in the screenshots are not all zero.
  const producer = new Producer({ producerGroup: 'ui_screenshots', namesrvAddr: cluster.namesrv });
  await producer.start();
  for (let i = 0; i < 25; i++) await producer.send(new Message({ topic, body: `{"orderId": ${i}}`, tags: 'created' }));
  await producer.shutdown();

  const folder = mkdtempSync('/tmp/rmqr-ui-');
  writeFileSync(join(folder, 'orders.rocketmq'), readFileSync(join(repoRoot, 'media', 'samples', 'orders.rocketmq'), 'utf8'));
  writeFileSync(join(folder, 'bulk.rocketmq'), `### many\ntopic: ${topic}\ntag: bulk\nrepeat: 20000\n\nbulk message\n`);
  const wb = await openWorkbench(folder);
  const page = wb.page;
  currentPage = page;
  try {
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });

    await step('Add NameServer validates as you type and adds the connection', async () => {
      await runCommand(page, 'RocketMQ: Add NameServer');
      await typeIntoQuickInput(page, '127.0.0.1', /Add NameServer \(1\/4\)/);
      await poll('validation message', 10_000, async () => /has no port/.test((await page.locator('.quick-input-widget .quick-input-message').textContent()) ?? ''));
      await page.screenshot({ path: join(shots, 'routes-add-connection.png') });
      await quickInput(page).fill(cluster.namesrv);
      await poll('no validation error', 10_000, async () => !/not|no port/.test((await page.locator('.quick-input-widget .quick-input-message').textContent()) ?? ''));
      await page.keyboard.press('Enter');
      await typeIntoQuickInput(page, 'local 5.3 cluster', /Add NameServer \(2\/4\)/);
      await page.keyboard.press('Enter');
      await typeIntoQuickInput(page, '', /Add NameServer \(3\/4\)/);
      await page.keyboard.press('Enter');
      await poll('production step', 10_000, async () => /4\/4/.test((await page.locator('.quick-input-widget .quick-input-title').textContent()) ?? ''));
      await page.keyboard.press('Enter');
      await poll('status bar item', 10_000, async () => (await page.locator('.statusbar-item', { hasText: 'local 5.3 cluster' }).count()) > 0);
    });

    await step('the sidebar shows the cluster, both brokers, the topic route with queues and offsets', async () => {
      await page.locator('.activitybar .action-item a[aria-label^="RocketMQ"]').first().click();
      await treeRow(page, 'local 5.3 cluster').waitFor({ timeout: 20_000 });
      await widenSideBar(page, 640);
      await expand(page, 'Clusters');
      await poll('both brokers', 20_000, async () => (await treeRow(page, 'broker-a').count()) > 0 && (await treeRow(page, 'broker-b').count()) > 0);
      await poll('broker version', 20_000, async () => /V5_3_3/.test((await page.locator('.pane-body').textContent()) ?? ''));
      await expand(page, 'Topics');
      await expand(page, topic);
      // the route's broker rows come after the topic row; expand the first route broker (broker-a under the topic)
      const routeBroker = page.locator('.pane-body .monaco-list-row', { hasText: 'read 4 / write 4' }).first();
      await routeBroker.waitFor({ timeout: 20_000 });
      await routeBroker.click();
      await poll('queue offsets', 20_000, async () => /queue 0.*min 0 · max \d+/.test((await page.locator('.pane-body').textContent()) ?? ''));
      const text = (await page.locator('.pane-body').textContent()) ?? '';
      check(text.includes('RW-'), 'perm shown');
      await page.mouse.move(5, 900);
      await page.screenshot({ path: join(shots, 'routes-sidebar.png') });
    });

    await step('Send Message: topic picker lists the connection\'s topics, the send lands and is reported', async () => {
      await runCommand(page, 'RocketMQ: Send Message');
      await poll('topic picker with OrderTopic', 20_000, async () => (await page.locator('.quick-input-list .monaco-list-row', { hasText: topic }).count()) > 0);
      await page.screenshot({ path: join(shots, 'send-topic.png') });
      await quickInput(page).fill(topic);
      await page.keyboard.press('Enter');
      await typeIntoQuickInput(page, 'created', /tag/);
      await page.keyboard.press('Enter');
      await typeIntoQuickInput(page, 'order-2001', /keys/);
      await page.keyboard.press('Enter');
      await poll('body step', 10_000, async () => /body/.test((await page.locator('.quick-input-widget .quick-input-title').textContent()) ?? ''));
      const typeRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Type the body' });
      if (await typeRow.count()) await typeRow.first().click();
      await typeIntoQuickInput(page, '{"orderId": 2001, "amount": 9.99}', /Message body|body/);
      await page.keyboard.press('Enter');
      await poll('send step', 10_000, async () => (await page.locator('.quick-input-list .monaco-list-row', { hasText: 'More options' }).count()) > 0);
      // the route dry-run under Send: where this send goes, once the route is looked up
      await poll('where it goes, under Send', 20_000, async () => (await page.locator('.quick-input-list .monaco-list-row', { hasText: /Goes to broker-[ab] queue \d \(127\.0\.0\.1:\d+\) · round-robin position \d of \d/ }).count()) > 0);
      await page.screenshot({ path: join(shots, 'send-confirm.png') });
      await page.keyboard.press('Enter');
      const toast = page.locator('.notification-toast', { hasText: 'SEND_OK' });
      await toast.first().waitFor({ timeout: 30_000 });
      await poll('the progress notification to close', 10_000, async () => (await page.locator('.notification-toast', { hasText: 'sending to' }).count()) === 0);
      await poll('the result notification to finish fading in', 5000, async () => (await toast.first().evaluate((el) => Number((globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string } }).getComputedStyle(el).opacity))) === 1);
      check(/OrderTopic → broker-[ab] queue \d offset \d+ · msgId [0-9A-F]{32}/.test((await toast.first().textContent()) ?? ''), 'notification text');
      await page.screenshot({ path: join(shots, 'send-result.png') });
    });

    await step('Send Message remembers the last values per topic and "More options…" sets properties, delay, sharding key and repeat', async () => {
      await runCommand(page, 'RocketMQ: Send Message');
      await poll('topic picker', 20_000, async () => (await page.locator('.quick-input-list .monaco-list-row', { hasText: 'last used' }).count()) > 0);
      await quickInput(page).fill(topic);
      await page.keyboard.press('Enter');
      await poll('tag step with the remembered tag', 10_000, async () => /tag/.test((await page.locator('.quick-input-widget .quick-input-title').textContent()) ?? '') && (await quickInput(page).inputValue()) === 'created');
      await page.keyboard.press('Enter');
      await poll('keys step with the remembered keys', 10_000, async () => /keys/.test((await page.locator('.quick-input-widget .quick-input-title').textContent()) ?? '') && (await quickInput(page).inputValue()) === 'order-2001');
      await page.keyboard.press('Enter');
      await poll('body step', 10_000, async () => /body/.test((await page.locator('.quick-input-widget .quick-input-title').textContent()) ?? ''));
      const typeRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Type the body' });
      if (await typeRow.count()) await typeRow.first().click();
      await poll('the remembered body', 10_000, async () => (await quickInput(page).inputValue()) === '{"orderId": 2001, "amount": 9.99}');
      await page.keyboard.press('Enter');
      const more = page.locator('.quick-input-list .monaco-list-row', { hasText: 'More options' });
      await more.first().waitFor({ timeout: 10_000 });
      await more.first().click();
      await typeIntoQuickInput(page, 'region=eu;source=ui', /properties/);
      await page.keyboard.press('Enter');
      await typeIntoQuickInput(page, 'Level 2', /delay/);
      await poll('Level 2 on top', 10_000, async () => /Level 2/.test((await page.locator('.quick-input-list .monaco-list-row.focused').first().textContent()) ?? ''));
      await page.keyboard.press('Enter');
      await typeIntoQuickInput(page, 'sharding', /queue/);
      await page.keyboard.press('Enter');
      await typeIntoQuickInput(page, 'order-7', /sharding key/);
      await page.keyboard.press('Enter');
      await typeIntoQuickInput(page, 'sync', /mode/);
      await page.keyboard.press('Enter');
      await typeIntoQuickInput(page, '3', /repeat/);
      await page.keyboard.press('Enter');
      const sendRow = page.locator('.quick-input-list .monaco-list-row', { hasText: '3 × message to OrderTopic' });
      await sendRow.first().waitFor({ timeout: 10_000 });
      const summary = (await sendRow.first().textContent()) ?? '';
      check(/tag created, keys order-2001, delay level 2, sharding key order-7, sync/.test(summary), `summary: ${summary}`);
      await page.screenshot({ path: join(shots, 'send-more-options.png') });
      await sendRow.first().click();
      const toast = page.locator('.notification-toast', { hasText: '3 sent (SEND_OK), 0 failed to OrderTopic across 1 queue' });
      await toast.first().waitFor({ timeout: 30_000 });
      await page.keyboard.press('Escape');
    });

    await step('a request file shows highlighting, a Send / Send ×10 CodeLens per block, and diagnostics', async () => {
      await page.keyboard.press('Escape');
      await quickOpen(page, 'orders.rocketmq');
      await poll('CodeLens', 20_000, async () => (await page.locator('.codelens-decoration', { hasText: 'Send ×10' }).count()) >= 3);
      // a mistake to show a diagnostic: type a bad mode on line 16
      const lenses = await page.locator('.codelens-decoration').allTextContents();
      check(lenses.some((l) => /Send ×3/.test(l)), `lenses ${lenses.join(' | ')}`);
      await page.keyboard.press('Control+G');
      await page.keyboard.type('17');
      await page.keyboard.press('Enter');
      await page.keyboard.press('End');
      await page.keyboard.type('x');
      await poll('diagnostic squiggle', 10_000, async () => (await page.locator('.squiggly-error').count()) > 0);
      await poll('the error CodeLens', 10_000, async () => (await page.locator('.codelens-decoration', { hasText: '1 problem' }).count()) > 0);
      await poll('syntax colouring', 10_000, async () => (await page.locator('.view-line span[class*="mtk"]').evaluateAll((els) => new Set(els.map((e) => (e as unknown as { className: string }).className)).size)) > 2);
      await page.screenshot({ path: join(shots, 'request-file.png') });
      await page.keyboard.press('Control+Z');
    });

    await step('a request block\'s "Where it goes" CodeLens runs the route dry-run; the ### line\'s hover shows the prediction', async () => {
      const lens = page.locator('.codelens-decoration a', { hasText: 'Where it goes' }).first();
      await poll('the dry-run CodeLens', 10_000, async () => (await lens.count()) > 0);
      await lens.click();
      await poll('the lens names the queue', 20_000, async () => (await page.locator('.codelens-decoration a', { hasText: /→ broker-[ab]:\d/ }).count()) > 0);
      // hover the text of the block's ### line (past the end of a line Monaco shows no hover)
      const box = await page.locator('.view-line', { hasText: '### New order' }).first().locator('span span').first().boundingBox();
      check(!!box, 'the ### line is on screen');
      await page.mouse.move(box!.x + 8, box!.y + box!.height / 2);
      await page.mouse.move(box!.x + 12, box!.y + box!.height / 2);
      await poll('the prediction in the hover', 10_000, async () => /Where it goes[\s\S]*Writable queues \(8\)[\s\S]*Would be sent to broker-[ab] queue \d/.test((await page.locator('.monaco-hover').allTextContents().catch(() => [])).join('\n')));
      await page.screenshot({ path: join(shots, 'request-file-dry-run.png') });
      await page.mouse.move(0, 0);
    });

    await step('clicking "Send" on a request-file block sends it', async () => {
      const sendLens = page.locator('.codelens-decoration a', { hasText: 'Send' }).filter({ hasNotText: '×' });
      await poll('CodeLens back', 10_000, async () => (await sendLens.count()) > 0);
      const send = sendLens.first();
      await send.click();
      await page.locator('.notification-toast', { hasText: 'SEND_OK' }).first().waitFor({ timeout: 30_000 });
    });

    await step('a long repeated send shows cancellable progress; Cancel stops it and the result says so', async () => {
      await quickOpen(page, 'bulk.rocketmq');
      const lens = page.locator('.codelens-decoration a', { hasText: 'Send ×20000' }).first();
      await lens.waitFor({ timeout: 20_000 });
      await lens.click();
      const progress = page.locator('.notification-toast', { hasText: 'sending to OrderTopic' });
      await poll('progress with a count', 20_000, async () => Number(/(\d+) of 20000/.exec((await progress.first().textContent()) ?? '')?.[1] ?? 0) >= 20);
      await poll('the progress notification to finish sliding in', 5000, async () => (await progress.first().evaluate((el) => Number((globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string } }).getComputedStyle(el).opacity))) === 1);
      await page.screenshot({ path: join(shots, 'send-progress.png') });
      await progress.first().hover();
      await progress.first().locator('.monaco-button', { hasText: 'Cancel' }).first().click();
      const result = page.locator('.notification-toast', { hasText: 'cancelled' });
      await result.first().waitFor({ timeout: 30_000 });
      const t = (await result.first().textContent()) ?? '';
      const m = /(\d+) sent \(SEND_OK\), 0 failed — cancelled/.exec(t);
      check(m && Number(m[1]) > 0 && Number(m[1]) < 20000, `result: ${t}`);
      await page.keyboard.press('Escape');
    });

    await step('a production profile asks for confirmation before sending, and the status bar warns', async () => {
      await runCommand(page, 'RocketMQ: Edit Connection');
      await poll('connection picker', 10_000, async () => (await page.locator('.quick-input-list .monaco-list-row', { hasText: 'local 5.3 cluster' }).count()) > 0);
      await page.keyboard.press('Enter');
      await poll('field picker', 10_000, async () => (await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Production' }).count()) > 0);
      await quickInput(page).fill('Production');
      await page.keyboard.press('Enter');
      await poll('yes/no', 10_000, async () => (await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Yes' }).count()) > 0);
      await quickInput(page).fill('Yes');
      await page.keyboard.press('Enter');
      await poll('the status bar item in warning colours', 10_000, async () => (await page.locator('.statusbar-item.warning-kind', { hasText: 'local 5.3 cluster' }).count()) > 0);
      await poll('orders.rocketmq as the active editor', 10_000, async () => {
        await page.locator('.tabs-container .tab', { hasText: 'orders.rocketmq' }).first().click();
        return (await page.locator('.tabs-container .tab.active', { hasText: 'orders.rocketmq' }).count()) > 0;
      });
      const sendLens = page.locator('.codelens-decoration a', { hasText: 'Send' }).filter({ hasNotText: '×' });
      await sendLens.first().click();
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 10_000 });
      const text = (await dialog.textContent()) ?? '';
      check(/marked as production\. Send message to OrderTopic/.test(text), `dialog: ${text}`);
      await page.screenshot({ path: join(shots, 'send-production-confirm.png') });
      await dialog.locator('a.monaco-button', { hasText: 'Send' }).first().click();
      await poll('a SEND_OK after confirming', 30_000, async () => (await page.locator('.notification-toast', { hasText: 'SEND_OK' }).count()) > 0);
    });
  } finally {
    await wb.close();
    await cluster.stop();
  }
  const { passed, failed } = steps.counts();
  console.log(`${passed} passed, ${failed} failed`);
  return steps.finish();
}

if (require.main === module) {
  // The cluster harness's admin JVM unrefs its child between calls; without a handle of our own the
  // process can run out of work while a createTopic is still pending and exit 0 silently.
  const keepAlive = setInterval(() => undefined, 1000);
  main().then((c) => { clearInterval(keepAlive); process.exit(c); }, (e) => { console.error(e); process.exit(1); });
}
