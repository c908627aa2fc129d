/**
 * Captures for the one-filter / one-stats / content-search tests (test/unit/capture/search.test.ts,
 * test/unit/inspector/one-model.test.ts). Frames are encoded with our codec and written with our
 * TCP/pcap writer; each builder returns what the tests look for, so the assertions follow the
 * construction instead of copied numbers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequest, createResponse, encodeFrame, RemotingCommand, RequestCode } from '../../../src/core/remoting';
import { compressZlib, createOffsetMessageId, encodeBatchBody, encodeProperties, encodeStoredMessage } from '../../../src/core/message';
import { Exchange, writeCapture } from '../../support/inspector/fixtures';

export type { Exchange } from '../../support/inspector/fixtures';
export interface Conn { clientPort: number; serverPort: number; mss?: number; exchanges: Exchange[] }

/** Connections between 127.0.0.1 ports, written by the inspector fixtures' writeCapture (pcapng). */
export function writeConns(conns: Conn[], t0Us = 1_700_000_000_000_000): Buffer {
  return writeCapture(conns.map((c) => ({ ...c, client: '127.0.0.1', server: '127.0.0.1' })), t0Us);
}

const FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'bodies');
/** Bodies compressed by RocketMQ 5.3.3's own Lz4Compressor / ZstdCompressor (test/unit/message/compression-vectors.ts). */
export const javaLz4 = (): Buffer => fs.readFileSync(path.join(FIXTURES, 'records.java-5.3.3.lz4'));
export const javaZstd = (): Buffer => fs.readFileSync(path.join(FIXTURES, 'records.java-5.3.3.zst'));

function sendV2(opaque: number, topic: string, props: Record<string, string>, body: Uint8Array, sysFlag = 0, batch = false): RemotingCommand {
  return createRequest(batch ? RequestCode.SEND_BATCH_MESSAGE : RequestCode.SEND_MESSAGE_V2, {
    a: 'pg-search', b: topic, c: 'TBW102', d: 4, e: 0, f: sysFlag, g: 1700000000000 + opaque, h: 0, i: encodeProperties(props), j: 0, k: false, ...(batch ? { m: true } : {}),
  }, { opaque, body });
}

export interface SearchFixture {
  bytes: Buffer;
  /** Texts and the opaques of the requests whose content holds them. */
  text: {
    key: string; uniqKey: string; offsetMsgId: string; propertyValue: string; propertyName: string; body: string;
    zlib: string; zlibCompressed: Uint8Array; lz4AndZstd: string; batchEntry: string; batchKey: string;
    pulled: string; pulledKey: string; pulledZlib: string; pulledOffsetMsgId: string; pullGroup: string; none: string;
  };
  opaque: { plain: number; zlib: number; lz4: number; zstd: number; batch: number; failed: number; pull: number; heartbeat: number };
}

/**
 * A producer connection (MSS 40, so every text straddles segments) with a plain send (KEYS, UNIQ_KEY,
 * a user property, text body), ZLIB / LZ4 / ZSTD-compressed sends, a batch send and a send answered
 * TOPIC_NOT_EXIST; a consumer connection with a pull whose response carries two stored messages
 * (one ZLIB-compressed), and a heartbeat.
 */
