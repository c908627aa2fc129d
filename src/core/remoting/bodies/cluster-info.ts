import { isJsonObject } from '../lenient-json';
import { Fields, parseBodyJson } from './body-json';
import { BrokerData, parseBrokerData } from './route';

/** ClusterInfo from GET_BROKER_CLUSTER_INFO (docs/protocol.md §4.3). */
export interface ClusterInfo {
  brokerAddrTable: Map<string, BrokerData>;
  clusterAddrTable: Map<string, string[]>;
}

export function parseClusterInfo(body: Uint8Array | string | null): ClusterInfo {
  const f = new Fields(parseBodyJson(body, 'ClusterInfo'), 'ClusterInfo');
  const brokerAddrTable = new Map<string, BrokerData>();
  for (const [name, bd] of Object.entries(f.obj('brokerAddrTable', {}))) {
    brokerAddrTable.set(name, parseBrokerData(f.child(bd, `brokerAddrTable.${name}`)));
  }
  const clusterAddrTable = new Map<string, string[]>();
  for (const [cluster, names] of Object.entries(f.obj('clusterAddrTable', {}))) {
    // Java serializes a HashSet as an array; tolerate an object of names too.
    const list = Array.isArray(names) ? names : isJsonObject(names) ? Object.keys(names) : [];
    clusterAddrTable.set(cluster, list.filter((n): n is string => typeof n === 'string').sort());
  }
  return { brokerAddrTable, clusterAddrTable };
}
