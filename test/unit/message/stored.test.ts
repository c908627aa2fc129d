import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import {
  encodeStoredMessage, decodeStoredMessages, decodeStoredMessage, StoredMessageError, encodeProperties,
  encodeBatchBody, decodeBatchBody, BatchBodyError, MAGIC_V2, createOffsetMessageId, describeSysFlag, crc32,
} from '../../../src/core/message';
import { fixture, INPUTS } from './compression-vectors';

const props = new Map([['a', '123'], ['b', 'hello'], ['c', '3.14']]);

test('A5 stored message round trip, IPv4 hosts', () => {
  const rec = encodeStoredMessage({
    topic: 'abc', body: Buffer.from('hello!q!'), queueId: 1, queueOffset: 123, commitLogOffset: 123456,
    bornHost: '127.0.0.1', bornPort: 123, storeHost: '127.0.0.1', storePort: 9103, bornTimestamp: 1000, storeTimestamp: 2000, properties: props,
  });
  const { messages, error } = decodeStoredMessages(rec);
  assert.equal(error, undefined);
  assert.equal(messages.length, 1);
  const m = messages[0];
  assert.equal(m.topic, 'abc');
  assert.equal(Buffer.from(m.body!).toString(), 'hello!q!');
  assert.equal(m.queueId, 1);
  assert.equal(m.queueOffset, 123);
  assert.equal(m.commitLogOffset, 123456);
  assert.equal(m.storeHost, '127.0.0.1');
  assert.equal(m.storePort, 9103);
  assert.equal(m.bornPort, 123);
  assert.equal(m.magicVersion, 'V1');
  assert.equal(m.offsetMsgId, '7F0000010000238F000000000001E240');
  assert.deepEqual(Object.fromEntries(m.properties), { a: '123', b: 'hello', c: '3.14' });
  assert.equal(m.bodyCRC, crc32(Buffer.from('hello!q!')) & 0x7fffffff);
  assert.equal(m.storeSize, rec.length);
});

test('A5 stored message round trip, IPv6 hosts (sysFlag 0x30)', () => {
  const rec = encodeStoredMessage({
    topic: 'abc', body: Buffer.from('hello!q!'), queueId: 1, queueOffset: 123, commitLogOffset: 123456,
    bornHost: '1050:0000:0000:0000:0005:0600:300c:326b', bornPort: 1, storeHost: '::1', storePort: 10911, properties: props,
  });
  const m = decodeStoredMessage(rec);
  assert.equal(m.sysFlag & 0x30, 0x30);
  assert.equal(m.bornHost, '1050::5:600:300c:326b');
  assert.equal(m.storeHost, '::1');
  assert.equal(m.storePort, 10911);
  assert.equal(m.offsetMsgId, createOffsetMessageId('::1', 10911, 123456n));
  assert.equal(m.offsetMsgId.length, 56);
  assert.deepEqual(Object.fromEntries(m.properties), { a: '123', b: 'hello', c: '3.14' });
  assert.equal(m.storeSize, 91 + 24 + 8 + 3 + encodeProperties(props).length);
});

test('V2 magic: long topic (2-byte topic length)', () => {
  const topic = '%RETRY%' + 'g'.repeat(200);
  const rec = encodeStoredMessage({ topic, body: Buffer.from('x') });
  assert.equal(Buffer.from(rec).readInt32BE(4), MAGIC_V2);
  const m = decodeStoredMessage(rec);
  assert.equal(m.topic, topic);
  assert.equal(m.magicVersion, 'V2');
});

test('compressed body (zlib) is inflated, raw body kept', () => {
  const plain = Buffer.from('z'.repeat(5000));
  const rec = encodeStoredMessage({ topic: 't', body: zlib.deflateSync(plain, { level: 5 }), sysFlag: 0x301 });
  const m = decodeStoredMessage(rec);
  assert.equal(m.compressed, true);
  assert.equal(m.compression, 'ZLIB');
  assert.deepEqual(Buffer.from(m.body!), plain);
  assert.ok(m.rawBody.length < 200);
  // a pre-4.9.4 producer sets only 0x1 → still ZLIB
  assert.equal(decodeStoredMessage(encodeStoredMessage({ topic: 't', body: zlib.deflateSync(plain), sysFlag: 1 })).compression, 'ZLIB');
  assert.deepEqual(describeSysFlag(0x301 | 0x4), ['COMPRESSED(ZLIB)', 'TRANSACTION_PREPARED']);
});

