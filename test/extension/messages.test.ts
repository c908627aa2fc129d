/**
 * Finding messages from VS Code, in the real extension host, against a real RocketMQ 5.3 cluster:
 * the commands with typed arguments (Find Message by id, key and time range, Browse Messages, Show
 * Message on a send result, Show Message Trace), the panel's host answering the webview's requests
 * (detail, whole body, Copy as JSON, Open as Request Block), and "not found" told from "failed".
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SendOutcome } from '../../src/app/send/executor';
import type { FindCommandResult } from '../../src/extension/messages/commands';
import type { MessageDetail, MessageList, TraceView } from '../../src/shared/message-view';
import type { ActionResult, ViewReport } from '../../src/shared/message-protocol';
import { activateExtension, ensureConnection, testCluster } from './routes-cluster';
import { pollUntil } from '../support/poll';
import type { RunningCluster } from '../support/cluster';

const CONN = 'messages-test';

describe('Finding messages (real 5.3 cluster)', function () {
  this.timeout(60_000);
  let cluster: RunningCluster;
  const topic = `ExtMsgs_${Date.now()}`;
  const sent: SendOutcome['sent'] = [];
  let t0 = 0;

  before(async function () {
    this.timeout(300_000);
    cluster = await testCluster();
    await cluster.createTopic(topic, { queues: 2 });
    await activateExtension();
    await ensureConnection(CONN, cluster.namesrv);
    t0 = Date.now() - 1000;
    for (let i = 0; i < 3; i++) {
      const out = await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendMessage', {
        connection: CONN, topic, tags: 'TagA', keys: `ext-key-${i} shared-key`, body: JSON.stringify({ n: i, text: 'find me' }), properties: { region: 'eu' },
      });
      assert.equal(out.sent.length, 1, String(out.failed[0]?.error));
      sent.push(out.sent[0]);
    }
  });

  const find = (query: unknown) => vscode.commands.executeCommand<FindCommandResult>('rocketmq.findMessage', { connection: CONN, query });

  it('by msgId within the topic: found, shown in the list and the detail', async () => {
    const r = await pollUntil('the msgId indexed', 20_000, async () => {
      const x = await find({ kind: 'id', id: sent[0].msgId, topic });
      return x.result.list.outcome === 'found' ? x : undefined;
    });
    assert.equal(r.result.messages.length, 1);
    assert.equal(r.result.messages[0].offsetMsgId, sent[0].offsetMsgId);
    assert.deepEqual(r.view, { heading: r.result.list.headline, rows: 1, page: 1 });
  });

  it('by offsetMsgId without a topic: read from the broker it names', async () => {
    const r = await find({ kind: 'id', id: sent[1].offsetMsgId });
    assert.equal(r.result.list.outcome, 'found');
    assert.equal(r.result.messages[0].msgId, sent[1].msgId);
    assert.equal(r.result.messages[0].brokerName, sent[1].brokerName);
  });

  it('by key: every message with the key, from every broker', async () => {
    const r = await pollUntil('the key indexed', 20_000, async () => {
      const x = await find({ kind: 'key', topic, key: 'shared-key' });
      return x.result.messages.length === 3 ? x : undefined;
    });
    assert.deepEqual(r.result.messages.map((m) => m.msgId).sort(), sent.map((s) => s.msgId).sort());
    assert.match(r.result.list.headline, /^3 messages for key "shared-key" in .* — asked broker-a, broker-b$/);
    assert.equal(r.view?.rows, 3);
  });

  it('by time range: merged in store-time order', async () => {
    const r = await find({ kind: 'time', topic, from: t0, to: Date.now() + 1000 });
    assert.deepEqual(r.result.messages.map((m) => m.msgId).sort(), sent.map((s) => s.msgId).sort());
    assert.equal(r.result.messages.length, 3);
    for (let i = 1; i < 3; i++) assert.ok(r.result.messages[i - 1].storeTimestamp <= r.result.messages[i].storeTimestamp);
  });

  it('Browse Messages reads a queue in offset order and says nothing was committed', async () => {
    const s = sent[0];
    const r = await vscode.commands.executeCommand<FindCommandResult>('rocketmq.browseQueue', { connection: CONN, kind: 'queue', topic, brokerName: s.brokerName, queueId: s.queueId, offset: 0, count: 10 });
    assert.equal(r.result.list.outcome, 'found');
    r.result.messages.forEach((m, i) => assert.equal(m.queueOffset, i));
    assert.ok(r.result.messages.some((m) => m.msgId === s.msgId));
    assert.match(r.result.list.headline, /nothing committed$/);
    assert.equal(r.result.browse?.nextOffset, r.result.browse?.maxOffset);
    assert.equal(r.result.list.more, undefined, 'at the end of the queue there is no "next"');
  });

  it('Browse Messages a page at a time: "Next" continues where the page ended, until the end of the queue', async () => {
    const s = sent[0];
    const all = await vscode.commands.executeCommand<FindCommandResult>('rocketmq.browseQueue', { connection: CONN, kind: 'queue', topic, brokerName: s.brokerName, queueId: s.queueId, offset: 0, count: 100 });
    const total = all.result.messages.length;
    const first = await vscode.commands.executeCommand<FindCommandResult>('rocketmq.browseQueue', { connection: CONN, kind: 'queue', topic, brokerName: s.brokerName, queueId: s.queueId, offset: 0, count: 1 });
    assert.equal(first.result.messages.length, 1);
    const seen = [first.result.messages[0].queueOffset];
    let label = first.result.list.more;
    while (label) {
      assert.match(label, new RegExp(`^Next 1 from offset ${seen.length}$`));
      const next = await vscode.commands.executeCommand<MessageList>('_rocketmq.messages.request', 'more', {});
      assert.equal(next.rows.length, 1);
      seen.push(Number(next.rows[0].queueOffset));
      label = next.more;
    }
    assert.deepEqual(seen, Array.from({ length: total }, (_, i) => i));
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('_rocketmq.messages.request', 'more', {})), /nothing more to read/);
  });

  it('Show Message on a send result reads it back; the panel answers detail, whole body, Copy as JSON and Open as Request Block', async () => {
    const s = sent[2];
    const shown = await vscode.commands.executeCommand<{ detail?: MessageDetail; view?: ViewReport }>('rocketmq.showSentMessage', { connection: CONN, topic, msgId: s.msgId, offsetMsgId: s.offsetMsgId });
    assert.ok(shown?.detail);
    const d = shown.detail;
    assert.equal(d.ids[0].value, s.msgId);
    assert.equal(d.body.kind, 'json');
    assert.match(d.body.json ?? '', /"text": "find me"/);
    assert.deepEqual(d.userProperties, [{ name: 'region', value: 'eu' }]);
    // what the webview asks, through the host's validators and handlers
    const again = await vscode.commands.executeCommand<MessageDetail>('_rocketmq.messages.request', 'detail', { handle: d.handle });
    assert.equal(again.title, d.title);
    const full = await vscode.commands.executeCommand<MessageDetail['body']>('_rocketmq.messages.request', 'fullBody', { handle: d.handle });
    assert.equal(full.complete, true);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('_rocketmq.messages.request', 'detail', { handle: '<img src=x>' })), /invalid detail params/);
    const copied = await vscode.commands.executeCommand<ActionResult>('_rocketmq.messages.request', 'action', { handle: d.handle, action: 'copyJson' });
    assert.equal(copied.ok, true);
    const json = JSON.parse(await vscode.env.clipboard.readText());
    assert.equal(json.msgId, s.msgId);
    assert.equal(json.body.text, JSON.stringify({ n: 2, text: 'find me' }));
    const opened = await vscode.commands.executeCommand<ActionResult>('_rocketmq.messages.request', 'action', { handle: d.handle, action: 'openAsRequest' });
    assert.equal(opened.ok, true);
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.languageId, 'rocketmq-request');
    assert.match(doc!.getText(), new RegExp(`^topic: ${topic}$`, 'm'));
    assert.match(doc!.getText(), /^keys: ext-key-2 shared-key$/m);
    assert.match(doc!.getText(), /^property: region=eu$/m);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('not found and failed are different outcomes', async () => {
    const none = await find({ kind: 'key', topic, key: 'no-such-key' });
    assert.equal(none.result.list.outcome, 'not-found');
    assert.match(none.result.list.headline, /^Not found: key "no-such-key" .* every broker answered \(broker-a, broker-b\)$/);
    const noTopic = await find({ kind: 'key', topic: `NoSuch_${Date.now()}`, key: 'k' });
    assert.equal(noTopic.result.list.outcome, 'not-found');
    assert.match(noTopic.result.list.headline, /does not exist: TOPIC_NOT_EXIST \(17\) from NameServer/);
  });

  it('Show Message Trace on a message sent without trace says there is none, and why', async () => {
    const r = await vscode.commands.executeCommand<{ trace: TraceView; view?: ViewReport }>('rocketmq.showMessageTrace', { connection: CONN, msgId: sent[0].msgId });
    assert.equal(r.trace.outcome, 'not-found');
    assert.match(r.trace.details[0], /trace is off in RocketMQ clients by default/i);
    assert.equal(r.view?.rows, 0);
  });
});
