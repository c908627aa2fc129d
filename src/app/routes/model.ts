/**
 * Pure view models for the Topic Route tree, built from NameServer answers (docs/protocol.md §4).
 * No `vscode` import: unit-tested in plain Node, wrapped into TreeItems by `tree.ts`.
 */
import { BrokerData, ClusterInfo, MASTER_ID, QueueData, TopicRouteData, isReadable, isWritable, permToString } from '../../core/remoting';

export interface BrokerAddressView {
  brokerId: number;
  address: string;
  role: 'master' | 'slave';
}

export interface BrokerView {
  cluster: string;
  brokerName: string;
  addresses: BrokerAddressView[];
  hasMaster: boolean;
  zoneName?: string;
  /** Filled in when a broker answered GET_BROKER_RUNTIME_INFO / from its own version field; undefined = unknown. */
  version?: string;
}

export interface ClusterView {
  name: string;
  brokers: BrokerView[];
}

export function brokerAddresses(bd: BrokerData): BrokerAddressView[] {
  return [...bd.brokerAddrs.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([brokerId, address]) => ({ brokerId, address, role: brokerId === MASTER_ID ? 'master' : 'slave' }));
}

export function brokerView(bd: BrokerData): BrokerView {
  const v: BrokerView = { cluster: bd.cluster, brokerName: bd.brokerName, addresses: brokerAddresses(bd), hasMaster: bd.brokerAddrs.has(MASTER_ID) };
  if (bd.zoneName) v.zoneName = bd.zoneName;
  return v;
}

/** Clusters sorted by name, each with its brokers sorted by name (brokers with no cluster entry go under their own `cluster`). */
export function buildClusterViews(info: ClusterInfo): ClusterView[] {
  const clusters = new Map<string, Set<string>>();
  for (const [cluster, names] of info.clusterAddrTable) clusters.set(cluster, new Set(names));
  for (const [name, bd] of info.brokerAddrTable) {
    const c = bd.cluster || '(no cluster)';
    if (![...clusters.values()].some((s) => s.has(name))) {
      if (!clusters.has(c)) clusters.set(c, new Set());
      clusters.get(c)!.add(name);
    }
  }
  return [...clusters.entries()].sort((a, b) => cmp(a[0], b[0])).map(([name, brokerNames]) => ({
    name,
    brokers: [...brokerNames].sort(cmp).map((bn) => {
      const bd = info.brokerAddrTable.get(bn);
      return bd ? brokerView(bd) : { cluster: name, brokerName: bn, addresses: [], hasMaster: false };
    }),
  }));
}

export type QueueFlag = 'unwritable' | 'unreadable' | 'read-write-mismatch' | 'no-master' | 'no-broker-data' | 'no-queues';

export interface QueueView {
  queueId: number;
  readable: boolean;
  writable: boolean;
}

export interface RouteBrokerView {
  brokerName: string;
  cluster: string;
  addresses: BrokerAddressView[];
  masterAddress: string | undefined;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  permText: string;
  topicSysFlag: number;
  /** Queue ids 0..max(read, write)−1 with what each one allows. */
  queues: QueueView[];
  flags: QueueFlag[];
}

export interface RouteView {
  topic: string;
  brokers: RouteBrokerView[];
  /** When the NameServer has order config, Java clients build queues from it instead of queueDatas. */
  orderTopicConf?: string;
  staticTopic: boolean;
  /** Brokers in brokerDatas without queue data for this topic. */
  brokersWithoutQueues: string[];
  flags: QueueFlag[];
}

export function queueFlags(qd: QueueData, bd: BrokerData | undefined): QueueFlag[] {
  const f: QueueFlag[] = [];
  if (!isWritable(qd.perm) || qd.writeQueueNums <= 0) f.push('unwritable');
  if (!isReadable(qd.perm) || qd.readQueueNums <= 0) f.push('unreadable');
  if (qd.readQueueNums !== qd.writeQueueNums) f.push('read-write-mismatch');
  if (!bd) f.push('no-broker-data');
  else if (!bd.brokerAddrs.has(MASTER_ID)) f.push('no-master');
  return f;
}

export function buildRouteView(topic: string, route: TopicRouteData): RouteView {
  const brokers = [...route.queueDatas].sort((a, b) => cmp(a.brokerName, b.brokerName)).map((qd): RouteBrokerView => {
    const bd = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
    const n = Math.max(qd.readQueueNums, qd.writeQueueNums, 0);
    const queues: QueueView[] = [];
    for (let i = 0; i < n; i++) {
      queues.push({ queueId: i, readable: isReadable(qd.perm) && i < qd.readQueueNums, writable: isWritable(qd.perm) && i < qd.writeQueueNums });
    }
    return {
      brokerName: qd.brokerName,
      cluster: bd?.cluster ?? '',
      addresses: bd ? brokerAddresses(bd) : [],
      masterAddress: bd?.brokerAddrs.get(MASTER_ID),
      readQueueNums: qd.readQueueNums,
      writeQueueNums: qd.writeQueueNums,
      perm: qd.perm,
      permText: permToString(qd.perm),
      topicSysFlag: qd.topicSysFlag,
      queues,
      flags: queueFlags(qd, bd),
    };
  });
  const withQueues = new Set(route.queueDatas.map((q) => q.brokerName));
  const v: RouteView = {
    topic,
    brokers,
    staticTopic: route.topicQueueMappingByBroker !== undefined,
    brokersWithoutQueues: route.brokerDatas.map((b) => b.brokerName).filter((n) => !withQueues.has(n)).sort(cmp),
    flags: route.queueDatas.length === 0 ? ['no-queues'] : [],
  };
  if (route.orderTopicConf !== undefined) v.orderTopicConf = route.orderTopicConf;
  return v;
}

