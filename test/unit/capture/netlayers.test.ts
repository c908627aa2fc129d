import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { NetDecoder } from '../../../src/core/capture/netlayers';
import { buildIpPacket, buildTcpPacket, buildTcpSegment, wrapLink } from '../../../src/core/capture/pcap-writer';
import { CaptureWarning } from '../../../src/core/capture/types';
import { frame, req, run, session, T0, writer } from './helpers';

const PAYLOAD = Buffer.from('hello rocketmq');

function decodeOne(link: number, pkt: Uint8Array, d = new NetDecoder(() => {})) {
  const r = d.decode(link, pkt, T0, 0);
  return { r, o: d.out, payload: r === 'ok' ? Buffer.from(d.out.buf.subarray(d.out.l4off + 20, d.out.l4off + d.out.l4len)) : null };
}

const spec4 = { src: '127.0.0.1', dst: '127.0.0.2', sport: 1234, dport: 10911, seq: 1, payload: PAYLOAD };
const spec6 = { ...spec4, src: '::1', dst: 'fe80::1:2' };

for (const [name, link, extra] of [
  ['Ethernet', 1, {}], ['Ethernet 802.1Q', 1, { vlans: [5] }], ['Ethernet QinQ', 1, { vlans: [7, 9] }],
  ['Linux cooked v1', 113, {}], ['Linux cooked v2', 276, {}], ['BSD NULL', 0, {}], ['LOOP', 108, {}],
  ['raw (101)', 101, {}], ['raw IPv4 (228)', 228, {}],
] as [string, number, object][]) {
  test(`link ${name}: IPv4/TCP payload found`, () => {
    const { r, o, payload } = decodeOne(link, buildTcpPacket(link, { ...spec4, ...extra }));
    assert.equal(r, 'ok');
    assert.equal(o.ipVersion, 4);
    assert.deepEqual([...o.src], [127, 0, 0, 1]);
    assert.equal(o.protocol, 6);
    assert.deepEqual(payload, PAYLOAD);
  });
}

for (const link of [1, 113, 276, 0, 229, 101]) {
  test(`link ${link}: IPv6 with extension headers skipped`, () => {
    const { r, o, payload } = decodeOne(link, buildTcpPacket(link, { ...spec6, ipv6Ext: true }));
    assert.equal(r, 'ok');
    assert.equal(o.ipVersion, 6);
    assert.equal(o.protocol, 6);
    assert.equal(o.dst[15], 2);
    assert.deepEqual(payload, PAYLOAD);
  });
}

test('IPv4 options are skipped', () => {
  const { r, payload } = decodeOne(1, buildTcpPacket(1, { ...spec4, ipOptions: Buffer.from([1, 1, 1, 0, 0x44, 4, 5, 0]) }));
  assert.equal(r, 'ok');
  assert.deepEqual(payload, PAYLOAD);
});

test('IPv4 fragments are reassembled in any order; bounded and expired with warnings', () => {
  const big = Buffer.alloc(3000);
  for (let i = 0; i < big.length; i++) big[i] = i & 0xff;
  const seg = buildTcpSegment({ ...spec4, payload: big });
  const whole = buildIpPacket(spec4.src, spec4.dst, 6, seg, { ipId: 77 });
  // split the IP payload into 3 fragments of 1000/1000/rest (multiples of 8)
  const frags: Buffer[] = [];
  for (let off = 0; off < seg.length; off += 1000) {
    const part = seg.subarray(off, Math.min(seg.length, off + 1000));
    frags.push(wrapLink(1, buildIpPacket(spec4.src, spec4.dst, 6, part, { ipId: 77, fragOffset: off, moreFragments: off + 1000 < seg.length })));
  }
  const warns: CaptureWarning[] = [];
  const d = new NetDecoder((w) => warns.push(w));
  assert.equal(frags.length, 4);
  assert.equal(d.decode(1, frags[3], T0, 0), 'fragment-pending');
  assert.equal(d.decode(1, frags[2], T0, 0), 'fragment-pending');
  assert.equal(d.decode(1, frags[0], T0, 0), 'fragment-pending');
  assert.equal(d.decode(1, frags[1], T0, 0), 'ok');
  assert.deepEqual(Buffer.from(d.out.buf.subarray(d.out.l4off + 20, d.out.l4off + d.out.l4len)), big);
  assert.equal(whole.length, 20 + seg.length);
  // an incomplete datagram is reported at the end
  d.decode(1, frags[0], T0, 123);
  d.finish();
  assert.equal(warns.length, 1);
  assert.equal(warns[0].kind, 'ip.fragments-dropped');
  // many incomplete datagrams: bounded
  const d2 = new NetDecoder((w) => warns.push(w), { maxFragDatagrams: 4, maxFragBytes: 1 << 20, fragTimeoutUs: 1e6 });
  for (let id = 0; id < 50; id++) d2.decode(1, wrapLink(1, buildIpPacket(spec4.src, spec4.dst, 6, seg.subarray(0, 1000), { ipId: id, moreFragments: true })), T0, 0);
  assert.ok(warns.length >= 46);
});

test('unsupported link type: one warning, packets skipped', () => {
  const warns: CaptureWarning[] = [];
  const d = new NetDecoder((w) => warns.push(w));
  assert.equal(d.decode(147, Buffer.alloc(40), T0, 10), 'skip');
  assert.equal(d.decode(147, Buffer.alloc(40), T0, 20), 'skip');
  assert.equal(warns.length, 1);
  assert.equal(warns[0].kind, 'link.unsupported');
});

test('frames are found on every link type end to end (IPv6 over cooked v2)', () => {
  for (const link of [0, 1, 113, 276, 101, 228, 229]) {
    const v6 = link === 229;
    const s = session({ linkType: link, client: v6 ? '::1' : '127.0.0.1', server: v6 ? '::1' : '127.0.0.1' });
    const { w, bytes } = writer({ linkType: link });
    w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 1);
    for (const p of s.send(0, frame(req(105, 1, { topic: 'T' })))) w.packet(p, T0 + 2);
    const { index } = run(bytes());
    assert.equal(index.length, 1, `link ${link}`);
    assert.equal(index.topicOf(0), 'T');
    assert.equal(index.conns[0].ipVersion, v6 ? 6 : 4);
  }
});
