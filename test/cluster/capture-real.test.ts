// The capture decoder on real captures of real traffic: tcpdump on lo (pcap, µs and ns), tcpdump on
// "any" (Linux cooked), dumpcap on lo (pcapng), while our TS producer and client talk to a real
// RocketMQ cluster (both versions). Every frame our client sent or received (recorded by the
// connection's traffic hook) must be found in each capture byte for byte, in the right direction, with
// the right code/opaque/topic; TCP reassembly must equal `tshark -z follow,tcp,raw` for every
// RocketMQ connection; broker↔NameServer connections that started before the capture must resync.
import { describe, before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useCluster } from '../support/cluster';
import { Producer, MQClient } from '../../src/core/producer';
import { Message } from '../../src/core/message';
import { browseTopic } from '../../src/core/consumer';
import { TrafficRecord } from '../../src/core/transport/remoting-connection';
import { tsharkStreams } from '../support/tshark';
import { decodeFrame, RemotingCommand } from '../../src/core/remoting';
import { CaptureIndex, indexCaptureFile, decodeAllFrames, frameDetails, FrameWarn, warnLabels } from '../../src/core/capture';
import { eventually } from '../support/poll';
import { LiveCapture, startLiveCapture } from '../support/live-capture';



const key = (port: number, dir: number, bytes: Buffer) => `${port}/${dir}/${bytes.toString('base64')}`;

/** Frames of a capture: bytes per frame index, grouped per connection and direction. */
async function framesOf(file: string): Promise<{ ix: CaptureIndex; bytes: Buffer[]; cmds: (RemotingCommand | null)[] }> {
  const bytes: Buffer[] = [];
  const cmds: (RemotingCommand | null)[] = [];
  const ix = await decodeAllFrames(file, (d) => {
    bytes[d.index] = d.frame.bytes ? Buffer.from(d.frame.bytes.subarray(0, d.frame.bytesAvailable)) : Buffer.alloc(0);
    cmds[d.index] = d.command;
  });
  return { ix, bytes, cmds };
}

