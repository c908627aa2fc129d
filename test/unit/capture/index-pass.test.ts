/**
 * The index pass as a consumer on a shared thread uses it (the inspector): the index handed out at
 * once and growing, connections announced at their first packet, cancellation, and random access
 * (during and after the pass) giving the bytes of the full pass.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { CaptureIndex, ConnSummary, IndexState, indexCaptureFile } from '../../../src/core/capture/capture-index';
import { FrameBytes, readFrameBytes, readFrameBytesFromBuffer } from '../../../src/core/capture/frame-reader';
import { FrameOut } from '../../../src/core/capture/frames';
import { FrameWarn } from '../../../src/core/capture/types';
import { fileSink, memorySink, PcapWriter } from '../../../src/core/capture/pcap-writer';
import { writeLargeCapture } from '../../support/inspector/fixtures';
import { frame, req, resp, run, session, T0 } from './helpers';

// compiled to out/test/unit/capture → repository root is four levels up
const samples = path.resolve(__dirname, '..', '..', '..', '..', 'media', 'samples');

let dir: string;
/** A pcapng of about 12 MB (more than one 8 MiB read of the default reader). */
let big: string;
let bigFrames: number;
let bigSize: number;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ixpass-'));
  big = path.join(dir, 'big.pcapng');
  const out = fileSink(big);
  bigFrames = writeLargeCapture(out.sink, 12_000, 600, 4).frames;
  out.close();
  bigSize = fs.statSync(big).size;
});
after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

/** Frame bytes of a full (byte-keeping) pass, by frame number. */
async function fullPassBytes(file: string): Promise<Buffer[]> {
  const bytes: Buffer[] = [];
  await indexCaptureFile(file, { full: true }, (f: FrameOut, i: number) => { bytes[i] = Buffer.from(f.bytes!.subarray(0, f.bytesAvailable)); });
  return bytes;
}

/** What random access must give for a frame kept whole by the full pass. */
function assertSameBytes(fb: FrameBytes, expected: Buffer, what: string): void {
  assert.equal(fb.missing, 0, what);
  assert.equal(fb.size, expected.length, what);
  assert.ok(fb.bytes.equals(expected), `${what}: bytes differ`);
}

for (const step of [undefined, 256 * 1024]) {
  const reader = step ? 'stepped reads' : 'default reads';

  test(`index pass (${reader}): the index is handed out before anything is read and grows while the pass runs`, async () => {
    const got: { ix?: CaptureIndex } = {};
    const seen: { frames: number; state: IndexState; bytesRead: number; fileSize: number }[] = [];
    const pass = indexCaptureFile(big, {
      step,
      onIndex: (ix) => { got.ix = ix; },
      onProgress: (bytesRead, fileSize) => { seen.push({ frames: got.ix!.length, state: got.ix!.state, bytesRead, fileSize }); },
    });
    const handed = got.ix;
    assert.ok(handed, 'onIndex ran before indexCaptureFile returned');
    assert.equal(handed.length, 0);
    assert.equal(handed.state, 'indexing');
    assert.equal(handed.source.path, big);
    const ix = await pass;
    assert.equal(ix, handed, 'the pass resolves with the index it handed out');
    assert.equal(ix.state, 'complete');
    assert.equal(ix.length, bigFrames);
    assert.ok(seen.length >= 2, `${seen.length} progress calls`);
    assert.ok(seen.every((s) => s.state === 'indexing' && s.fileSize === bigSize));
    assert.ok(seen[0].frames > 0 && seen[0].frames < bigFrames, `first progress with ${seen[0].frames} frames`);
    for (let k = 1; k < seen.length; k++) {
      assert.ok(seen[k].frames >= seen[k - 1].frames && seen[k].bytesRead > seen[k - 1].bytesRead, `progress ${k}`);
    }
    assert.equal(seen[seen.length - 1].bytesRead, bigSize);
    if (step) assert.ok(seen.length >= bigSize / step, 'reads no larger than the step');
  });

  test(`index pass (${reader}): cancelling through the AbortSignal stops early and says so`, async () => {
    const ac = new AbortController();
    const ix = await indexCaptureFile(big, { step, signal: ac.signal, onProgress: () => ac.abort() });
    assert.equal(ix.state, 'cancelled');
    assert.ok(ix.length > 0 && ix.length < bigFrames, `${ix.length} of ${bigFrames} frames`);
    assert.ok(ix.source.streamBytes < bigSize);
    assert.equal(ix.warnings.counts.get('file.truncated-record'), undefined, 'the stop is not reported as a damaged file');
    assert.ok(ix.conns.every((c) => c.closed !== null), 'connections closed as if the capture ended there');
    // aborted before it starts: nothing is read
    const pre = new AbortController();
    pre.abort();
    const none = await indexCaptureFile(big, { step, signal: pre.signal });
    assert.equal(none.state, 'cancelled');
    assert.equal(none.length, 0);
    assert.equal(none.warnings.total, 0);
  });
}

