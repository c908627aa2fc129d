// The gRPC decoder on a real HTTP/2 conversation (Node's http2 client and server, recorded by a TCP
// relay, wrapped in TCP/IP packets): calls, statuses, compression, streaming, RST_STREAM, a capture
// that joins mid-connection, a segment lost in a gap, a TLS ClientHello, HPACK's RFC 7541 examples,
// and seeded fuzzing of HTTP/2 and protobuf input.
import { describe, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { PcapWriter, memorySink, TcpSession } from '../../../src/core/capture/pcap-writer';
import { mulberry32, mutate } from '../../../src/core/capture/fuzz';
import {
  decodeGrpcCaptureBytes, describeGrpcRow, grpcRows, HpackDecoder, UNKNOWN_NAME, parseClientHello, decodeRawFields, inferMethods, GrpcCaptureResult,
  connectionLabel, grpcMessageIdNote, messagingServiceMethods, decodeAs, rocketmqRoot,
} from '../../../src/core/grpc';
import { recordConversation, recordClientHello, Exchange, BIG_BODY, encode } from './node-h2';

interface CaptureOpts { handshake?: boolean; mss?: number; skipExchanges?: number; dropSegment?: (dir: number, offset: number, chunk: Buffer) => boolean }

/** TCP/IP packets around recorded bytes (sequence numbers continue over skipped exchanges and dropped segments). */
function capture(ex: Exchange[], o: CaptureOpts = {}): Buffer {
  const mem = memorySink();
  const w = new PcapWriter(mem.sink, { format: 'pcap' });
  const s = new TcpSession({ client: '10.0.0.1', clientPort: 40000, server: '10.0.0.2', serverPort: 8081 });
  let t = 1_700_000_000_000_000;
  if (o.handshake !== false) { w.packet(s.syn(), t++); w.packet(s.synAck(), t++); w.packet(s.ack(0), t++); }
  const mss = o.mss ?? 1400;
  ex.forEach((e, i) => {
    for (let off = 0; off < e.bytes.length; off += mss) {
      const chunk = e.bytes.subarray(off, Math.min(e.bytes.length, off + mss));
      const at = s.sent[e.dir];
      if (i >= (o.skipExchanges ?? 0) && !o.dropSegment?.(e.dir, at, chunk)) w.packet(s.segment(e.dir, at, chunk), (t += 50));
      s.sent[e.dir] += chunk.length;
    }
  });
  w.packet(s.fin(0), (t += 50));
  w.packet(s.fin(1), (t += 50));
  return mem.bytes();
}

describe('gRPC decoder on a real HTTP/2 conversation (Node http2 ↔ http2)', () => {
  let ex: Exchange[];
  let whole: GrpcCaptureResult;

  before(async () => {
    ex = await recordConversation();
    whole = decodeGrpcCaptureBytes(capture(ex)).grpc;
  });

  test('the connection is h2c from its client preface; five calls in stream order with their methods', () => {
    assert.equal(whole.connections.length, 1);
    assert.equal(whole.connections[0].kind, 'h2c');
    assert.match(connectionLabel(whole.connections[0]), /^HTTP\/2 cleartext \(h2c\), 5 call/);
    assert.deepEqual(whole.calls.map((c) => `${c.streamId} ${c.method?.name}`), ['1 SendMessage', '3 QueryRoute', '5 ReceiveMessage', '7 ReceiveMessage', '9 SendMessage']);
    for (const c of whole.calls) { assert.equal(c.hpackPartial, false); assert.equal(c.headersMissing, false); }
  });

  test('SendMessage: request decoded field by field, response gzip-compressed and inflated, status in trailers', () => {
    const c = whole.calls[0];
    assert.equal(c.requests.length, 1);
    assert.equal(c.requests[0].compressed, false);
    const resp = c.responses[0];
    assert.equal(resp.compressed, true);
    assert.equal(resp.encoding, 'gzip');
    assert.equal(c.grpcStatus, 0);
    const rows = grpcRows([c]);
    const req = describeGrpcRow(rows[0]);
    assert.equal(req.title, 'SendMessage request (stream 1)');
    assert.deepEqual(req.properties.map((p) => `${p.key}=${p.value}`), ['message_id=0102FC000000010C8A0B246B7200000000', 'tag=TagA', 'keys=k1 k2', 'color=red']);
    assert.equal(req.body?.kind, 'text');
    assert.equal(req.body?.text, 'hello gRPC');
    const msgSec = req.sections.find((s) => s.title === 'apache.rocketmq.v2.SendMessageRequest')!;
    const m0 = msgSec.children!.find((s) => s.title === 'messages[0]')!;
    assert.deepEqual(m0.rows!.find((r) => r.key === 'topic')?.value, 'TopicA');
    const sys = m0.children!.find((s) => s.title === 'system_properties')!;
    assert.equal(sys.rows!.find((r) => r.key === 'body_encoding')?.value, 'IDENTITY');
    assert.equal(sys.rows!.find((r) => r.key === 'message_type')?.value, 'NORMAL');
    const res = describeGrpcRow(rows[1]);
    assert.equal(res.title, 'SendMessage response OK (stream 1)');
    const call = res.sections.find((s) => s.title === 'gRPC call')!.rows!;
    assert.equal(call.find((r) => r.key === 'grpc-status')?.value, '0 OK');
    assert.equal(call.find((r) => r.key === 'status')?.value, 'OK');
    assert.match(call.find((r) => r.key === 'length')!.note!, /^compressed \(gzip\), \d+ bytes inflated$/);
    assert.match(call.find((r) => r.key === 'latency')!.value, /^\d+\.\d{3} ms$/);
    assert.equal(rows[1].pair, 0);
    assert.equal(rows[0].pair, 1);
  });

  test('a trailers-only error: grpc-status 5 and the percent-decoded grpc-message, a response row without a message', () => {
    const c = whole.calls[1];
    assert.equal(c.grpcStatus, 5);
    assert.equal(c.grpcMessage, 'topic not found: Té');
    assert.equal(c.responses.length, 0);
    const rows = grpcRows([c]);
    assert.equal(rows.length, 2);
    const d = describeGrpcRow(rows[1]);
    assert.equal(d.title, 'QueryRoute response NOT_FOUND (stream 3)');
    assert.ok(d.notes.includes('The response carried no message (headers/trailers or a reset only).'));
  });

  test('a server stream: three responses, one spread over many DATA frames, each its own row paired with the request', () => {
    const c = whole.calls[2];
    assert.equal(c.responses.length, 3);
    const rows = grpcRows([c]);
    assert.deepEqual(rows.map((r) => describeGrpcRow(r).title), ['ReceiveMessage request (stream 5)', 'ReceiveMessage response #1 OK (stream 5)', 'ReceiveMessage response #2 OK (stream 5)', 'ReceiveMessage response #3 OK (stream 5)']);
    const big = describeGrpcRow(rows[2]);
    assert.equal(big.body?.length, BIG_BODY.length);
    assert.equal(big.body?.text, BIG_BODY.toString());
    assert.match(big.properties[0].note!, /^5\.x message id: host MAC 02:fc:00:00:00:01, pid 3210/);
    const third = describeGrpcRow(rows[3]);
    assert.equal(third.sections.find((s) => s.title === 'apache.rocketmq.v2.ReceiveMessageResponse')!.rows!.find((r) => r.key === 'delivery_timestamp')?.value, '2026-12-04T14:43:00.005Z');
    for (const r of rows.slice(1)) assert.equal(r.pair, 0);
  });

  test('a call the client cancels: RST_STREAM CANCEL from the client', () => {
    const c = whole.calls[3];
    assert.deepEqual({ dir: c.reset?.dir, error: c.reset?.error }, { dir: 0, error: 'CANCEL' });
    const rows = grpcRows([c]);
    assert.match(describeGrpcRow(rows[rows.length - 1]).title, /^ReceiveMessage response (RST_STREAM CANCEL|no status yet) \(stream 7\)$/);
  });

  test('a capture that joins mid-connection: HPACK state lost is said per row; method inferred; bodies still decoded; nothing thrown', () => {
    // start after the first call's exchanges: the client preface, SETTINGS and the first header blocks are gone
    const firstResp = ex.findIndex((e, i) => i > 2 && e.dir === 1 && e.bytes.includes(Buffer.from('grpc-status')));
    const cut = decodeGrpcCaptureBytes(capture(ex, { handshake: false, skipExchanges: firstResp + 1 })).grpc;
    assert.equal(cut.connections[0].kind, 'h2c-midstream');
    const send = cut.calls.find((c) => c.streamId === 9)!;
    assert.ok(send, 'the last SendMessage is found');
    assert.equal(send.hpackPartial, true);
    assert.equal(send.method?.name, 'SendMessage');
    const d = describeGrpcRow(grpcRows([send])[0]);
    assert.equal(d.body?.text, 'hello gRPC');
    assert.ok(d.notes.some((n) => /^HPACK state (lost|not exactly known)/.test(n)), d.notes.join(' | '));
    if (send.inferred) assert.match(d.sections[0].rows!.find((r) => r.key === 'method')!.value, /SendMessage \(inferred\)/);
    for (const r of grpcRows(cut.calls)) describeGrpcRow(r);
  });

  test('a lost segment inside the big response: that message reports its missing bytes, later calls decode', () => {
    let dropped = false;
    const g = decodeGrpcCaptureBytes(capture(ex, { dropSegment: (dir, _off, chunk) => {
      // one full segment inside the 40 000-byte body, server→client
      if (dropped || dir !== 1 || chunk.length !== 1400 || !chunk.every((x) => x === 0x78)) return false;
      return (dropped = true);
    } })).grpc;
    assert.ok(dropped);
    const recv = g.calls.find((c) => c.streamId === 5)!;
    const hurt = [...recv.responses].filter((m) => m.missing > 0);
    assert.ok(hurt.length >= 1, 'a message with missing bytes');
    assert.equal(hurt[0].missing, 1400);
    const last = g.calls.find((c) => c.streamId === 9)!;
    assert.equal(last.grpcStatus, 0);
    assert.equal(last.requests.length, 1);
    for (const r of grpcRows(g.calls)) describeGrpcRow(r);
  });

  test('fuzz: mutated captures of the conversation never throw, every row describes', () => {
    const seed = capture(ex);
    const r = mulberry32(18);
    let rows = 0;
    for (let it = 0; it < 150; it++) {
      const data = mutate(seed, r);
      try {
        const g = decodeGrpcCaptureBytes(data).grpc;
        for (const row of grpcRows(g.calls)) { describeGrpcRow(row); rows++; }
      } catch (e) {
        assert.fail(`fuzz iteration ${it}: ${(e as Error).stack}`);
      }
    }
    assert.ok(rows > 0);
  });
});

describe('gRPC decoder pieces', () => {
  test('a real TLS ClientHello (Node tls): labelled TLS with SNI and ALPN, no rows', async () => {
    const hello = await recordClientHello('proxy.example.test');
    assert.deepEqual({ ...parseClientHello(hello)!, version: 0 }, { version: 0, serverName: 'proxy.example.test', alpn: ['h2'] });
    const g = decodeGrpcCaptureBytes(capture([{ dir: 0, bytes: hello }, { dir: 1, bytes: Buffer.from([0x16, 3, 3, 0, 2, 2, 0]) }])).grpc;
    assert.equal(g.connections[0].kind, 'tls');
    assert.equal(connectionLabel(g.connections[0]), 'TLS (SNI proxy.example.test, ALPN h2): payload encrypted');
    assert.equal(g.calls.length, 0);
    // every truncation of it: no throw
    for (let n = 0; n <= hello.length; n++) parseClientHello(hello.subarray(0, n));
  });

  test('HPACK: RFC 7541 C.4 (Huffman, dynamic table over three requests); joined after the first, references to it are unknown', () => {
    const h = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
    const c41 = h('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff');
    const c42 = h('8286 84be 5886 a8eb 1064 9cbf');
    const c43 = h('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf');
    const d = new HpackDecoder(true);
    const text = (r: ReturnType<HpackDecoder['decode']>) => r.fields.map((f) => `${f.name}: ${f.value}`);
    assert.deepEqual(text(d.decode(c41)), [':method: GET', ':scheme: http', ':path: /', ':authority: www.example.com']);
    assert.deepEqual(text(d.decode(c42)), [':method: GET', ':scheme: http', ':path: /', ':authority: www.example.com', 'cache-control: no-cache']);
    assert.deepEqual(text(d.decode(c43)), [':method: GET', ':scheme: https', ':path: /index.html', ':authority: www.example.com', 'custom-key: custom-value']);
    const late = new HpackDecoder(false);
    const r = late.decode(c42);
    assert.equal(r.unknownRefs, 1);
    assert.equal(r.error, undefined);
    assert.deepEqual(r.fields[3], { name: UNKNOWN_NAME, value: '(unknown)', unknown: true });
    assert.deepEqual(text(late.decode(c43)).slice(4), ['custom-key: custom-value']);
    // an exact decoder refuses a reference beyond its table
    assert.match(new HpackDecoder(true).decode(c42).error!, /HPACK index 62 is beyond the table/);
  });

  test('protobuf: the vendored definitions have every RPC of the 5.3.3 server; schema-less reading and method inference', () => {
    const methods = messagingServiceMethods();
    for (const m of ['QueryRoute', 'Heartbeat', 'SendMessage', 'QueryAssignment', 'ReceiveMessage', 'AckMessage', 'ForwardMessageToDeadLetterQueue', 'PullMessage',
      'UpdateOffset', 'GetOffset', 'QueryOffset', 'EndTransaction', 'Telemetry', 'NotifyClientTermination', 'ChangeInvisibleDuration', 'RecallMessage']) assert.ok(methods.includes(m), m);
    const bytes = encode('SendMessageRequest', { messages: [{ topic: { name: 'T' }, body: Buffer.from([0, 1, 2]) }] });
    assert.deepEqual(inferMethods(bytes, 0).map((m) => m.name), ['SendMessage']);
    const raw = decodeRawFields(bytes)!;
    assert.equal(raw[0].field, 1);
    assert.equal(raw[0].nested![0].nested![0].value, 'T');
    assert.equal(decodeRawFields(Buffer.from([0xff, 0xff, 0xff])), null);
    assert.equal(decodeAs(rocketmqRoot().lookupType('apache.rocketmq.v2.SendMessageRequest'), Buffer.from([0x0a, 0x05, 0x01])).ok, false);
    assert.equal(grpcMessageIdNote('not an id'), null);
    // fuzz the protobuf paths directly
    const r = mulberry32(7);
    for (let i = 0; i < 2000; i++) {
      const b = mutate(bytes, r);
      decodeRawFields(b);
      inferMethods(b, (i & 1) as 0 | 1);
    }
  });

  test('the generated descriptor matches the vendored .proto files', async () => {
    const { createRequire } = await import('node:module');
    const { join } = await import('node:path');
    const req = createRequire(__filename);
    const protobuf = req('protobufjs') as typeof import('protobufjs');
    const root = join(__dirname, '..', '..', '..', '..');
    const protoDir = join(root, 'src', 'core', 'grpc', 'proto');
    const r = new protobuf.Root();
    r.resolvePath = (_o: string, t: string) => (t.startsWith('google/protobuf/') ? t : join(protoDir, t));
    r.loadSync(['apache/rocketmq/v2/service.proto', 'apache/rocketmq/v2/admin.proto'], { keepCase: true });
    r.resolveAll();
    const { ROCKETMQ_V2_DESCRIPTOR } = await import('../../../src/core/grpc/rocketmq-v2-descriptor');
    assert.deepEqual(JSON.parse(JSON.stringify(r.toJSON())), JSON.parse(JSON.stringify(ROCKETMQ_V2_DESCRIPTOR)), 'run node scripts/gen-grpc-descriptor.mjs');
  });
});

