import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestFile, parseDelay, parseQueue, formatBlock, buildMessages, validateSpec, SendSpec, describeSpec } from '../../../src/core/requestfile';

const NOW = Date.parse('2026-11-21T08:00:00Z');

describe('request file parser', () => {
  test('two blocks with headers, comments, properties and bodies; positions are 0-based', () => {
    const text = [
      '// a comment before the first block',
      '### First',
      'topic: OrderTopic',
      'tag: created',
      '// comment among headers',
      'keys: order-1 order-2',
      'property: region=eu',
      'property: source = vscode',
      '',
      '{"orderId": 1}',
      '  indented line',
      '',
      '',
      '###',
      'Topic: Other',
      'mode: oneway',
      'repeat: 3',
      '',
      'plain text',
    ].join('\n');
    const r = parseRequestFile(text, { now: NOW });
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.blocks.length, 2);
    const [a, b] = r.blocks;
    assert.equal(a.title, 'First');
    assert.equal(a.startLine, 1);
    assert.equal(a.endLine, 12);
    assert.equal(a.bodyStartLine, 9);
    assert.deepEqual(a.spec, {
      topic: 'OrderTopic', tags: 'created', keys: ['order-1', 'order-2'], bodies: ['{"orderId": 1}\n  indented line'],
      properties: { region: 'eu', source: 'vscode' }, delayLevel: undefined, delayMs: undefined, deliverAtMs: undefined,
      queue: undefined, mode: 'sync', repeat: 1, batch: false, transaction: undefined,
    });
    assert.equal(b.title, undefined);
    assert.equal(b.startLine, 13);
    assert.equal(b.spec?.topic, 'Other');
    assert.equal(b.spec?.mode, 'oneway');
    assert.equal(b.spec?.repeat, 3);
    assert.deepEqual(b.spec?.bodies, ['plain text']);
  });

  test('a file without ### is one block; CRLF line ends are accepted', () => {
    const r = parseRequestFile('topic: T\r\n\r\nhello\r\n', { now: NOW });
    assert.equal(r.blocks.length, 1);
    assert.equal(r.blocks[0].startLine, 0);
    assert.deepEqual(r.blocks[0].spec?.bodies, ['hello']);
  });

  test('a file of comments only has no blocks', () => {
    assert.equal(parseRequestFile('// nothing\n# here\n\n').blocks.length, 0);
  });

  test('batch blocks split on --- lines; empty parts are errors', () => {
    const ok = parseRequestFile('###\ntopic: T\ntype: batch\n\none\n---\ntwo\nlines\n---\nthree\n', { now: NOW });
    assert.deepEqual(ok.diagnostics, []);
    assert.deepEqual(ok.blocks[0].spec?.bodies, ['one', 'two\nlines', 'three']);
    assert.equal(ok.blocks[0].spec?.batch, true);
    const bad = parseRequestFile('###\ntopic: T\ntype: batch\n\none\n---\n---\nthree\n', { now: NOW });
    assert.equal(bad.blocks[0].spec, undefined);
    assert.match(bad.diagnostics[0].message, /message 2 of the batch is empty/);
    assert.equal(bad.diagnostics[0].line, 6);
  });

  test('transaction blocks: decision parsed, async refused', () => {
    const r = parseRequestFile('###\ntopic: T\ntransaction: rollback\n\nbody\n', { now: NOW });
    assert.equal(r.blocks[0].spec?.transaction, 'rollback');
    const t = parseRequestFile('###\ntopic: T\ntype: transaction\n\nbody\n', { now: NOW });
    assert.equal(t.blocks[0].spec?.transaction, 'commit');
    const bad = parseRequestFile('###\ntopic: T\ntransaction: commit\nmode: async\n\nbody\n', { now: NOW });
    assert.equal(bad.blocks[0].spec, undefined);
    assert.match(bad.diagnostics.map((d) => d.message).join('\n'), /transactional messages are sent synchronously/);
  });

  test('diagnostics point at the bad value: illegal topic, reserved property, unknown header, bad mode', () => {
    const text = '###\ntopic: bad topic!\nproperty: KEYS=x\ncolour: red\nmode: fast\n\nbody\n';
    const r = parseRequestFile(text, { now: NOW });
    const byLine = new Map(r.diagnostics.map((d) => [d.line, d]));
    assert.equal(byLine.get(1)?.severity, 'error');
    assert.match(byLine.get(1)!.message, /characters RocketMQ does not allow/);
    assert.equal(byLine.get(1)?.startColumn, 7);
    assert.equal(byLine.get(1)?.endColumn, 7 + 'bad topic!'.length);
    assert.match(byLine.get(2)!.message, /system property/);
    assert.equal(byLine.get(3)?.severity, 'warning');
    assert.match(byLine.get(3)!.message, /unknown header "colour"/);
    assert.match(byLine.get(4)!.message, /mode must be one of sync, async, oneway/);
    assert.equal(r.blocks[0].spec, undefined);
  });

  test('forbidden system topic, missing topic, missing body', () => {
    assert.match(parseRequestFile('###\ntopic: SCHEDULE_TOPIC_XXXX\n\nx').diagnostics[0].message, /forbidden/);
    assert.match(parseRequestFile('###\ntag: a\n\nx').diagnostics[0].message, /no `topic:` header/);
    const noBody = parseRequestFile('###\ntopic: T\n');
    assert.match(noBody.diagnostics[0].message, /no body/);
    assert.equal(noBody.blocks[0].spec, undefined);
  });

  test('a non-header line among the headers is an error', () => {
    const r = parseRequestFile('###\ntopic: T\nthis is not a header\n\nbody');
    assert.equal(r.diagnostics[0].line, 2);
    assert.match(r.diagnostics[0].message, /expected a header line/);
  });

  test('delay levels, durations and deliverAt; past time is a warning only', () => {
    assert.equal(parseRequestFile('topic: T\ndelay: 3\n\nx').blocks[0].spec?.delayLevel, 3);
    assert.equal(parseRequestFile('topic: T\ndelay: 10s\n\nx').blocks[0].spec?.delayMs, 10_000);
    const at = parseRequestFile('topic: T\ndeliverAt: 2026-11-21T09:00:00Z\n\nx', { now: NOW });
    assert.equal(at.blocks[0].spec?.deliverAtMs, Date.parse('2026-11-21T09:00:00Z'));
    const past = parseRequestFile('topic: T\ndeliverAt: 1000\n\nx', { now: NOW });
    assert.equal(past.diagnostics[0].severity, 'warning');
    assert.equal(past.blocks[0].spec?.deliverAtMs, 1000);
    const both = parseRequestFile('topic: T\ndelay: 2\ndeliverAt: 2026-11-21T09:00:00Z\n\nx', { now: NOW });
    assert.equal(both.blocks[0].spec, undefined);
    assert.match(parseRequestFile('topic: T\ndelay: 19\n\nx').diagnostics[0].message, /1\.\.18/);
  });

  test('queue and shardingKey', () => {
    assert.deepEqual(parseRequestFile('topic: T\nqueue: broker-a:2\n\nx').blocks[0].spec?.queue, { kind: 'explicit', brokerName: 'broker-a', queueId: 2 });
    assert.deepEqual(parseRequestFile('topic: T\nqueue: 1\n\nx').blocks[0].spec?.queue, { kind: 'explicit', brokerName: undefined, queueId: 1 });
    assert.deepEqual(parseRequestFile('topic: T\nshardingKey: order-9\n\nx').blocks[0].spec?.queue, { kind: 'sharding', shardingKey: 'order-9' });
    assert.match(parseRequestFile('topic: T\nqueue: x:y\n\nx').diagnostics[0].message, /brokerName:queueId/);
  });

  test('bodyFile is recorded; batch + delay is refused', () => {
    const r = parseRequestFile('topic: T\nbodyFile: ./p.json\n');
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.blocks[0].bodyFile, './p.json');
    const b = parseRequestFile('topic: T\ntype: batch\ndelay: 2\n\na\n---\nb');
    assert.match(b.diagnostics.map((d) => d.message).join(), /batch cannot be delayed/);
  });

  test('formatBlock writes what the parser reads back', () => {
    const spec: SendSpec = {
      topic: 'T', tags: 'a', keys: ['k1', 'k2'], bodies: ['{"x":1}'], properties: { p: 'v' }, delayLevel: undefined,
      delayMs: 1500, deliverAtMs: undefined, queue: { kind: 'sharding', shardingKey: 's' }, mode: 'async', repeat: 4, batch: false, transaction: undefined,
    };
    const back = parseRequestFile(formatBlock(spec, 'x'), { now: NOW }).blocks[0];
    assert.equal(back.title, 'x');
    assert.deepEqual(back.spec, spec);
  });
});

