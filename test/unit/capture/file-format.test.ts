import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { CaptureParser, PacketInfo } from '../../../src/core/capture/file-format';
import { CaptureWarning } from '../../../src/core/capture/types';
import { memorySink, PcapWriter } from '../../../src/core/capture/pcap-writer';
import { readPlainFile, streamCapture } from '../../../src/core/capture/source';
import { rng, T0, session, frame, req, resp, run } from './helpers';

interface Got { num: number; ts: number; cap: number; orig: number; data: Buffer; link: number; iface: number; rec: number }

function parse(bytes: Uint8Array, chunk = bytes.length): { pkts: Got[]; warns: CaptureWarning[]; parser: CaptureParser } {
  const pkts: Got[] = [];
  const warns: CaptureWarning[] = [];
  const parser = new CaptureParser({
    packet: (p: PacketInfo) => pkts.push({ num: p.number, ts: p.tsUs, cap: p.caplen, orig: p.origlen, data: Buffer.from(p.data), link: p.linkType, iface: p.iface.index, rec: p.recordOffset }),
    warning: (w) => warns.push(w),
  });
  for (let o = 0; o < bytes.length; o += chunk) parser.push(bytes.subarray(o, Math.min(bytes.length, o + chunk)));
  parser.finish();
  return { pkts, warns, parser };
}

const P1 = Buffer.from('first packet data');
const P2 = Buffer.alloc(3000, 7);

for (const le of [true, false]) for (const nanos of [false, true]) {
  test(`classic pcap ${le ? 'LE' : 'BE'} ${nanos ? 'ns' : 'µs'}: packets, timestamps, any chunking`, () => {
    const m = memorySink();
    const w = new PcapWriter(m.sink, { format: 'pcap', littleEndian: le, nanos, linkType: 113 });
    w.packet(P1, T0 + 1.5);
    w.packet(P2, T0 + 2_000_000.25);
    const bytes = m.bytes();
    for (const chunk of [1, 7, 100, bytes.length]) {
      const { pkts, warns, parser } = parse(bytes, chunk);
      assert.equal(warns.length, 0);
      assert.equal(parser.detectedFormat, 'pcap');
      assert.equal(pkts.length, 2);
      assert.equal(pkts[0].link, 113);
      assert.deepEqual(pkts[0].data, P1);
      assert.deepEqual(pkts[1].data, P2);
      // µs files keep whole µs; ns files keep the fraction
      assert.equal(pkts[0].ts, nanos ? T0 + 1.5 : T0 + 1);
      assert.ok(Math.abs(pkts[1].ts - (T0 + 2_000_000 + (nanos ? 0.25 : 0))) < 0.3);
      assert.equal(pkts[1].rec, 24 + 16 + P1.length);
    }
  });
}

test('classic pcap snaplen: caplen < origlen is reported per packet', () => {
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format: 'pcap', snaplen: 100 });
  w.packet(P2, T0);
  const { pkts } = parse(m.bytes());
  assert.equal(pkts[0].cap, 100);
  assert.equal(pkts[0].orig, 3000);
});

test('classic pcap: truncated last record is a warning, earlier packets survive', () => {
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format: 'pcap' });
  w.packet(P1, T0); w.packet(P2, T0 + 1);
  const bytes = m.bytes();
  const { pkts, warns } = parse(bytes.subarray(0, bytes.length - 10));
  assert.equal(pkts.length, 1);
  assert.equal(warns.length, 1);
  assert.equal(warns[0].kind, 'file.truncated-record');
  assert.equal(warns[0].fileOffset, 24 + 16 + P1.length);
});

test('classic pcap: corrupt record header stops with a warning, no exception', () => {
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format: 'pcap' });
  w.packet(P1, T0);
  const bytes = Buffer.concat([m.bytes(), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0])]);
  const { pkts, warns } = parse(bytes);
  assert.equal(pkts.length, 1);
  assert.equal(warns[0].kind, 'pcap.corrupt-record');
});

