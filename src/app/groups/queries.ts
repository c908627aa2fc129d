/**
 * The consumer-group questions the tree and the CLI ask, over one MQClient (a connection session's pool, or
 * the CLI's): the cluster's masters, the group list, summaries of many groups at a bounded concurrency.
 * No `vscode`.
 */
import { GroupSummary, InspectionFailure, listGroups, mastersOf, summarizeGroup, SummaryOptions, GroupListing } from '../../core/consumer/group-inspection';
import type { BrokerTarget } from '../../core/consumer/group-admin';
import { MQClient } from '../../core/producer';

export interface GroupUniverse {
  masters: BrokerTarget[];
  /** Brokers the cluster info names without a master address (their groups cannot be asked). */
  withoutMaster: string[];
  listing: GroupListing;
  /** Every topic the NameServer lists (to skip asking for retry / DLQ topics that do not exist). */
  knownTopics: Set<string>;
  failures: InspectionFailure[];
}

/** GET_BROKER_CLUSTER_INFO, GET_ALL_TOPIC_LIST_FROM_NAMESERVER, then GET_ALL_SUBSCRIPTIONGROUP_CONFIG of every master. */
export async function loadGroupUniverse(client: MQClient): Promise<GroupUniverse> {
  const [info, topics] = await Promise.all([client.nameServer.getClusterInfo(), client.nameServer.getAllTopicList().then((r) => r.value.topicList, () => undefined)]);
  const { masters, withoutMaster } = mastersOf(info.value);
  const listing = await listGroups(client, masters);
  return { masters, withoutMaster, listing, knownTopics: new Set(topics ?? []), failures: [...listing.failures] };
}

/** Runs `f` over `items`, at most `limit` at a time, results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function summarizeGroups(client: MQClient, groups: readonly string[], masters: BrokerTarget[], opts: SummaryOptions = {}, limit = 4): Promise<GroupSummary[]> {
  return mapLimit(groups, limit, (g) => summarizeGroup(client, g, masters, opts));
}
