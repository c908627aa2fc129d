import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { describeCommandFrame, FrameDescription, ViewSection } from '../../../src/core/frame';
import { SEND_V2_NAMES } from '../../../src/core/remoting';
import { encodeBatchBody, encodeStoredMessage } from '../../../src/core/message';
import { req, resp } from '../capture/helpers';
import { fixture, INPUTS, REGISTER_VECTORS } from '../message/compression-vectors';

const UK = '7F00000100D7135FBAA48879F8920026';
const PROPS = `UNIQ_KEY\u0001${UK}\u0002WAIT\u0001true\u0002TAGS\u0001TagA`;

function find(v: FrameDescription | ViewSection, title: RegExp): ViewSection | undefined {
  const list = 'sections' in v ? v.sections : v.children ?? [];
  for (const s of list) {
    if (title.test(s.title)) return s;
    const d = find(s, title);
    if (d) return d;
  }
  return undefined;
}

test('SEND_MESSAGE_V2: short keys named, properties table, sysFlag bits, UNIQ_KEY decoded, text body', () => {
  const v = describeCommandFrame(req(310, 1, { a: 'pg', b: 'TopicTest', c: 'TBW102', d: '4', e: '1', f: '0', g: '1661601694866', h: '0', i: PROPS, j: '0', k: 'false', m: 'false' }, Buffer.from('Hello RocketMQ')));
  assert.equal(v.title, 'SEND_MESSAGE_V2 request (opaque 1)');
  const names = Object.fromEntries(v.extFields.map((r) => [r.key, r.name]));
  for (const [k, n] of Object.entries(SEND_V2_NAMES)) if (k in names) assert.equal(names[k], n);
  assert.equal(v.extFields.find((r) => r.key === 'g')?.note, '2022-08-27T12:01:34.866Z');
  assert.deepEqual(v.properties.map((p) => [p.name, p.value]), [['UNIQ_KEY', UK], ['WAIT', 'true'], ['TAGS', 'TagA']]);
  assert.match(v.properties[0].note!, /^as UNIQ_KEY: ip 127\.0\.0\.1, pid 215, /);
  assert.equal(v.body?.kind, 'text');
  assert.equal(v.body?.text, 'Hello RocketMQ');
});

test('compressed send body is inflated and labelled compressed; sysFlag spelled out', () => {
  const text = 'x'.repeat(5000);
  const v = describeCommandFrame(req(310, 2, { b: 'T', f: String(0x301), i: PROPS }, zlib.deflateSync(Buffer.from(text))));
  assert.equal(v.body?.kind, 'compressed');
  assert.equal(v.body?.text, text);
  assert.match(v.body!.note!, /ZLIB/);
  assert.match(v.extFields.find((r) => r.key === 'f')!.note!, /COMPRESSED\(ZLIB\)/);
  const bad = describeCommandFrame(req(310, 3, { b: 'T', f: '1' }, Buffer.from('not zlib')));
  assert.equal(bad.body?.kind, 'compressed');
  assert.match(bad.body!.note!, /failed/);
});

test('LZ4 and ZSTD bodies (RocketMQ 5.3.3 producer vectors): send requests and pulled messages inflated, labelled with their compression', () => {
  const plain = INPUTS.records();
  const cases = [[0x101, 'records.java-5.3.3.lz4', 'LZ4'], [0x201, 'records.java-5.3.3.zst', 'ZSTD']] as const;
  for (const [sysFlag, file, type] of cases) {
    const body = fixture(file);
    const v = describeCommandFrame(req(310, 8, { b: 'T', f: String(sysFlag), i: PROPS }, body), { maxBodyText: Infinity });
    assert.equal(v.body?.kind, 'compressed');
    assert.equal(v.body?.note, `${type}: ${body.length} bytes → ${plain.length} inflated (text)`);
    assert.equal(v.body?.text, plain.toString());
    assert.match(v.extFields.find((r) => r.key === 'f')!.note!, new RegExp(`^COMPRESSED\\(${type}\\)$`));
    const broken = describeCommandFrame(req(310, 9, { b: 'T', f: String(sysFlag) }, body.subarray(0, 100)));
    assert.equal(broken.body?.kind, 'compressed');
    assert.match(broken.body!.note!, new RegExp(`^${type}: truncated`));
  }
  const stored = cases.map(([sysFlag, file], i) => encodeStoredMessage({ topic: 'T', body: fixture(file), sysFlag, queueOffset: 20 + i, properties: PROPS }));
  const v = describeCommandFrame(resp(7, 0, { nextBeginOffset: '22' }, Buffer.concat(stored)), { requestCode: 11, maxBodyText: Infinity });
  const msgs = find(v, /^Messages/)!.children!;
  assert.equal(msgs.length, 2);
  cases.forEach(([, file, type], i) => {
    const b = find(msgs[i], /^Body/)!;
    assert.equal(b.title, `Body (compressed ${type}, ${fixture(file).length} bytes)`);
    assert.equal(b.text, `compressed (${type}), ${fixture(file).length} bytes → ${plain.length} bytes inflated\n${plain.toString()}`);
    assert.match(msgs[i].rows!.find((r) => r.key === 'sysFlag')!.note!, new RegExp(`COMPRESSED\\(${type}\\)`));
  });
});

