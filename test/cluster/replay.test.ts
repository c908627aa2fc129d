// Capture → replay against real brokers (RocketMQ 4.9.7 and 5.3.3): our producer and Java's
// DefaultMQProducer (the release's own rocketmq-client) send messages with tags, keys, user properties
// (one with quotes, `=`, a backslash and a line break), a delay level, a batch, a binary body and a
// compressed body, while dumpcap records loopback. The capture goes through the inspector session's
// *Open as Request File*; the document is parsed by the request-file parser, body files read as the
// extension reads them, and every block sent through the normal send path (executeSpec). The broker
// must then hold each message twice, equal in every field a user set, with a new UNIQ_KEY.
import { describe, before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useCluster, RunningCluster, prepareJava, runJava } from '../support/cluster';
import { MQClient } from '../../src/core/producer';
import { browseTopic, BrowsedMessage } from '../../src/core/consumer';
import { SYSTEM_PROPERTY_NAMES } from '../../src/core/message';
import { indexCaptureFile } from '../../src/core/capture';
import { bodyFileScope, checkBodyFile, parseRequestFile, withBodyFileBytes } from '../../src/core/requestfile';
import { ConnectionSession } from '../../src/app/connections/session';
import { executeSpec } from '../../src/app/send/executor';
import { fileSource, InspectorSession } from '../../src/app/inspector/session';
import { call, emit, RecordingHost } from '../support/inspector/session-host';
import { eventually } from '../support/poll';
import { LiveCapture, startLiveCapture } from '../support/live-capture';

const HOSTILE = 'line1\nline2 "q" a=b \\ end';

const JAVA = (cls: string, timer: boolean) => `
import java.nio.charset.StandardCharsets;
import java.util.*;
import org.apache.rocketmq.client.producer.*;
import org.apache.rocketmq.common.message.*;

public class ${cls} {
    static Message m(String topic, String tag, String keys, String label, byte[] body) {
        Message x = new Message(topic, tag, keys, body);
        x.putUserProperty("label", label);
        x.putUserProperty("hostile", ${JSON.stringify(HOSTILE)});
        return x;
    }
    static byte[] u(String s) { return s.getBytes(StandardCharsets.UTF_8); }
    public static void main(String[] a) throws Exception {
        DefaultMQProducer p = new DefaultMQProducer(a[2]);
        p.setNamesrvAddr(a[0]);
        p.start();
        String t = a[1];
        try {
            System.out.println(p.send(m(t, "JTag", "jk1 jk2", "java-plain", u("java text"))));
            Message d = m(t, "JDelay", "jd", "java-delay", u("java delayed"));
            d.setDelayTimeLevel(1);
            System.out.println(p.send(d));
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 2; i++) batch.add(m(t, "JBatch", "jb", "java-batch", u("java batch " + i)));
            System.out.println(p.send(batch));
            System.out.println(p.send(m(t, "JBin", "jbin", "java-bin", new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe, 10, 13})));
            StringBuilder z = new StringBuilder();
            for (int i = 0; i < 600; i++) z.append("java-zip-");
            System.out.println(p.send(m(t, "JZip", "jz", "java-zip", u(z.toString()))));
${timer ? `            Message tm = m(t, "JTimer", "jt", "java-timer", u("java timer"));
            tm.setDelayTimeMs(1500L);
            System.out.println(p.send(tm));
` : ''}        } finally {
            p.shutdown();
        }
    }
}
`;

/** What a user sets on a message, for comparing an original with its replay. */
function userFields(m: BrowsedMessage) {
  const props = [...m.properties].filter(([k]) => !SYSTEM_PROPERTY_NAMES.has(k)).sort(([a], [b]) => a.localeCompare(b));
  return { topic: m.topic, tags: m.tags, keys: m.keys, props, delay: m.properties.get('DELAY') ?? null, timerMs: m.properties.get('TIMER_DELAY_MS') ?? null, flag: m.flag, body: Buffer.from(m.body ?? new Uint8Array()).toString('hex') };
}

