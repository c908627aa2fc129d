// Every decoder registered with registerConnectionTap reads each connection's bytes in the index pass.
// (node --test runs each file in its own process, so these registrations stay in this file.)
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { indexCaptureBytes, registerConnectionTap } from '../../../src/core/capture/capture-index';
import type { StreamSink } from '../../../src/core/capture/tcp';
import { basicCapture } from '../../support/inspector/fixtures';

function counter(): { bytes: number; tap: () => [StreamSink, StreamSink] } {
  const c = { bytes: 0, tap: () => [sink(), sink()] as [StreamSink, StreamSink] };
  const sink = (): StreamSink => ({ begin: () => undefined, data: (_b, _o, len) => { c.bytes += len; }, gap: () => undefined, end: () => undefined });
  return c;
}

test('two registered taps both read every byte of every connection, beside the remoting index', () => {
  const f = basicCapture();
  const alone = indexCaptureBytes(f.bytes);
  const a = counter(), b = counter();
  registerConnectionTap(a.tap);
  registerConnectionTap(b.tap);
  const ix = indexCaptureBytes(f.bytes);
  assert.equal(ix.length, alone.length, 'the remoting frames are indexed as before');
  let stream = 0;
  for (let i = 0; i < ix.length; i++) stream += ix.cols.size[i];
  assert.ok(a.bytes >= stream && a.bytes > 0, `tap a read ${a.bytes} bytes, frames hold ${stream}`);
  assert.equal(b.bytes, a.bytes, 'the second tap read the same bytes as the first');
});
