// gRPC rows beside remoting frames in one index (the real fixture capture holds both): the list's names
// and statuses, pairing and latency, the one filter selecting a protocol, the summary's counts, the
// details pane fed by the gRPC describer, and the CLI's capture printing gRPC rows the same way.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CaptureIndex, indexCaptureFile } from '../../../src/core/capture/capture-index';
import { compileFilter, parseFilter } from '../../../src/core/capture/filter';
import { computeStats } from '../../../src/core/capture/stats';
import { isErrorFrame } from '../../../src/core/capture/errors';
import { registerGrpcDecoding, describeIndexedGrpc, grpcRowBytes } from '../../../src/core/grpc';
import { InspectorModel } from '../../../src/app/inspector/view-model';
import { buildDetails } from '../../../src/app/inspector/details';

const ROOT = join(__dirname, '..', '..', '..', '..');
const CAPTURE = join(ROOT, 'test', 'fixtures', 'captures', 'grpc-5.3.3.pcapng');
let ix: CaptureIndex;

before(async () => {
  registerGrpcDecoding();
  ix = await indexCaptureFile(CAPTURE);
});

test('one index holds remoting frames and gRPC rows; the model names them by protocol', () => {
  const m = new InspectorModel(ix);
  const rows = m.rows(0, m.length);
  const grpc = rows.filter((r) => r.protocol === 'grpc');
  const remoting = rows.filter((r) => r.protocol === 'remoting');
  assert.ok(remoting.length > 0 && grpc.length > 100, `${remoting.length} remoting, ${grpc.length} gRPC`);
  const send = grpc.find((r) => r.codeName === 'SendMessage' && !r.response)!;
  assert.equal(send.status, 'OK', 'a request shows its answer\'s status (the RocketMQ Code in the response)');
  assert.equal(send.statusError, false, 'gRPC OK is not an error in the list (the Status column is not marked)');
  assert.ok(remoting.every((r) => r.statusError === undefined), 'remoting rows keep their own rule');
  const resp = rows.find((r) => r.frame === send.pair)!;
  assert.equal(resp.codeName, 'SendMessage');
  assert.equal(resp.response, true);
  assert.equal(resp.pair, send.frame);
  assert.ok(resp.latencyUs !== null && resp.latencyUs > 0);
  assert.match(send.topic ?? '', /^GrpcNormal|GrpcFifo|GrpcDelay|GrpcTx$/);
  assert.equal(send.opaque % 2, 1, 'opaque holds the (client-initiated, odd) stream id');
  // the long poll that found nothing is not an error; nothing in this capture is
  for (let i = 0; i < ix.length; i++) assert.equal(isErrorFrame(ix, i), false, `frame ${i}`);
});

test('the filter selects a protocol (proto=grpc / proto=remoting, and in the inspector\'s FilterSpec)', () => {
  const count = (expr: string) => { const p = compileFilter(ix, parseFilter(expr)); let n = 0; for (let i = 0; i < ix.length; i++) if (p(i)) n++; return n; };
  const g = count('proto=grpc'), r = count('proto=remoting');
  assert.equal(g + r, ix.length);
  assert.ok(g > 0 && r > 0);
  const m = new InspectorModel(ix);
  assert.equal(m.setView({ column: 'time', descending: false }, { protocol: 'grpc' }), g);
  assert.equal(m.setView({ column: 'time', descending: false }, { protocol: 'grpc', topic: 'GrpcNormal' }) > 0, true);
});

test('the summary counts gRPC methods apart from remoting codes', () => {
  const st = computeStats(ix);
  const send = st.byCode.find((s) => s.name === 'SendMessage')!;
  assert.deepEqual([send.requests, send.responses, send.errors, send.unanswered], [8, 8, 0, 0]);
  assert.ok(st.byCode.some((s) => s.name === 'GET_BROKER_CLUSTER_INFO'), 'remoting frames counted as before');
  assert.equal(st.unanswered, 0, 'a stream\'s later Telemetry messages are not unanswered requests');
});

test('details of a gRPC row: the pane renders the gRPC description (sections, properties, body, hex of the message)', () => {
  const m = new InspectorModel(ix);
  const i = m.rows(0, m.length).find((r) => r.protocol === 'grpc' && r.codeName === 'SendMessage' && !r.response)!.frame;
  const d = buildDetails({ index: ix, frame: i, row: m.row(i), bytes: grpcRowBytes(ix, i), missing: 0, description: describeIndexedGrpc(ix, i)! });
  assert.match(d.sections.map((s) => s.title).join(' | '), /gRPC call \| HTTP\/2 request headers \| apache\.rocketmq\.v2\.SendMessageRequest/);
  assert.ok(d.properties.some((p) => p.key === 'message_id'));
  assert.equal(d.body?.kind, 'text');
  assert.ok(d.hexTotalBytes > 0);
  assert.equal(describeIndexedGrpc(ix, 0) === null || ix.cols.proto[0] === 1, true, 'remoting frames have no gRPC description');
});

