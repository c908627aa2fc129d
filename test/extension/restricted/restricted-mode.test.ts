/**
 * Restricted Mode, in a real extension host whose workspace folder is not trusted: the extension is
 * enabled ("limited" support), the capture inspector opens a capture from the untrusted folder,
 * Decode Frame works and the Topic Routes view browses a NameServer; every send entry point refuses
 * with a message saying why and how to trust the folder, and nothing reaches the (fake) broker.
 * Request files show an explaining CodeLens instead of "Send".
 *
 * Registers its tests only when loaded by the Restricted Mode suite entry (./index.ts).
 */
import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SendOutcome } from '../../../src/app/send/executor';
import type { NodeSnapshot } from '../../../src/extension/routes/tree';
import type { DecodeFrameCommandResult } from '../../../src/extension/decode/commands';
import type { RowsPage } from '../../../src/shared/inspector-protocol';
import type { Envelope } from '../../../src/shared/endpoint';
import { EXTENSION_ID, pollUntil, sampleSendFrame, toHex } from '../suite/helpers';
import { FakeRocketMQ } from '../fake-rocketmq';
import { inRestrictedSuite } from './flag';

const CONN = 'restricted-test';
const TOPIC = 'TrustTopic';
const RESTRICTED_LENS = '$(shield) Restricted Mode — trust this folder to send';

async function recentLog(): Promise<string[]> {
  return (await vscode.commands.executeCommand<string[]>('rocketmq.internal.recentLog'))!;
}

function find(nodes: NodeSnapshot[] | undefined, pred: (n: NodeSnapshot) => boolean): NodeSnapshot | undefined {
  for (const n of nodes ?? []) {
    if (pred(n)) return n;
    const inner = find(n.children, pred);
    if (inner) return inner;
  }
  return undefined;
}