for (const version of ['5.3', '4.9'] as const) {
  describe(`capture decoder on real ${version} traffic`, () => {
    const cluster = useCluster(version);
    const tag = `cap${version.replace('.', '')}_${Date.now()}`;
    const topic = `Cap_${tag}`;
    let dir = '';
    const caps: LiveCapture[] = [];
    const traffic: TrafficRecord[] = [];
    const sent = new Map<string, string>(); // uniq key → body text
    let pulledBodies: string[] = [];
    const bodies: string[] = [];

    before(async () => {
      const c = await cluster;
      await c.createTopic(topic, { queues: 2, perm: 6 });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), `capture-real-${version}-`));
      const ports = [Number(c.namesrv.split(':')[1]), ...c.brokers.flatMap((b) => [b.port, b.vipPort])];
      const filter = `tcp and (${ports.map((p) => `port ${p}`).join(' or ')})`;
const live = (name: string, file: string, cmd: 'tcpdump' | 'dumpcap', args: string[], linkType: number, format: 'pcap' | 'pcapng') =>
        startLiveCapture({ name, file: path.join(dir, file), cmd, args, linkType, format, probeAddress: c.namesrv });
      caps.push(await live('tcpdump lo pcap', 'lo.pcap', 'tcpdump', ['-i', 'lo', '-U', '-s', '0', '-w', path.join(dir, 'lo.pcap'), filter], 1, 'pcap'));
      caps.push(await live('tcpdump lo pcap ns', 'lo-nano.pcap', 'tcpdump', ['-i', 'lo', '-U', '--nano', '-s', '0', '-w', path.join(dir, 'lo-nano.pcap'), filter], 1, 'pcap'));
      caps.push(await live('tcpdump any pcap', 'any.pcap', 'tcpdump', ['-i', 'any', '-U', '-s', '0', '-w', path.join(dir, 'any.pcap'), filter], 276, 'pcap')); // libpcap 1.10 writes LINUX_SLL2 for "any"
      caps.push(await live('dumpcap lo pcapng', 'lo.pcapng', 'dumpcap', ['-i', 'lo', '-q', '-f', filter, '-w', path.join(dir, 'lo.pcapng')], 1, 'pcapng'));

      const onTraffic = (r: TrafficRecord) => { traffic.push({ ...r, bytes: Buffer.from(r.bytes) }); };
      const producer = new Producer({ namesrvAddr: c.namesrv, producerGroup: `pg_${tag}`, clientVersion: c.versionOrdinal, onTraffic });
      const reader = new MQClient({ namesrvAddr: c.namesrv, clientVersion: c.versionOrdinal, serializeType: 'ROCKETMQ', onTraffic });
      try {
        await producer.start();
        // ≥ 4096 bytes are zlib-compressed by the producer; the random one stays big after compression (many segments)
        let seed = 7;
        const noisy = Array.from({ length: 300_000 }, () => String.fromCharCode(33 + ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % 90)).join('');
        bodies.push('small body', 'z'.repeat(5000), noisy, 'héllo wörld ✓');
        for (const b of bodies) {
          const r = await producer.send(new Message({ topic, body: b, tags: 'TagA', keys: ['k1', 'k2'] }));
          sent.set(r.msgId, b);
        }
        const batch = await producer.sendBatch([0, 1, 2].map((i) => new Message({ topic, body: `batch ${i}`, tags: 'TagB' })));
        for (const r of batch) r.msgId.split(',').forEach((id, i) => sent.set(id, `batch ${i}`));
        await producer.sendOneway(new Message({ topic, body: 'oneway body' }));
        pulledBodies = (await eventually('all messages stored', async () => {
          const got = await browseTopic(reader, topic);
          return got.length >= sent.size + 1 ? got : undefined;
        })).map((m) => Buffer.from(m.body ?? new Uint8Array()).toString());
      } finally {
        await producer.shutdown();
        await reader.close();
      }
      // wait until every capture holds every frame we exchanged, then stop them
      const want = new Set(traffic.map((t) => key(t.local.port, t.direction === 'out' ? 0 : 1, t.bytes)));
      for (const cap of caps) {
        await eventually(`${cap.name} to contain our ${want.size} frames`, async () => {
          const { ix, bytes } = await framesOf(cap.file);
          const have = new Set<string>();
          for (let i = 0; i < ix.length; i++) {
            const k = ix.conns[ix.cols.conn[i]];
            if (k) have.add(key(k.clientPort, ix.cols.dir[i], bytes[i]));
          }
          for (const w of want) if (!have.has(w)) return undefined;
          return true;
        }, 20000);
      }
      await Promise.all(caps.map((cap) => cap.stop()));
    }, { timeout: 240_000 });

    after(async () => {
      await Promise.all(caps.map((cap) => cap.stop()));
      if (dir && !process.env.KEEP_CAPTURES) fs.rmSync(dir, { recursive: true, force: true });
      else if (dir) console.error(`[capture-real] captures kept in ${dir}`);
    });

    test('every frame we sent or received is in every capture, byte-identical, right direction, decoded fields equal', async () => {
      assert.ok(traffic.length >= 20, `only ${traffic.length} frames of traffic`);
      assert.ok(traffic.some((t) => t.bytes.length > 200_000), 'a frame larger than 200 kB (many segments) was exchanged');
      for (const cap of caps) {
        const { ix, bytes, cmds } = await framesOf(cap.file);
        assert.equal(ix.source.format, cap.format, cap.name);
        assert.equal(ix.source.interfaces[0].linkType, cap.linkType, `${cap.name} link type`);
        if (cap.name.includes('ns')) assert.equal(ix.source.nanos, true);
        const byKey = new Map<string, number>();
        for (let i = 0; i < ix.length; i++) {
          const k = ix.conns[ix.cols.conn[i]];
          if (k) byKey.set(key(k.clientPort, ix.cols.dir[i], bytes[i]), i);
        }
        for (const t of traffic) {
          const i = byKey.get(key(t.local.port, t.direction === 'out' ? 0 : 1, t.bytes));
          assert.ok(i !== undefined, `${cap.name}: frame ${t.direction} ${t.local.port}→${t.remote.port} (${t.bytes.length} bytes) not found`);
          const cmd = decodeFrame(t.bytes);
          const got = cmds[i]!;
          assert.equal(got.code, cmd.code);
          assert.equal(got.opaque, cmd.opaque);
          assert.equal(got.flag, cmd.flag);
          assert.equal(ix.cols.code[i], cmd.code);
          assert.equal(ix.cols.opaque[i], cmd.opaque);
          const topicField = cmd.extFields?.topic ?? (cmd.code === 310 || cmd.code === 320 ? cmd.extFields?.b : undefined);
          if (topicField && !(cmd.flag & 1)) assert.equal(ix.topicOf(i), topicField);
          const k = ix.conns[ix.cols.conn[i]];
          assert.equal(k.serverPort, t.remote.port);
          // our connections start inside the capture and end with FIN: no problems at all
          assert.equal(ix.cols.warn[i] & ~FrameWarn.Unanswered, 0, `${cap.name} frame ${i}: ${warnLabels(ix.cols.warn[i])}`);
          // time of the first byte is within a few seconds of our own timestamp
          assert.ok(Math.abs(ix.cols.tsFirst[i] / 1000 - t.timestamp) < 5000, `${cap.name}: capture time ${ix.cols.tsFirst[i]} vs ${t.timestamp}`);
        }
        // requests we sent and their responses are paired
        for (let i = 0; i < ix.length; i++) {
          const k = ix.conns[ix.cols.conn[i]];
          if (!k || !traffic.some((t) => t.local.port === k.clientPort)) continue;
          if (!(ix.cols.flag[i] & 1) && !(ix.cols.flag[i] & 2) && ix.cols.dir[i] === 0) assert.ok(ix.cols.pair[i] >= 0, `${cap.name}: request ${i} unpaired`);
        }
      }
    });

    test('TCP reassembly equals tshark follow,tcp,raw for every RocketMQ connection', async () => {
      for (const cap of caps) {
        const { ix, bytes } = await framesOf(cap.file);
        const ts = tsharkStreams(cap.file);
        let compared = 0;
        for (const k of ix.conns) {
          if (!k?.rocketmq || !k.sawSyn || k.gapBytes) continue;
          const ours: [Buffer[], Buffer[]] = [[], []];
          for (let i = 0; i < ix.length; i++) if (ix.cols.conn[i] === k.id) ours[ix.cols.dir[i]].push(bytes[i]);
          const theirs = ts.get(`${k.clientPort}-${k.serverPort}`);
          assert.ok(theirs, `${cap.name}: tshark has no stream ${k.clientPort}-${k.serverPort}`);
          const same = (a: string, b: string) => a.length === b.length && a === b;
          assert.ok(same(Buffer.concat(ours[0]).toString('hex'), theirs[0]), `${cap.name}: c2s of ${k.clientPort} differs from tshark (${Buffer.concat(ours[0]).length} vs ${theirs[0].length / 2} bytes)`);
          assert.ok(same(Buffer.concat(ours[1]).toString('hex'), theirs[1]), `${cap.name}: s2c of ${k.clientPort} differs from tshark (${Buffer.concat(ours[1]).length} vs ${theirs[1].length / 2} bytes)`);
          compared++;
        }
        assert.ok(compared >= 3, `${cap.name}: compared ${compared} connections`);
      }
    });

    test('decoded views: sends show the topic, compressed body inflated, pulls give back the stored messages', async () => {
      const cap = caps[0];
      const ix = await indexCaptureFile(cap.file);
      let sends = 0, pulls = 0, compressed = 0;
      const pulled: string[] = [];
      for (let i = 0; i < ix.length; i++) {
        const code = ix.cols.code[i], resp = ix.cols.flag[i] & 1;
        if (!resp && (code === 310 || code === 10) && ix.topicOf(i) === topic) {
          const d = await frameDetails(ix, i);
          assert.equal(d.view?.extFields.find((r) => r.name === 'topic')?.value, topic);
          if (d.view?.body?.kind === 'compressed') {
            compressed++;
            assert.ok(bodies.includes(d.view.body.text ?? ''), `inflated body of frame ${i} (${d.view.body.text?.length} chars) is not one we sent`);
          }
          sends++;
        }
        if (resp && code === 0 && ix.cols.reqCode[i] === 11 && ix.topicOf(i) === topic) {
          const d = await frameDetails(ix, i);
          const msgs = d.view?.sections.find((s) => s.title.startsWith('Messages'))?.children ?? [];
          for (const m of msgs) pulled.push(m.children?.find((x) => x.title.startsWith('Body'))?.text ?? '');
          pulls++;
        }
      }
      assert.ok(sends >= 4, `sends ${sends}`);
      assert.equal(compressed, 2);
      assert.ok(pulls >= 1);
      assert.equal(pulled.length, pulledBodies.length);
      for (const b of pulledBodies) assert.ok(pulled.some((p) => p === b || p.endsWith(b) || (b.length > 100 && p.includes(b.slice(-50)))), `pulled body ${JSON.stringify(b.slice(0, 30))} not in capture views`);
    });

    test('connections that started before the capture (broker ↔ NameServer) resync or are reported, never throw', async () => {
      for (const cap of caps) {
        const ix = await indexCaptureFile(cap.file);
        for (const k of ix.conns) {
          if (!k || k.sawSyn) continue;
          // a pre-existing connection: frames found later must decode; skipped bytes are labelled
          for (let i = 0; i < ix.length; i++) {
            if (ix.cols.conn[i] !== k.id) continue;
            assert.ok(ix.cols.code[i] >= 0 || (ix.cols.warn[i] & FrameWarn.UndecodableHeader));
          }
        }
      }
    });
  });
}
