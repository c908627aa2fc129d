/**
 * Browser test of capture → replay: the real workbench (code-server) in headless Chromium. Opens a
 * capture of sends in the inspector, selects rows with Ctrl-click, Shift-click and Ctrl+A (the toolbar
 * button names the count; a plain arrow key goes back to one row), opens the row context menu and runs
 * *Open as Request File*: an untitled `.rocketmq` editor opens with a block per send and a Send lens,
 * and the notice says how many rows were skipped. Screenshots for the README:
 * media/screenshots/replay-select.png (selection and menu), replay-request-file.png (the document).
 *
 *   node out/test/support/replay/ui.js
 *
 * Prints "N passed, M failed" and writes {passed, failed} to RMQ_TEST_RESULT_FILE when set.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { openWorkbench } from '../inspector/workbench';
import { inspectorFrame, poll } from '../inspector/ui';
import { screenshotDir } from '../screenshots';
import { Steps } from '../vscode/steps';
import { quickOpen } from '../vscode/quick-open';
import { replayCapture } from './fixtures';

const steps = new Steps();
const step = steps.step.bind(steps);

function check(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

async function main(): Promise<number> {
  const folder = mkdtempSync('/tmp/rmq-replay-ui-');
  writeFileSync(join(folder, 'orders.pcapng'), replayCapture('OrderTopic'));
  const shots = screenshotDir();
  const wb = await openWorkbench({ folder, echoLogs: false });
  const page = wb.page;
  let f!: Frame;
  const row = (frame: number) => f.locator(`.list-layer .row[data-frame="${frame}"]`);
  const chosen = () => f.locator('.list-layer .row.chosen').count();
  try {
    await step('the capture opens in the inspector', async () => {
      await quickOpen(page, 'orders.pcapng');
      f = await inspectorFrame(page, 'orders.pcapng', 90_000);
      await poll('indexing done', 20_000, async () => (await f.evaluate(() => (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body.dataset.indexed)) === 'done');
      await row(7).waitFor();
    });

    await step('Ctrl-click adds rows, Shift-click selects a range, an arrow key goes back to one row, Ctrl+A selects all', async () => {
      await row(0).click();
      await row(2).click({ modifiers: ['Control'] });
      await poll('two rows selected', 5000, async () => (await chosen()) === 1 && (await f.locator('#open-request-file').textContent())?.trim() === 'Open 2 as Request File');
      check((await row(2).getAttribute('class'))?.includes('selected'), 'the Ctrl-clicked row is the one the details show');
      await row(6).click({ modifiers: ['Shift'] });
      await poll('rows 2..6 selected', 5000, async () => (await chosen()) === 4 && (await f.locator('#open-request-file').textContent())?.trim() === 'Open 5 as Request File');
      await page.keyboard.press('ArrowDown');
      await poll('one row again', 5000, async () => (await chosen()) === 0 && (await f.locator('.list-layer .row.selected').getAttribute('data-frame')) === '7');
      await page.keyboard.press('Control+a');
      await poll('Ctrl+A selects the whole list', 5000, async () => (await chosen()) === 7 && (await f.locator('#open-request-file').textContent())?.trim() === 'Open 8 as Request File');
    });

    await step('right-click on a selected range shows "Open as Request File"; it opens a request document', async () => {
      await row(0).click();
      await row(7).click({ modifiers: ['Shift'] });
      await poll('all eight rows', 5000, async () => (await chosen()) === 7);
      await row(4).click({ button: 'right' });
      const item = f.locator('#menu-open-request-file');
      await poll('context menu', 5000, async () => (await item.isVisible()) && (await item.textContent()) === 'Open 8 Rows as Request File');
      await page.screenshot({ path: join(shots, 'replay-select.png') });
      await item.click();
      await poll('the notice', 15_000, async () => /^Opened 4 message\(s\) from 3 send\(s\) as a request file \(3 block\(s\), 1 body file\(s\)\); 5 selected row\(s\) skipped/.test((await f.locator('#notice').textContent()) ?? ''));
      const editor = page.locator('.editor-instance .monaco-editor .view-lines').first();
      await poll('the request document in an editor', 15_000, async () => {
        const t = (await editor.textContent().catch(() => '')) ?? '';
        return t.includes('topic:') && t.includes('OrderTopic') ? t : undefined;
      });
      await poll('Send lenses', 15_000, async () => (await page.locator('.monaco-editor .codelens-decoration', { hasText: 'Send' }).count()) >= 1);
      const tabs = await page.locator('.tabs-container .tab.active').allTextContents();
      check(tabs.some((t) => /Untitled/.test(t)) && tabs.some((t) => /orders\.pcapng/.test(t)), `an untitled document beside the inspector: ${tabs.join(' | ')}`);
      await page.screenshot({ path: join(shots, 'replay-request-file.png') });
    });
  } finally {
    await wb.close();
  }
  const { passed, failed } = steps.counts();
  console.log(`${passed} passed, ${failed} failed`);
  return steps.finish();
}

if (require.main === module) main().then((c) => process.exit(c), (e) => { console.error(e); process.exit(1); });
