/**
 * A capture of sends for the capture → replay tests (extension host and browser): a message with tag,
 * keys, a user property and a delay level, one with a binary body, a batch of two, and a heartbeat
 * (not a send: skipped), each answered. Written on the crafted timeline (test/support/doctor/crafted.ts).
 */
import { createRequest, RequestCode } from '../../../src/core/remoting';
import { encodeBatchBody, encodeProperties } from '../../../src/core/message';
import { Timeline, resp } from '../doctor/crafted';

export const REPLAY_BINARY = Uint8Array.from([0, 1, 2, 0xff, 0xfe, 0x80, 10, 13]);

export function replayCapture(topic: string): Uint8Array {
  const tl = new Timeline();
  const b = tl.conn('10.0.0.5', '10.0.0.10', 10911, 1000);
  let uniq = 0;
  const ext = (props: Record<string, string>, extra: Record<string, string | number | boolean> = {}) => ({
    a: 'pg', b: topic, c: 'TBW102', d: 4, e: 1, f: 0, g: 1_700_000_000_000, h: 0,
    i: encodeProperties({ UNIQ_KEY: `0A00000500000000000000000000${String(++uniq).padStart(4, '0')}`, WAIT: 'true', ...props }), j: 0, k: false, n: 'broker-a', ...extra,
  });
  const requests = [
    createRequest(RequestCode.SEND_MESSAGE_V2, ext({ TAGS: 'TagA', KEYS: 'order-1 order-2', region: 'eu', DELAY: '2' }), { opaque: 1, body: Buffer.from('{"orderId":1}') }),
    createRequest(RequestCode.SEND_MESSAGE_V2, ext({ TAGS: 'Bin', region: 'eu' }), { opaque: 2, body: REPLAY_BINARY }),
    createRequest(RequestCode.SEND_BATCH_MESSAGE, ext({}, { m: true }), {
      opaque: 3, body: encodeBatchBody(['one', 'two'].map((x) => ({ flag: 0, body: Buffer.from(x), propertiesString: encodeProperties({ TAGS: 'Batch', UNIQ_KEY: `B-${x}` }) }))),
    }),
    createRequest(RequestCode.HEART_BEAT, null, { opaque: 4, body: Buffer.from('{}') }),
  ];
  requests.forEach((r, k) => b.exchange(2000 + k * 1000, r, resp(r, 0, null, { msgId: 'X', queueId: 1, queueOffset: k })));
  b.close(9000);
  return tl.bytes();
}
