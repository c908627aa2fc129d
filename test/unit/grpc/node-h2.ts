// A real HTTP/2 conversation for the unit tests: Node's http2 (nghttp2: its own framing, HPACK with a
// dynamic table, flow control) as a gRPC client and server speaking apache.rocketmq.v2 messages
// (encoded with protobufjs from the vendored definitions), recorded byte for byte by a TCP relay in
// between. The tests wrap the recorded bytes in TCP/IP packets (pcap-writer) and decode them.
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { gzipSync } from 'node:zlib';
import { rocketmqRoot } from '../../../src/core/grpc';

export interface Exchange { dir: 0 | 1; bytes: Buffer }

const P = 'apache.rocketmq.v2';
export const SVC = `/${P}.MessagingService`;

export function encode(type: string, obj: Record<string, unknown>): Buffer {
  const t = rocketmqRoot().lookupType(`${P}.${type}`);
  return Buffer.from(t.encode(t.fromObject(obj)).finish());
}

/** gRPC length-prefixed message (compressed: gzip'd, flag 1). */
export function frameMessage(payload: Buffer, compressed = false): Buffer {
  const body = compressed ? gzipSync(payload) : payload;
  const h = Buffer.alloc(5);
  h[0] = compressed ? 1 : 0;
  h.writeUInt32BE(body.length, 1);
  return Buffer.concat([h, body]);
}

export const BIG_BODY = Buffer.from('x'.repeat(40_000));

export const SEND_REQUEST = {
  messages: [{
    topic: { name: 'TopicA' },
    user_properties: { color: 'red' },
    system_properties: { tag: 'TagA', keys: ['k1', 'k2'], message_id: '0102FC000000010C8A0B246B7200000000', body_encoding: 1, message_type: 1 },
    body: Buffer.from('hello gRPC'),
  }],
};

/**
 * Records: SendMessage (response gzip-compressed), QueryRoute answered trailers-only with
 * grpc-status 5 and a percent-encoded grpc-message, ReceiveMessage streaming three responses (the
 * second one's body 40 000 bytes, many DATA frames), and a ReceiveMessage the client cancels (RST_STREAM).
 */
export async function recordConversation(): Promise<Exchange[]> {
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    const path = headers[':path'];
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', () => undefined);
    if (path === `${SVC}/QueryRoute`) {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '5', 'grpc-message': 'topic%20not%20found%3A%20T%C3%A9' }, { endStream: true });
      return;
    }
    if (path === `${SVC}/ReceiveMessage` && headers['x-cancel'] === 'yes') {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
      return; // the client resets it
    }
    stream.on('end', () => {
      if (path === `${SVC}/SendMessage`) {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-encoding': 'gzip' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(frameMessage(encode('SendMessageResponse', { status: { code: 20000, message: 'OK' }, entries: [{ status: { code: 20000 }, message_id: '0102FC000000010C8A0B246B7200000000', transaction_id: '' }] }), true));
      } else if (path === `${SVC}/ReceiveMessage`) {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.write(frameMessage(encode('ReceiveMessageResponse', { status: { code: 20000, message: 'OK' } })));
        stream.write(frameMessage(encode('ReceiveMessageResponse', { message: { topic: { name: 'TopicA' }, system_properties: { message_id: '0102FC000000010C8A0B246B7300000001', tag: 'TagB' }, body: BIG_BODY } })));
        stream.end(frameMessage(encode('ReceiveMessageResponse', { delivery_timestamp: { seconds: 1796395380, nanos: 5_000_000 } })));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const backend = (server.address() as net.AddressInfo).port;
  const exchanges: Exchange[] = [];
  const relay = net.createServer((c) => {
    const up = net.connect(backend, '127.0.0.1');
    c.on('data', (d: Buffer) => { exchanges.push({ dir: 0, bytes: Buffer.from(d) }); up.write(d); });
    up.on('data', (d: Buffer) => { exchanges.push({ dir: 1, bytes: Buffer.from(d) }); c.write(d); });
    c.on('end', () => up.end());
    up.on('end', () => c.end());
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  const port = (relay.address() as net.AddressInfo).port;
  const client = http2.connect(`http://127.0.0.1:${port}`);
  const call = (path: string, body: Buffer, extra: http2.OutgoingHttpHeaders = {}, cancel = false) => new Promise<void>((resolve) => {
    const req = client.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', 'x-mq-client-id': 'unit@1', ...extra });
    req.on('data', () => undefined);
    req.on('error', () => undefined);
    req.on('close', () => resolve());
    if (cancel) req.on('response', () => req.close(http2.constants.NGHTTP2_CANCEL));
    req.end(body);
  });
  await call(`${SVC}/SendMessage`, frameMessage(encode('SendMessageRequest', SEND_REQUEST)));
  await call(`${SVC}/QueryRoute`, frameMessage(encode('QueryRouteRequest', { topic: { name: 'Té' } })));
  await call(`${SVC}/ReceiveMessage`, frameMessage(encode('ReceiveMessageRequest', { group: { name: 'G' }, message_queue: { topic: { name: 'TopicA' } }, batch_size: 16 })));
  await call(`${SVC}/ReceiveMessage`, frameMessage(encode('ReceiveMessageRequest', { group: { name: 'G2' }, batch_size: 1 })), { 'x-cancel': 'yes' }, true);
  // a second SendMessage: its headers come from the HPACK dynamic table (what a mid-connection capture misses)
  await call(`${SVC}/SendMessage`, frameMessage(encode('SendMessageRequest', SEND_REQUEST)));
  await new Promise<void>((r) => client.close(() => r()));
  await new Promise<void>((r) => relay.close(() => r()));
  await new Promise<void>((r) => server.close(() => r()));
  return exchanges;
}

/** The ClientHello Node's TLS client sends (SNI and ALPN h2), caught by a plain TCP server. */
export async function recordClientHello(servername: string): Promise<Buffer> {
  const tls = await import('node:tls');
  let resolveHello!: (b: Buffer) => void;
  const got = new Promise<Buffer>((r) => (resolveHello = r));
  const srv = net.createServer((c) => {
    let acc = Buffer.alloc(0);
    c.on('data', (d: Buffer) => {
      acc = Buffer.concat([acc, d]);
      if (acc.length >= 5 && acc.length >= 5 + acc.readUInt16BE(3)) { resolveHello(acc); c.destroy(); }
    });
    c.on('error', () => undefined);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const s = tls.connect({ host: '127.0.0.1', port: (srv.address() as net.AddressInfo).port, servername, ALPNProtocols: ['h2'], rejectUnauthorized: false });
  s.on('error', () => undefined);
  const hello = await got;
  s.destroy();
  await new Promise<void>((r) => srv.close(() => r()));
  return hello;
}
