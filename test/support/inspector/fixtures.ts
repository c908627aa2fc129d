/**
 * Builders of capture files for the inspector's tests: frames encoded with our codec, wrapped in TCP
 * by the capture engineer's pcap writer. Each builder returns the bytes and what the tests should
 * find in them, so assertions are derived from the builder rather than copied numbers.
 */
import { createRequest, createResponse, encodeFrame, RemotingCommand, RequestCode } from '../../../src/core/remoting';
import { encodeProperties } from '../../../src/core/message';
import { createOffsetMessageId } from '../../../src/core/message/ids';
import { memorySink, PcapWriter, TcpSession } from '../../../src/core/capture/pcap-writer';

export interface FixtureExpect {
  frames: number;
  requests: number;
  responses: number;
  pairs: number;
  unanswered: number;
  topics: string[];
  connections: number;
}

/** One frame on a connection: a command, or frame bytes as they are (hand-made or damaged). */
export interface Exchange { dir: 0 | 1; cmd: RemotingCommand | Uint8Array; dtUs?: number }

/** Writes exchanges on connections (handshake, data in segments of at most `mss` bytes (default 1400), FIN) into a capture, with increasing times. */
export function writeCapture(conns: { client: string; clientPort: number; server: string; serverPort: number; mss?: number; exchanges: Exchange[] }[], t0Us = 1_700_000_000_000_000, format: 'pcap' | 'pcapng' = 'pcapng'): Buffer {
  const mem = memorySink();
  const w = new PcapWriter(mem.sink, { format });
  let t = t0Us;
  const sessions = conns.map((c) => new TcpSession({ client: c.client, clientPort: c.clientPort, server: c.server, serverPort: c.serverPort }));
  sessions.forEach((s) => { w.packet(s.syn(), t); w.packet(s.synAck(), t + 10); w.packet(s.ack(0), t + 20); t += 30; });
  // Interleave connections exchange by exchange (like a real capture).
  const max = Math.max(...conns.map((c) => c.exchanges.length));
  for (let k = 0; k < max; k++) {
    conns.forEach((c, ci) => {
      const e = c.exchanges[k];
      if (!e) return;
      t += e.dtUs ?? 1000;
      const bytes = e.cmd instanceof Uint8Array ? e.cmd : encodeFrame(e.cmd);
      for (const p of sessions[ci].send(e.dir, bytes, c.mss ?? 1400)) { w.packet(p, t); t += 5; }
    });
  }
  sessions.forEach((s) => { t += 100; w.packet(s.fin(0), t); w.packet(s.fin(1), t + 10); });
  return mem.bytes();
}

const CLIENT = '127.0.0.1';

/** A small realistic capture: sends (V2, JSON and ROCKETMQ headers), an error, a heartbeat, a route lookup, an unanswered request. */
export function basicCapture(format: 'pcap' | 'pcapng' = 'pcapng'): { bytes: Buffer; expect: FixtureExpect; uniqKey: string; offsetMsgId: string } {
  const uniqKey = '7F0000010B3F18B4AAC2571E6F8A0000';
  const offsetMsgId = createOffsetMessageId('127.0.0.1', 10911, 123456n);
  const props = encodeProperties({ UNIQ_KEY: uniqKey, TAGS: 'TagA', KEYS: 'order-1', WAIT: 'true' });
  const send1 = createRequest(RequestCode.SEND_MESSAGE_V2, {
    a: 'pg-demo', b: 'OrderTopic', c: 'TBW102', d: 4, e: 1, f: 0, g: 1700000000000, h: 0, i: props, j: 0, k: false, n: 'broker-a',
  }, { opaque: 101, body: Buffer.from('{"orderId":1,"amount":9.5}') });
  const send1r = createResponse(send1, 0, null, { msgId: uniqKey, queueId: 1, queueOffset: 42, offsetMsgId, transactionId: uniqKey });
  const send2 = createRequest(RequestCode.SEND_MESSAGE_V2, {
    a: 'pg-demo', b: 'MissingTopic', c: 'TBW102', d: 4, e: 0, f: 0, g: 1700000000001, h: 0, i: encodeProperties({ UNIQ_KEY: '7F0000010B3F18B4AAC2571E6F8A0001' }), j: 0, k: false,
  }, { opaque: 102, serializeType: 'ROCKETMQ', body: Buffer.from('hello') });
  const send2r = createResponse(send2, 17, 'topic[MissingTopic] not exist, apply first please!');
  const hb = createRequest(RequestCode.HEART_BEAT, null, { opaque: 103, body: Buffer.from('{"clientID":"127.0.0.1@1","producerDataSet":[{"groupName":"pg-demo"}],"consumerDataSet":[]}') });
  const hbr = createResponse(hb, 0);
  const lost = createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'cg-demo' }, { opaque: 104 });
  const route = createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'OrderTopic' }, { opaque: 201 });
  const routeBody = '{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}';
  const router = createResponse(route, 0, null, null, { body: Buffer.from(routeBody) });
  const bytes = writeCapture([
    { client: CLIENT, clientPort: 50001, server: CLIENT, serverPort: 10911, exchanges: [
      { dir: 0, cmd: send1 }, { dir: 1, cmd: send1r, dtUs: 2500 },
      { dir: 0, cmd: send2 }, { dir: 1, cmd: send2r, dtUs: 1200 },
      { dir: 0, cmd: hb }, { dir: 1, cmd: hbr },
      { dir: 0, cmd: lost },
    ] },
    { client: CLIENT, clientPort: 50002, server: CLIENT, serverPort: 9876, exchanges: [
      { dir: 0, cmd: route }, { dir: 1, cmd: router, dtUs: 800 },
    ] },
  ], undefined, format);
  return {
    bytes, uniqKey, offsetMsgId,
    expect: { frames: 9, requests: 5, responses: 4, pairs: 4, unanswered: 1, topics: ['OrderTopic', 'MissingTopic'], connections: 2 },
  };
}

