import * as net from 'node:net';
import { CodecError } from '../remoting/errors';
import { createResponse, isOneway, isResponse, RemotingCommand } from '../remoting/command';
import { decodeFrame, encodeFrame } from '../remoting/frame';
import { FrameSplitter } from '../remoting/frame-splitter';
import { ResponseCode } from '../remoting/codes';
import { parseAddress } from './address';
import { TransportError } from './errors';

/** One frame as it crossed the wire, for the inspector's "my traffic" view and for tests. */
export interface TrafficRecord {
  connectionId: number;
  direction: 'out' | 'in';
  local: { address: string; port: number };
  remote: { address: string; port: number };
  /** Milliseconds since the epoch, sub-millisecond precision. */
  timestamp: number;
  bytes: Buffer;
}

export type RequestHandler = (request: RemotingCommand, conn: RemotingConnection) =>
  RemotingCommand | void | Promise<RemotingCommand | void>;

export interface ConnectionOptions {
  connectTimeoutMs?: number;
  maxFrameLength?: number;
  onTraffic?: (record: TrafficRecord) => void;
  /** Handles requests the peer sends us (e.g. the broker's CHECK_TRANSACTION_STATE). */
  onRequest?: RequestHandler;
}

interface Pending {
  resolve: (c: RemotingCommand) => void;
  reject: (e: Error) => void;
  /** performance.now() at which the request times out. */
  deadline: number;
  timeoutMs: number;
  code: number;
  closeOnTimeout: boolean;
}

let nextConnectionId = 1;
/** Bytes of a peer's unframed answer kept for the error (sniff.ts needs the first few dozen). */
const RECEIVED_HEAD = 64;
const wallClock = (): number => performance.timeOrigin + performance.now();

/**
 * One TCP connection speaking RemotingCommand frames, matching responses to requests by opaque.
 * When the connection ends, every pending request fails at once with a `closed` TransportError —
 * callers never wait out a timeout on a dead socket.
 */
export class RemotingConnection {
  readonly id = nextConnectionId++;
  private readonly pending = new Map<number, Pending>();
  private readonly splitter: FrameSplitter;
  private closeError: TransportError | undefined;
  private readonly closeListeners: ((e: TransportError) => void)[] = [];
  private requestHandler: RequestHandler | undefined;
  /**
   * The first bytes the peer sent while no frame has been decoded yet (at most RECEIVED_HEAD): when
   * the connection then fails, they say what the peer speaks instead (HTTP/2, TLS — the doctor's
   * sniff.ts). Null once a frame decoded.
   */
  private head: Buffer | null = Buffer.alloc(0);

