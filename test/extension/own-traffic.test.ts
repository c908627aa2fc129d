/**
 * The producer's own traffic with real sends to the real 5.3 cluster, in the real extension host:
 * a send's "Show frames" opens "My RocketMQ traffic" focused on that send's request and response;
 * "Show My Traffic" lists every frame of the window's connections with their real endpoints; the
 * one store is indexed only while a view is open; "Save as pcapng" is read back by our decoder and
 * by tshark.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunningCluster } from '../support/cluster';
import type { SendOutcome } from '../../src/app/send/executor';
import type { FilterSpec, FrameRow, InspectorHostApi } from '../../src/shared/inspector-protocol';
import type { Envelope, Method, Params, Result } from '../../src/shared/endpoint';
import { indexCaptureFile } from '../../src/core/capture/capture-index';
import { activateExtension, ensureConnection, pollUntil, testCluster } from './routes-cluster';

const CONN = 'traffic-test';
const TITLE = 'My RocketMQ traffic';

interface SessionInfo { target: string; kind: string; frames: number; filter: FilterSpec; viewTotal: number }
interface StoreInfo { records: number; mark: number; indexed: boolean }

async function ask<M extends Method<InspectorHostApi>>(method: M, params: Params<InspectorHostApi, M>): Promise<Result<InspectorHostApi, M>> {
  const r = await vscode.commands.executeCommand<Envelope | null>('_rocketmq.inspector.request', TITLE, method, params);
  assert.ok(r && r.kind === 'reply', `${method}: ${JSON.stringify(r)}`);
  return (r as { result: Result<InspectorHostApi, M> }).result;
}

const own = async () => (await vscode.commands.executeCommand<SessionInfo[]>('_rocketmq.inspector.sessions'))!.find((s) => s.kind === 'own');
const store = async () => (await vscode.commands.executeCommand<StoreInfo | null>('_rocketmq.inspector.ownTraffic'));

/** The rows the panel's view shows once its webview has applied `filter` (it sets the view itself). */
async function viewOnceFiltered(filter: FilterSpec, total: number): Promise<FrameRow[]> {
  await pollUntil(`the webview to apply ${JSON.stringify(filter)}`, 15_000, async () => {
    const s = await own();
    return s && JSON.stringify(s.filter) === JSON.stringify(filter) && s.viewTotal === total ? true : undefined;
  }, 50);
  return (await ask('getRows', { start: 0, count: 100 })).rows;
}