for (const le of [true, false]) {
  test(`pcapng ${le ? 'LE' : 'BE'}: several IDBs with own link types, tsresol, tsoffset, EPB + SPB, unknown blocks`, () => {
    const m = memorySink();
    const w = new PcapWriter(m.sink, { format: 'pcapng', littleEndian: le, linkType: 1 });
    const i1 = w.addInterface({ linkType: 276, tsresolExp: 9, name: 'any' });
    const i2 = w.addInterface({ linkType: 0, tsresolExp: 3, tsoffsetSec: 1000 });
    w.rawBlock(0x0bad, Buffer.from('unknown block body'));
    w.packet(P1, T0 + 10, { iface: 0 });
    w.packet(P1, T0 + 20.5, { iface: i1 });
    w.packet(P2, T0 + 31_000, { iface: i2 });
    w.rawBlock(5, Buffer.alloc(16)); // ISB: skipped
    w.packet(P1, 0, { simple: true });
    const { pkts, warns, parser } = parse(m.bytes(), 13);
    assert.deepEqual(warns, []);
    assert.equal(parser.detectedFormat, 'pcapng');
    assert.equal(pkts.length, 4);
    assert.deepEqual(pkts.map((p) => p.link), [1, 276, 0, 1]);
    assert.equal(pkts[0].ts, T0 + 10);
    assert.ok(Math.abs(pkts[1].ts - (T0 + 20.5)) < 0.01, `ns interface ts ${pkts[1].ts}`);
    assert.equal(pkts[2].ts, T0 + 31_000); // ms resolution + offset
    assert.deepEqual(pkts[2].data, P2);
    assert.deepEqual(pkts[3].data, P1); // SPB
    assert.equal(parser.interfaces[1].name, 'any');
    assert.equal(parser.interfaces[2].tsOffsetSec, 1000);
  });
}

test('pcapng SPB: no timestamp of its own, so it takes the previous packet\'s of its section (0 for a section\'s first)', () => {
  const a = memorySink();
  const w1 = new PcapWriter(a.sink, { format: 'pcapng', littleEndian: true, linkType: 1 });
  const ns = w1.addInterface({ linkType: 1, tsresolExp: 9 });
  w1.packet(P1, 0, { simple: true });              // first of the section: nothing to inherit
  w1.packet(P1, T0 + 10);
  w1.packet(P2, 0, { simple: true });
  w1.packet(P1, 0, { simple: true });              // after an SPB: still the last real timestamp
  w1.packet(P1, T0 + 20.5, { iface: ns });          // another interface of the section
  w1.packet(P1, 0, { simple: true });
  const b = memorySink();
  const w2 = new PcapWriter(b.sink, { format: 'pcapng', littleEndian: false, linkType: 1 });
  w2.packet(P1, 0, { simple: true });              // new section: not the previous section's time
  w2.packet(P2, T0 + 5_000_000);
  w2.packet(P1, 0, { simple: true });
  const bytes = Buffer.concat([a.bytes(), b.bytes()]);
  for (const chunk of [7, 64, bytes.length]) {
    const { pkts, warns } = parse(bytes, chunk);
    assert.deepEqual(warns, []);
    const ts = pkts.map((p) => p.ts);
    assert.deepEqual(ts.slice(0, 4), [0, T0 + 10, T0 + 10, T0 + 10], `chunk ${chunk}`);
    assert.ok(Math.abs(ts[4] - (T0 + 20.5)) < 0.01 && ts[5] === ts[4], `chunk ${chunk}: ${ts[4]} ${ts[5]}`);
    assert.deepEqual(ts.slice(6), [0, T0 + 5_000_000, T0 + 5_000_000], `chunk ${chunk}`);
    assert.deepEqual(pkts.map((p) => p.data.length), [P1.length, P1.length, P2.length, P1.length, P1.length, P1.length, P1.length, P2.length, P1.length]);
  }
});

test('pcapng SPB in a RocketMQ capture: a response in an SPB gets a sensible latency and time range', () => {
  const s = session();
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format: 'pcapng', linkType: 1 });
  w.packet(s.syn(), T0); w.packet(s.synAck(), T0 + 10); w.packet(s.ack(0), T0 + 20);
  for (const p of s.send(0, frame(req(310, 7, { a: 'g', b: 'T' }, Buffer.from('body'))))) w.packet(p, T0 + 100);
  for (const p of s.send(1, frame(resp(7, 0, { msgId: 'X' })))) w.packet(p, 0, { simple: true });
  const { index } = run(m.bytes());
  assert.equal(index.length, 2);
  assert.equal(index.latencyUs(1), 0, 'the response inherits the request packet\'s time, not 1970');
  assert.equal(index.firstUs, T0);
  assert.equal(index.lastUs, T0 + 100);
});

test('pcapng: second section in the other byte order with its own interfaces', () => {
  const a = memorySink();
  const w1 = new PcapWriter(a.sink, { format: 'pcapng', littleEndian: true, linkType: 1 });
  w1.packet(P1, T0);
  const b = memorySink();
  const w2 = new PcapWriter(b.sink, { format: 'pcapng', littleEndian: false, linkType: 113 });
  w2.packet(P2, T0 + 5);
  const { pkts, warns, parser } = parse(Buffer.concat([a.bytes(), b.bytes()]), 50);
  assert.deepEqual(warns, []);
  assert.deepEqual(pkts.map((p) => p.link), [1, 113]);
  assert.deepEqual(pkts.map((p) => p.iface), [0, 1]);
  assert.equal(parser.sections.length, 2);
});