test('SEND_BATCH_MESSAGE: every inner message with its properties', () => {
  const body = encodeBatchBody([
    { flag: 0, body: Buffer.from('m1'), propertiesString: `UNIQ_KEY\u0001${UK}\u0002KEYS\u0001k1` },
    { flag: 3, body: Buffer.from([0, 1, 2, 255]), propertiesString: 'TAGS\u0001t2' },
  ]);
  const v = describeCommandFrame(req(320, 4, { b: 'T', m: 'true' }, body));
  assert.equal(v.body?.kind, 'batch');
  const batch = find(v, /^Batch/)!;
  assert.equal(batch.children!.length, 2);
  assert.deepEqual(find(batch.children![0], /^Properties/)!.rows!.map((r) => [r.name, r.value])[1], ['KEYS', 'k1']);
  assert.match(find(batch.children![1], /^Body/)!.title, /binary/);
});

test('send response: offsetMsgId decoded (batch: comma-separated)', () => {
  const v = describeCommandFrame(resp(5, 0, { msgId: '7F0000010000238F000000000001E240,0AE95A5D00002A9F0000000000001C50', queueId: '1', queueOffset: '9' }), { requestCode: 310 });
  const s = find(v, /^offsetMsgId/)!;
  assert.deepEqual(s.table!.rows.map((r) => /broker (\S+), commit log offset (\d+)/.exec(r[1])!.slice(1)), [['127.0.0.1:9103', '123456'], ['10.233.90.93:10911', '7248']]);
  assert.equal(v.title, 'SUCCESS response to SEND_MESSAGE_V2 (opaque 5)');
});

test('PULL_MESSAGE response: each stored message, compressed bodies inflated, IPv6 hosts', () => {
  const m1 = encodeStoredMessage({ topic: 'T', body: Buffer.from('plain'), queueId: 2, queueOffset: 10, commitLogOffset: 1000, properties: PROPS, storeHost: '127.0.0.1', storePort: 10911 });
  const m2 = encodeStoredMessage({ topic: 'T', body: zlib.deflateSync(Buffer.from('zipped body')), sysFlag: 1, queueId: 2, queueOffset: 11, commitLogOffset: 2000, bornHost: '::1', storeHost: 'fe80::1' });
  const body = Buffer.concat([m1, m2]);
  const v = describeCommandFrame(resp(6, 0, { nextBeginOffset: '12' }, body), { requestCode: 11 });
  assert.equal(v.body?.kind, 'stored-messages');
  const msgs = find(v, /^Messages/)!;
  assert.equal(msgs.children!.length, 2);
  const [a, b] = msgs.children!;
  assert.equal(a.rows!.find((r) => r.key === 'msgId (UNIQ_KEY)')!.value, UK);
  assert.equal(a.rows!.find((r) => r.key === 'storeHost')!.value, '127.0.0.1:10911');
  assert.match(b.rows!.find((r) => r.key === 'bornHost')!.value, /^\[::1\]:/);
  assert.match(b.rows!.find((r) => r.key === 'sysFlag')!.note!, /BORNHOST_V6/);
  assert.match(find(b, /^Body/)!.text!, /zipped body/);
  // a truncated second record: first kept, note added
  const cut = describeCommandFrame(resp(6, 0, null, body.subarray(0, m1.length + 20)), { requestCode: 11 });
  assert.equal(find(cut, /^Messages/)!.children!.length, 1);
  assert.match(cut.notes.join(' '), /stopped after 1/);
});

test('route (fastjson numeric keys), cluster info and topic list bodies', () => {
  const route = '{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"},"brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSynFlag":0,"writeQueueNums":4}]}';
  const v = describeCommandFrame(resp(1, 0, null, Buffer.from(route)), { requestCode: 105 });
  const brokers = find(v, /^Brokers/)!;
  assert.deepEqual(brokers.table!.rows[1], ['DefaultCluster', 'broker-a', '1', '127.0.0.1:10921']);
  assert.equal(v.body?.kind, 'json');
  const cluster = '{"brokerAddrTable":{"b":{"brokerAddrs":{0:"10.0.0.1:10911"},"brokerName":"b","cluster":"C"}},"clusterAddrTable":{"C":["b"]}}';
  const c = describeCommandFrame(resp(2, 0, null, Buffer.from(cluster)), { requestCode: 106 });
  assert.deepEqual(find(c, /^Clusters/)!.table!.rows, [['C', 'b']]);
  const t = describeCommandFrame(resp(3, 0, null, Buffer.from('{"topicList":["A","B"]}')), { requestCode: 206 });
  assert.deepEqual(find(t, /^Topics/)!.table!.rows, [['A'], ['B']]);
});

