import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { indexCaptureFile, frameDetails } from '../../../src/core/capture';

// compiled to out/test/unit/capture → repository root is four levels up
const samples = path.resolve(__dirname, '..', '..', '..', '..', 'media', 'samples');

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [], err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), stdin: async () => '' });
  return { code, out, err };
}

test('real sample captures (4.9 pcap, 5.3 pcapng): all frames decoded, paired, no frame warnings', async () => {
  for (const f of ['rocketmq-4.9-lo.pcap', 'rocketmq-5.3-lo.pcapng']) {
    const ix = await indexCaptureFile(path.join(samples, f));
    assert.equal(ix.length, 43, f);
    assert.equal(ix.conns.filter((k) => k.rocketmq).length, 6);
    let warn = 0, unpaired = 0;
    for (let i = 0; i < ix.length; i++) {
      warn |= ix.cols.warn[i];
      if (ix.cols.pair[i] < 0 && !(ix.cols.flag[i] & 2)) unpaired++;
    }
    assert.equal(warn, 0);
    assert.equal(unpaired, 0);
    // every frame re-read on demand decodes
    for (let i = 0; i < ix.length; i++) {
      const d = await frameDetails(ix, i);
      assert.equal(d.error, undefined, `${f} frame ${i}: ${d.error}`);
      assert.equal(d.command?.opaque, ix.cols.opaque[i]);
    }
  }
});

test('CLI capture: summary, NDJSON with filter, usage errors', async () => {
  const f = path.join(samples, 'rocketmq-4.9-lo.pcap');
  const s = await cli(['capture', f]);
  assert.equal(s.code, 0);
  const text = s.out.join('\n');
  assert.match(text, /Frames: 43 in 6 RocketMQ connection/);
  assert.match(text, /SEND_MESSAGE_V2\s+5 \/ 4\s+oneway 1/);
  assert.match(text, /PULL_MESSAGE\s+4 \/ 4/);
  const j = await cli(['capture', f, '--json', '--filter', 'code=SEND_MESSAGE_V2 req']);
  assert.equal(j.code, 0);
  const rows = j.out.map((l) => JSON.parse(l));
  assert.equal(rows.length, 5);
  for (const r of rows) {
    assert.equal(r.codeName, 'SEND_MESSAGE_V2');
    assert.equal(r.type, 'request');
    assert.ok(r.extFields.b, 'V2 header present');
    assert.equal(r.topic, r.extFields.b);
  }
  assert.equal(rows.filter((r) => r.oneway).length, 1);
  const all = await cli(['capture', f, '--json']);
  assert.equal(all.out.length, 43);
  const bad = await cli(['capture', f, '--filter', 'code=NOPE']);
  assert.equal(bad.code, 2);
  const missing = await cli(['capture', '/nonexistent.pcap']);
  assert.equal(missing.code, 2);
});
