/**
 * package.json's Workspace Trust declarations: the extension stays enabled in Restricted Mode
 * ("limited"), and every menu entry of a command that sends is hidden there (`isWorkspaceTrusted`).
 * What happens when such a command runs anyway is tested in the real extension host
 * (test/extension/restricted/).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8'));
const SENDING = ['rocketmq.sendMessage', 'rocketmq.sendMessageToTopic', 'rocketmq.sendRequestBlock', 'rocketmq.resetConsumerOffset', 'rocketmq.resendToOriginalTopic'];

describe('Workspace Trust in package.json', () => {
  test('untrusted workspaces are supported in a limited way, with a description and restricted settings', () => {
    const u = pkg.capabilities?.untrustedWorkspaces;
    assert.equal(u?.supported, 'limited');
    assert.match(u.description, /Restricted Mode/);
    assert.match(u.description, /sending/i);
    const settings = Object.keys(pkg.contributes.configuration.properties);
    for (const key of u.restrictedConfigurations) assert.ok(settings.includes(key), `${key} is not a setting of this extension`);
    assert.ok(u.restrictedConfigurations.includes('rocketmq.connections'), 'connection profiles must not come from a workspace');
    // Settings that pick where the extension connects are machine-scoped: a workspace cannot set them at all.
    for (const key of ['rocketmq.connections', 'rocketmq.requestTimeoutMs']) assert.equal(pkg.contributes.configuration.properties[key].scope, 'machine', key);
    assert.equal(pkg.capabilities.virtualWorkspaces?.supported, 'limited');
  });

  test('every menu entry of a sending command requires a trusted workspace', () => {
    const menus = pkg.contributes.menus as Record<string, { command: string; when?: string }[]>;
    let seen = 0;
    for (const [menu, entries] of Object.entries(menus)) {
      for (const e of entries) {
        if (!SENDING.includes(e.command)) continue;
        seen++;
        assert.ok(e.when === 'false' || /(^|&& )isWorkspaceTrusted( &&|$)/.test(e.when ?? ''), `${menu} ${e.command}: when "${e.when}" does not require isWorkspaceTrusted`);
      }
    }
    const palette = new Set(menus.commandPalette.map((e) => e.command));
    for (const c of SENDING) assert.ok(palette.has(c), `${c} has no commandPalette entry (it would show in Restricted Mode)`);
    assert.ok(seen >= 7, `only ${seen} menu entries of sending commands`);
  });

  test('no keybinding sends without the same condition', () => {
    for (const k of (pkg.contributes.keybindings ?? []) as { command: string; when?: string }[]) {
      if (SENDING.includes(k.command)) assert.match(k.when ?? '', /isWorkspaceTrusted/, `keybinding for ${k.command}`);
    }
  });
});