export function searchCapture(): SearchFixture {
  const uniqKey = '7F0000010B3F18B4AAC2571E6F8A1001';
  const offsetMsgId = createOffsetMessageId('127.0.0.1', 10911, 424242n);
  const zlibText = 'the zlib-secret-777 rides inside a compressed body';
  const zlibCompressed = compressZlib(Buffer.from(zlibText.repeat(3)));
  const plain = sendV2(1, 'SearchTopic', { KEYS: 'order-1001 order-1002', UNIQ_KEY: uniqKey, TAGS: 'TagA', tenant: 'acme-42' }, Buffer.from('customer Alice bought 3 apples'));
  const zlib = sendV2(2, 'SearchTopic', { UNIQ_KEY: '7F0000010B3F18B4AAC2571E6F8A1002' }, zlibCompressed, 1 | (3 << 8));
  const lz4 = sendV2(3, 'SearchTopic', { UNIQ_KEY: '7F0000010B3F18B4AAC2571E6F8A1003' }, javaLz4(), 1 | (1 << 8));
  const zstd = sendV2(4, 'SearchTopic', { UNIQ_KEY: '7F0000010B3F18B4AAC2571E6F8A1004' }, javaZstd(), 1 | (2 << 8));
  const batchBody = encodeBatchBody([
    { flag: 0, body: Buffer.from('batch-entry-alpha'), propertiesString: encodeProperties({ KEYS: 'bk-1', UNIQ_KEY: '7F0000010B3F18B4AAC2571E6F8A1005' }) },
    { flag: 0, body: Buffer.from('batch-entry-beta'), propertiesString: encodeProperties({ KEYS: 'bk-2', UNIQ_KEY: '7F0000010B3F18B4AAC2571E6F8A1006' }) },
  ]);
  const batch = sendV2(5, 'SearchTopic', { WAIT: 'true' }, batchBody, 0, true);
  const failed = sendV2(6, 'NoSuchTopic', { UNIQ_KEY: '7F0000010B3F18B4AAC2571E6F8A1007' }, Buffer.from('will fail'));
  const ok = (req: RemotingCommand, ext: Record<string, string | number> = {}) => createResponse(req, 0, null, { queueId: 0, queueOffset: req.opaque, ...ext });
  const pull = createRequest(RequestCode.PULL_MESSAGE, { consumerGroup: 'cg-search-7', topic: 'SearchTopic', queueId: 0, queueOffset: 0, maxMsgNums: 32, sysFlag: 2, commitOffset: 0, suspendTimeoutMillis: 15000, subscription: '*', subVersion: 0 }, { opaque: 11 });
  const stored = Buffer.concat([
    encodeStoredMessage({ topic: 'SearchTopic', body: Buffer.from('pulled-message-text-xyz'), storeHost: '10.1.2.3', storePort: 10911, commitLogOffset: 777777, properties: { KEYS: 'pk-9', UNIQ_KEY: '7F0000010B3F18B4AAC2571E6F8A1008' } }),
    encodeStoredMessage({ topic: 'SearchTopic', body: compressZlib(Buffer.from('pulled-zlib-hidden-text '.repeat(4))), sysFlag: 1, storeHost: '10.1.2.3', storePort: 10911, commitLogOffset: 888888, properties: { UNIQ_KEY: '7F0000010B3F18B4AAC2571E6F8A1009' } }),
  ]);
  const pullResp = createResponse(pull, 0, 'FOUND', { suggestWhichBrokerId: 0, nextBeginOffset: 2, minOffset: 0, maxOffset: 2 }, { body: stored });
  const hb = createRequest(RequestCode.HEART_BEAT, null, { opaque: 12, body: Buffer.from('{"clientID":"127.0.0.1@1","producerDataSet":[{"groupName":"pg-search"}],"consumerDataSet":[]}') });
  const bytes = writeConns([
    { clientPort: 50010, serverPort: 10911, mss: 40, exchanges: [
      { dir: 0, cmd: plain }, { dir: 1, cmd: ok(plain, { msgId: uniqKey, offsetMsgId, transactionId: uniqKey }) },
      { dir: 0, cmd: zlib }, { dir: 1, cmd: ok(zlib, { msgId: '7F0000010B3F18B4AAC2571E6F8A1002' }) },
      { dir: 0, cmd: lz4 }, { dir: 1, cmd: ok(lz4) },
      { dir: 0, cmd: zstd }, { dir: 1, cmd: ok(zstd) },
      { dir: 0, cmd: batch }, { dir: 1, cmd: ok(batch, { msgId: '7F0000010B3F18B4AAC2571E6F8A1005,7F0000010B3F18B4AAC2571E6F8A1006' }) },
      { dir: 0, cmd: failed }, { dir: 1, cmd: createResponse(failed, 17, 'topic[NoSuchTopic] not exist, apply first please!') },
    ] },
    { clientPort: 50011, serverPort: 10911, exchanges: [
      { dir: 0, cmd: pull }, { dir: 1, cmd: pullResp },
      { dir: 0, cmd: hb }, { dir: 1, cmd: createResponse(hb, 0) },
    ] },
  ]);
  return {
    bytes,
    text: {
      key: 'order-1001', uniqKey, offsetMsgId, propertyValue: 'acme-42', propertyName: 'tenant', body: 'Alice bought',
      zlib: 'zlib-secret-777', zlibCompressed, lz4AndZstd: '100777', batchEntry: 'batch-entry-beta', batchKey: 'bk-2',
      pulled: 'pulled-message-text-xyz', pulledKey: 'pk-9', pulledZlib: 'pulled-zlib-hidden-text',
      pulledOffsetMsgId: createOffsetMessageId('10.1.2.3', 10911, 777777n), pullGroup: 'cg-search-7', none: 'no-such-text-42',
    },
    opaque: { plain: 1, zlib: 2, lz4: 3, zstd: 4, batch: 5, failed: 6, pull: 11, heartbeat: 12 },
  };
}

/**
 * Responses of every kind the error definition distinguishes (opaque → response code, request code):
 * what errors.ts calls an error, and what it calls normal flow. Plus an orphan error response, an
 * orphan PULL_NOT_FOUND and a request cut short by the end of the capture (truncated).
 */
