/**
 * Browser checks and screenshots of the message view: the real workbench (code-server) in headless
 * Chromium, driven with playwright, against a real RocketMQ 5.3 cluster (RMQ_CLUSTER_53_*, else started
 * here). Find Message by key from the palette, the list, a message's detail (JSON, compressed, binary),
 * Send Again through the quick pick, a trace written by Java's trace-enabled producer and consumer, and a
 * message whose properties and body are HTML/script payloads shown literally with nothing run.
 *
 *   node out/test/support/messages/ui.js
 *
 * Screenshots: messages-list.png, messages-detail.png, messages-trace.png, messages-xss.png (in
 * test-results/screenshots, or media/screenshots with RMQ_UPDATE_SCREENSHOTS=1).
 */
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { repoRoot } from '../vscode/code-server';
import { buildPrivateExtension } from '../inspector/workbench';
import { launchChromium } from '../vscode/browser';
import { ensureCodeServer, ensureSystemPackages, log, remoteAuthority, startCodeServer, workbenchUrl } from '../vscode/code-server';
import { runCommand } from '../vscode/quick-open';
import { poll } from '../inspector/ui';
import { attachFromEnv, startCluster, RunningCluster } from '../cluster';
import { Producer } from '../../../src/core/producer';
import { Message } from '../../../src/core/message';
import { screenshotDir } from '../screenshots';
import { Steps } from '../vscode/steps';
import { MessageRef } from './message-ref';

let currentPage: Page | undefined;
const steps = new Steps(async (n) => {
  const dir = join(repoRoot, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const shot = join(dir, `messages-failed-${n}.png`);
  await currentPage?.screenshot({ path: shot });
  console.log(`    (screenshot of the failure: ${shot})`);
});
const step = steps.step.bind(steps);
function check(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

const XSS = {
  tag: '<img src=x onerror="window.parent.__xss=1">',
  key: 'xss-key',
  prop: '</script><script>window.parent.__xss=2</script>',
  body: '<svg onload="window.parent.__xss=3"></svg><iframe srcdoc="<script>parent.parent.__xss=4</script>"></iframe><b>bold?</b>',
};

const quickInput = (page: Page) => page.locator('.quick-input-widget input');

/** Waits for a quick input whose title, placeholder or prompt matches, then picks the row with `row` or types `text`. */
async function answer(page: Page, expect: RegExp, a: { row?: string; text?: string }): Promise<void> {
  await poll(`quick input ${expect}`, 20_000, async () => {
    if (!(await quickInput(page).isVisible())) return false;
    const t = (await page.locator('.quick-input-widget .quick-input-title').textContent()) ?? '';
    const p = (await quickInput(page).getAttribute('placeholder')) ?? '';
    const m = (await page.locator('.quick-input-widget .quick-input-message').textContent()) ?? '';
    return expect.test(`${t} ${p} ${m}`);
  });
  if (a.row) {
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: a.row }).first();
    await row.waitFor({ timeout: 20_000 });
    await row.click();
  } else {
    await quickInput(page).fill(a.text ?? '');
    await page.keyboard.press('Enter');
  }
}

/** The message view's inner document (VS Code nests a webview in two iframes). */
async function messagesFrame(page: Page, ready: (f: Frame) => Promise<boolean>, what: string): Promise<Frame> {
  return poll(`the Messages webview ${what}`, 30_000, async () => {
    for (const f of page.frames()) {
      try {
        if ((await f.locator('main#app[data-view="messages"]').count()) > 0 && await ready(f)) return f;
      } catch { /* detached while looking */ }
    }
    return undefined;
  });
}

async function findByKey(page: Page, topic: string, key: string): Promise<Frame> {
  await runCommand(page, 'RocketMQ: Find Message');
  await answer(page, /Find Message/, { row: 'By key' });
  await answer(page, /topic/i, { text: topic });
  await answer(page, /Key in/, { text: key });
  return messagesFrame(page, async (f) => ((await f.locator('#headline').textContent()) ?? '').includes(`key "${key}"`), `listing key ${key}`);
}

