/**
 * Capture → replay in a real extension host: a capture of sends (tags, keys, properties, a delay, a
 * binary body, a batch) opens in the inspector; *Open as Request File* on every row (through the
 * provider's own endpoint, as the webview asks) opens an untitled `.rocketmq` document with one block
 * per send, writes the binary body to `.rocketmq/bodies/` in the workspace folder, and skips the rows
 * that are not sends. The document has no problems and a Send lens per block; sending the binary
 * block through its lens stores exactly the captured bytes on the real 5.3 broker.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunningCluster } from '../support/cluster';
import type { Envelope } from '../../src/shared/endpoint';
import type { SendOutcome } from '../../src/app/send/executor';
import { parseRequestFile } from '../../src/core/requestfile';
import { MQClient } from '../../src/core/producer';
import { viewMessageById } from '../../src/core/consumer/browse';
import { REPLAY_BINARY as BINARY, replayCapture as captureOf } from '../support/replay/fixtures';
import { activateExtension, ensureConnection, pollUntil, testCluster } from './routes-cluster';

describe('Open as Request File (extension host)', function () {
  this.timeout(60_000);
  let cluster: RunningCluster;
  let dir: string;
  const topic = `ExtReplay_${Date.now()}`;

  before(async function () {
    this.timeout(300_000);
    cluster = await testCluster();
    await cluster.createTopic(topic, { queues: 2 });
    await activateExtension();
    await ensureConnection('replay-test', cluster.namesrv);
    dir = mkdtempSync(join(tmpdir(), 'replay-ext-'));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the selected sends as a request document with a body file, and its binary block sends the captured bytes', async () => {
    const file = join(dir, 'orders.pcapng');
    writeFileSync(file, captureOf(topic));
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'rocketmq.captureInspector');
    await pollUntil('indexed', 20_000, async () => (await vscode.commands.executeCommand<{ target: string; done: boolean }[]>('_rocketmq.inspector.sessions')).find((s) => s.target === file && s.done));
    const rows = await vscode.commands.executeCommand<Envelope>('_rocketmq.inspector.request', file, 'getRows', { start: 0, count: 100 });
    const frames = (rows as { result: { rows: { frame: number }[] } }).result.rows.map((r) => r.frame);
    assert.equal(frames.length, 8);
    const refused = await vscode.commands.executeCommand<Envelope>('_rocketmq.inspector.request', file, 'openRequestFile', { frames: 'all' });
    assert.equal(refused.kind, 'error', 'hostile params are refused by the validator');

    const a = await vscode.commands.executeCommand<Envelope>('_rocketmq.inspector.request', file, 'openRequestFile', { frames }, 30_000);
    assert.equal(a.kind, 'reply', JSON.stringify(a));
    assert.equal((a as { result: { message: string } }).result.message, 'Opened 4 message(s) from 3 send(s) as a request file (3 block(s), 1 body file(s)); 5 selected row(s) skipped (not send requests or incomplete)');
    const doc = await pollUntil('the request document', 10_000, async () => {
      const d = vscode.window.activeTextEditor?.document;
      return d?.languageId === 'rocketmq-request' ? d : undefined;
    });
    assert.equal(doc.isUntitled, true);
    const text = doc.getText();
    const parsed = parseRequestFile(text, { now: 0 });
    assert.deepEqual(parsed.diagnostics.filter((d) => d.severity === 'error'), []);
    const specs = parsed.blocks.map((b) => b.spec!);
    assert.deepEqual(specs.map((s) => [s.topic, s.tags, s.keys, s.properties, s.delayLevel, s.batch]), [
      [topic, 'TagA', ['order-1', 'order-2'], { region: 'eu' }, 2, false],
      [topic, 'Bin', undefined, { region: 'eu' }, undefined, false],
      [topic, 'Batch', undefined, undefined, undefined, true],
    ]);
    assert.deepEqual(specs[2].bodies, ['one', 'two']);
    assert.match(text, /^\/\/ left out \(the producer or broker sets these itself\): UNIQ_KEY, WAIT$/m);
    assert.match(text, /^\/\/ 5 selected row\(s\) skipped: /m);
    const bodyFile = parsed.blocks[1].bodyFile!;
    assert.equal(bodyFile, './.rocketmq/bodies/orders-frame2.body');
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    assert.deepEqual([...readFileSync(join(folder, bodyFile))], [...BINARY], 'the body file holds the captured bytes');

    const lenses = await pollUntil('CodeLenses', 10_000, async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
      return l && l.filter((x) => x.command?.title === '$(send) Send').length === 3 ? l : undefined;
    });
    assert.deepEqual(vscode.languages.getDiagnostics(doc.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => d.message), []);
    const send = lenses.find((l) => l.command?.title === '$(send) Send' && l.range.start.line === parsed.blocks[1].startLine)!.command!;
    const out = await vscode.commands.executeCommand<SendOutcome>(send.command, ...(send.arguments ?? []));
    assert.equal(out?.sent.length, 1, String(out?.failed[0]?.error));
    const client = new MQClient({ namesrvAddr: cluster.namesrv });
    try {
      const m = await viewMessageById(client, out!.sent[0].offsetMsgId!, { topic });
      assert.deepEqual([...m.body!], [...BINARY], 'the broker stores the body file\'s bytes, not a UTF-8 reading of them');
      assert.equal(m.properties.get('TAGS'), 'Bin');
      assert.equal(m.properties.get('region'), 'eu');
    } finally {
      await client.close();
      rmSync(join(folder, '.rocketmq', 'bodies', 'orders-frame2.body'), { force: true });
    }
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
