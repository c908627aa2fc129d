/**
 * Browser test of RocketMQ 5 gRPC rows in the capture inspector, on a capture made in this run: tcpdump
 * records lo while the real Java gRPC client (rocketmq-client-java 5.0.8, test/support/java/grpcclient)
 * sends through a real 5.3.3 Proxy, receives with a simple consumer (receive, change invisible duration,
 * ack) and consumes with a push consumer. The capture is opened in the real workbench (code-server) in
 * headless Chromium: the protocol dropdown selects gRPC, a SendMessage row's details show the method,
 * topic, message id and body the client logged, a ReceiveMessage response that delivered one of those
 * messages jumps to its request, and the AckMessage of that id to its OK response; the Code filter
 * selects gRPC rows by method (short name and full path). Screenshot media/screenshots/grpc-capture.png
 * for the README (with RMQ_UPDATE_SCREENSHOTS=1).
 *
 *   node out/test/support/grpc/ui.js
 *
 * Uses RMQ_CLUSTER_53_NAMESRV's cluster when set (starting its Proxy if it has none), else starts one.
 * Prints "N passed, M failed" and writes {passed, failed} to RMQ_TEST_RESULT_FILE when set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { openWorkbench } from '../inspector/workbench';
import { inspectorFrame, poll } from '../inspector/ui';
import { attachFromEnv, startCluster, RunningCluster } from '../cluster';
import { runGrpcScenario, GrpcEvent } from '../cluster/grpc-client';
import { startLiveCapture } from '../live-capture';
import { screenshotDir } from '../screenshots';
import { repoRoot } from '../vscode/code-server';
import { Steps } from '../vscode/steps';
import { quickOpen } from '../vscode/quick-open';

let currentPage: Page | undefined;
const steps = new Steps(async (n) => {
  const shot = join(repoRoot, 'test-results', 'screenshots', `grpc-failed-${n}.png`);
  await currentPage?.screenshot({ path: shot }).catch(() => undefined);
  console.log(`    (screenshot of the failure: ${shot})`);
});
const step = steps.step.bind(steps);

function check(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

/** The few DOM types used inside evaluate (the root tsconfig has no DOM lib). */
interface MiniDoc { body: { dataset: Record<string, string | undefined> } }

const dataset = (f: Frame) => f.evaluate(() => ({ ...(globalThis as unknown as { document: MiniDoc }).document.body.dataset }));
const text = async (f: Frame, sel: string) => (await f.locator(sel).first().textContent()) ?? '';

async function waitMatch(f: Frame, re: RegExp): Promise<string> {
  return poll(`match count ${re}`, 20_000, async () => { const t = await text(f, '#match-count'); return re.test(t) ? t : undefined; });
}

/** Selects an option of one of the filter bar's dropdowns (a webview-ui-toolkit vscode-dropdown) with the mouse. */
async function pickOption(f: Frame, id: string, label: string): Promise<void> {
  const dd = f.locator(`#${id}`);
  await dd.click();
  await dd.locator('vscode-option', { hasText: label }).first().click();
  await poll(`${id} showing ${label}`, 5000, async () => (await dd.evaluate((e) => (e as unknown as { value: string }).value)) !== 'all');
}

/** Types into a filter bar text field and applies it (Enter); a Text term waits for the content search to finish. */
async function fillFilter(f: Frame, id: string, value: string): Promise<void> {
  await f.locator(`#${id} input`).fill(value);
  await f.locator(`#${id} input`).press('Enter');
  if (id === 'f-text') await poll('the content search to finish', 30_000, async () => !/Searching/.test(await text(f, '#status')));
}

