import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { decodeProperties, encodeProperties, javaHashMapOrder, trailingSeparatorForVersion } from '../../../src/core/message';

const S1 = '\u0001';
const S2 = '\u0002';
const obj = (m: Map<string, string>) => Object.fromEntries(m);

// A5: apache/rocketmq MessageDecoderTest.testString2messageProperties (docs/protocol.md §3.5) + the Java reference extra row
const A5: Array<[string, Record<string, string>]> = [
  [`k1${S1}v1`, { k1: 'v1' }],
  ['', {}],
  [' ', {}],
  ['aaa', {}],
  [`k1${S1}`, {}],
  [`${S1}v1`, {}],
  [`k1${S1}v1${S2}`, { k1: 'v1' }],
  [`k1${S1}v1${S2}k2${S1}v2`, { k1: 'v1', k2: 'v2' }],
  [`k1${S1}v1${S2}${S1}v2`, { k1: 'v1' }],
  [`k1${S1}v1${S2}k2${S1}`, { k1: 'v1' }],
  [`${S1}v1${S2}k2${S1}v2`, { k2: 'v2' }],
  [`k1${S1}${S2}k2${S1}v2`, { k2: 'v2' }],
  [`1${S1}1${S2}2${S1}2`, { 1: '1', 2: '2' }],
  [`1${S1}${S2}2${S1}2`, { 2: '2' }],
  [`${S1}1${S2}2${S1}2`, { 2: '2' }],
  [`1${S1}1${S2}2${S1}`, { 1: '1' }],
  [`1${S1}1${S2}${S1}2`, { 1: '1' }],
  [`a${S1}b${S1}c${S2}`, { a: `b${S1}c` }],
];

for (const [input, expected] of A5) {
  test(`A5 decodeProperties(${JSON.stringify(input)})`, () => {
    assert.deepEqual(obj(decodeProperties(input)), expected);
  });
}

test('encodeProperties: trailing separator on/off, null values skipped', () => {
  const m = new Map<string, string | null>([['TAGS', 'TagA'], ['x', null], ['KEYS', 'k1 k2']]);
  assert.equal(encodeProperties(m, true), `TAGS${S1}TagA${S2}KEYS${S1}k1 k2${S2}`);
  assert.equal(encodeProperties(m, false), `TAGS${S1}TagA${S2}KEYS${S1}k1 k2`);
  assert.equal(encodeProperties(new Map(), false), '');
  assert.deepEqual(obj(decodeProperties(encodeProperties(m, false))), { TAGS: 'TagA', KEYS: 'k1 k2' });
});

test('trailing separator by producer version (§3.5)', () => {
  assert.equal(trailingSeparatorForVersion(393), true); // V4_9_0
  assert.equal(trailingSeparatorForVersion(395), false); // V4_9_1
  assert.equal(trailingSeparatorForVersion(409), false); // V4_9_8
  assert.equal(trailingSeparatorForVersion(441), false); // V5_1_4
  assert.equal(trailingSeparatorForVersion(453), true); // V5_2_0
  assert.equal(trailingSeparatorForVersion(479), true); // V5_3_3
});

test('javaHashMapOrder reproduces the Java reference order of §3.5', () => {
  // Java (develop) printed: myProp, KEYS, UNIQ_KEY, WAIT, TAGS
  const order = javaHashMapOrder(['TAGS', 'KEYS', 'WAIT', 'myProp', 'UNIQ_KEY']);
  assert.deepEqual(order, ['myProp', 'KEYS', 'UNIQ_KEY', 'WAIT', 'TAGS']);
  // 4.9.4 capture order: UNIQ_KEY, WAIT, TAGS
  assert.deepEqual(javaHashMapOrder(['TAGS', 'WAIT', 'UNIQ_KEY']), ['UNIQ_KEY', 'WAIT', 'TAGS']);
});
