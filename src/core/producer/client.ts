/**
 * Shared client plumbing (Java `MQClientInstance` + `MQClientAPIImpl` + the remoting client):
 * the connection pool (one connection per address), ACL signing, traffic hook and server→client request
 * dispatch; NameServer queries go through the one NameServerClient over this pool (`nameServer`).
 * Used by the producer, the CLI, the extension's connection session and the read-back helpers.
 */
import {
  RemotingCommand, allocateOpaque, ResponseCode, TopicRouteData, ClusterInfo, TopicList, SerializeType, LanguageCode,
  DEFAULT_CLIENT_VERSION,
} from '../remoting';
import { RemotingConnection, TrafficRecord, TransportError, parseAddressList, RequestHandler } from '../transport';
import { NameServerClient } from '../namesrv/namesrv-client';
import { AclCredentials, signRequest } from './acl';
import { MQClientError, errorText } from './errors';

export interface ClientOptions {
  /** NameServer list `host:port;host:port`. */
  namesrvAddr: string;
  acl?: AclCredentials;
  serializeType?: SerializeType;
  /** MQVersion ordinal announced in every request (default V5_3_3 = 479). */
  clientVersion?: number;
  language?: number;
  connectTimeoutMs?: number;
  /** Timeout for NameServer and heartbeat calls (Java `mqClientApiTimeout`, 3000). */
  apiTimeoutMs?: number;
  /** Close a connection whose request timed out (Java `clientCloseSocketIfTimeout`, default true). */
  closeSocketIfTimeout?: boolean;
  /** Every frame in and out, per connection. */
  onTraffic?: (record: TrafficRecord & { address: string }) => void;
}

export type ServerRequestHandler = (req: RemotingCommand, conn: RemotingConnection) => RemotingCommand | void | Promise<RemotingCommand | void>;

export class MQClient {
  readonly namesrvList: string[];
  private ns: NameServerClient | undefined;
  private readonly conns = new Map<string, Promise<RemotingConnection>>();
  /** Connections already established (lets the hot path skip a promise hop). */
  private readonly ready = new Map<string, RemotingConnection>();
  private readonly handlers = new Map<number, ServerRequestHandler>();
  private closedFlag = false;
  readonly opts: Required<Omit<ClientOptions, 'acl' | 'onTraffic'>> & Pick<ClientOptions, 'acl' | 'onTraffic'>;

  constructor(opts: ClientOptions) {
    if (!opts.namesrvAddr) throw new MQClientError('NO_NAMESERVER', 'No name server address, please set namesrvAddr');
    try {
      this.namesrvList = parseAddressList(opts.namesrvAddr);
    } catch (e) {
      throw new MQClientError('NO_NAMESERVER', `invalid NameServer address list ${JSON.stringify(opts.namesrvAddr)}: ${errorText(e)}`, { cause: e });
    }
    this.opts = {
      serializeType: 'JSON', clientVersion: DEFAULT_CLIENT_VERSION, language: LanguageCode.JAVA, connectTimeoutMs: 3000,
      apiTimeoutMs: 3000, closeSocketIfTimeout: true, ...opts,
    };
  }

  /** The NameServer client over this pool (random start, sticky, failover; see namesrv-client.ts). */
  get nameServer(): NameServerClient {
    return this.ns ??= new NameServerClient(this);
  }

  get closed(): boolean { return this.closedFlag; }

  /** Builds a request with this client's serialize type, language and version. */
  request(code: number, ext?: Record<string, string | number | boolean | bigint | null | undefined> | null, body?: Uint8Array | null, oneway = false): RemotingCommand {
    // Built directly (same shape as the codec's createRequest): this is on every send's hot path.
    let extFields: Record<string, string> | null = null;
    if (ext) {
      extFields = {};
      for (const k in ext) {
        const v = ext[k];
        if (v !== undefined && v !== null) extFields[k] = typeof v === 'string' ? v : String(v);
      }
    }
    return {
      code, language: this.opts.language, version: this.opts.clientVersion, opaque: allocateOpaque(), flag: oneway ? 2 : 0,
      remark: null, extFields, serializeType: this.opts.serializeType, body: body ?? null,
    };
  }

  /** Handles requests brokers send us on any connection (e.g. CHECK_TRANSACTION_STATE). */
  registerServerRequestHandler(code: number, h: ServerRequestHandler): void { this.handlers.set(code, h); }

