/**
 * The producer (Java `DefaultMQProducer` / `TransactionMQProducer` behaviour, docs/protocol.md §3, §4.5, §5.4, §5.5, §7).
 *
 * send()        — "sync": up to 1 + retryTimesWhenSendFailed attempts inside one total timeout budget,
 *                 retrying transport/client failures and broker codes {17,14,1,2,16,204,205,1500},
 *                 each retry avoiding the previous broker, same UNIQ_KEY.
 * sendAsync()   — "async": one request, re-sent unchanged (new opaque, same queueId) to another broker
 *                 on transport failures only, up to retryTimesWhenSendAsyncFailed times.
 * sendOneway()  — no response, no retry.
 */
import {
  Message, MessageConst, UniqKeyGenerator, createUniqKey, encodeProperties, compressZlib,
  MessageSysFlag, compressionTypeBits, encodeBatchBody, trailingSeparatorForVersion, decodeOffsetMessageId,
  decodeStoredMessages, MessageExt, bytesToIp, localIpBytes,
} from '../message';
import { RemotingCommand, RequestCode, ResponseCode, allocateOpaque } from '../remoting';
import { javaHashMapOrderShared } from '../remoting/java-hashmap-order';
import { encodeSendHeader } from '../remoting/headers/send-message';
import { encodeHeader, END_TRANSACTION_HEADER, UNREGISTER_CLIENT_HEADER } from '../remoting/headers';
import { TransportError, RemotingConnection } from '../transport';
import { MQClient, ClientOptions } from './client';
import { signRequest } from './acl';
import { MQBrokerError, MQClientError, errorText } from './errors';
import { ResponseCodeError } from '../errors';
import { LatencyFaultTolerance, LatencyTable, LATENCY_TABLE_4X, LATENCY_TABLE_5X } from './fault';
import { TopicPublishInfo, MessageQueue, adaptDefaultRoute, describeUnwritable } from './route';
import { checkBatch, checkMessage, checkProducerGroup, MAX_MESSAGE_SIZE } from './validators';
import {
  SendResult, SendStatus, TransactionListener, TransactionSendResult, LocalTransactionState, MessageQueueSelector,
} from './types';

export interface ProducerOptions extends ClientOptions {
  producerGroup: string;
  sendMsgTimeoutMs?: number;
  retryTimesWhenSendFailed?: number;
  retryTimesWhenSendAsyncFailed?: number;
  retryAnotherBrokerWhenNotStoreOK?: boolean;
  compressMsgBodyOverHowmuch?: number;
  compressLevel?: number;
  maxMessageSize?: number;
  defaultTopicQueueNums?: number;
  createTopicKey?: string;
  sendLatencyFaultEnable?: boolean;
  /** Defaults to the 5.x table for client versions ≥ V5_0_0, else the 4.9 table. */
  latencyTable?: LatencyTable;
  pollNameServerIntervalMs?: number;
  heartbeatBrokerIntervalMs?: number;
  instanceName?: string;
  transactionListener?: TransactionListener;
  /** SEND_MESSAGE_V2 (310, one-letter header keys) like Java's default; false → SEND_MESSAGE (10). */
  useSendV2?: boolean;
  /** Properties string trailing U+0002; default follows clientVersion (§3.5). */
  propertiesTrailingSeparator?: boolean;
  uniqKeyGenerator?: UniqKeyGenerator;
  /** Send a heartbeat to a broker as soon as a route names it (helps transaction check-backs find us). */
  heartbeatOnNewBroker?: boolean;
  /**
   * Also give the batch object a UNIQ_KEY (develop's Java client does). Off by default: brokers append
   * the batch-level properties to every inner message, so it would shadow the inner UNIQ_KEYs.
   */
  batchLevelUniqKey?: boolean;
}

export interface SendOptions {
  timeoutMs?: number;
  /** Explicit target queue (single attempt, like Java `send(msg, mq)`). */
  queue?: MessageQueue;
  /** Queue selector (single attempt, like Java `send(msg, selector, arg)`), e.g. for ordered sends. */
  selector?: MessageQueueSelector;
  selectorArg?: unknown;
}

type Mode = 'SYNC' | 'ASYNC' | 'ONEWAY';

/** A message ready for the wire: properties fixed (UNIQ_KEY etc.), body possibly compressed. */
interface Outgoing {
  topic: string;
  body: Uint8Array;
  flag: number;
  sysFlag: number;
  propertiesString: string;
  uniqKey: string;
  isBatch: boolean;
  batchIds?: string[];
  reconsumeTimes?: string;
  maxReconsumeTimes?: string;
}

const RETRY_RESPONSE_CODES = new Set<number>([
  ResponseCode.TOPIC_NOT_EXIST, ResponseCode.SERVICE_NOT_AVAILABLE, ResponseCode.SYSTEM_ERROR, ResponseCode.SYSTEM_BUSY,
  ResponseCode.NO_PERMISSION, ResponseCode.NO_BUYER_ID, ResponseCode.NOT_IN_CURRENT_UNIT, ResponseCode.GO_AWAY,
]);

