/**
 * A request block's bodyFile, in the real extension host of a TRUSTED workspace: a file inside the
 * request file's workspace folder is read and sent; one that resolves outside (a `..` escape, an
 * absolute path, a symbolic link pointing out) needs a modal confirmation naming the path and the
 * folder, and nothing is read or sent without it. Sends go to a fake NameServer/broker that records
 * every request, so "nothing sent" is checked on the wire. (Restricted Mode: test/extension/restricted/.)
 *
 * A modal dialog cannot be clicked from the extension host: under the test runner the extension
 * takes scripted answers from `rocketmq.internal.answerConfirmations` (ExtensionMode.Test only), and
 * logs every question it asks.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as vscode from 'vscode';
import type { SendOutcome } from '../../src/app/send/executor';
import { activateExtension, ensureConnection } from './routes-cluster';
import { FakeRocketMQ } from './fake-rocketmq';

const CONN = 'bodyfile-test';
const TOPIC = 'BodyFileTopic';

async function recentLog(): Promise<string[]> {
  return (await vscode.commands.executeCommand<string[]>('rocketmq.internal.recentLog'))!;
}

/** Log lines written while `f` ran. */
async function logDuring<T>(f: () => PromiseLike<T>): Promise<{ result: T; lines: string[] }> {
  const before = (await recentLog()).length;
  const result = await f();
  const all = await recentLog();
  return { result, lines: all.slice(Math.min(before, all.length)) }; // the log keeps the last 1000 lines
}

const answer = (...answers: (string | null)[]) => vscode.commands.executeCommand('rocketmq.internal.answerConfirmations', answers);

