/**
 * Browser tests of the capture inspector: the real workbench (code-server) in headless Chromium,
 * driven with playwright. Opens fixture captures through Quick Open (the custom editor is the
 * default for *.pcapng), clicks through list, filter, details, request↔response jump, keyboard,
 * sort and expert summary, takes screenshots into media/screenshots/, and proves that script/HTML
 * payloads inside a capture never run and show as literal text.
 *
 * Prints "N passed, M failed" and writes {passed, failed} to RMQ_TEST_RESULT_FILE when set.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { basicCapture, writeLargeCapture, xssCapture } from './fixtures';
import { fileSink } from '../../../src/core/capture/pcap-writer';
import { openWorkbench } from './workbench';
import { frameMarks, PreviewSnapshot, timelineInitScript } from './timeline';
import { screenshotDir } from '../screenshots';
import { doctorCapture } from '../doctor/crafted';
import { Steps } from '../vscode/steps';
import { pollUntil } from '../poll';
import { quickOpen } from '../vscode/quick-open';
import { signatureCheckStep, writeSignatureCapture } from './ui-signature';

/** The few DOM types used inside page.evaluate (the root tsconfig has no DOM lib). */
interface MiniEl { textContent: string | null; getAttribute(n: string): string | null }
interface MiniDoc { querySelector(s: string): MiniEl | null; querySelectorAll(s: string): ArrayLike<MiniEl>; body: { dataset: Record<string, string | undefined> } }
type MiniWin = { __xss?: unknown; parent: { __xss?: unknown }; document: MiniDoc };

const steps = new Steps();
const step = steps.step.bind(steps);

/** pollUntil, where null and false also mean "not yet" (locator counts and evaluate results). */
export function poll<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined | null | false>): Promise<T> {
  return pollUntil(what, timeoutMs, async () => {
    const v = await fn();
    return v === null || v === false ? undefined : v;
  }, 50);
}

function check(cond: unknown, msg: string): void {
  if (!cond) throw new Error(msg);
}

/** The inspector webview's inner document (VS Code nests it in two iframes). */
export async function inspectorFrame(page: Page, title: string, timeoutMs = 30_000): Promise<Frame> {
  return poll(`the inspector webview for ${title}`, timeoutMs, async () => {
    for (const f of page.frames()) {
      try {
        const t = await f.evaluate(() => (globalThis as unknown as MiniWin).document.querySelector('.app .title')?.textContent ?? null);
        if (t === title) return f;
      } catch { /* detached or cross-origin while loading */ }
    }
    return undefined;
  });
}

const text = (f: Frame, sel: string) => f.locator(sel).first().textContent();

async function matchCount(f: Frame): Promise<string> {
  return (await text(f, '#match-count')) ?? '';
}

async function waitMatch(f: Frame, re: RegExp): Promise<void> {
  await poll(`match count ${re}`, 10_000, async () => re.test(await matchCount(f)));
}

/** Texts of one column over the rendered rows, once exactly `n` real rows are on screen. */
async function columnTexts(f: Frame, col: string, n: number): Promise<string[]> {
  return poll(`${n} rows rendered`, 10_000, async () => {
    const rows = f.locator('.list-layer .row:visible');
    const loading = await f.locator('.list-layer .row.loading:visible').count();
    if (loading > 0 || (await rows.count()) !== n) return undefined;
    return f.locator(`.list-layer .row:visible .col-${col}`).allTextContents();
  });
}

async function rowByOpaque(f: Frame, opaque: number, response: boolean) {
  return poll(`row with opaque ${opaque}`, 10_000, async () => {
    const rows = f.locator('.list-layer .row:not(.loading)');
    const n = await rows.count();
    for (let k = 0; k < n; k++) {
      const r = rows.nth(k);
      if (!(await r.isVisible())) continue;
      const op = await r.locator('.col-opaque').textContent();
      const fl = await r.locator('.col-flag').textContent();
      if (op === String(opaque) && (fl === 'R') === response) return r;
    }
    return undefined;
  });
}

