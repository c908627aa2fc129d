/**
 * A capture of signed requests for the ACL signature check's tests (unit, CLI, extension host, UI):
 * signed with the producer's own signer (src/core/producer/acl.ts), one correctly, one with a wrong
 * secret and refused as a 4.9 broker refuses it, one with a field added after signing, and one
 * request that is not signed. The frame numbers are returned, not assumed.
 */
import { createRequest, createResponse, RequestCode, RemotingCommand } from '../../../src/core/remoting';
import { encodeProperties } from '../../../src/core/message';
import { signRequest } from '../../../src/core/producer';
import { writeCapture, Exchange } from './fixtures';

export const ACL_ACCESS_KEY = 'rmq_user';
export const ACL_SECRET = 'user-secret-0002';
export const ACL_WRONG_SECRET = 'not-the-secret';
/** The 4.9.7 broker's remark for a bad signature (AclException text). */
export const SIGNATURE_REMARK = 'org.apache.rocketmq.acl.common.AclException: Check signature failed for accessKey=rmq_user';


export interface AclCapture {
  bytes: Buffer;
  /** Frame numbers: the correctly signed send, the wrongly signed one (refused), its refusal, one with a field added after signing, an unsigned request. */
  frames: { good: number; wrong: number; refusal: number; proxied: number; unsigned: number };
}

function send(opaque: number, topic: string, body: string): RemotingCommand {
  return createRequest(RequestCode.SEND_MESSAGE_V2, {
    a: 'pg-acl', b: topic, c: 'TBW102', d: 4, e: 0, f: 0, g: 1700000000000 + opaque, h: 0, i: encodeProperties({ UNIQ_KEY: `7F0000010B3F18B4AAC2571E6F8A${String(opaque).padStart(4, '0')}`, WAIT: 'true' }), j: 0, k: false,
  }, { opaque, body: Buffer.from(body) });
}

/** `accessKey`: the account every signed request names (tests that keep SecretKeys per AccessKey use their own). */
export function aclCapture(accessKey = ACL_ACCESS_KEY): AclCapture {
  const good = signRequest(send(201, 'AclTopic', 'signed right'), { accessKey, secretKey: ACL_SECRET });
  const wrong = signRequest(send(202, 'AclTopic', 'signed wrong'), { accessKey, secretKey: ACL_WRONG_SECRET });
  const proxied = signRequest(send(203, 'AclTopic', 'through a proxy'), { accessKey, secretKey: ACL_SECRET });
  proxied.extFields = { ...proxied.extFields, traceOn: 'true' };
  const unsigned = createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'AclTopic' }, { opaque: 204 });
  const ex: Exchange[] = [
    { dir: 0, cmd: good }, { dir: 1, cmd: createResponse(good, 0, null, { msgId: 'X', queueId: 0, queueOffset: 0 }) },
    { dir: 0, cmd: wrong }, { dir: 1, cmd: createResponse(wrong, 1, SIGNATURE_REMARK) },
    { dir: 0, cmd: proxied }, { dir: 1, cmd: createResponse(proxied, 0, null, { msgId: 'Y', queueId: 0, queueOffset: 1 }) },
    { dir: 0, cmd: unsigned },
  ];
  return { bytes: writeCapture([{ client: '127.0.0.1', clientPort: 50123, server: '127.0.0.1', serverPort: 10911, exchanges: ex }]), frames: { good: 0, wrong: 2, refusal: 3, proxied: 4, unsigned: 6 } };
}
