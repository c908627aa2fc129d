// Content search (src/core/capture/search.ts) and the CLI's free text: a frame whose key, id,
// property value or body (inflated, batch entry, pulled message) contains the text matches, with the
// response to a matching request; a frame that does not contain it does not.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { main } from '../../../src/cli/main';
import { CaptureIndex, indexCaptureBytes, indexCaptureFile } from '../../../src/core/capture/capture-index';
import { filterFrames, parseFilter } from '../../../src/core/capture/filter';
import { indexOfFolded, searchCaptureBytes, searchCaptureFile, SearchHits, SearchNeedle } from '../../../src/core/capture/search';
import { searchCapture } from './search-fixture';

const fx = searchCapture();
const ix = indexCaptureBytes(fx.bytes);

/** "opaque req" / "opaque resp" of the frames a search hit, sorted. */
function described(index: CaptureIndex, h: SearchHits): string[] {
  const out: string[] = [];
  for (let i = 0; i < index.length; i++) if (h.has(i)) out.push(`${index.cols.opaque[i]} ${index.cols.flag[i] & 1 ? 'resp' : 'req'}`);
  return out.sort();
}
const pair = (opaque: number) => [`${opaque} req`, `${opaque} resp`];
const search = (term: string) => described(ix, searchCaptureBytes(ix, fx.bytes, [term])[0]);

test('search fixture: frames straddle segments and the compressed texts are not in the compressed bytes', () => {
  assert.equal(ix.length, 16);
  let multi = 0;
  for (let i = 0; i < ix.length; i++) if (ix.cols.posMax[i] > ix.cols.posMin[i]) multi++;
  assert.ok(multi >= 12, `frames spanning several packets: ${multi}`);
  assert.equal(Buffer.from(fx.text.zlibCompressed).includes(fx.text.zlib), false);
  assert.equal(fx.bytes.includes(fx.text.pulledZlib), false);
});

test('message key (KEYS), case-insensitive: the send and its response, nothing else', () => {
  assert.deepEqual(search(fx.text.key), pair(fx.opaque.plain));
  assert.deepEqual(search(fx.text.key.toUpperCase()), pair(fx.opaque.plain));
  assert.deepEqual(search('order-1002'), pair(fx.opaque.plain)); // the second of two keys
});

test('UNIQ_KEY / msgId and offsetMsgId', () => {
  assert.deepEqual(search(fx.text.uniqKey), pair(fx.opaque.plain));
  assert.deepEqual(search(fx.text.uniqKey.toLowerCase()), pair(fx.opaque.plain));
  // the send response's offsetMsgId header field: the response only
  assert.deepEqual(search(fx.text.offsetMsgId), [`${fx.opaque.plain} resp`]);
  // a pulled message's offsetMsgId is computed from its store host and commit-log offset
  assert.deepEqual(search(fx.text.pulledOffsetMsgId), [`${fx.opaque.pull} resp`]);
  assert.deepEqual(search(fx.text.pulledOffsetMsgId.slice(16)), [`${fx.opaque.pull} resp`]);
});

test('property values match, property names and JSON header keys do not', () => {
  assert.deepEqual(search(fx.text.propertyValue), pair(fx.opaque.plain));
  assert.deepEqual(search(fx.text.propertyName), []);
  assert.deepEqual(search('KEYS'), []);
  assert.deepEqual(search('UNIQ_KEY'), []);
  assert.deepEqual(search('serializeTypeCurrentRPC'), []);
  assert.deepEqual(search('TagA'), pair(fx.opaque.plain));
});

test('plain body text (words and spaces)', () => {
  assert.deepEqual(search(fx.text.body), pair(fx.opaque.plain));
  assert.deepEqual(search('ALICE BOUGHT 3'), pair(fx.opaque.plain));
  assert.deepEqual(search('Alice sold'), []);
});

test('compressed bodies are searched inflated: ZLIB, LZ4 and ZSTD (RocketMQ\'s own compressors)', () => {
  assert.deepEqual(search(fx.text.zlib), pair(fx.opaque.zlib));
  assert.deepEqual(search(fx.text.lz4AndZstd), [...pair(fx.opaque.lz4), ...pair(fx.opaque.zstd)].sort());
  assert.deepEqual(search('standard delivery'), [...pair(fx.opaque.lz4), ...pair(fx.opaque.zstd)].sort());
  assert.deepEqual(search('express delivery'), []);
});