test('pcapng: truncated last block reported as a warning', () => {
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format: 'pcapng' });
  w.packet(P1, T0); w.packet(P2, T0 + 1);
  const bytes = m.bytes();
  const { pkts, warns } = parse(bytes.subarray(0, bytes.length - 100));
  assert.equal(pkts.length, 1);
  assert.equal(warns.length, 1);
  assert.equal(warns[0].kind, 'file.truncated-record');
});

test('not a capture: labelled warning', () => {
  const { pkts, warns } = parse(Buffer.from('hello world, not a pcap'));
  assert.equal(pkts.length, 0);
  assert.equal(warns[0].kind, 'file.not-a-capture');
});

test('.pcap.gz is read through zlib streaming; plain file through positional reads', async () => {
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format: 'pcapng' });
  const r = rng(5);
  const noisy = Buffer.alloc(3000);
  for (let i = 0; i < 500; i++) { for (let j = 1; j < noisy.length; j++) noisy[j] = r() * 256; noisy[0] = 7; w.packet(noisy, T0 + i); }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capfmt-'));
  try {
    const plain = path.join(dir, 'a.pcapng');
    const gz = path.join(dir, 'a.pcapng.gz');
    fs.writeFileSync(plain, m.bytes());
    fs.writeFileSync(gz, zlib.gzipSync(m.bytes()));
    for (const f of [plain, gz]) {
      let n = 0, sum = 0;
      const warns: CaptureWarning[] = [];
      const info = await streamCapture(f, { packet: (p) => { n++; sum += p.data[0]; }, warning: (x) => warns.push(x) });
      assert.equal(n, 500);
      assert.equal(sum, 500 * 7);
      assert.deepEqual(warns, []);
      assert.equal(info.gzip, f === gz);
      assert.equal(info.streamBytes, m.bytes().length);
    }
    // a cut gzip file: warning, packets before the cut still delivered
    fs.writeFileSync(gz, zlib.gzipSync(m.bytes()).subarray(0, 20000));
    let n = 0;
    const warns: CaptureWarning[] = [];
    await streamCapture(gz, { packet: () => { n++; }, warning: (x) => warns.push(x) });
    assert.ok(n > 0 && n < 500);
    assert.ok(warns.some((x) => x.kind === 'gzip.error'), JSON.stringify(warns));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('double-buffered plain-file reads (readPlainFile): records of every size against the reserve, growing reads, reads from an offset — same packets as one push', async () => {
  // pcapng blocks from 1 byte to 3× the 64 KiB reserve (max read 64 KiB → reserve 64 KiB): the
  // parser's unparsed tail sometimes fits in front of the next read (moved into the other ring
  // buffer) and sometimes does not (moved to a buffer of its own) — both paths, many times.
  const r = rng(7);
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format: 'pcapng', linkType: 1, snaplen: 1 << 20 });
  const sizes: number[] = [];
  for (let i = 0; i < 400; i++) {
    const n = r() < 0.1 ? 65536 + Math.floor(r() * 131072) : 1 + Math.floor(r() * 3000);
    sizes.push(n);
    const d = Buffer.alloc(n);
    for (let k = 0; k < n; k += 997) d[k] = (i + k) & 0xff;
    d[n - 1] = i & 0xff;
    w.packet(d, T0 + i);
  }
  const bytes = m.bytes();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-read-')), 'ring.pcapng');
  fs.writeFileSync(file, bytes);
  const want = parse(bytes).pkts;
  assert.equal(want.length, sizes.length);
  for (const steps of [{ first: 4096, max: 65536 }, { first: 1 << 20 }, {}]) {
    const got: Got[] = [];
    const warns: CaptureWarning[] = [];
    await streamCapture(file, {
      packet: (p) => got.push({ num: p.number, ts: p.tsUs, cap: p.caplen, orig: p.origlen, data: Buffer.from(p.data), link: p.linkType, iface: p.iface.index, rec: p.recordOffset }),
      warning: (x) => warns.push(x),
    }, steps);
    assert.deepEqual(warns, [], JSON.stringify(steps));
    assert.deepEqual(got, want, `packets differ with reads ${JSON.stringify(steps)}`);
  }
  // from an offset, with a resumed parser (random access): the packets from that record on
  const k = 123;
  const resumed: number[] = [];
  const p = new CaptureParser({ packet: (x) => resumed.push(x.recordOffset), warning: () => undefined }, { format: 'pcapng', le: true, offset: want[k].rec, sectionNo: 0, sectionIfaces: parse(bytes).parser.interfaces });
  await readPlainFile(file, p, { from: want[k].rec, first: 4096, max: 65536 });
  assert.deepEqual(resumed, want.slice(k).map((x) => x.rec));
});
