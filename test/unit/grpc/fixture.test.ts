// Golden output of the real gRPC capture test/fixtures/captures/grpc-5.3.3.pcapng (recorded by
// test/support/golden/capture-grpc.ts: rocketmq-client-java 5.0.8 ↔ the 5.3.3 Proxy, h2c and TLS, with
// the NameServer probes' remoting frames in the same file): every connection's label and frame counts,
// every row's title, pairing, latency, properties, body and notes, and the full description of the
// first row of each method and direction — compared with test/fixtures/golden/grpc-5.3.3/rows.json.
//
// An intended change: `npx tsc -p . && RMQ_UPDATE_GOLDEN=1 node --test out/test/unit/grpc/` and review the diff.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decodeGrpcCapture, describeGrpcRow, grpcRows, connectionLabel } from '../../../src/core/grpc';

const ROOT = join(__dirname, '..', '..', '..', '..');
const CAPTURE = join(ROOT, 'test', 'fixtures', 'captures', 'grpc-5.3.3.pcapng');
const GOLDEN = join(ROOT, 'test', 'fixtures', 'golden', 'grpc-5.3.3', 'rows.json');

async function outputs(): Promise<unknown> {
  const { index, grpc } = await decodeGrpcCapture(CAPTURE);
  const rows = grpcRows(grpc.calls);
  const t0 = rows.length ? rows[0].ts : 0;
  const firstOf = new Set<string>();
  return {
    remotingFrames: index.length,
    connections: grpc.connections.map((c) => ({
      label: connectionLabel(c), clientPort: c.info.clientPort, frames: c.frames, frameTypes: Object.fromEntries([...c.frameTypes].sort()), notes: c.notes,
      settings: c.settings.map((m) => Object.fromEntries(m)), tls: c.tls ?? null,
    })),
    rows: rows.map((r, i) => {
      const d = describeGrpcRow(r);
      const key = `${r.call.method?.name}/${r.dir}`;
      const full = !firstOf.has(key);
      firstOf.add(key);
      return {
        row: i, title: d.title, atUs: Math.round(r.ts - t0), pair: r.pair ?? null, latencyUs: r.latencyUs === undefined ? null : Math.round(r.latencyUs),
        properties: d.properties.map((p) => `${p.key}=${p.value}`), body: d.body ? { kind: d.body.kind, length: d.body.length } : null, notes: d.notes,
        ...(full ? { description: d } : {}),
      };
    }),
  };
}

test('the real gRPC capture decodes to its golden rows', async () => {
  const actual = JSON.stringify(await outputs(), null, 1) + '\n';
  if (process.env.RMQ_UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) {
    if (!process.env.RMQ_UPDATE_GOLDEN && !existsSync(GOLDEN)) assert.fail(`${GOLDEN} is missing: run with RMQ_UPDATE_GOLDEN=1`);
    mkdirSync(dirname(GOLDEN), { recursive: true });
    writeFileSync(GOLDEN, actual);
    return;
  }
  const expected = readFileSync(GOLDEN, 'utf8');
  if (actual !== expected) {
    const a = actual.split('\n'), e = expected.split('\n');
    const i = a.findIndex((l, k) => l !== e[k]);
    assert.fail(`golden rows differ at line ${i + 1}: expected ${JSON.stringify(e[i])}, got ${JSON.stringify(a[i])}; if intended: npx tsc -p . && RMQ_UPDATE_GOLDEN=1 node --test out/test/unit/grpc/`);
  }
});

test('every RPC the 5.3.3 Proxy and the 5.0.8 client use is in the fixture, answered OK', async () => {
  const { grpc } = await decodeGrpcCapture(CAPTURE);
  const methods = new Set(grpc.calls.map((c) => c.method?.name));
  for (const m of ['QueryRoute', 'Heartbeat', 'SendMessage', 'QueryAssignment', 'ReceiveMessage', 'AckMessage', 'ChangeInvisibleDuration', 'EndTransaction', 'ForwardMessageToDeadLetterQueue', 'NotifyClientTermination', 'Telemetry']) {
    assert.ok(methods.has(m), m);
  }
  for (const c of grpc.calls) if (c.method?.name !== 'ReceiveMessage' && c.method?.name !== 'Telemetry') assert.equal(c.grpcStatus, 0, `${c.method?.name} ${c.streamId}`);
  assert.deepEqual(grpc.connections.map((c) => c.kind).sort(), ['h2c', 'h2c', 'h2c', 'h2c', 'tls']);
});
