// LZ4 frame and zstd body decoding (docs/protocol.md §3.7): golden vectors made by the real tools and by
// RocketMQ's own compressors (fixtures, see compression-vectors.ts), the same tools run live when they
// are installed, and hostile bodies: truncated, corrupted, bombs, declared sizes over the limit.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { compressZlib, decompressBody, decompressLz4, decompressZstd, DecompressResult, DEFAULT_MAX_INFLATED, zlibStreamReused } from '../../../src/core/message';
import { zstdFrames } from '../../../src/core/message/zstd';
import { xxh32, xxh64 } from '../../../src/core/message/xxhash';
import { CLI_VECTORS, CliVector, fixture, haveTool, INPUTS, JAVA_VECTORS, noise, records, runTool } from './compression-vectors';
import { rng } from '../capture/helpers';

const typeOf = (file: string) => (file.endsWith('.lz4') ? 'LZ4' : 'ZSTD') as 'LZ4' | 'ZSTD';

function inflated(r: DecompressResult, label: string): Buffer {
  assert.ok(r.ok, `${label}: ${r.ok ? '' : r.reason}`);
  return Buffer.from(r.body);
}

function u32(b: Uint8Array, i: number): number { return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0; }
function le32(n: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; }

/** The descriptor and blocks of a single LZ4 frame, read independently of the decoder. */
function lz4Layout(b: Uint8Array): { flg: number; bd: number; blocks: { stored: boolean; size: number }[] } {
  const flg = b[4], bd = b[5];
  let p = 4 + 2 + (flg & 8 ? 8 : 0) + (flg & 1 ? 4 : 0) + 1;
  const blocks: { stored: boolean; size: number }[] = [];
  for (let w = u32(b, p); w !== 0; w = u32(b, p)) {
    blocks.push({ stored: w >= 0x80000000, size: w & 0x7fffffff });
    p += 4 + (w & 0x7fffffff) + (flg & 0x10 ? 4 : 0);
  }
  return { flg, bd, blocks };
}

/** A valid LZ4 frame header (magic, FLG, BD, optional content size and dictionary id, header checksum). */
function lz4Header(flg: number, bd: number, contentSize?: bigint, dictId?: number): Buffer {
  const cs = contentSize === undefined ? Buffer.alloc(0) : Buffer.alloc(8);
  if (contentSize !== undefined) cs.writeBigUInt64LE(contentSize);
  const d = Buffer.concat([Buffer.from([flg, bd]), cs, dictId === undefined ? Buffer.alloc(0) : le32(dictId)]);
  return Buffer.concat([le32(0x184d2204), d, Buffer.from([(xxh32(d) >>> 8) & 0xff])]);
}

test('ZLIB compression: one reused stream writes what a fresh deflateSync(level) writes, body after body', () => {
  // the fast path reaches into Node's zlib internals: if a Node upgrade removes them, this says so
  assert.equal(zlibStreamReused(5), true);
  const bodies = [Buffer.alloc(0), Buffer.from('x'), Buffer.alloc(4096, 'x'), noise(4096), records(30),
    noise(70_000, 8), Buffer.concat([records(2000), noise(300_000, 9)]), Buffer.alloc(4096, 'y')];
  for (const level of [5, 1, 9]) {
    for (const body of bodies) {
      const z = Buffer.from(compressZlib(body, level));
      assert.deepEqual(z, zlib.deflateSync(body, { level }), `level ${level}, ${body.length} bytes`);
      assert.deepEqual(zlib.inflateSync(z), body);
      assert.equal(z[0], 0x78, 'zlib header, 32 KiB window as java.util.zip.Deflater writes it');
    }
    // still on the reused stream after all those bodies, not fallen back to deflateSync
    assert.equal(zlibStreamReused(level), true, `level ${level}`);
  }
});

test('xxHash32 / xxHash64 reference values', () => {
  const s = Buffer.from('Nobody inspects the spammish repetition');
  assert.equal(xxh32(new Uint8Array(0)), 0x02cc5d05);
  assert.equal(xxh32(s), 0xe2293b2f);
  assert.equal(xxh64(new Uint8Array(0)), 0xef46db3751d8e999n);
  assert.equal(xxh64(s), 0xfbcea83c8a378bf1n);
  assert.equal(xxh64(Buffer.from('abc')), 0x44bc2cf5ad770999n);
});