export function errorCapture(): { bytes: Buffer; errorOpaques: number[]; normalOpaques: number[]; errorResponses: number; truncatedOpaque: number } {
  const cases: { opaque: number; req: number; code: number; error: boolean; ext?: Record<string, string | number> }[] = [
    { opaque: 1, req: RequestCode.SEND_MESSAGE_V2, code: 0, error: false },
    { opaque: 2, req: RequestCode.SEND_MESSAGE_V2, code: 10, error: true }, // FLUSH_DISK_TIMEOUT
    { opaque: 3, req: RequestCode.SEND_MESSAGE_V2, code: 11, error: true }, // SLAVE_NOT_AVAILABLE
    { opaque: 4, req: RequestCode.SEND_MESSAGE_V2, code: 12, error: true }, // FLUSH_SLAVE_TIMEOUT
    { opaque: 5, req: RequestCode.SEND_MESSAGE_V2, code: 17, error: true }, // TOPIC_NOT_EXIST
    { opaque: 6, req: RequestCode.PULL_MESSAGE, code: 19, error: false }, // PULL_NOT_FOUND
    { opaque: 7, req: RequestCode.PULL_MESSAGE, code: 20, error: false }, // PULL_RETRY_IMMEDIATELY
    { opaque: 8, req: RequestCode.PULL_MESSAGE, code: 21, error: false }, // PULL_OFFSET_MOVED
    { opaque: 9, req: RequestCode.QUERY_CONSUMER_OFFSET, code: 22, error: false }, // QUERY_NOT_FOUND: new group
    { opaque: 10, req: RequestCode.GET_ROUTEINFO_BY_TOPIC, code: 22, error: true }, // QUERY_NOT_FOUND where no lookup answers it
    { opaque: 11, req: RequestCode.POP_MESSAGE, code: 210, error: false }, // POLLING_TIMEOUT
    { opaque: 12, req: RequestCode.POP_MESSAGE, code: 209, error: true }, // POLLING_FULL
    { opaque: 13, req: RequestCode.SEND_MESSAGE, code: 1, error: true }, // SYSTEM_ERROR
    { opaque: 14, req: RequestCode.HEART_BEAT, code: 0, error: false },
  ];
  const ex: Exchange[] = [];
  for (const c of cases) {
    const req = createRequest(c.req, { topic: 'ErrTopic' }, { opaque: c.opaque });
    ex.push({ dir: 0, cmd: req }, { dir: 1, cmd: createResponse(req, c.code, c.code ? `code ${c.code}` : null) });
  }
  // responses without a request in the capture: an error and a normal-flow code
  ex.push({ dir: 1, cmd: createResponse({ opaque: 900, serializeType: 'JSON' }, 1, 'orphan error') });
  ex.push({ dir: 1, cmd: createResponse({ opaque: 901, serializeType: 'JSON' }, 19, 'orphan pull not found') });
  // a request cut by the end of the capture
  const cut = encodeFrame(createRequest(RequestCode.SEND_MESSAGE_V2, { b: 'ErrTopic' }, { opaque: 950, body: Buffer.alloc(500, 0x61) }));
  ex.push({ dir: 0, cmd: cut.subarray(0, cut.length - 200) });
  const bytes = writeConns([{ clientPort: 50020, serverPort: 10911, exchanges: ex }]);
  return {
    bytes,
    errorOpaques: [...cases.filter((c) => c.error).map((c) => c.opaque), 900, 950],
    normalOpaques: [...cases.filter((c) => !c.error).map((c) => c.opaque), 901],
    errorResponses: cases.filter((c) => c.error).length + 1,
    truncatedOpaque: 950,
  };
}

/** `n` SEND_MESSAGE_V2 pairs answered after 1, 2, … n ms, and three HEART_BEAT pairs. */
export function latencyCapture(n = 10): Buffer {
  const ex: Exchange[] = [];
  // out of order on purpose: percentiles must sort
  const order = Array.from({ length: n }, (_, k) => ((k * 7) % n) + 1);
  for (const ms of order) {
    const req = createRequest(RequestCode.SEND_MESSAGE_V2, { a: 'pg', b: 'LatTopic', c: 'TBW102', d: 4, e: 0, f: 0, g: 1, h: 0, j: 0, k: false }, { opaque: ms, body: Buffer.from('x') });
    ex.push({ dir: 0, cmd: req }, { dir: 1, cmd: createResponse(req, 0, null, { msgId: 'm', queueId: 0, queueOffset: ms }), dtUs: ms * 1000 });
  }
  for (let k = 0; k < 3; k++) {
    const hb = createRequest(RequestCode.HEART_BEAT, null, { opaque: 100 + k, body: Buffer.from('{}') });
    ex.push({ dir: 0, cmd: hb }, { dir: 1, cmd: createResponse(hb, 0), dtUs: 300 + k * 100 });
  }
  return writeConns([{ clientPort: 50030, serverPort: 10911, exchanges: ex }]);
}
