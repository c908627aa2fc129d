// RegisterBrokerBody (REGISTER_BROKER body) in both forms: vectors made by RocketMQ 4.9.7 and 5.3.3's own
// RegisterBrokerBody.encode(true|false) (test/fixtures/bodies, see test/unit/message/compression-vectors.ts),
// and hostile compressed bodies built here in the same layout.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { CodecError, parseRegisterBrokerBody, RegisteredTopicConfig } from '../../../src/core/remoting';
import { fixture, REGISTER_VECTORS } from '../message/compression-vectors';

const byName = (a: RegisteredTopicConfig[]) => [...a].sort((x, y) => (x.topicName < y.topicName ? -1 : 1));
const core = ({ topicName, readQueueNums, writeQueueNums, perm, topicFilterType, attributes }: RegisteredTopicConfig) =>
  ({ topicName, readQueueNums, writeQueueNums, perm, topicFilterType, ...(attributes ? { attributes } : {}) });

/** The compressed layout, as RegisterBrokerBody.encode(true) writes it (big-endian int32 lengths). */
function layout(parts: Array<number | string | Buffer>): Buffer {
  return Buffer.concat(parts.map((p) => {
    if (typeof p === 'number') { const b = Buffer.alloc(4); b.writeInt32BE(p); return b; }
    const s = typeof p === 'string' ? Buffer.from(p) : p;
    const n = Buffer.alloc(4);
    n.writeInt32BE(s.length);
    return Buffer.concat([n, s]);
  }));
}
const DV = '{"counter":3,"timestamp":1700000000000}';
const deflate = (parts: Array<number | string | Buffer>) => zlib.deflateSync(layout(parts));

test('compressed bodies made by RocketMQ 4.9.7 and 5.3.3 decode to what their JSON form says', () => {
  for (const v of REGISTER_VECTORS) {
    const z = parseRegisterBrokerBody(fixture(v.compressed), true);
    const j = parseRegisterBrokerBody(fixture(v.json), false);
    assert.equal(z.format, 'compressed');
    assert.equal(j.format, 'json');
    assert.deepEqual(byName(z.topicConfigs).map(core), byName(j.topicConfigs).map(core), v.version);
    assert.deepEqual(z.dataVersion, j.dataVersion);
    assert.deepEqual(z.filterServerList, ['127.0.0.1:30001']);
    assert.deepEqual(j.filterServerList, ['127.0.0.1:30001']);
    assert.deepEqual(z.topicQueueMappings, []);
    assert.deepEqual(byName(z.topicConfigs).map((t) => [t.topicName, t.readQueueNums, t.writeQueueNums, t.perm, t.topicFilterType]), [
      ['%RETRY%group_1', 1, 1, 6, 'SINGLE_TAG'], ['OrderTopic', 8, 8, 6, 'SINGLE_TAG'], ['ReadOnly-Tagged', 4, 2, 4, 'MULTI_TAG'], ['TBW102', 8, 8, 7, 'SINGLE_TAG'],
    ]);
  }
  const v5 = parseRegisterBrokerBody(fixture('register-broker.5.3.3.zlib'), true);
  assert.deepEqual(v5.topicConfigs.find((t) => t.topicName === 'OrderTopic')!.attributes, { '+message.type': 'FIFO' }, '5.x attributes field');
  assert.equal(v5.dataVersion!.stateVersion, 0);
});

test('compressed layout: 4.x ending, 5.x static-topic mappings, attributes with spaces', () => {
  const four = parseRegisterBrokerBody(deflate([DV, 1, 'T 4 4 6 SINGLE_TAG', '[]']), true);
  assert.deepEqual(four.topicConfigs, [{ topicName: 'T', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG' }]);
  const five = parseRegisterBrokerBody(deflate([DV, 1, 'T 4 4 6 SINGLE_TAG {"k":"a b"}', '[]', 1, '{"topic":"T","totalQueues":4}']), true);
  assert.deepEqual(five.topicConfigs[0].attributes, { k: 'a b' });
  assert.deepEqual(five.topicQueueMappings.map((m) => ({ ...(m as object) })), [{ topic: 'T', totalQueues: 4 }]);
});

test('hostile compressed bodies: a CodecError naming the problem, never a crash or an oversized read', () => {
  const bad = (body: Uint8Array, re: RegExp, max?: number) => {
    assert.throws(() => parseRegisterBrokerBody(body, true, max), (e: unknown) => e instanceof CodecError && re.test(e.message));
  };
  bad(Buffer.from('not zlib'), /zlib inflate failed/);
  bad(zlib.deflateSync(Buffer.alloc(0)), /dataVersion length needs 4 bytes, 0 left/);
  bad(deflate([-1]), /dataVersion length -1/);
  bad(deflate([0x7fffffff]), /dataVersion length 2147483647 with 0 bytes left/);
  bad(deflate(['{"counter":']), /dataVersion is not JSON/);
  bad(deflate([DV, 1000000]), /topic config count 1000000 cannot fit/);
  bad(deflate([DV, -2]), /topic config count -2/);
  bad(deflate([DV, 2, 'T 4 4 6 SINGLE_TAG']), /topic config 1 length needs 4 bytes/);
  bad(deflate([DV, 1, 'T 4 4 SINGLE_TAG']), /4 space-separated fields, at least 5 expected/);
  bad(deflate([DV, 1, 'T four 4 6 SINGLE_TAG']), /readQueueNums "four" is not an integer/);
  bad(deflate([DV, 1, 'T 4 4 6 SINGLE_TAG {oops', '[]']), /attributes are not JSON/);
  bad(deflate([DV, 0]), /filterServerList length needs 4 bytes/);
  bad(deflate([DV, 0, '[]', 1]), /topic queue mapping count 1 cannot fit the 0 bytes left/);
  bad(Buffer.concat([deflate([DV, 0, '[]', 0]).subarray(0, 10)]), /zlib inflate failed/);
  bad(deflate([DV, 0, '[]', 0, 7]), /4 bytes after the last field/);
  // an inflate bomb stops at the limit
  bad(zlib.deflateSync(Buffer.alloc(5 << 20)), /output exceeds the 1048576-byte limit/, 1 << 20);
});

test('JSON form: fastjson leniency, missing parts, wrong shapes', () => {
  const j = parseRegisterBrokerBody(Buffer.from('{"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{"readQueueNums":"4","writeQueueNums":4,"perm":6}}},"filterServerList":[]}'), false);
  assert.deepEqual(j.topicConfigs, [{ topicName: 'T', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG' }]);
  assert.equal(j.dataVersion, null);
  assert.deepEqual(parseRegisterBrokerBody(Buffer.from('{}'), false).topicConfigs, []);
  assert.throws(() => parseRegisterBrokerBody(Buffer.from('{"topicConfigSerializeWrapper":{"topicConfigTable":{"T":7}}}'), false), /topicConfigTable\.T: expected an object/);
  assert.throws(() => parseRegisterBrokerBody(Buffer.from('[1]'), false), /not a JSON object/);
});
