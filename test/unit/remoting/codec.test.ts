import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CodecError, createRequest, createResponse, decodeFrame, encodeFrame, FrameSplitter, RemotingCommand, requestCodeName,
  responseCodeName, languageName, encodeJsonHeader, javaHashMapOrder, RequestCode, ResponseCode, FLAG_ONEWAY,
} from '../../../src/core/remoting';
import { mulberry32 } from '../../../src/core/capture/fuzz';

const sample = (serializeType: 'JSON' | 'ROCKETMQ'): RemotingCommand => ({
  code: 310, language: 9, version: 401, opaque: -123456, flag: 0,
  remark: 'héllo "q" \\ 主题/x \u0001\u0002\t\n\u0007',
  extFields: { a: 'group', b: 'TopicTest', i: 'UNIQ_KEY\u0001ABC\u0002TAGS\u0001TagA', e: '-1', empty: 'x' },
  serializeType,
  body: Buffer.from([0, 1, 2, 255]),
});

for (const st of ['JSON', 'ROCKETMQ'] as const) {
  test(`${st}: every field round-trips`, () => {
    const cmd = sample(st);
    const back = decodeFrame(encodeFrame(cmd));
    assert.equal(back.serializeType, st);
    for (const k of ['code', 'language', 'version', 'opaque', 'flag', 'remark'] as const) assert.equal(back[k], cmd[k], k);
    assert.deepEqual({ ...back.extFields }, cmd.extFields);
    assert.deepEqual(Buffer.from(back.body!), Buffer.from(cmd.body!));
  });

  test(`${st}: a frame without body decodes body as null; response and oneway flags read back`, () => {
    const req = createRequest(RequestCode.HEART_BEAT, null, { serializeType: st, oneway: true });
    assert.equal(decodeFrame(encodeFrame(req)).flag, FLAG_ONEWAY);
    const resp = createResponse(req, ResponseCode.TOPIC_NOT_EXIST, 'No topic route info');
    const back = decodeFrame(encodeFrame(resp));
    assert.equal(back.body, null);
    assert.equal(back.flag & 1, 1);
    assert.equal(back.opaque, req.opaque);
  });
}

test('ROCKETMQ: an empty remark decodes as null; an extField with an empty value keeps its key (Java keeps key → null), as the JSON form does', () => {
  const cmd: RemotingCommand = { ...sample('ROCKETMQ'), remark: '', extFields: { k: '', j: 'v' } };
  const back = decodeFrame(encodeFrame(cmd));
  assert.equal(back.remark, null);
  assert.deepEqual({ ...back.extFields }, { k: '', j: 'v' });
  const json = decodeFrame(encodeFrame({ ...cmd, serializeType: 'JSON' }));
  assert.deepEqual({ ...json.extFields }, { ...back.extFields }, 'one answer in both serializations');
});

test('ROCKETMQ: the binary code is a signed int16 and codes above it are refused, not truncated', () => {
  const neg = decodeFrame(encodeFrame({ ...sample('ROCKETMQ'), code: -1 }));
  assert.equal(neg.code, -1);
  assert.throws(() => encodeFrame({ ...sample('ROCKETMQ'), code: RequestCode.POP_MESSAGE }),
    (e: unknown) => e instanceof CodecError && e.kind === 'unencodable');
  // Java's own truncation, seen on the wire: 200050 as int16 is 3442.
  const truncated = Buffer.from(encodeFrame({ ...sample('ROCKETMQ'), code: 3442 }));
  assert.equal(decodeFrame(truncated).code, 3442);
});