test('the CLI\'s capture prints gRPC rows the same way (protocol, method, stream, status, pair, latency; --views the description)', () => {
  const cli = join(ROOT, 'out', 'src', 'cli', 'main.js');
  const r = spawnSync(process.execPath, [cli, 'capture', CAPTURE, '--json', '--views', '--filter', 'proto=grpc'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(lines.length > 100);
  assert.ok(lines.every((o) => o.protocol === 'grpc'));
  const fwd = lines.find((o) => o.methodName === 'ForwardMessageToDeadLetterQueue' && o.type === 'response')!;
  assert.equal(fwd.status, 'OK');
  assert.equal(fwd.grpcStatus, 0);
  assert.equal(typeof fwd.latencyUs, 'number');
  assert.match(String((fwd.view as { title: string }).title), /^ForwardMessageToDeadLetterQueue response OK \(stream \d+\)$/);
  const all = spawnSync(process.execPath, [cli, 'capture', CAPTURE, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const frames = all.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { frame: number }).frame);
  assert.deepEqual(frames, [...frames].sort((a, b) => a - b), 'remoting and gRPC rows in frame order');
  assert.equal(frames.length, ix.length);
});

test('the Text filter\'s content search finds gRPC rows by body, id and property text, beside remoting frames', async () => {
  const { searchCaptureFile } = await import('../../../src/core/capture/search');
  for (const method of [undefined, 'pipeline'] as const) {
    const [body, id, cluster] = await searchCaptureFile(ix, ['hello gRPC', '0102FC', 'DefaultCluster'], { method });
    const frames = (h: typeof body) => { const out: number[] = []; for (let i = 0; i < ix.length; i++) if (h.has(i)) out.push(i); return out; };
    const b = frames(body);
    assert.ok(b.length >= 2 && b.every((i) => ix.cols.proto[i] === 1), `body text in gRPC rows (${method ?? 'indexed'})`);
    assert.ok(frames(id).length > 10);
    assert.ok(frames(cluster).length > 0 && frames(cluster).every((i) => ix.cols.proto[i] === 0), 'remoting content still found');
  }
});

test('the Code filter selects gRPC calls by method — short name, full path, part of a name — in the CLI syntax and the inspector\'s Code field alike', () => {
  const m = new InspectorModel(ix);
  const select = (expr: string) => { const p = compileFilter(ix, parseFilter(expr)); const out: number[] = []; for (let i = 0; i < ix.length; i++) if (p(i)) out.push(i); return out; };
  const sends = select('code=SendMessage');
  assert.equal(sends.length, 16, 'the 8 SendMessage requests and their 8 responses');
  for (const i of sends) {
    const r = m.row(i);
    assert.equal(r.protocol, 'grpc');
    assert.equal(r.codeName, 'SendMessage');
  }
  assert.equal(sends.filter((i) => !m.row(i).response).every((i) => sends.includes(m.row(i).pair!)), true, 'each request with its response');
  assert.deepEqual(select('code=/apache.rocketmq.v2.MessagingService/SendMessage'), sends, 'the full path');
  assert.deepEqual(select('code=apache.rocketmq.v2.MessagingService/SendMessage'), sends, 'the full path without its slash');
  assert.deepEqual(select('code=sendmessage'), sends, 'any case');
  // a part of a name, and a list mixing both protocols
  const receives = select('code=receive');
  assert.ok(receives.length > 0 && receives.every((i) => m.row(i).codeName === 'ReceiveMessage'));
  const mixed = select('code=SendMessage,GET_ROUTEINFO_BY_TOPIC');
  const route = select('code=GET_ROUTEINFO_BY_TOPIC');
  assert.ok(route.length > 0 && route.every((i) => m.row(i).protocol === 'remoting'));
  assert.equal(mixed.length, sends.length + route.length);
  // the inspector's Code field is the same engine
  assert.equal(m.setView({ column: 'index', descending: false }, { code: 'SendMessage' }), 16);
  assert.equal(m.setView({ column: 'index', descending: false }, { code: '/apache.rocketmq.v2.MessagingService/SendMessage', kind: 'requests' }), 8);
  assert.equal(m.setView({ column: 'index', descending: false }, { code: 'NoSuchMethod' }), 0, 'a name nothing knows matches nothing');
  assert.throws(() => parseFilter('code=NoSuchMethod'), /unknown code name NoSuchMethod/);
});

test('a gRPC method id is no remoting code: remoting code names and numbers, in the Code filter and in free text, leave gRPC rows alone', () => {
  // method ids are small numbers (EndTransaction is 11, PULL_MESSAGE's code); they used to match remoting names
  const m = new InspectorModel(ix);
  const endTx = m.rows(0, m.length).filter((r) => r.protocol === 'grpc' && r.codeName === 'EndTransaction');
  assert.ok(endTx.length > 0 && endTx.every((r) => r.code === 11 || r.response));
  const count = (expr: string) => { const p = compileFilter(ix, parseFilter(expr)); let n = 0; for (let i = 0; i < ix.length; i++) if (p(i) && ix.cols.proto[i] === 1) n++; return n; };
  assert.equal(count('code=PULL_MESSAGE'), 0);
  assert.equal(count('code=11'), 0);
  assert.equal(count('PULL_MESSAGE'), 0, 'free text names gRPC rows by method, not by a remoting code of the same number');
  assert.equal(count('EndTransaction'), endTx.length, 'free text finds a gRPC row by its method name without a content search');
});

test('the CLI prints the rows a gRPC method selects (capture --filter code=SendMessage --json)', () => {
  const cli = join(ROOT, 'out', 'src', 'cli', 'main.js');
  const r = spawnSync(process.execPath, [cli, 'capture', CAPTURE, '--json', '--filter', 'code=/apache.rocketmq.v2.MessagingService/SendMessage'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 16);
  assert.ok(lines.every((o) => o.protocol === 'grpc' && o.methodName === 'SendMessage' && o.method === '/apache.rocketmq.v2.MessagingService/SendMessage'));
});