describe('bodyFile stays inside the workspace folder (trusted workspace)', function () {
  this.timeout(60_000);
  let fake: FakeRocketMQ;
  let ws: string;
  let wsReal: string;
  let dir: string;
  let outside: string;
  let secret: string;

  /** Sends block `index` of `file` through the command the CodeLens runs. */
  const sendBlock = (file: string, index: number) => vscode.commands.executeCommand<SendOutcome | undefined>('rocketmq.sendRequestBlock', vscode.Uri.file(file).toString(), index);

  before(async () => {
    assert.equal(vscode.workspace.isTrusted, true, 'this suite runs in a trusted workspace');
    ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
    wsReal = realpathSync(ws); // what the messages name: links resolved
    dir = join(ws, 'bodyfile-test');
    mkdirSync(dir, { recursive: true });
    outside = realpathSync(mkdtempSync(join(tmpdir(), 'rmq-outside-')));
    assert.ok(relative(wsReal, outside).startsWith('..'), `${outside} must be outside ${wsReal}`);
    secret = join(outside, 'secret.txt');
    writeFileSync(secret, 'private content that must not leave without asking');
    writeFileSync(join(dir, 'payload.json'), '{"from":"inside the folder"}');
    symlinkSync(secret, join(dir, 'link-out.json'));
    symlinkSync(join(dir, 'payload.json'), join(dir, 'link-in.json'));
    writeFileSync(join(dir, 'req.rocketmq'), [
      '### inside', `topic: ${TOPIC}`, 'bodyFile: ./payload.json', '',
      '### dot-dot escape', `topic: ${TOPIC}`, `bodyFile: ${relative(dir, secret)}`, '',
      '### absolute path', `topic: ${TOPIC}`, `bodyFile: ${secret}`, '',
      '### link pointing outside', `topic: ${TOPIC}`, 'bodyFile: link-out.json', '',
      '### link pointing inside', `topic: ${TOPIC}`, 'bodyFile: link-in.json', '',
      '### missing', `topic: ${TOPIC}`, 'bodyFile: nope.json', '',
    ].join('\n'));
    fake = await new FakeRocketMQ([TOPIC]).start();
    await activateExtension();
    await ensureConnection(CONN, fake.addr);
  });

  after(async () => {
    await answer();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('rocketmq.removeConnection', { connectionName: CONN, confirm: false });
    await fake?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('reads a bodyFile inside the folder (directly or through a link that stays inside) and sends it without asking', async () => {
    for (const index of [0, 4]) {
      const n = fake.sends().length;
      await answer(); // no scripted answer: an unexpected question would hang here, not pass
      const { result, lines } = await logDuring(() => sendBlock(join(dir, 'req.rocketmq'), index));
      assert.equal(result?.sent.length, 1, `block ${index}: ${JSON.stringify(result?.failed)}`);
      assert.deepEqual(fake.sentBodies(n), ['{"from":"inside the folder"}']);
      assert.ok(!lines.some((l) => l.includes('asking to confirm')), lines.join('\n'));
    }
  });

  for (const [index, name] of [[1, 'a .. escape'], [2, 'an absolute path'], [3, 'a symbolic link pointing outside']] as const) {
    it(`asks before reading ${name}, names the file and the folder, and sends nothing when not confirmed`, async () => {
      const n = fake.sends().length;
      await answer(null); // the dialog is dismissed
      const { result, lines } = await logDuring(() => sendBlock(join(dir, 'req.rocketmq'), index));
      assert.equal(result, undefined);
      assert.equal(fake.sends().length, n, 'a message was sent');
      const asked = lines.find((l) => l.includes('asking to confirm'));
      assert.ok(asked, lines.join('\n'));
      assert.ok(asked.includes(secret), `the question names the file read: ${asked}`);
      assert.ok(asked.includes(`outside the workspace folder ${wsReal}`), `the question names the folder: ${asked}`);
      assert.ok(asked.includes(`"${CONN}"`), `the question names where it would go: ${asked}`);
      if (index === 3) assert.ok(asked.includes(join(dir, 'link-out.json')), `the link is named: ${asked}`);
      assert.ok(lines.some((l) => l.includes(`not confirmed: ${secret} was not read, nothing sent`)), lines.join('\n'));
    });
  }

  it('reads and sends a file outside the folder once the dialog is confirmed', async () => {
    const n = fake.sends().length;
    await answer('Read and Send');
    const { result, lines } = await logDuring(() => sendBlock(join(dir, 'req.rocketmq'), 2));
    assert.equal(result?.sent.length, 1, JSON.stringify(result?.failed));
    assert.deepEqual(fake.sentBodies(n), ['private content that must not leave without asking']);
    assert.ok(lines.some((l) => l.includes(`confirmed: reading ${secret}`)), lines.join('\n'));
  });

  it('a missing bodyFile is an error naming the path, and nothing is sent', async () => {
    const n = fake.sends().length;
    const { result, lines } = await logDuring(() => sendBlock(join(dir, 'req.rocketmq'), 5));
    assert.equal(result, undefined);
    assert.equal(fake.sends().length, n);
    assert.ok(lines.some((l) => l.startsWith('error') && l.includes(`Cannot read bodyFile "nope.json" (${join(dir, 'nope.json')}): no such file`)), lines.join('\n'));
  });

  it('a request file outside every workspace folder reads next to itself; above it needs confirming', async () => {
    const loose = join(outside, 'loose');
    mkdirSync(loose);
    writeFileSync(join(loose, 'p.json'), 'next to the loose request file');
    const file = join(loose, 'loose.rocketmq');
    writeFileSync(file, [`topic: ${TOPIC}`, 'bodyFile: p.json', '', `### up`, `topic: ${TOPIC}`, 'bodyFile: ../secret.txt', ''].join('\n'));
    let n = fake.sends().length;
    await answer();
    const near = await sendBlock(file, 0);
    assert.equal(near?.sent.length, 1);
    assert.deepEqual(fake.sentBodies(n), ['next to the loose request file']);
    n = fake.sends().length;
    await answer(null);
    const { result, lines } = await logDuring(() => sendBlock(file, 1));
    assert.equal(result, undefined);
    assert.equal(fake.sends().length, n);
    assert.ok(lines.some((l) => l.includes('asking to confirm') && l.includes(`outside the request file's folder ${loose}`)), lines.join('\n'));
  });

  it('an untitled request file reads relative to the first workspace folder', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'rocketmq-request', content: `topic: ${TOPIC}\nbodyFile: bodyfile-test/payload.json\n` });
    const n = fake.sends().length;
    await answer();
    const out = await vscode.commands.executeCommand<SendOutcome | undefined>('rocketmq.sendRequestBlock', doc.uri.toString(), 0);
    assert.equal(out?.sent.length, 1);
    assert.deepEqual(fake.sentBodies(n), ['{"from":"inside the folder"}']);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
