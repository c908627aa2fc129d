// LZ4 and ZSTD message bodies end to end: the real Java DefaultMQProducer of each pinned version, made with
// -Drocketmq.message.compressType=LZ4|ZSTD (read by the producer's constructor in 4.9.7 and 5.3.3), sends
// bodies above the 4 KiB compression threshold to the real broker; our PULL reads the stored messages back
// (sysFlag compression bits kept by the broker), inflates them equal to what Java sent and to what Java's
// own pull consumer reads, and the capture view of the PULL response shows them inflated and labelled.
import { describe, before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { useCluster } from '../support/cluster';
import { JavaSide } from '../support/java-producer/java-side';
import { MQClient } from '../../src/core/producer';
import { compressionType } from '../../src/core/message';
import { browseTopic, pullOnce, readableQueues } from '../../src/core/consumer';
import { describeCommandFrame, ViewSection } from '../../src/core/frame';

const TYPES = ['LZ4', 'ZSTD', 'ZLIB'] as const;

for (const version of ['5.3', '4.9'] as const) {
  describe(`Java ${version} producer with compressType LZ4 / ZSTD`, () => {
    const cluster = useCluster(version);
    const tag = `${version.replace('.', '')}_${Date.now()}`;
    const topic = `Compressed_${tag}`;
    let java: JavaSide;
    let reader: MQClient;
    const sent = new Map<string, { type: string; body: Buffer }>();

    before(async () => {
      await cluster().createTopic(topic, { queues: 2, perm: 6 });
      reader = new MQClient({ namesrvAddr: cluster().namesrv, clientVersion: cluster().versionOrdinal });
      java = await JavaSide.start(version, cluster().namesrv);
      for (const type of TYPES) {
        for (const r of await java.sendCompressed(topic, type, 2, 20_000)) {
          assert.equal(r.status, 'SEND_OK');
          sent.set(r.msgId, { type, body: Buffer.from(r.body, 'base64') });
        }
      }
    }, { timeout: 240_000 });

    after(async () => {
      await reader?.close();
      await java?.stop();
    });

    test('our PULL reads every body back inflated, with the compression the producer used', async () => {
      const got = await browseTopic(reader, topic);
      assert.equal(got.length, sent.size);
      for (const m of got) {
        const s = sent.get(m.msgId!);
        assert.ok(s, `message ${m.msgId} was sent`);
        assert.equal(m.compressed, true, `${s.type}: stored compressed`);
        assert.equal(m.compression, s.type);
        assert.equal(compressionType(m.sysFlag), s.type, `sysFlag 0x${m.sysFlag.toString(16)}`);
        assert.equal(m.decompressError, undefined);
        assert.ok(m.rawBody.length < s.body.length, `${s.type}: the stored body is smaller (${m.rawBody.length} < ${s.body.length})`);
        assert.ok(Buffer.from(m.body!).equals(s.body), `${s.type}: inflated body equals what Java sent`);
      }
      assert.deepEqual(new Set(got.map((m) => m.compression)), new Set(TYPES));
    });

    test("the same bodies as Java's own pull consumer reads", async () => {
      const java2 = await java.pull(topic);
      const ours = new Map((await browseTopic(reader, topic)).map((m) => [m.msgId, m]));
      assert.equal(java2.length, sent.size);
      for (const jm of java2) assert.equal(Buffer.from(ours.get(jm.msgId)!.body!).toString('base64'), jm.body, `${jm.msgId}`);
    });

    test('the capture view of the PULL response shows each body inflated and labelled with its compression', async () => {
      const seen = new Set<string>();
      for (const q of await readableQueues(reader, topic)) {
        const r = await pullOnce(reader, q.brokerAddr, { topic, queueId: q.queueId, offset: 0 });
        if (r.status !== 'FOUND') continue;
        const v = describeCommandFrame(r.response, { requestCode: 11 });
        assert.deepEqual(v.notes, []);
        const msgs = v.sections.find((s) => s.title.startsWith('Messages'))!.children!;
        for (const m of msgs) {
          const body = m.children!.find((c: ViewSection) => c.title.startsWith('Body'))!;
          const id = m.rows!.find((row) => row.key === 'msgId (UNIQ_KEY)')!.value;
          const s = sent.get(id)!;
          assert.match(body.title, new RegExp(`^Body \\(compressed ${s.type}, \\d+ bytes\\)$`));
          assert.equal(body.text, `compressed (${s.type}), ${body.title.match(/(\d+) bytes/)![1]} bytes → ${s.body.length} bytes inflated\n${s.body.toString()}`);
          seen.add(s.type);
        }
      }
      assert.deepEqual(seen, new Set(TYPES));
    });
  });
}