test('LZ4 and ZSTD bodies (sysFlag 0x101 / 0x201) are inflated; broken bodies report the reason', () => {
  for (const [sysFlag, file, type] of [[0x101, 'records.java-5.3.3.lz4', 'LZ4'], [0x201, 'records.java-5.3.3.zst', 'ZSTD']] as const) {
    const m = decodeStoredMessage(encodeStoredMessage({ topic: 't', body: fixture(file), sysFlag }));
    assert.equal(m.compression, type);
    assert.equal(m.decompressError, undefined);
    assert.deepEqual(Buffer.from(m.body!), INPUTS.records());
    assert.deepEqual(Buffer.from(m.rawBody), fixture(file));
  }
  const m = decodeStoredMessage(encodeStoredMessage({ topic: 't', body: Buffer.from([1, 2, 3]), sysFlag: 0x101 }));
  assert.equal(m.compression, 'LZ4');
  assert.equal(m.body, undefined);
  assert.match(m.decompressError!, /^LZ4: truncated/);
  const zs = decodeStoredMessage(encodeStoredMessage({ topic: 't', body: Buffer.from('garbage body'), sysFlag: 0x201 }));
  assert.match(zs.decompressError!, /^ZSTD: not a zstd frame/);
  const z = decodeStoredMessage(encodeStoredMessage({ topic: 't', body: Buffer.from([1, 2, 3]), sysFlag: 0x1 }));
  assert.equal(z.body, undefined);
  assert.match(z.decompressError!, /zlib/);
});

test('several records; truncated tail reported, earlier records kept', () => {
  const a = encodeStoredMessage({ topic: 'T1', body: Buffer.from('one'), queueOffset: 5 });
  const b = encodeStoredMessage({ topic: 'T1', body: Buffer.from('two'), queueOffset: 6 });
  const all = Buffer.concat([a, b]);
  const ok = decodeStoredMessages(all);
  assert.deepEqual(ok.messages.map((m) => m.queueOffset), [5, 6]);
  const cut = decodeStoredMessages(all.subarray(0, all.length - 3));
  assert.equal(cut.messages.length, 1);
  assert.ok(cut.error instanceof StoredMessageError);
  assert.match(cut.error!.message, /truncated/);
  assert.equal(cut.consumed, a.length);
  const bad = Buffer.from(a); bad.writeInt32BE(0x12345678, 4);
  assert.throws(() => decodeStoredMessage(bad), /bad magic 0x12345678/);
});

test('5.x inner batch record is unwrapped (queueOffset = outer + index)', () => {
  const inner = encodeBatchBody([
    { flag: 1, body: Buffer.from('i0'), propertiesString: encodeProperties({ UNIQ_KEY: 'A' }) },
    { flag: 2, body: Buffer.from('i1'), propertiesString: encodeProperties({ UNIQ_KEY: 'B' }) },
  ]);
  const rec = encodeStoredMessage({ topic: 't', body: inner, sysFlag: 0xc0, queueOffset: 10 });
  const r = decodeStoredMessages(rec);
  assert.deepEqual(r.messages.map((m) => [m.queueOffset, m.flag, Buffer.from(m.body!).toString(), m.msgId]), [[10, 1, 'i0', 'A'], [11, 2, 'i1', 'B']]);
});

test('A8 batch body encode/decode round trip (100 messages)', () => {
  const entries = Array.from({ length: 100 }, (_, i) => ({
    flag: i, body: Buffer.from(`body-${i}`), propertiesString: encodeProperties({ UNIQ_KEY: `K${i}`, TAGS: 't' }),
  }));
  const body = encodeBatchBody(entries);
  const back = decodeBatchBody(body);
  assert.equal(back.length, 100);
  back.forEach((e, i) => {
    assert.equal(e.flag, i);
    assert.equal(Buffer.from(e.body).toString(), `body-${i}`);
    assert.equal(e.properties.get('UNIQ_KEY'), `K${i}`);
    assert.equal(e.magic, 0);
  });
  // fixed layout: 4+4+4+4+4+bodyLen+2+propsLen
  const one = encodeBatchBody([{ flag: 7, body: Buffer.from('ab'), propertiesString: 'k\u0001v' }]);
  assert.equal(Buffer.from(one).toString('hex'), '0000001b' + '00000000' + '00000000' + '00000007' + '00000002' + '6162' + '0003' + '6b0176');
  assert.throws(() => decodeBatchBody(Buffer.from(one).subarray(0, 10)), BatchBodyError);
});
