/** Small helpers for the extension-host tests (no sleeps: poll with a deadline). */
import { createRequest, createResponse, encodeFrame, RequestCode, ResponseCode } from '../../../src/core/remoting';
export { pollUntil } from '../../support/poll';

export const EXTENSION_ID = 'rocketmq-debugger.rocketmq-debugger';


export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex').replace(/(..)/g, '$1 ').trim();

/** A SEND_MESSAGE_V2 request as a producer writes it (JSON header), with a text body. */
export function sampleSendFrame(): Buffer {
  return encodeFrame(createRequest(RequestCode.SEND_MESSAGE_V2, {
    a: 'please_rename_unique_group_name', b: 'OrderCreated', c: 'TBW102', d: 4, e: 2, f: 0, g: 1732170000000, h: 0,
    i: 'KEYS\u0001order-42\u0002UNIQ_KEY\u0001AC1100010F2A18B4AAC2\u0002', j: 0, k: false, m: false,
  }, { opaque: 4242, body: Buffer.from('{"orderId":42,"amount":"19.90"}') }));
}

/** A response in the binary (ROCKETMQ) header format, with a remark an attacker could choose. */
export function sampleResponseFrame(remark: string): Buffer {
  return encodeFrame(createResponse({ opaque: 4242, serializeType: 'ROCKETMQ' }, ResponseCode.TOPIC_NOT_EXIST, remark, { msgId: '<b>not bold</b>' }));
}