  private constructor(
    readonly address: string,
    private readonly socket: net.Socket,
    private readonly opts: ConnectionOptions,
  ) {
    this.splitter = new FrameSplitter({ maxFrameLength: opts.maxFrameLength });
    this.requestHandler = opts.onRequest;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.shutdown(new TransportError('closed', `connection error: ${err.message}`, address, undefined, err)));
    socket.on('close', () => this.shutdown(new TransportError('closed', 'connection closed by peer', address)));
  }

  static connect(address: string, opts: ConnectionOptions = {}): Promise<RemotingConnection> {
    let hp: { host: string; port: number };
    try { hp = parseAddress(address); } catch (e) { return Promise.reject(e); }
    const timeoutMs = opts.connectTimeoutMs ?? 3000;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: hp.host, port: hp.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportError('connect-timeout', `no connection within ${timeoutMs} ms`, address));
      }, timeoutMs);
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const refused = err.code === 'ECONNREFUSED';
        reject(new TransportError(refused ? 'connect-refused' : 'connect-failed',
          refused ? 'connection refused (is the server running on this address?)' : `cannot connect: ${err.message}`, address, undefined, err));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RemotingConnection(address, socket, opts));
      });
    });
  }

  get closed(): boolean { return this.closeError !== undefined; }
  get pendingCount(): number { return this.pending.size; }
  get localAddress(): string { return `${this.socket.localAddress}:${this.socket.localPort}`; }

  setRequestHandler(handler: RequestHandler | undefined): void { this.requestHandler = handler; }

  onClose(listener: (e: TransportError) => void): void {
    if (this.closeError) listener(this.closeError); else this.closeListeners.push(listener);
  }

  /**
   * Sends a request and waits for the response with the same opaque. `closeOnTimeout`: a timeout
   * also closes the connection (Java's clientCloseSocketIfTimeout), failing the other requests on it.
   */
  request(cmd: RemotingCommand, timeoutMs = 3000, closeOnTimeout = false): Promise<RemotingCommand> {
    if (this.closeError) return Promise.reject(new TransportError('closed', 'connection is closed', this.address, cmd.code));
    if (this.pending.has(cmd.opaque)) {
      return Promise.reject(new TransportError('protocol', `opaque ${cmd.opaque} is already waiting for a response`, this.address, cmd.code));
    }
    let frame: Buffer;
    try { frame = encodeFrame(cmd); } catch (e) { return Promise.reject(e); }
    return new Promise((resolve, reject) => {
      const deadline = performance.now() + timeoutMs;
      this.pending.set(cmd.opaque, { resolve, reject, deadline, timeoutMs, code: cmd.code, closeOnTimeout });
      if (deadline < this.timerAt) this.armTimer(deadline);
      this.write(frame);
    });
  }

  // One timer per connection, armed for the earliest deadline, instead of one per request: under
  // hundreds of requests in flight, creating and clearing a timer for each was a measurable part of
  // every send. It fires at the same moment the request's own timer would have.
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  private armTimer(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.expire(), Math.max(1, Math.ceil(at - performance.now())));
  }

  private disarmTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private expire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    let close = false;
    for (const [opaque, p] of this.pending) {
      if (p.deadline <= now) {
        this.pending.delete(opaque);
        p.reject(new TransportError('timeout', `no response within ${p.timeoutMs} ms (opaque ${opaque})`, this.address, p.code));
        close ||= p.closeOnTimeout;
      } else if (p.deadline < next) next = p.deadline;
    }
    if (close) this.close();
    else if (next < Infinity) this.armTimer(next);
  }

  /** Sends a request that expects no response; resolves when the bytes are handed to the socket. */
  oneway(cmd: RemotingCommand): Promise<void> {
    if (this.closeError) return Promise.reject(new TransportError('closed', 'connection is closed', this.address, cmd.code));
    const frame = encodeFrame({ ...cmd, flag: cmd.flag | 2 });
    return new Promise((resolve, reject) => {
      this.write(frame, (err) => err ? reject(new TransportError('closed', `write failed: ${err.message}`, this.address, cmd.code, err)) : resolve());
    });
  }

  close(): void {
    this.shutdown(new TransportError('closed', 'connection closed by this client', this.address));
    this.socket.destroy();
  }

  private corked = false;

  private write(frame: Buffer, cb?: (err?: Error | null) => void): void {
    this.record('out', frame);
    // Frames written in the same tick (many async sends) go out in one syscall; uncorked next tick,
    // so a lone request is not delayed.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => { this.corked = false; this.socket.uncork(); });
    }
    this.socket.write(frame, cb);
  }

  private record(direction: 'out' | 'in', bytes: Buffer): void {
    if (!this.opts.onTraffic) return;
    this.opts.onTraffic({
      connectionId: this.id, direction, timestamp: wallClock(), bytes,
      local: { address: this.socket.localAddress ?? '', port: this.socket.localPort ?? 0 },
      remote: { address: this.socket.remoteAddress ?? '', port: this.socket.remotePort ?? 0 },
    });
  }

  private onData(chunk: Buffer): void {
    if (this.head && this.head.length < RECEIVED_HEAD) this.head = Buffer.concat([this.head, chunk.subarray(0, RECEIVED_HEAD - this.head.length)]);
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk);
    } catch (e) {
      this.fail(e as CodecError);
      return;
    }
    for (const f of frames) {
      this.record('in', f);
      let cmd: RemotingCommand;
      try { cmd = decodeFrame(f); } catch (e) { this.fail(e as CodecError); return; }
      this.head = null;
      if (isResponse(cmd)) this.onResponse(cmd);
      else void this.onPeerRequest(cmd);
    }
  }

  private onResponse(cmd: RemotingCommand): void {
    const p = this.pending.get(cmd.opaque);
    if (!p) return; // like Java: a response nobody waits for (timed out) is dropped
    this.pending.delete(cmd.opaque);
    if (this.pending.size === 0) this.disarmTimer(); // nothing left to time out: let the process exit
    p.resolve(cmd);
  }

  private async onPeerRequest(req: RemotingCommand): Promise<void> {
    let resp: RemotingCommand | void;
    try {
      resp = this.requestHandler
        ? await this.requestHandler(req, this)
        : createResponse(req, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, ` request type ${req.code} not supported`);
    } catch (e) {
      resp = createResponse(req, ResponseCode.SYSTEM_ERROR, e instanceof Error ? e.message : String(e));
    }
    if (resp && !isOneway(req) && !this.closed) this.write(encodeFrame(resp));
  }

  private fail(e: CodecError): void {
    this.shutdown(new TransportError('protocol', `peer sent an undecodable frame: ${e.message}`, this.address, undefined, e));
    this.socket.destroy();
  }

  private shutdown(err: TransportError): void {
    if (this.closeError) return;
    if (this.head?.length) err.received = this.head;
    this.closeError = err;
    this.disarmTimer();
    for (const [opaque, p] of this.pending) {
      const e = new TransportError(err.kind, `${err.message.replace(/ \[.*\]$/, '')} while waiting for a response (opaque ${opaque})`, this.address, p.code, err);
      e.received = err.received;
      p.reject(e);
    }
    this.pending.clear();
    for (const l of this.closeListeners.splice(0)) l(err);
  }
}
