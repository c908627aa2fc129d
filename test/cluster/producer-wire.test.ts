// Our frames next to the Java client's, in the same run: both producers send through a recording proxy
// in front of broker-a (a NameServer stand-in routes the topic there), then the SEND_MESSAGE_V2
// requests are compared field by field — header keys and their order, fixed values, properties
// string (keys, Java HashMap order, version-dependent trailing separator), language, version.
import { describe, before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { useCluster } from '../support/cluster';
import { JavaSide } from '../support/java-producer/java-side';
import { Producer } from '../../src/core/producer';
import { Message, decodeProperties } from '../../src/core/message';
import { FrameSplitter, decodeFrame, encodeFrame, createResponse, RemotingCommand, RequestCode } from '../../src/core/remoting';

for (const version of ['4.9', '5.3'] as const) {
  describe(`wire format vs the Java ${version} client`, () => {
    const cluster = useCluster(version);
    const tag = `${version.replace('.', '')}_${Date.now()}`;
    const topic = `ProdWire_${tag}`;
    const recorded: Array<{ who: 'java' | 'ours'; cmd: RemotingCommand }> = [];
    let who: 'java' | 'ours' = 'java';
    const closers: Array<() => void> = [];
    let nsAddr = '';
    let java: JavaSide | undefined;

    before(async () => {
      await cluster().createTopic(topic, { queues: 1, perm: 6 });
      const brokerA = cluster().brokers.find((b) => b.name === 'broker-a')!;
      const [bh, bp] = [brokerA.addr.split(':')[0], Number(brokerA.addr.split(':')[1])];
      const socks: net.Socket[] = [];
      const px = net.createServer((client) => {
        const up = net.connect(bp, bh);
        socks.push(client, up);
        const sp = new FrameSplitter();
        client.on('data', (c) => { for (const f of sp.push(c)) { recorded.push({ who, cmd: decodeFrame(Buffer.from(f)) }); up.write(f); } });
        up.on('data', (d) => client.write(d));
        for (const s of [client, up]) s.on('error', () => undefined);
        client.on('close', () => up.destroy());
        up.on('close', () => client.destroy());
      });
      await new Promise<void>((r) => px.listen(0, '127.0.0.1', r));
      const pxAddr = `127.0.0.1:${(px.address() as net.AddressInfo).port}`;
      const route = (t: string) => Buffer.from(JSON.stringify({
        brokerDatas: [{ brokerAddrs: { 0: pxAddr }, brokerName: 'broker-a', cluster: cluster().clusterName }],
        filterServerTable: {},
        queueDatas: [{ brokerName: 'broker-a', perm: 6, readQueueNums: 1, topicSysFlag: 0, writeQueueNums: t === topic ? 1 : 0 }],
      }));
      const ns = net.createServer((s) => {
        socks.push(s);
        const sp = new FrameSplitter();
        s.on('error', () => undefined);
        s.on('data', (c) => {
          for (const f of sp.push(c)) {
            const req = decodeFrame(Buffer.from(f));
            if (req.flag & 2) continue;
            const ok = req.code === RequestCode.GET_ROUTEINFO_BY_TOPIC && req.extFields?.topic === topic;
            s.write(encodeFrame(ok ? createResponse(req, 0, null, null, { body: route(topic) }) : createResponse(req, 17, `No topic route info in name server for the topic: ${req.extFields?.topic}`)));
          }
        });
      });
      await new Promise<void>((r) => ns.listen(0, '127.0.0.1', r));
      nsAddr = `127.0.0.1:${(ns.address() as net.AddressInfo).port}`;
      closers.push(() => { for (const s of socks) s.destroy(); px.close(); ns.close(); });
      java = await JavaSide.start(version, nsAddr);
    }, { timeout: 180_000 });

    after(async () => { await java?.stop(); for (const c of closers) c(); });

    test('SEND_MESSAGE_V2 from our producer matches the Java producer\'s field by field', async () => {
      who = 'java';
      const jr = await java!.send(topic, 1, 'wire', 'TagA');
      assert.equal(jr[0].status, 'SEND_OK');
      who = 'ours';
      const p = new Producer({ namesrvAddr: nsAddr, producerGroup: 'java_side_producer', clientVersion: cluster().versionOrdinal, heartbeatOnNewBroker: false });
      await p.start();
      try {
        const r = await p.send(new Message({ topic, tags: 'TagA', body: 'wire-0' }));
        assert.equal(r.sendStatus, 'SEND_OK');
      } finally { await p.shutdown(); }
      const j = recorded.find((x) => x.who === 'java' && x.cmd.code === RequestCode.SEND_MESSAGE_V2)?.cmd;
      const o = recorded.find((x) => x.who === 'ours' && x.cmd.code === RequestCode.SEND_MESSAGE_V2)?.cmd;
      assert.ok(j, 'recorded the Java send');
      assert.ok(o, 'recorded our send');
      assert.equal(o.language, j.language, 'language');
      assert.equal(o.version, j.version, 'version');
      assert.equal(o.serializeType, j.serializeType, 'serialize type');
      assert.equal(o.flag, j.flag, 'flag');
      assert.deepEqual(Object.keys(o.extFields!), Object.keys(j.extFields!), 'header keys, in Java HashMap order');
      for (const k of ['a', 'b', 'c', 'd', 'e', 'f', 'h', 'j', 'k', 'm', 'n']) assert.equal(o.extFields![k], j.extFields![k], `header ${k}`);
      const oi = o.extFields!.i, ji = j.extFields!.i;
      assert.equal(oi.endsWith('\u0002'), ji.endsWith('\u0002'), 'trailing separator as this version writes it');
      assert.deepEqual([...decodeProperties(oi).keys()], [...decodeProperties(ji).keys()], 'property names in the same order');
      for (const k of ['TAGS', 'WAIT']) assert.equal(decodeProperties(oi).get(k), decodeProperties(ji).get(k), `property ${k}`);
      assert.equal(decodeProperties(oi).get('UNIQ_KEY')!.length, decodeProperties(ji).get('UNIQ_KEY')!.length, 'UNIQ_KEY length');
      assert.equal(Buffer.from(o.body!).toString(), Buffer.from(j.body!).toString(), 'body');
    });
  });
}
