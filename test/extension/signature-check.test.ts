/**
 * The ACL signature check in a real extension host, through the inspector provider's own endpoint (the
 * details pane's path): the SecretKey is asked once with a masked input box, saved in SecretStorage
 * for its AccessKey and reused by the next check; "Use another SecretKey…" asks again and replaces it;
 * a connection profile with the same AccessKey answers without a prompt; the mismatch is named; no
 * secret reaches settings or the answers.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Envelope } from '../../src/shared/endpoint';
import type { SignatureCheckView } from '../../src/shared/inspector-protocol';
import { aclCapture, ACL_SECRET, ACL_WRONG_SECRET } from '../support/inspector/acl-fixtures';
import { activateExtension, ensureConnection, pollUntil } from './routes-cluster';

async function check(target: string, params: { frame: number; askSecret?: boolean }): Promise<SignatureCheckView | null> {
  const r = await vscode.commands.executeCommand<Envelope | null>('_rocketmq.inspector.request', target, 'checkSignature', params, 60_000);
  assert.ok(r && r.kind === 'reply', JSON.stringify(r));
  const text = JSON.stringify(r);
  assert.ok(!text.includes(ACL_SECRET) && !text.includes(ACL_WRONG_SECRET), 'no SecretKey in an answer to the webview');
  return (r as { result: SignatureCheckView | null }).result;
}

const prompts = async () => (await vscode.commands.executeCommand<{ title: string; password: boolean }[]>('_rocketmq.inspector.secretPrompts')) ?? [];

async function open(file: string): Promise<void> {
  await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'rocketmq.captureInspector');
  await pollUntil('indexed', 20_000, async () => ((await vscode.commands.executeCommand<{ target: string; done: boolean }[]>('_rocketmq.inspector.sessions')).find((s) => s.target === file && s.done) ? true : undefined));
}

describe('ACL signature check (extension host)', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigcheck-ext-'));
    await activateExtension();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('asks once (masked), saves the SecretKey for the AccessKey, reuses it; a wrong secret shows mismatch naming the secret; another SecretKey replaces it', async () => {
    const ak = `ak_ext_${Date.now()}`;
    const cap = aclCapture(ak);
    const file = path.join(dir, 'acl.pcapng');
    fs.writeFileSync(file, cap.bytes);
    await open(file);
    const before = (await prompts()).length;
    assert.equal(await vscode.commands.executeCommand('_rocketmq.inspector.signatureSecretSaved', ak), false);

    // first check: no saved SecretKey, no profile with this AccessKey -> one masked prompt
    await vscode.commands.executeCommand('_rocketmq.inspector.answerSecretPrompt', ACL_SECRET);
    const wrong = await check(file, { frame: cap.frames.wrong });
    assert.ok(wrong);
    assert.deepEqual([wrong.match, wrong.cause], [false, 'secret']);
    assert.match(wrong.explanation, /no single field explains it: the SecretKey likely differs/);
    let shown = (await prompts()).slice(before);
    assert.deepEqual(shown, [{ title: `SecretKey for AccessKey ${ak}`, password: true }]);
    assert.equal(await vscode.commands.executeCommand('_rocketmq.inspector.signatureSecretSaved', ak), true, 'saved in SecretStorage');

    // second check: reused from SecretStorage, no prompt
    const good = await check(file, { frame: cap.frames.good });
    assert.deepEqual([good!.match, good!.cause], [true, 'match']);
    assert.match(good!.secretSource, new RegExp(`saved for AccessKey ${ak}`));
    const proxied = await check(file, { frame: cap.frames.proxied });
    assert.deepEqual([proxied!.cause, proxied!.field], ['field-added', 'traceOn']);
    assert.equal((await prompts()).length - before, 1, 'no second prompt');

    // "Use another SecretKey…": asks again, replaces the saved one (the next check uses it)
    await vscode.commands.executeCommand('_rocketmq.inspector.answerSecretPrompt', ACL_WRONG_SECRET);
    const other = await check(file, { frame: cap.frames.good, askSecret: true });
    assert.deepEqual([other!.match, other!.cause], [false, 'secret']);
    const again = await check(file, { frame: cap.frames.wrong });
    assert.equal(again!.match, true, 'the replaced SecretKey is the one signing the refused send');
    // a dismissed prompt checks nothing
    await vscode.commands.executeCommand('_rocketmq.inspector.answerSecretPrompt', undefined);
    assert.equal(await check(file, { frame: cap.frames.good, askSecret: true }), null);
    shown = (await prompts()).slice(before);
    assert.equal(shown.length, 3);
    assert.ok(shown.every((p) => p.password), 'every prompt masks the input');

    const settings = JSON.stringify(vscode.workspace.getConfiguration('rocketmq').inspect('connections')) + JSON.stringify(vscode.workspace.getConfiguration('rocketmq'));
    assert.ok(!settings.includes(ACL_SECRET) && !settings.includes(ACL_WRONG_SECRET), 'no SecretKey in settings');
  });

  it('a connection profile with the AccessKey answers without a prompt', async () => {
    const ak = `ak_profile_${Date.now()}`;
    const cap = aclCapture(ak);
    const file = path.join(dir, 'acl-profile.pcapng');
    fs.writeFileSync(file, cap.bytes);
    const name = `sigcheck-${Date.now()}`;
    await ensureConnection(name, '127.0.0.1:9876', { accessKey: ak, secretKey: ACL_SECRET });
    try {
      await open(file);
      const before = (await prompts()).length;
      const good = await check(file, { frame: cap.frames.good });
      assert.deepEqual([good!.match, good!.secretSource], [true, `the SecretKey of connection "${name}"`]);
      assert.equal((await prompts()).length, before, 'no prompt');
    } finally {
      await vscode.commands.executeCommand('rocketmq.removeConnection', { connectionName: name, confirm: false });
    }
  });
});
