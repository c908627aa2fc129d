/**
 * The synthetic golden capture, test/fixtures/captures/zoo.pcapng: every kind of frame the views decode
 * (and a few they do not), encoded with our own codec and written by our pcap writer, on five TCP
 * connections. Fully deterministic: fixed timestamps, opaques, ids and versions; bodies compressed by
 * ./compress.ts (zlib with fixed Huffman codes, LZ4 and zstd frames with stored/raw blocks), not by
 * node:zlib; the REGISTER_BROKER bodies are the Java-made vectors in test/fixtures/bodies.
 * test/unit/golden/frame-outputs.test.ts rebuilds it and compares byte for byte.
 *
 *   npx tsc -p . && node out/test/support/golden/make-zoo.js      # rewrites test/fixtures/captures/zoo.pcapng
 *
 * `ZOO_FRAMES` lists what each frame is, in capture order: the golden README and the report quote it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequest, createResponse, encodeFrame, LanguageCode, RemotingCommand, RequestCode } from '../../../src/core/remoting';
import { createOffsetMessageId, encodeBatchBody, encodeProperties, encodeStoredMessage, crc32, MessageSysFlag } from '../../../src/core/message';
import { memorySink, PcapWriter, TcpSession } from '../../../src/core/capture/pcap-writer';
import { deterministicZlib, lz4FrameStored, zstdFrameRaw } from './compress';

/** The repository root, from out/test/support/golden or test/support/golden. */
export function repoRootFrom(dir: string): string {
  const parts = dir.split(/[\\/]/);
  const i = parts.lastIndexOf('test');
  const root = parts.slice(0, i).join('/');
  return parts[i - 1] === 'out' ? parts.slice(0, i - 1).join('/') : root;
}

export const ZOO_PATH = join(repoRootFrom(__dirname), 'test', 'fixtures', 'captures', 'zoo.pcapng');
const BODIES = join(repoRootFrom(__dirname), 'test', 'fixtures', 'bodies');

const V_49 = 407; // MQVersion ordinal of 4.9.7
const V_53 = 479; // 5.3.3
const T0_US = 1_717_171_717_000_000; // 2024-05-31T16:08:37Z
const BORN = 1_717_171_700_000;

const PRODUCER = '10.0.0.5';
const CONSUMER = '10.0.0.6';
const BROKER_A = '10.0.0.10';
const BROKER_B = '10.0.0.11';
const NAMESRV = '10.0.0.20';

/** UNIQ_KEY of producer 10.0.0.5: ip, pid 0x0B3F, class loader hash, ms since month start, counter. */
const uk = (counter: number) => `0A0000050B3F18B4AAC2571E6F8A${counter.toString(16).toUpperCase().padStart(4, '0')}`;
const offId = (commitLogOffset: number, host = BROKER_A) => createOffsetMessageId(host, 10911, BigInt(commitLogOffset));

interface Opts { ser?: 'JSON' | 'ROCKETMQ'; body?: Uint8Array | null; oneway?: boolean; version?: number; language?: number; remark?: string }
function rq(code: number, opaque: number, ext: Record<string, string | number | boolean> | null, o: Opts = {}): RemotingCommand {
  return createRequest(code, ext, { opaque, body: o.body ?? null, oneway: o.oneway, serializeType: o.ser ?? 'JSON', version: o.version ?? V_53, language: o.language ?? LanguageCode.JAVA, remark: o.remark ?? null });
}
function rs(req: RemotingCommand, code: number, remark: string | null, ext: Record<string, string | number | boolean> | null, o: Opts = {}): RemotingCommand {
  return createResponse(req, code, remark, ext, { body: o.body ?? null, serializeType: o.ser ?? req.serializeType, version: o.version ?? V_53 });
}
const text = (s: string) => Buffer.from(s, 'utf8');

