/**
 * The capture writer's ring buffer: the stream cut at record boundaries into files that are each a
 * complete capture (header repeated), the oldest removed, and the files followed as one stream.
 */
import test from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureWriter, joinSegments } from '../../../src/app/capture/capture-writer';
import { followCaptureFile } from '../../../src/core/capture/follow';
import { indexCaptureBytes, indexCaptureFile } from '../../../src/core/capture/capture-index';
import { basicCapture } from '../../support/inspector/fixtures';
import { pollUntil } from '../../support/poll';
import { rng } from '../capture/helpers';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'rmq-writer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function feed(w: CaptureWriter, bytes: Buffer, seed: number): void {
  const random = rng(seed);
  for (let pos = 0; pos < bytes.length;) {
    const n = Math.min(bytes.length - pos, 1 + Math.floor(random() * 200));
    w.write(bytes.subarray(pos, pos + n));
    pos += n;
  }
}

for (const format of ['pcapng', 'pcap'] as const) {
  test(`${format}: ring files are whole captures, cut between records, and together are the stream`, (t) => {
    const dir = tempDir(t);
    const { bytes } = basicCapture(format);
    const w = new CaptureWriter(join(dir, `ring.${format}`), { fileBytes: 700, files: 1000 });
    feed(w, bytes, 3);
    w.end();
    const segs = w.segments();
    assert.ok(segs.length >= 3, `${segs.length} files`);
    assert.deepEqual(segs.map((s) => s.path.slice(dir.length + 1)), segs.map((_, k) => `ring_${String(k + 1).padStart(5, '0')}.${format}`));
    const whole = indexCaptureBytes(bytes);
    let frames = 0;
    for (const [k, s] of segs.entries()) {
      const data = readFileSync(s.path);
      assert.equal(s.fileStart, k === 0 ? 0 : segs[1].fileStart, 'every later file starts with the same header');
      if (k < segs.length - 1) assert.equal(s.streamEnd, segs[k + 1].streamStart, 'the files are contiguous in the stream');
      // each file alone: no truncated record, readable by tshark
      const ix = indexCaptureBytes(data);
      assert.ok(!ix.warnings.items.some((x) => x.kind === 'file.truncated-record' || x.kind === 'file.not-a-capture'), `${s.path}: ${JSON.stringify(ix.warnings.items)}`);
      frames += ix.length;
      const r = spawnSync('tshark', ['-r', s.path, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
    assert.ok(frames <= whole.length, 'frames cut by a file boundary are not invented');
    const joined = join(dir, `joined.${format}`);
    joinSegments(segs, joined);
    assert.ok(readFileSync(joined).equals(bytes), 'the files joined are the stream, byte for byte');
  });
}

test('the ring keeps the newest files and removes the oldest', (t) => {
  const dir = tempDir(t);
  const { bytes } = basicCapture();
  const w = new CaptureWriter(join(dir, 'ring.pcapng'), { fileBytes: 600, files: 2 });
  feed(w, bytes, 5);
  w.end();
  const segs = w.segments();
  assert.ok(segs.length > 2);
  assert.deepEqual(segs.map((s) => s.removed), segs.map((_, k) => k < segs.length - 2));
  assert.deepEqual(segs.map((s) => existsSync(s.path)), segs.map((s) => !s.removed));
  assert.deepEqual(w.files(), segs.slice(-2).map((s) => s.path));
});

test('a ring file the reader has not read to its end is kept until it has', (t) => {
  const dir = tempDir(t);
  const { bytes } = basicCapture();
  const w = new CaptureWriter(join(dir, 'ring.pcapng'), { fileBytes: 600, files: 1 });
  let readerAt = 0;
  w.followedBy(() => readerAt);
  feed(w, bytes, 7);
  const segs = w.segments();
  assert.ok(segs.length >= 3);
  assert.ok(segs.every((s) => !s.removed && existsSync(s.path)), 'nothing read yet: every file stays');
  readerAt = segs[1].streamEnd!;
  w.prune();
  assert.deepEqual(segs.map((s) => s.removed), segs.map((_, k) => k <= 1), 'the files read to their end go; the ring keeps one beyond them');
  readerAt = w.streamBytes;
  w.end();
  w.prune();
  assert.deepEqual(w.files(), [segs[segs.length - 1].path]);
});

test('the follower reads a ring as one stream while it is written: the same frames as the stream in one pass', async (t) => {
  const dir = tempDir(t);
  const { bytes } = basicCapture();
  const w = new CaptureWriter(join(dir, 'ring.pcapng'), { fileBytes: 500, files: 1000 });
  const f = followCaptureFile(w, { pollMs: 10 });
  t.after(() => f.cancel());
  const random = rng(9);
  for (let pos = 0; pos < bytes.length;) {
    const n = Math.min(bytes.length - pos, 1 + Math.floor(random() * 300));
    w.write(bytes.subarray(pos, pos + n));
    pos += n;
    if (random() < 0.5) await pollUntil('the follower to catch up', 5000, () => (f.bytesRead === w.streamBytes ? true : undefined), 5);
  }
  w.end();
  f.writerDone();
  const ix = await f.done;
  const whole = indexCaptureBytes(bytes);
  assert.ok(w.segments().length >= 3);
  assert.equal(ix.length, whole.length);
  assert.equal(ix.packets, whole.packets);
  for (const col of ['code', 'opaque', 'pair', 'posMin', 'posMax'] as const) {
    assert.deepEqual([...ix.cols[col].subarray(0, ix.length)], [...whole.cols[col].subarray(0, whole.length)], col);
  }
  assert.equal(f.bytesRead, bytes.length, 'stream bytes: the repeated headers are not counted');
  const joined = join(dir, 'joined.pcapng');
  joinSegments(w.segments(), joined);
  assert.equal((await indexCaptureFile(joined)).length, whole.length);
});