const STATUS_BY_CODE: Record<number, SendStatus> = {
  [ResponseCode.SUCCESS]: 'SEND_OK',
  [ResponseCode.FLUSH_DISK_TIMEOUT]: 'FLUSH_DISK_TIMEOUT',
  [ResponseCode.FLUSH_SLAVE_TIMEOUT]: 'FLUSH_SLAVE_TIMEOUT',
  [ResponseCode.SLAVE_NOT_AVAILABLE]: 'SLAVE_NOT_AVAILABLE',
};

export type ProducerState = 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY';

/** A broker's failure code (only those are retried or final per Java's send rules; NameServer answers are not). */
const isBrokerAnswer = (e: unknown): e is ResponseCodeError => e instanceof ResponseCodeError && e.role === 'broker';
const isNameServerTopicNotExist = (e: unknown): e is ResponseCodeError =>
  e instanceof ResponseCodeError && e.role === 'nameserver' && e.code === ResponseCode.TOPIC_NOT_EXIST;

export class Producer {
  readonly client: MQClient;
  readonly group: string;
  readonly clientId: string;
  private state: ProducerState = 'CREATE_JUST';
  private readonly o: Required<Omit<ProducerOptions, keyof ClientOptions | 'transactionListener' | 'latencyTable' | 'uniqKeyGenerator' | 'instanceName'>>;
  private readonly publishInfo = new Map<string, TopicPublishInfo>();
  private readonly routeLookups = new Map<string, Promise<TopicPublishInfo>>();
  private readonly knownBrokers = new Set<string>();
  readonly fault: LatencyFaultTolerance;
  private timers: NodeJS.Timeout[] = [];
  private readonly transactionListener?: TransactionListener;
  private readonly uniq: () => string;
  private readonly trailingSep: boolean;

  constructor(opts: ProducerOptions) {
    this.client = new MQClient(opts);
    this.group = opts.producerGroup;
    const version = this.client.opts.clientVersion;
    this.o = {
      producerGroup: opts.producerGroup,
      sendMsgTimeoutMs: opts.sendMsgTimeoutMs ?? 3000,
      retryTimesWhenSendFailed: opts.retryTimesWhenSendFailed ?? 2,
      retryTimesWhenSendAsyncFailed: opts.retryTimesWhenSendAsyncFailed ?? 2,
      retryAnotherBrokerWhenNotStoreOK: opts.retryAnotherBrokerWhenNotStoreOK ?? false,
      compressMsgBodyOverHowmuch: opts.compressMsgBodyOverHowmuch ?? 4096,
      compressLevel: opts.compressLevel ?? 5,
      maxMessageSize: opts.maxMessageSize ?? MAX_MESSAGE_SIZE,
      defaultTopicQueueNums: opts.defaultTopicQueueNums ?? 4,
      createTopicKey: opts.createTopicKey ?? 'TBW102',
      sendLatencyFaultEnable: opts.sendLatencyFaultEnable ?? false,
      pollNameServerIntervalMs: opts.pollNameServerIntervalMs ?? 30000,
      heartbeatBrokerIntervalMs: opts.heartbeatBrokerIntervalMs ?? 30000,
      useSendV2: opts.useSendV2 ?? true,
      propertiesTrailingSeparator: opts.propertiesTrailingSeparator ?? trailingSeparatorForVersion(version),
      heartbeatOnNewBroker: opts.heartbeatOnNewBroker ?? true,
      batchLevelUniqKey: opts.batchLevelUniqKey ?? false,
    };
    for (const [k, v] of Object.entries({ sendMsgTimeoutMs: this.o.sendMsgTimeoutMs, maxMessageSize: this.o.maxMessageSize })) {
      if (!(v > 0)) throw new MQClientError('CONFIG_INVALID', `${k} must be > 0, got ${v}`);
    }
    this.trailingSep = this.o.propertiesTrailingSeparator;
    this.fault = new LatencyFaultTolerance(opts.latencyTable ?? (version >= 413 ? LATENCY_TABLE_5X : LATENCY_TABLE_4X));
    this.transactionListener = opts.transactionListener;
    const gen = opts.uniqKeyGenerator;
    this.uniq = gen ? () => gen.next() : createUniqKey;
    const instance = opts.instanceName ?? `${process.pid}#${process.hrtime.bigint()}`;
    this.clientId = `${bytesToIp(localIpBytes())}@${instance}`;
  }

  get status(): ProducerState { return this.state; }

