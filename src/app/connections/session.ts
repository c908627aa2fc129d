/**
 * One live connection profile: one connection pool (the producer's MQClient) for everything the
 * profile asks — NameServer queries with the raw bodies for "Show raw route", broker offset and runtime
 * queries, and the lazily started producer's sends — whose frames all go to the window's one
 * own-traffic store (OwnTraffic: "Show frames", "Show My Traffic", the log), tagged with the profile's
 * name. No `vscode` import; the extension layer owns the lifetime.
 *
 * Thin adapter over src/core (MQClient, its NameServerClient, Producer); ACL signing is the client's.
 */
import { WithRaw } from '../../core/namesrv/namesrv-client';
import { RequestCode, ResponseCode, RemotingCommand, parseBodyJson, isJsonObject, TopicRouteData, ClusterInfo, TopicList, decodeFrame, describeCommand, CommandDescription, requestCodeName, encodeHeader, GET_MAX_OFFSET_HEADER, GET_MIN_OFFSET_HEADER } from '../../core/remoting';
import { TrafficRecord } from '../../core/transport';
import { MQClient, MQBrokerError, MQClientError, Producer, AclCredentials, TransactionListener, LocalTransactionState } from '../../core/producer';
import type { Message, MessageExt } from '../../core/message';
import { ConnectionProfile, ConnectionSecrets } from './profile';
import { OwnRecord, OwnTraffic } from '../inspector/own-traffic';
import { formatEndpoint } from '../../core/capture/capture-index';

export const PRODUCER_GROUP = 'rocketmq_debugger_vscode';

/** Decisions for transactional sends, keyed by the message's UNIQ_KEY; the listener answers with them. */
type Decisions = Map<string, LocalTransactionState>;

export class ConnectionSession {
  /** The profile's one connection pool: NameServer and broker queries and the producer's sends. */
  readonly client: MQClient;
  private readonly producerInstance: Producer;
  private producerPromise: Promise<Producer> | undefined;
  private readonly decisions: Decisions = new Map();
  /** Check-backs the broker sent for transactional messages (shown in the log). */
  onCheckBack: ((msg: MessageExt, answer: LocalTransactionState) => void) | undefined;

  constructor(
    readonly profile: ConnectionProfile,
    readonly secrets: ConnectionSecrets,
    private readonly timeoutMs = 3000,
    /**
     * The store that keeps every frame the session writes or reads; asked for at the first frame
     * (so it starts when first needed). Without it nothing is recorded.
     */
    private readonly ownTraffic?: () => OwnTraffic,
  ) {
    // Made here (not started: that contacts no server) so that its client is the session's one pool.
    this.producerInstance = this.createProducer();
    this.client = this.producerInstance.client;
  }

  acl(): AclCredentials | undefined {
    if (!this.profile.accessKey || !this.secrets.secretKey) return undefined;
    return { accessKey: this.profile.accessKey, secretKey: this.secrets.secretKey, securityToken: this.secrets.securityToken || undefined };
  }

  /** Topic as the broker knows it: `namespace%topic` when the profile has a namespace (Java `NamespaceUtil`). */
  wrapTopic(topic: string): string {
    const ns = this.profile.namespace;
    if (!ns || topic.startsWith(`${ns}%`) || topic.startsWith('%RETRY%') || topic.startsWith('%DLQ%')) return topic;
    return `${ns}%${topic}`;
  }

  getClusterInfo(): Promise<WithRaw<ClusterInfo>> { return this.client.nameServer.getClusterInfo(); }
  getTopicList(): Promise<WithRaw<TopicList>> { return this.client.nameServer.getAllTopicList(); }
  getRoute(topic: string): Promise<WithRaw<TopicRouteData>> { return this.client.nameServer.getRouteInfo(topic); }

  /** GET_MAX_OFFSET (30) / GET_MIN_OFFSET (31) to a broker master (docs/protocol.md §5.1); max is exclusive. */
  async queueOffset(kind: 'min' | 'max', brokerAddr: string, topic: string, queueId: number): Promise<bigint> {
    const code = kind === 'max' ? RequestCode.GET_MAX_OFFSET : RequestCode.GET_MIN_OFFSET;
    const resp = await this.client.invoke(brokerAddr, this.client.request(code, encodeHeader(kind === 'max' ? GET_MAX_OFFSET_HEADER : GET_MIN_OFFSET_HEADER, { topic, queueId })), this.timeoutMs);
    if (resp.code !== ResponseCode.SUCCESS) throw new MQBrokerError(resp.code, resp.remark, brokerAddr, undefined, code);
    const v = resp.extFields?.offset;
    if (v === undefined || !/^-?\d+$/.test(v)) throw new MQClientError('REQUEST_FAILED', `broker ${brokerAddr} answered ${requestCodeName(code)} with SUCCESS but no offset field (${JSON.stringify(resp.extFields)})`);
    return BigInt(v);
  }

