/**
 * Sending from VS Code, in the real extension host, against a real RocketMQ 5.3 cluster: the
 * "RocketMQ: Send Message" command with typed arguments, and `.rocketmq` request files through the
 * command their CodeLens runs. Every send is checked on the broker (max offsets, message read back).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunningCluster } from '../support/cluster';
import type { SendOutcome } from '../../src/app/send/executor';
import { MQClient } from '../../src/core/producer';
import { viewMessageById } from '../../src/core/consumer/browse';
import { activateExtension, ensureConnection, maxOffsets, pollUntil, testCluster, total } from './routes-cluster';

let requestFileCount = 0;

/**
 * A request document with exactly `content`, in a file of its own. Not an untitled document: VS Code
 * reuses a closed untitled document's name (Untitled-1 again), and right after a close
 * openTextDocument({ content }) could return the previous test's document under that URI, even once
 * the old one reported isClosed (seen: the batch test then sent the CodeLens test's single message).
 * A fresh file path cannot be confused with another document.
 */
async function openRequestDocument(content: string): Promise<vscode.TextDocument> {
  const file = path.join(os.tmpdir(), `rmq-send-test-${process.pid}-${Date.now()}-${++requestFileCount}.rocketmq`);
  fs.writeFileSync(file, content);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  assert.equal(doc.languageId, 'rocketmq-request');
  assert.equal(doc.getText(), content, `${doc.uri.toString()} is not the document just opened`);
  return doc;
}

/** Closes the active editor (it shows `doc`, saved and unchanged). */
async function closeRequestDocument(doc: vscode.TextDocument): Promise<void> {
  assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), doc.uri.toString());
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
}

const CONN = 'send-test';
const QUEUES = 2;