test('index pass of a .gz capture: progress counts compressed bytes, up to the file size', async () => {
  const gz = path.join(dir, 'big.pcapng.gz');
  fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(big), { level: 1 }));
  const gzSize = fs.statSync(gz).size;
  const seen: { bytesRead: number; fileSize: number }[] = [];
  const ix = await indexCaptureFile(gz, { onProgress: (bytesRead, fileSize) => { seen.push({ bytesRead, fileSize }); } });
  assert.equal(ix.length, bigFrames);
  assert.ok(seen.length >= 2, `${seen.length} progress calls`);
  for (let k = 0; k < seen.length; k++) {
    assert.equal(seen[k].fileSize, gzSize);
    assert.ok(seen[k].bytesRead <= gzSize, `progress ${k}: ${seen[k].bytesRead} of ${gzSize} bytes (a percentage over 100 before)`);
    if (k > 0) assert.ok(seen[k].bytesRead >= seen[k - 1].bytesRead, `progress ${k} goes forward`);
  }
  assert.equal(seen[seen.length - 1].bytesRead, gzSize);
});

test('random access while the pass runs: frames of still-open connections read back as the full pass has them', async () => {
  const expected = await fullPassBytes(big);
  const reads: Promise<void>[] = [];
  let checked = 0;
  const live: { ix?: CaptureIndex } = {};
  const ix = await indexCaptureFile(big, {
    step: 256 * 1024,
    onProgress: () => {
      if (reads.length >= 3) return;
      const ix = live.ix!;
      const i = ix.length - 1; // the newest frame; its connection is still open
      assert.equal(ix.conns[ix.cols.conn[i]].closed, null);
      reads.push(readFrameBytes(ix, i).then((fb) => { assertSameBytes(fb, expected[i], `frame ${i}`); checked++; }));
    },
    onIndex: (ix) => { live.ix = ix; },
  });
  await Promise.all(reads);
  assert.equal(checked, 3);
  assert.equal(ix.length, expected.length);
});

test('onConnection: at each connection\'s first packet, with its endpoints (IPv4 and IPv6, with and without a handshake)', async () => {
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format: 'pcapng' });
  let t = T0;
  const a = session({ client: '10.1.2.3', clientPort: 40001, server: '10.1.2.4', serverPort: 10911 });
  w.packet(a.syn(), t++); w.packet(a.synAck(), t++); w.packet(a.ack(0), t++);
  for (const p of a.send(0, frame(req(105, 1, { topic: 'T' })))) w.packet(p, t++);
  for (const p of a.send(1, frame(resp(1)))) w.packet(p, t++);
  // IPv6, picked up mid-stream: its first packet is the server's (port 9876) response
  const b = session({ client: '2001:db8::7', clientPort: 51000, server: '2001:db8::5', serverPort: 9876 });
  for (const p of b.send(1, frame(resp(7)))) w.packet(p, t++);
  for (const p of b.send(0, frame(req(105, 8)))) w.packet(p, t++);
  // IPv6 handshake that never carries a frame
  const c = session({ client: 'fe80::1:2', clientPort: 45000, server: '::1', serverPort: 10911 });
  w.packet(c.syn(), t++); w.packet(c.synAck(), t++);
  for (const p of a.send(0, frame(req(105, 2)))) w.packet(p, t++);
  w.packet(a.fin(0), t++); w.packet(a.fin(1), t++);
  const file = path.join(dir, 'conns.pcapng');
  fs.writeFileSync(file, m.bytes());

  const events: { conn: ConnSummary; frames: number; closed: string | null; listed: boolean }[] = [];
  const got: { ix?: CaptureIndex } = {};
  const ix = await indexCaptureFile(file, {
    onIndex: (x) => { got.ix = x; },
    onConnection: (conn) => { events.push({ conn, frames: got.ix!.length, closed: conn.closed, listed: got.ix!.conns[conn.id] === conn }); },
  });
  assert.deepEqual(events.map((e) => [e.conn.id, e.frames, e.closed, e.listed]), [
    [0, 0, null, true], // before any frame
    [1, 2, null, true], // after connection 0's request and response, before its own frames
    [2, 4, null, true],
  ]);
  const ends = events.map(({ conn }) => [conn.ipVersion, conn.client, conn.clientPort, conn.server, conn.serverPort]);
  assert.deepEqual(ends, [
    [4, '10.1.2.3', 40001, '10.1.2.4', 10911],
    [6, '2001:db8::7', 51000, '2001:db8::5', 9876],
    [6, 'fe80::1:2', 45000, '::1', 10911],
  ]);
  assert.deepEqual([...events[1].conn.clientAddr], [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7]);
  // the same entries, completed when the connections closed
  assert.equal(ix.length, 5);
  assert.deepEqual(ix.conns.map((k) => [k.closed, k.frames, k.rocketmq]), [['fin', [2, 1], true], ['eof', [1, 1], true], ['eof', [0, 0], false]]);
  events.forEach((e, k) => assert.equal(ix.conns[k], e.conn));
});

