// The one host <-> webview endpoint: every request settles (reply, error answer, timeout or
// dispose), validators stand between the wire and the handlers, and both sides can ask.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Api, Endpoint, EndpointError, Envelope, parseEnvelope, Validators } from '../../../src/shared/endpoint';

interface HostApi extends Api {
  requests: { add: { params: { a: number; b: number }; result: number }; boom: { params: Record<string, never>; result: never }; slow: { params: { ms: number }; result: string } };
  events: { hello: { name: string } };
}
interface ViewApi extends Api {
  requests: { render: { params: { text: string }; result: { chars: number } } };
  events: { tick: number };
}

const HOST_CHECKS: Validators<HostApi> = {
  requests: {
    add: (v) => (typeof v === 'object' && v !== null && typeof (v as { a: unknown }).a === 'number' && typeof (v as { b: unknown }).b === 'number' ? v as { a: number; b: number } : null),
    boom: () => ({}),
    slow: (v) => v as { ms: number },
  },
  events: { hello: (v) => (typeof (v as { name?: unknown })?.name === 'string' ? v as { name: string } : null) },
};

/** Two endpoints wired back to back (asynchronously, like postMessage). */
function pair(opts: { hostTimeoutMs?: number; viewTimeoutMs?: number; drop?: (e: Envelope) => boolean } = {}) {
  const hostLog: string[] = [];
  const hellos: string[] = [];
  const ticks: number[] = [];
  const wire: Envelope[] = [];
  let host!: Endpoint<HostApi, ViewApi>;
  let view!: Endpoint<ViewApi, HostApi>;
  const deliver = (to: () => Endpoint<Api, Api>) => (e: Envelope) => {
    wire.push(e);
    if (opts.drop?.(e)) return;
    setImmediate(() => { void to().receive(JSON.parse(JSON.stringify(e))); });
  };
  host = new Endpoint<HostApi, ViewApi>({
    post: deliver(() => view as unknown as Endpoint<Api, Api>),
    validate: HOST_CHECKS,
    timeoutMs: opts.hostTimeoutMs,
    handlers: {
      add: ({ a, b }) => a + b,
      boom: () => { throw new Error('broker-a at 127.0.0.1:10911 said no'); },
      slow: ({ ms }) => new Promise((r) => setTimeout(() => r(`after ${ms}`), ms)),
    },
    events: { hello: ({ name }) => { hellos.push(name); } },
    onRejected: (w) => hostLog.push(`rejected ${w}`),
    onHandlerError: (m) => hostLog.push(`failed ${m}`),
  });
  view = new Endpoint<ViewApi, HostApi>({
    post: deliver(() => host as unknown as Endpoint<Api, Api>),
    timeoutMs: opts.viewTimeoutMs,
    handlers: { render: ({ text }) => ({ chars: text.length }) },
    events: { tick: (n) => { ticks.push(n); } },
  });
  return { host, view, hostLog, hellos, ticks, wire };
}

describe('endpoint', () => {
  test('requests both ways, replies matched by id, events delivered', async () => {
    const { host, view, hellos, ticks } = pair();
    const [x, y, z] = await Promise.all([view.request('add', { a: 2, b: 3 }), view.request('add', { a: 10, b: -1 }), host.request('render', { text: 'héllo' })]);
    assert.deepEqual([x, y, z], [5, 9, { chars: 5 }]);
    view.emit('hello', { name: 'webview' });
    host.emit('tick', 7);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(hellos, ['webview']);
    assert.deepEqual(ticks, [7]);
    assert.equal(view.pendingCount + host.pendingCount, 0);
  });

  test('a handler that throws answers with an error carrying its message', async () => {
    const { view, hostLog } = pair();
    await assert.rejects(view.request('boom', {}), (e: unknown) => e instanceof EndpointError && e.code === 'failed' && e.method === 'boom' && /broker-a at 127\.0\.0\.1:10911 said no/.test(e.message));
    assert.deepEqual(hostLog, ['failed boom']);
  });

  test('invalid params and unknown methods are answered with an error; the handler never runs', async () => {
    const { view, wire } = pair();
    await assert.rejects(view.request('add', { a: 'x', b: 1 } as never), (e: unknown) => e instanceof EndpointError && e.code === 'invalid-request');
    await assert.rejects((view as unknown as Endpoint<ViewApi, Api>).request('dropTables' as never, {} as never), (e: unknown) => e instanceof EndpointError && e.code === 'no-handler');
    assert.equal(wire.filter((w) => w.kind === 'reply').length, 0);
  });

  test('a request without an answer times out; a late answer is ignored', async () => {
    const { view } = pair({ viewTimeoutMs: 40 });
    const t0 = Date.now();
    await assert.rejects(view.request('slow', { ms: 200 }), (e: unknown) => e instanceof EndpointError && e.code === 'timeout' && /no answer within 40 ms/.test(e.message));
    assert.ok(Date.now() - t0 < 190);
    assert.equal(await view.request('slow', { ms: 5 }, { timeoutMs: 1000 }), 'after 5'); // per-call timeout
    await new Promise((r) => setTimeout(r, 220)); // the first answer arrives late and is dropped without error
    assert.equal(view.pendingCount, 0);
  });

  test('dispose settles every pending request and sends nothing more', async () => {
    const { view, wire } = pair({ drop: (e) => e.kind === 'request' });
    const p = view.request('add', { a: 1, b: 1 });
    view.dispose();
    await assert.rejects(p, (e: unknown) => e instanceof EndpointError && e.code === 'disposed');
    await assert.rejects(view.request('add', { a: 1, b: 1 }), (e: unknown) => e instanceof EndpointError && e.code === 'disposed');
    const n = wire.length;
    view.emit('hello', { name: 'x' });
    assert.equal(wire.length, n);
  });

  test('garbage and invalid events are refused and counted, not answered', async () => {
    const { host, hostLog, hellos, wire } = pair();
    for (const g of [null, 3, 'x', [], {}, { kind: 'request', id: -1, method: 'add' }, { kind: 'request', id: 1.5, method: 'add' }, { kind: 'event', name: '' },
      { kind: 'event', name: 'hello', body: { name: 5 } }, { kind: 'event', name: 'unknown', body: {} }, { kind: 'error', id: 1, code: 'weird', message: 'x' }]) {
      await host.receive(g);
    }
    assert.equal(host.rejected, 11);
    assert.equal(hostLog.length, 11);
    assert.deepEqual(hellos, []);
    assert.equal(wire.length, 0);
  });

  test('parseEnvelope keeps only the envelope fields', () => {
    assert.deepEqual(parseEnvelope({ kind: 'request', id: 4, method: 'add', params: { a: 1 }, extra: 'x' }), { kind: 'request', id: 4, method: 'add', params: { a: 1 } });
    assert.equal(parseEnvelope({ kind: 'reply', id: 2 ** 31 }), null);
  });
});
