/**
 * Browser test of the inspector's timeline (webview/src/inspector/timeline.ts) in the real workbench
 * (code-server + headless Chromium, playwright): a minute of traffic with a broker-busy burst
 * (test/support/timeline/fixture.ts) shows bars, error and unanswered colours and latency lines with
 * a legend; a mouse drag over the burst filters the list to exactly the frames of that span (counted
 * from the fixture's own frame times) and marks it; the selected frame is marked; zoom shows the span
 * alone; a double-click and the clear button remove the span; the colours are the theme's and follow
 * a theme switch. Saves the README picture (inspector-timeline.png; media/screenshots/ with
 * RMQ_UPDATE_SCREENSHOTS=1).
 *
 *   node out/test/support/timeline/ui.js       (a phase of `node scripts/test.mjs ui`)
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { openWorkbench } from '../inspector/workbench';
import { inspectorFrame, poll } from '../inspector/ui';
import { screenshotDir } from '../screenshots';
import { Steps } from '../vscode/steps';
import { quickOpen } from '../vscode/quick-open';
import { timelineDemoCapture } from './fixture';

const steps = new Steps();
const step = steps.step.bind(steps);

function check(cond: unknown, msg: string): void {
  if (!cond) throw new Error(msg);
}

/** The chart's plot area inside its box (PAD in timeline.ts). */
const PAD_LEFT = 46, PAD_RIGHT = 56, PAD_TOP = 8, PAD_BOTTOM = 18;

async function plotBox(f: Frame): Promise<{ x0: number; x1: number; y: number }> {
  const b = await f.locator('#timeline .tl-chart').boundingBox();
  if (!b) throw new Error('the timeline chart has no box');
  return { x0: b.x + PAD_LEFT, x1: b.x + b.width - PAD_RIGHT, y: b.y + PAD_TOP + (b.height - PAD_TOP - PAD_BOTTOM) / 2 };
}

/** Drags over the plot from fraction a to fraction b of its width, in small steps like a hand. */
async function drag(page: Page, f: Frame, a: number, b: number): Promise<void> {
  const p = await plotBox(f);
  const xa = p.x0 + (p.x1 - p.x0) * a, xb = p.x0 + (p.x1 - p.x0) * b;
  await page.mouse.move(xa, p.y);
  await page.mouse.down();
  await page.mouse.move(xb, p.y, { steps: 12 });
  await page.mouse.up();
}

const matchText = async (f: Frame) => (await f.locator('#match-count').textContent()) ?? '';
const dataset = (f: Frame) => f.evaluate(() => ({ ...(globalThis as unknown as { document: { getElementById(id: string): { dataset: Record<string, string> } } }).document.getElementById('timeline').dataset }));