/** SendMessageRequestHeaderV2 (one-letter keys). */
function v2(topic: string, queueId: number, sysFlag: number, props: Record<string, string>, extra: Record<string, string | number | boolean> = {}): Record<string, string | number | boolean> {
  return { a: 'pg-zoo', b: topic, c: 'TBW102', d: 4, e: queueId, f: sysFlag, g: BORN, h: 0, i: encodeProperties(props), j: 0, k: false, m: false, n: 'broker-a', ...extra };
}
function sendOk(req: RemotingCommand, commitLogOffset: number, queueId: number, queueOffset: number, transactionId?: string): RemotingCommand {
  return rs(req, 0, null, { msgId: offId(commitLogOffset), queueId, queueOffset, ...(transactionId ? { transactionId } : {}), MSG_REGION: 'DefaultRegion', TRACE_ON: 'true' });
}

export interface ZooExchange { dir: 0 | 1; cmd: RemotingCommand; dtUs?: number; mss?: number; dropSegments?: number[]; what: string }
export interface ZooConnection { client: string; clientPort: number; server: string; serverPort: number; exchanges: ZooExchange[] }

function stored(o: Parameters<typeof encodeStoredMessage>[0]): Uint8Array { return encodeStoredMessage({ storeHost: BROKER_A, storePort: 10911, bornHost: PRODUCER, bornPort: 50001, bornTimestamp: BORN, storeTimestamp: BORN + 3, ...o }); }