test('batch entries: body text and entry property values', () => {
  assert.deepEqual(search(fx.text.batchEntry), pair(fx.opaque.batch));
  assert.deepEqual(search('batch-entry-alpha'), pair(fx.opaque.batch));
  assert.deepEqual(search(fx.text.batchKey), pair(fx.opaque.batch));
});

test('pulled messages: body, key, ZLIB-compressed stored body; the pull request itself does not match', () => {
  assert.deepEqual(search(fx.text.pulled), [`${fx.opaque.pull} resp`]);
  assert.deepEqual(search(fx.text.pulledKey), [`${fx.opaque.pull} resp`]);
  assert.deepEqual(search(fx.text.pulledZlib), [`${fx.opaque.pull} resp`]);
  // a header field value of the pull request: the request and its response
  assert.deepEqual(search(fx.text.pullGroup), pair(fx.opaque.pull));
});

test('remark, and texts that are nowhere', () => {
  assert.deepEqual(search('apply first please'), [`${fx.opaque.failed} resp`]);
  assert.deepEqual(search(fx.text.none), []);
  assert.deepEqual(search('"quoted"'), []); // a needle a JSON header would escape: every frame decoded, still no false match
  assert.deepEqual(search('Ålice'), []);
});

test('needles outside the byte fast path (quotes, non-ASCII) still find their frames', () => {
  assert.deepEqual(search('"orderId":100777'), [...pair(fx.opaque.lz4), ...pair(fx.opaque.zstd)].sort());
});

test('case-folded Horspool finds every occurrence a plain search finds', () => {
  const hay = Buffer.from('xxAbCabcABCxyzzy-ABC');
  for (const t of ['abc', 'ABC', 'c', 'zzy-a', 'xyzzy-abc', 'nope', 'xxabcabcabcxyzzy-abcx']) {
    const n = new SearchNeedle(t);
    const want = hay.toString().toLowerCase().indexOf(t.toLowerCase());
    assert.equal(indexOfFolded(hay, 0, hay.length, n), want, t);
  }
});

test('the file pass (plain and .gz) finds what the in-memory pass finds, several terms at once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'search-'));
  try {
    const plain = path.join(dir, 's.pcapng');
    fs.writeFileSync(plain, fx.bytes);
    const gz = path.join(dir, 's.pcapng.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fx.bytes));
    const terms = [fx.text.key, fx.text.zlib, fx.text.pulled, fx.text.batchEntry, fx.text.none];
    const mem = searchCaptureBytes(ix, fx.bytes, terms);
    for (const f of [plain, gz]) {
      const fix = await indexCaptureFile(f);
      let progress = 0;
      const hits = await searchCaptureFile(fix, terms, { onProgress: (n) => { progress = n; } });
      assert.ok(progress > 0);
      assert.deepEqual(hits.map((h) => described(fix, h)), mem.map((h) => described(ix, h)), f);
    }
    // a changed file is noticed instead of giving wrong frames
    const fix = await indexCaptureFile(plain);
    fs.writeFileSync(plain, searchCapture().bytes.subarray(0, 200));
    const short = await searchCaptureFile(fix, [fx.text.key]);
    assert.equal(short[0].count(), 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the filter: free text = index strings OR content; other terms still apply', () => {
  const f = parseFilter(`${fx.text.key} resp`);
  const hits = searchCaptureBytes(ix, fx.bytes, f.text!);
  const got = filterFrames(ix, f, { content: (t) => hits.find((h) => h.term === t) });
  assert.equal(got.length, 1);
  assert.equal(ix.cols.opaque[got[0]], fx.opaque.plain);
  // without a content search, free text matches the index strings only
  assert.equal(filterFrames(ix, fx.text.key).length, 0);
  assert.equal(filterFrames(ix, 'searchtopic').length, 12); // topic of 5 send pairs and the pull pair
  // quoted text keeps its spaces
  assert.deepEqual(parseFilter('"Alice bought" req').text, ['Alice bought']);
});

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [], err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), stdin: async () => '' });
  return { code, out, err };
}

