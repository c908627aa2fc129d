/**
 * Following a capture file while it is written (follow.ts): the file grows in pieces cut anywhere
 * (mid-block included), frames reach the index while the "writer" still writes, random access works
 * on them meanwhile, and the closed index equals the one-pass index of the finished file.
 */
import test from 'node:test';
import * as assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followCaptureFile } from '../../../src/core/capture/follow';
import { indexCaptureBytes } from '../../../src/core/capture/capture-index';
import { readFrameBytes } from '../../../src/core/capture/frame-reader';
import { decodeFrame } from '../../../src/core/remoting';
import { basicCapture } from '../../support/inspector/fixtures';
import { pollUntil } from '../../support/poll';
import { rng } from './helpers';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'rmq-follow-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('frames appear while the file grows in arbitrary pieces; the closed index equals the one-pass index', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'live.pcapng');
  const { bytes, expect } = basicCapture();
  const whole = indexCaptureBytes(bytes);
  const f = followCaptureFile(file, { pollMs: 20 }); // before the file exists: it waits for it
  t.after(() => f.cancel());
  assert.equal(f.index.state, 'indexing');
  const random = rng(7);
  let pos = 0;
  const seen = new Set<number>();
  writeFileSync(file, Buffer.alloc(0));
  while (pos < bytes.length) {
    const n = Math.min(bytes.length - pos, 1 + Math.floor(random() * 300));
    appendFileSync(file, bytes.subarray(pos, pos + n));
    pos += n;
    if (pos === bytes.length) break;
    // Half the pieces: wait until the follower has read them before writing more.
    if (random() < 0.5) await pollUntil('the follower to read the piece', 5000, () => (f.bytesRead === pos ? true : undefined), 5);
    seen.add(f.index.length);
  }
  assert.ok([...seen].some((n) => n > 0 && n < expect.frames), `frames listed while writing: ${[...seen].join(', ')}`);
  assert.equal(f.index.state, 'indexing');
  // Random access on a frame already listed, while the writer is still "running".
  await pollUntil('all frames listed', 5000, () => (f.index.length === expect.frames ? true : undefined), 5);
  const fb = await readFrameBytes(f.index, 0);
  assert.equal(fb.missing, 0);
  assert.equal(decodeFrame(fb.bytes).opaque, f.index.cols.opaque[0]);

  f.writerDone();
  const ix = await f.done;
  assert.equal(ix, f.index);
  assert.equal(ix.state, 'complete');
  assert.equal(ix.length, whole.length);
  assert.equal(ix.packets, whole.packets);
  for (const col of ['code', 'opaque', 'flag', 'pair', 'reqCode', 'warn', 'size', 'conn', 'dir'] as const) {
    assert.deepEqual([...ix.cols[col].subarray(0, ix.length)], [...whole.cols[col].subarray(0, whole.length)], col);
  }
  assert.deepEqual(ix.warnings.items, whole.warnings.items);
  assert.equal(ix.source.fileSize, bytes.length);
});

test('writerDone right after the last write still reads everything', async (t) => {
  const file = join(tempDir(t), 'quick.pcapng');
  const { bytes, expect } = basicCapture();
  const f = followCaptureFile(file, { pollMs: 1000 });
  writeFileSync(file, bytes.subarray(0, 100));
  await pollUntil('the first piece read', 5000, () => (f.bytesRead === 100 ? true : undefined), 5);
  appendFileSync(file, bytes.subarray(100));
  f.writerDone();
  const ix = await f.done;
  assert.equal(ix.length, expect.frames);
  assert.equal(ix.state, 'complete');
});

test('a change event wakes the reader well before its fallback timer', async (t) => {
  const file = join(tempDir(t), 'wake.pcapng');
  const { bytes } = basicCapture();
  writeFileSync(file, bytes.subarray(0, 64));
  const f = followCaptureFile(file, { pollMs: 5000 });
  await pollUntil('the first piece read', 6000, () => (f.bytesRead === 64 ? true : undefined), 5);
  const t0 = Date.now();
  appendFileSync(file, bytes.subarray(64));
  await pollUntil('the rest read', 6000, () => (f.bytesRead === bytes.length ? true : undefined), 5);
  assert.ok(Date.now() - t0 < 1000, `woke after ${Date.now() - t0} ms`);
  f.writerDone();
  await f.done;
});

test('cancel closes the index with what was read; a writer that never creates the file is an error once done', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'cut.pcapng');
  const { bytes } = basicCapture();
  writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const f = followCaptureFile(file, { pollMs: 20 });
  await pollUntil('half read', 5000, () => (f.bytesRead === Math.floor(bytes.length / 2) ? true : undefined), 5);
  const listed = f.index.length;
  f.cancel();
  const ix = await f.done;
  assert.equal(ix.state, 'cancelled');
  assert.equal(ix.length, listed);
  assert.ok(!ix.warnings.items.some((w) => w.kind === 'file.truncated-record'), 'the cut made by the cancel is not reported as damage');

  const never = followCaptureFile(join(dir, 'never.pcapng'), { pollMs: 20 });
  never.writerDone();
  await assert.rejects(never.done, /ENOENT/);
});

test('a file that is not a capture stops the follower with the parser\'s warning', async (t) => {
  const file = join(tempDir(t), 'text.pcapng');
  writeFileSync(file, 'this is not a capture file at all');
  const f = followCaptureFile(file, { pollMs: 20 });
  const ix = await f.done;
  assert.equal(ix.state, 'complete');
  assert.equal(ix.length, 0);
  assert.ok(ix.warnings.items.some((w) => w.kind === 'file.not-a-capture'));
});
