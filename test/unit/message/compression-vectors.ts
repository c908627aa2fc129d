// Golden vectors for the LZ4 / ZSTD body decoders: the inputs (rebuilt here, deterministically) and how
// each committed fixture in test/fixtures/bodies was made. The fixtures come from the real tools:
//   lz4 v1.9.4 and zstd v1.5.4 (Debian packages `lz4`, `zstd`; scripts/setup-system.sh installs them)
//   RocketMQ's own Lz4Compressor / ZstdCompressor (rocketmq-common 5.3.3, lz4-java 1.8.0, zstd-jni 1.5.2-2)
//   RegisterBrokerBody.encode(true) / encode(false) of rocketmq-common 4.9.7 and rocketmq-remoting 5.3.3
// Regenerate all of them with
//   npx tsc -p . && node out/test/unit/message/make-compression-fixtures.js
// (needs lz4, zstd, java, mvn: test/support/java/rmqtest/BodyRef.java makes the Java ones).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mulberry32 } from '../../../src/core/capture/fuzz';

export const FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'bodies');

/** ~145 KB of order records: redundant like real message bodies, larger than a 64 KiB LZ4 block and a 128 KiB zstd block. */
export function records(n = 1300): Buffer {
  const status = ['CREATED', 'PAID', 'SHIPPED'];
  let s = '';
  for (let i = 1; i <= n; i++) {
    s += `{"orderId":${100000 + i},"status":"${status[i % 3]}","amount":${(i % 40) * 2.5},"items":[{"sku":"SKU-${i % 7}","qty":${1 + (i % 5)}}],"note":"standard delivery"}\n`;
  }
  return Buffer.from(s);
}

/** Incompressible bytes (seeded), for stored / raw blocks. */
export function noise(n: number, seed = 7): Buffer {
  const r = mulberry32(seed);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

export const INPUTS: Readonly<Record<string, () => Buffer>> = {
  records: () => records(),
  /** one compressible 64 KiB block, then an incompressible one (stored / raw) */
  'records+noise': () => Buffer.concat([records().subarray(0, 65536), noise(3000)]),
  /** incompressible: one zstd raw block */
  noise: () => noise(3000),
  /** one byte repeated: zstd RLE blocks */
  zeros: () => Buffer.alloc(300_000),
};

export interface CliVector {
  file: string;
  tool: 'lz4' | 'zstd';
  args: string[];
  input: keyof typeof INPUTS;
  /** what the variant covers */
  covers: string;
}

export const CLI_VECTORS: readonly CliVector[] = [
  { file: 'records.default.lz4', tool: 'lz4', args: [], input: 'records', covers: 'CLI defaults: independent blocks, content checksum, one block' },
  { file: 'records.B4-BD-BX-size.lz4', tool: 'lz4', args: ['-B4', '-BD', '-BX', '--content-size'], input: 'records', covers: '64 KiB linked blocks, block checksums, content size, content checksum' },
  { file: 'records.B4-nocrc.lz4', tool: 'lz4', args: ['-B4', '--no-frame-crc'], input: 'records', covers: '64 KiB independent blocks, no checksum' },
  { file: 'records.hc12-B5.lz4', tool: 'lz4', args: ['-12', '-B5'], input: 'records', covers: 'LZ4HC level 12 matches, 256 KiB blocks' },
  { file: 'records+noise.B4.lz4', tool: 'lz4', args: ['-B4'], input: 'records+noise', covers: 'a compressed block, then a stored (uncompressed) block' },
  { file: 'records.default.zst', tool: 'zstd', args: [], input: 'records', covers: 'level 3, content size, checksum, several blocks' },
  { file: 'records.19-nocheck.zst', tool: 'zstd', args: ['-19', '--no-check'], input: 'records', covers: 'level 19 (other FSE/Huffman tables), no checksum' },
  { file: 'records.nosize.zst', tool: 'zstd', args: ['--no-content-size'], input: 'records', covers: 'no content size (as zstd-jni streams write)' },
  { file: 'noise.default.zst', tool: 'zstd', args: [], input: 'noise', covers: 'a raw block' },
  { file: 'zeros.default.zst', tool: 'zstd', args: [], input: 'zeros', covers: 'RLE blocks' },
];

/** Made by RocketMQ's CompressorFactory.getCompressor(type).compress(records(), 5) (the producer's default level). */
export const JAVA_VECTORS = [
  { file: 'records.java-5.3.3.lz4', type: 'LZ4' as const, input: 'records' as const },
  { file: 'records.java-5.3.3.zst', type: 'ZSTD' as const, input: 'records' as const },
];

/** RegisterBrokerBody from test/support/java/rmqtest/BodyRef.java `register`: encode(true) and encode(false). */
export const REGISTER_VECTORS = [
  { version: '4.9.7', compressed: 'register-broker.4.9.7.zlib', json: 'register-broker.4.9.7.json' },
  { version: '5.3.3', compressed: 'register-broker.5.3.3.zlib', json: 'register-broker.5.3.3.json' },
];

export function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

export function haveTool(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

/** Runs the real tool on `input`, returning what it writes. */
export function runTool(v: CliVector, input: Buffer, dir: string): Buffer {
  const inPath = path.join(dir, `${v.file}.in`);
  const outPath = path.join(dir, v.file);
  fs.writeFileSync(inPath, input);
  const args = v.tool === 'lz4' ? ['-q', '-f', ...v.args, inPath, outPath] : ['-q', '-f', ...v.args, inPath, '-o', outPath];
  const r = spawnSync(v.tool, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${v.tool} ${args.join(' ')} failed: ${r.stderr}`);
  return fs.readFileSync(outPath);
}