/** The connections and frames of the zoo (before encoding). */
export function zooConnections(): ZooConnection[] {
  // ---- producer ↔ broker-a: sends of every kind, transactions, heartbeat, an unanswered request
  const p: ZooExchange[] = [];
  const add = (what: string, req: RemotingCommand, resp?: RemotingCommand, more: Partial<ZooExchange> = {}) => {
    p.push({ dir: 0, cmd: req, what, ...more });
    if (resp) p.push({ dir: 1, cmd: resp, what: `${what} (response)`, dtUs: 1800 });
  };
  const send10 = rq(RequestCode.SEND_MESSAGE, 1, {
    producerGroup: 'pg-zoo', topic: 'OrderTopic', defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0, bornTimestamp: BORN, flag: 0,
    properties: encodeProperties({ UNIQ_KEY: uk(1), KEYS: 'order-1 customer-7', TAGS: 'TagA', DELAY: '3', WAIT: 'true' }), reconsumeTimes: 0, unitMode: false, batch: false,
  }, { body: text('{"orderId":1,"amount":9.5,"currency":"EUR"}'), version: V_49 });
  add('SEND_MESSAGE (10), long keys, properties UNIQ_KEY/KEYS/TAGS/DELAY, JSON body', send10, sendOk(send10, 1000, 0, 10, uk(1)));

  const send310 = rq(RequestCode.SEND_MESSAGE_V2, 2, v2('OrderTopic', 1, 0, { UNIQ_KEY: uk(2), KEYS: 'order-2', TAGS: 'TagB', WAIT: 'true' }), { body: text('hello rocketmq') });
  add('SEND_MESSAGE_V2 (310), short keys, text body', send310, sendOk(send310, 1200, 1, 11));

  const bigText = Array.from({ length: 90 }, (_, k) => `line ${k}: the quick brown fox jumps over the lazy dog`).join('\n');
  const zlibBody = deterministicZlib(text(bigText));
  const sendZ = rq(RequestCode.SEND_MESSAGE_V2, 3, v2('OrderTopic', 2, MessageSysFlag.COMPRESSED_FLAG, { UNIQ_KEY: uk(3), TAGS: 'TagZ', KEYS: 'big-1' }), { body: zlibBody });
  add(`SEND_MESSAGE_V2, sysFlag COMPRESSED (ZLIB), ${bigText.length} bytes text in ${zlibBody.length}`, sendZ, sendOk(sendZ, 1400, 2, 12));

  const lz4Text = text(Array.from({ length: 12 }, (_, k) => `LZ4 body line ${k}: stored in an uncompressed LZ4 block`).join('\n'));
  const sendL = rq(RequestCode.SEND_MESSAGE_V2, 4, v2('OrderTopic', 3, 0x101, { UNIQ_KEY: uk(4), TAGS: 'TagL' }), { body: lz4FrameStored(lz4Text) });
  add('SEND_MESSAGE_V2, sysFlag COMPRESSED (LZ4): an LZ4 frame with one uncompressed block', sendL, sendOk(sendL, 1600, 3, 13));

  const zstdText = text(Array.from({ length: 12 }, (_, k) => `ZSTD body line ${k}: stored in a raw zstd block`).join('\n'));
  const sendS = rq(RequestCode.SEND_MESSAGE_V2, 5, v2('OrderTopic', 0, 0x201, { UNIQ_KEY: uk(5), TAGS: 'TagS' }), { body: zstdFrameRaw(zstdText) });
  add('SEND_MESSAGE_V2, sysFlag COMPRESSED (ZSTD): a zstd frame with one raw block', sendS, sendOk(sendS, 1800, 0, 14));

  const binary = Uint8Array.from({ length: 256 }, (_, k) => k);
  const sendB = rq(RequestCode.SEND_MESSAGE_V2, 6, v2('OrderTopic', 1, 0, { UNIQ_KEY: uk(6), TAGS: 'TagBin' }, { n: '' }), { ser: 'ROCKETMQ', body: binary });
  add('SEND_MESSAGE_V2 in ROCKETMQ (binary) serialization, extFields "n" with an empty value, binary body', sendB, sendOk(sendB, 2000, 1, 15));

  const batchBody = encodeBatchBody([
    { flag: 0, body: text('batch message 0'), propertiesString: encodeProperties({ UNIQ_KEY: uk(7), KEYS: 'batch-0', TAGS: 'TagBatch' }) },
    { flag: 0, body: text('{"batch":1}'), propertiesString: encodeProperties({ UNIQ_KEY: uk(8), KEYS: 'batch-1' }) },
    { flag: 5, body: Uint8Array.from([0, 1, 2, 0xff, 0xfe]), propertiesString: encodeProperties({ UNIQ_KEY: uk(9) }) },
  ]);
  const batch = rq(RequestCode.SEND_BATCH_MESSAGE, 7, v2('OrderTopic', 2, 0, { WAIT: 'true' }, { m: true }), { body: batchBody });
  add('SEND_BATCH_MESSAGE (320), batch body of 3 (text, JSON, binary)', batch,
    rs(batch, 0, null, { msgId: [2200, 2300, 2400].map((o) => offId(o)).join(','), queueId: 2, queueOffset: 16, batchUniqId: uk(7), MSG_REGION: 'DefaultRegion', TRACE_ON: 'true' }));

  const half = rq(RequestCode.SEND_MESSAGE_V2, 8, v2('OrderTopic', 0, MessageSysFlag.TRANSACTION_PREPARED_TYPE, { UNIQ_KEY: uk(10), TRAN_MSG: 'true', PGROUP: 'pg-zoo', KEYS: 'tx-1', WAIT: 'true' }), { body: text('transactional body') });
  add('SEND_MESSAGE_V2, transactional half message (sysFlag PREPARED), response with transactionId', half, sendOk(half, 2600, 0, 0, uk(10)));

  add('END_TRANSACTION (37), oneway, COMMIT', rq(RequestCode.END_TRANSACTION, 9, {
    producerGroup: 'pg-zoo', tranStateTableOffset: 0, commitLogOffset: 2600, commitOrRollback: 8, fromTransactionCheck: false, msgId: uk(10), transactionId: uk(10),
  }, { oneway: true }));

  const halfStored = stored({
    topic: 'OrderTopic', body: text('transactional body 2'), queueId: 0, queueOffset: 1, commitLogOffset: 2800, sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE,
    properties: encodeProperties({ UNIQ_KEY: uk(11), TRAN_MSG: 'true', PGROUP: 'pg-zoo', REAL_TOPIC: 'OrderTopic', REAL_QID: '0', TRANSACTION_CHECK_TIMES: '1' }),
  });
  p.push({ dir: 1, what: 'CHECK_TRANSACTION_STATE (39) from the broker, oneway, stored half message body', cmd: rq(RequestCode.CHECK_TRANSACTION_STATE, 5001, {
    tranStateTableOffset: 1, commitLogOffset: 2800, msgId: uk(11), transactionId: uk(11), offsetMsgId: offId(2800), brokerName: 'broker-a',
  }, { oneway: true, body: halfStored }) });
  add('END_TRANSACTION (37), oneway, ROLLBACK from a check', rq(RequestCode.END_TRANSACTION, 10, {
    producerGroup: 'pg-zoo', tranStateTableOffset: 1, commitLogOffset: 2800, commitOrRollback: 12, fromTransactionCheck: true, msgId: uk(11), transactionId: uk(11),
  }, { oneway: true }));

  const missing = rq(RequestCode.SEND_MESSAGE_V2, 11, v2('MissingTopic', 0, 0, { UNIQ_KEY: uk(12) }), { body: text('nobody listens') });
  add('SEND_MESSAGE_V2 to a missing topic: TOPIC_NOT_EXIST (17) with remark', missing,
    rs(missing, 17, 'topic[MissingTopic] not exist, apply first please! See http://rocketmq.apache.org/docs/faq/ for further details.', null));

  const latin1 = Buffer.from('caf\xe9 cr\xe8me br\xfbl\xe9e', 'latin1');
  const bad = rq(RequestCode.SEND_MESSAGE_V2, 12, v2('OrderTopic', 1, 0, { UNIQ_KEY: uk(13) }), { body: latin1 });
  add('SEND_MESSAGE_V2 whose body is not valid UTF-8 (Latin-1 text)', bad, sendOk(bad, 3000, 1, 17));

  const empty = rq(RequestCode.SEND_MESSAGE_V2, 13, v2('OrderTopic', 2, 0, { UNIQ_KEY: uk(14) }), { body: new Uint8Array(0) });
  add('SEND_MESSAGE_V2 with an empty body', empty, sendOk(empty, 3200, 2, 18));

  const acl = rq(RequestCode.SEND_MESSAGE_V2, 14, { ...v2('OrderTopic', 3, 0, { UNIQ_KEY: uk(15), TAGS: 'TagAcl' }), AccessKey: 'RocketMQ', Signature: 'Vbg0kxPMWh9yX1iRvM5o0OB6ykw=' }, { body: text('signed message') });
  add('SEND_MESSAGE_V2 with ACL fields (AccessKey, Signature)', acl, sendOk(acl, 3400, 3, 19));

  const hbBody = JSON.stringify({
    clientID: '10.0.0.5@12345#1717171700000',
    consumerDataSet: [{
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', consumeType: 'CONSUME_PASSIVELY', groupName: 'cg-zoo', messageModel: 'CLUSTERING',
      subscriptionDataSet: [
        { classFilterMode: false, codeSet: [2598919], expressionType: 'TAG', subString: 'TagA || TagB', subVersion: 1717171700000, tagsSet: ['TagA', 'TagB'], topic: 'OrderTopic' },
        { classFilterMode: false, codeSet: [], expressionType: 'TAG', subString: '*', subVersion: 1717171700001, tagsSet: [], topic: '%RETRY%cg-zoo' },
      ],
      unitMode: false,
    }],
    producerDataSet: [{ groupName: 'pg-zoo' }, { groupName: 'CLIENT_INNER_PRODUCER' }],
  });
  const hb = rq(RequestCode.HEART_BEAT, 15, null, { body: text(hbBody) });
  add('HEART_BEAT (34) with producer and consumer data', hb, rs(hb, 0, null, null));

  add('GET_CONSUMER_LIST_BY_GROUP (38), never answered', rq(RequestCode.GET_CONSUMER_LIST_BY_GROUP, 16, { consumerGroup: 'cg-zoo' }));

  // ---- consumer ↔ broker-a: pulls, query, view, offset commit
  const c: ZooExchange[] = [];
  const cadd = (what: string, req: RemotingCommand, resp?: RemotingCommand) => {
    c.push({ dir: 0, cmd: req, what });
    if (resp) c.push({ dir: 1, cmd: resp, what: `${what} (response)`, dtUs: 2500 });
  };
  const m1 = stored({ topic: 'OrderTopic', body: text('{"orderId":1,"amount":9.5}'), queueId: 0, queueOffset: 10, commitLogOffset: 1000, properties: encodeProperties({ UNIQ_KEY: uk(1), KEYS: 'order-1', TAGS: 'TagA', MIN_OFFSET: '0', MAX_OFFSET: '12', CONSUME_START_TIME: '1717171720000' }) });
  const m2 = stored({
    topic: 'OrderTopic', body: deterministicZlib(text('compressed stored message '.repeat(40))), queueId: 0, queueOffset: 11, commitLogOffset: 1200, sysFlag: MessageSysFlag.COMPRESSED_FLAG,
    bornHost: 'fd00::5', bornPort: 50001, properties: encodeProperties({ UNIQ_KEY: uk(2), TAGS: 'TagZ' }),
  });
  const m3 = stored({ topic: 'OrderTopic', body: text('plain text message'), queueId: 0, queueOffset: 12, commitLogOffset: 1400, reconsumeTimes: 2, properties: encodeProperties({ UNIQ_KEY: uk(3), RETRY_TOPIC: '%RETRY%cg-zoo' }) });
  const pull = rq(RequestCode.PULL_MESSAGE, 101, {
    consumerGroup: 'cg-zoo', topic: 'OrderTopic', queueId: 0, queueOffset: 10, maxMsgNums: 32, sysFlag: 3, commitOffset: 9, suspendTimeoutMillis: 15000,
    subscription: 'TagA || TagB', subVersion: 1717171700000, expressionType: 'TAG',
  });
  cadd('PULL_MESSAGE (11), FOUND with 3 stored messages (text, ZLIB-compressed with IPv6 born host, retried)', pull,
    rs(pull, 0, null, { suggestWhichBrokerId: 0, nextBeginOffset: 13, minOffset: 0, maxOffset: 13 }, { body: Buffer.concat([m1, m2, m3]) }));
  const pull2 = rq(RequestCode.PULL_MESSAGE, 102, {
    consumerGroup: 'cg-zoo', topic: 'OrderTopic', queueId: 0, queueOffset: 13, maxMsgNums: 32, sysFlag: 2, commitOffset: 13, suspendTimeoutMillis: 15000,
    subscription: 'TagA || TagB', subVersion: 1717171700000, expressionType: 'TAG',
  });
  cadd('PULL_MESSAGE, PULL_NOT_FOUND (19)', pull2, rs(pull2, 19, 'No new message', { suggestWhichBrokerId: 0, nextBeginOffset: 13, minOffset: 0, maxOffset: 13 }));
  const query = rq(RequestCode.QUERY_MESSAGE, 103, { topic: 'OrderTopic', key: 'order-1', maxNum: 32, beginTimestamp: 0, endTimestamp: BORN + 60_000 });
  cadd('QUERY_MESSAGE (12) by key, one stored message', query, rs(query, 0, null, { indexLastUpdateTimestamp: BORN + 5, indexLastUpdatePhyoffset: 3600 }, { body: m1 }));
  const view = rq(RequestCode.VIEW_MESSAGE_BY_ID, 104, { offset: 1400 });
  cadd('VIEW_MESSAGE_BY_ID (33), one stored message', view, rs(view, 0, null, null, { body: m3 }));
  cadd('UPDATE_CONSUMER_OFFSET (15), oneway', rq(RequestCode.UPDATE_CONSUMER_OFFSET, 105, { consumerGroup: 'cg-zoo', topic: 'OrderTopic', queueId: 0, commitOffset: 13 }, { oneway: true }));

  // ---- client ↔ NameServer: routes, cluster info, topic list
  const n: ZooExchange[] = [];
  const nadd = (what: string, req: RemotingCommand, resp: RemotingCommand) => { n.push({ dir: 0, cmd: req, what }, { dir: 1, cmd: resp, what: `${what} (response)`, dtUs: 600 }); };
  const route = rq(RequestCode.GET_ROUTEINFO_BY_TOPIC, 201, { topic: 'OrderTopic' });
  const routeBody = '{"brokerDatas":[{"brokerAddrs":{0:"10.0.0.10:10911",1:"10.0.0.12:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false},'
    + '{"brokerAddrs":{0:"10.0.0.11:10911"},"brokerName":"broker-b","cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},'
    + '"orderTopicConf":"broker-a:4;broker-b:4",'
    + '"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4},{"brokerName":"broker-b","perm":4,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":2}]}';
  nadd('GET_ROUTEINFO_BY_TOPIC (105), fastjson route with bare numeric keys and orderTopicConf', route, rs(route, 0, null, null, { body: text(routeBody) }));
  const noRoute = rq(RequestCode.GET_ROUTEINFO_BY_TOPIC, 202, { topic: 'MissingTopic' });
  nadd('GET_ROUTEINFO_BY_TOPIC of a missing topic: TOPIC_NOT_EXIST (17)', noRoute,
    rs(noRoute, 17, 'No topic route info in name server for the topic: MissingTopic\nSee http://rocketmq.apache.org/docs/faq/ for further details.', null));
  const cluster = rq(RequestCode.GET_BROKER_CLUSTER_INFO, 203, null);
  const clusterBody = '{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"10.0.0.10:10911",1:"10.0.0.12:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false},'
    + '"broker-b":{"brokerAddrs":{0:"10.0.0.11:10911"},"brokerName":"broker-b","cluster":"DefaultCluster","enableActingMaster":false}},"clusterAddrTable":{"DefaultCluster":["broker-a","broker-b"]}}';
  nadd('GET_BROKER_CLUSTER_INFO (106)', cluster, rs(cluster, 0, null, null, { body: text(clusterBody) }));
  const topics = rq(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, 204, null, { language: LanguageCode.GO });
  nadd('GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206) from a GO client', topics, rs(topics, 0, null, null, { body: text('{"topicList":["%RETRY%cg-zoo","OrderTopic","TBW102","DefaultCluster"]}') }));

  // ---- broker-a ↔ NameServer: registrations, JSON and compressed
  const r: ZooExchange[] = [];
  const regJson = readFileSync(join(BODIES, 'register-broker.4.9.7.json'));
  const regHeader = (compressed: boolean, body: Uint8Array) => ({
    brokerName: 'broker-a', brokerAddr: '10.0.0.10:10911', clusterName: 'DefaultCluster', haServerAddr: '10.0.0.10:10912', brokerId: 0,
    heartbeatTimeoutMillis: 120000, enableActingMaster: false, compressed, bodyCrc32: crc32(body) | 0,
  });
  const reg1 = rq(RequestCode.REGISTER_BROKER, 301, regHeader(false, regJson), { body: regJson, version: V_49 });
  r.push({ dir: 0, cmd: reg1, what: 'REGISTER_BROKER (103), JSON body (RocketMQ 4.9.7)' }, { dir: 1, cmd: rs(reg1, 0, null, { haServerAddr: '', masterAddr: '' }), what: 'REGISTER_BROKER (response, extFields with empty values)', dtUs: 900 });
  const regZ = readFileSync(join(BODIES, 'register-broker.5.3.3.zlib'));
  const reg2 = rq(RequestCode.REGISTER_BROKER, 302, regHeader(true, regZ), { body: regZ, ser: 'ROCKETMQ' });
  r.push({ dir: 0, cmd: reg2, what: 'REGISTER_BROKER, compressed body (RocketMQ 5.3.3, compressedRegister=true), ROCKETMQ serialization' }, { dir: 1, cmd: rs(reg2, 0, null, null), what: 'REGISTER_BROKER (response)', dtUs: 900 });

  // ---- producer ↔ broker-b: a frame cut by a capture gap, then an intact one
  const g: ZooExchange[] = [];
  const gapBody = text(Array.from({ length: 120 }, (_, k) => `gap line ${k}: 0123456789abcdefghijklmnopqrstuvwxyz`).join('\n'));
  const gap = rq(RequestCode.SEND_MESSAGE_V2, 401, { ...v2('OrderTopic', 0, 0, { UNIQ_KEY: uk(20), TAGS: 'TagGap' }), n: 'broker-b' }, { body: gapBody });
  g.push({ dir: 0, cmd: gap, mss: 1000, dropSegments: [2], what: `SEND_MESSAGE_V2 of ${gapBody.length} bytes, segment 2 (bytes 2000-2999) lost by the capture` });
  g.push({ dir: 1, cmd: rs(gap, 0, null, { msgId: offId(100, BROKER_B), queueId: 0, queueOffset: 1 }), what: 'SEND_MESSAGE_V2 (response to the cut frame)', dtUs: 1500 });
  const after = rq(RequestCode.SEND_MESSAGE_V2, 402, { ...v2('OrderTopic', 1, 0, { UNIQ_KEY: uk(21) }), n: 'broker-b' }, { body: text('after the gap') });
  g.push({ dir: 0, cmd: after, what: 'SEND_MESSAGE_V2 after the gap' }, { dir: 1, cmd: rs(after, 0, null, { msgId: offId(400, BROKER_B), queueId: 1, queueOffset: 2 }), what: 'SEND_MESSAGE_V2 (response)', dtUs: 1500 });

  return [
    { client: PRODUCER, clientPort: 50001, server: BROKER_A, serverPort: 10911, exchanges: p },
    { client: CONSUMER, clientPort: 50002, server: BROKER_A, serverPort: 10911, exchanges: c },
    { client: PRODUCER, clientPort: 50003, server: NAMESRV, serverPort: 9876, exchanges: n },
    { client: BROKER_A, clientPort: 40001, server: NAMESRV, serverPort: 9876, exchanges: r },
    { client: PRODUCER, clientPort: 50004, server: BROKER_B, serverPort: 10911, exchanges: g },
  ];
}