test('JSON header: alphabetical keys, null members omitted, Java escaping', () => {
  const h = encodeJsonHeader({
    code: 105, language: 0, version: 412, opaque: 2034, flag: 0, remark: null,
    extFields: { topic: 'TopicTest' }, serializeType: 'JSON', body: null,
  }).toString();
  // Real 5.0-SNAPSHOT client bytes (docs/protocol.md §1.3).
  assert.equal(h, '{"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":2034,"serializeTypeCurrentRPC":"JSON","version":412}');
  const esc = encodeJsonHeader({ ...createRequest(1, null, { opaque: 0 }), remark: 'é\t\u0007/\u007f"\\\u001f' }).toString();
  assert.match(esc, /"remark":"é\\t\\u0007\/\\u007F\\"\\\\\\u001F"/);
});

test('JSON header bytes: the same as the header built as a string, for random text (escapes, non-ASCII, surrogates), header after header', () => {
  const r = mulberry32(99);
  const alphabet = ['a', 'Z', '0', ' ', '"', '\\', '/', '\u0001', '\u0002', '\t', '\u007f', '\u0085', '\u00a0', 'é', '主', '\u2028', '\ud83d\ude00', '\ud800', '~'];
  const text = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
  // the string form, as the header was built before it was written in bytes: fastjson's escaping by regex
  const quoteJava = (v: string) => `"${v.replace(/[\u0000-\u001f"\\\u007f-\u009f\u2028\u2029]/g, (ch) => {
    const short: Record<string, string> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r', '"': '\\"', '\\': '\\\\' };
    return short[ch] ?? `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  })}"`;
  const reference = (c: RemotingCommand) => {
    let s = `{"code":${c.code}`;
    if (c.extFields) s += `,"extFields":{${javaHashMapOrder(Object.keys(c.extFields)).map((k) => `${quoteJava(k)}:${quoteJava(c.extFields![k])}`).join(',')}}`;
    s += `,"flag":${c.flag},"language":${c.language === 99 ? 99 : `"${languageName(c.language)}"`},"opaque":${c.opaque}`;
    if (c.remark !== null) s += `,"remark":${quoteJava(c.remark)}`;
    return Buffer.from(`${s},"serializeTypeCurrentRPC":"JSON","version":${c.version}}`);
  };
  for (let i = 0; i < 400; i++) {
    const ext: Record<string, string> = {};
    for (let k = Math.floor(r() * 6); k > 0; k--) ext[r() < 0.5 ? String.fromCharCode(97 + k) : text(1 + Math.floor(r() * 8))] = text(Math.floor(r() * 40));
    const big = i % 50 === 7; // a remark over the scratch buffer's kept size, then small headers again
    const c: RemotingCommand = {
      code: Math.floor(r() * 70000) - 5000, language: r() < 0.1 ? 99 : 0, version: Math.floor(r() * 500), opaque: Math.floor((r() - 0.5) * 2 ** 32),
      flag: Math.floor(r() * 4), remark: r() < 0.3 ? null : big ? text(70_000) : text(Math.floor(r() * 30)),
      extFields: r() < 0.2 ? null : ext, serializeType: 'JSON', body: null,
    };
    assert.deepEqual(encodeJsonHeader(c), reference(c), `header ${i}`);
  }
});

test('JSON header decode: fastjson leniency — unquoted keys, single quotes, numbers/booleans in extFields, defaults, unknown keys, duplicates', () => {
  const text = "{code:105,'extFields':{topic:'T',queueId:3,order:true,big:123456789012345678901},extra:[1,2],opaque:7,opaque:8,language:'NODE_JS2'}";
  const c = decodeFrame(jsonFrame(text));
  assert.equal(c.code, 105);
  assert.equal(c.opaque, 8); // last duplicate wins
  assert.equal(c.version, 0); // missing → default
  assert.equal(c.flag, 0);
  assert.equal(c.language, -1);
  assert.equal(c.languageRaw, 'NODE_JS2');
  assert.deepEqual({ ...c.extFields }, { topic: 'T', queueId: '3', order: 'true', big: '123456789012345678901' });
  assert.equal(languageName(decodeFrame(jsonFrame(text.replace("language:'NODE_JS2'", 'language:9'))).language), 'GO');
});

test('extFields are written in Java HashMap order (capacity grows with size)', () => {
  // A SendMessageRequestHeaderV2 as Java's makeCustomHeaderToNet fills it; Java iterates a..m in this order.
  assert.deepEqual(javaHashMapOrder(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'm']),
    ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'm']);
  // Past 12 keys Java doubles the table to 32 buckets, which reorders keys whose hashes differ in bit 4.
  const many = Array.from({ length: 13 }, (_, i) => String.fromCharCode(0x61 + i * 2));
  assert.notDeepEqual(javaHashMapOrder(many), javaHashMapOrder(many.slice(0, 12)).concat(many[12]));
});

test('code tables: names, unknowns, and the 4.x/5.x meaning of 209–211', () => {
  assert.equal(requestCodeName(105), 'GET_ROUTEINFO_BY_TOPIC');
  assert.equal(requestCodeName(310), 'SEND_MESSAGE_V2');
  assert.equal(requestCodeName(200050), 'POP_MESSAGE');
  assert.equal(requestCodeName(4242), 'UNKNOWN(4242)');
  assert.equal(responseCodeName(17), 'TOPIC_NOT_EXIST');
  assert.equal(responseCodeName(209), 'POLLING_FULL');
  assert.equal(responseCodeName(209, RequestCode.UPDATE_AND_CREATE_ACL_CONFIG), 'UPDATE_AND_CREATE_ACL_CONFIG_FAILED');
  assert.equal(responseCodeName(211, RequestCode.POP_MESSAGE), 'BROKER_NOT_EXIST');
  assert.equal(responseCodeName(-9), 'UNKNOWN(-9)');
  assert.equal(languageName(13), 'NODE_JS');
  assert.equal(languageName(99), 'UNKNOWN(99)');
});

