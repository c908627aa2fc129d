// Copy as…: the mqadmin command of a captured request, a test fixture with credentials masked in the
// bytes and the fields (the masked frame still decodes), and a Java snippet that sends the same
// message; through the inspector session's copy request, with an error answer where a format does not
// apply. (The Java snippet is compiled and run against a real broker in test/cluster/copy-as.test.ts.)
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequest, decodeFrame, encodeFrame, RequestCode } from '../../../src/core/remoting';
import { encodeProperties, createOffsetMessageId } from '../../../src/core/message';
import { copyAsFixture, copyAsJava, copyAsMqadmin, CopyContext } from '../../../src/app/inspector/copy-as';
import { fileSource, InspectorSession } from '../../../src/app/inspector/session';
import { call, emit, RecordingHost } from '../../support/inspector/session-host';
import { Timeline, req, resp, send } from '../../support/doctor/crafted';

const ctx: CopyContext = { namesrv: '10.0.0.20:9876', server: '10.0.0.10:10911', client: '10.0.0.5:50001', direction: 'c2s', frame: 3, capture: 'c.pcapng', timeUs: 1_700_000_000_000_000 };

const sendV2 = (ext: Record<string, string | number | boolean>, body: string | Uint8Array) => encodeFrame(createRequest(RequestCode.SEND_MESSAGE_V2, {
  a: 'pg-orders', b: 'Orders', c: 'TBW102', d: 4, e: 2, f: 0, g: 1700000000000, h: 0, j: 0, k: false, n: 'broker-a', ...ext,
}, { opaque: 5, body: typeof body === 'string' ? Buffer.from(body) : body }));