/** One line a person reads in the tree: `read 4 / write 4 · RW-` plus warnings. */
export function describeRouteBroker(b: RouteBrokerView): string {
  const parts = [`read ${b.readQueueNums} / write ${b.writeQueueNums}`, b.permText];
  return parts.join(' · ');
}

export const FLAG_TEXT: Readonly<Record<QueueFlag, string>> = {
  unwritable: 'not writable: producers skip this broker (perm has no W bit or 0 write queues)',
  unreadable: 'not readable: consumers get nothing from this broker (perm has no R bit or 0 read queues)',
  'read-write-mismatch': 'read and write queue counts differ: messages in queues beyond the read count are never consumed, or read-only queues stay empty',
  'no-master': 'no master (brokerId 0) registered: sends to this broker fail',
  'no-broker-data': 'the route has queue data but no broker data for this broker',
  'no-queues': 'the route has no queue data',
};

/** Text of a queue row: `queue 3 · R-` (what this queue allows). */
export function describeQueue(q: QueueView): string {
  return `${q.readable ? 'R' : '-'}${q.writable ? 'W' : '-'}`;
}

// ---------------------------------------------------------------- system topics

const SYSTEM_EXACT: ReadonlySet<string> = new Set([
  'TBW102', 'SCHEDULE_TOPIC_XXXX', 'BenchmarkTest', 'OFFSET_MOVED_EVENT', 'SELF_TEST_TOPIC', 'TRANS_CHECK_MAX_TIME_TOPIC',
  'RMQ_SYS_TRACE_TOPIC', 'RMQ_SYS_TRANS_HALF_TOPIC', 'RMQ_SYS_TRANS_OP_HALF_TOPIC', 'DefaultHeartBeatSyncerTopic',
  'CHECKPOINT_TOPIC', 'TRANS_OP_HALF_TOPIC',
]);
const SYSTEM_PREFIXES = ['RMQ_SYS_', 'rmq_sys_', '%RETRY%', '%DLQ%', '%LMQ%', 'rocketmq-broker-'];

/**
 * Whether a topic is one RocketMQ creates for itself: fixed names, `RMQ_SYS_*`/`rmq_sys_*`, retry and
 * dead-letter topics, and the per-broker and per-cluster topics every broker registers (its own name,
 * its cluster's name, `<cluster>_REPLY_TOPIC`, `SYNC_BROKER_MEMBER_<name>`).
 */
export function isSystemTopic(topic: string, names: { brokerNames?: Iterable<string>; clusterNames?: Iterable<string> } = {}): boolean {
  if (SYSTEM_EXACT.has(topic)) return true;
  if (SYSTEM_PREFIXES.some((p) => topic.startsWith(p))) return true;
  if (topic.endsWith('_REPLY_TOPIC') || topic.startsWith('SYNC_BROKER_MEMBER_')) return true;
  for (const n of names.brokerNames ?? []) if (topic === n) return true;
  for (const n of names.clusterNames ?? []) if (topic === n) return true;
  return false;
}

export interface TopicListView {
  visible: string[];
  hiddenSystem: number;
  hiddenByFilter: number;
  total: number;
}

/** Sorts, hides system topics unless asked, applies a case-insensitive substring filter. */
export function buildTopicList(topics: Iterable<string>, opts: { showSystem: boolean; filter?: string; brokerNames?: Iterable<string>; clusterNames?: Iterable<string> }): TopicListView {
  const all = [...new Set(topics)].sort(cmp);
  const brokerNames = [...(opts.brokerNames ?? [])];
  const clusterNames = [...(opts.clusterNames ?? [])];
  const f = opts.filter?.trim().toLowerCase();
  let hiddenSystem = 0;
  let hiddenByFilter = 0;
  const visible: string[] = [];
  for (const t of all) {
    if (!opts.showSystem && isSystemTopic(t, { brokerNames, clusterNames })) { hiddenSystem++; continue; }
    if (f && !t.toLowerCase().includes(f)) { hiddenByFilter++; continue; }
    visible.push(t);
  }
  return { visible, hiddenSystem, hiddenByFilter, total: all.length };
}

