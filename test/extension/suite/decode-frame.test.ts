/**
 * rocketmq.decodeFrameHex end to end in the extension host: hex → core codec → webview panel, the
 * webview confirming what it put on screen. (What it looks like is checked from the browser side by
 * the UI test.)
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DecodeFrameCommandResult } from '../../../src/extension/decode/commands';
import { pollUntil, sampleResponseFrame, sampleSendFrame, toHex } from './helpers';

const decode = (hex: string) => vscode.commands.executeCommand<DecodeFrameCommandResult>('rocketmq.decodeFrameHex', hex);

function webviewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('rocketmq.decodedFrame'));
}

describe('Decode Frame from Hex', () => {
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('decodes a SEND_MESSAGE_V2 request and the webview renders it', async () => {
    const result = await decode(toHex(sampleSendFrame()));
    assert.ok(result?.ok, `decode failed: ${JSON.stringify(result)}`);
    const d = result.frame.description;
    assert.equal(d.header!.codeName, 'SEND_MESSAGE_V2');
    assert.equal(d.header!.code, 310);
    assert.equal(d.header!.type, 'request');
    assert.equal(d.header!.opaque, 4242);
    assert.equal(d.header!.serializeType, 'JSON');
    assert.equal(d.body!.kind, 'json');
    assert.equal(d.body!.text, JSON.stringify({ orderId: 42, amount: '19.90' }, null, 2));
    assert.deepEqual(d.extFields.find((f) => f.key === 'b'), { key: 'b', name: 'topic', value: 'OrderCreated', range: d.extFields.find((f) => f.key === 'b')!.range });
    assert.ok(d.extFields.every((f) => f.range), 'every field has its byte range');
    assert.deepEqual(d.properties.map((f) => [f.name, f.value]), [['KEYS', 'order-42'], ['UNIQ_KEY', 'AC1100010F2A18B4AAC2']]);
    // The webview answered with what it drew: heading and one table row per header field.
    assert.equal(result.rendered.heading, 'SEND_MESSAGE_V2 (310)');
    assert.equal(result.rendered.fieldCount, d.extFields.length);
    assert.equal(result.rendered.fieldCount, 12);
    const tabs = await pollUntil('the decoded-frame tab', 10_000, () => (webviewTabs().length > 0 ? webviewTabs() : undefined));
    assert.equal(tabs.length, 1);
    assert.equal(tabs[0].label, 'Frame: SEND_MESSAGE_V2');
  });

  it('reuses the panel for the next frame, a binary-header response', async () => {
    const result = await decode(`0x${sampleResponseFrame('topic not exist').toString('hex')}`);
    assert.ok(result?.ok, JSON.stringify(result));
    const d = result.frame.description;
    assert.equal(d.header!.type, 'response');
    assert.equal(d.header!.codeName, 'TOPIC_NOT_EXIST');
    assert.equal(d.header!.serializeType, 'ROCKETMQ');
    assert.equal(d.header!.remark, 'topic not exist');
    assert.equal(result.rendered.heading, 'TOPIC_NOT_EXIST (17)');
    assert.equal(result.rendered.fieldCount, 1);
    assert.deepEqual(d.extFields.map((f) => [f.key, f.name, f.value]), [['msgId', 'msgId', '<b>not bold</b>']]); // responses: no V2 names
    assert.deepEqual(d.properties, []);
    assert.equal(webviewTabs().length, 1, 'a second panel was opened instead of reusing the first');
  });

  it('reports hex that is not hex, and frames that are cut short, without opening a panel', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const notHex = await decode('00 00 zz');
    assert.ok(notHex && !notHex.ok);
    assert.equal(notHex.kind, 'invalid-hex');
    assert.match(notHex.error, /"z" is not a hex digit/);
    const full = sampleSendFrame();
    const cut = await decode(toHex(full.subarray(0, full.length - 5)));
    assert.ok(cut && !cut.ok);
    assert.equal(cut.kind, 'truncated');
    assert.equal(webviewTabs().length, 0);
  });
});
