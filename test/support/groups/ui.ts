/**
 * Browser checks and screenshots of the Consumer Groups in the Topic Routes view: the real workbench
 * (code-server) in headless Chromium, driven with playwright, against a real RocketMQ 5.3 cluster with real
 * Java consumers (test/support/groups/scenario.ts). The group list with lag and clients, a group whose
 * clients subscribe differently (diagnosis, clients, subscriptions, queue holders), dead letters resent to
 * their topic, and Reset Consumer Offset… with its per-queue preview, on a normal and on a production
 * connection (Cancel there changes nothing, checked with Java's admin).
 *
 *   node out/test/support/groups/ui.js
 *
 * Screenshots: groups-tree.png, groups-dead-letters.png, groups-reset-preview.png, groups-reset-production.png
 * (test-results/screenshots, or media/screenshots with RMQ_UPDATE_SCREENSHOTS=1). Prints "N passed, M failed"
 * and writes {passed, failed} to RMQ_TEST_RESULT_FILE when set.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../vscode/code-server';
import { openWorkbench } from '../inspector/workbench';
import { runCommand as runPaletteCommand } from '../vscode/quick-open';
import { poll } from '../inspector/ui';
import { attachFromEnv, startCluster, RunningCluster } from '../cluster';
import { startGroupScenario, GroupScenario } from './scenario';
import { screenshotDir } from '../screenshots';
import { Steps } from '../vscode/steps';
import { MQClient } from '../../../src/core/producer';
import { mastersOf, summarizeGroup } from '../../../src/core/consumer/group-inspection';

let currentPage: Page | undefined;
const steps = new Steps(async (n) => {
  const dir = join(repoRoot, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const shot = join(dir, `groups-failed-${n}.png`);
  await currentPage?.screenshot({ path: shot });
  console.log(`    (screenshot of the failure: ${shot})`);
});
const step = steps.step.bind(steps);
function check(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

const LOCAL = 'local 5.3 cluster';
const PROD = 'prod 5.3 cluster';
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Rows of the Topic Routes tree with this label, in order. */
function treeRows(page: Page, label: string) {
  return page.locator('.pane-body .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${esc(label)}$`) }) });
}

async function expandRow(page: Page, row: ReturnType<Page['locator']>, what: string): Promise<void> {
  await row.waitFor({ timeout: 30_000 });
  // The tree re-renders when a background group inspection lands, and a click during that can be lost:
  // click again (only while still collapsed) until the row says it is expanded.
  await poll(`${what} expanded`, 30_000, async () => {
    if ((await row.getAttribute('aria-expanded')) === 'true') return true;
    await row.click();
    return poll(`${what} expanding`, 3000, async () => (await row.getAttribute('aria-expanded')) === 'true').then(() => true, () => false);
  });
}

const paneText = async (page: Page) => (await page.locator('.pane-body').textContent()) ?? '';

/** Right-click a row and choose a context-menu entry. */
async function contextMenu(page: Page, row: ReturnType<Page['locator']>, entry: string): Promise<void> {
  await poll(`context menu entry "${entry}"`, 20_000, async () => {
    await page.keyboard.press('Escape');
    await row.click({ button: 'right' });
    const item = page.locator('.monaco-menu .action-menu-item', { hasText: entry }).first();
    await item.waitFor({ timeout: 5000 });
    await item.hover();
    await item.click();
    // The menu closes when the entry ran.
    await page.locator('.monaco-menu').first().waitFor({ state: 'hidden', timeout: 3000 });
    return true;
  });
}

/** Waits until an element has faded in completely (notifications and hovers animate their opacity). */
async function opaque(loc: ReturnType<Page['locator']>, what: string): Promise<void> {
  await poll(`${what} fully shown`, 5000, async () => (await loc.evaluate((el) => Number((globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string } }).getComputedStyle(el).opacity))) === 1);
}

async function typeIntoQuickInput(page: Page, text: string, expectTitle: RegExp): Promise<void> {
  const q = page.locator('.quick-input-widget input');
  await poll(`quick input ${expectTitle}`, 10_000, async () => (await q.isVisible())
    && expectTitle.test(`${(await page.locator('.quick-input-widget .quick-input-title').textContent()) ?? ''} ${(await q.getAttribute('placeholder')) ?? ''}`));
  await q.fill(text);
}

