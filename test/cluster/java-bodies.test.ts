// Bodies made by RocketMQ's own Java classes, both pinned releases, run live (no cluster needed, only
// the jars; test/support/java/rmqtest/BodyRef.java):
//   CompressorFactory.getCompressor(LZ4 | ZSTD | ZLIB).compress(bytes, level) -> our decompressBody;
//   RegisterBrokerBody.encode(true) (broker compressedRegister=true) -> parseRegisterBrokerBody, equal to
//   what encode(false), the JSON form, says.
import { describe, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { prepareJava, runJava, VERSION_KEYS } from '../support/cluster';
import type { JavaEnv } from '../support/cluster/java';
import { decompressBody, CompressionType } from '../../src/core/message';
import { parseRegisterBrokerBody, RegisteredTopicConfig } from '../../src/core/remoting';
import { noise, records } from '../unit/message/compression-vectors';

const INPUTS: Array<[string, Buffer]> = [
  ['empty', Buffer.alloc(0)],
  ['one byte', Buffer.from('x')],
  ['4 KiB text (the producer threshold)', records().subarray(0, 4096)],
  ['records', records()],
  ['incompressible 70 KB', noise(70_000, 99)],
  ['5 MiB, more than one 4 MiB LZ4 block', Buffer.concat([records(20_000), noise(2_000_000, 5), Buffer.alloc(500_000, 0x41)])],
];

for (const version of VERSION_KEYS) {
  describe(`RocketMQ ${version} Java bodies`, () => {
    let env: JavaEnv;
    before(async () => { env = await prepareJava(version, (l) => console.error(`[java ${version}] ${l}`)); }, { timeout: 600_000 });

    test('LZ4, ZSTD and ZLIB bodies of its Compressor classes decode to the input, at several levels', { timeout: 300_000 }, async () => {
      const cases: Array<{ type: CompressionType; level: number; name: string; input: Buffer }> = [];
      for (const type of ['LZ4', 'ZSTD', 'ZLIB'] as const) {
        for (const [name, input] of INPUTS) for (const level of [1, 5, 9]) cases.push({ type, level, name, input });
      }
      const r = await runJava(env, 'rmqtest.BodyRef', ['compress'], cases.map((c) => `${c.type} ${c.level} ${c.input.toString('hex')}`).join('\n') + '\n', { xmx: '512m' });
      assert.equal(r.code, 0, r.stderr.slice(-3000));
      const outs = r.stdout.split('\n').filter((l) => /^[0-9a-f]*$/.test(l) && l.length > 0);
      assert.equal(outs.length, cases.length);
      cases.forEach((c, i) => {
        const d = decompressBody(Buffer.from(outs[i], 'hex'), c.type);
        assert.ok(d.ok, `${c.type} level ${c.level} ${c.name}: ${d.ok ? '' : d.reason}`);
        assert.ok(Buffer.from(d.body).equals(c.input), `${c.type} level ${c.level} ${c.name}: same bytes`);
      });
    });

    test('RegisterBrokerBody.encode(true) decodes to what encode(false) says', { timeout: 120_000 }, async () => {
      const r = await runJava(env, 'rmqtest.BodyRef', ['register']);
      const line = r.stdout.split('\n').find((l) => l.startsWith('{"compressedHex"'));
      assert.ok(line, r.stderr.slice(-3000));
      const j = JSON.parse(line) as { compressedHex: string; jsonHex: string };
      const z = parseRegisterBrokerBody(Buffer.from(j.compressedHex, 'hex'), true);
      const json = parseRegisterBrokerBody(Buffer.from(j.jsonHex, 'hex'), false);
      const core = (a: RegisteredTopicConfig[]) => a.map(({ topicName, readQueueNums, writeQueueNums, perm, topicFilterType, attributes }) =>
        ({ topicName, readQueueNums, writeQueueNums, perm, topicFilterType, attributes })).sort((a, b) => (a.topicName < b.topicName ? -1 : 1));
      assert.equal(z.topicConfigs.length, 4);
      assert.deepEqual(core(z.topicConfigs), core(json.topicConfigs));
      assert.deepEqual(z.dataVersion, json.dataVersion);
      assert.deepEqual(z.filterServerList, json.filterServerList);
    });
  });
}