for (const version of ['5.3', '4.9'] as const) {
  describe(`capture → replay on RocketMQ ${version}`, () => {
    const cluster = useCluster(version);
    const tag = `replay${version.replace('.', '')}_${Date.now()}`;
    const topic = `Replay_${tag}`;
    let c: RunningCluster;
    let reader: MQClient;
    let session: ConnectionSession;
    let dir = '';
    let cap: LiveCapture | null = null;

    before(async () => {
      c = await cluster;
      await c.createTopic(topic, { queues: 2, perm: 6 });
      reader = new MQClient({ namesrvAddr: c.namesrv, clientVersion: c.versionOrdinal });
      session = new ConnectionSession({ name: 'replay', namesrv: c.namesrv }, {});
      dir = fs.mkdtempSync(path.join(os.tmpdir(), `replay-${version}-`));
    }, { timeout: 240_000 });
    after(async () => {
      if (cap) await cap.stop();
      await reader?.close();
      await session?.dispose?.();
      if (dir && !process.env.KEEP_CAPTURES) fs.rmSync(dir, { recursive: true, force: true });
    });

    test('sends by our producer and by Java, captured, replayed through the request file, are stored again equal in every field a user set', async () => {
      const file = path.join(dir, 'sends.pcapng');
      const ports = [Number(c.namesrv.split(':')[1]), ...c.brokers.flatMap((b) => [b.port, b.vipPort])];
      cap = await startLiveCapture({ name: 'dumpcap lo', file, cmd: 'dumpcap', args: ['-i', 'lo', '-q', '-f', `tcp and (${ports.map((p) => `port ${p}`).join(' or ')})`, '-w', file], linkType: 1, format: 'pcapng', probeAddress: c.namesrv });

      // our producer, through the normal send path
      const base = { topic, mode: 'sync' as const, repeat: 1, batch: false };
      const ours = [
        { ...base, tags: 'OTag', keys: ['ok1', 'ok2'], properties: { label: 'ours-plain', hostile: HOSTILE }, bodies: ['ours text'] },
        { ...base, tags: 'ODelay', keys: ['od'], properties: { label: 'ours-delay', hostile: HOSTILE }, delayLevel: 1, bodies: ['ours delayed'] },
        { ...base, tags: 'OBatch', keys: ['ob'], properties: { label: 'ours-batch', hostile: HOSTILE }, batch: true, bodies: ['ours batch 0', 'ours batch 1'] },
        { ...base, tags: 'OBin', keys: ['obin'], properties: { label: 'ours-bin', hostile: HOSTILE }, bodies: ['(binary)'], bodyBytes: [Uint8Array.from([0, 0xff, 0x80, 7, 10])] },
        { ...base, tags: 'OZip', keys: ['oz'], properties: { label: 'ours-zip', hostile: HOSTILE }, bodies: ['ours-zip-'.repeat(600)] },
      ];
      // 5.x timer messages (TIMER_DELAY_MS), from both producers
      const timer = version === '5.3';
      if (timer) ours.push({ ...base, tags: 'OTimer', keys: ['ot'], properties: { label: 'ours-timer', hostile: HOSTILE }, bodies: ['ours timer'], delayMs: 1500 } as typeof ours[number]);
      for (const spec of ours) {
        const o = await executeSpec(session, spec);
        assert.equal(o.failed.length, 0, String(o.failed[0]?.error));
      }
      // Java's producer
      const env = await prepareJava(version);
      const cls = `ReplaySend${version.replace('.', '')}`;
      fs.writeFileSync(path.join(dir, `${cls}.java`), JAVA(cls, timer));
      const javac = spawnSync('javac', ['-cp', env.classpath, '-d', dir, path.join(dir, `${cls}.java`)], { encoding: 'utf8' });
      assert.equal(javac.status, 0, `javac: ${javac.stderr}`);
      const run = await runJava({ ...env, classpath: `${dir}${path.delimiter}${env.classpath}` }, cls, [c.namesrv, topic, `pg_${tag}`]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout.match(/sendStatus=SEND_OK/g)?.length, timer ? 6 : 5, run.stdout);
      const sends = timer ? 12 : 10;
      const messages = sends + 2;

      // 10 sends (8 single, 2 batches; 12 with the timers), each answered, in the capture
      await eventually('every send and its answer in the capture', async () => {
        const x = await indexCaptureFile(file);
        let answered = 0;
        for (let i = 0; i < x.length; i++) if (!(x.cols.flag[i] & 1) && [10, 310, 320].includes(x.cols.code[i]) && x.topicOf(i) === topic && x.cols.pair[i] >= 0) answered++;
        return answered >= sends ? true : undefined;
      }, 20_000);
      await cap.stop();
      cap = null;

      // the inspector's Open as Request File on every row of the capture (non-sends are skipped)
      const host = new RecordingHost();
      const inspector = new InspectorSession(fileSource(file, 'sends.pcapng'), host);
      let doc;
      try {
        await emit(inspector, 'ready');
        await inspector.source.done;
        const all = Array.from({ length: inspector.source.index.length }, (_v, i) => i);
        const r = await call(inspector, host, 'openRequestFile', { frames: all });
        doc = host.replayDocs[0];
        assert.match(r.message, new RegExp(`^Opened ${messages} message\\(s\\) from ${sends} send\\(s\\) as a request file`));
      } finally {
        inspector.dispose();
      }
      assert.ok(doc.skipped.length > 0, 'responses and route queries were skipped');
      assert.equal((doc.text.match(/^type: batch$/gm) ?? []).length, 2, doc.text);
      assert.equal((doc.text.match(/^delay: 1$/gm) ?? []).length, 2);
      assert.equal(doc.bodyFiles.length, 2, 'the two binary bodies');
      assert.match(doc.text, /^\/\/ left out \(the producer or broker sets these itself\): .*UNIQ_KEY/m);
      assert.ok(!/^property: (UNIQ_KEY|WAIT)=/m.test(doc.text));

      // the user's side: the body files written beside the (untitled) document, each block sent
      const folder = path.join(dir, 'workspace');
      for (const f of doc.bodyFiles) {
        const p = path.join(folder, f.name);
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, f.bytes);
      }
      const parsed = parseRequestFile(doc.text);
      assert.deepEqual(parsed.diagnostics.filter((d) => d.severity === 'error'), []);
      const scope = bodyFileScope(undefined, undefined, folder)!;
      for (const b of parsed.blocks) {
        let spec = b.spec!;
        if (b.bodyFile) {
          const checked = await checkBodyFile(b.bodyFile, scope);
          assert.ok(checked.inside);
          spec = withBodyFileBytes(spec, fs.readFileSync(checked.realTarget), b.bodyFile);
        }
        const o = await executeSpec(session, spec);
        assert.equal(o.failed.length, 0, String(o.failed[0]?.error));
      }

      // every message twice (the delayed ones arrive after level 1 = 1 s), equal in what the user set
      const groups = await eventually('each message stored twice', async () => {
        const g = new Map<string, BrowsedMessage[]>();
        for (const m of await browseTopic(reader, topic)) {
          const k = `${m.properties.get('label')}|${Buffer.from(m.body ?? new Uint8Array()).toString('hex')}`;
          g.set(k, [...(g.get(k) ?? []), m]);
        }
        return g.size === messages && [...g.values()].every((v) => v.length === 2) ? g : undefined;
      }, 30_000);
      for (const [k, [a, b]] of groups) {
        assert.deepEqual(userFields(b), userFields(a), k);
        assert.equal(a.properties.get('hostile'), HOSTILE);
        assert.notEqual(a.properties.get('UNIQ_KEY'), b.properties.get('UNIQ_KEY'), `${k}: a new send has a new UNIQ_KEY`);
      }
      const labels = new Set([...groups.values()].map(([m]) => m.properties.get('label')));
      assert.deepEqual([...labels].sort(), ['java-batch', 'java-bin', 'java-delay', 'java-plain', ...(timer ? ['java-timer'] : []), 'java-zip', 'ours-batch', 'ours-bin', 'ours-delay', 'ours-plain', ...(timer ? ['ours-timer'] : []), 'ours-zip']);
      if (timer) {
        assert.equal((doc.text.match(/^delay: 1500ms$/gm) ?? []).length, 2, 'both timer sends became delay: 1500ms');
        for (const [m] of [...groups.values()].filter(([x]) => x.properties.get('label')?.endsWith('-timer'))) assert.equal(m.properties.get('TIMER_DELAY_MS'), '1500', 'the stored timer message keeps its delay');
      }
      const zipped = [...groups.values()].flat().filter((m) => m.properties.get('label')?.endsWith('-zip'));
      assert.ok(zipped.every((m) => m.compressed), 'the large bodies were compressed on the wire both times (and compared inflated)');
    });
  });
}