if (inRestrictedSuite()) {
  describe('Restricted Mode (untrusted workspace)', function () {
    this.timeout(60_000);
    let fake: FakeRocketMQ;
    let ws: string;

    before(async () => {
      ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
      fake = await new FakeRocketMQ([TOPIC]).start();
    });

    after(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await fake?.stop();
    });

    it('runs in an untrusted workspace, and the extension is enabled and activates there', async () => {
      assert.equal(vscode.workspace.isTrusted, false, 'the workspace is trusted: this suite must run in Restricted Mode');
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, 'the extension is not loaded in Restricted Mode (capabilities.untrustedWorkspaces)');
      assert.equal(ext.packageJSON.capabilities.untrustedWorkspaces.supported, 'limited');
      await ext.activate();
      assert.equal(ext.isActive, true);
      // The button of every refusal runs this command.
      assert.ok((await vscode.commands.getCommands(true)).includes('workbench.trust.manage'));
    });

    it('browses the Topic Routes view (NameServer queries are reading)', async () => {
      await vscode.commands.executeCommand('rocketmq.addConnection', { name: CONN, namesrv: fake.addr, activate: true });
      await vscode.commands.executeCommand('rocketmq.refresh');
      const tree = await pollUntil('the topic and the broker in the tree', 20_000, async () => {
        const t = (await vscode.commands.executeCommand<NodeSnapshot[]>('rocketmq.internal.treeSnapshot', { expand: ['connection', 'clusters', 'cluster', 'topics', 'topic'] }))!;
        const conn = t.find((n) => n.kind === 'connection' && n.label === CONN);
        return find(conn?.children, (n) => n.kind === 'topic' && n.label === TOPIC) && find(conn?.children, (n) => n.kind === 'broker' && n.label === fake.brokerName) ? conn : undefined;
      });
      const topic = find(tree.children, (n) => n.kind === 'topic' && n.label === TOPIC)!;
      assert.ok(find(topic.children, (n) => n.kind === 'routeBroker' && n.label === fake.brokerName), JSON.stringify(topic));
    });

    it('refuses every send entry point with a message naming Restricted Mode and how to trust, and sends nothing', async () => {
      const evil = join(ws, 'evil.rocketmq');
      writeFileSync(evil, `### reads a private file\ntopic: ${TOPIC}\nbodyFile: /etc/passwd\n\n### plain\ntopic: ${TOPIC}\n\nhello\n`);
      try {
        const calls: [string, () => Thenable<SendOutcome | undefined>][] = [
          ['rocketmq.sendMessage (typed arguments)', () => vscode.commands.executeCommand('rocketmq.sendMessage', { connection: CONN, topic: TOPIC, body: 'x' })],
          ['rocketmq.sendMessage (interactive)', () => vscode.commands.executeCommand('rocketmq.sendMessage')],
          ['rocketmq.sendMessageToTopic', () => vscode.commands.executeCommand('rocketmq.sendMessageToTopic', { kind: 'topic', id: `c:${CONN}/topics/${TOPIC}`, connectionName: CONN, topic: TOPIC })],
          ['rocketmq.sendRequestBlock (bodyFile outside)', () => vscode.commands.executeCommand('rocketmq.sendRequestBlock', vscode.Uri.file(evil).toString(), 0)],
          ['rocketmq.sendRequestBlock (inline body)', () => vscode.commands.executeCommand('rocketmq.sendRequestBlock', vscode.Uri.file(evil).toString(), 1, 10)],
          ['rocketmq.sendRequestBlock (orders.rocketmq from the folder)', () => vscode.commands.executeCommand('rocketmq.sendRequestBlock', vscode.Uri.file(join(ws, 'orders.rocketmq')), 0)],
          ['rocketmq.resetConsumerOffset', () => vscode.commands.executeCommand('rocketmq.resetConsumerOffset', { connection: CONN, group: 'G', topic: TOPIC, target: 'earliest', confirm: false })],
          ['rocketmq.resendToOriginalTopic', () => vscode.commands.executeCommand('rocketmq.resendToOriginalTopic', { connection: CONN, message: { topic: '%DLQ%G', properties: new Map([['RETRY_TOPIC', TOPIC]]), body: new Uint8Array([1]) } })],
        ];
        for (const [name, call] of calls) {
          const before = (await recentLog()).length;
          const out = await call();
          assert.equal(out, undefined, `${name} returned ${JSON.stringify(out)}`);
          const lines = (await recentLog()).slice(before);
          const refusal = lines.find((l) => l.startsWith('warn refused in Restricted Mode:'));
          assert.ok(refusal, `${name}: no refusal in the log:\n${lines.join('\n')}`);
          assert.match(refusal, /is disabled in Restricted Mode: this folder is not trusted/);
          assert.match(refusal, /trust the folder: "Manage Workspace Trust"/);
          assert.ok(!lines.some((l) => l.includes('asking to confirm') || l.includes('] sending ')), `${name} went further than the gate:\n${lines.join('\n')}`);
        }
        assert.deepEqual(fake.sends().map((r) => r.code), [], 'a message reached the broker');
      } finally {
        rmSync(evil, { force: true });
      }
    });

    it('request files show a lens explaining Restricted Mode instead of "Send"; problems are still shown', async () => {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(ws, 'orders.rocketmq')));
      await vscode.window.showTextDocument(doc);
      const lenses = await pollUntil('CodeLenses', 10_000, async () => {
        const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
        return l && l.length >= 6 ? l : undefined;
      });
      assert.deepEqual([...new Set(lenses.map((l) => l.command?.title))], [RESTRICTED_LENS]);
      assert.deepEqual([...new Set(lenses.map((l) => l.command?.command))], ['workbench.trust.manage']);
      assert.equal(lenses.length, 6, 'one lens per block');
      const broken = await vscode.workspace.openTextDocument({ language: 'rocketmq-request', content: `### ok\ntopic: ${TOPIC}\n\nx\n\n### broken\ntopic: bad topic!\n\nx\n` });
      const l2 = await pollUntil('CodeLenses of the untitled file', 10_000, async () => {
        const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', broken.uri);
        return l && l.length >= 2 ? l : undefined;
      });
      assert.deepEqual(l2.map((l) => l.command?.title), [RESTRICTED_LENS, '$(error) 1 problem — fix to send']);
    });

    it('opens a capture from the untrusted folder in the inspector', async () => {
      const file = join(ws, 'rocketmq-5.3-lo.pcapng');
      await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'rocketmq.captureInspector');
      type SessionInfo = { target: string; frames: number; done: boolean };
      const s = await pollUntil('the capture to be indexed', 30_000, async () =>
        (await vscode.commands.executeCommand<SessionInfo[]>('_rocketmq.inspector.sessions'))!.find((x) => x.target === file && x.done));
      assert.ok(s.frames > 0, `frames: ${s.frames}`);
      const a = await vscode.commands.executeCommand<Envelope | null>('_rocketmq.inspector.request', file, 'getRows', { start: 0, count: 20 });
      assert.ok(a && a.kind === 'reply', JSON.stringify(a));
      assert.ok((a.result as RowsPage).rows.length > 0);
    });

    it('decodes a frame from hex in the decode panel', async () => {
      const r = await vscode.commands.executeCommand<DecodeFrameCommandResult>('rocketmq.decodeFrameHex', toHex(sampleSendFrame()));
      assert.ok(r?.ok, JSON.stringify(r));
      assert.equal(r.frame.description.header!.codeName, 'SEND_MESSAGE_V2');
      assert.equal(r.rendered.heading, 'SEND_MESSAGE_V2 (310)');
    });
  });
}
