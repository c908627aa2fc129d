import { isJsonObject, JsonValue } from '../lenient-json';
import { Fields, parseBodyJson } from './body-json';

/**
 * HeartbeatData, the body of HEART_BEAT (34): who the client is and which producer and consumer
 * groups it runs, with each consumer's subscriptions (Java `HeartbeatData`, `ConsumerData`,
 * `SubscriptionData`; fastjson JSON). The broker keeps the last heartbeat per client and group: it
 * decides which clients a check-back or a rebalance sees.
 */
export interface HeartbeatData {
  clientID: string;
  producerGroups: string[];
  consumers: ConsumerData[];
}

export interface ConsumerData {
  groupName: string;
  consumeType: string;
  messageModel: string;
  consumeFromWhere: string;
  subscriptions: SubscriptionData[];
}

export interface SubscriptionData {
  topic: string;
  /** The expression as the client wrote it: `*`, `TagA || TagB`, an SQL92 expression. */
  subString: string;
  /** TAG or SQL92. */
  expressionType: string;
  /** Code of the expression (Java's `subVersion`): changes when the client subscribes anew. */
  subVersion: string;
}

const str = (v: JsonValue | undefined): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : String(v));

export function parseHeartbeat(body: Uint8Array | string | null): HeartbeatData {
  const f = new Fields(parseBodyJson(body, 'HeartbeatData'), 'HeartbeatData');
  const producerGroups: string[] = [];
  for (const p of f.arr('producerDataSet', [])) if (isJsonObject(p)) producerGroups.push(str(p.groupName));
  const consumers: ConsumerData[] = [];
  for (const c of f.arr('consumerDataSet', [])) {
    if (!isJsonObject(c)) continue;
    const subs: SubscriptionData[] = [];
    const set = c.subscriptionDataSet;
    for (const s of Array.isArray(set) ? set : []) {
      if (!isJsonObject(s)) continue;
      subs.push({ topic: str(s.topic), subString: str(s.subString), expressionType: str(s.expressionType) || 'TAG', subVersion: str(s.subVersion) });
    }
    consumers.push({ groupName: str(c.groupName), consumeType: str(c.consumeType), messageModel: str(c.messageModel), consumeFromWhere: str(c.consumeFromWhere), subscriptions: subs });
  }
  return { clientID: f.optStr('clientID') ?? '', producerGroups, consumers };
}