/** Script/HTML payloads placed in every text the inspector shows from a capture. */
export const XSS_PAYLOADS = {
  topic: '<img src=x onerror="window.__xss=1">',
  remark: '</script><script>window.__xss=2</script>',
  extKey: '<b onmouseover=window.__xss=3>k</b>',
  extValue: '"><svg onload=window.__xss=4>',
  body: '<iframe srcdoc="<script>parent.__xss=5</script>"></iframe>',
  property: '<script>window.__xss=6</script>',
};

export function xssCapture(): { bytes: Buffer; payloads: typeof XSS_PAYLOADS } {
  const p = XSS_PAYLOADS;
  const req = createRequest(RequestCode.SEND_MESSAGE, {
    producerGroup: 'pg', topic: p.topic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0,
    bornTimestamp: 1700000000000, flag: 0, properties: encodeProperties({ TAGS: p.property, UNIQ_KEY: '7F0000010B3F18B4AAC2571E6F8A0002' }),
    [p.extKey]: p.extValue,
  }, { opaque: 7, remark: p.remark, body: Buffer.from(p.body) });
  const resp = createResponse(req, 1, p.remark, { [p.extKey]: p.extValue });
  const bytes = writeCapture([
    { client: CLIENT, clientPort: 50003, server: CLIENT, serverPort: 10911, exchanges: [{ dir: 0, cmd: req }, { dir: 1, cmd: resp }] },
  ]);
  return { bytes, payloads: p };
}

/**
 * A large capture streamed to a sink: `pairs` SEND_MESSAGE_V2 request/response pairs spread over
 * `connections` connections, each request carrying `bodySize` bytes. Used by the benchmark.
 */
export function writeLargeCapture(sink: (chunk: Buffer) => void, pairs: number, bodySize: number, connections = 16, onProgress?: (done: number) => void): { frames: number } {
  const w = new PcapWriter(sink, { format: 'pcapng' });
  const sessions = Array.from({ length: connections }, (_, k) => new TcpSession({ client: CLIENT, clientPort: 40000 + k, server: CLIENT, serverPort: 10911 }));
  let t = 1_700_000_000_000_000;
  for (const s of sessions) { w.packet(s.syn(), t); w.packet(s.synAck(), t + 1); w.packet(s.ack(0), t + 2); t += 3; }
  const body = Buffer.alloc(bodySize, 0x61);
  const topics = ['OrderTopic', 'PaymentTopic', 'AuditTopic', 'InventoryTopic', 'ShippingTopic'];
  for (let k = 0; k < pairs; k++) {
    const s = sessions[k % connections];
    const req = createRequest(RequestCode.SEND_MESSAGE_V2, {
      a: 'pg-bench', b: topics[k % topics.length], c: 'TBW102', d: 4, e: k % 4, f: 0, g: 1700000000000 + k, h: 0,
      i: encodeProperties({ UNIQ_KEY: `7F0000010B3F18B4AAC2571E${(k & 0xffffffff).toString(16).padStart(8, '0').toUpperCase()}`, TAGS: 'T' }), j: 0, k: false,
    }, { opaque: k, body });
    const code = k % 997 === 0 ? 17 : 0;
    const resp = createResponse(req, code, code ? 'topic not exist' : null, code ? null : { msgId: 'x', queueId: k % 4, queueOffset: k });
    t += 50;
    for (const p of s.send(0, encodeFrame(req), 65000)) w.packet(p, t);
    t += 20 + (k % 100);
    if (k % 50_000 !== 49_999) for (const p of s.send(1, encodeFrame(resp), 65000)) w.packet(p, t);
    if (onProgress && k % 10000 === 0) onProgress(k);
  }
  return { frames: pairs * 2 - Math.floor(pairs / 50_000) };
}
