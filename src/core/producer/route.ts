/**
 * Topic publish info (Java `TopicPublishInfo` + `MQClientInstance.topicRouteData2TopicPublishInfo`)
 * and queue selection (docs/protocol.md §4.5, §7).
 */
import { TopicRouteData, isWritable, MASTER_ID } from '../remoting';
import { LatencyFaultTolerance } from './fault';

export interface MessageQueue {
  topic: string;
  brokerName: string;
  queueId: number;
}

export function mqKey(mq: MessageQueue): string {
  return `${mq.topic}@${mq.brokerName}@${mq.queueId}`;
}

export class TopicPublishInfo {
  /** Writable queues: brokers sorted by name (or orderTopicConf order), queue ids 0..n−1. */
  readonly queues: MessageQueue[];
  readonly orderTopic: boolean;
  /** Whether this came from the TBW102 default route (topic not yet known to the NameServer). */
  readonly fromDefaultTopic: boolean;
  private sendWhichQueue: number;

  constructor(readonly topic: string, readonly route: TopicRouteData, opts: { fromDefaultTopic?: boolean; seed?: number } = {}) {
    this.fromDefaultTopic = !!opts.fromDefaultTopic;
    this.sendWhichQueue = opts.seed ?? Math.floor(Math.random() * 0x7fffffff);
    const queues: MessageQueue[] = [];
    if (route.orderTopicConf) {
      for (const item of route.orderTopicConf.split(';')) {
        const [brokerName, nums] = item.split(':');
        const n = Number.parseInt(nums, 10);
        for (let i = 0; i < n; i++) queues.push({ topic, brokerName, queueId: i });
      }
      this.orderTopic = true;
    } else {
      this.orderTopic = false;
      const qds = [...route.queueDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0));
      for (const qd of qds) {
        if (!isWritable(qd.perm)) continue;
        const bd = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
        if (!bd || !bd.brokerAddrs.has(MASTER_ID)) continue;
        for (let i = 0; i < qd.writeQueueNums; i++) queues.push({ topic, brokerName: qd.brokerName, queueId: i });
      }
    }
    this.queues = queues;
  }

  ok(): boolean { return this.queues.length > 0; }

  /** Java's counter is an int that wraps; Math.abs(Integer.MIN_VALUE) stays negative there — we use a safe modulo. */
  private nextIndex(): number {
    this.sendWhichQueue = (this.sendWhichQueue + 1) | 0;
    return this.sendWhichQueue;
  }

  private at(index: number): MessageQueue {
    const n = this.queues.length;
    return this.queues[((Math.abs(index) % n) + n) % n];
  }

  /** Round-robin; when `lastBrokerName` is given, prefer a queue on another broker. */
  selectOneMessageQueue(lastBrokerName?: string): MessageQueue {
    if (lastBrokerName === undefined) return this.at(this.nextIndex());
    for (let i = 0; i < this.queues.length; i++) {
      const mq = this.at(this.nextIndex());
      if (mq.brokerName !== lastBrokerName) return mq;
    }
    return this.at(this.nextIndex());
  }

  /** With latency fault tolerance (Java 4.9 `MQFaultStrategy.selectOneMessageQueue`, sendLatencyFaultEnable=true). */
  selectWithFaultTolerance(fault: LatencyFaultTolerance, lastBrokerName?: string): MessageQueue {
    let index = this.nextIndex();
    for (let i = 0; i < this.queues.length; i++) {
      const mq = this.at(index++);
      if (fault.isAvailable(mq.brokerName) && (lastBrokerName === undefined || mq.brokerName !== lastBrokerName || this.brokerCount() === 1)) return mq;
    }
    const notBest = fault.pickOneAtLeast();
    if (notBest !== undefined) {
      const nums = this.queues.filter((q) => q.brokerName === notBest).length;
      if (nums > 0) return { topic: this.topic, brokerName: notBest, queueId: Math.abs(this.nextIndex()) % nums };
      fault.remove(notBest);
    }
    return this.selectOneMessageQueue(lastBrokerName);
  }

  brokerCount(): number { return new Set(this.queues.map((q) => q.brokerName)).size; }

  /**
   * The queue the next round-robin send would take, without taking it (the route dry-run): the
   * position after the last one used, and with fault tolerance the first queue from there on a broker
   * not avoided. Null with fault tolerance when every broker is avoided (Java then picks among the
   * least bad, which depends on the latency table).
   */
  previewNext(fault?: LatencyFaultTolerance): { queue: MessageQueue; position: number; skipped: number } | null {
    const n = this.queues.length;
    if (n === 0) return null;
    const index = (this.sendWhichQueue + 1) | 0;
    for (let k = 0; k < (fault ? n : 1); k++) {
      const position = ((Math.abs((index + k) | 0) % n) + n) % n;
      const mq = this.queues[position];
      if (!fault || fault.isAvailable(mq.brokerName)) return { queue: mq, position, skipped: k };
    }
    return null;
  }

  private masters?: Map<string, string>;

  masterAddr(brokerName: string): string | undefined {
    if (!this.masters) {
      this.masters = new Map();
      for (const b of this.route.brokerDatas) {
        const a = b.brokerAddrs.get(MASTER_ID);
        if (a) this.masters.set(b.brokerName, a);
      }
    }
    return this.masters.get(brokerName);
  }
}

/** TBW102 route adapted for an unknown topic: min(defaultTopicQueueNums, readQueueNums) per broker (§4.5). */
export function adaptDefaultRoute(defaultRoute: TopicRouteData, defaultTopicQueueNums: number): TopicRouteData {
  return {
    ...defaultRoute,
    queueDatas: defaultRoute.queueDatas.map((qd) => {
      const n = Math.min(defaultTopicQueueNums, qd.readQueueNums);
      return { ...qd, readQueueNums: n, writeQueueNums: n };
    }),
  };
}

/** Explains why a route has no writable queue (for the NO_WRITABLE_QUEUE error). */
export function describeUnwritable(route: TopicRouteData): string {
  if (route.queueDatas.length === 0) return 'the route has no queue data';
  return route.queueDatas.map((qd) => {
    const bd = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
    const why: string[] = [];
    if (!isWritable(qd.perm)) why.push(`perm ${qd.perm} has no WRITE bit`);
    if (qd.writeQueueNums <= 0) why.push('writeQueueNums 0');
    if (!bd) why.push('no broker data');
    else if (!bd.brokerAddrs.has(MASTER_ID)) why.push('no master (brokerId 0)');
    return `${qd.brokerName}: ${why.join(', ') || 'writable'}`;
  }).join('; ');
}
