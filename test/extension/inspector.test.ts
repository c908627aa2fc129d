/**
 * The capture inspector in a real extension host: captures open through the custom editor
 * (`vscode.openWith`), and every check goes through the provider's own message handler (the same
 * validation and replies the webview gets). The producer's own traffic and live captures, with real
 * sends to a real cluster, are in own-traffic.test.ts and capture.test.ts.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as vscode from 'vscode';
import { basicCapture, xssCapture } from '../support/inspector/fixtures';
import type { FrameRow, FrameDetails, InspectorHostApi } from '../../src/shared/inspector-protocol';
import type { Envelope, Method, Params, Result } from '../../src/shared/endpoint';
import { pollUntil } from '../support/poll';

const EXT_ID = 'rocketmq-debugger.rocketmq-debugger';

interface SessionInfo { target: string; live: boolean; frames: number; done: boolean; rejected: number }


/** Sends a request through the open inspector's real endpoint; the answer envelope. */
async function answer(target: string, method: string, params: unknown): Promise<Envelope> {
  const r = await vscode.commands.executeCommand<Envelope | null>('_rocketmq.inspector.request', target, method, params);
  assert.ok(r, `no answer to ${method} ${JSON.stringify(params)}`);
  return r;
}

async function ask<M extends Method<InspectorHostApi>>(target: string, method: M, params: Params<InspectorHostApi, M>): Promise<Result<InspectorHostApi, M>> {
  const r = await answer(target, method, params);
  assert.equal(r.kind, 'reply', JSON.stringify(r));
  return (r as { result: Result<InspectorHostApi, M> }).result;
}

async function sessions(): Promise<SessionInfo[]> {
  return vscode.commands.executeCommand<SessionInfo[]>('_rocketmq.inspector.sessions');
}

async function openAndIndex(file: string): Promise<SessionInfo> {
  await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'rocketmq.captureInspector');
  return pollUntil(`${file} to be indexed`, 20_000, async () => (await sessions()).find((s) => s.target === file && s.done));
}

async function allRows(target: string): Promise<FrameRow[]> {
  return (await ask(target, 'getRows', { start: 0, count: 500 })).rows;
}

async function detailsOf(target: string, frame: number): Promise<FrameDetails> {
  return ask(target, 'getDetails', { frame });
}