test('CLI: capture FILE --filter TEXT finds keys, bodies and pulled messages; non-matches stay out', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'search-cli-'));
  try {
    const file = path.join(dir, 's.pcapng');
    fs.writeFileSync(file, fx.bytes);
    const rows = async (filter: string) => {
      const r = await cli(['capture', file, '--json', '--filter', filter]);
      assert.equal(r.code, 0, r.err.join('\n'));
      return r.out.map((l) => JSON.parse(l) as { opaque: number; type: string }).map((x) => `${x.opaque} ${x.type === 'response' ? 'resp' : 'req'}`).sort();
    };
    assert.deepEqual(await rows(fx.text.key), pair(fx.opaque.plain));
    assert.deepEqual(await rows(`"${fx.text.body}"`), pair(fx.opaque.plain));
    assert.deepEqual(await rows(fx.text.zlib), pair(fx.opaque.zlib));
    assert.deepEqual(await rows(fx.text.pulled), [`${fx.opaque.pull} resp`]);
    assert.deepEqual(await rows(`${fx.text.key} req`), [`${fx.opaque.plain} req`]);
    assert.deepEqual(await rows(fx.text.none), []);
    const s = await cli(['capture', file, '--filter', fx.text.batchEntry]);
    assert.match(s.out.join('\n'), new RegExp(`Filter "${fx.text.batchEntry}": 2 frame\\(s\\) match`));
    const help = await cli(['capture', '--help']);
    assert.match(help.out.join('\n'), /FLUSH_DISK_TIMEOUT/);
    assert.match(help.out.join('\n'), /body text \(compressed bodies inflated/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the index-guided pass equals the pipeline pass on reordered, retransmitted and lost segments, IPv6 and a reused port', async () => {
  const { createRequest, createResponse, encodeFrame, RequestCode } = await import('../../../src/core/remoting');
  const { encodeProperties } = await import('../../../src/core/message');
  const { memorySink, PcapWriter, TcpSession } = await import('../../../src/core/capture/pcap-writer');
  const send = (opaque: number, key: string, body: string) => createRequest(RequestCode.SEND_MESSAGE_V2, {
    a: 'pg', b: 'HostileTopic', c: 'TBW102', d: 4, e: 0, f: 0, g: 1, h: 0, i: encodeProperties({ KEYS: key, UNIQ_KEY: `7F0000010B3F18B4AAC2571E6F8A${String(opaque).padStart(4, '0')}` }), j: 0, k: false,
  }, { opaque, body: Buffer.from(body) });
  const mem = memorySink();
  const w = new PcapWriter(mem.sink, { format: 'pcapng' });
  let t = 1_700_000_000_000_000;
  const put = (p: Buffer) => { w.packet(p, t); t += 10; };
  const open = (s: InstanceType<typeof TcpSession>) => { put(s.syn()); put(s.synAck()); put(s.ack(0)); };
  const close = (s: InstanceType<typeof TcpSession>) => { put(s.fin(0)); put(s.fin(1)); };
  // reordered and retransmitted segments
  const s1 = new TcpSession({ client: '127.0.0.1', clientPort: 50040, server: '127.0.0.1', serverPort: 10911 });
  open(s1);
  const a = send(1, 'hostile-key-A', `${'x'.repeat(250)} reordered-body-text ${'y'.repeat(300)}`);
  const segs = s1.send(0, encodeFrame(a), 100);
  for (const k of [0, 2, 1, 3, 3, 4, 6, 5, ...segs.keys()].filter((k, i, all) => all.indexOf(k) === i || k === 3)) put(segs[k]);
  for (const p of s1.send(1, encodeFrame(createResponse(a, 0, null, { msgId: 'm' })), 100)) put(p);
  // a lost segment inside the body
  const b = send(2, 'hostile-key-B', `${'z'.repeat(400)} text-after-the-gap`);
  const bs = s1.send(0, encodeFrame(b), 100);
  bs.forEach((p, k) => { if (k !== 2) put(p); });
  for (const p of s1.send(1, encodeFrame(createResponse(b, 0, null, { msgId: 'm' })), 100)) put(p);
  // the next frame's first segment arrives before this frame's first one
  const d = send(6, 'hostile-key-D', 'frame-d-text'), e = send(7, 'hostile-key-E', 'frame-e-text');
  const ds = s1.send(0, encodeFrame(d), 100), es = s1.send(0, encodeFrame(e), 100);
  for (const p of [es[0], ...ds, ...es.slice(1)]) put(p);
  close(s1);
  // IPv6
  const s6 = new TcpSession({ client: '::1', clientPort: 50041, server: '::1', serverPort: 10911 });
  open(s6);
  const v6 = send(3, 'hostile-key-v6', 'ipv6-body-text');
  for (const p of s6.send(0, encodeFrame(v6), 60)) put(p);
  for (const p of s6.send(1, encodeFrame(createResponse(v6, 0, null, { msgId: 'm' })))) put(p);
  close(s6);
  // the same four-tuple twice
  for (const [opaque, text] of [[4, 'reuse-first'], [5, 'reuse-second']] as const) {
    const s = new TcpSession({ client: '127.0.0.1', clientPort: 50042, server: '127.0.0.1', serverPort: 10911 });
    open(s);
    const r = send(opaque, `hostile-key-${opaque}`, text);
    for (const p of s.send(0, encodeFrame(r), opaque === 4 ? 70 : 65000)) put(p);
    for (const p of s.send(1, encodeFrame(createResponse(r, 0, null, { msgId: 'm' })))) put(p);
    close(s);
  }
  const bytes = mem.bytes();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'search-hostile-'));
  try {
    const file = path.join(dir, 'h.pcapng');
    fs.writeFileSync(file, bytes);
    const hix = await indexCaptureFile(file);
    const terms = ['hostile-key-A', 'reordered-body-text', 'hostile-key-B', 'text-after-the-gap', 'ipv6-body-text', 'reuse-first', 'reuse-second', 'hostile-key', 'yyyy', fx.text.none, 'frame-e-text', 'frame-d-text'];
    const stats = { inPlace: 0, assembled: 0, reread: 0, pipeline: 0 };
    const fast = await searchCaptureFile(hix, terms, { stats });
    const slow = await searchCaptureFile(hix, terms, { method: 'pipeline' });
    // frames in place or put together by the index-guided pass; the one that started before its predecessor is re-read
    assert.equal(stats.inPlace + stats.assembled + stats.reread, hix.length, JSON.stringify(stats));
    assert.ok(stats.assembled >= 4 && stats.inPlace >= 4 && stats.reread >= 1 && stats.pipeline === 0, JSON.stringify(stats));
    // many such frames: one pipeline pass for them instead
    const stats2 = { inPlace: 0, assembled: 0, reread: 0, pipeline: 0 };
    const viaPipeline = await searchCaptureFile(hix, terms, { stats: stats2, maxRereads: 0 });
    assert.equal(stats2.pipeline, stats.reread, JSON.stringify(stats2));
    assert.deepEqual(viaPipeline.map((h) => described(hix, h)), fast.map((h) => described(hix, h)));
    const mem2 = searchCaptureBytes(indexCaptureBytes(bytes), bytes, terms);
    for (let k = 0; k < terms.length; k++) {
      assert.deepEqual(described(hix, fast[k]), described(hix, slow[k]), terms[k]);
      assert.deepEqual(described(hix, fast[k]), described(hix, mem2[k]), terms[k]);
    }
    assert.deepEqual(described(hix, fast[1]), pair(1));
    assert.deepEqual(described(hix, fast[4]), pair(3));
    assert.deepEqual(described(hix, fast[5]), pair(4));
    assert.deepEqual(described(hix, fast[6]), pair(5));
    assert.ok(fast[7].count() >= 8, `hostile-key: ${fast[7].count()}`);
    assert.deepEqual(described(hix, fast[10]), ['7 req']); // not answered in this capture
    assert.deepEqual(described(hix, fast[11]), ['6 req']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