describe('Sending messages (real 5.3 cluster)', function () {
  this.timeout(60_000);
  let cluster: RunningCluster;
  const topic = `ExtSend_${Date.now()}`;

  before(async function () {
    this.timeout(300_000);
    cluster = await testCluster();
    await cluster.createTopic(topic, { queues: QUEUES });
    await activateExtension();
    await ensureConnection(CONN, cluster.namesrv);
  });

  it('the command with typed arguments sends one message that lands with its tag, keys and properties', async () => {
    const before = await maxOffsets(cluster, topic, QUEUES);
    const out = await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendMessage', {
      connection: CONN, topic, tags: 'TagA', keys: 'order-1 order-2', body: '{"hello":"vscode"}', properties: { region: 'eu' },
    });
    assert.ok(out);
    assert.equal(out.failed.length, 0, String(out.failed[0]?.error));
    assert.equal(out.sent.length, 1);
    const s = out.sent[0];
    assert.equal(s.status, 'SEND_OK');
    const after = await maxOffsets(cluster, topic, QUEUES);
    assert.equal(total(after) - total(before), 1n);
    assert.equal(after.get(`${s.brokerName}:${s.queueId}`), BigInt(s.queueOffset! + 1));
    const client = new MQClient({ namesrvAddr: cluster.namesrv });
    try {
      const m = await viewMessageById(client, s.offsetMsgId!, { topic });
      assert.equal(Buffer.from(m.body!).toString('utf8'), '{"hello":"vscode"}');
      assert.equal(m.properties.get('TAGS'), 'TagA');
      assert.equal(m.properties.get('KEYS'), 'order-1 order-2');
      assert.equal(m.properties.get('region'), 'eu');
      assert.equal(m.properties.get('UNIQ_KEY'), s.msgId);
    } finally {
      await client.close();
    }
  });

  it('repeat, async, oneway, sharding key, explicit queue and batch all land where they should', async () => {
    let before = await maxOffsets(cluster, topic, QUEUES);
    const rep = await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendMessage', { connection: CONN, topic, body: 'async', mode: 'async', repeat: 6 });
    assert.equal(rep!.sent.length, 6);
    let after = await maxOffsets(cluster, topic, QUEUES);
    assert.equal(total(after) - total(before), 6n);

    before = after;
    const ordered = await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendMessage', { connection: CONN, topic, body: 'step', shardingKey: 'order-42', repeat: 4 });
    assert.equal(new Set(ordered!.sent.map((x) => `${x.brokerName}:${x.queueId}`)).size, 1, 'one sharding key → one queue');
    after = await maxOffsets(cluster, topic, QUEUES);
    const q = `${ordered!.sent[0].brokerName}:${ordered!.sent[0].queueId}`;
    assert.equal(after.get(q)! - before.get(q)!, 4n);

    before = after;
    const explicit = await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendMessage', { connection: CONN, topic, body: 'ow', mode: 'oneway', queue: { kind: 'explicit', brokerName: 'broker-b', queueId: 1 } });
    assert.equal(explicit!.sent[0].status, 'ONEWAY_SENT');
    // Oneway has no answer: poll the broker until the message is there.
    await pollUntil('oneway message stored on broker-b:1', 10_000, async () => ((await maxOffsets(cluster, topic, QUEUES)).get('broker-b:1')! === before.get('broker-b:1')! + 1n ? true : undefined));

    before = await maxOffsets(cluster, topic, QUEUES);
    const batch = await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendMessage', { connection: CONN, topic, bodies: ['b1', 'b2', 'b3'] });
    assert.equal(batch!.sent.length, 1);
    assert.equal(batch!.sent[0].msgId.split(',').length, 3);
    after = await maxOffsets(cluster, topic, QUEUES);
    assert.equal(total(after) - total(before), 3n);
  });

  it('invalid arguments are refused before anything is sent', async () => {
    const before = await maxOffsets(cluster, topic, QUEUES);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('rocketmq.sendMessage', { connection: CONN, topic: 'bad topic!', body: 'x' })), /characters RocketMQ does not allow/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('rocketmq.sendMessage', { connection: CONN, topic, body: 'x', properties: { KEYS: 'no' } })), /system property/);
    assert.equal(total(await maxOffsets(cluster, topic, QUEUES)), total(before));
  });

  it('a send that cannot start (no such queue) comes back as a failure with the reason, and nothing is stored', async () => {
    const before = await maxOffsets(cluster, topic, QUEUES);
    const out = await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendMessage', { connection: CONN, topic, body: 'x', queue: { kind: 'explicit', brokerName: 'broker-a', queueId: 7 } });
    assert.equal(out!.sent.length, 0);
    assert.equal(out!.failed.length, 1);
    assert.match(String(out!.failed[0].error), /QUEUE_INVALID.*no writable queue 7 on broker-a \(writable: 0, 1\)/);
    const log = (await vscode.commands.executeCommand<string[]>('rocketmq.internal.recentLog'))!;
    assert.ok(log.some((l) => l.startsWith('error') && l.includes('no writable queue 7 on broker-a')), 'the reason is in the log');
    assert.equal(total(await maxOffsets(cluster, topic, QUEUES)), total(before));
  });

  it('a request file gets CodeLenses per block, and the "Send" lens sends the block', async () => {
    const text = [
      '// request file written by the extension test',
      '### plain',
      `topic: ${topic}`,
      'tag: FromFile',
      'keys: file-1',
      'property: source=codelens',
      '',
      '{"from":"request file"}',
      '',
      '### repeated',
      `topic: ${topic}`,
      'repeat: 3',
      '',
      'three times',
      '',
    ].join('\n');
    const doc = await openRequestDocument(text);
    await vscode.window.showTextDocument(doc);
    const lenses = await pollUntil('CodeLenses', 10_000, async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
      return l && l.length >= 4 ? l : undefined;
    });
    const titles = lenses.map((l) => `${l.range.start.line}:${l.command?.title}`);
    assert.ok(titles.includes('1:$(send) Send'), titles.join(' | '));
    assert.ok(titles.includes('1:Send ×10'), titles.join(' | '));
    assert.ok(titles.includes('9:$(send) Send ×3'), titles.join(' | '));
    const diagnostics = vscode.languages.getDiagnostics(doc.uri);
    assert.deepEqual(diagnostics.map((d) => d.message), []);

    let before = await maxOffsets(cluster, topic, QUEUES);
    const send = lenses.find((l) => l.range.start.line === 1 && l.command?.title === '$(send) Send')!.command!;
    const out = await vscode.commands.executeCommand<SendOutcome>(send.command, ...(send.arguments ?? []));
    assert.equal(out!.sent.length, 1);
    let after = await maxOffsets(cluster, topic, QUEUES);
    assert.equal(total(after) - total(before), 1n);
    const client = new MQClient({ namesrvAddr: cluster.namesrv });
    try {
      const m = await viewMessageById(client, out!.sent[0].offsetMsgId!, { topic });
      assert.equal(Buffer.from(m.body!).toString('utf8'), '{"from":"request file"}');
      assert.equal(m.properties.get('TAGS'), 'FromFile');
      assert.equal(m.properties.get('source'), 'codelens');
    } finally {
      await client.close();
    }

    before = after;
    const rep = lenses.find((l) => l.range.start.line === 9 && l.command?.title === '$(send) Send ×3')!.command!;
    const out3 = await vscode.commands.executeCommand<SendOutcome>(rep.command, ...(rep.arguments ?? []));
    assert.equal(out3!.sent.length, 3);
    after = await maxOffsets(cluster, topic, QUEUES);
    assert.equal(total(after) - total(before), 3n);
    await closeRequestDocument(doc);
  });

  it('batch, committed transaction and delayed blocks of a request file land on the broker', async () => {
    const text = [
      '### batch',
      `topic: ${topic}`,
      'type: batch',
      '',
      'one',
      '---',
      'two',
      '---',
      'three',
      '',
      '### transaction',
      `topic: ${topic}`,
      'transaction: commit',
      '',
      'committed',
      '',
      '### delayed by one second (level 1)',
      `topic: ${topic}`,
      'delay: 1',
      '',
      'later',
    ].join('\n');
    const doc = await openRequestDocument(text);
    assert.deepEqual(vscode.languages.getDiagnostics(doc.uri).map((d) => d.message), []);
    const uri = doc.uri.toString();

    let before = await maxOffsets(cluster, topic, QUEUES);
    const batch = await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendRequestBlock', uri, 0);
    assert.equal(batch!.sent.length, 1);
    assert.equal(batch!.sent[0].msgId.split(',').length, 3);
    assert.equal(total(await maxOffsets(cluster, topic, QUEUES)) - total(before), 3n);

    before = await maxOffsets(cluster, topic, QUEUES);
    const tx = await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendRequestBlock', uri, 1);
    assert.equal(tx!.sent[0].transactionState, 'COMMIT_MESSAGE');
    // The half message is stored aside; the broker writes it to the topic when the commit arrives.
    await pollUntil('the committed message in the topic', 15_000, async () => (total(await maxOffsets(cluster, topic, QUEUES)) - total(before) === 1n ? true : undefined));

    before = await maxOffsets(cluster, topic, QUEUES);
    const delayed = await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendRequestBlock', uri, 2);
    assert.equal(delayed!.sent[0].status, 'SEND_OK');
    await pollUntil('the delayed message in the topic', 20_000, async () => (total(await maxOffsets(cluster, topic, QUEUES)) - total(before) === 1n ? true : undefined));
  });

  it('request files get diagnostics for invalid topics and properties, and an error lens instead of Send', async () => {
    const doc = await openRequestDocument('### broken\ntopic: bad topic!\nproperty: UNIQ_KEY=x\nmode: fast\n\nbody\n');
    const diags = await pollUntil('diagnostics', 10_000, () => {
      const d = vscode.languages.getDiagnostics(doc.uri);
      return d.length >= 3 ? d : undefined;
    });
    const byLine = new Map(diags.map((d) => [d.range.start.line, d]));
    assert.match(byLine.get(1)!.message, /characters RocketMQ does not allow/);
    assert.equal(byLine.get(1)!.severity, vscode.DiagnosticSeverity.Error);
    assert.match(byLine.get(2)!.message, /system property/);
    assert.match(byLine.get(3)!.message, /mode must be one of/);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    assert.deepEqual(lenses!.map((l) => l.command?.title), ['$(error) 3 problems — fix to send']);
  });

  it('"Show frames" logs the producer\'s own request and response frames of a send', async () => {
    const out = await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendMessage', { connection: CONN, topic, body: 'frames please' });
    const n = await vscode.commands.executeCommand<number>('rocketmq.showSendFrames', out);
    assert.ok(n! >= 2, `frames: ${n}`);
    const log = (await vscode.commands.executeCommand<string[]>('rocketmq.internal.recentLog'))!;
    const tail = log.slice(-2 * n! - 2).join('\n');
    assert.match(tail, /→ 127\.0\.0\.1:\d+ request SEND_MESSAGE_V2 \(310\)/);
    assert.match(tail, /← 127\.0\.0\.1:\d+ response SUCCESS \(0\)/);
    assert.ok(tail.includes('frames please'), 'the request body is in the decoded frame');
    assert.ok(log.some((l) => l.includes(`SEND_OK msgId ${out!.sent[0].msgId}`)), 'the result is in the log');
  });
});
