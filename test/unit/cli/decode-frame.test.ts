import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createRequest, encodeFrame } from '../../../src/core/remoting';

const cli = join(__dirname, '../../../src/cli/main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', input: '' });

test('decode-frame prints every header field with names, and the body as UTF-8 and base64', () => {
  const hex = encodeFrame(createRequest(105, { topic: 'TopicTest' }, { opaque: 2034, version: 412, body: Buffer.from('hi') })).toString('hex');
  const r = run('decode-frame', hex);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.codeName, 'GET_ROUTEINFO_BY_TOPIC');
  assert.equal(j.versionName, 'V5_0_0_SNAPSHOT');
  assert.equal(j.languageName, 'JAVA');
  assert.equal(j.opaque, 2034);
  assert.deepEqual(j.extFields, { topic: 'TopicTest' });
  assert.deepEqual(j.body, { length: 2, utf8: 'hi', base64: 'aGk=' });
});

test('decode-frame labels a binary body as base64 only, reads stdin, and prints one line per frame', () => {
  const a = encodeFrame(createRequest(34, null, { body: Buffer.from([0xff, 0xfe]), serializeType: 'ROCKETMQ' }));
  const b = encodeFrame(createRequest(35, null));
  const r = spawnSync(process.execPath, [cli, 'decode-frame', '-'], { encoding: 'utf8', input: Buffer.concat([a, b]).toString('hex').replace(/(..)/g, '$1 ') });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.codeName), ['HEART_BEAT', 'UNREGISTER_CLIENT']);
  assert.deepEqual(lines[0].body, { length: 2, base64: '//4=' });
  assert.equal(lines[0].serializeType, 'ROCKETMQ');
});

test('decode-frame reports bad input with kind and byte offset and exit code 2', () => {
  const r = run('decode-frame', '0000001000000005');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /truncated.*at byte 8/);
  const h = run('decode-frame', 'zz');
  assert.equal(h.status, 2);
  assert.match(h.stderr, /"z" is not a hex digit/);
});
