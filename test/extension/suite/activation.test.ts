/**
 * Harness proofs, run before any other extension test: the extension is found and loads lazily, the
 * RocketMQ view exists and becoming visible activates it, every contributed command is registered.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, pollUntil } from './helpers';

describe('extension harness', () => {
  it('finds the extension, not yet active (activation is lazy)', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded: check engines.vscode against the host (${vscode.version})`);
    assert.equal(ext.isActive, false, 'the extension activated before anything asked for it');
    assert.equal(ext.extensionKind, vscode.ExtensionKind.Workspace);
  });

  it('runs in a Node extension host', () => {
    assert.equal(typeof process.versions.node, 'string');
    assert.match(vscode.version, /^1\.\d+\.\d+/);
  });

  it('shows the RocketMQ view, which activates the extension (onView)', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const views = (ext.packageJSON.contributes.views.rocketmq as Array<{ id: string }>).map((v) => v.id);
    assert.ok(views.includes('rocketmq.topicRoutes'));
    // The container's and the view's focus commands exist only when the contribution was accepted.
    const all = await vscode.commands.getCommands(true);
    assert.ok(all.includes('workbench.view.extension.rocketmq'), 'RocketMQ view container is not registered');
    assert.ok(all.includes('rocketmq.topicRoutes.focus'), 'Topic Routes view is not registered');
    await vscode.commands.executeCommand('rocketmq.topicRoutes.focus');
    // The view reports visible asynchronously; the only thing that can activate the extension now is
    // the view being shown (onView:rocketmq.topicRoutes).
    await pollUntil('the extension to activate once its view is visible', 20_000, () => (ext.isActive ? true : undefined));
  });

  it('registers every command it contributes', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    const contributed = (ext.packageJSON.contributes.commands as Array<{ command: string }>).map((c) => c.command);
    for (const id of ['rocketmq.addConnection', 'rocketmq.refresh', 'rocketmq.sendMessage', 'rocketmq.openCapture', 'rocketmq.decodeFrameHex']) {
      assert.ok(contributed.includes(id), `${id} is not contributed in package.json`);
    }
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('starts no own-traffic store on activation: it is created by the first frame a connection records', async () => {
    assert.equal(await vscode.commands.executeCommand('_rocketmq.inspector.ownTraffic'), null);
  });
});