test('golden vectors made by lz4 1.9.4 and zstd 1.5.4 decode to their inputs', () => {
  for (const v of CLI_VECTORS) {
    const body = inflated(decompressBody(fixture(v.file), typeOf(v.file)), v.file);
    assert.ok(body.equals(INPUTS[v.input]()), `${v.file} (${v.covers}) decodes to its input`);
  }
});

test('the golden vectors cover what they claim (frame flags, block kinds)', () => {
  const l = (f: string) => lz4Layout(fixture(f));
  const def = l('records.default.lz4');
  assert.equal(def.flg, 0x64, 'version 1, independent blocks, content checksum');
  assert.equal(def.blocks.length, 1, 'one block');
  const linked = l('records.B4-BD-BX-size.lz4');
  assert.equal(linked.flg, 0x5c, 'linked blocks, block checksums, content size, content checksum');
  assert.ok(linked.blocks.length >= 3 && linked.blocks.every((b) => !b.stored));
  const nocrc = l('records.B4-nocrc.lz4');
  assert.equal(nocrc.flg, 0x60, 'independent blocks, no checksum');
  assert.ok(nocrc.blocks.length >= 3);
  assert.deepEqual(l('records+noise.B4.lz4').blocks.map((b) => b.stored), [false, true], 'a compressed block, then a stored one');
  assert.equal(l('records.java-5.3.3.lz4').flg, 0x60, "lz4-java's LZ4FrameOutputStream: independent blocks, no checksum");
  const z = (f: string) => zstdFrames(fixture(f), DEFAULT_MAX_INFLATED);
  const [zd] = z('records.default.zst');
  assert.equal(zd.contentSize, INPUTS.records().length);
  assert.ok(zd.checksum && zd.blocks[2] >= 2, 'content size, checksum, several compressed blocks');
  assert.equal(z('records.19-nocheck.zst')[0].checksum, false);
  assert.equal(z('records.nosize.zst')[0].contentSize, null);
  const [zj] = z('records.java-5.3.3.zst');
  assert.ok(zj.contentSize === null && !zj.checksum, 'zstd-jni streams: no content size, no checksum');
  assert.deepEqual(z('noise.default.zst')[0].blocks, [1, 0, 0], 'one raw block');
  const [zeros] = z('zeros.default.zst');
  assert.ok(zeros.blocks[1] >= 2 && zeros.blocks[0] === 0, `RLE blocks: ${zeros.blocks}`);
});

test("bodies from RocketMQ 5.3.3's own Lz4Compressor and ZstdCompressor (what a producer sends) decode", () => {
  for (const v of JAVA_VECTORS) assert.ok(inflated(decompressBody(fixture(v.file), v.type), v.file).equals(INPUTS[v.input]()), v.file);
});