async function main(): Promise<number> {
  const folder = mkdtempSync('/tmp/rmqi-ui-');
  const basic = basicCapture();
  const xss = xssCapture();
  writeFileSync(join(folder, 'basic.pcapng'), basic.bytes);
  writeFileSync(join(folder, 'xss.pcapng'), xss.bytes);
  writeFileSync(join(folder, 'doctor.pcapng'), doctorCapture());
  writeSignatureCapture(folder);
  // Tall enough (≈ 380,000 rows × 22 px > 8 M px) that the list must scale scroll positions.
  const big = fileSink(join(folder, 'tall.pcapng'));
  const tall = writeLargeCapture(big.sink, 190_000, 16, 8);
  big.close();
  const shots = screenshotDir();
  // The timeline probe snapshots the host-rendered first screen of each inspector as parsed (the
  // XSS step checks it); it only observes.
  const wb = await openWorkbench({ folder, echoLogs: false, initScript: timelineInitScript });
  const page = wb.page;
  const dialogs: string[] = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  let f!: Frame;
  try {
    await step('opening a .pcapng shows the inspector with every frame', async () => {
      await quickOpen(page, 'basic.pcapng');
      f = await inspectorFrame(page, 'basic.pcapng', 90_000); // first open activates the extension: slow on a loaded machine
      await poll('indexing done', 20_000, async () => (await f.evaluate(() => (globalThis as unknown as MiniWin).document.body.dataset.indexed)) === 'done');
      await waitMatch(f, /^9 frames/);
      await f.locator('.list-layer .row[data-frame="0"]').waitFor();
      const code = await f.locator('.list-layer .row[data-frame="0"] .col-code').textContent();
      check(code === 'SEND_MESSAGE_V2', `first row code ${code}`);
      const conn = await f.locator('.list-layer .row[data-frame="0"] .col-conn').textContent();
      check(conn === '127.0.0.1:50001 → 127.0.0.1:10911', `connection ${conn}`);
      await page.screenshot({ path: join(shots, 'inspector-list.png') });
    });

    await step('clicking a row shows header, extFields with real names, properties, body and hex', async () => {
      const row = await rowByOpaque(f, 101, false);
      await row.click();
      await poll('details title', 10_000, async () => /Frame \d+: request 310 SEND_MESSAGE_V2/.test((await text(f, '.details-title')) ?? ''));
      const ths = await f.locator('.sec-ext th').allTextContents();
      check(ths.includes('producerGroup (a)') && ths.includes('topic (b)') && ths.includes('properties (i)'), `extFields names ${ths.join('|')}`);
      const props = await f.locator('.sec-props td.value').allTextContents();
      check(props.includes(basic.uniqKey), `properties ${props.join('|')}`);
      const body = await text(f, '#body-text');
      check(body?.includes('"orderId": 1') ?? false, `body ${body}`);
      // hovering a field highlights its bytes in the hex view
      await f.locator('.sec-ext tr.has-range', { hasText: 'topic (b)' }).hover();
      const hl = await f.locator('.hex-byte.hl').count();
      check(hl === '"b":"OrderTopic"'.length, `highlighted ${hl} bytes`);
      const label = await text(f, '.hex-field');
      check(label?.startsWith('topic: bytes') ?? false, `hex label ${label}`);
      await page.screenshot({ path: join(shots, 'inspector-details.png') });
    });

    await step('jump request → response and back', async () => {
      await f.locator('#jump-pair').click();
      await poll('response selected', 10_000, async () => /response 0 SUCCESS/.test((await text(f, '.details-title')) ?? ''));
      const sel = await f.locator('.list-layer .row.selected .col-flag').textContent();
      check(sel === 'R', 'selected row is the response');
      await f.locator('#jump-pair').click();
      await poll('request selected again', 10_000, async () => /request 310/.test((await text(f, '.details-title')) ?? ''));
    });

    await step('keyboard navigation moves the selection', async () => {
      const before = Number(await f.evaluate(() => (globalThis as unknown as MiniWin).document.body.dataset.selectedFrame));
      await f.locator('.list-viewport').focus();
      await page.keyboard.press('ArrowDown');
      await poll('selection moved down', 5000, async () => Number(await f.evaluate(() => (globalThis as unknown as MiniWin).document.body.dataset.selectedFrame)) !== before);
      await page.keyboard.press('Home');
      await poll('selection at the top', 5000, async () => (await f.locator('.list-layer .row.selected').getAttribute('data-pos')) === '0');
    });

    await step('filter bar: code, errors only, text; match count; clear', async () => {
      await f.locator('#f-code input').fill('SEND_MESSAGE_V2');
      await f.locator('#f-code input').press('Enter');
      await waitMatch(f, /^4 of 9 frames match/);
      const codes = await columnTexts(f, 'code', 4);
      check(codes.length === 4 && codes.every((c) => c.includes('SEND_MESSAGE_V2')), `codes ${codes.join('|')}`);
      await f.locator('#clear-filter').click();
      await waitMatch(f, /^9 frames/);
      await f.locator('#f-errors').click();
      await waitMatch(f, /^2 of 9 frames match/);
      const status = await columnTexts(f, 'status', 2);
      check(status.every((s) => s === 'TOPIC_NOT_EXIST'), `status ${status.join('|')}`);
      await f.locator('#f-errors').click();
      await f.locator('#f-text input').fill('heart');
      await f.locator('#f-text input').press('Enter');
      await waitMatch(f, /^2 of 9 frames match/);
      await f.locator('#clear-filter').click();
      await waitMatch(f, /^9 frames/);
    });

    await step('sort by latency (host-side) by clicking the column header', async () => {
      await f.locator('.list-header .col-latency').click();
      await f.locator('.list-header .col-latency').click(); // second click: descending
      await poll('sorted descending', 10_000, async () => (await f.locator('.list-header .col-latency').textContent())?.endsWith('▼'));
      await poll('rows in latency order', 10_000, async () => {
        const lat = await f.locator('.list-layer .row:not(.loading):visible .col-latency').allTextContents();
        const v = lat.filter(Boolean).map((s) => parseFloat(s));
        return v.length >= 4 && v.every((x, k) => k === 0 || v[k - 1] >= x);
      });
      await f.locator('.list-header .col-index').click();
    });

    await step('expert summary: items are clickable filters', async () => {
      await f.locator('#toggle-summary').click();
      const item = f.locator('.expert-link', { hasText: 'Unanswered requests: 1' });
      await item.waitFor({ timeout: 10_000 });
      check(await f.locator('.expert-link', { hasText: 'TOPIC_NOT_EXIST' }).count() === 1, 'error responses by code listed');
      check(await f.locator('table.latency tr', { hasText: 'SEND_MESSAGE_V2' }).count() === 1, 'latency table');
      await item.click();
      await waitMatch(f, /^1 of 9 frames match \(warning: unanswered\)/);
      const code = await columnTexts(f, 'code', 1);
      check(code.length === 1 && code[0] === 'GET_CONSUMER_LIST_BY_GROUP', `unanswered ${code.join('|')}`);
      await page.screenshot({ path: join(shots, 'inspector-summary.png') });
      await f.locator('#clear-filter').click();
      await waitMatch(f, /^9 frames/);
      await f.locator('#toggle-summary').click();
    });

    await step('the doctor in the expert summary: cause, facts, fix; "Show the evidence" filters the list to its frames', async () => {
      await quickOpen(page, 'doctor.pcapng');
      const d = await inspectorFrame(page, 'doctor.pcapng');
      await poll('indexing done', 20_000, async () => (await d.evaluate(() => (globalThis as unknown as MiniWin).document.body.dataset.indexed)) === 'done');
      await d.locator('#toggle-summary').click();
      await d.locator('.doctor-finding').first().waitFor({ timeout: 20_000 });
      const titles = await d.locator('.doctor-title').allTextContents();
      check(titles.some((t) => t.includes('Broker busy: [TIMEOUT_CLEAN_QUEUE]')) && titles.some((t) => t.includes('No route info of topic NoSuch')) && titles.some((t) => t.includes('Not RocketMQ remoting on 10.0.0.30:8081')), `findings ${titles.join(' | ')}`);
      const busy = d.locator('.doctor-finding[data-rule="broker-busy"]');
      check(/3 of 8 SEND_MESSAGE_V2 to 10\.0\.0\.10:10911 answered SYSTEM_BUSY \(37\.5%\)/.test((await busy.locator('.doctor-facts').textContent()) ?? ''), 'busy facts');
      await page.screenshot({ path: join(shots, 'inspector-doctor.png') });
      await busy.locator('.doctor-evidence').click();
      await waitMatch(d, /^6 of \d+ frames match \(evidence of broker-busy:timeout-clean-queue:10\.0\.0\.10:10911\)/);
      const status = (await columnTexts(d, 'status', 6)).filter(Boolean);
      check(status.length === 6 && status.every((x) => x === 'SYSTEM_BUSY'), `evidence rows ${status.join('|')}`);
      await d.locator('#clear-filter').click();
      await page.keyboard.press('Control+W');
      // basic.pcapng's editor is shown again: its webview was rebuilt (state restored from getState)
      f = await inspectorFrame(page, 'basic.pcapng');
      await waitMatch(f, /^9 frames/);
    });

    await step('frame diff: mark one send, diff another with it; the fields that differ are marked, the body diffed by line', async () => {
      await (await rowByOpaque(f, 101, false)).click();
      await poll('details of 101', 10_000, async () => /request 310 SEND_MESSAGE_V2/.test((await text(f, '.details-title')) ?? ''));
      await f.locator('#mark-diff').click();
      await (await rowByOpaque(f, 102, false)).click();
      await f.locator('#diff-marked').waitFor({ timeout: 10_000 });
      await f.locator('#diff-marked').click();
      await f.locator('#diff').waitFor({ timeout: 10_000 });
      const changed = await f.locator('#diff tr.diff-changed th').allTextContents();
      check(['serializeType', 'topic', 'UNIQ_KEY'].every((n) => changed.includes(n)) && !changed.includes('code'), `changed rows ${changed.join('|')}`);
      check(/Body \(text\): A 26 bytes, B 5 bytes/.test((await text(f, '#diff-body h3')) ?? ''), 'body header');
      await page.screenshot({ path: join(shots, 'inspector-diff.png') });
      await f.locator('#diff-back').click();
      await poll('back to the frame', 10_000, async () => /request 310 SEND_MESSAGE_V2/.test((await text(f, '.details-title')) ?? ''));
    });

    await step('Copy as… from the details pane: a Java snippet and an mqadmin command of a send, the toolbar says what was copied', async () => {
      const row = await rowByOpaque(f, 101, false);
      await row.click();
      await poll('send details', 10_000, async () => /SEND_MESSAGE_V2/.test((await text(f, '.details-title')) ?? ''));
      await f.locator('#copy-as').selectOption('java');
      await poll('the Java snippet copied', 10_000, async () => /copied as a Java snippet/.test((await text(f, '.notice')) ?? ''));
      await f.locator('#copy-as').selectOption('mqadmin');
      await poll('the mqadmin command copied', 10_000, async () => /copied as an mqadmin command/.test((await text(f, '.notice')) ?? ''));
      check((await f.locator('#copy-as').inputValue()) === '', 'the Copy as… menu returns to its title after a copy');
      await page.screenshot({ path: join(shots, 'inspector-copy-as.png') });
    });

    await step('ACL signature check: the SecretKey in a masked input box, saved and reused; mismatch explained, the culprit field marked; the doctor links to it', async () => {
      await signatureCheckStep(page, shots, inspectorFrame);
      f = await inspectorFrame(page, 'basic.pcapng');
      await waitMatch(f, /^9 frames/);
    });

    await step('frames of one connection, from the details pane', async () => {
      const row = await rowByOpaque(f, 201, false);
      await row.click();
      await poll('route details', 10_000, async () => /GET_ROUTEINFO_BY_TOPIC/.test((await text(f, '.details-title')) ?? ''));
      await f.locator('#filter-conn').click();
      await waitMatch(f, /^2 of 9 frames match/);
      // left filtered: the next steps switch tabs, and the state must survive (checked below)
    });

    await step('a list taller than the browser allows: End reaches the last frame, Home the first, the middle is the middle', async () => {
      await quickOpen(page, 'tall.pcapng');
      const t = await inspectorFrame(page, 'tall.pcapng');
      await poll('tall capture indexed', 120_000, async () => (await t.evaluate(() => (globalThis as unknown as MiniWin).document.body.dataset.indexed)) === 'done');
      const total = tall.frames;
      await waitMatch(t, new RegExp(`^${total.toLocaleString('en-US')} frames`));
      const viewport = t.locator('.list-viewport');
      await viewport.focus();
      await page.keyboard.press('End');
      await poll('last row selected and visible', 15_000, async () => {
        const sel = t.locator('.list-layer .row.selected:not(.loading)');
        if ((await sel.count()) !== 1) return false;
        const no = await sel.locator('.col-index').textContent();
        const vb = await viewport.boundingBox();
        const rb = await sel.boundingBox();
        return no === String(total - 1) && !!vb && !!rb && rb.y >= vb.y - 1 && rb.y + rb.height <= vb.y + vb.height + 1;
      });
      await page.keyboard.press('Home');
      await poll('first row selected', 15_000, async () => (await t.locator('.list-layer .row.selected:not(.loading) .col-index').textContent()) === '0');
      const mid = await t.evaluate(() => {
        const d = (globalThis as unknown as { document: { querySelector(s: string): { scrollTop: number; scrollHeight: number; clientHeight: number } } }).document;
        const vp = d.querySelector('.list-viewport');
        vp.scrollTop = (vp.scrollHeight - vp.clientHeight) / 2;
        return vp.scrollHeight;
      });
      check(mid <= 8_000_000 + 2000, `spacer capped (scrollHeight ${mid})`);
      await poll('middle rows loaded', 15_000, async () => {
        const first = await t.locator('.list-layer .row:visible:not(.loading) .col-index').first().textContent();
        return first !== null && Math.abs(Number(first) - total / 2) < 100;
      });
    });

    await step('hidden and shown again, the inspector restores filter and selection (getState, no retainContextWhenHidden)', async () => {
      await page.locator('.tabs-container .tab', { hasText: 'basic.pcapng' }).click();
      let g = await inspectorFrame(page, 'basic.pcapng');
      check(f.isDetached() && g !== f, 'the hidden webview was not re-created, so this step would prove nothing');
      // its first screen was re-rendered by the host when it was hidden: the filtered view's rows. The
      // document is looked up again each time: VS Code can replace the frame it first showed (a fresh-
      // machine run read a frame that never got its preview for 10 s).
      const pv: PreviewSnapshot = await poll('the first screen as parsed', 20_000, async () => {
        g = await inspectorFrame(page, 'basic.pcapng', 5000);
        return (await frameMarks(g)).preview;
      });
      check(pv.rows === 2, `the first screen shows ${pv.rows} rows, not the 2 of the filtered view`);
      await waitMatch(g, /^2 of 9 frames match/);
      const conn = await g.locator('#f-conn input').inputValue();
      check(/^\d+$/.test(conn), `connection field restored: ${conn}`);
      await poll('selection restored', 10_000, async () => /GET_ROUTEINFO_BY_TOPIC/.test((await text(g, '.details-title')) ?? ''));
      await g.locator('#clear-filter').click();
      await waitMatch(g, /^9 frames/);
    });

    await step('script and HTML payloads in a capture never run and show literally', async () => {
      await quickOpen(page, 'xss.pcapng');
      const x = await inspectorFrame(page, 'xss.pcapng');
      await poll('xss rows', 20_000, async () => (await x.locator('.list-layer .row[data-frame="0"] .col-topic').textContent()) === xss.payloads.topic);
      await x.locator('.list-layer .row[data-frame="0"]').click();
      await poll('xss details', 10_000, async () => (await x.locator('#body-text').count()) === 1);
      const remark = await x.locator('.sec-header tr', { hasText: 'remark' }).locator('td.value').textContent();
      check(remark === xss.payloads.remark, `remark shown as ${remark}`);
      check((await x.locator('#body-text').textContent()) === xss.payloads.body, 'body literal');
      const extKeys = await x.locator('.sec-ext th').allTextContents();
      check(extKeys.includes(xss.payloads.extKey), `ext key literal: ${extKeys.join('|')}`);
      const extVals = await x.locator('.sec-ext td.value').allTextContents();
      check(extVals.includes(xss.payloads.extValue), 'ext value literal');
      const props = await x.locator('.sec-props td.value').allTextContents();
      check(props.includes(xss.payloads.property), 'property literal');
      // hover everything that could carry an onmouseover payload
      await x.locator('.sec-ext tr').first().hover();
      await x.locator('.list-layer .row[data-frame="1"]').click();
      await poll('response details', 10_000, async () => /response/.test((await x.locator('.details-title').textContent()) ?? ''));
      const dom = await x.evaluate(() => {
        const w = globalThis as unknown as MiniWin;
        const d = w.document;
        let parentXss: unknown = null;
        try { parentXss = w.parent.__xss ?? null; } catch { parentXss = 'cross-origin'; }
        return {
          xss: w.__xss ?? null,
          parentXss,
          // VS Code injects its own acquireVsCodeApi script; ours is the one with a src. None may carry capture text.
          scripts: Array.from(d.querySelectorAll('script')).filter((x) => x.getAttribute('src')?.endsWith('inspector.js')).length,
          scriptsWithPayload: Array.from(d.querySelectorAll('script')).filter((x) => (x.textContent ?? '').includes('__xss')).length,
          injected: d.querySelectorAll('img, iframe, svg:not(#timeline svg.tl-chart), b, .app script').length, // our own chart is the timeline's svg
          csp: d.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
        };
      });
      check(dom.xss === null, `payload ran: __xss=${String(dom.xss)}`);
      check(dom.parentXss === null || dom.parentXss === 'cross-origin', 'payload ran in parent');
      check(dom.scripts === 1, `${dom.scripts} inspector script elements`);
      check(dom.scriptsWithPayload === 0, `${dom.scriptsWithPayload} script elements carry a payload`);
      check(dom.injected === 0, `${dom.injected} injected elements`);
      check(/default-src 'none'/.test(dom.csp) && /script-src 'nonce-[A-Za-z0-9]+'/.test(dom.csp) && !/unsafe/.test(dom.csp), `CSP ${dom.csp}`);
      const topXss = await page.evaluate(() => (globalThis as unknown as MiniWin).__xss ?? null);
      check(topXss === null, 'payload ran in the workbench');
      check(dialogs.length === 0, `dialogs: ${dialogs.join('|')}`);
      await page.screenshot({ path: join(shots, 'inspector-xss.png') });
    });

    await step('the host-rendered first screen shows capture text literally (payloads in the HTML the host sends)', async () => {
      // Hidden, the webview's HTML is re-rendered from the finished index; shown again, VS Code loads
      // that HTML, so its first screen holds both XSS rows whatever the timing of the first open.
      await page.locator('.tabs-container .tab', { hasText: 'basic.pcapng' }).click();
      await inspectorFrame(page, 'basic.pcapng');
      await page.locator('.tabs-container .tab', { hasText: 'xss.pcapng' }).click();
      const x = await inspectorFrame(page, 'xss.pcapng');
      const pv: PreviewSnapshot = await poll('the first screen as parsed', 10_000, async () => (await frameMarks(x)).preview);
      check(pv.rows === 2, `${pv.rows} rows in the first screen`);
      check(pv.topics.length === 2 && pv.topics.every((t) => t === xss.payloads.topic), `topics ${JSON.stringify(pv.topics)}`);
      check(pv.title === 'xss.pcapng', `title ${pv.title}`);
      const tags = pv.tags.filter((t) => !['div', 'span'].includes(t));
      check(tags.length === 0, `unexpected elements in the first screen: ${tags.join(', ')}`);
      const attrs = pv.attributes.filter((a) => !['id', 'class', 'role', 'data-frame', 'aria-busy', 'aria-label'].includes(a));
      check(attrs.length === 0, `unexpected attributes in the first screen: ${attrs.join(', ')}`);
      // then the live UI takes over, and nothing ran meanwhile
      await poll('the live list replacing the first screen', 10_000, async () => (await x.locator('#preview').count()) === 0 && (await x.locator('.list-layer .row[data-frame="0"]:not(.loading)').count()) === 1);
      check((await x.locator('.list-layer .row[data-frame="0"] .col-topic').textContent()) === xss.payloads.topic, 'live topic literal');
      const ran = await x.evaluate(() => (globalThis as unknown as MiniWin).__xss ?? null);
      check(ran === null, `payload ran: __xss=${String(ran)}`);
      check(dialogs.length === 0, `dialogs: ${dialogs.join('|')}`);
    });

    await step('the toolkit controls take the theme\'s colours, and follow a theme switch', async () => {
      await page.locator('.tabs-container .tab', { hasText: 'basic.pcapng' }).click();
      const b = await inspectorFrame(page, 'basic.pcapng');
      // a text field's box against the colour the theme gives inputs (resolved by the browser, so both are rgb())
      const colours = () => b.evaluate<{ field: string | null; theme: string; light: boolean }>(`(() => {
        const box = document.querySelector('vscode-text-field')?.shadowRoot?.querySelector('.root');
        const probe = document.createElement('div');
        probe.style.background = 'var(--vscode-input-background)';
        document.body.appendChild(probe);
        const theme = getComputedStyle(probe).backgroundColor;
        probe.remove();
        return { field: box ? getComputedStyle(box).backgroundColor : null, theme, light: document.body.classList.contains('vscode-light') };
      })()`);
      const first = await poll('the text field in the theme\'s input colour', 10_000, async () => { const c = await colours(); return c.field !== null && c.field === c.theme ? c : undefined; })
        .catch(async (e) => { throw new Error(`${(e as Error).message}: ${JSON.stringify(await colours())}`); });
      // then the other kind of theme (headless Chromium prefers light, so the workbench usually starts light)
      mkdirSync(join(folder, '.vscode'), { recursive: true });
      writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'workbench.colorTheme': first.light ? 'Default Dark Modern' : 'Default Light Modern' }));
      const second = await poll('the other theme in the webview, and the text field following it', 30_000, async () => {
        const c = await colours();
        return c.light !== first.light && c.field === c.theme && c.theme !== first.theme ? c : undefined;
      }).catch(async (e) => { throw new Error(`${(e as Error).message}: ${JSON.stringify(await colours())}`); });
      check(second.field !== first.field, `the field changed colour (${first.field} → ${second.field})`);
      await page.screenshot({ path: join(shots, 'inspector-theme-switched.png') });
    });
  } finally {
    await wb.close();
  }
  const { passed, failed } = steps.counts();
  console.log(`${passed} passed, ${failed} failed`);
  return steps.finish();
}

if (require.main === module) main().then((c) => process.exit(c), (e) => { console.error(e); process.exit(1); });
