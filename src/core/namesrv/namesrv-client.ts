/**
 * The one NameServer client (docs/protocol.md §4), used by the producer, the CLI and the extension.
 *
 * Address choice like Java's NettyRemotingClient: start at a random address of the list, stick to the
 * last one that answered, and when a NameServer cannot be reached (refused, reset, no answer) move on to
 * the next, all within one time budget per query (Java `mqClientApiTimeout`, 3000 ms). An error answer
 * from a reachable NameServer is final: MQNameServerError (a ResponseCodeError). When none answers:
 * NameServerUnreachableError, listing each address tried and why. Bodies go through the lenient JSON
 * parser, so NameServers before 4.9.4 (fastjson's non-standard output) read too.
 *
 * It has no connections of its own: it runs over an MQClient's pool (MQClient.nameServer), so a producer,
 * a CLI command or a connection session keeps one connection per address for everything it asks.
 * `new NameServerClient('host:port;…', options)` is the stand-alone form: it makes a private MQClient,
 * which close() closes.
 */
import { RemotingCommand, RequestCode, ResponseCode, encodeHeader, GET_ROUTE_INFO_HEADER } from '../remoting';
import { ClusterInfo, parseClusterInfo } from '../remoting/bodies/cluster-info';
import { parseTopicRouteData, TopicRouteData } from '../remoting/bodies/route';
import { parseTopicList, TopicList } from '../remoting/bodies/topic-list';
import { TransportError } from '../transport/errors';
import { MQNameServerError, NameServerFailure, NameServerUnreachableError } from '../producer/errors';
// client.ts imports this module too (MQClient.nameServer); both only use the other inside constructors
// and methods, never while the modules load, so the cycle is harmless.
import { ClientOptions, MQClient } from '../producer/client';

export interface NameServerClientOptions extends Omit<ClientOptions, 'namesrvAddr'> {
  /** Budget of one query, failover included (default: the client's apiTimeoutMs, 3000). */
  timeoutMs?: number;
  /** Picks the first address to try (default Math.random, like Java); tests pass a fixed one. */
  random?: () => number;
}

/** A query's answer together with the raw body, so that views can show exactly what the server sent. */
export interface WithRaw<T> { value: T; raw: Uint8Array; address: string }

export class NameServerClient {
  readonly addresses: readonly string[];
  /** The connection pool the queries go over. */
  readonly pool: MQClient;
  private readonly ownsPool: boolean;
  private readonly timeoutMs: number;
  private index: number;
  /** The NameServer that answered last (Java `namesrvAddrChoosed`); tried first. */
  private chosen: string | undefined;

  /** Over `pool`'s connections, or, given an address list, over a private MQClient made from `opts`. */
  constructor(pool: MQClient | string, opts: NameServerClientOptions = {}) {
    const { timeoutMs, random, ...clientOpts } = opts;
    this.ownsPool = typeof pool === 'string';
    this.pool = typeof pool === 'string' ? new MQClient({ ...clientOpts, namesrvAddr: pool }) : pool;
    this.addresses = this.pool.namesrvList;
    this.timeoutMs = timeoutMs ?? this.pool.opts.apiTimeoutMs;
    this.index = Math.floor((random ?? Math.random)() * this.addresses.length) % this.addresses.length;
  }

  /** GET_ROUTEINFO_BY_TOPIC (105); a topic the NameServer does not know is MQNameServerError TOPIC_NOT_EXIST. */
  async getRouteInfo(topic: string, timeoutMs?: number): Promise<WithRaw<TopicRouteData>> {
    // version ≥ V4_9_4 and acceptStandardJsonOnly make 4.9.4+ NameServers send standard JSON;
    // older ones still send fastjson's form, which the lenient parser reads.
    const r = await this.call(RequestCode.GET_ROUTEINFO_BY_TOPIC, encodeHeader(GET_ROUTE_INFO_HEADER, { topic, acceptStandardJsonOnly: true }), undefined, timeoutMs);
    return { value: parseTopicRouteData(r.cmd.body), raw: r.cmd.body ?? new Uint8Array(), address: r.address };
  }

  /** GET_BROKER_CLUSTER_INFO (106). */
  async getClusterInfo(timeoutMs?: number): Promise<WithRaw<ClusterInfo>> {
    const r = await this.call(RequestCode.GET_BROKER_CLUSTER_INFO, null, undefined, timeoutMs);
    return { value: parseClusterInfo(r.cmd.body), raw: r.cmd.body ?? new Uint8Array(), address: r.address };
  }

  /** GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206). */
  async getAllTopicList(timeoutMs?: number): Promise<WithRaw<TopicList>> {
    const r = await this.call(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, null, undefined, timeoutMs);
    return { value: parseTopicList(r.cmd.body), raw: r.cmd.body ?? new Uint8Array(), address: r.address };
  }

  /**
   * Sends any request to a NameServer and returns its SUCCESS response. Throws MQNameServerError for
   * another code, NameServerUnreachableError when no NameServer answered within the budget, and
   * MQClientError SHUT_DOWN once the pool is closed.
   */
  async call(
    code: number, extFields: Record<string, string> | null, body?: Uint8Array, timeoutMs = this.timeoutMs,
  ): Promise<{ cmd: RemotingCommand; address: string }> {
    const deadline = Date.now() + timeoutMs;
    const order = this.order();
    const failures: NameServerFailure[] = [];
    for (const address of order) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let resp: RemotingCommand;
      try {
        resp = await this.pool.invoke(address, this.pool.request(code, extFields, body), left);
      } catch (e) {
        if (!(e instanceof TransportError)) throw e; // e.g. the pool was shut down
        failures.push({ address, error: e });
        if (this.chosen === address) this.chosen = undefined;
        this.index = (this.index + 1) % this.addresses.length;
        if (e.kind === 'timeout') break; // the request had the whole remaining budget
        continue;
      }
      this.chosen = address;
      if (resp.code !== ResponseCode.SUCCESS) throw new MQNameServerError(resp.code, resp.remark, address, code);
      return { cmd: resp, address };
    }
    throw new NameServerUnreachableError(failures, order.slice(failures.length), timeoutMs);
  }

  /** The addresses in the order to try: the last good one, then round-robin from the current index. */
  private order(): string[] {
    const out: string[] = this.chosen ? [this.chosen] : [];
    for (let i = 0; i < this.addresses.length; i++) {
      const a = this.addresses[(this.index + i) % this.addresses.length];
      if (!out.includes(a)) out.push(a);
    }
    return out;
  }

  /** Closes the connections if this client made its own pool; a shared pool belongs to its owner. */
  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.close();
  }
}
