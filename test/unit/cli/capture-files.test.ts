import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { memorySink, PcapWriter } from '../../../src/core/capture/pcap-writer';

// the real CLI, as a user runs it: exit code, stdout and stderr
const cli = path.join(__dirname, '../../../src/cli/main.js');
const samples = path.resolve(__dirname, '..', '..', '..', '..', 'media', 'samples');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'capture', ...args], { encoding: 'utf8' });

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'capture-files-'));
}

function pcapHeaderOnly(format: 'pcap' | 'pcapng'): Buffer {
  const m = memorySink();
  new PcapWriter(m.sink, { format, linkType: 1 });
  return m.bytes();
}

test('capture FILE on a file that is no capture: exit 2, one line on stderr naming the file and the problem, nothing on stdout', () => {
  const dir = tmpDir();
  try {
    const sample = fs.readFileSync(path.join(samples, 'rocketmq-4.9-lo.pcap'));
    const ng = pcapHeaderOnly('pcapng');
    const cases: [string, Buffer, RegExp][] = [
      ['notes.txt', Buffer.from('hello world\n'), /^notes\.txt: not a pcap or pcapng file \(starts with 68 65 6c 6c\)$/],
      ['empty.pcap', Buffer.alloc(0), /^empty\.pcap: empty file \(0 bytes\)$/],
      ['tiny.pcap', Buffer.from([0xd4, 0xc3]), /^tiny\.pcap: file too short to be a capture \(2 bytes\)$/],
      ['cut-header.pcap', sample.subarray(0, 10), /^cut-header\.pcap: pcap file header cut short \(10 of 24 bytes\)$/],
      ['cut-shb.pcapng', ng.subarray(0, 16), /^cut-shb\.pcapng: pcapng section header block cut short \(16 bytes\)$/],
      ['text.pcap.gz', zlib.gzipSync('hello world\n'), /^text\.pcap\.gz: not a pcap or pcapng file \(starts with 68 65 6c 6c\)$/],
      ['twice.pcap.gz', zlib.gzipSync(zlib.gzipSync(sample)), /^twice\.pcap\.gz: gzip data where a capture was expected \(compressed twice\?\)$/],
      ['broken.pcap.gz', Buffer.from([0x1f, 0x8b, 0x08, 0xff, 1, 2, 3, 4, 5, 6]), /^broken\.pcap\.gz: not a readable gzip file \(.+\)$/],
    ];
    for (const [name, bytes, message] of cases) {
      fs.writeFileSync(path.join(dir, name), bytes);
      for (const mode of [[], ['--json'], ['--stats-json'], ['--filter', 'error']]) {
        const r = spawnSync(process.execPath, [cli, 'capture', name, ...mode], { encoding: 'utf8', cwd: dir });
        assert.equal(r.status, 2, `${name} ${mode.join(' ')}: ${r.stdout}${r.stderr}`);
        assert.equal(r.stdout, '', `${name} ${mode.join(' ')} printed a summary`);
        const lines = r.stderr.trimEnd().split('\n');
        assert.equal(lines.length, 1, r.stderr);
        assert.match(lines[0], message);
      }
    }
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

test('capture FILE on a missing file or a directory: exit 2 with one clear line', () => {
  const dir = tmpDir();
  try {
    const missing = path.join(dir, 'nope.pcap');
    const r = run(missing);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `${missing}: no such file\n`);
    const d = run(dir);
    assert.equal(d.status, 2);
    assert.equal(d.stderr, `${dir}: is a directory, not a capture file\n`);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

test('capture FILE on a capture without RocketMQ traffic, or with damaged parts: exit 0 with the summary and its warnings', () => {
  const dir = tmpDir();
  try {
    // a file header and no packets is a valid (empty) capture, as for tshark
    for (const format of ['pcap', 'pcapng'] as const) {
      const f = path.join(dir, `none.${format}`);
      fs.writeFileSync(f, pcapHeaderOnly(format));
      const r = run(f);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.match(r.stdout, new RegExp(`^Capture: .*none\\.${format} \\(${format}\\), 0 packets`));
      assert.match(r.stdout, /Frames: 0 in 0 RocketMQ connection\(s\) of 0 TCP connection\(s\)/);
    }
    // a real capture cut inside its last record, and one with garbage after a good start
    const sample = fs.readFileSync(path.join(samples, 'rocketmq-4.9-lo.pcap'));
    const cut = path.join(dir, 'cut.pcap');
    fs.writeFileSync(cut, sample.subarray(0, sample.length - 50));
    const c = run(cut);
    assert.equal(c.status, 0, c.stderr);
    assert.match(c.stdout, /Frames: \d+ in \d+ RocketMQ connection/);
    assert.match(c.stdout, /Capture warnings: .*file\.truncated-record 1/);
    assert.match(c.stdout, /\[file\.truncated-record\] last record truncated: \d+ bytes at end of file/);
    const garbage = path.join(dir, 'garbage.pcap');
    fs.writeFileSync(garbage, Buffer.concat([sample.subarray(0, 24 + 16 + 60), Buffer.alloc(64, 0xff)]));
    const g = run(garbage);
    assert.equal(g.status, 0, g.stderr);
    assert.match(g.stdout, /\[pcap\.corrupt-record\] corrupt record header/);
    const gz = path.join(dir, 'cut.pcap.gz');
    fs.writeFileSync(gz, zlib.gzipSync(sample).subarray(0, 2000));
    const z = run(gz);
    assert.equal(z.status, 0, z.stderr);
    assert.match(z.stdout, /\[gzip\.error\] gzip: .*after \d+ uncompressed bytes/);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});