async function openWorkbench(folder: string, settings: Record<string, unknown>): Promise<{ page: Page; close(): Promise<void> }> {
  const tmp = mkdtempSync('/tmp/rmqm-');
  process.env.TMPDIR = tmp;
  await ensureSystemPackages();
  const entry = ensureCodeServer();
  const ext = buildPrivateExtension(tmp);
  cpSync(join(repoRoot, 'syntaxes'), join(ext, 'syntaxes'), { recursive: true });
  const runDir = join(tmp, 'run');
  mkdirSync(runDir, { recursive: true });
  const server = await startCodeServer({ entry, runDir, settings: { 'workbench.editor.enablePreview': false, ...settings } });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  const url = workbenchUrl(server.url, await remoteAuthority(server.url), folder, { extensionDevelopmentPath: ext });
  log(`opening ${url}`);
  await page.goto(url);
  return { page, close: async () => { await browser.close().catch(() => undefined); await server.stop(); } };
}

async function main(): Promise<number> {
  const shots = screenshotDir();
  if (!process.env.RMQ_CLUSTER_53_NAMESRV && process.env.RMQ_TEST_NAMESRV) process.env.RMQ_CLUSTER_53_NAMESRV = process.env.RMQ_TEST_NAMESRV;
  const cluster: RunningCluster = (await attachFromEnv('5.3')) ?? await startCluster({ version: '5.3', log: (l) => console.log(`[cluster] ${l}`) });
  const topic = `OrderEvents_${Date.now() % 100000}`;
  await cluster.createTopic(topic, { queues: 2 });
  const producer = new Producer({ producerGroup: 'ui_messages', namesrvAddr: cluster.namesrv });
  await producer.start();
  for (let i = 0; i < 6; i++) {
    await producer.send(new Message({ topic, tags: i % 2 ? 'paid' : 'created', keys: [`order-${1000 + i}`, 'customer-42'], userProperties: { region: 'eu-west', source: 'checkout' }, body: JSON.stringify({ orderId: 1000 + i, customer: 42, amount: 19.5 + i, items: [{ sku: 'A-1', qty: 1 + i }] }) }));
  }
  const big = Array.from({ length: 300 }, (_, i) => `audit line ${i}: order-1000 state change`).join('\n');
  await producer.send(new Message({ topic, tags: 'audit', keys: ['customer-42', 'audit-1'], body: big }));
  await producer.send(new Message({ topic, tags: 'thumbnail', keys: ['customer-42', 'bin-1'], body: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]) }));
  await producer.send(new Message({ topic, tags: XSS.tag, keys: [XSS.key], userProperties: { 'x-html': XSS.prop, '<b>name</b>': XSS.tag }, body: XSS.body }));
  await producer.shutdown();
  // A trace written by Java's own trace-enabled producer and consumer.
  const java = await MessageRef.start('5.3', cluster.namesrv);
  const traced = await java.traced(topic, 'order-audit-consumer', JSON.stringify({ orderId: 2001, traced: true }));
  await java.stop();

  const folder = mkdtempSync('/tmp/rmqm-ui-');
  const wb = await openWorkbench(folder, { 'rocketmq.connections': [{ name: 'local 5.3 cluster', namesrv: cluster.namesrv }] });
  const page = wb.page;
  currentPage = page;
  try {
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The extension's commands are in the palette once the extension host has loaded it (on a loaded machine, a while).
    await poll('the extension\'s commands in the palette', 180_000, async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await quickInput(page).waitFor({ timeout: 5000 });
      await quickInput(page).fill('>RocketMQ: Find Message');
      const found = await page.locator('.quick-input-list .monaco-list-row', { hasText: 'RocketMQ: Find Message' }).first().waitFor({ timeout: 5000 }).then(() => true, () => false);
      await page.keyboard.press('Escape');
      return found;
    });

    let f!: Frame;
    await step('Find Message by key from the palette lists every message with the key, newest last, with the cap', async () => {
      f = await poll('the key to be indexed', 60_000, async () => {
        const fr = await findByKey(page, topic, 'customer-42');
        return (await fr.locator('#rows tbody tr').count()) === 8 ? fr : undefined;
      });
      const head = (await f.locator('#headline').textContent()) ?? '';
      check(/^8 messages for key "customer-42" in .* — asked broker-a, broker-b$/.test(head), `headline: ${head}`);
      check(/Page 1 of 1 · 1–8 of 8/.test((await f.locator('#page-info').textContent()) ?? ''), 'page info');
      await page.mouse.move(5, 900);
      await page.screenshot({ path: join(shots, 'messages-list.png') });
    });

    await step('a row opens the detail: ids decoded, system fields and properties by name, the body as pretty JSON', async () => {
      await f.locator('#rows tbody tr').first().click();
      await poll('the detail', 20_000, async () => (await f.locator('#detail h2').count()) > 0);
      const ids = (await f.locator('#ids').textContent()) ?? '';
      check(/as UNIQ_KEY: ip .*, pid \d+/.test(ids) && /as offsetMsgId: broker 127\.0\.0\.1:\d+, commit log offset \d+/.test(ids), `ids: ${ids}`);
      check(/KEYS.*order-1000 customer-42/.test((await f.locator('#system-properties').textContent()) ?? ''), 'KEYS by name');
      check(((await f.locator('#user-properties').textContent()) ?? '').includes('eu-west'), 'user property');
      check(/"orderId": 1000/.test((await f.locator('#body-view').textContent()) ?? ''), 'pretty JSON body');
      await f.locator('#detail').evaluate((e) => e.scrollIntoView());
      await page.screenshot({ path: join(shots, 'messages-detail.png') });
    });

    await step('a compressed body is shown inflated with ZLIB named; a binary body is labelled and shown as hex', async () => {
      await f.locator('#rows tbody tr', { hasText: 'audit-1' }).click();
      await poll('the compressed detail', 20_000, async () => /ZLIB-compressed, \d+ bytes stored, shown inflated/.test((await f.locator('#body-meta').textContent()) ?? ''));
      check(((await f.locator('#body-view').textContent()) ?? '').startsWith('audit line 0'), 'inflated text');
      await f.locator('#rows tbody tr', { hasText: 'bin-1' }).click();
      await poll('the binary detail', 20_000, async () => /binary \(not text: shown as hex\)/.test((await f.locator('#body-meta').textContent()) ?? ''));
      check(((await f.locator('#body-view').textContent()) ?? '').startsWith('00000000  89 50 4e 47 0d 0a 1a 0a'), 'hex dump');
      check((await f.locator('#tab-text').count()) === 0, 'no text view of a binary body');
    });

    await step('Send Again goes through the quick pick and the normal send path, and lands a copy', async () => {
      await f.locator('#rows tbody tr').first().click();
      await poll('the detail', 20_000, async () => /order-1000/.test((await f.locator('#system-properties').textContent()) ?? ''));
      await f.locator('#action-sendAgain').click();
      await answer(page, /Send Again/, { row: `Send to ${topic}` });
      await poll('the send result in the panel', 30_000, async () => /^SEND_OK: copy [0-9A-F]{32} in broker-[ab] queue \d$/.test((await f.locator('#status').textContent()) ?? ''));
      const again = await poll('the copy found by key', 60_000, async () => {
        const fr = await findByKey(page, topic, 'order-1000');
        return (await fr.locator('#rows tbody tr').count()) === 2 ? fr : undefined;
      });
      f = again;
    });

    await step('Show Trace draws the timeline Java\'s trace-enabled producer and consumer wrote', async () => {
      await runCommand(page, 'RocketMQ: Show Message Trace');
      await answer(page, /msgId/, { text: traced.msgId });
      const t = await messagesFrame(page, async (fr) => (await fr.locator('#timeline li').count()) >= 3, 'with a trace timeline');
      const text = (await t.locator('#trace').textContent()) ?? '';
      check(/Published to .*sent/.test(text) && /Received by order-audit-consumer/.test(text) && /Consumed by order-audit-consumer.*success/.test(text), `trace: ${text.slice(0, 400)}`);
      await t.locator('#trace').evaluate((e) => e.scrollIntoView());
      await page.screenshot({ path: join(shots, 'messages-trace.png') });
    });

    await step('a queue in Topic Routes → Browse Messages… lists the queue from its first offset and commits nothing', async () => {
      await page.locator('.activitybar .action-item a[aria-label^="RocketMQ"]').first().click();
      const row = (label: string | RegExp) => page.locator('.pane-body .monaco-list-row', { has: page.locator('.label-name', { hasText: label }) }).first();
      const expand = async (label: string | RegExp) => {
        const r = row(label);
        await r.waitFor({ timeout: 30_000 });
        if ((await r.getAttribute('aria-expanded')) !== 'true') await r.click();
        await poll(`${String(label)} expanded`, 15_000, async () => (await r.getAttribute('aria-expanded')) === 'true');
      };
      await expand(/^Topics$/);
      await expand(new RegExp(`^${topic}$`));
      await expand(/^broker-a$/);
      const queue = row(/^queue 0$/);
      await queue.waitFor({ timeout: 30_000 });
      await poll('queue offsets', 20_000, async () => /min \d+ · max \d+/.test((await queue.textContent()) ?? ''));
      // VS Code's menu can drop a click that lands right after it opens (seen in CI: the menu stayed open
      // with the item focused); hovering focuses the item and Enter runs it, which the menu always takes.
      await poll('Browse Messages… run from the queue\'s context menu', 20_000, async () => {
        if (await quickInput(page).isVisible()) return true;
        const item = page.locator('.context-view .action-item', { hasText: 'Browse Messages…' }).first();
        if (!(await item.isVisible())) {
          await queue.click({ button: 'right' });
          await item.waitFor({ timeout: 3000 }).catch(() => undefined);
          return false;
        }
        await item.hover();
        await page.keyboard.press('Enter');
        // wait for the quick pick before trying again: a second right-click would open the menu over it
        return quickInput(page).waitFor({ timeout: 5000 }).then(() => true, () => false);
      });
      await answer(page, /Browse .* \(commits no offset\)/, { row: 'From the first retained offset' });
      const b = await messagesFrame(page, async (fr) => /of .* broker-a:0, offsets 0–\d+; .*nothing committed$/.test((await fr.locator('#headline').textContent()) ?? ''), 'browsing broker-a:0');
      const offsets = await b.locator('#rows tbody tr td:nth-child(6)').allTextContents();
      check(offsets.length > 0 && offsets.every((o, i) => o === String(i)), `offsets in order from 0: ${offsets.join(',')}`);
    });

    await step('hostile tags, property names and values and body are shown literally, and nothing runs', async () => {
      const x = await poll('the hostile message indexed', 60_000, async () => {
        const fr = await findByKey(page, topic, XSS.key);
        return (await fr.locator('#rows tbody tr').count()) === 1 ? fr : undefined;
      });
      await x.locator('#rows tbody tr').first().click();
      await poll('the hostile detail', 20_000, async () => (await x.locator('#user-properties').count()) > 0);
      const texts = await x.evaluate(() => {
        const d = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null; querySelectorAll(s: string): { length: number } } }).document;
        const w = globalThis as unknown as { __xss?: unknown; parent?: { __xss?: unknown; parent?: { __xss?: unknown } } };
        const ran = (): unknown => {
          for (const x of [w, w.parent, w.parent?.parent]) {
            try { if (x && x.__xss !== undefined) return x.__xss; } catch { /* another origin: a payload could not have written there either */ }
          }
          return null;
        };
        return {
          tags: d.querySelector('#rows tbody tr td:nth-child(4)')?.textContent ?? '',
          props: d.querySelector('#user-properties')?.textContent ?? '',
          body: d.querySelector('#body-view')?.textContent ?? '',
          injected: d.querySelectorAll('#app img, #app script, #app svg, #app iframe, #app b').length,
          xss: ran(),
        };
      });
      check(texts.xss === null, `a payload ran (__xss=${String(texts.xss)})`);
      const top = await page.evaluate(() => (globalThis as unknown as { __xss?: unknown }).__xss ?? null);
      check(top === null, `a payload reached the workbench (__xss=${String(top)})`);
      check(texts.injected === 0, `${texts.injected} elements were made from broker text`);
      check(texts.tags === XSS.tag, `tag shown as: ${texts.tags}`);
      check(texts.props.includes(XSS.prop) && texts.props.includes('<b>name</b>'), `properties shown as: ${texts.props}`);
      check(texts.body === XSS.body, `body shown as: ${texts.body}`);
      await page.screenshot({ path: join(shots, 'messages-xss.png') });
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
  const keepAlive = setInterval(() => undefined, 1000);
  main().then((c) => { clearInterval(keepAlive); process.exit(c); }, (e) => { console.error(e); process.exit(1); });
}