function jsonFrame(header: string): Buffer {
  const h = Buffer.from(header, 'utf8');
  const frame = Buffer.concat([Buffer.alloc(8), h]);
  frame.writeInt32BE(frame.length - 4, 0);
  frame.writeUInt32BE(h.length, 4);
  return frame;
}

function codecError(fn: () => unknown, kind: string, offset?: number): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CodecError, `expected CodecError, got ${e}`);
    assert.equal(e.kind, kind, e.message);
    if (offset !== undefined) assert.equal(e.offset, offset, e.message);
    return true;
  });
}

test('bad input: typed errors with the byte offset', () => {
  const good = encodeFrame(sample('JSON'));
  codecError(() => decodeFrame(good.subarray(0, 3)), 'truncated', 3);
  codecError(() => decodeFrame(good.subarray(0, good.length - 1)), 'truncated', good.length - 1);
  const neg = Buffer.from(good); neg.writeInt32BE(-5, 0);
  codecError(() => decodeFrame(neg), 'invalid-length', 0);
  const huge = Buffer.from(good); huge.writeInt32BE(0x7fffffff, 0);
  codecError(() => decodeFrame(huge), 'oversize', 0);
  const hdr = Buffer.from(good); hdr.writeUInt32BE(good.length, 4);
  codecError(() => decodeFrame(hdr), 'header-overflow', 5);
  const type = Buffer.from(good); type[4] = 7;
  codecError(() => decodeFrame(type), 'unknown-serialize-type', 4);
  const json = Buffer.from(good); json[8] = 0x5d; // the header's opening brace
  codecError(() => decodeFrame(json), 'invalid-json');
  const notObj = Buffer.from('00000007000000035b315d', 'hex');
  codecError(() => decodeFrame(notObj), 'invalid-header', 8);
  const bin = Buffer.from(encodeFrame(sample('ROCKETMQ')));
  bin.writeInt32BE(100000, 8 + 13); // remark length beyond the header
  codecError(() => decodeFrame(bin), 'binary-field-overflow', 8 + 17);
  codecError(() => decodeFrame(encodeFrame(sample('JSON')), { baseOffset: 1000, maxFrameLength: 20 }), 'oversize', 1000);
});

test('hostile JSON: deep nesting is an error, not a stack overflow', () => {
  const deep = '{"code":1,"extFields":' + '['.repeat(100000) + ']'.repeat(100000) + '}';
  codecError(() => decodeFrame(jsonFrame(deep), { maxFrameLength: 1 << 30 }), 'invalid-json');
});

test('FrameSplitter: one byte at a time and many frames per chunk give the same frames', () => {
  const frames = [encodeFrame(sample('JSON')), encodeFrame(sample('ROCKETMQ')), encodeFrame(createRequest(34, null)),
    encodeFrame({ ...sample('JSON'), body: Buffer.alloc(70000, 7) })];
  const stream = Buffer.concat(frames);
  const a = new FrameSplitter();
  const one: Buffer[] = [];
  for (let i = 0; i < stream.length; i++) one.push(...a.push(stream.subarray(i, i + 1)));
  assert.equal(one.length, 4);
  for (let i = 0; i < 4; i++) assert.ok(one[i].equals(frames[i]), `frame ${i}`);
  assert.equal(a.buffered, 0);
  const b = new FrameSplitter();
  const all = b.push(stream);
  assert.deepEqual(all.map((f) => f.length), frames.map((f) => f.length));
  const c = new FrameSplitter();
  assert.equal(c.push(stream.subarray(0, 10)).length, 0);
  assert.equal(c.buffered, 10);
  assert.equal(c.push(stream.subarray(10)).length, 4);
});

test('FrameSplitter: an oversize length poisons the stream with a typed error at its offset', () => {
  const s = new FrameSplitter({ maxFrameLength: 1024 });
  const ok = encodeFrame(createRequest(34, null));
  const bad = Buffer.from([0x7f, 0xff, 0xff, 0xff]);
  codecError(() => s.push(Buffer.concat([ok, bad])), 'oversize', ok.length);
  codecError(() => s.push(ok), 'oversize', ok.length);
});
