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
    assert.equal(result.frame.codeName, 'SEND_MESSAGE_V2');
    assert.equal(result.frame.code, 310);
    assert.equal(result.frame.direction, 'request');
    assert.equal(result.frame.opaque, 4242);
    assert.equal(result.frame.serializeType, 'JSON');
    assert.equal(result.frame.bodyText, '{"orderId":42,"amount":"19.90"}');
    assert.deepEqual(result.frame.extFields.find((f) => f.name === 'b'), { name: 'b', value: 'OrderCreated', meaning: 'topic' });
    assert.deepEqual(result.frame.properties, [{ name: 'KEYS', value: 'order-42' }, { name: 'UNIQ_KEY', value: 'AC1100010F2A18B4AAC2' }]);
    // The webview answered with what it drew: heading and one table row per header field.
    assert.equal(result.rendered.heading, 'SEND_MESSAGE_V2 (310)');
    assert.equal(result.rendered.fieldCount, result.frame.extFields.length);
    assert.equal(result.rendered.fieldCount, 12);
    const tabs = await pollUntil('the decoded-frame tab', 10_000, () => (webviewTabs().length > 0 ? webviewTabs() : undefined));
    assert.equal(tabs.length, 1);
    assert.equal(tabs[0].label, 'Frame: SEND_MESSAGE_V2');
  });

  it('reuses the panel for the next frame, a binary-header response', async () => {
    const result = await decode(`0x${sampleResponseFrame('topic not exist').toString('hex')}`);
    assert.ok(result?.ok, JSON.stringify(result));
    assert.equal(result.frame.direction, 'response');
    assert.equal(result.frame.codeName, 'TOPIC_NOT_EXIST');
    assert.equal(result.frame.serializeType, 'ROCKETMQ');
    assert.equal(result.frame.remark, 'topic not exist');
    assert.equal(result.rendered.heading, 'TOPIC_NOT_EXIST (17)');
    assert.equal(result.rendered.fieldCount, 1);
    assert.deepEqual(result.frame.extFields, [{ name: 'msgId', value: '<b>not bold</b>' }]); // responses: no V2 names
    assert.equal(result.frame.properties, null);
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
