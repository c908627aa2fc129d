import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { FakeServer, ok, err, routeJson } from './fake-server';
import { main } from '../../../src/cli/main';
import { RequestCode } from '../../../src/core/remoting';
import { decodeProperties } from '../../../src/core/message';

function io() {
  const out: string[] = [];
  const errs: string[] = [];
  return { out, errs, io: { out: (l: string) => out.push(l), err: (l: string) => errs.push(l), stdin: async () => 'from stdin' } };
}

test('CLI send/route/clusters/topics against fake servers', async () => {
  const broker = await new FakeServer((r) => ok(r, { msgId: '7F00000100002A9F0000000000000001', queueId: r.extFields?.e ?? 0, queueOffset: 3 })).start();
  const ns = await new FakeServer((r) => {
    if (r.code === RequestCode.GET_ROUTEINFO_BY_TOPIC) {
      if (r.extFields!.topic === 'T') return ok(r, undefined, routeJson([{ name: 'broker-a', addr: broker.addr, queues: 2 }, { name: 'broker-b', addr: broker.addr, queues: 2, perm: 4 }]));
      return err(r, 17, `No topic route info in name server for the topic: ${r.extFields!.topic}`);
    }
    if (r.code === RequestCode.GET_BROKER_CLUSTER_INFO) {
      return ok(r, undefined, Buffer.from(`{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"${broker.addr}"},"brokerName":"broker-a","cluster":"C1"}},"clusterAddrTable":{"C1":["broker-a"]}}`));
    }
    if (r.code === RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER) return ok(r, undefined, Buffer.from('{"topicList":["T","TBW102","%RETRY%g","A"]}'));
    return err(r, 3, 'not supported');
  }).start();
  try {
    let c = io();
    assert.equal(await main(['send', '--namesrv', ns.addr, '--topic', 'T', '--body', '-', '--tags', 'tg', '--keys', 'k1 k2', '--prop', 'color=red', '--count', '2'], c.io), 0);
    assert.equal(c.out.length, 2);
    const res = JSON.parse(c.out[0]);
    assert.equal(res.sendStatus, 'SEND_OK');
    assert.equal(res.queueOffset, 3);
    const sent = broker.received.filter((r) => r.code === RequestCode.SEND_MESSAGE_V2);
    assert.equal(Buffer.from(sent[0].body!).toString(), 'from stdin');
    const props = decodeProperties(sent[0].extFields!.i);
    assert.equal(props.get('TAGS'), 'tg');
    assert.equal(props.get('KEYS'), 'k1 k2');
    assert.equal(props.get('color'), 'red');

    c = io();
    assert.equal(await main(['send', '--namesrv', ns.addr, '--topic', 'T', '--body', 'x', '--prop', 'UNIQ_KEY=1'], c.io), 2);
    assert.match(c.errs.join('\n'), /PROPERTY_RESERVED/);
    c = io();
    assert.equal(await main(['send', '--namesrv', ns.addr, '--topic', 'bad.topic', '--body', 'x'], c.io), 1);
    assert.match(c.errs.join('\n'), /TOPIC_ILLEGAL_CHARACTERS/);

    c = io();
    assert.equal(await main(['route', '--namesrv', ns.addr, 'T'], c.io), 0);
    assert.match(c.out.join('\n'), /broker-b: read 2, write 2, perm R-- \(4\)\s+! NOT WRITABLE/);
    c = io();
    assert.equal(await main(['route', '--namesrv', ns.addr, 'Nope'], c.io), 1);
    assert.match(c.errs.join('\n'), /TOPIC_NOT_EXIST \(17\).*Nope/);

    c = io();
    assert.equal(await main(['clusters', '--namesrv', ns.addr], c.io), 0);
    assert.deepEqual(c.out, ['cluster C1', `  broker-a: 0=${broker.addr}`]);

    c = io();
    assert.equal(await main(['topics', '--namesrv', ns.addr], c.io), 0);
    assert.deepEqual(c.out, ['A', 'T']);
    c = io();
    assert.equal(await main(['topics', '--namesrv', ns.addr, '--all'], c.io), 0);
    assert.deepEqual(c.out, ['%RETRY%g', 'A', 'T', 'TBW102']);

    // usage errors (exit 2) before any request: no --namesrv, a topic missing or one too many
    const before = ns.received.length;
    for (const [args, msg] of [
      [['clusters'], /give --namesrv only/], [['topics', '--namesrv', ns.addr, 'extra'], /give --namesrv only/],
      [['route', '--namesrv', ns.addr], /give --namesrv and one topic/], [['route', 'T'], /give --namesrv and one topic/],
    ] as const) {
      c = io();
      assert.equal(await main([...args], c.io), 2, args.join(' '));
      assert.match(c.errs.join('\n'), msg);
    }
    assert.equal(ns.received.length, before, 'nothing sent for a usage error');
  } finally {
    await broker.stop();
    await ns.stop();
  }
});