async function main(): Promise<number> {
  const folder = mkdtempSync('/tmp/rmqt-ui-');
  const fx = timelineDemoCapture();
  writeFileSync(join(folder, 'timeline.pcapng'), fx.bytes);
  const all = fx.frameTimes.length;
  const allText = all.toLocaleString('en-US');
  const shots = screenshotDir();
  const wb = await openWorkbench({ folder, echoLogs: false, viewport: { width: 1600, height: 900 } });
  const page = wb.page;
  let f!: Frame;
  try {
    await step('the timeline shows frames, errors, unanswered requests and latency lines with a legend', async () => {
      await quickOpen(page, 'timeline.pcapng');
      f = await inspectorFrame(page, 'timeline.pcapng', 120_000); // the first open activates the extension
      await poll('indexing done', 30_000, async () => (await f.evaluate(() => (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body.dataset.indexed)) === 'done');
      const ds = await poll('the timeline drawn', 20_000, async () => { const d = await dataset(f); return d.total === String(all) ? d : undefined; });
      check(Number(ds.errors) === fx.errorFrames, `errors ${ds.errors}, the fixture has ${fx.errorFrames}`);
      check(Number(ds.unanswered) === fx.unanswered, `unanswered ${ds.unanswered}`);
      check(ds.series.startsWith('SEND_MESSAGE_V2,PULL_MESSAGE'), `series ${ds.series}`);
      for (const cls of ['tl-frames', 'tl-errors', 'tl-unanswered']) {
        const d = await f.locator(`#timeline path.tl-bar.${cls}`).getAttribute('d');
        check(d && d.length > 10, `${cls} bars are empty`);
      }
      const lines = await f.locator('#timeline path.tl-line.tl-p50').count();
      check(lines >= 2, `${lines} latency lines`);
      const legend = (await f.locator('#timeline .tl-legend').textContent()) ?? '';
      check(/Frames.*Errors.*Unanswered.*SEND_MESSAGE_V2.*PULL_MESSAGE.*latency: p50 ─ max ┄/.test(legend), `legend ${legend}`);
    });

    let fromSec = 0, toSec = 0, inSpan = 0;
    await step('dragging over the busy burst filters the list to exactly that span, and marks it', async () => {
      await drag(page, f, 0.48, 0.62);
      await poll('the list filtered', 15_000, async () => / of [\d,]+ frames match/.test(await matchText(f)));
      fromSec = Number(await f.locator('#f-from input').inputValue());
      toSec = Number(await f.locator('#f-to input').inputValue());
      check(fromSec > 25 && fromSec < 32 && toSec > 33 && toSec < 40, `span ${fromSec}–${toSec} s`);
      inSpan = fx.frameTimes.filter((t) => t >= fromSec * 1e6 && t <= toSec * 1e6).length;
      const want = `${inSpan.toLocaleString('en-US')} of ${allText} frames match`;
      await poll(`"${want}"`, 10_000, async () => (await matchText(f)).startsWith(want));
      const times = await poll('rows of the span', 10_000, async () => {
        const t = await f.locator('.list-layer .row:visible:not(.loading) .col-time').allTextContents();
        return t.length > 5 ? t.map(Number) : undefined;
      });
      check(times.every((t) => t >= fromSec && t <= toSec), `rows outside ${fromSec}–${toSec}: ${times.join(', ')}`);
      check(await f.locator('#timeline rect.tl-brush').count() === 1, 'the span is marked');
      check(await f.locator('#tl-clear').isVisible(), 'the clear button shows');
    });

    await step('the selected frame is marked on the timeline, inside the span', async () => {
      await f.locator('.list-layer .row:visible:not(.loading)').nth(3).click();
      await poll('the marker', 10_000, async () => (await f.locator('#timeline path.tl-marker').count()) === 1);
      const d = (await f.locator('#timeline path.tl-marker').getAttribute('d')) ?? '';
      const x = Number(/^M([\d.]+)/.exec(d)?.[1]);
      const bx = Number(await f.locator('#timeline rect.tl-brush').getAttribute('x'));
      const bw = Number(await f.locator('#timeline rect.tl-brush').getAttribute('width'));
      check(x >= bx - 1 && x <= bx + bw + 1, `marker at ${x}, span ${bx}–${bx + bw}`);
      // hover the burst for the tooltip in the picture
      const p = await plotBox(f);
      await page.mouse.move(p.x0 + (p.x1 - p.x0) * 0.55, p.y);
      await poll('the tooltip', 5000, async () => /frames.*errors/.test((await f.locator('#timeline .tl-tip').textContent()) ?? ''));
      await page.screenshot({ path: join(shots, 'inspector-timeline.png') });
    });

    await step('zoom to the span shows it alone in finer buckets; "Whole capture" goes back', async () => {
      const before = await dataset(f);
      await f.locator('#tl-zoom').click();
      const z = await poll('zoomed', 10_000, async () => { const d = await dataset(f); return d.total === String(inSpan) ? d : undefined; });
      check(z.buckets !== undefined, 'buckets');
      await f.locator('#tl-zoom-out').click();
      await poll('whole capture again', 10_000, async () => (await dataset(f)).total === before.total);
    });

    await step('a double-click removes the span: every frame listed again', async () => {
      const p = await plotBox(f);
      await page.mouse.dblclick(p.x0 + (p.x1 - p.x0) * 0.2, p.y);
      await poll('unfiltered', 10_000, async () => (await matchText(f)).startsWith(`${allText} frames`));
      check(await f.locator('#timeline rect.tl-brush').count() === 0, 'the span mark is gone');
      check((await f.locator('#f-from input').inputValue()) === '', 'From cleared');
    });

    await step('the clear button removes a span too, and keeps the other filters', async () => {
      await f.locator('#f-errors').click();
      await poll('errors only', 10_000, async () => (await matchText(f)).startsWith(`${fx.errorFrames.toLocaleString('en-US')} of`));
      await drag(page, f, 0.05, 0.3); // before the burst: no errors there
      await poll('no error frames in the span', 10_000, async () => (await matchText(f)).startsWith(`0 of ${allText}`));
      await f.locator('#tl-clear').click();
      await poll('errors only again', 10_000, async () => (await matchText(f)).startsWith(`${fx.errorFrames.toLocaleString('en-US')} of`));
      await f.locator('#clear-filter').click();
      await poll('unfiltered', 10_000, async () => (await matchText(f)).startsWith(`${allText} frames`));
    });

    await step('bars take the theme\'s chart colours and follow a theme switch', async () => {
      const colours = () => f.evaluate<{ bar: string; theme: string; light: boolean }>(`(() => {
        const bar = document.querySelector('#timeline path.tl-bar.tl-errors');
        const probe = document.createElementNS('http://www.w3.org/2000/svg', 'path');
        probe.style.fill = 'var(--vscode-charts-red)';
        document.querySelector('#timeline svg').appendChild(probe);
        const theme = getComputedStyle(probe).fill;
        probe.remove();
        return { bar: getComputedStyle(bar).fill, theme, light: document.body.classList.contains('vscode-light') };
      })()`);
      const first = await poll('error bars in the theme\'s red', 10_000, async () => { const c = await colours(); return c.bar === c.theme && c.bar !== 'rgb(0, 0, 0)' ? c : undefined; })
        .catch(async (e) => { throw new Error(`${(e as Error).message}: ${JSON.stringify(await colours())}`); });
      mkdirSync(join(folder, '.vscode'), { recursive: true });
      writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'workbench.colorTheme': first.light ? 'Default Dark Modern' : 'Default Light Modern' }));
      const second = await poll('the other theme\'s red', 30_000, async () => { const c = await colours(); return c.light !== first.light && c.bar === c.theme ? c : undefined; })
        .catch(async (e) => { throw new Error(`${(e as Error).message}: ${JSON.stringify(await colours())}`); });
      check(second.bar !== first.bar, `the bars changed colour (${first.bar} → ${second.bar})`);
    });
  } finally {
    await wb.close();
  }
  const { passed, failed } = steps.counts();
  console.log(`${passed} passed, ${failed} failed`);
  return steps.finish();
}

if (require.main === module) main().then((c) => process.exit(c), (e) => { console.error(e); process.exit(1); });