test('mqadmin: the command making the same request, for the codes mqadmin has; none for a heartbeat', () => {
  const props = encodeProperties({ UNIQ_KEY: '0A000005000000000000000000000001', TAGS: 'TagA', KEYS: 'order-1 order-2', region: 'eu' });
  assert.equal(copyAsMqadmin(sendV2({ i: props }, 'it\'s "JSON"'), ctx), `sh mqadmin sendMessage -n 10.0.0.20:9876 -t Orders -p 'it'\\''s "JSON"' -c TagA -k 'order-1 order-2' -b broker-a -i 2`);
  assert.equal(copyAsMqadmin(encodeFrame(createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Orders' })), ctx), 'sh mqadmin topicRoute -n 10.0.0.20:9876 -t Orders');
  assert.equal(copyAsMqadmin(encodeFrame(createRequest(RequestCode.QUERY_MESSAGE, { topic: 'Orders', key: 'order-1', maxNum: 32, beginTimestamp: 0, endTimestamp: 1 })), ctx), 'sh mqadmin queryMsgByKey -n 10.0.0.20:9876 -t Orders -k order-1');
  assert.equal(copyAsMqadmin(encodeFrame(createRequest(RequestCode.QUERY_MESSAGE, { topic: 'Orders', key: '0A000005000000000000000000000001', maxNum: 32, beginTimestamp: 0, endTimestamp: 1, _UNIQUE_KEY_QUERY: true })), ctx),
    'sh mqadmin queryMsgByUniqueKey -n 10.0.0.20:9876 -t Orders -i 0A000005000000000000000000000001');
  assert.equal(copyAsMqadmin(encodeFrame(createRequest(RequestCode.VIEW_MESSAGE_BY_ID, { offset: 12345 })), ctx), `sh mqadmin queryMsgById -n 10.0.0.20:9876 -i ${createOffsetMessageId('10.0.0.10', 10911, 12345n)}`);
  assert.equal(copyAsMqadmin(encodeFrame(createRequest(RequestCode.UPDATE_BROKER_CONFIG, null, { body: Buffer.from('waitTimeMillsInSendQueue=1\nbrokerPermission=6\n') })), ctx),
    'sh mqadmin updateBrokerConfig -n 10.0.0.20:9876 -b 10.0.0.10:10911 -k waitTimeMillsInSendQueue -v 1\nsh mqadmin updateBrokerConfig -n 10.0.0.20:9876 -b 10.0.0.10:10911 -k brokerPermission -v 6');
  assert.equal(copyAsMqadmin(encodeFrame(createRequest(RequestCode.HEART_BEAT, null, { body: Buffer.from('{}') })), ctx), null);
  assert.equal(copyAsMqadmin(encodeFrame(createRequest(RequestCode.GET_BROKER_CLUSTER_INFO)), { ...ctx, namesrv: null }), "sh mqadmin clusterList -n '<namesrv-host:9876>'");
});

test('test fixture: credentials masked in the hex and the fields, the masked frame still decodes to the same shape', () => {
  const frame = sendV2({ i: encodeProperties({ UNIQ_KEY: '0A000005000000000000000000000001' }), AccessKey: 'rmq_user', Signature: 'c2lnbmF0dXJlLXZhbHVl' }, 'hello');
  const fx = JSON.parse(copyAsFixture(frame, ctx));
  assert.equal(fx.extFields.AccessKey, '********');
  assert.equal(fx.extFields.Signature, '*'.repeat(20));
  assert.equal(fx.extFields.topic, 'Orders');
  assert.equal(fx.properties.UNIQ_KEY, '0A000005000000000000000000000001');
  assert.deepEqual(fx.body, { text: 'hello' });
  assert.match(fx.redacted, /^(AccessKey, Signature|Signature, AccessKey): masked/);
  const bytes = Buffer.from(fx.hex, 'hex');
  assert.equal(bytes.length, frame.length);
  assert.ok(!bytes.includes('rmq_user') && !bytes.includes('c2lnbmF0dXJlLXZhbHVl'), 'no credential left in the bytes');
  const cmd = decodeFrame(bytes);
  assert.equal(cmd.extFields?.AccessKey, '********');
  assert.equal(cmd.extFields?.b, 'Orders');
  // the binary header too
  const bin = encodeFrame(createRequest(RequestCode.SEND_MESSAGE_V2, { a: 'pg', b: 'Orders', AccessKey: 'rmq_user', Signature: 'abc=' }, { serializeType: 'ROCKETMQ', body: Buffer.from('x') }));
  const fb = JSON.parse(copyAsFixture(bin, ctx));
  assert.equal(decodeFrame(Buffer.from(fb.hex, 'hex')).extFields?.Signature, '****');
});

test('Java snippet: DefaultMQProducer with the message\'s topic, tags, keys, user properties, delay, body and queue', () => {
  const props = encodeProperties({ UNIQ_KEY: '0A000005000000000000000000000001', TAGS: 'TagA', KEYS: 'order-1', region: 'eu', DELAY: '3', WAIT: 'true' });
  const j = copyAsJava(sendV2({ i: props }, '{"id":"a\\"b"}\n'), ctx)!;
  assert.match(j, /new DefaultMQProducer\("pg-orders"\)/);
  assert.match(j, /producer\.setNamesrvAddr\("10\.0\.0\.20:9876"\)/);
  assert.match(j, /Message msg = new Message\("Orders", "TagA", "order-1", "\{\\"id\\":\\"a\\\\\\"b\\"\}\\n"\.getBytes\(StandardCharsets\.UTF_8\)\);/);
  assert.match(j, /msg\.setDelayTimeLevel\(3\);/);
  assert.match(j, /msg\.putUserProperty\("region", "eu"\);/);
  assert.ok(!/putUserProperty\("(UNIQ_KEY|WAIT|TAGS)"/.test(j), 'system properties are not user properties');
  assert.match(j, /producer\.send\(msg, new MessageQueue\("Orders", "broker-a", 2\)\)/);
  const bin = copyAsJava(sendV2({ i: props }, Buffer.from([0, 1, 2, 255])), ctx)!;
  assert.match(bin, /Base64\.getDecoder\(\)\.decode\("AAEC\/w=="\)/);
  assert.equal(copyAsJava(encodeFrame(createRequest(RequestCode.HEART_BEAT, null, { body: Buffer.from('{}') })), ctx), null);
});

test('through the session: a response copies as its request; a format that does not apply is an error answer', async () => {
  const tl = new Timeline();
  const ns = tl.conn('10.0.0.5', '10.0.0.20', 9876, 0);
  const r1 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Orders' });
  ns.exchange(1000, r1, resp(r1, 0, null, null, '{"brokerDatas":[],"queueDatas":[]}')).close(9000);
  const b = tl.conn('10.0.0.5', '10.0.0.10', 10911, 0);
  const s = send('Orders', { tags: 'TagA' });
  b.exchange(2000, s.cmd, resp(s.cmd, 0, null, { msgId: 'X', queueId: 0, queueOffset: 1 })).close(9000);
  const file = join(mkdtempSync(join(tmpdir(), 'copy-as-')), 'c.pcapng');
  writeFileSync(file, tl.bytes());
  const host = new RecordingHost();
  const session = new InspectorSession(fileSource(file, 'c.pcapng'), host);
  await emit(session, 'ready');
  await session.source.done;
  const rows = (await call(session, host, 'getRows', { start: 0, count: 10 })).rows;
  const sendResp = rows.find((r) => r.codeName === 'SEND_MESSAGE_V2' && r.response)!;
  const m = await call(session, host, 'copy', { frame: sendResp.frame, format: 'mqadmin' });
  assert.match(m.message, /copied as an mqadmin command \(of its request, frame \d+\)/);
  assert.equal(host.clipboard, `sh mqadmin sendMessage -n 10.0.0.20:9876 -t Orders -p body -c TagA`);
  await assert.rejects(call(session, host, 'copy', { frame: rows[0].frame, format: 'java' }), /a Java snippet is made for sends only/);
  await call(session, host, 'copy', { frame: sendResp.pair!, format: 'java' });
  assert.match(host.clipboard!, /public class Resend/);
  session.dispose();
});
