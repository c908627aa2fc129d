// Golden vectors from apache/rocketmq's own unit tests: A1 RemotingCommandTest, A2 RocketMQSerializableTest,
// A4 MQVersionTest (docs/protocol.md §1.2, §1.4, §1.8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createRequest, decodeFrame, encodeBinaryHeader, encodeFrame, decodeBinaryHeader, FLAG_RESPONSE, LanguageCode,
  RemotingCommand, versionName, versionOrdinal, VERSION_COUNT,
} from '../../../src/core/remoting';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const req103 = (extra: Partial<RemotingCommand> = {}): RemotingCommand => ({
  ...createRequest(103, null, { version: 2333, opaque: 0, serializeType: 'ROCKETMQ' }), ...extra,
});

test('A1: the header-length word encodeFrame writes: JSON 261 → 00000105, ROCKETMQ 16777215 → 01FFFFFF', () => {
  // Pad the remark until the headers have exactly the lengths of the upstream test.
  const base = createRequest(1, null, { opaque: 0 });
  const jsonLen = (n: number) => encodeFrame({ ...base, remark: 'x'.repeat(n) }).readUInt32BE(4);
  let n = 0;
  while ((jsonLen(n) & 0xffffff) < 261) n++;
  const json = encodeFrame({ ...base, remark: 'x'.repeat(n) });
  assert.equal(json.subarray(4, 8).toString('hex'), '00000105');
  assert.equal(decodeFrame(json).remark!.length, n);
  // ROCKETMQ fixed part is 21 bytes, + 4-byte extFields length already counted: remark fills the rest.
  const bin = encodeFrame({ ...base, serializeType: 'ROCKETMQ', remark: 'y'.repeat(16777215 - 21) });
  assert.equal(bin.subarray(4, 8).toString('hex'), '01ffffff');
  const back = decodeFrame(bin, { maxFrameLength: 1 << 25 });
  assert.equal(back.serializeType, 'ROCKETMQ');
  assert.equal(back.remark!.length, 16777215 - 21);
});

test('A2: ROCKETMQ header without remark or extFields is the 21 reference bytes', () => {
  assert.equal(hex(encodeBinaryHeader(req103())), '006700091d00000000000000000000000000000000');
});

test('A2: ROCKETMQ header with remark "Sample Remark" is 34 bytes', () => {
  const h = encodeBinaryHeader(req103({ remark: 'Sample Remark' }));
  assert.equal(h.length, 34);
  assert.equal(hex(h), '006700091d00000000000000000000000d53616d706c652052656d61726b00000000');
});

test('A2: ROCKETMQ header with one extField key→value is 35 bytes, map length 14', () => {
  const h = encodeBinaryHeader(req103({ extFields: { key: 'value' } }));
  assert.equal(hex(h), '006700091d0000000000000000000000000000000e00036b65790000000576616c7565');
});

test('A2 testFastEncode: reference bytes decode to code 1, remark, opaque 1001, version 99, flag 3, str/num', () => {
  const bytes = Buffer.from('0001000063000003e9000000030000000672656d61726b000000170003737472' + '00000002733100036e756d00000003313030', 'hex');
  const h = decodeBinaryHeader(bytes);
  assert.deepEqual(
    { code: h.code, language: h.language, version: h.version, opaque: h.opaque, flag: h.flag, remark: h.remark, ext: { ...h.extFields } },
    { code: 1, language: LanguageCode.JAVA, version: 99, opaque: 1001, flag: 3, remark: 'remark', ext: { str: 's1', num: '100' } },
  );
  // And our encoder writes the same bytes: HashMap order puts `str` before `num`, as Java did.
  const re = encodeBinaryHeader({ ...h, extFields: { num: '100', str: 's1' }, serializeType: 'ROCKETMQ', body: null });
  assert.equal(hex(re), hex(bytes));
});

test('A2: the same request as a JSON frame is byte-identical to the Java reference run', () => {
  const expected = '00000066000000627b22636f6465223a3130332c22666c6167223a302c226c616e6775616765223a224a415641222c226f7061717565223a302c2273657269616c697a655479706543757272656e74525043223a224a534f4e222c2276657273696f6e223a323333337d';
  const frame = encodeFrame({ ...req103(), serializeType: 'JSON' });
  assert.equal(hex(frame), expected);
  const back = decodeFrame(Buffer.from(expected, 'hex'));
  assert.equal(back.code, 103);
  assert.equal(back.version, 2333);
  assert.equal(back.flag & FLAG_RESPONSE, 0);
  assert.equal(back.extFields, null);
  assert.equal(back.remark, null);
});

test('A4: version ordinals and names', () => {
  assert.equal(versionName(0), 'V3_0_0_SNAPSHOT');
  assert.equal(versionName(Number.MAX_SAFE_INTEGER), 'HIGHER_VERSION');
  assert.equal(versionName(2147483647), 'HIGHER_VERSION');
  assert.equal(VERSION_COUNT, 613);
  assert.equal(versionName(612), 'HIGHER_VERSION');
  assert.equal(versionName(611), 'V5_9_9');
  for (const [ord, name] of [[293, 'V4_4_0'], [317, 'V4_5_2'], [373, 'V4_8_0'], [393, 'V4_9_0'], [399, 'V4_9_3'], [401, 'V4_9_4'],
    [412, 'V5_0_0_SNAPSHOT'], [413, 'V5_0_0'], [441, 'V5_1_4'], [453, 'V5_2_0'], [473, 'V5_3_0'], [475, 'V5_3_1'], [479, 'V5_3_3']] as const) {
    assert.equal(versionName(ord), name, `ordinal ${ord}`);
    assert.equal(versionOrdinal(name), ord);
  }
  for (let a = 0; a <= 9; a++) for (let b = 0; b <= 9; b++) {
    assert.equal(versionName(213 + 20 * a + 2 * b), `V4_${a}_${b}`);
    assert.equal(versionName(413 + 20 * a + 2 * b), `V5_${a}_${b}`);
  }
});
