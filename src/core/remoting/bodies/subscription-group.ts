import { Fields, parseBodyJson } from './body-json';

/**
 * SubscriptionGroupWrapper, the answer body of GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201), docs/protocol.md §5.7:
 * `{"subscriptionGroupTable":{"G1":{"groupName":"G1","consumeEnable":true,"retryMaxTimes":16,…}},"dataVersion":{…}}`
 * (5.x adds `forbiddenTable` and per-group `attributes`, `groupSysFlag`, `consumeMessageOrderly`, …).
 * One broker's configs; brokers with autoCreateSubscriptionGroup make one for every group that heartbeats or pulls.
 */
export interface SubscriptionGroupConfig {
  groupName: string;
  consumeEnable: boolean;
  consumeBroadcastEnable: boolean;
  /** How often a failed message is retried before it goes to the dead-letter topic (broker default 16). */
  retryMaxTimes: number;
  retryQueueNums: number;
  /** 5.x: the group is declared orderly (server side). */
  consumeMessageOrderly?: boolean;
}

export function parseSubscriptionGroupWrapper(body: Uint8Array | string | null): SubscriptionGroupConfig[] {
  const f = new Fields(parseBodyJson(body, 'SubscriptionGroupWrapper'), 'SubscriptionGroupWrapper');
  return Object.entries(f.obj('subscriptionGroupTable', {})).map(([name, v]) => {
    const g = f.child(v, `subscriptionGroupTable[${name}]`);
    const c: SubscriptionGroupConfig = {
      groupName: g.optStr('groupName') ?? name,
      consumeEnable: g.bool('consumeEnable', true),
      consumeBroadcastEnable: g.bool('consumeBroadcastEnable', true),
      retryMaxTimes: g.int('retryMaxTimes', 16),
      retryQueueNums: g.int('retryQueueNums', 1),
    };
    const orderly = g.optBool('consumeMessageOrderly');
    if (orderly !== undefined) c.consumeMessageOrderly = orderly;
    return c;
  }).sort((a, b) => (a.groupName < b.groupName ? -1 : a.groupName > b.groupName ? 1 : 0));
}
