// Frame diff: field by field from the one frame model (real names, properties, notes), the body by
// bytes (inflated, text line diff, binary first differing byte), a send against the message the broker
// stored, and the CLI's `diff` with its operands and exit codes.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequest, createResponse, encodeFrame, RequestCode } from '../../../src/core/remoting';
import { encodeProperties, compressZlib, encodeStoredMessage, decodeStoredMessages, MessageSysFlag } from '../../../src/core/message';
import { diffSides, frameSide, messageSide, formatDiff } from '../../../src/core/frame';
import { main } from '../../../src/cli/main';
import { writeCapture } from '../../support/inspector/fixtures';

const send = (o: { tags?: string; body: Uint8Array | string; sysFlag?: number; queueId?: number; opaque?: number; keys?: string; code?: number }) => createRequest(o.code ?? RequestCode.SEND_MESSAGE_V2, {
  a: 'pg', b: 'Orders', c: 'TBW102', d: 4, e: o.queueId ?? 0, f: o.sysFlag ?? 0, g: 1700000000000 + (o.opaque ?? 1), h: 0,
  i: encodeProperties({ UNIQ_KEY: '0A000005000000000000000000000001', ...(o.tags ? { TAGS: o.tags } : {}), ...(o.keys ? { KEYS: o.keys } : {}) }), j: 0, k: false,
}, { opaque: o.opaque ?? 1, body: typeof o.body === 'string' ? Buffer.from(o.body) : o.body });

test('two sends: differing extFields by real name, properties, and the body line by line; identity fields last', () => {
  const a = frameSide(encodeFrame(send({ tags: 'TagA', body: '{\n  "id": 1,\n  "amount": 9.5\n}', opaque: 7 })));
  const b = frameSide(encodeFrame(send({ tags: 'TagB', body: '{\n  "id": 1,\n  "amount": 10\n}', queueId: 3, opaque: 8 })));
  const d = diffSides(a, b);
  const diffs = d.rows.filter((r) => !r.same).map((r) => `${r.section}:${r.name}`);
  assert.deepEqual(diffs, ['header:opaque', 'field:queueId', 'field:bornTimestamp', 'property:TAGS']);
  assert.equal(d.rows.find((r) => r.name === 'queueId')?.a, '0');
  assert.equal(d.rows.find((r) => r.name === 'topic')?.same, true);
  assert.ok(!d.rows.some((r) => r.name === 'properties'), 'the properties string is compared property by property');
  assert.equal(d.body.kind, 'text');
  assert.deepEqual(d.body.lines, [
    { op: 'same', text: '{' }, { op: 'same', text: '  "id": 1,' }, { op: 'removed', text: '  "amount": 9.5' }, { op: 'added', text: '  "amount": 10' }, { op: 'same', text: '}' },
  ]);
  assert.equal(d.differences, 5);
  const text = formatDiff(d).join('\n');
  assert.match(text, /≠ TAGS +A "TagA"\n +B "TagB"/);
  assert.match(text, /- {3}"amount": 9\.5\n\+ {3}"amount": 10/);
});

test('a compressed body is compared inflated; binary bodies by their first differing byte', () => {
  const text = 'z'.repeat(5000);
  const plain = frameSide(encodeFrame(send({ body: text })));
  const zipped = frameSide(encodeFrame(send({ body: compressZlib(Buffer.from(text)), sysFlag: MessageSysFlag.COMPRESSED_FLAG })));
  const d = diffSides(plain, zipped);
  assert.equal(d.body.same, true, 'the same bytes once inflated');
  assert.deepEqual(d.rows.filter((r) => !r.same).map((r) => r.name), ['sysFlag']);
  assert.match(d.rows.find((r) => r.name === 'sysFlag')!.noteB!, /COMPRESSED/);
  const x = Buffer.alloc(100, 0xff); x[0] = 0;
  const y = Buffer.from(x); y[37] = 0x41;
  const bd = diffSides(frameSide(encodeFrame(send({ body: x }))), frameSide(encodeFrame(send({ body: y }))));
  assert.equal(bd.body.kind, 'binary');
  assert.equal(bd.body.firstDifference, 37);
  assert.match(bd.body.hexA!, /^00000010 {2}ff ff/m, 'the hex starts a line before the difference');
  assert.match(bd.body.hexB!, /^00000020 {2}ff ff ff ff ff 41/m);
});

