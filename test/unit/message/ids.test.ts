import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  createOffsetMessageId, decodeOffsetMessageId, decodeUniqKey, uniqKeyNearlyTime, UniqKeyGenerator,
  ipToBytes, bytesToIp, MessageIdError, createUniqKey,
} from '../../../src/core/message';

// A6: ids from apache/rocketmq's unit tests, decoded by its MessageDecoder / MessageClientIDSetter (docs/protocol.md §3.8, §3.9)
const OFFSET_IDS: Array<[string, string, number, bigint]> = [
  ['645100FA00002A9F000000489A3AA09E', '100.81.0.250', 10911, 311825178782n],
  ['24084004018081003FAA1DDE2B3F898A00002A9F0000000000000CA0', '2408:4004:180:8100:3faa:1dde:2b3f:898a', 10911, 3232n],
  ['C0A803CA00002A9F0000000000031367', '192.168.3.202', 10911, 201575n],
  ['0A9A002600002A9F0000000000002329', '10.154.0.38', 10911, 9001n],
  ['7F0000010000238F000000000001E240', '127.0.0.1', 9103, 123456n],
  ['0AE95A5D00002A9F0000000000001C50', '10.233.90.93', 10911, 7248n],
];

for (const [id, host, port, offset] of OFFSET_IDS) {
  test(`A6 offset id ${id}`, () => {
    const d = decodeOffsetMessageId(id);
    assert.equal(d.host, host);
    assert.equal(d.port, port);
    assert.equal(d.commitLogOffset, offset);
    assert.equal(d.address, host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
    assert.equal(createOffsetMessageId(host, port, offset), id);
  });
}

test('offset id: wrong length or non-hex is a typed error', () => {
  assert.throws(() => decodeOffsetMessageId('ABC'), MessageIdError);
  assert.throws(() => decodeOffsetMessageId('Z'.repeat(32)), MessageIdError);
});

const UNIQ: Array<[string, string, number, number, number, number]> = [
  ['AC14157E4F1C18B4AAC27EB1A0F30000', '172.20.21.126', 20252, 0x18b4aac2, 0x7eb1a0f3, 0],
  ['AC1415116D1418B4AAC217FE1B4E0000', '172.20.21.17', 27924, 0x18b4aac2, 0x17fe1b4e, 0],
  ['7F00000100D7135FBAA48879F8920026', '127.0.0.1', 0xd7, 0x135fbaa4, 0x8879f892, 0x26],
  ['FDE0E66662BF2DD0008687EA007317DE0DF518B4AAC260EF81E603CB', 'fde0:e666:62bf:2dd0:86:87ea:73:17de', 0x0df5, 0x18b4aac2, 0x60ef81e6, 0x3cb],
];
for (const [id, ip, pid, hash, time, counter] of UNIQ) {
  test(`A6 UNIQ_KEY ${id}`, () => {
    const d = decodeUniqKey(id);
    assert.equal(d.ip, ip);
    assert.equal(d.pid, pid);
    assert.equal(d.classLoaderHash, hash);
    assert.equal(d.msSinceMonthStart, time);
    assert.equal(d.counter, counter);
  });
}

test('UNIQ_KEY time field: UTC capture 2022-08 (bornTimestamp 1661601694866)', () => {
  const id = '7F00000100D7135FBAA48879F8920026';
  assert.equal(uniqKeyNearlyTime(id, 1661601694866 + 5, true), 1661601694866);
  // UTC+8 client: month start is 2022-08-31T16:00Z; check arithmetic directly
  assert.equal(Date.UTC(2022, 7, 31, 16) + 0x60ef81e6, 1663587909094);
});

test('UniqKeyGenerator: layout, counter +1, IP/PID round-trip, time of the default generator', () => {
  let now = Date.UTC(2026, 10, 21, 7, 30);
  const gen = new UniqKeyGenerator({ ip: ipToBytes('10.1.2.3'), pid: 0x12345, classLoaderHash: 0x18b4aac2, utc: true, now: () => now });
  const a = gen.next();
  now += 7;
  const b = gen.next();
  assert.match(a, /^[0-9A-F]{32}$/);
  const da = decodeUniqKey(a), db = decodeUniqKey(b);
  assert.equal(da.ip, '10.1.2.3');
  assert.equal(da.pid, 0x2345);
  assert.equal(da.classLoaderHash, 0x18b4aac2);
  assert.equal(db.counter, da.counter + 1);
  assert.equal(db.msSinceMonthStart - da.msSinceMonthStart, 7);
  assert.equal(da.msSinceMonthStart, now - 7 - Date.UTC(2026, 10, 1));
  assert.equal(uniqKeyNearlyTime(a, now, true), now - 7);
  // The default generator uses the local clock. Its time is checked with a generous window: this
  // asserts the layout (month start + ms), not the scheduler's punctuality on a loaded machine.
  const t0 = Date.now();
  const c = createUniqKey();
  // (Java getNearlyTimeFromID treats "now or later" as last month, so ask a while later)
  assert.ok(Math.abs(uniqKeyNearlyTime(c, Date.now() + 60_000) - t0) <= 2000);
  assert.equal(decodeUniqKey(c).pid, process.pid & 0xffff);
});

test('UniqKeyGenerator: time field is two\'s complement after 2^31 ms (late in a month)', () => {
  const start = Date.UTC(2022, 7, 1);
  const gen = new UniqKeyGenerator({ ip: ipToBytes('127.0.0.1'), pid: 0xd7, classLoaderHash: 0x135fbaa4, utc: true, now: () => 1661601694866 });
  const id = gen.next();
  assert.equal(id.slice(0, 28), '7F00000100D7135FBAA48879F892');
  assert.equal(decodeUniqKey(id).msSinceMonthStart, 1661601694866 - start);
});

test('IPv6 text ↔ bytes', () => {
  assert.equal(bytesToIp(ipToBytes('::1')), '::1');
  assert.equal(bytesToIp(ipToBytes('1050:0000:0000:0000:0005:0600:300c:326b')), '1050::5:600:300c:326b');
  assert.equal(bytesToIp(ipToBytes('::ffff:127.0.0.1')), '::ffff:7f00:1');
  assert.equal(bytesToIp(ipToBytes('[fe80::1%eth0]')), 'fe80::1');
  assert.throws(() => ipToBytes('1::2::3'), MessageIdError);
  assert.throws(() => ipToBytes('300.1.1.1'), MessageIdError);
});