async function runCommand(page: Page, title: string, input?: string): Promise<void> {
  await runPaletteCommand(page, title);
  if (input !== undefined) {
    const q = page.locator('.quick-input-widget input');
    await poll('the input box', 10_000, async () => (await q.isVisible()) && (await q.inputValue()) !== `>${title}`);
    await q.fill(input);
    await page.keyboard.press('Enter');
  }
}

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

/** The row of a group under one connection's Consumer Groups (the nth connection's, by order in the tree). */
function groupRow(page: Page, group: string, nth: number) {
  return treeRows(page, group).nth(nth);
}

/** Picks "Earliest" / "Latest" in the reset's target step and returns the preview dialog. */
async function resetDialog(page: Page, target: 'Earliest' | 'Latest') {
  await poll('the reset target step', 20_000, async () => /to where\?/.test((await page.locator('.quick-input-widget .quick-input-title').textContent().catch(() => '')) ?? '')
    && await page.locator('.quick-input-widget').isVisible());
  const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: target }).first();
  await pick.waitFor({ timeout: 20_000 });
  await pick.click();
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 30_000 });
  return dialog;
}

async function main(): Promise<number> {
  const shots = screenshotDir();
  if (!process.env.RMQ_CLUSTER_53_NAMESRV && process.env.RMQ_TEST_NAMESRV) process.env.RMQ_CLUSTER_53_NAMESRV = process.env.RMQ_TEST_NAMESRV;
  console.log('[groups-ui] getting the RocketMQ 5.3 cluster');
  const cluster: RunningCluster = (await attachFromEnv('5.3')) ?? await startCluster({ version: '5.3', log: (l) => console.log(`[cluster] ${l}`) });
  let s: GroupScenario | undefined;
  const client = new MQClient({ namesrvAddr: cluster.namesrv });
  let wb: Awaited<ReturnType<typeof openWorkbench>> | undefined;
  try {
    s = await startGroupScenario(cluster, { groups: ['incons', 'idle', 'fail', 'none'], log: (l) => console.log(`[groups-ui] ${l}`) });
    const sc = s;
    const masters = mastersOf(await client.getClusterInfo()).masters;
    // The dead letters first (retries come after 10 s): the tree then shows the settled state.
    await poll('3 dead letters of the failing group', 120_000, async () => (await summarizeGroup(client, sc.groups.fail, masters)).dlq.messages === 3);
    const consumerOffsets = async () => (await cluster.javaAdmin().consumeStats(sc.groups.none)).queues.filter((q) => q.mq.topic === sc.topics.main).map((q) => q.consumerOffset);

    const folder = mkdtempSync('/tmp/rmqg-ui-');
    wb = await openWorkbench({ folder, viewport: { width: 1500, height: 1000 }, echoLogs: false });
    const page = wb.page;
    currentPage = page;
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });

    await step('two connections to the cluster, one marked as production (Add NameServer…)', async () => {
      for (const [name, production] of [[LOCAL, false], [PROD, true]] as const) {
        await runCommand(page, 'RocketMQ: Add NameServer');
        await typeIntoQuickInput(page, cluster.namesrv, /Add NameServer \(1\/4\)/);
        await page.keyboard.press('Enter');
        await typeIntoQuickInput(page, name, /Add NameServer \(2\/4\)/);
        await page.keyboard.press('Enter');
        await typeIntoQuickInput(page, '', /Add NameServer \(3\/4\)/);
        await page.keyboard.press('Enter');
        await poll('production step', 10_000, async () => /4\/4/.test((await page.locator('.quick-input-widget .quick-input-title').textContent()) ?? ''));
        if (production) await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Production' }).filter({ hasNotText: 'Not production' }).first().click();
        else await page.keyboard.press('Enter');
        await poll(`connection ${name} in the tree`, 20_000, async () => {
          await page.locator('.activitybar .action-item a[aria-label^="RocketMQ"]').first().click().catch(() => undefined);
          return (await treeRows(page, name).count()) > 0;
        });
      }
    });

    await step('Consumer Groups under the connection: each group with its lag and online clients, system groups hidden', async () => {
      await treeRows(page, LOCAL).first().waitFor({ timeout: 30_000 });
      await widenSideBar(page, 820);
      // Only this run's groups (the filter of the Topic Routes view filters groups too).
      await runCommand(page, 'RocketMQ: Filter Topics…', sc.tag);
      await expandRow(page, treeRows(page, 'Consumer Groups').first(), 'Consumer Groups');
      await poll('the scenario groups with lag and clients', 60_000, async () => {
        const t = await paneText(page);
        return t.includes(sc.groups.incons) && /lag \d+ · 2 clients/.test(t) && /lag \d+ · 3 clients/.test(t) && /lag \d+ · 0 clients/.test(t);
      });
      check(!(await paneText(page)).includes('TOOLS_CONSUMER'), 'a system group is shown');
    });

    await step('a group whose clients subscribe differently: the diagnosis, its clients, both subscriptions and who holds each queue', async () => {
      await expandRow(page, groupRow(page, sc.groups.incons, 0), sc.groups.incons);
      await poll('the diagnosis row', 60_000, async () => /Clients subscribe differently/.test(await paneText(page)));
      await expandRow(page, treeRows(page, 'Clients').first(), 'Clients');
      await expandRow(page, treeRows(page, 'Subscriptions').first(), 'Subscriptions');
      // The topic's node (its label is also the subscription row's): the one with lag and queues.
      await expandRow(page, treeRows(page, sc.topics.main).filter({ hasText: /lag \d+ · \d+ queues/ }).first(), sc.topics.main);
      await poll('subscriptions and queue holders', 30_000, async () => {
        const t = await paneText(page);
        return /A · TAG\s+≠\s+B · TAG/.test(t) && /broker-a:0/.test(t) && t.includes(sc.clientIds.get('c1')!) && /JAVA V5_3_3 · push · clustering/.test(t);
      });
      await expandRow(page, groupRow(page, sc.groups.idle, 0), sc.groups.idle);
      await poll('the idle-clients diagnosis', 60_000, async () => /3 clients for 2 queues of GrpFew_/.test(await paneText(page)));
      // The diagnosis' tooltip explains what it causes.
      await treeRows(page, 'Consumer Groups').first().hover();
      const diag = page.locator('.pane-body .monaco-list-row', { hasText: 'Clients subscribe differently' }).first();
      await diag.hover();
      const hover = page.locator('.monaco-hover, .workbench-hover', { hasText: 'never consumed' }).first();
      await poll('the diagnosis tooltip', 15_000, async () => (await hover.count()) > 0);
      await opaque(hover, 'the tooltip');
      await page.screenshot({ path: join(shots, 'groups-tree.png') });
      await page.mouse.move(5, 990);
    });

    await step('dead letters: listed with their original topic, one resent to it', async () => {
      // Collapse the first group to make room.
      await groupRow(page, sc.groups.incons, 0).click();
      await groupRow(page, sc.groups.idle, 0).click();
      await expandRow(page, groupRow(page, sc.groups.fail, 0), sc.groups.fail);
      await poll('the dead-letter diagnosis', 60_000, async () => /3 messages in the dead-letter topic/.test(await paneText(page)));
      const dlq = treeRows(page, 'Dead Letters').first();
      await expandRow(page, dlq, 'Dead Letters');
      await poll('3 dead letters from the failing topic', 30_000, async () => ((await paneText(page)).match(new RegExp(`from ${esc(sc.topics.fail)}`, 'g')) ?? []).length >= 3);
      const msg = page.locator('.pane-body .monaco-list-row', { hasText: `from ${sc.topics.fail}` }).first();
      await contextMenu(page, msg, 'Resend to Original Topic');
      const toast = page.locator('.notification-toast', { hasText: `SEND_OK: ${sc.topics.fail} →` });
      await toast.first().waitFor({ timeout: 30_000 });
      await poll('the progress notification to close', 10_000, async () => (await page.locator('.notification-toast', { hasText: 'sending to' }).count()) === 0);
      await opaque(toast.first(), 'the notification');
      await page.screenshot({ path: join(shots, 'groups-dead-letters.png') });
      await page.keyboard.press('Escape');
    });

    await step('Reset Consumer Offset…: per-queue preview, confirmation, the offsets move (Java\'s admin)', async () => {
      const before = await consumerOffsets();
      check(before.length === 4 && before.every((o) => o === 5), `G_none offsets before: ${before}`);
      await groupRow(page, sc.groups.fail, 0).click();
      await contextMenu(page, groupRow(page, sc.groups.none, 0), 'Reset Consumer Offset…');
      const dialog = await resetDialog(page, 'Earliest');
      const text = (await dialog.textContent()) ?? '';
      check(new RegExp(`Reset ${esc(sc.groups.none)} on ${esc(sc.topics.main)} to the earliest retained message: 4 queues, 20 messages consumed again`).test(text), `dialog: ${text}`);
      check(/broker-a:0\s+5 → 0\s+\(5 messages consumed again; queue holds 0…5\)/.test(text), `per-queue preview: ${text}`);
      await page.screenshot({ path: join(shots, 'groups-reset-preview.png') });
      await dialog.locator('a.monaco-button', { hasText: 'Reset Offsets' }).first().click();
      await page.locator('.notification-toast', { hasText: 'queues set by the brokers' }).first().waitFor({ timeout: 30_000 });
      await poll('Java sees the offsets at 0', 30_000, async () => (await consumerOffsets()).every((o) => o === 0));
      await page.keyboard.press('Escape');
    });

    await step('on a production connection the reset asks a second time; Cancel there changes nothing', async () => {
      // Collapse the first connection: the production connection's Consumer Groups is then the one on screen.
      const local = treeRows(page, LOCAL).first();
      if ((await local.getAttribute('aria-expanded')) === 'true') await local.click();
      await poll('the first connection collapsed', 10_000, async () => (await local.getAttribute('aria-expanded')) === 'false');
      await expandRow(page, treeRows(page, PROD).first(), PROD);
      await expandRow(page, treeRows(page, 'Consumer Groups').first(), 'the production connection\'s Consumer Groups');
      const row = groupRow(page, sc.groups.none, 0);
      await row.waitFor({ timeout: 30_000 });
      await contextMenu(page, row, 'Reset Consumer Offset…');
      let dialog = await resetDialog(page, 'Latest');
      await dialog.locator('a.monaco-button', { hasText: 'Reset Offsets' }).first().click();
      await poll('the production confirmation', 10_000, async () => /marked as production\. Reset the consumer offsets of/.test((await page.locator('.monaco-dialog-box').textContent().catch(() => '')) ?? ''));
      dialog = page.locator('.monaco-dialog-box');
      await page.screenshot({ path: join(shots, 'groups-reset-production.png') });
      await dialog.locator('a.monaco-button', { hasText: 'Cancel' }).first().click();
      await poll('the dialog closed', 10_000, async () => (await page.locator('.monaco-dialog-box').count()) === 0);
      const after = await consumerOffsets();
      check(after.every((o) => o === 0), `offsets moved although cancelled: ${after}`);
      await contextMenu(page, row, 'Reset Consumer Offset…');
      dialog = await resetDialog(page, 'Latest');
      await dialog.locator('a.monaco-button', { hasText: 'Reset Offsets' }).first().click();
      await poll('the production confirmation again', 10_000, async () => /marked as production/.test((await page.locator('.monaco-dialog-box').textContent().catch(() => '')) ?? ''));
      await page.locator('.monaco-dialog-box a.monaco-button', { hasText: 'Reset on Production' }).first().click();
      await poll('Java sees the offsets at the latest', 30_000, async () => (await consumerOffsets()).every((o) => o === 5));
    });
  } finally {
    await wb?.close();
    await s?.close();
    await client.close();
    await cluster.stop();
  }
  const { passed, failed } = steps.counts();
  console.log(`${passed} passed, ${failed} failed`);
  return steps.finish();
}

if (require.main === module) {
  // The cluster harness's admin JVM unrefs its child between calls: keep the process alive meanwhile.
  const keepAlive = setInterval(() => undefined, 1000);
  main().then((c) => { clearInterval(keepAlive); process.exit(c); }, (e) => { console.error(e); process.exit(1); });
}