describe('own traffic with real sends (extension host, real 5.3 cluster)', function () {
  this.timeout(60_000);
  let cluster: RunningCluster;
  const topic = `ExtTraffic_${Date.now()}`;
  let dir: string;

  before(async function () {
    this.timeout(300_000);
    cluster = await testCluster();
    await cluster.createTopic(topic, { queues: 2 });
    await activateExtension();
    await ensureConnection(CONN, cluster.namesrv);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    dir = mkdtempSync(join(tmpdir(), 'rmq-own-'));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('"Show frames" of a send opens My RocketMQ traffic on its request and response', async () => {
    const out = (await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendMessage', { connection: CONN, topic, tags: 'TagT', body: 'show my frames' }))!;
    assert.equal(out.sent.length, 1, String(out.failed[0]?.error));
    const s = out.sent[0];
    const st = await store();
    assert.ok(st && st.records >= 4, 'the store holds the frames');
    assert.equal(st.indexed, false, 'nothing is indexed while no view is open');

    const n = await vscode.commands.executeCommand<number>('rocketmq.showSendFrames', out);
    assert.ok(n! >= 2, `frames of the send: ${n}`);
    const panel = await pollUntil('the own-traffic panel', 10_000, own);
    assert.equal(panel.target, TITLE);
    assert.equal((await store())!.indexed, true);
    const filter = await pollUntil('the focus filter', 10_000, async () => { const f = (await own())!.filter; return f.conn !== undefined ? f : undefined; }, 50);
    assert.deepEqual(Object.keys(filter).sort(), ['conn', 'opaque'], 'one send: its connection and opaque');
    const rows = await viewOnceFiltered(filter, 2);
    const [req, resp] = rows;
    assert.equal(req.codeName, 'SEND_MESSAGE_V2');
    assert.equal(req.response, false);
    assert.equal(req.topic, topic);
    assert.equal(resp.response, true);
    assert.equal(resp.status, 'SUCCESS');
    assert.equal(req.pair, resp.frame);
    assert.ok(req.connLabel.endsWith(`→ ${s.brokerAddr}`), `${req.connLabel}: the real connection to ${s.brokerAddr}`);
    const d = await ask('getDetails', { frame: req.frame });
    assert.equal(d.properties.find((p) => p.key === 'UNIQ_KEY')?.value, s.msgId);
    assert.equal(d.properties.find((p) => p.key === 'TAGS')?.value, 'TagT');
    assert.equal(d.body?.text, 'show my frames');
    const r = await ask('getDetails', { frame: resp.frame });
    // The response's msgId field is the broker's offset message id (the send result's offsetMsgId).
    assert.equal(r.extFields.find((f) => f.key === 'msgId')?.value, s.offsetMsgId);
    assert.equal(r.extFields.find((f) => f.key === 'queueOffset')?.value, String(s.queueOffset));
  });

  it('"Show frames" of a repeated send shows all its requests and responses, and nothing else', async () => {
    const out = (await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendMessage', { connection: CONN, topic, body: 'again', repeat: 3 }))!;
    assert.equal(out.sent.length, 3);
    await vscode.commands.executeCommand<number>('rocketmq.showSendFrames', out);
    const filter = await pollUntil('the focus filter of the repeat', 10_000, async () => { const f = (await own())!.filter; return f.code ? f : undefined; }, 50);
    assert.equal(filter.code, 'SEND_MESSAGE_V2');
    const rows = await viewOnceFiltered(filter, 6);
    assert.deepEqual(rows.map((x) => x.response), [false, true, false, true, false, true]);
    for (const x of rows.filter((y) => !y.response)) assert.equal(rows.find((y) => y.frame === x.pair)?.status, 'SUCCESS');
    const ids = await Promise.all(rows.filter((x) => !x.response).map(async (x) => (await ask('getDetails', { frame: x.frame })).properties.find((p) => p.key === 'UNIQ_KEY')?.value));
    assert.deepEqual(ids, out.sent.map((x) => x.msgId));
  });

  it('"Show My Traffic" lists every frame of the window\'s connections with their real endpoints; closing it drops the index', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await pollUntil('the panel to close', 10_000, async () => ((await own()) ? undefined : true));
    assert.equal((await store())!.indexed, false, 'the last view closed: no index is kept');
    await vscode.commands.executeCommand('rocketmq.showMyTraffic');
    const s = await pollUntil('a new own-traffic panel', 10_000, own);
    const st = (await store())!;
    assert.equal(s.frames, st.records, 'the view caught up on everything recorded before it opened');
    assert.deepEqual(s.filter, {});
    // Every row, a page (the protocol's 500 at most) at a time: the window's other connections (e.g. the
    // consumer-group tests' inspections, which run before this file) can have recorded thousands of frames.
    const rows = [];
    for (let start = 0; start < s.frames; start += 500) rows.push(...(await ask('getRows', { start, count: 500 })).rows);
    const sends = rows.filter((x) => x.codeName === 'SEND_MESSAGE_V2' && !x.response && x.topic === topic);
    assert.equal(sends.length, 4);
    assert.ok(sends.every((x) => x.pair !== null));
    assert.ok(rows.some((x) => x.codeName === 'GET_ROUTEINFO_BY_TOPIC'), 'the route lookups are there too');
    const nsPort = cluster.namesrv.split(':')[1];
    assert.ok(rows.some((x) => x.connLabel.endsWith(`:${nsPort}`)), 'a connection to the NameServer');
    // A new send appears in the open view.
    const before = s.frames;
    await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendMessage', { connection: CONN, topic, body: 'while watching' });
    await pollUntil('the new frames in the open view', 10_000, async () => ((await own())!.frames >= before + 2 ? true : undefined), 50);

    const file = join(dir, 'mine.pcapng');
    const saved = await vscode.commands.executeCommand<{ framesWritten: number; framesDropped: number }>('_rocketmq.inspector.saveOwnTraffic', file);
    assert.equal(saved!.framesDropped, 0);
    const ix = await indexCaptureFile(file);
    assert.equal(ix.length, saved!.framesWritten);
    assert.ok(ix.length >= before + 2);
    const t = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'tcp.len'], { encoding: 'utf8' });
    assert.equal(t.status, 0, t.stderr);
    const segments = t.stdout.trim().split('\n').map(Number).filter((x) => x > 0);
    const payload = segments.reduce((a, b) => a + b, 0);
    const frameBytes = [...Array(ix.length).keys()].reduce((a, i) => a + ix.cols.size[i], 0);
    assert.equal(payload, frameBytes, 'tshark sees every frame\'s bytes as TCP payload');
  });
});
