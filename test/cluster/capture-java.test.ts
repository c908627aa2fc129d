// The capture decoder on traffic of the real Java client (DefaultMQProducer of the pinned version,
// through the JavaSide harness): dumpcap on lo while Java sends plain and compressed messages. The
// decoded SEND frames must carry what Java reports (topic, UNIQ_KEY = msgId, body, inflated when
// compressed), and each paired response the offsetMsgId Java got back.
import { describe, before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useCluster } from '../support/cluster';
import { JavaSide } from '../support/java-producer/java-side';
import { indexCaptureFile, frameDetails, CaptureIndex, FrameDetails } from '../../src/core/capture';
import { eventually } from '../support/poll';
import { LiveCapture, startLiveCapture } from '../support/live-capture';


for (const version of ['5.3', '4.9'] as const) {
  describe(`capture of the Java ${version} client`, () => {
    const cluster = useCluster(version);
    const tag = `capj${version.replace('.', '')}_${Date.now()}`;
    const topic = `CapJava_${tag}`;
    let dir = '';
    let file = '';
    let cap: LiveCapture | null = null;
    let java: JavaSide | null = null;
    const sent: { msgId: string; offsetMsgId: string; body: string }[] = [];
    let ix: CaptureIndex;
    const details = new Map<number, FrameDetails>();

    before(async () => {
      const c = await cluster;
      await c.createTopic(topic, { queues: 2, perm: 6 });
      java = await JavaSide.start(version, c.namesrv);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), `capture-java-${version}-`));
      file = path.join(dir, 'java.pcapng');
      const ports = [Number(c.namesrv.split(':')[1]), ...c.brokers.flatMap((b) => [b.port, b.vipPort])];
      const filter = `tcp and (${ports.map((p) => `port ${p}`).join(' or ')})`;
      cap = await startLiveCapture({ name: 'dumpcap lo', file, cmd: 'dumpcap', args: ['-i', 'lo', '-q', '-f', filter, '-w', file], linkType: 1, format: 'pcapng', probeAddress: c.namesrv });
      for (const [n, body, tags] of [[2, 'hello from java', 'J'], [1, 'j'.repeat(6000), 'Z']] as const) {
        // JavaSide sends body + "-" + index
        (await java.send(topic, n, body, tags)).forEach((r, k) => sent.push({ msgId: r.msgId, offsetMsgId: r.offsetMsgId, body: `${body}-${k}` }));
      }
      await eventually('every send response in the capture', async () => {
        const x = await indexCaptureFile(file);
        const got = new Set<string>();
        for (let i = 0; i < x.length; i++) {
          if ((x.cols.flag[i] & 1) && (x.cols.reqCode[i] === 310 || x.cols.reqCode[i] === 10) && x.topicOf(i) === topic) {
            const d = await frameDetails(x, i);
            if (d.command?.extFields?.msgId) got.add(d.command.extFields.msgId);
          }
        }
        return sent.every((s) => got.has(s.offsetMsgId)) ? true : undefined;
      }, 20_000);
      await cap.stop();
      cap = null;
      ix = await indexCaptureFile(file);
      for (let i = 0; i < ix.length; i++) details.set(i, await frameDetails(ix, i));
    }, { timeout: 240_000 });

    after(async () => {
      if (cap) void cap.stop();
      await java?.stop();
      if (dir && !process.env.KEEP_CAPTURES) fs.rmSync(dir, { recursive: true, force: true });
      else if (dir) console.error(`[capture-java] kept ${dir}`);
    });

    test('every Java send is decoded: topic, UNIQ_KEY, body (inflated when compressed), paired response with the offsetMsgId', () => {
      assert.equal(sent.length, 3);
      for (const s of sent) {
        let found = 0;
        for (let i = 0; i < ix.length; i++) {
          const d = details.get(i)!;
          if ((ix.cols.flag[i] & 1) || !(ix.cols.code[i] === 310 || ix.cols.code[i] === 10)) continue;
          const uk = d.view?.properties.find((p) => p.key === 'UNIQ_KEY')?.value;
          if (uk !== s.msgId) continue;
          found++;
          assert.equal(ix.topicOf(i), topic);
          assert.equal(d.command!.languageRaw ?? d.command!.language, 0, 'JAVA');
          assert.equal(d.command!.version, cluster().versionOrdinal);
          if (s.body.length >= 4096) {
            assert.equal(d.view!.body!.kind, 'compressed');
            assert.equal(d.view!.body!.text, s.body);
          } else {
            assert.equal(d.view!.body!.text, s.body);
          }
          const p = ix.cols.pair[i];
          assert.ok(p >= 0, 'paired');
          const r = details.get(p)!;
          assert.equal(r.command!.code, 0);
          assert.equal(r.command!.extFields!.msgId, s.offsetMsgId);
          assert.equal(r.view!.sections.find((x) => x.title === 'offsetMsgId')!.table!.rows[0][0], s.offsetMsgId);
          assert.ok((ix.latencyUs(i) ?? -1) >= 0);
        }
        assert.equal(found, 1, `send of ${s.msgId} found once`);
      }
    });

    test('no undecodable frames on connections that started inside the capture', () => {
      for (let i = 0; i < ix.length; i++) {
        const k = ix.conns[ix.cols.conn[i]];
        if (!k?.sawSyn) continue;
        assert.equal(details.get(i)!.error, undefined, `frame ${i}`);
      }
    });
  });
}