test('a send and the message the broker stored: shared fields compared, each kind\'s own fields listed but not counted', () => {
  const sent = frameSide(encodeFrame(send({ tags: 'TagA', body: 'hello', queueId: 2, keys: 'k1' })));
  const record = encodeStoredMessage({
    topic: 'Orders', body: Buffer.from('hello'), queueId: 2, queueOffset: 15, bornTimestamp: 1700000000001, storeHost: '10.0.0.10', storePort: 10911,
    properties: { UNIQ_KEY: '0A000005000000000000000000000001', TAGS: 'TagA', KEYS: 'k1', MIN_OFFSET: '0', MAX_OFFSET: '16' },
  });
  const stored = messageSide(decodeStoredMessages(record).messages[0], 'pulled');
  const d = diffSides(sent, stored);
  assert.equal(d.differences, 0, formatDiff(d).join('\n'));
  assert.ok(d.rows.find((r) => r.name === 'storeHost')?.oneSided);
  assert.ok(d.rows.find((r) => r.name === 'producerGroup')?.oneSided);
  assert.ok(d.rows.find((r) => r.name === 'MAX_OFFSET')?.oneSided);
  assert.match(d.b.title, /^pulled: stored message 0A000005000000000000000000000001 \(Orders queue 2, offset 15\)/);
  assert.match(formatDiff(d).join('\n'), /Only in one kind \(not counted\): .*storeHost \(B\)/);
});

test('CLI diff: FILE#N, FILE#N/M (a stored message in a pull answer) and hex: operands; exit 0 same, 1 different, 2 bad operand', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'diff-cli-'));
  const s1 = send({ tags: 'TagA', body: 'hello', opaque: 11 });
  const s2 = send({ tags: 'TagB', body: 'hello', opaque: 12 });
  const pull = createRequest(RequestCode.PULL_MESSAGE, { consumerGroup: 'cg', topic: 'Orders', queueId: 0, queueOffset: 0, maxMsgNums: 32, sysFlag: 0, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0 }, { opaque: 13 });
  const record = encodeStoredMessage({ topic: 'Orders', body: Buffer.from('hello'), bornTimestamp: 1700000000011, properties: { UNIQ_KEY: '0A000005000000000000000000000001', TAGS: 'TagA' } });
  const pulled = createResponse(pull, 0, null, { nextBeginOffset: 1, minOffset: 0, maxOffset: 1, suggestWhichBrokerId: 0 }, { body: Buffer.from(record) });
  const file = join(dir, 'd.pcapng');
  writeFileSync(file, writeCapture([{ client: '10.0.0.5', clientPort: 50001, server: '10.0.0.10', serverPort: 10911, exchanges: [{ dir: 0, cmd: s1 }, { dir: 0, cmd: s2 }, { dir: 0, cmd: pull }, { dir: 1, cmd: pulled }] }]));
  const out: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), stdin: async () => '' };
  assert.equal(await main(['diff', `${file}#0`, `${file}#1`], io), 1);
  assert.match(out.join('\n'), /^A: frame 0: SEND_MESSAGE_V2 request \(opaque 11\)\nB: frame 1: SEND_MESSAGE_V2 request \(opaque 12\)\n3 difference\(s\)/);
  out.length = 0;
  assert.equal(await main(['diff', `${file}#0`, `hex:${Buffer.from(encodeFrame(s1)).toString('hex')}`, '--json'], io), 0);
  assert.equal(JSON.parse(out.join('\n')).differences, 0);
  out.length = 0;
  assert.equal(await main(['diff', `${file}#0`, `${file}#3/0`], io), 0, out.join('\n'));
  out.length = 0;
  assert.equal(await main(['diff', `${file}#0`, `${file}#3/5`], io), 2);
  assert.match(out.join('\n'), /frame 3 carries 1 stored message\(s\) \(numbered from 0\), no message 5/);
  out.length = 0;
  assert.equal(await main(['diff', `${file}#9`, `${file}#0`], io), 2);
  assert.match(out.join('\n'), /has 4 frame\(s\) \(numbered from 0\), no frame 9/);
  out.length = 0;
  assert.equal(await main(['diff', `${file}#0`, 'msg:0A000005000000000000000000000001'], io), 2);
  assert.match(out.join('\n'), /give --namesrv/);
});