test('random access gives the full pass\'s bytes for every frame of the real samples (pcap, pcapng, .pcap.gz)', async () => {
  const files = fs.readdirSync(samples).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => path.join(samples, f));
  assert.ok(files.length >= 2);
  for (const f of [...files]) {
    const gz = path.join(dir, `${path.basename(f)}.gz`);
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(f)));
    files.push(gz);
  }
  assert.ok(files.some((f) => f.endsWith('.pcap.gz')));
  for (const f of files) {
    const expected = await fullPassBytes(f);
    const ix = await indexCaptureFile(f);
    assert.equal(ix.source.gzip, f.endsWith('.gz'));
    assert.ok(ix.length > 0 && ix.length === expected.length, `${f}: ${ix.length} frames`);
    for (let i = 0; i < ix.length; i++) assertSameBytes(await readFrameBytes(ix, i), expected[i], `${path.basename(f)} frame ${i}`);
  }
});

test('random access: a retransmission with other bytes inside the frame\'s range does not override the first copy (as the pass)', () => {
  const m = memorySink();
  const w = new PcapWriter(m.sink, { format: 'pcap' });
  const s = session();
  let t = T0;
  w.packet(s.syn(), t++); w.packet(s.synAck(), t++);
  const f = frame(req(310, 9, { a: 'g', b: 'T' }, Buffer.alloc(3000, 0x61)));
  const [p1, p2, p3] = [s.segment(0, 0, f.subarray(0, 1000)), s.segment(0, 1000, f.subarray(1000, 2000)), s.segment(0, 2000, f.subarray(2000))];
  const other = Buffer.from(f.subarray(1000, 2000)).fill(0x7a, 100, 900);
  w.packet(p1, t++); w.packet(p2, t++); w.packet(s.segment(0, 1000, other), t++); w.packet(p3, t++);
  const bytes = m.bytes();
  const { index, frames } = run(bytes);
  assert.equal(index.length, 1);
  assert.ok(frames[0].bytes!.equals(f));
  assertSameBytes(readFrameBytesFromBuffer(index, 0, bytes), f, 'frame 0');
});

test('a request completed only after a capture gap is paired with the answer that came out before it', async () => {
  // zoo.pcapng: on connection 4 two SEND_MESSAGE_V2 requests (opaque 401, 402) lose bytes to a gap,
  // so their frames are complete — and emitted — after both responses.
  const ix = await indexCaptureFile(path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'captures', 'zoo.pcapng'));
  const c = ix.cols;
  const at = (opaque: number, response: boolean) => {
    for (let i = 0; i < ix.length; i++) if (c.opaque[i] === opaque && ((c.flag[i] & 1) === 1) === response && c.code[i] >= 0 && ix.conns[c.conn[i]]) return i;
    throw new Error(`no frame with opaque ${opaque}`);
  };
  for (const opaque of [401, 402]) {
    const req = at(opaque, false);
    const resp = at(opaque, true);
    assert.ok(resp < req, `the response (frame ${resp}) is emitted before the request (frame ${req})`);
    assert.equal(c.pair[req], resp);
    assert.equal(c.pair[resp], req);
    assert.equal(c.reqCode[resp], 310);
    assert.equal(c.warn[resp] & FrameWarn.OrphanResponse, 0, 'no longer an orphan');
    assert.equal(c.warn[req] & FrameWarn.Unanswered, 0, 'not unanswered');
  }
});