/** The rendered rows' cells, once no row is loading. */
async function visibleRows(f: Frame): Promise<{ row: Locator; code: string; flag: string; topic: string; status: string }[]> {
  return poll('rows rendered', 15_000, async () => {
    if ((await f.locator('.list-layer .row.loading:visible').count()) > 0) return undefined;
    const rows = f.locator('.list-layer .row:visible');
    const n = await rows.count();
    if (n === 0) return undefined;
    const out = [];
    for (let k = 0; k < n; k++) {
      const row = rows.nth(k);
      const [code, flag, topic, status] = await Promise.all(['code', 'flag', 'topic', 'status'].map(async (c) => (await row.locator(`.col-${c}`).textContent()) ?? ''));
      out.push({ row, code, flag, topic, status });
    }
    return out;
  });
}

/** The details pane's key/value rows of one kind of section (sec-props, sec-decoded), as [key, value]. */
async function kv(f: Frame, section: string): Promise<[string, string][]> {
  const trs = f.locator(`.${section} tr`);
  const n = await trs.count();
  const out: [string, string][] = [];
  for (let k = 0; k < n; k++) out.push([(await trs.nth(k).locator('th').textContent()) ?? '', (await trs.nth(k).locator('td.value').textContent()) ?? '']);
  return out;
}

