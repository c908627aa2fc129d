import { Fields, parseBodyJson } from './body-json';

/** GroupList, the answer body of QUERY_TOPIC_CONSUME_BY_WHO (300): `{"groupList":["G1","G2"]}` (docs/protocol.md §5.7). */
export function parseGroupList(body: Uint8Array | string | null): string[] {
  return new Fields(parseBodyJson(body, 'GroupList'), 'GroupList').strList('groupList').sort();
}

/** GetConsumerListByGroupResponseBody, the answer of GET_CONSUMER_LIST_BY_GROUP (38): `{"consumerIdList":[…]}`. */
export function parseConsumerIdList(body: Uint8Array | string | null): string[] {
  return new Fields(parseBodyJson(body, 'GetConsumerListByGroupResponseBody'), 'GetConsumerListByGroupResponseBody').strList('consumerIdList').sort();
}
