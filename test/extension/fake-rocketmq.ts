/**
 * One local TCP server that answers as a RocketMQ NameServer and as the single broker it names, and
 * records every request: enough for the Topic Routes view to browse and for a send to complete, and
 * a reliable witness that nothing was sent (no SEND_* request arrived). Used by the trust tests, which
 * need no real cluster. Loaded by mocha inside the extension host.
 */
import { FakeServer, ok, err } from '../unit/producer/fake-server';
import { RemotingCommand, RequestCode } from '../../src/core/remoting';
import { createOffsetMessageId } from '../../src/core/message';

const SEND_CODES = new Set<number>([RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE]);

export class FakeRocketMQ {
  readonly server: FakeServer;
  private offset = 0;

  constructor(readonly topics: string[], readonly brokerName = 'fake-broker', readonly clusterName = 'FakeCluster') {
    this.server = new FakeServer((req) => this.answer(req));
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  get addr(): string { return this.server.addr; }

  stop(): Promise<void> { return this.server.stop(); }

  /** SEND_MESSAGE / SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE requests received so far. */
  sends(): RemotingCommand[] {
    return this.server.received.filter((r) => SEND_CODES.has(r.code));
  }

  /** Bodies of the sends received after the first `after` of them, as text. */
  sentBodies(after = 0): string[] {
    return this.sends().slice(after).map((r) => Buffer.from(r.body ?? new Uint8Array()).toString('utf8'));
  }

  private answer(req: RemotingCommand): RemotingCommand {
    const json = (o: unknown) => Buffer.from(JSON.stringify(o));
    switch (req.code) {
      case RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER:
        return ok(req, undefined, json({ topicList: this.topics }));
      case RequestCode.GET_BROKER_CLUSTER_INFO:
        return ok(req, undefined, json({
          brokerAddrTable: { [this.brokerName]: { brokerAddrs: { 0: this.addr }, brokerName: this.brokerName, cluster: this.clusterName } },
          clusterAddrTable: { [this.clusterName]: [this.brokerName] },
        }));
      case RequestCode.GET_ROUTEINFO_BY_TOPIC: {
        const topic = req.extFields?.topic ?? '';
        if (!this.topics.includes(topic)) return err(req, 17, `No topic route info in name server for the topic: ${topic}`);
        return ok(req, undefined, json({
          brokerDatas: [{ brokerAddrs: { 0: this.addr }, brokerName: this.brokerName, cluster: this.clusterName }],
          filterServerTable: {},
          queueDatas: [{ brokerName: this.brokerName, perm: 6, readQueueNums: 2, topicSysFlag: 0, writeQueueNums: 2 }],
        }));
      }
      default:
        if (SEND_CODES.has(req.code)) {
          const e = req.extFields ?? {};
          return ok(req, { msgId: createOffsetMessageId('127.0.0.1', 10911, BigInt(this.offset)), queueId: e.e ?? e.queueId ?? '0', queueOffset: this.offset++, MSG_REGION: 'DefaultRegion', TRACE_ON: 'true' });
        }
        return ok(req); // heartbeats, unregister, runtime info: accepted
    }
  }
}