async function main(): Promise<number> {
  const shots = screenshotDir();
  if (!process.env.RMQ_CLUSTER_53_NAMESRV && process.env.RMQ_TEST_NAMESRV) process.env.RMQ_CLUSTER_53_NAMESRV = process.env.RMQ_TEST_NAMESRV;
  console.log('[grpc-ui] getting the RocketMQ 5.3 cluster and its Proxy');
  const cluster: RunningCluster = (await attachFromEnv('5.3')) ?? await startCluster({ version: '5.3', log: (l) => console.log(`[cluster] ${l}`) });
  const folder = mkdtempSync('/tmp/rmqg-ui-');
  let events: GrpcEvent[] = [];
  const tag = `gu${Date.now() % 1_000_000}`;
  const topic = `GrpcUi_${tag}`;
  let wb: Awaited<ReturnType<typeof openWorkbench>> | undefined;
  try {
    const proxy = await cluster.startProxy();
    await cluster.createTopic(topic, { queues: 2, attributes: { 'message.type': 'NORMAL' } });

    await step('a real capture: tcpdump on lo while rocketmq-client-java 5.0.8 sends, receives, acks and consumes through the 5.3.3 Proxy', async () => {
      const file = join(folder, 'grpc-run.pcap');
      const cap = await startLiveCapture({
        name: 'tcpdump lo', file, cmd: 'tcpdump', linkType: 1, format: 'pcap', probeAddress: cluster.namesrv,
        args: ['-i', 'lo', '-U', '-s', '0', '-w', file, `tcp and (port ${proxy.grpcPort} or port ${cluster.namesrv.split(':')[1]})`],
      });
      try {
        const run = await runGrpcScenario({ endpoint: proxy.grpc, normal: topic, simpleGroup: `GuS_${tag}`, pushGroup: `GuP_${tag}`, log: (l) => console.log(`[grpc-client] ${l}`) });
        check(run.code === 0, `the Java client failed (${run.code}): ${run.stderr.slice(-2000)}`);
        events = run.events;
      } finally {
        await cap.stop();
      }
      check(events.filter((e) => e.event === 'send').length === 3 && events.some((e) => e.event === 'ack'), `client events: ${events.map((e) => e.event).join(', ')}`);
    });

    wb = await openWorkbench({ folder, echoLogs: false, viewport: { width: 1500, height: 960 } });
    const page = wb.page;
    currentPage = page;
    let f!: Frame;
    const sends = events.filter((e) => e.event === 'send');
    const first = sends[0];

    await step('the capture opens in the inspector; "gRPC" in the protocol dropdown leaves only gRPC rows', async () => {
      await quickOpen(page, 'grpc-run.pcap');
      f = await inspectorFrame(page, 'grpc-run.pcap', 90_000);
      await poll('indexing done', 60_000, async () => (await dataset(f)).indexed === 'done');
      const all = Number(/^([\d,]+) frames/.exec(await waitMatch(f, /^[\d,]+ frames/))![1].replace(/,/g, ''));
      await pickOption(f, 'f-proto', 'gRPC');
      const m = /^([\d,]+) of ([\d,]+) frames match/.exec(await waitMatch(f, /^[\d,]+ of [\d,]+ frames match/))!;
      const grpc = Number(m[1].replace(/,/g, ''));
      // the readiness probes to the NameServer are remoting frames: they are filtered out
      check(grpc > 0 && grpc < all, `gRPC ${grpc} of ${all}`);
      const rows = await visibleRows(f);
      const codes = new Set(rows.map((r) => r.code.replace(/^↳ /, '')));
      check(['QueryRoute', 'SendMessage'].every((c) => codes.has(c)), `methods on screen: ${[...codes].join(', ')}`);
      check(rows.every((r) => !/^[A-Z_]+$/.test(r.code.replace(/^↳ /, ''))), 'a remoting code name among the gRPC rows');
    });

    await step('a SendMessage row: method, topic, message id, keys, user property and body as the Java client sent them; its response OK', async () => {
      check(first, 'no send logged by the client');
      // the first send's message id through the Text filter (content search of gRPC rows), requests only
      await fillFilter(f, 'f-text', first.messageId!);
      await waitMatch(f, /^\d+ of [\d,]+ frames match/);
      const rows = await visibleRows(f);
      const send = rows.find((r) => r.code === 'SendMessage' && r.flag === '');
      check(send, `no SendMessage request among ${rows.map((r) => `${r.code}/${r.flag}`).join(', ')}`);
      check(send.topic === topic && send.status === 'OK', `list row: topic ${send.topic}, status ${send.status}`);
      await send.row.click();
      await poll('SendMessage details', 10_000, async () => /^Frame \d+: request SendMessage$/.test(await text(f, '.details-title')));
      const call = Object.fromEntries(await kv(f, 'sec-decoded'));
      check(call.method === '/apache.rocketmq.v2.MessagingService/SendMessage', `method ${call.method}`);
      const props = Object.fromEntries(await kv(f, 'sec-props'));
      check(props.message_id === first.messageId, `message_id ${props.message_id}, the client logged ${first.messageId}`);
      check(props.tag === first.tag && props.keys === (first.keys ?? []).join(' ') && props.color === 'red', `properties ${JSON.stringify(props)}`);
      const decoded = await kv(f, 'sec-decoded');
      check(decoded.some(([k, v]) => k === 'topic' && v === topic), 'the message\'s topic in the decoded SendMessageRequest');
      const body = Buffer.from(first.bodyHex!, 'hex').toString('utf8');
      check((await text(f, '#body-text')) === body, `body ${await text(f, '#body-text')}, sent ${body}`);
      await page.mouse.move(5, 5);
      await page.screenshot({ path: join(shots, 'grpc-capture.png') });
      await f.locator('#jump-pair').click();
      await poll('its response', 10_000, async () => /^Frame \d+: response SendMessage$/.test(await text(f, '.details-title')));
      const resp = await kv(f, 'sec-decoded');
      check(resp.some(([k, v]) => k === 'grpc-status' && v === '0 OK'), 'grpc-status 0 OK');
      check(resp.some(([k, v]) => k === 'message_id' && v === first.messageId), 'the response names the same message id');
    });

    await step('a ReceiveMessage response delivering that message, paired with its request; the AckMessage of that id, paired with its OK response', async () => {
      const received = events.find((e) => e.event === 'receive' && e.messageId === first.messageId);
      check(received && events.some((e) => e.event === 'ack' && e.messageId === first.messageId), 'the simple consumer received and acked the first message');
      const rows = await visibleRows(f);
      const delivered = rows.find((r) => r.code === '↳ ReceiveMessage' && r.topic === topic);
      check(delivered, `no ReceiveMessage response for ${first.messageId}: ${rows.map((r) => `${r.code}/${r.topic}`).join(', ')}`);
      await delivered.row.click();
      await poll('ReceiveMessage response details', 10_000, async () => /^Frame \d+: response ReceiveMessage$/.test(await text(f, '.details-title')));
      const props = Object.fromEntries(await kv(f, 'sec-props'));
      check(props.message_id === first.messageId, `delivered ${props.message_id}`);
      check((await text(f, '#body-text')) === Buffer.from(received.bodyHex!, 'hex').toString('utf8'), 'delivered body');
      await f.locator('#jump-pair').click();
      await poll('the ReceiveMessage request', 10_000, async () => /^Frame \d+: request ReceiveMessage$/.test(await text(f, '.details-title')));
      // the request carries no message id: the jump cleared the filter to show it
      const group = (await kv(f, 'sec-decoded')).find(([, v]) => v === `GuS_${tag}` || v === `GuP_${tag}`);
      check(group, 'the request names the simple or the push consumer\'s group');
      await fillFilter(f, 'f-text', first.messageId!);
      await waitMatch(f, /^\d+ of [\d,]+ frames match/);
      const ack = (await visibleRows(f)).find((r) => r.code === 'AckMessage' && r.flag === '');
      check(ack, 'no AckMessage request naming the message');
      await ack.row.click();
      await poll('AckMessage details', 10_000, async () => /^Frame \d+: request AckMessage$/.test(await text(f, '.details-title')));
      check((await kv(f, 'sec-decoded')).some(([k, v]) => k === 'message_id' && v === first.messageId), 'the ack names the message id');
      await f.locator('#jump-pair').click();
      await poll('the AckMessage response', 10_000, async () => /^Frame \d+: response AckMessage$/.test(await text(f, '.details-title')));
      const st = f.locator('.list-layer .row.selected:visible .col-status').first();
      check((await st.textContent()) === 'OK', `ack status ${await st.textContent()}`);
      check(!((await st.getAttribute('class')) ?? '').includes('bad'), 'gRPC OK is not marked as an error');
    });

    await step('the Code filter selects gRPC rows by method: "SendMessage" and "/apache.rocketmq.v2.MessagingService/SendMessage"', async () => {
      await f.locator('#clear-filter').click();
      await waitMatch(f, /^[\d,]+ frames/);
      const n = sends.length * 2; // requests and their responses
      for (const code of ['SendMessage', '/apache.rocketmq.v2.MessagingService/SendMessage']) {
        await fillFilter(f, 'f-code', code);
        await waitMatch(f, new RegExp(`^${n} of [\\d,]+ frames match`));
        const rows = await visibleRows(f);
        check(rows.length === n && rows.every((r) => r.code.replace(/^↳ /, '') === 'SendMessage'), `rows for ${code}: ${rows.map((r) => r.code).join(', ')}`);
      }
      await f.locator('#clear-filter').click();
      await waitMatch(f, /^[\d,]+ frames/);
    });

    await step('the expert summary names the gRPC connections RocketMQ gRPC (h2c) beside remoting, and times gRPC methods', async () => {
      await f.locator('#toggle-summary').click();
      const kinds = await poll('connection kinds', 20_000, async () => { const t = await text(f, '#connection-kinds'); return t || undefined; });
      // the client's producer, simple and push consumers each open a connection to the Proxy; the readiness probes are remoting
      check(/\b[1-9]\d* RocketMQ gRPC \(h2c\)/.test(kinds) && /RocketMQ remoting/.test(kinds) && !/RocketMQ gRPC \(h2c\).*not RocketMQ/.test(kinds), `connections: ${kinds}`);
      check(await f.locator('table.latency tr', { hasText: 'SendMessage' }).count() === 1, 'SendMessage in the latency table');
      check(await f.locator('.doctor-finding', { hasText: 'answered late' }).count() === 0, 'a ReceiveMessage long poll is no late answer');
      await f.locator('#toggle-summary').click();
    });
  } finally {
    await wb?.close();
    // an attached cluster keeps running; a Proxy this process started on it is stopped
    await cluster.stop();
    rmSync(folder, { recursive: true, force: true });
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
