// The ACL signature check (src/core/doctor/acl-signature.ts): known vectors from Java's
// AclClientRPCHook (4.9.7, printed by test/support/java/rmqtest/AclSignRef.java; the cluster phase's
// acl-signature test re-runs the comparison against both versions), then each mistake the check must
// name, produced by signing a request wrongly on purpose with the producer's own signer.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { checkSignature, signedRequestOf, SignatureCheckError, UNIQUE_KEY_QUERY } from '../../../src/core/doctor';
import { calSignature, signatureContent, signRequest } from '../../../src/core/producer';
import { encodeFrame, RemotingCommand, RequestCode } from '../../../src/core/remoting';

const SK = 'user-secret-0002';

function signed(ext: Record<string, string>, body: string | null, secretKey = SK, token?: string): { ext: Record<string, string>; body: Buffer | null } {
  const b = body === null ? null : Buffer.from(body);
  const cmd = { extFields: { ...ext }, body: b } as unknown as RemotingCommand;
  signRequest(cmd, { accessKey: 'rmq_user', secretKey, securityToken: token });
  return { ext: cmd.extFields!, body: b };
}

test('known vector from Java AclClientRPCHook 4.9.7: canonical string and signature, and the check says match', () => {
  // java rmqtest.AclSignRef: ak1 / 12345678, extFields {b: B, a: A}, body "body"
  const ext = { b: 'B', a: 'A', AccessKey: 'ak1', Signature: 'qSr8cLo+fBT7kRfA92MkjxB3Vd8=' };
  assert.equal(signatureContent(ext, Buffer.from('body')).toString('utf8'), 'ak1ABbody');
  const r = checkSignature(ext, Buffer.from('body'), '12345678');
  assert.equal(r.match, true);
  assert.equal(r.cause, 'match');
  assert.equal(r.expected, 'qSr8cLo+fBT7kRfA92MkjxB3Vd8=');
  assert.equal(r.canonical, 'ak1ABbody');
  assert.deepEqual(r.parts.map((p) => p.key), ['AccessKey', 'a', 'b'], 'Java TreeMap order: upper case before lower case');
  assert.equal(r.bodyLength, 4);
  assert.equal(r.accessKey, 'ak1');
  assert.equal(r.securityToken, false);
});

test('a request signed with another secret: mismatch, no single field explains it, the secret likely differs', () => {
  const s = signed({ topic: 'T', queueId: '0' }, 'hello', 'not-the-secret');
  const r = checkSignature(s.ext, s.body, SK);
  assert.equal(r.match, false);
  assert.equal(r.cause, 'secret');
  assert.match(r.explanation, /no single field explains it.*SecretKey likely differs/);
  assert.ok(r.tried >= 4, `tried ${r.tried}`);
  assert.notEqual(r.expected, r.signature);
  assert.equal(JSON.stringify(r).includes(SK), false, 'the secret is nowhere in the result');
});

test('body left out of the signed string: named', () => {
  const s = signed({ topic: 'T' }, null);
  const r = checkSignature(s.ext, Buffer.from('a body the signer skipped'), SK);
  assert.equal(r.cause, 'body-not-signed');
  assert.match(r.explanation, /without the body \(25 bytes\)/);
});

test('a field added after signing (a proxy): names the field; AccessKey or SecurityToken added after signing are named as credentials', () => {
  const s = signed({ topic: 'T', queueId: '1' }, 'x');
  const r = checkSignature({ ...s.ext, traceOn: 'true' }, s.body, SK);
  assert.equal(r.cause, 'field-added');
  assert.equal(r.field, 'traceOn');
  assert.match(r.explanation, /"traceOn" was not signed/);
  // a field changed after signing cannot be told from a wrong secret: one change, one answer
  const changed = checkSignature({ ...s.ext, queueId: '2' }, s.body, SK);
  assert.equal(changed.cause, 'secret');

  const t = signed({ topic: 'T' }, 'x', SK, 'tok-1');
  const sig = calSignature(signatureContent({ topic: 'T', AccessKey: 'rmq_user' }, Buffer.from('x')), SK);
  const late = checkSignature({ ...t.ext, Signature: sig }, t.body, SK);
  assert.equal(late.cause, 'field-added');
  assert.equal(late.field, 'SecurityToken');
  assert.match(late.explanation, /SecurityToken was not part of the signed string/);
  const bare = calSignature(signatureContent({ topic: 'T' }, Buffer.from('x')), SK);
  const none = checkSignature({ ...t.ext, Signature: bare }, t.body, SK);
  assert.equal(none.cause, 'credentials-not-signed');
});

test('_UNIQUE_KEY_QUERY left out (as 4.9 brokers verify), names in the string, wire order: each named', () => {
  const ext = { topic: 'T', [UNIQUE_KEY_QUERY]: 'true', AccessKey: 'rmq_user' };
  const body = Buffer.from('b');
  const u = checkSignature({ ...ext, Signature: calSignature(signatureContent({ topic: 'T', AccessKey: 'rmq_user' }, body), SK) }, body, SK);
  assert.equal(u.cause, 'unique-key-query');
  assert.equal(u.field, UNIQUE_KEY_QUERY);

  const named = calSignature(Buffer.concat([Buffer.from('AccessKeyrmq_usertopicT'), body]), SK);
  assert.equal(checkSignature({ topic: 'T', AccessKey: 'rmq_user', Signature: named }, body, SK).cause, 'keys-in-string');

  const wire = calSignature(Buffer.concat([Buffer.from('ZArmq_user'), body]), SK);
  assert.equal(checkSignature({ z: 'Z', a: 'A', AccessKey: 'rmq_user', Signature: wire }, body, SK).cause, 'not-sorted');
});

test('a captured frame: decoded, a JSON and a ROCKETMQ header both check; responses, unsigned requests and empty secrets are refused with a reason', () => {
  for (const serializeType of ['JSON', 'ROCKETMQ'] as const) {
    const s = signed({ topic: 'TopicA', properties: 'KEYS\u0001k\u0002' }, 'payload é');
    const frame = encodeFrame({ code: RequestCode.SEND_MESSAGE_V2, language: 0, version: 407, opaque: 7, flag: 0, remark: null, extFields: s.ext, body: s.body, serializeType } as unknown as RemotingCommand);
    const cmd = signedRequestOf(frame);
    assert.equal(checkSignature(cmd.extFields, cmd.body, SK).match, true, serializeType);
  }
  const unsigned = encodeFrame({ code: RequestCode.SEND_MESSAGE_V2, language: 0, version: 407, opaque: 8, flag: 0, remark: null, extFields: { topic: 'T' }, body: null, serializeType: 'JSON' } as unknown as RemotingCommand);
  assert.throws(() => signedRequestOf(unsigned, 'frame 3'), (e: unknown) => e instanceof SignatureCheckError && /frame 3 is not signed/.test(e.message));
  const resp = encodeFrame({ code: 0, language: 0, version: 407, opaque: 8, flag: 1, remark: null, extFields: null, body: null, serializeType: 'JSON' } as unknown as RemotingCommand);
  assert.throws(() => signedRequestOf(resp, 'frame 4'), /frame 4 is a response/);
  assert.throws(() => signedRequestOf(Buffer.from([0, 0, 0, 9, 1]), 'frame 5'), /frame 5 does not decode/);
  assert.throws(() => checkSignature({ AccessKey: 'a', Signature: 's' }, null, ''), /SecretKey is empty/);
});
