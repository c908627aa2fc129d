import { Fields, parseBodyJson } from './body-json';

/** TopicList from GET_ALL_TOPIC_LIST_FROM_NAMESERVER and friends (docs/protocol.md §4.4). Unordered on the wire. */
export interface TopicList {
  topicList: string[];
  brokerAddr?: string;
}

export function parseTopicList(body: Uint8Array | string | null): TopicList {
  const f = new Fields(parseBodyJson(body, 'TopicList'), 'TopicList');
  const list: TopicList = { topicList: f.arr('topicList', []).filter((t): t is string => typeof t === 'string') };
  const addr = f.optStr('brokerAddr');
  if (addr !== undefined) list.brokerAddr = addr;
  return list;
}
