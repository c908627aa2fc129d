import { createRequest, RemotingCommand, SerializeType } from '../remoting/command';
import { RequestCode, ResponseCode } from '../remoting/codes';
import { ClusterInfo, parseClusterInfo } from '../remoting/bodies/cluster-info';
import { parseTopicRouteData, TopicRouteData } from '../remoting/bodies/route';
import { parseTopicList, TopicList } from '../remoting/bodies/topic-list';
import { ConnectionOptions, RemotingConnection } from '../transport/remoting-connection';
import { parseAddressList } from '../transport/address';
import { RemotingResponseError, TransportError } from '../transport/errors';

export interface NameServerClientOptions extends ConnectionOptions {
  /** Per-request budget, like Java's mqClientApiTimeout. */
  timeoutMs?: number;
  serializeType?: SerializeType;
  /** Signs or decorates each request before it is sent (e.g. ACL). */
  beforeRequest?: (cmd: RemotingCommand) => void;
}

/** A query's answer together with the raw body, so that views can show exactly what the server sent. */
export interface WithRaw<T> { value: T; raw: Uint8Array; address: string }

/**
 * Queries NameServers (docs/protocol.md §4). Starts at a random address like Java and moves to the next
 * one when a NameServer cannot be reached; an error answer from a reachable NameServer is final.
 */
export class NameServerClient {
  readonly addresses: string[];
  private index: number;
  private conn: RemotingConnection | undefined;
  private connecting: Promise<RemotingConnection> | undefined;

  constructor(namesrv: string, private readonly opts: NameServerClientOptions = {}) {
    this.addresses = parseAddressList(namesrv);
    this.index = Math.floor(Math.random() * this.addresses.length);
  }

  async getRouteInfo(topic: string): Promise<WithRaw<TopicRouteData>> {
    // version ≥ V4_9_4 and acceptStandardJsonOnly make 4.9.4+ NameServers send standard JSON;
    // older ones still send fastjson's form, which the lenient parser reads.
    const r = await this.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic, acceptStandardJsonOnly: 'true' });
    return { value: parseTopicRouteData(r.cmd.body), raw: r.cmd.body ?? new Uint8Array(), address: r.address };
  }

  async getClusterInfo(): Promise<WithRaw<ClusterInfo>> {
    const r = await this.call(RequestCode.GET_BROKER_CLUSTER_INFO, null);
    return { value: parseClusterInfo(r.cmd.body), raw: r.cmd.body ?? new Uint8Array(), address: r.address };
  }

  async getAllTopicList(): Promise<WithRaw<TopicList>> {
    const r = await this.call(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, null);
    return { value: parseTopicList(r.cmd.body), raw: r.cmd.body ?? new Uint8Array(), address: r.address };
  }

  /** Sends any request to a NameServer and returns a SUCCESS response, or throws RemotingResponseError. */
  async call(code: number, extFields: Record<string, string> | null, body?: Uint8Array): Promise<{ cmd: RemotingCommand; address: string }> {
    let lastError: unknown;
    for (let attempt = 0; attempt < this.addresses.length; attempt++) {
      let conn: RemotingConnection;
      try {
        conn = await this.connection();
      } catch (e) {
        lastError = e;
        this.rotate();
        continue;
      }
      const req = createRequest(code, extFields, { serializeType: this.opts.serializeType, body });
      this.opts.beforeRequest?.(req);
      try {
        const resp = await conn.request(req, this.opts.timeoutMs ?? 3000);
        if (resp.code !== ResponseCode.SUCCESS) throw new RemotingResponseError(resp.code, resp.remark, conn.address, code);
        return { cmd: resp, address: conn.address };
      } catch (e) {
        if (!(e instanceof TransportError)) throw e;
        lastError = e;
        conn.close(); // may differ from this.conn when calls overlap
        this.rotate();
      }
    }
    throw lastError;
  }

  close(): void {
    this.conn?.close();
    this.conn = undefined;
  }

  private rotate(): void {
    this.conn?.close();
    this.conn = undefined;
    this.index = (this.index + 1) % this.addresses.length;
  }

  private async connection(): Promise<RemotingConnection> {
    if (this.conn && !this.conn.closed) return this.conn;
    if (!this.connecting) {
      this.connecting = RemotingConnection.connect(this.addresses[this.index], this.opts)
        .finally(() => { this.connecting = undefined; });
    }
    this.conn = await this.connecting;
    return this.conn;
  }
}
