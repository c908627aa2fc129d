import { CodecError } from '../errors';
import { JsonObject } from '../lenient-json';
import { Fields, parseBodyJson } from './body-json';

/** TopicRouteData from GET_ROUTEINFO_BY_TOPIC (docs/protocol.md §4.1). */
export interface TopicRouteData {
  brokerDatas: BrokerData[];
  queueDatas: QueueData[];
  /** `brokerName:queueNums;…` when the NameServer has order config; Java builds queues from it. */
  orderTopicConf?: string;
  filterServerTable: Record<string, string[]>;
  /** 5.x static topics: brokerName → mapping info, kept as parsed JSON. */
  topicQueueMappingByBroker?: JsonObject;
}

export interface BrokerData {
  cluster: string;
  brokerName: string;
  /** brokerId → "ip:port"; id 0 is the master. */
  brokerAddrs: Map<number, string>;
  enableActingMaster?: boolean;
  zoneName?: string;
}

export interface QueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  /** `topicSysFlag`, or `topicSynFlag` as spelled up to 4.8. */
  topicSysFlag: number;
}

export const MASTER_ID = 0;

export function parseTopicRouteData(body: Uint8Array | string | null): TopicRouteData {
  const f = new Fields(parseBodyJson(body, 'TopicRouteData'), 'TopicRouteData');
  const route: TopicRouteData = {
    brokerDatas: f.arr('brokerDatas', []).map((b, i) => parseBrokerData(f.child(b, `brokerDatas[${i}]`))),
    queueDatas: f.arr('queueDatas', []).map((q, i) => {
      const qf = f.child(q, `queueDatas[${i}]`);
      return {
        brokerName: qf.str('brokerName'),
        readQueueNums: qf.int('readQueueNums'),
        writeQueueNums: qf.int('writeQueueNums'),
        perm: qf.int('perm'),
        topicSysFlag: qf.int('topicSysFlag', qf.int('topicSynFlag', 0)),
      };
    }),
    filterServerTable: {},
  };
  const fst = f.obj('filterServerTable', {});
  for (const [addr, list] of Object.entries(fst)) {
    route.filterServerTable[addr] = Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
  }
  const order = f.optStr('orderTopicConf');
  if (order !== undefined) route.orderTopicConf = order;
  const mapping = f.obj('topicQueueMappingByBroker', {});
  if (Object.keys(mapping).length > 0) route.topicQueueMappingByBroker = mapping;
  return route;
}

export function parseBrokerData(f: Fields): BrokerData {
  const addrs = new Map<number, string>();
  for (const [id, addr] of Object.entries(f.obj('brokerAddrs', {}))) {
    // Ids come quoted ("0") from standard JSON and bare (0) from fastjson's default output.
    if (!/^-?\d+$/.test(id) || typeof addr !== 'string') {
      throw new CodecError('invalid-body', `brokerAddrs entry ${JSON.stringify(id)} is not brokerId → "ip:port"`, 0);
    }
    addrs.set(Number(id), addr);
  }
  const bd: BrokerData = { cluster: f.optStr('cluster') ?? '', brokerName: f.str('brokerName'), brokerAddrs: addrs };
  const acting = f.optBool('enableActingMaster');
  if (acting !== undefined) bd.enableActingMaster = acting;
  const zone = f.optStr('zoneName');
  if (zone !== undefined) bd.zoneName = zone;
  return bd;
}

/** PermName bits (§4.1). */
export const Perm = { PRIORITY: 0x8, READ: 0x4, WRITE: 0x2, INHERIT: 0x1 } as const;
export const isReadable = (perm: number): boolean => (perm & Perm.READ) !== 0;
export const isWritable = (perm: number): boolean => (perm & Perm.WRITE) !== 0;

/** `RW-`, `R--`, `RWX` (X = inherit), as mqadmin-style users read them; `P` appended for priority. */
export function permToString(perm: number): string {
  return (isReadable(perm) ? 'R' : '-') + (isWritable(perm) ? 'W' : '-') + ((perm & Perm.INHERIT) ? 'X' : '-') +
    ((perm & Perm.PRIORITY) ? 'P' : '');
}
