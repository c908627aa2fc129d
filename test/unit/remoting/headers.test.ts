// Typed headers: one declaration per code family, used to encode (producer, queries) and to check
// and name fields in every view of a frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CodecError, createRequest, createResponse, encodeFrame, encodeHeader, END_TRANSACTION_HEADER, headerProblems, REQUEST_HEADERS,
  RESPONSE_HEADERS, RequestCode, requestCodeName, SEND_HEADER_V2, valueProblem,
} from '../../../src/core/remoting';
import { decodeAndDescribeFrame } from '../../../src/core/frame';

test('value types as Java parses them', () => {
  assert.equal(valueProblem('int', '2147483647'), null);
  assert.equal(valueProblem('int', '2147483648'), 'outside the int range');
  assert.equal(valueProblem('long', '-9223372036854775808'), null);
  assert.equal(valueProblem('long', '9223372036854775808'), 'outside the long range');
  assert.equal(valueProblem('long', '1.5'), 'not a long');
  assert.equal(valueProblem('bool', 'TRUE'), null);
  assert.match(valueProblem('bool', 'yes')!, /Java reads it as false/);
});

test('encodeHeader: strings on the wire, unset values left out, bad input refused before sending', () => {
  const ext = encodeHeader(END_TRANSACTION_HEADER, {
    producerGroup: 'g', tranStateTableOffset: 3n, commitLogOffset: 2726, commitOrRollback: 8, fromTransactionCheck: false, msgId: 'ID', bname: undefined,
  });
  assert.deepEqual(ext, { producerGroup: 'g', tranStateTableOffset: '3', commitLogOffset: '2726', commitOrRollback: '8', fromTransactionCheck: 'false', msgId: 'ID' });
  const refuse = (values: Record<string, unknown>, re: RegExp) =>
    assert.throws(() => encodeHeader(END_TRANSACTION_HEADER, values as never), (e: unknown) => e instanceof CodecError && e.kind === 'unencodable' && re.test(e.message));
  refuse({ ...ext, msgId: undefined }, /EndTransactionRequestHeader\.msgId is required/);
  refuse({ ...ext, commitOrRollback: 'commit' }, /commitOrRollback = "commit": not an int/);
  refuse({ ...ext, commitLogOfset: 1 }, /has no field commitLogOfset/);
});

test('every declared code has a name, and the send V2 letters keep the Java @CFNotNull fields', () => {
  for (const m of [REQUEST_HEADERS, RESPONSE_HEADERS]) for (const code of m.keys()) assert.doesNotMatch(requestCodeName(code), /UNKNOWN|^\d+$/, String(code));
  assert.deepEqual(SEND_HEADER_V2.fields.filter((f) => f.required).map((f) => f.key), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  assert.deepEqual(headerProblems(SEND_HEADER_V2, { a: 'g', b: 'T', c: 'TBW102', d: '4', e: '0', f: '0', g: '1', h: '0' }), []);
});

test('the frame model names fields from the declaration and says what a frame breaks of it', () => {
  const bad = createRequest(RequestCode.END_TRANSACTION, { producerGroup: 'g', tranStateTableOffset: 'x', commitLogOffset: '1', commitOrRollback: '8', bname: 'broker-a' }, { opaque: 1 });
  const { description: d } = decodeAndDescribeFrame(encodeFrame(bad));
  const row = (k: string) => d.extFields.find((f) => f.key === k)!;
  assert.equal(row('bname').name, 'brokerName');
  assert.match(row('tranStateTableOffset').note!, /^long: not a long/);
  assert.ok(d.notes.includes('header field msgId: required by EndTransactionRequestHeader, missing'), d.notes.join('|'));
  // a failure answer has no response header to miss; a success answer does
  const req = createRequest(RequestCode.GET_MAX_OFFSET, { topic: 'T', queueId: '0' }, { opaque: 2 });
  const fail = decodeAndDescribeFrame(encodeFrame(createResponse(req, 17, 'no topic')), { requestCode: RequestCode.GET_MAX_OFFSET }).description;
  assert.deepEqual(fail.notes.filter((n) => n.startsWith('header field')), []);
  const ok = decodeAndDescribeFrame(encodeFrame(createResponse(req, 0, null)), { requestCode: RequestCode.GET_MAX_OFFSET }).description;
  assert.ok(ok.notes.includes('header field offset: required by GetMaxOffsetResponseHeader, missing'), ok.notes.join('|'));
});