describe('capture inspector (extension host)', function () {
  this.timeout(60_000);
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'insp-ext-'));
    await vscode.extensions.getExtension(EXT_ID)!.activate();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers the custom editor and the commands', async () => {
    const pkg = vscode.extensions.getExtension(EXT_ID)!.packageJSON as { contributes: { customEditors: { viewType: string; selector: { filenamePattern: string }[] }[] } };
    const ed = pkg.contributes.customEditors.find((c) => c.viewType === 'rocketmq.captureInspector')!;
    assert.deepEqual(ed.selector.map((s) => s.filenamePattern), ['*.pcap', '*.pcapng', '*.pcap.gz']);
    const cmds = await vscode.commands.getCommands(true);
    for (const c of ['rocketmq.openCapture', 'rocketmq.showMyTraffic', 'rocketmq.startCapture', 'rocketmq.stopCapture', 'rocketmq.saveCaptureAs']) assert.ok(cmds.includes(c), c);
    // "Show frames" of a send is a typed call inside the extension, not a command taking untyped records.
    assert.ok(!cmds.includes('rocketmq.inspector.showFrames'));
  });

  it('opens a pcapng: frame counts, pairings and decoded fields through the message protocol', async () => {
    const f = basicCapture();
    const file = join(dir, 'basic.pcapng');
    writeFileSync(file, f.bytes);
    const s = await openAndIndex(file);
    assert.equal(s.frames, f.expect.frames);
    const rows = await allRows(file);
    assert.equal(rows.length, f.expect.frames);
    assert.equal(rows.filter((r) => r.response).length, f.expect.responses);
    const paired = rows.filter((r) => r.pair !== null);
    assert.equal(paired.length, f.expect.pairs * 2);
    for (const r of paired) assert.equal(rows[r.pair!].pair, r.frame, `pair of ${r.frame} points back`);
    assert.deepEqual([...new Set(rows.map((r) => r.topic).filter(Boolean))].sort(), [...f.expect.topics].sort());
    const send = rows.find((r) => r.opaque === 101 && !r.response)!;
    const d = await detailsOf(file, send.frame);
    assert.equal(d.header!.codeName, 'SEND_MESSAGE_V2');
    assert.equal(d.extFields.find((k) => k.key === 'a')!.name, 'producerGroup');
    assert.equal(d.extFields.find((k) => k.key === 'b')!.value, 'OrderTopic');
    assert.equal(d.properties.find((p) => p.key === 'UNIQ_KEY')!.value, f.uniqKey);
    const resp = await detailsOf(file, send.pair!);
    assert.equal(resp.extFields.find((k) => k.key === 'offsetMsgId')!.value, f.offsetMsgId);
    const errs = await ask(file, 'setView', { sort: { column: 'index', descending: false }, filter: { errorsOnly: true } });
    assert.equal(errs.total, 2);
    const sum = await ask(file, 'getSummary', {});
    assert.equal(sum.items.find((i) => i.label === 'Unanswered requests')!.count, f.expect.unanswered);
  });

  it('Copy as… puts a Java snippet, an mqadmin command and a test fixture of the send on the clipboard (a response copies as its request)', async () => {
    const file = join(dir, 'basic.pcapng');
    await ask(file, 'setView', { sort: { column: 'index', descending: false }, filter: {} }); // the test before left errors only
    const rows = await allRows(file);
    const send = rows.find((r) => r.opaque === 101 && !r.response)!;
    const resp = rows[send.pair!];
    const java = await ask(file, 'copy', { frame: resp.frame, format: 'java' });
    assert.match(java.message, new RegExp(`Java snippet \\(of its request, frame ${send.frame}\\)`));
    const src = await vscode.env.clipboard.readText();
    assert.match(src, /new DefaultMQProducer\("pg-demo"\)/);
    assert.match(src, /new Message\("OrderTopic", /);
    assert.match(src, /"\{\\"orderId\\":1,\\"amount\\":9\.5\}"\.getBytes\(StandardCharsets\.UTF_8\)/);
    assert.match(src, /new MessageQueue\("OrderTopic", "broker-a", 1\)/);
    await ask(file, 'copy', { frame: send.frame, format: 'mqadmin' });
    assert.match(await vscode.env.clipboard.readText(), /^sh mqadmin sendMessage -n \S+ -t OrderTopic .*-b broker-a -i 1$/);
    await ask(file, 'copy', { frame: send.frame, format: 'fixture' });
    const fixture = JSON.parse(await vscode.env.clipboard.readText()) as { hex: string; extFields: Record<string, string>; header: { codeName: string } };
    assert.equal(fixture.header.codeName, 'SEND_MESSAGE_V2');
    assert.equal(fixture.extFields.topic, 'OrderTopic');
    assert.ok(fixture.hex.length > 100);
    // a frame the format has nothing for is an error answer, not an empty clipboard
    const heartbeat = rows.find((r) => !r.response && r.codeName !== 'SEND_MESSAGE_V2' && r.codeName !== 'SEND_MESSAGE')!;
    const refused = await answer(file, 'copy', { frame: heartbeat.frame, format: 'java' });
    assert.ok(refused.kind === 'error' && /Java snippet is made for sends only/.test(refused.message), JSON.stringify(refused));
  });

  it('frame diff of two sends names the fields that differ, by real name, and diffs the bodies', async () => {
    const file = join(dir, 'basic.pcapng');
    const rows = await allRows(file);
    const [s1, s2] = rows.filter((r) => r.codeName === 'SEND_MESSAGE_V2' && !r.response);
    const d = await ask(file, 'diff', { a: { frame: s1.frame }, b: { frame: s2.frame } });
    const topic = d.rows.find((r) => r.name.startsWith('topic'))!;
    assert.deepEqual([topic.a, topic.b, topic.same], ['OrderTopic', 'MissingTopic', false]);
    assert.ok(d.rows.find((r) => r.name.startsWith('producerGroup'))!.same, 'the same producer group is not a difference');
    assert.ok(d.differences >= 2, `differences: ${d.differences}`);
    assert.equal(d.body.same, false);
    const self = await ask(file, 'diff', { a: { frame: s1.frame }, b: { frame: s1.frame } });
    assert.equal(self.differences, 0);
    const bad = await answer(file, 'diff', { a: { frame: s1.frame }, b: { frame: 9999 } });
    assert.ok(bad.kind === 'error' && /no frame 9999/.test(bad.message), JSON.stringify(bad));
  });

  it('the timeline counts every frame, errors and unanswered requests; its span as a time filter lists exactly those frames', async () => {
    const file = join(dir, 'basic.pcapng');
    const f = basicCapture();
    const t = await ask(file, 'getTimeline', { buckets: 40 });
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    assert.equal(sum(t.frames), f.expect.frames);
    assert.equal(t.total, f.expect.frames);
    assert.equal(sum(t.errors), 2, 'the two TOPIC_NOT_EXIST frames');
    assert.equal(sum(t.unanswered), f.expect.unanswered);
    assert.ok(t.series.some((s) => s.name === 'SEND_MESSAGE_V2'), JSON.stringify(t.series.map((s) => s.name)));
    // a brushed span is a time filter: the frames of the first half of the timeline, as the list shows them
    const mid = t.fromUs + Math.floor((t.toUs - t.fromUs) / 2);
    const first = Math.ceil((mid - t.fromUs) / t.bucketUs);
    const inSpan = sum(t.frames.slice(0, first));
    const v = await ask(file, 'setView', { sort: { column: 'index', descending: false }, filter: { timeFromSec: (t.fromUs - t.originUs) / 1e6, timeToSec: (t.fromUs + first * t.bucketUs - 1 - t.originUs) / 1e6 } });
    assert.equal(v.total, inSpan, `frames in the first ${first} bucket(s)`);
    await ask(file, 'setView', { sort: { column: 'index', descending: false }, filter: {} });
    const bad = await answer(file, 'getTimeline', { buckets: 0 });
    assert.ok(bad.kind === 'error' && bad.code === 'invalid-request', JSON.stringify(bad));
  });

  it('opens .pcap.gz through the same editor', async () => {
    const file = join(dir, 'basic.pcap.gz');
    writeFileSync(file, gzipSync(basicCapture().bytes));
    const s = await openAndIndex(file);
    assert.equal(s.frames, 9);
    const d = await detailsOf(file, 0);
    assert.equal(d.header!.opaque, 101);
  });

  it('answers malformed requests from the webview side with an error, and refuses other garbage', async () => {
    const file = join(dir, 'basic.pcapng');
    for (const [method, params] of [['getRows', { start: -1, count: 5 }], ['getDetails', { frame: 'x' }], ['copy', { frame: 0, format: 'html' }]] as const) {
      const r = await answer(file, method, params);
      assert.ok(r.kind === 'error' && r.code === 'invalid-request', JSON.stringify(r));
    }
    const missing = await answer(file, 'getDetails', { frame: 10_000 });
    assert.ok(missing.kind === 'error' && missing.code === 'failed' && /no frame 10000/.test(missing.message), JSON.stringify(missing));
    const before = (await sessions()).find((s) => s.target === file)!.rejected;
    for (const raw of [{ type: 'getRows', reqId: 1, start: 0, count: 5 }, { kind: 'event', name: 'savePcapng', body: { path: '/etc/passwd' } }, 'ready']) {
      await vscode.commands.executeCommand('_rocketmq.inspector.receive', file, raw);
    }
    assert.equal((await sessions()).find((s) => s.target === file)!.rejected, before + 3);
  });

  it('keeps script payloads as literal text in rows and details', async () => {
    const x = xssCapture();
    const file = join(dir, 'xss.pcapng');
    writeFileSync(file, x.bytes);
    await openAndIndex(file);
    const rows = await allRows(file);
    assert.equal(rows[0].topic, x.payloads.topic);
    const d = await detailsOf(file, 0);
    assert.equal(d.header!.remark, x.payloads.remark);
    assert.equal(d.body!.text, x.payloads.body);
  });
});
