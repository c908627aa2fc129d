// A tiny RemotingCommand server on 127.0.0.1 for producer unit tests: each request goes to `handle`,
// which returns a response, nothing (no answer), or 'close' (drop the connection).
import * as net from 'node:net';
import { decodeFrame, encodeFrame, FrameSplitter, RemotingCommand, createResponse, isOneway } from '../../../src/core/remoting';

export type Handler = (req: RemotingCommand, sock: net.Socket) => RemotingCommand | void | 'close' | Promise<RemotingCommand | void | 'close'>;

export class FakeServer {
  readonly received: RemotingCommand[] = [];
  readonly sockets = new Set<net.Socket>();
  private server!: net.Server;
  addr = '';
  constructor(public handle: Handler) {}

  async start(): Promise<this> {
    this.server = net.createServer((sock) => {
      this.sockets.add(sock);
      sock.on('close', () => this.sockets.delete(sock));
      sock.on('error', () => undefined);
      const sp = new FrameSplitter();
      sock.on('data', async (chunk) => {
        for (const f of sp.push(chunk)) {
          const req = decodeFrame(Buffer.from(f));
          this.received.push(req);
          const r = await this.handle(req, sock);
          if (r === 'close') { sock.destroy(); return; }
          if (r && !isOneway(req)) sock.write(encodeFrame(r));
        }
      });
    });
    await new Promise<void>((res) => this.server.listen(0, '127.0.0.1', res));
    this.addr = `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
    return this;
  }

  /** Sends a server→client request on every open connection. */
  push(cmd: RemotingCommand): void { for (const s of this.sockets) s.write(encodeFrame(cmd)); }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((res) => this.server.close(() => res()));
  }
}

export function ok(req: RemotingCommand, ext?: Record<string, string | number>, body?: Uint8Array): RemotingCommand {
  return createResponse(req, 0, null, ext ?? null, { body: body ?? null });
}

export function err(req: RemotingCommand, code: number, remark: string): RemotingCommand {
  return createResponse(req, code, remark);
}

export function routeJson(brokers: Array<{ name: string; addr: string; queues: number; perm?: number }>): Uint8Array {
  return Buffer.from(JSON.stringify({
    brokerDatas: brokers.map((b) => ({ brokerAddrs: { 0: b.addr }, brokerName: b.name, cluster: 'C' })),
    filterServerTable: {},
    queueDatas: brokers.map((b) => ({ brokerName: b.name, perm: b.perm ?? 6, readQueueNums: b.queues, topicSysFlag: 0, writeQueueNums: b.queues })),
  }));
}