  /** Settings the route dry-run reports (dry-run.ts). */
  get limits(): { maxMessageSize: number; faultTolerance: boolean; defaultTopic: string; defaultTopicQueueNums: number } {
    return { maxMessageSize: this.o.maxMessageSize, faultTolerance: this.o.sendLatencyFaultEnable, defaultTopic: this.o.createTopicKey, defaultTopicQueueNums: this.o.defaultTopicQueueNums };
  }

  /** Like Java `start()`: checks the group, starts route polling and heartbeats. Does not contact servers. */
  async start(): Promise<void> {
    if (this.state !== 'CREATE_JUST') {
      throw new MQClientError('ALREADY_STARTED', `The producer service state not OK, maybe started once, ${this.state}`);
    }
    checkProducerGroup(this.group);
    if (this.transactionListener) {
      this.client.registerServerRequestHandler(RequestCode.CHECK_TRANSACTION_STATE, (req, conn) => this.onCheckTransactionState(req, conn));
    }
    this.state = 'RUNNING';
    const every = (ms: number, f: () => Promise<unknown>) => {
      const t = setInterval(() => { f().catch(() => undefined); }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.o.pollNameServerIntervalMs, () => this.refreshAllRoutes());
    every(this.o.heartbeatBrokerIntervalMs, () => this.sendHeartbeatToAllBrokers());
  }

  /** Stops timers, unregisters from brokers (best effort), closes connections: pending requests fail at once. */
  async shutdown(): Promise<void> {
    if (this.state !== 'RUNNING') { this.state = 'SHUTDOWN_ALREADY'; await this.client.close(); return; }
    this.state = 'SHUTDOWN_ALREADY';
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.client.close();
  }

  /** Like shutdown, but first tells brokers this producer is gone (UNREGISTER_CLIENT, 1 s budget each). */
  async shutdownGracefully(): Promise<void> {
    if (this.state === 'RUNNING') {
      await Promise.allSettled([...this.knownBrokers].map((addr) => this.client.invoke(addr,
        this.client.request(RequestCode.UNREGISTER_CLIENT, encodeHeader(UNREGISTER_CLIENT_HEADER, { clientID: this.clientId, producerGroup: this.group })), 1000)));
    }
    await this.shutdown();
  }

  private ensureRunning(): void {
    if (this.state === 'CREATE_JUST') throw new MQClientError('NOT_STARTED', 'The producer service state not OK, call start() first');
    if (this.state === 'SHUTDOWN_ALREADY') throw new MQClientError('SHUT_DOWN', 'The producer has been shut down');
  }

  // ------------------------------------------------------------------ routes

  /** Current publish info (route + writable queues) of a topic, fetched if needed; TBW102 fallback (§4.5). */
  findPublishInfo(topic: string, timeoutMs = this.o.sendMsgTimeoutMs): Promise<TopicPublishInfo> {
    const cached = this.publishInfo.get(topic);
    if (cached && cached.ok()) return Promise.resolve(cached);
    let p = this.routeLookups.get(topic);
    if (!p) {
      p = this.lookupRoute(topic, timeoutMs).finally(() => this.routeLookups.delete(topic));
      this.routeLookups.set(topic, p);
    }
    return p;
  }

  private async lookupRoute(topic: string, timeoutMs: number): Promise<TopicPublishInfo> {
    const deadline = Date.now() + timeoutMs;
    let notExist: ResponseCodeError | undefined;
    try {
      const route = await this.client.getTopicRoute(topic, timeoutMs);
      const info = new TopicPublishInfo(topic, route);
      this.setPublishInfo(topic, info);
      if (!info.ok()) {
        throw new MQClientError('NO_WRITABLE_QUEUE', `No writable queue for topic ${topic}: ${describeUnwritable(route)}`);
      }
      return info;
    } catch (e) {
      if (!isNameServerTopicNotExist(e)) throw e;
      notExist = e;
    }
    // Unknown topic: use the auto-create template's route.
    let def;
    try {
      def = await this.client.getTopicRoute(this.o.createTopicKey, Math.max(1, deadline - Date.now()));
    } catch (e) {
      if (isNameServerTopicNotExist(e)) {
        throw new MQClientError('NO_ROUTE', `No route info of this topic: ${topic} — the NameServer does not know it (${notExist.remark?.split('\n')[0]}) and no broker offers auto-creation through ${this.o.createTopicKey}`, { context: { topic, defaultTopic: 'missing' } });
      }
      throw e;
    }
    const info = new TopicPublishInfo(topic, adaptDefaultRoute(def, this.o.defaultTopicQueueNums), { fromDefaultTopic: true });
    if (!info.ok()) throw new MQClientError('NO_ROUTE', `No route info of this topic: ${topic} — ${this.o.createTopicKey} has no writable queue (${describeUnwritable(def)})`, { context: { topic, defaultTopic: 'not-writable' } });
    this.setPublishInfo(topic, info);
    return info;
  }

  private setPublishInfo(topic: string, info: TopicPublishInfo): void {
    this.publishInfo.set(topic, info);
    for (const bd of info.route.brokerDatas) {
      const addr = bd.brokerAddrs.get(0);
      if (addr && !this.knownBrokers.has(addr)) {
        this.knownBrokers.add(addr);
        if (this.o.heartbeatOnNewBroker && this.state === 'RUNNING') void this.sendHeartbeat(addr).catch(() => undefined);
      }
    }
  }

  /** Re-reads the routes of every topic in use (Java: every pollNameServerInterval). */
  async refreshAllRoutes(): Promise<void> {
    for (const topic of [...this.publishInfo.keys()]) {
      try {
        const route = await this.client.getTopicRoute(topic);
        this.setPublishInfo(topic, new TopicPublishInfo(topic, route));
      } catch {
        // TOPIC_NOT_EXIST keeps the TBW102-derived info; NameServer failures keep the cached route.
      }
    }
  }

  /** Forget a cached route (next send fetches it again). */
  invalidateRoute(topic: string): void { this.publishInfo.delete(topic); }

  /** Writable queues of a topic in selection order (Java `fetchPublishMessageQueues`). */
  async fetchPublishMessageQueues(topic: string): Promise<MessageQueue[]> {
    this.ensureRunning();
    return [...(await this.findPublishInfo(topic)).queues];
  }

  private selectQueue(info: TopicPublishInfo, lastBrokerName?: string): MessageQueue {
    return this.o.sendLatencyFaultEnable ? info.selectWithFaultTolerance(this.fault, lastBrokerName) : info.selectOneMessageQueue(lastBrokerName);
  }

  private updateFault(brokerName: string, latency: number, isolation: boolean): void {
    if (this.o.sendLatencyFaultEnable) this.fault.update(brokerName, latency, isolation);
  }

  private async brokerAddr(info: TopicPublishInfo, brokerName: string): Promise<string> {
    let addr = info.masterAddr(brokerName);
    if (!addr) {
      const fresh = await this.client.getTopicRoute(info.topic).then((r) => new TopicPublishInfo(info.topic, r), () => undefined);
      addr = fresh?.masterAddr(brokerName);
      if (fresh?.ok()) this.setPublishInfo(info.topic, fresh);
    }
    if (!addr) throw new MQClientError('BROKER_NOT_FOUND', `The broker[${brokerName}] not exist (no master address in the route of ${info.topic})`);
    return addr;
  }

  // ------------------------------------------------------------------ message preparation

  private prepare(msg: Message): Outgoing {
    checkMessage(msg, this.o.maxMessageSize);
    let uniqKey = msg.properties.get(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
    if (!uniqKey) {
      uniqKey = this.uniq();
      msg.properties.set(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, uniqKey);
    }
    let sysFlag = 0;
    let body = msg.body;
    if (body.length >= this.o.compressMsgBodyOverHowmuch) {
      body = compressZlib(body, this.o.compressLevel);
      sysFlag |= MessageSysFlag.COMPRESSED_FLAG;
      if (this.client.opts.clientVersion >= 401) sysFlag |= compressionTypeBits('ZLIB');
    }
    if (msg.properties.get(MessageConst.TRANSACTION_PREPARED) === 'true') sysFlag |= MessageSysFlag.TRANSACTION_PREPARED_TYPE;
    const out: Outgoing = {
      topic: msg.topic, body, flag: msg.flag, sysFlag, uniqKey, isBatch: false,
      propertiesString: this.encodeProps(msg.properties),
    };
    if (msg.topic.startsWith('%RETRY%')) {
      out.reconsumeTimes = msg.properties.get(MessageConst.RECONSUME_TIME);
      out.maxReconsumeTimes = msg.properties.get(MessageConst.MAX_RECONSUME_TIMES);
    }
    return out;
  }

  private encodeProps(props: ReadonlyMap<string, string>): string {
    // properties go out in Java HashMap order (as Java's messageProperties2String writes them)
    return encodeProperties(props, this.trailingSep, javaHashMapOrderShared([...props.keys()]));
  }

  private prepareBatch(msgs: readonly Message[]): Outgoing {
    checkBatch(msgs);
    const ids: string[] = [];
    const entries = msgs.map((m) => {
      checkMessage(m, this.o.maxMessageSize);
      let id = m.properties.get(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
      if (!id) { id = this.uniq(); m.properties.set(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, id); }
      ids.push(id);
      return { flag: m.flag, body: m.body, propertiesString: this.encodeProps(m.properties) };
    });
    const body = encodeBatchBody(entries);
    if (body.length > this.o.maxMessageSize) {
      throw new MQClientError('BATCH_TOO_LARGE', `the batch body is ${body.length} bytes, over the max message size ${this.o.maxMessageSize}; split it (sendBatch(..., { split: true }))`);
    }
    // The batch object's own properties travel in header `i`; brokers append them to every inner
    // message's stored properties, so a batch-level UNIQ_KEY would shadow the inner ones (seen on
    // 4.9.7 and 5.3.3 brokers). Like the 4.9 Java client we send only WAIT at batch level.
    const uniqKey = this.uniq();
    const props = new Map<string, string>([[MessageConst.WAIT_STORE_MSG_OK, String(msgs[0].waitStoreMsgOK)]]);
    if (this.o.batchLevelUniqKey) props.set(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, uniqKey);
    return { topic: msgs[0].topic, body, flag: 0, sysFlag: 0, uniqKey, isBatch: true, batchIds: ids, propertiesString: this.encodeProps(props) };
  }

  private buildRequest(out: Outgoing, mq: MessageQueue, oneway: boolean): RemotingCommand {
    const v = this.client.opts.clientVersion;
    let code: number;
    if (out.isBatch) code = RequestCode.SEND_BATCH_MESSAGE;
    else code = this.o.useSendV2 ? RequestCode.SEND_MESSAGE_V2 : RequestCode.SEND_MESSAGE;
    // Key order is the table's: the JSON header is written in Java's HashMap order anyway.
    const ext = encodeSendHeader(code, {
      producerGroup: this.group, topic: out.topic, defaultTopic: this.o.createTopicKey, defaultTopicQueueNums: this.o.defaultTopicQueueNums,
      queueId: mq.queueId, sysFlag: out.sysFlag, bornTimestamp: Date.now(), flag: out.flag, properties: out.propertiesString,
      reconsumeTimes: out.reconsumeTimes ?? 0, unitMode: false, maxReconsumeTimes: out.maxReconsumeTimes, batch: out.isBatch,
      // brokerName: 5.1.0+ clients, and 4.9.7/4.9.8 (field present in their SendMessageRequestHeaderV2;
      // confirmed on the wire against the 4.9.7 Java client); not in 5.0.x.
      brokerName: (v >= 407 && v < 413) || v >= 433 ? mq.brokerName : undefined,
    });
    return this.client.request(code, ext, out.body, oneway);
  }

  private processResponse(resp: RemotingCommand, req: RemotingCommand, out: Outgoing, mq: MessageQueue, addr: string, attempts: number): SendResult {
    const status = STATUS_BY_CODE[resp.code];
    if (!status) throw new MQBrokerError(resp.code, resp.remark, addr, mq.brokerName, req.code);
    const x = resp.extFields ?? {};
    const queueId = x.queueId !== undefined ? Number(x.queueId) : mq.queueId;
    return {
      sendStatus: status,
      msgId: out.isBatch ? out.batchIds!.join(',') : out.uniqKey,
      offsetMsgId: x.msgId ?? '',
      messageQueue: { topic: mq.topic, brokerName: mq.brokerName, queueId },
      queueOffset: Number(x.queueOffset ?? -1),
      transactionId: x.transactionId,
      regionId: x.MSG_REGION ?? 'DefaultRegion',
      traceOn: x.TRACE_ON !== 'false',
      brokerAddr: addr,
      attempts,
      request: req,
      response: resp,
    };
  }

  // ------------------------------------------------------------------ send modes

  /** Sync send (Java `send(msg)`), or to an explicit queue / via a selector (single attempt). */
  async send(msg: Message, opts: SendOptions = {}): Promise<SendResult> {
    this.ensureRunning();
    const out = this.prepare(msg);
    return this.sendOutgoing(out, opts, msg);
  }

  private async sendOutgoing(out: Outgoing, opts: SendOptions, msgForSelector?: Message): Promise<SendResult> {
    const timeout = opts.timeoutMs ?? this.o.sendMsgTimeoutMs;
    const begin = Date.now();
    if (opts.queue || opts.selector) {
      const info = await this.findPublishInfo(out.topic, timeout);
      let mq: MessageQueue;
      if (opts.queue) {
        if (opts.queue.topic !== out.topic) throw new MQClientError('QUEUE_INVALID', `message's topic ${out.topic} not equal mq's topic ${opts.queue.topic}`);
        mq = opts.queue;
      } else {
        mq = opts.selector!(info.queues, msgForSelector ?? (undefined as never), opts.selectorArg);
        if (!mq) throw new MQClientError('QUEUE_INVALID', 'select message queue return null.');
      }
      const left = timeout - (Date.now() - begin);
      if (left <= 0) throw new MQClientError('SEND_TIMEOUT', `sendSelectImpl call timeout (${timeout} ms budget spent on the route lookup)`);
      const addr = await this.brokerAddr(info, mq.brokerName);
      const req = this.buildRequest(out, mq, false);
      const resp = await this.callBroker(addr, req, left);
      return this.processResponse(resp, req, out, mq, addr, 1);
    }

    const cachedInfo = this.publishInfo.get(out.topic);
    const info = cachedInfo && cachedInfo.ok() ? cachedInfo : await this.findPublishInfo(out.topic, timeout);
    const timesTotal = 1 + Math.max(0, this.o.retryTimesWhenSendFailed);
    let lastBroker: string | undefined;
    let lastError: unknown;
    let result: SendResult | undefined;
    let callTimeout = false;
    const brokersSent: string[] = [];
    let times = 0;
    for (; times < timesTotal; times++) {
      const mq = this.selectQueue(info, lastBroker);
      lastBroker = mq.brokerName;
      const cost = Date.now() - begin;
      if (timeout < cost) { callTimeout = true; break; }
      brokersSent.push(mq.brokerName);
      const t0 = Date.now();
      try {
        const addr = info.masterAddr(mq.brokerName) ?? await this.brokerAddr(info, mq.brokerName);
        const req = this.buildRequest(out, mq, false);
        const resp = await this.callBroker(addr, req, timeout - cost);
        const r = this.processResponse(resp, req, out, mq, addr, times + 1);
        this.updateFault(mq.brokerName, Date.now() - t0, false);
        result = r;
        if (r.sendStatus !== 'SEND_OK' && this.o.retryAnotherBrokerWhenNotStoreOK) continue;
        return r;
      } catch (e) {
        this.updateFault(mq.brokerName, Date.now() - t0, true);
        if (this.state === 'SHUTDOWN_ALREADY') throw new MQClientError('SHUT_DOWN', `the producer was shut down while sending to ${out.topic}: ${errorText(e)}`, { cause: e });
        lastError = e;
        if (isBrokerAnswer(e) && !RETRY_RESPONSE_CODES.has(e.code)) throw e;
        if (e instanceof MQClientError && (e.rule === 'SHUT_DOWN' || e.rule === 'NOT_STARTED')) throw e;
      }
    }
    if (result) return result;
    const spent = Date.now() - begin;
    if (callTimeout) {
      throw new MQClientError('SEND_TIMEOUT', `send to ${out.topic} timed out: the ${timeout} ms budget was spent after ${times} attempt(s) (brokers ${JSON.stringify(brokersSent)})${lastError ? `; last error: ${errorText(lastError)}` : ''}`, { cause: lastError });
    }
    throw new MQClientError('SEND_FAILED', `Send [${times}] times, still failed, cost [${spent}]ms, Topic: ${out.topic}, BrokersSent: ${JSON.stringify(brokersSent)}; last error: ${errorText(lastError)}`, { cause: lastError });
  }

  private callBroker(addr: string, req: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    return this.client.invoke(addr, req, timeoutMs);
  }

  /**
   * Async send (Java `send(msg, callback)`): broker error codes are final; transport failures are
   * retried with the same request (same header incl. queueId) on another broker.
   */
  async sendAsync(msg: Message, opts: Pick<SendOptions, 'timeoutMs'> = {}): Promise<SendResult> {
    this.ensureRunning();
    // (Deflating on the libuv pool instead was measured: 3-4x slower under 256 in-flight sends.)
    const out = this.prepare(msg);
    return this.sendOutgoingAsync(out, opts.timeoutMs ?? this.o.sendMsgTimeoutMs);
  }

  private async sendOutgoingAsync(out: Outgoing, timeout: number): Promise<SendResult> {
    const begin = Date.now();
    const cachedInfo = this.publishInfo.get(out.topic);
    const info = cachedInfo && cachedInfo.ok() ? cachedInfo : await this.findPublishInfo(out.topic, timeout);
    let mq = this.selectQueue(info);
    const req = this.buildRequest(out, mq, false);
    const brokersSent: string[] = [];
    for (let attempt = 0; ; attempt++) {
      const left = timeout - (Date.now() - begin);
      if (left <= 0) {
        throw new MQClientError('SEND_TIMEOUT', `async send to ${out.topic} timed out: the ${timeout} ms budget was spent after ${attempt} attempt(s) (brokers ${JSON.stringify(brokersSent)})`);
      }
      brokersSent.push(mq.brokerName);
      const t0 = Date.now();
      let addr = '';
      try {
        addr = info.masterAddr(mq.brokerName) ?? await this.brokerAddr(info, mq.brokerName);
        const attemptReq = attempt === 0 ? req : { ...req, opaque: allocateOpaque(), extFields: req.extFields ? { ...req.extFields } : null };
        const resp = await this.callBroker(addr, attemptReq, left);
        const r = this.processResponse(resp, attemptReq, out, mq, addr, attempt + 1);
        this.updateFault(mq.brokerName, Date.now() - t0, false);
        return r;
      } catch (e) {
        this.updateFault(mq.brokerName, Date.now() - t0, true);
        if (isBrokerAnswer(e)) throw e;
        if (this.state === 'SHUTDOWN_ALREADY') throw new MQClientError('SHUT_DOWN', `the producer was shut down while sending to ${out.topic}: ${errorText(e)}`, { cause: e });
        if (attempt >= this.o.retryTimesWhenSendAsyncFailed || !(e instanceof TransportError || e instanceof MQClientError)) {
          if (e instanceof MQClientError) throw e;
          throw new MQClientError('SEND_FAILED', `async send to ${out.topic} failed after ${attempt + 1} attempt(s) (brokers ${JSON.stringify(brokersSent)}): ${errorText(e)}`, { cause: e });
        }
        mq = this.selectQueue(info, mq.brokerName);
      }
    }
  }

  /** Oneway send: flag ONEWAY, no response, no retry. Resolves once the frame is written. */
  async sendOneway(msg: Message, opts: { queue?: MessageQueue; timeoutMs?: number } = {}): Promise<{ msgId: string; messageQueue: MessageQueue; request: RemotingCommand }> {
    this.ensureRunning();
    const out = this.prepare(msg);
    const timeout = opts.timeoutMs ?? this.o.sendMsgTimeoutMs;
    const info = await this.findPublishInfo(out.topic, timeout);
    const mq = opts.queue ?? this.selectQueue(info);
    const addr = await this.brokerAddr(info, mq.brokerName);
    const req = this.buildRequest(out, mq, true);
    await this.client.invokeOneway(addr, req, timeout);
    return { msgId: out.uniqKey, messageQueue: mq, request: req };
  }

  // ------------------------------------------------------------------ batches

  /**
   * Sends messages as one SEND_BATCH_MESSAGE (sync rules). With `split`, a list whose encoded body
   * exceeds maxMessageSize (or `splitBytes`) is sent as several batches, in order.
   */
  async sendBatch(msgs: readonly Message[], opts: SendOptions & { split?: boolean; splitBytes?: number } = {}): Promise<SendResult[]> {
    this.ensureRunning();
    checkBatch(msgs);
    const chunks = opts.split ? splitBatch(msgs, opts.splitBytes ?? this.o.maxMessageSize) : [msgs];
    const results: SendResult[] = [];
    for (const chunk of chunks) results.push(await this.sendOutgoing(this.prepareBatch(chunk), opts));
    return results;
  }

  // ------------------------------------------------------------------ transactions

  async sendMessageInTransaction(msg: Message, arg?: unknown, opts: Pick<SendOptions, 'timeoutMs'> = {}): Promise<TransactionSendResult> {
    this.ensureRunning();
    const listener = this.transactionListener;
    if (!listener) throw new MQClientError('TRANSACTION_LISTENER_MISSING', 'TransactionListener is null: pass transactionListener in the producer options');
    msg.delayTimeLevel = 0;
    checkMessage(msg, this.o.maxMessageSize);
    msg.properties.set(MessageConst.TRANSACTION_PREPARED, 'true');
    msg.properties.set(MessageConst.PRODUCER_GROUP, this.group);
    let sendResult: SendResult;
    try {
      sendResult = await this.send(msg, opts);
    } catch (e) {
      throw new MQClientError('TRANSACTION_SEND_FAILED', `send half message failed: ${errorText(e)}`, { cause: e });
    }
    let state: LocalTransactionState = 'UNKNOW';
    let localError: unknown;
    if (sendResult.sendStatus === 'SEND_OK') {
      if (sendResult.transactionId) msg.properties.set(MessageConst.TRANSACTION_ID, sendResult.transactionId);
      msg.transactionId = msg.uniqKey;
      try {
        state = (await listener.executeLocalTransaction(msg, arg)) ?? 'UNKNOW';
      } catch (e) {
        localError = e;
        state = 'UNKNOW';
      }
    } else {
      state = 'ROLLBACK_MESSAGE';
    }
    try {
      await this.endTransaction(msg, sendResult, state, localError);
    } catch {
      // Java logs and carries on: the broker will check back.
    }
    return { ...sendResult, localTransactionState: state };
  }

  private async endTransaction(msg: Message, r: SendResult, state: LocalTransactionState, localError?: unknown): Promise<void> {
    const id = decodeOffsetMessageId(r.offsetMsgId || r.msgId);
    const addr = (await this.findPublishInfo(r.messageQueue.topic)).masterAddr(r.messageQueue.brokerName) ?? r.brokerAddr;
    const ext = encodeHeader(END_TRANSACTION_HEADER, {
      topic: msg.topic,
      producerGroup: this.group,
      tranStateTableOffset: r.queueOffset,
      commitLogOffset: id.commitLogOffset,
      commitOrRollback: commitOrRollbackValue(state),
      fromTransactionCheck: false,
      msgId: r.msgId,
      transactionId: r.transactionId ?? undefined,
      bname: this.client.opts.clientVersion >= 413 ? r.messageQueue.brokerName : undefined,
    });
    const cmd = this.client.request(RequestCode.END_TRANSACTION, ext, null, true);
    if (localError) cmd.remark = `executeLocalTransactionBranch exception: ${errorText(localError)}`;
    await this.client.invokeOneway(addr, cmd, this.client.opts.apiTimeoutMs);
  }

  /** Answers the broker's CHECK_TRANSACTION_STATE with END_TRANSACTION on the same connection. */
  private async onCheckTransactionState(req: RemotingCommand, conn: RemotingConnection): Promise<void> {
    const listener = this.transactionListener;
    if (!listener || !req.body) return;
    const h = req.extFields ?? {};
    const decoded = decodeStoredMessages(req.body);
    const msg: MessageExt | undefined = decoded.messages[0];
    if (!msg) return;
    const group = msg.properties.get(MessageConst.PRODUCER_GROUP);
    if (group && group !== this.group) return;
    let state: LocalTransactionState = 'UNKNOW';
    let err: unknown;
    try {
      state = (await listener.checkLocalTransaction(msg)) ?? 'UNKNOW';
    } catch (e) {
      err = e;
    }
    const ext = encodeHeader(END_TRANSACTION_HEADER, {
      topic: msg.topic,
      producerGroup: this.group,
      tranStateTableOffset: h.tranStateTableOffset,
      commitLogOffset: h.commitLogOffset,
      commitOrRollback: commitOrRollbackValue(state),
      fromTransactionCheck: true,
      msgId: msg.properties.get(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX) ?? msg.offsetMsgId,
      transactionId: h.transactionId,
      bname: h.bname,
    });
    const cmd = this.client.request(RequestCode.END_TRANSACTION, ext, null, true);
    if (err) cmd.remark = `checkLocalTransactionState Exception: ${errorText(err)}`;
    const signed = this.client.opts.acl ? signRequest(cmd, this.client.opts.acl) : cmd;
    this.checkBacks.push({ at: Date.now(), msgId: ext.msgId, state, brokerAddr: conn.address });
    await conn.oneway(signed);
  }

  /** Check-backs answered so far (for tests and the "check-back simulator" view). */
  readonly checkBacks: Array<{ at: number; msgId: string; state: LocalTransactionState; brokerAddr: string }> = [];

  // ------------------------------------------------------------------ heartbeats

  heartbeatBody(): Uint8Array {
    const v5 = this.client.opts.clientVersion >= 413;
    const data: Record<string, unknown> = { clientID: this.clientId, consumerDataSet: [] };
    if (v5) data.heartbeatFingerprint = 0;
    data.producerDataSet = [{ groupName: this.group }, { groupName: 'CLIENT_INNER_PRODUCER' }];
    if (v5) data.withoutSub = false;
    return new Uint8Array(Buffer.from(JSON.stringify(data), 'utf8'));
  }

  async sendHeartbeat(addr: string): Promise<RemotingCommand> {
    const resp = await this.client.invoke(addr, this.client.request(RequestCode.HEART_BEAT, null, this.heartbeatBody()), this.client.opts.apiTimeoutMs);
    if (resp.code !== ResponseCode.SUCCESS) throw new MQBrokerError(resp.code, resp.remark, addr, undefined, RequestCode.HEART_BEAT);
    return resp;
  }

  /** Heartbeat to every master broker this producer knows (Java: every 30 s). */
  async sendHeartbeatToAllBrokers(): Promise<void> {
    await Promise.allSettled([...this.knownBrokers].map((a) => this.sendHeartbeat(a)));
  }
}

export function commitOrRollbackValue(state: LocalTransactionState): number {
  return state === 'COMMIT_MESSAGE' ? MessageSysFlag.TRANSACTION_COMMIT_TYPE : state === 'ROLLBACK_MESSAGE' ? MessageSysFlag.TRANSACTION_ROLLBACK_TYPE : MessageSysFlag.TRANSACTION_NOT_TYPE;
}

/** Encoded size of one message inside a batch body (4+4+4+4+4+body+2+props), like the broker counts it. */
export function batchEntrySize(m: Message): number {
  let props = 0;
  for (const [k, v] of m.properties) props += Buffer.byteLength(k) + Buffer.byteLength(v) + 2;
  // room for a UNIQ_KEY the producer may still add
  if (!m.properties.has(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX)) props += 'UNIQ_KEY'.length + 56 + 2;
  return 20 + m.body.length + 2 + props;
}

/** Splits messages into consecutive groups whose batch bodies stay within `limitBytes`. */
export function splitBatch(msgs: readonly Message[], limitBytes: number): Message[][] {
  const out: Message[][] = [];
  let cur: Message[] = [];
  let size = 0;
  for (const m of msgs) {
    const s = batchEntrySize(m);
    if (s > limitBytes) throw new MQClientError('BATCH_TOO_LARGE', `a single message needs ${s} bytes in a batch, over the limit ${limitBytes}`);
    if (size + s > limitBytes && cur.length) { out.push(cur); cur = []; size = 0; }
    cur.push(m);
    size += s;
  }
  if (cur.length) out.push(cur);
  return out;
}