/** The zoo capture's bytes (pcapng) and a description of each frame in capture order. */
export function makeZoo(): { bytes: Buffer; frames: string[] } {
  const mem = memorySink();
  const w = new PcapWriter(mem.sink, { format: 'pcapng' });
  const conns = zooConnections();
  const sessions = conns.map((k) => new TcpSession({ client: k.client, clientPort: k.clientPort, server: k.server, serverPort: k.serverPort }));
  let t = T0_US;
  sessions.forEach((s) => { w.packet(s.syn(), t); w.packet(s.synAck(), t + 40); w.packet(s.ack(0), t + 80); t += 100; });
  // One connection after the other (frame numbers then follow the list above), each exchange in order.
  const frames: string[] = [];
  conns.forEach((k, ci) => {
    for (const e of k.exchanges) {
      t += e.dtUs ?? 1000;
      frames.push(e.what);
      sessions[ci].send(e.dir, encodeFrame(e.cmd), e.mss ?? 1400).forEach((pkt, si) => {
        if (!e.dropSegments?.includes(si)) w.packet(pkt, t);
        t += 5;
      });
    }
  });
  sessions.forEach((s) => { t += 100; w.packet(s.fin(0), t); w.packet(s.fin(1), t + 10); });
  return { bytes: mem.bytes(), frames };
}

if (require.main === module) {
  const { bytes, frames } = makeZoo();
  writeFileSync(ZOO_PATH, bytes);
  console.log(`wrote ${ZOO_PATH}: ${bytes.length} bytes, ${frames.length} frames`);
  frames.forEach((f, i) => console.log(`${String(i).padStart(3)}  ${f}`));
}