test('live: the lz4 and zstd installed here make frames that decode (fixed and random inputs)', () => {
  // No skip: a missing reference tool is a broken test machine, not a reason to test less.
  const missing = ['lz4', 'zstd'].filter((x) => !haveTool(x));
  assert.deepEqual(missing, [], `${missing.join(', ')} not installed: run bash scripts/setup-system.sh (as root), which npm test runs first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-compress-'));
  try {
    const r = rng(20240611);
    for (const v of CLI_VECTORS) {
      const fresh: Buffer[] = [INPUTS[v.input](), Buffer.concat([records(1 + Math.floor(r() * 1500)), noise(Math.floor(r() * 70000), Math.floor(r() * 1e9))]), Buffer.alloc(0)];
      for (const input of fresh) {
        const made = runTool(v, input, dir);
        assert.ok(inflated(decompressBody(made, typeOf(v.file)), `${v.tool} ${v.args.join(' ')}`).equals(input), `${v.tool} ${v.args.join(' ')} on ${input.length} bytes`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('frames back to back, with skippable frames between them', () => {
  const skip = Buffer.concat([le32(0x184d2a5a), le32(5), Buffer.from('hello')]);
  const lz = Buffer.concat([fixture('records.default.lz4'), skip, fixture('records+noise.B4.lz4')]);
  assert.ok(inflated(decompressLz4(lz), 'lz4').equals(Buffer.concat([INPUTS.records(), INPUTS['records+noise']()])));
  const zs = Buffer.concat([skip, fixture('records.19-nocheck.zst'), fixture('noise.default.zst'), skip, fixture('zeros.default.zst')]);
  assert.ok(inflated(decompressZstd(zs), 'zstd').equals(Buffer.concat([INPUTS.records(), INPUTS.noise(), INPUTS.zeros()])));
  // only skippable frames, or nothing: no content
  assert.match((decompressLz4(skip) as { reason: string }).reason, /no LZ4 frame/);
  assert.match((decompressZstd(Buffer.alloc(0)) as { reason: string }).reason, /empty/);
});

test('every truncation of every vector is refused with a reason', () => {
  for (const v of [...CLI_VECTORS.map((x) => x.file), ...JAVA_VECTORS.map((x) => x.file)]) {
    const b = fixture(v);
    const cuts = new Set([0, 1, 3, 4, 5, 6, 7, 8, 10, 12, b.length - 1, b.length - 2, b.length - 4, b.length - 5]);
    for (let c = 13; c < b.length; c += Math.max(1, Math.floor(b.length / 150))) cuts.add(c);
    for (const c of cuts) {
      const r = decompressBody(b.subarray(0, c), typeOf(v));
      assert.equal(r.ok, false, `${v} cut at ${c} of ${b.length}`);
      assert.match((r as { reason: string }).reason, /^(LZ4|ZSTD): /);
    }
  }
});

test('corrupted vectors: checksummed frames never decode to wrong bytes; nothing throws or runs past the limit', () => {
  const r = rng(7);
  const limit = 1 << 20;
  const started = Date.now();
  for (const v of [...CLI_VECTORS, ...JAVA_VECTORS.map((j) => ({ ...j, tool: j.type === 'LZ4' ? 'lz4' : 'zstd', args: [] as string[] }))] as (CliVector | (typeof JAVA_VECTORS[number] & { tool: string; args: string[] }))[]) {
    const good = fixture(v.file);
    const plain = INPUTS[v.input]();
    const checked = typeOf(v.file) === 'LZ4' ? (lz4Layout(good).flg & 0x04) !== 0 : zstdFrames(good, DEFAULT_MAX_INFLATED)[0].checksum;
    let refused = 0;
    for (let i = 0; i < 100; i++) {
      const b = Buffer.from(good);
      for (let k = 1 + Math.floor(r() * 3); k > 0; k--) b[Math.floor(r() * b.length)] ^= 1 + Math.floor(r() * 255);
      let res: DecompressResult;
      assert.doesNotThrow(() => { res = decompressBody(b, typeOf(v.file), { maxOutput: limit }); }, v.file);
      if (!res!.ok) { refused++; continue; }
      assert.ok(res!.body.length <= limit);
      if (checked) assert.ok(Buffer.from(res!.body).equals(plain.subarray(0, limit)), `${v.file}: a checksummed frame decoded to other bytes`);
    }
    assert.ok(refused > 0, `${v.file}: some corruptions are refused`);
  }
  assert.ok(Date.now() - started < 60_000, 'corrupt inputs are decoded in linear time');
});

test('LZ4: specific defects give specific reasons', () => {
  const good = fixture('records.B4-BD-BX-size.lz4');
  const reason = (b: Uint8Array) => { const r = decompressLz4(b); assert.equal(r.ok, false); return (r as { reason: string }).reason; };
  const at = (i: number, x: number) => { const b = Buffer.from(good); b[i] ^= x; return b; };
  assert.match(reason(at(14, 1)), /header checksum/);
  const firstBlock = 4 + 2 + 8 + 1;
  assert.match(reason(at(firstBlock + 4 + 10, 1)), /block at byte 15: checksum/);
  const b = Buffer.from(good);
  b.writeUInt32LE(b.readUInt32LE(b.length - 4) ^ 1, b.length - 4);
  assert.match(reason(b), /content checksum/);
  assert.match(reason(Buffer.concat([lz4Header(0x00, 0x70), le32(0)])), /version 0/);
  assert.match(reason(Buffer.concat([lz4Header(0x62, 0x70), le32(0)])), /reserved bits/);
  assert.match(reason(Buffer.concat([lz4Header(0x60, 0x30), le32(0)])), /block maximum size code 3/);
  assert.match(reason(Buffer.concat([lz4Header(0x61, 0x70, undefined, 7), le32(0)])), /needs preset dictionary 0x00000007/);
  assert.match(reason(Buffer.concat([le32(0x184c2102), le32(0)])), /legacy/);
  assert.match(reason(Buffer.from('not lz4 at all')), /not an LZ4 frame: magic/);
  assert.match(reason(Buffer.concat([fixture('records.default.lz4'), Buffer.from('trailing')])), /bytes after the last frame/);
  // block-level: bad offsets, lengths past the block, a block bigger than the frame allows
  const frame = (...blocks: Buffer[]) => Buffer.concat([lz4Header(0x60, 0x40), ...blocks.flatMap((x) => [le32(x.length), x]), le32(0)]);
  assert.match(reason(frame(Buffer.from([0x10, 0x61, 0x00, 0x00]))), /match offset 0/);
  assert.match(reason(frame(Buffer.from([0x10, 0x61, 0x05, 0x00]))), /match offset 5 reaches back past the 1 bytes/);
  assert.match(reason(frame(Buffer.from([0xf0, 0xff, 0xff]))), /literal length runs past the block/);
  assert.match(reason(frame(Buffer.from([0x50, 0x61]))), /5 literals, only 1 bytes left/);
  assert.match(reason(frame(Buffer.from([0x1f, 0x61, 0x01, 0x00, 0xff]))), /match length runs past the block/);
  assert.match(reason(Buffer.concat([lz4Header(0x60, 0x40), le32(65537)])), /size 65537 exceeds the frame's block maximum 65536/);
  // independent blocks cannot refer to the previous block; linked ones can
  const lit = Buffer.from([0x40, 0x61, 0x62, 0x63, 0x64]);
  const refEnd = Buffer.from([0x00, 0x04, 0x00, 0x00]); // 0 literals + match (offset 4, length 4), then an empty last sequence
  assert.match(reason(frame(lit, refEnd)), /match offset 4 reaches back past the 0 bytes/);
  const linked = Buffer.concat([lz4Header(0x40, 0x40), le32(lit.length), lit, le32(refEnd.length), refEnd, le32(0)]);
  assert.equal(inflated(decompressLz4(linked), 'linked').toString(), 'abcdabcd');
  // stored blocks are copied as they are
  assert.equal(inflated(decompressLz4(Buffer.concat([lz4Header(0x60, 0x40), le32(0x80000003), Buffer.from('xyz'), le32(0)])), 'stored').toString(), 'xyz');
});

test('ZSTD: specific defects give specific reasons', () => {
  const reason = (b: Uint8Array) => { const r = decompressZstd(b); assert.equal(r.ok, false); return (r as { reason: string }).reason; };
  const magic = le32(0xfd2fb528);
  assert.match(reason(Buffer.concat([magic, Buffer.from([0x08, 0x00]), Buffer.from([1, 0, 0])])), /reserved bit/);
  assert.match(reason(Buffer.concat([magic, Buffer.from([0x21, 0x07, 0x00]), Buffer.from([1, 0, 0])])), /needs dictionary 7/);
  assert.match(reason(Buffer.concat([magic, Buffer.from([0x00, 0x38]), Buffer.from([0x07, 0, 0])])), /reserved block type/);
  assert.match(reason(Buffer.concat([magic, Buffer.from([0x00, 0x00]), Buffer.from([0x01 | (2000 << 3) & 0xff, (2000 << 3) >> 8, 0])])), /size 2000 exceeds the block maximum 1024/);
  assert.match(reason(Buffer.from('not zstd at all')), /not a zstd frame/);
  assert.match(reason(Buffer.concat([fixture('records.19-nocheck.zst'), Buffer.from([1, 2, 3, 4, 5])])), /bytes after the last frame/);
  const good = Buffer.from(fixture('records.default.zst'));
  good.writeUInt32LE(good.readUInt32LE(good.length - 4) ^ 1, good.length - 4);
  assert.match(reason(good), /content checksum/);
  // a raw block shorter than the declared content
  const fcs = Buffer.concat([magic, Buffer.from([0x20, 10]), Buffer.from([0x01 | (3 << 3), 0, 0]), Buffer.from('abc')]);
  assert.match(reason(fcs), /declares 10 bytes of content, its blocks hold at most 3/);
});

/** A zstd frame (1 KiB window, no content size, no checksum) of one compressed block with `content`. */
function zstdBlockFrame(...content: number[]): Buffer {
  const h = 1 | (2 << 1) | (content.length << 3);
  return Buffer.concat([le32(0xfd2fb528), Buffer.from([0x00, 0x00, h & 0xff, (h >> 8) & 0xff, h >> 16]), Buffer.from(content)]);
}

test('ZSTD: hand-made blocks exercise literals, sequences and repeat offsets, and their defects', () => {
  const ok = (...c: number[]) => inflated(decompressZstd(zstdBlockFrame(...c)), c.join(',')).toString('latin1');
  const reason = (...c: number[]) => { const r = decompressZstd(zstdBlockFrame(...c)); assert.equal(r.ok, false); return (r as { reason: string }).reason; };
  const abcd = [0x20, 0x61, 0x62, 0x63, 0x64]; // raw literals "abcd"
  assert.equal(ok(...abcd, 0), 'abcd', 'no sequences: the literals are the block');
  assert.match(reason(...abcd, 0, 9), /1 bytes after a block without sequences/);
  // one sequence, all three codes by RLE mode: 4 literals, offset code 0 (repeat offset 1 = 1), match of 3
  const seq = (ll: number, of: number, ml: number, ...stream: number[]) => [...abcd, 1, 0x54, ll, of, ml, ...stream];
  assert.equal(ok(...seq(4, 0, 0, 0x01)), 'abcdddd');
  assert.match(reason(...seq(4, 0, 0, 0x02)), /sequences: 1 bits left over/);
  assert.match(reason(...seq(4, 0, 0, 0x00)), /bit stream without its end mark/);
  assert.match(reason(...seq(5, 0, 0, 0x01)), /sequence 0: 5 literals, only 4 left/);
  assert.match(reason(...seq(0, 10, 0, 0xff, 0x07)), /sequence 0: offset 2044 reaches back past the 0 bytes decoded/);
  assert.match(reason(...seq(4, 0, 52, 0x00, 0x00, 0x01)), /decodes to more than the block maximum 1024/);
  assert.match(reason(...seq(40, 0, 0, 0x01)), /literal lengths: RLE symbol 40 is over 35/);
  assert.match(reason(...seq(4, 0, 0)), /sequences: empty bit stream/);
  assert.match(reason(...abcd, 1, 0x55, 4, 0, 0, 1), /reserved bits set in the compression modes/);
  assert.match(reason(...abcd, 1, 0xfc, 1), /literal lengths: repeat mode without an earlier table/);
  assert.match(reason(0x23, 0x00, 0x00, 0), /treeless literals without an earlier Huffman tree/);
  assert.match(reason(0x28, 0x61), /raw literals run past the block/);
  assert.match(reason(...abcd), /sequences section missing/);
  // found by fuzzing: a Huffman weight stream that sent the fzstd package into an endless loop
  const started = Date.now();
  assert.match((decompressZstd(fixture('fuzz-huffman-weights.zst')) as { reason: string }).reason, /Huffman tree: more than 255 weights/);
  assert.ok(Date.now() - started < 1000);
});

test('output limit: declared sizes are refused up front, undeclared output stops at the limit', () => {
  const reason = (r: DecompressResult) => { assert.equal(r.ok, false); return (r as { reason: string }).reason; };
  const n = INPUTS.records().length;
  assert.match(reason(decompressBody(fixture('records.default.zst'), 'ZSTD', { maxOutput: n - 1 })), new RegExp(`declares ${n} bytes of content, over the ${n - 1}-byte limit`));
  assert.match(reason(decompressBody(fixture('records.nosize.zst'), 'ZSTD', { maxOutput: 100_000 })), /output exceeds the 100000-byte limit/);
  assert.match(reason(decompressBody(fixture('records.B4-BD-BX-size.lz4'), 'LZ4', { maxOutput: n - 1 })), /over the \d+-byte limit/);
  assert.match(reason(decompressBody(fixture('records.default.lz4'), 'LZ4', { maxOutput: 100_000 })), /output exceeds the 100000-byte limit/);
  assert.match(reason(decompressBody(Buffer.from(fixture('records.default.lz4')), 'ZLIB', { maxOutput: 10 })), /zlib/);
  for (const f of ['records.default.zst', 'records.nosize.zst', 'records.default.lz4', 'records.B4-BD-BX-size.lz4']) {
    assert.equal(inflated(decompressBody(fixture(f), typeOf(f), { maxOutput: n }), f).length, n, `${f}: exactly the limit is fine`);
  }
  // a 20-byte body cannot make us allocate what its header claims
  assert.match(reason(decompressLz4(Buffer.concat([lz4Header(0x68, 0x70, 1n << 40n), le32(0)]))), /declares 1099511627776 bytes of content, more than its input can hold/);
  const zHuge = Buffer.concat([le32(0xfd2fb528), Buffer.from([0xe0]), Buffer.from([0, 0, 0, 0, 0, 1, 0, 0]), Buffer.from([1, 0, 0])]);
  assert.match(reason(decompressZstd(zHuge)), /declares 1099511627776 bytes of content, over the 67108864-byte limit/);
  assert.match(reason(decompressZstd(Buffer.concat([le32(0xfd2fb528), Buffer.from([0x00, 0xa8]), Buffer.from([1, 0, 0])]))), /window of 2147483648 bytes is over the 67108864-byte limit/);
});

test('bombs stop at the default 64 MiB limit, quickly', () => {
  // LZ4: 64 KiB blocks that each repeat one byte ~65 000 times (262 input bytes per block)
  const block = Buffer.concat([Buffer.from([0x1f, 0x61, 0x01, 0x00]), Buffer.alloc(255, 0xff), Buffer.from([0xf4, 0x00])]);
  const blocks: Buffer[] = [];
  for (let i = 0; i < 1100; i++) blocks.push(le32(block.length), block);
  let started = Date.now();
  const lz = decompressLz4(Buffer.concat([lz4Header(0x60, 0x40), ...blocks, le32(0)]));
  assert.equal(lz.ok, false);
  assert.match((lz as { reason: string }).reason, /output exceeds the 67108864-byte limit/);
  assert.ok(Date.now() - started < 5000);
  // one block of the bomb is fine on its own
  assert.equal(inflated(decompressLz4(Buffer.concat([lz4Header(0x60, 0x40), le32(block.length), block, le32(0)])), 'one block').length, 1 + 19 + 255 * 255 + 0xf4);
  // zstd: 128 KiB RLE blocks, 4 bytes each, no content size: 600 of them would be 75 MiB
  const rle = Buffer.from([0x02 | ((128 * 1024) << 3) & 0xff, ((128 * 1024) << 3) >> 8 & 0xff, ((128 * 1024) << 3) >> 16, 0x7a]);
  const last = Buffer.from(rle);
  last[0] |= 1;
  started = Date.now();
  const zs = decompressZstd(Buffer.concat([le32(0xfd2fb528), Buffer.from([0x00, 0x38]), ...Array(599).fill(rle), last]));
  assert.equal(zs.ok, false);
  assert.match((zs as { reason: string }).reason, /output exceeds the 67108864-byte limit/);
  assert.ok(Date.now() - started < 10000);
});