describe('parse helpers', () => {
  test('parseDelay', () => {
    assert.deepEqual(parseDelay('18'), { kind: 'level', level: 18 });
    assert.deepEqual(parseDelay('1500ms'), { kind: 'duration', ms: 1500 });
    assert.deepEqual(parseDelay('2m'), { kind: 'duration', ms: 120_000 });
    assert.equal(typeof parseDelay('0'), 'string');
    assert.equal(typeof parseDelay('soon'), 'string');
  });
  test('parseQueue', () => {
    assert.deepEqual(parseQueue('3'), { kind: 'explicit', brokerName: undefined, queueId: 3 });
    assert.equal(typeof parseQueue('-1'), 'string');
  });
});

describe('send spec', () => {
  const base: SendSpec = { topic: 'T', bodies: ['b'], mode: 'sync', repeat: 1, batch: false };
  test('buildMessages sets tags, keys, user properties, delay, timer and sharding key', () => {
    const [m] = buildMessages({ ...base, tags: 'A', keys: ['k1', 'k2'], properties: { p: 'v' }, delayMs: 2500, queue: { kind: 'sharding', shardingKey: 'sk' } });
    assert.equal(m.topic, 'T');
    assert.equal(m.tags, 'A');
    assert.equal(m.keys, 'k1 k2');
    assert.equal(m.properties.get('p'), 'v');
    assert.equal(m.properties.get('TIMER_DELAY_MS'), '2500');
    assert.equal(m.properties.get('__SHARDINGKEY'), 'sk');
    assert.equal(Buffer.from(m.body).toString(), 'b');
    const [d] = buildMessages({ ...base, delayLevel: 4 });
    assert.equal(d.properties.get('DELAY'), '4');
    assert.equal(buildMessages({ ...base, bodies: ['a', 'b', 'c'], batch: true }).length, 3);
  });
  test('validateSpec lists every problem', () => {
    assert.deepEqual(validateSpec(base), []);
    const p = validateSpec({ ...base, topic: '', bodies: [''], repeat: 0, delayLevel: 40 });
    assert.equal(p.length, 4);
    assert.match(validateSpec({ ...base, properties: { UNIQ_KEY: 'x' } })[0], /system property/);
    assert.match(validateSpec({ ...base, batch: true, mode: 'oneway' })[0], /oneway/);
  });
  test('describeSpec', () => {
    assert.equal(describeSpec({ ...base, repeat: 3, tags: 'A' }), '3 × message to T (tag A, sync)');
  });
});
