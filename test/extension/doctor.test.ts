/**
 * The doctor and the route dry-run in a real extension host: the inspector's summary carries the
 * doctor's findings and their evidence filter (through the provider's own endpoint), and the dry run
 * answers through `rocketmq.sendMessage { dryRun }` and a request block's CodeLens and hover, against a
 * real RocketMQ 5.3 cluster — the predicted queue is the one the following send takes.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunningCluster } from '../support/cluster';
import type { SendOutcome } from '../../src/app/send/executor';
import type { SendPrediction } from '../../src/core/producer';
import type { Envelope } from '../../src/shared/endpoint';
import type { ExpertSummary } from '../../src/shared/inspector-protocol';
import { RequestCode, ResponseCode } from '../../src/core/remoting';
import { Timeline, req, resp, send } from '../support/doctor/crafted';
import { activateExtension, ensureConnection, pollUntil, testCluster } from './routes-cluster';

async function ask<T>(target: string, method: string, params: unknown): Promise<T> {
  const r = await vscode.commands.executeCommand<Envelope | null>('_rocketmq.inspector.request', target, method, params, 60_000);
  assert.ok(r && r.kind === 'reply', JSON.stringify(r));
  return (r as { result: T }).result;
}

describe('the doctor in the inspector (extension host)', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-ext-'));
    await activateExtension();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the expert summary lists the findings; the evidence filter shows their frames', async () => {
    const tl = new Timeline();
    const ns = tl.conn('10.0.0.5', '10.0.0.20', 9876, 0);
    const r1 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'NoSuch' });
    const r2 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TBW102' });
    ns.exchange(1000, r1, resp(r1, ResponseCode.TOPIC_NOT_EXIST, 'No topic route info in name server for the topic: NoSuch'));
    ns.exchange(3000, r2, resp(r2, ResponseCode.TOPIC_NOT_EXIST, 'No topic route info in name server for the topic: TBW102')).close(3e6);
    const b = tl.conn('10.0.0.5', '10.0.0.10', 10911, 0);
    for (let k = 0; k < 4; k++) {
      const s = send('Orders', { accessKey: 'rmq_user' });
      b.exchange(10_000 + k * 1000, s.cmd, k % 2 ? resp(s.cmd, ResponseCode.NO_PERMISSION, 'check signature failed.') : resp(s.cmd, 0, null, { msgId: 'X', queueId: 0, queueOffset: k }));
    }
    b.close(3e6);
    const file = path.join(dir, 'doctor.pcapng');
    fs.writeFileSync(file, tl.bytes());
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'rocketmq.captureInspector');
    await pollUntil('indexed', 20_000, async () => ((await vscode.commands.executeCommand<{ target: string; done: boolean }[]>('_rocketmq.inspector.sessions')).find((s) => s.target === file && s.done) ? true : undefined));
    const sum = await ask<ExpertSummary>(file, 'getSummary', {});
    assert.ok(sum.doctor);
    assert.deepEqual(sum.doctor.findings.map((f) => f.id).sort(), ['acl-refused:signature:310:rmq_user@10.0.0.10:10911', 'no-route:NoSuch']);
    const acl = sum.doctor.findings.find((f) => f.rule === 'acl-refused')!;
    assert.equal(acl.title, 'ACL: signature mismatch — SEND_MESSAGE_V2 with AccessKey rmq_user');
    assert.equal(acl.frames, 4);
    const total = (await ask<{ total: number }>(file, 'setView', { sort: { column: 'index', descending: false }, filter: { evidence: acl.id } })).total;
    assert.equal(total, 4);
    const rows = (await ask<{ rows: { status: string | null; response: boolean }[] }>(file, 'getRows', { start: 0, count: 10 })).rows;
    assert.deepEqual(rows.filter((r) => r.response).map((r) => r.status), ['NO_PERMISSION', 'NO_PERMISSION']);
  });
});

describe('route dry-run (extension host, real 5.3 cluster)', function () {
  this.timeout(60_000);
  let cluster: RunningCluster;
  const CONN = 'dry-run-test';
  const topic = `ExtDry_${Date.now()}`;

  before(async function () {
    this.timeout(300_000);
    cluster = await testCluster();
    await cluster.createTopic(topic, { queues: 2 });
    await activateExtension();
    await ensureConnection(CONN, cluster.namesrv);
  });

  it('rocketmq.sendMessage { dryRun } predicts the queue; the send with the same sharding key goes there; nothing was sent by the dry run', async () => {
    for (const key of ['order-1', 'order-2', 'customer-9']) {
      const p = await vscode.commands.executeCommand<SendPrediction>('rocketmq.sendMessage', { connection: CONN, topic, body: 'x', shardingKey: key, dryRun: true });
      assert.ok(p?.ok, JSON.stringify(p?.refusals));
      assert.equal(p.writableQueues.length, 4);
      const o = await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendMessage', { connection: CONN, topic, body: `ordered ${key}`, shardingKey: key });
      assert.equal(o.failed.length, 0);
      assert.deepEqual({ topic, brokerName: o.sent[0].brokerName, queueId: o.sent[0].queueId }, p.selection.queue, key);
    }
    // round-robin: the connection's producer takes the predicted queue next
    const p = await vscode.commands.executeCommand<SendPrediction>('rocketmq.sendMessage', { connection: CONN, topic, body: 'rr', dryRun: true });
    const o = await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendMessage', { connection: CONN, topic, body: 'rr' });
    assert.deepEqual({ topic, brokerName: o.sent[0].brokerName, queueId: o.sent[0].queueId }, p.selection.queue);
  });

  it('a request block: the "Where it goes" CodeLens runs the dry run, then names the queue; the block\'s hover shows the prediction', async () => {
    const file = path.join(os.tmpdir(), `rmq-dry-${process.pid}-${Date.now()}.rocketmq`);
    fs.writeFileSync(file, `### Ordered\ntopic: ${topic}\nshardingKey: order-1\n\n{"id":1}\n\n### Too late\ntopic: ${topic}\nqueue: 9\n\nx\n`);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    const lenses = async () => (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? [];
    const dryLens = (await lenses()).filter((l) => l.command?.command === 'rocketmq.dryRunRequestBlock');
    assert.equal(dryLens.length, 2);
    assert.equal(dryLens[0].command!.title, '$(compass) Where it goes');
    const p = await vscode.commands.executeCommand<SendPrediction>(dryLens[0].command!.command, ...(dryLens[0].command!.arguments ?? []));
    assert.ok(p?.ok);
    const q = p.selection.queue!;
    await pollUntil('the lens to name the queue', 10_000, async () => ((await lenses()).some((l) => l.command?.title === `$(compass) → ${q.brokerName}:${q.queueId}`) ? true : undefined));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 2));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /Where it goes/);
    assert.match(text, new RegExp(`sharding key "order-1": Java String\\.hashCode ${p.selection.hash}`));
    // the second block would be refused: said by its lens, nothing sent
    const refused = await vscode.commands.executeCommand<SendPrediction>(dryLens[1].command!.command, ...(dryLens[1].command!.arguments ?? []));
    assert.equal(refused?.ok, false);
    assert.match(refused!.refusals[0], /has no writable queue 9/);
    await pollUntil('the lens to say refused', 10_000, async () => ((await lenses()).some((l) => l.command?.title === '$(error) Would be refused') ? true : undefined));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