  private dispatch: RequestHandler = async (req, conn) => {
    const h = this.handlers.get(req.code);
    if (!h) return createRequestNotSupported(req);
    return h(req, conn);
  };

  /** Existing or new connection to `addr`. Connection failures are TransportErrors. */
  connection(addr: string, connectTimeoutMs = this.opts.connectTimeoutMs): Promise<RemotingConnection> {
    if (this.closedFlag) return Promise.reject(new MQClientError('SHUT_DOWN', 'the client has been shut down'));
    const existing = this.conns.get(addr);
    if (existing) return existing;
    const onTraffic = this.opts.onTraffic;
    const p = RemotingConnection.connect(addr, {
      connectTimeoutMs: Math.max(1, connectTimeoutMs),
      onRequest: this.dispatch,
      onTraffic: onTraffic ? (r) => onTraffic({ ...r, address: addr }) : undefined,
    }).then((c) => {
      c.onClose(() => {
        if (this.conns.get(addr) === p) this.conns.delete(addr);
        if (this.ready.get(addr) === c) this.ready.delete(addr);
      });
      if (!c.closed) this.ready.set(addr, c);
      if (this.closedFlag) c.close();
      return c;
    }, (e) => {
      if (this.conns.get(addr) === p) this.conns.delete(addr);
      throw e;
    });
    this.conns.set(addr, p);
    return p;
  }

  /** Closes the connection to `addr` if one exists (pending requests on it fail at once). */
  closeConnection(addr: string): void {
    const p = this.conns.get(addr);
    this.conns.delete(addr);
    this.ready.delete(addr);
    p?.then((c) => c.close(), () => undefined);
  }

  private sign(cmd: RemotingCommand): RemotingCommand {
    return this.opts.acl ? signRequest(cmd, this.opts.acl) : cmd;
  }

  /** Sync request to an address with a timeout budget covering connect + response. */
  invoke(addr: string, cmd: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    const established = this.ready.get(addr);
    if (established && !established.closed && !this.closedFlag) return this.requestOn(established, cmd, timeoutMs);
    return this.invokeConnecting(addr, cmd, timeoutMs);
  }

  private async invokeConnecting(addr: string, cmd: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    const start = Date.now();
    const conn = await this.connection(addr, Math.min(this.opts.connectTimeoutMs, timeoutMs));
    const left = timeoutMs - (Date.now() - start);
    if (left <= 0) throw new TransportError('timeout', `no time left for the request after connecting (${timeoutMs} ms budget)`, addr, cmd.code);
    return this.requestOn(conn, cmd, left);
  }

  private requestOn(conn: RemotingConnection, cmd: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    return conn.request(this.sign(cmd), timeoutMs, this.opts.closeSocketIfTimeout);
  }

  async invokeOneway(addr: string, cmd: RemotingCommand, timeoutMs: number): Promise<void> {
    const conn = await this.connection(addr, Math.min(this.opts.connectTimeoutMs, timeoutMs));
    if (!(cmd.flag & 2)) cmd.flag |= 2;
    await conn.oneway(this.sign(cmd));
  }

  /** GET_ROUTEINFO_BY_TOPIC through `nameServer`. TOPIC_NOT_EXIST and other codes raise MQNameServerError. */
  async getTopicRoute(topic: string, timeoutMs = this.opts.apiTimeoutMs): Promise<TopicRouteData> {
    return (await this.nameServer.getRouteInfo(topic, timeoutMs)).value;
  }

  async getClusterInfo(timeoutMs = this.opts.apiTimeoutMs): Promise<ClusterInfo> {
    return (await this.nameServer.getClusterInfo(timeoutMs)).value;
  }

  async getTopicList(timeoutMs = this.opts.apiTimeoutMs): Promise<TopicList> {
    return (await this.nameServer.getAllTopicList(timeoutMs)).value;
  }

  /** Closes every connection; their pending requests fail at once. */
  async close(): Promise<void> {
    this.closedFlag = true;
    const all = [...this.conns.values()];
    this.conns.clear();
    this.ready.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close(), () => undefined)));
  }

  /** Addresses with an open (or opening) connection. */
  connectedAddresses(): string[] { return [...this.conns.keys()]; }
}

function createRequestNotSupported(req: RemotingCommand): RemotingCommand {
  return {
    code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED, language: LanguageCode.JAVA, version: DEFAULT_CLIENT_VERSION, opaque: req.opaque,
    flag: 1, remark: ` request type ${req.code} not supported`, extFields: null, serializeType: req.serializeType, body: null,
  };
}