test('HEART_BEAT, END_TRANSACTION, CHECK_TRANSACTION_STATE, REGISTER_BROKER, unknown codes', () => {
  const hb = describeCommandFrame(req(34, 1, null, Buffer.from('{"clientID":"127.0.0.1@1#2","consumerDataSet":[{"groupName":"cg","consumeType":"CONSUME_PASSIVELY","messageModel":"CLUSTERING","consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","subscriptionDataSet":[{"topic":"T","subString":"*"}]}],"producerDataSet":[{"groupName":"pg"}]}')));
  assert.equal(find(hb, /^Heartbeat/)!.rows![0].value, '127.0.0.1@1#2');
  assert.deepEqual(find(hb, /^Consumers/)!.table!.rows[0], ['cg', 'CONSUME_PASSIVELY', 'CLUSTERING', 'CONSUME_FROM_LAST_OFFSET', 'T:*']);
  const et = describeCommandFrame(req(37, 2, { topic: 'T', commitOrRollback: '8', msgId: UK, commitLogOffset: '5' }, null, { oneway: true }));
  assert.equal(et.extFields.find((r) => r.key === 'commitOrRollback')!.note, 'TRANSACTION_COMMIT_TYPE');
  assert.match(et.title, /END_TRANSACTION oneway request/);
  const half = encodeStoredMessage({ topic: 'T', body: Buffer.from('half'), sysFlag: 4, properties: `TRAN_MSG\u0001true\u0002PGROUP\u0001pg\u0002UNIQ_KEY\u0001${UK}` });
  const ck = describeCommandFrame(req(39, 3, { topic: 'T', msgId: UK, offsetMsgId: '7F0000010000238F000000000001E240', tranStateTableOffset: '1', commitLogOffset: '123456' }, Buffer.from(half), { oneway: true }));
  assert.equal(find(ck, /^Half message/)!.children!.length, 1);
  assert.match(ck.extFields.find((r) => r.key === 'offsetMsgId')!.note!, /commit log offset 123456$/);
  const reg = describeCommandFrame(req(103, 4, { brokerName: 'b', compressed: 'false' }, Buffer.from('{"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{"readQueueNums":4,"writeQueueNums":4,"perm":6}}},"filterServerList":[]}')));
  assert.deepEqual(find(reg, /^Registered topics/)!.table!.rows, [['T', '4', '4', '6']]);
  assert.equal(reg.body?.kind, 'json');
  const other = describeCommandFrame(req(999, 5, { x: 'y' }, Buffer.from([0, 1, 2, 3, 0xff])));
  assert.equal(other.body?.kind, 'binary');
  assert.match(other.body!.hex!, /^00000000  00 01 02 03 ff/);
  const txt = describeCommandFrame(req(999, 6, null, Buffer.from('plain words')));
  assert.equal(txt.body?.kind, 'text');
  const trunc = describeCommandFrame(req(310, 7, { b: 'T' }, Buffer.from('partial')), { missingBytes: 100 });
  assert.equal(trunc.body?.kind, 'truncated');
});

test('REGISTER_BROKER with compressed=true (broker compressedRegister, RocketMQ 4.9.7 and 5.3.3 vectors): the same view as the JSON form', () => {
  const sorted = (rows: string[][]) => [...rows].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const vec of REGISTER_VECTORS) {
    const body = fixture(vec.compressed);
    const z = describeCommandFrame(req(103, 1, { brokerName: 'broker-a', compressed: 'true' }, body));
    const j = describeCommandFrame(req(103, 2, { brokerName: 'broker-a', compressed: 'false' }, fixture(vec.json)));
    assert.deepEqual(z.notes, [], vec.version);
    const topics = (v: FrameDescription) => sorted(find(v, /^Registered topics \(4\)/)!.table!.rows);
    assert.deepEqual(topics(z), [['%RETRY%group_1', '1', '1', '6'], ['OrderTopic', '8', '8', '6'], ['ReadOnly-Tagged', '4', '2', '4'], ['TBW102', '8', '8', '7']]);
    assert.deepEqual(topics(z), topics(j));
    const reg = (v: FrameDescription) => Object.fromEntries(find(v, /^Broker registration/)!.rows!.map((r) => [r.key, r.value]));
    assert.equal(reg(z).format, 'compressed (zlib, binary layout)');
    assert.equal(reg(j).format, 'JSON');
    assert.equal(reg(z).dataVersion, reg(j).dataVersion);
    assert.match(reg(z).dataVersion, /"counter":42/);
    assert.equal(reg(z).filterServerList, '127.0.0.1:30001');
    assert.equal(z.body?.kind, 'compressed');
    assert.match(z.body!.note!, new RegExp(`${body.length} bytes → \\d+ inflated, shown as its JSON form`));
    const shown = JSON.parse(z.body!.text!);
    assert.equal(shown.topicConfigSerializeWrapper.topicConfigTable.OrderTopic.writeQueueNums, 8);
    assert.deepEqual(shown.filterServerList, ['127.0.0.1:30001']);
  }
  const cut = describeCommandFrame(req(103, 3, { compressed: 'true' }, fixture(REGISTER_VECTORS[0].compressed).subarray(0, 40)));
  assert.match(cut.notes.join(' '), /decoding the body as REGISTER_BROKER failed: compressed RegisterBrokerBody: zlib inflate failed/);
  assert.equal(cut.body?.kind, 'compressed');
  assert.ok(cut.body?.hex);
});