  async queueOffsets(brokerAddr: string, topic: string, queueId: number): Promise<{ min: bigint; max: bigint }> {
    const [min, max] = await Promise.all([this.queueOffset('min', brokerAddr, topic, queueId), this.queueOffset('max', brokerAddr, topic, queueId)]);
    return { min, max };
  }

  /** The broker's version: `brokerVersionDesc` from GET_BROKER_RUNTIME_INFO (28), else the response header's version. */
  async brokerVersion(brokerAddr: string): Promise<string> {
    const resp = await this.client.invoke(brokerAddr, this.client.request(RequestCode.GET_BROKER_RUNTIME_INFO), this.timeoutMs);
    if (resp.code !== ResponseCode.SUCCESS) throw new MQBrokerError(resp.code, resp.remark, brokerAddr, undefined, RequestCode.GET_BROKER_RUNTIME_INFO);
    try {
      const body = parseBodyJson(resp.body, 'KVTable');
      const table = body.table;
      if (isJsonObject(table) && typeof table.brokerVersionDesc === 'string') return table.brokerVersionDesc;
    } catch { /* fall through to the header */ }
    return `protocol version ${resp.version}`;
  }

  /** The producer, started on first use. Its client is the session's pool. */
  producer(): Promise<Producer> {
    if (!this.producerPromise) {
      const p = this.producerInstance;
      this.producerPromise = p.start().then(() => p, (e) => { this.producerPromise = undefined; throw e; });
    }
    return this.producerPromise;
  }

  private createProducer(): Producer {
    const listener: TransactionListener = {
      executeLocalTransaction: (msg: Message, arg: unknown) => {
        const decision = isTransactionState(arg) ? arg : this.pendingDecision ?? 'UNKNOW';
        this.pendingDecision = undefined;
        if (msg.uniqKey) this.setTransactionDecision(msg.uniqKey, decision);
        return decision;
      },
      checkLocalTransaction: (msg: MessageExt) => {
        const answer = this.decisions.get(msg.msgId ?? '') ?? 'UNKNOW';
        this.onCheckBack?.(msg, answer);
        return answer;
      },
    };
    return new Producer({
      producerGroup: PRODUCER_GROUP,
      namesrvAddr: this.profile.namesrv,
      acl: this.acl(),
      apiTimeoutMs: this.timeoutMs,
      connectTimeoutMs: this.timeoutMs,
      sendMsgTimeoutMs: this.timeoutMs,
      transactionListener: listener,
      onTraffic: (r) => this.record(r),
    });
  }

  private pendingDecision: LocalTransactionState | undefined;

  /** The decision for the next transactional send (used when the producer passes no arg through). */
  rememberNextDecision(state: LocalTransactionState): void { this.pendingDecision = state; }

  /** Remembers the local-transaction decision of a sent half message; check-backs are answered with it. */
  setTransactionDecision(uniqKey: string, state: LocalTransactionState): void {
    this.decisions.set(uniqKey, state);
    if (this.decisions.size > 10_000) this.decisions.delete(this.decisions.keys().next().value as string);
  }

  private record(r: TrafficRecord): void {
    this.ownTraffic?.().record(r, this.profile.name);
  }

  /** The store's mark (take before and after a send to bracket its frames); 0 when nothing records. */
  get frameMark(): number { return this.ownTraffic ? this.ownTraffic().mark : 0; }

  /** This session's frames recorded with afterSeq < seq ≤ upToSeq (those still kept). */
  framesBetween(afterSeq: number, upToSeq: number): OwnRecord[] {
    return this.ownTraffic ? this.ownTraffic().between(afterSeq, upToSeq, this.profile.name) : [];
  }

  /** Stops the producer (if started) and closes the pool: pending requests fail at once. */
  async dispose(): Promise<void> {
    this.producerPromise = undefined;
    await this.producerInstance.shutdown();
  }
}

function isTransactionState(v: unknown): v is LocalTransactionState {
  return v === 'COMMIT_MESSAGE' || v === 'ROLLBACK_MESSAGE' || v === 'UNKNOW';
}

/** One recorded frame decoded for the log: direction, peer address and every field (describeCommand). */
export function describeRecordedFrame(f: OwnRecord): { summary: string; detail: CommandDescription | string } {
  const time = new Date(f.timestamp).toISOString();
  const peer = formatEndpoint(f.remote.address.replace(/^::ffff:(?=\d+\.)/, ''), f.remote.port);
  if (!f.bytes) return { summary: `${time} ${f.direction} ${peer}: ${f.size} bytes, no longer kept`, detail: 'older than what the store keeps in memory' };
  try {
    const cmd: RemotingCommand = decodeFrame(f.bytes);
    const d = describeCommand(cmd);
    const arrow = f.direction === 'out' ? '→' : '←';
    return { summary: `${time} ${arrow} ${peer} ${d.type} ${d.codeName} (${d.code}) opaque ${d.opaque}, ${f.bytes.length} bytes`, detail: d };
  } catch (e) {
    return { summary: `${time} ${f.direction} ${peer}: ${f.bytes.length} bytes that do not decode`, detail: e instanceof Error ? e.message : String(e) };
  }
}
