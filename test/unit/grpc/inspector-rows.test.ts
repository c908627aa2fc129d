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