// ---------------------------------------------------------------- copy as mqadmin

export type MqadminTarget =
  | { kind: 'topicRoute'; topic: string }
  | { kind: 'topicStatus'; topic: string }
  | { kind: 'clusterList' }
  | { kind: 'topicList' }
  | { kind: 'brokerStatus'; brokerAddr: string }
  | { kind: 'sendMessage'; topic: string; body: string; tags?: string; keys?: string; brokerName?: string; queueId?: number }
  | { kind: 'queryMsgById'; msgId: string }
  | { kind: 'queryMsgByKey'; topic: string; key: string }
  | { kind: 'queryMsgByUniqueKey'; topic: string; msgId: string }
  | { kind: 'updateTopic'; brokerAddr: string; topic: string; readQueueNums?: number; writeQueueNums?: number; perm?: number }
  | { kind: 'deleteTopic'; topic: string }
  | { kind: 'consumerConnection'; group: string }
  | { kind: 'consumerProgress'; group: string; topic?: string }
  | { kind: 'updateSubGroup'; brokerAddr: string; group: string }
  | { kind: 'updateBrokerConfig'; brokerAddr: string; key: string; value: string }
  | { kind: 'getBrokerConfig'; brokerAddr: string };

/** POSIX shell quoting, only when needed. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The mqadmin command line for a node; secrets are never included (mqadmin reads them from its own config). */
export function mqadminCommand(namesrv: string, t: MqadminTarget): string {
  const n = `-n ${shellQuote(namesrv)}`;
  switch (t.kind) {
    case 'topicRoute': return `sh mqadmin topicRoute ${n} -t ${shellQuote(t.topic)}`;
    case 'topicStatus': return `sh mqadmin topicStatus ${n} -t ${shellQuote(t.topic)}`;
    case 'clusterList': return `sh mqadmin clusterList ${n}`;
    case 'topicList': return `sh mqadmin topicList ${n}`;
    case 'brokerStatus': return `sh mqadmin brokerStatus ${n} -b ${shellQuote(t.brokerAddr)}`;
    case 'sendMessage': {
      let s = `sh mqadmin sendMessage ${n} -t ${shellQuote(t.topic)} -p ${shellQuote(t.body)}`;
      if (t.tags) s += ` -c ${shellQuote(t.tags)}`;
      if (t.keys) s += ` -k ${shellQuote(t.keys)}`;
      if (t.brokerName) s += ` -b ${shellQuote(t.brokerName)}`;
      if (t.queueId !== undefined) s += ` -i ${t.queueId}`;
      return s;
    }
    case 'queryMsgById': return `sh mqadmin queryMsgById ${n} -i ${shellQuote(t.msgId)}`;
    case 'queryMsgByKey': return `sh mqadmin queryMsgByKey ${n} -t ${shellQuote(t.topic)} -k ${shellQuote(t.key)}`;
    case 'queryMsgByUniqueKey': return `sh mqadmin queryMsgByUniqueKey ${n} -t ${shellQuote(t.topic)} -i ${shellQuote(t.msgId)}`;
    case 'updateTopic': {
      let s = `sh mqadmin updateTopic ${n} -b ${shellQuote(t.brokerAddr)} -t ${shellQuote(t.topic)}`;
      if (t.readQueueNums !== undefined) s += ` -r ${t.readQueueNums}`;
      if (t.writeQueueNums !== undefined) s += ` -w ${t.writeQueueNums}`;
      if (t.perm !== undefined) s += ` -p ${t.perm}`;
      return s;
    }
    case 'deleteTopic': return `sh mqadmin deleteTopic ${n} -t ${shellQuote(t.topic)} -c <clusterName>`;
    case 'consumerConnection': return `sh mqadmin consumerConnection ${n} -g ${shellQuote(t.group)}`;
    case 'consumerProgress': return `sh mqadmin consumerProgress ${n} -g ${shellQuote(t.group)}${t.topic ? ` -t ${shellQuote(t.topic)}` : ''}`;
    case 'updateSubGroup': return `sh mqadmin updateSubGroup ${n} -b ${shellQuote(t.brokerAddr)} -g ${shellQuote(t.group)}`;
    case 'updateBrokerConfig': return `sh mqadmin updateBrokerConfig ${n} -b ${shellQuote(t.brokerAddr)} -k ${shellQuote(t.key)} -v ${shellQuote(t.value)}`;
    case 'getBrokerConfig': return `sh mqadmin getBrokerConfig ${n} -b ${shellQuote(t.brokerAddr)}`;
  }
}

// ---------------------------------------------------------------- offsets

export interface QueueOffsets {
  min: bigint;
  max: bigint;
}

/** `offsets 0 … 12 (12 messages)`; max is exclusive (docs/protocol.md §5.1). */
export function describeOffsets(o: QueueOffsets): string {
  const n = o.max - o.min;
  return `min ${o.min} · max ${o.max} · ${n} message${n === 1n ? '' : 's'}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
