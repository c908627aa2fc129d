import { Fields, parseBodyJson } from './body-json';
import { SubscriptionData, parseSubscriptionData } from './subscription-data';

/**
 * ConsumerConnection, the answer body of GET_CONSUMER_CONNECTION_LIST (203), docs/protocol.md §5.7:
 * the group's clients connected to this broker and the one subscription per topic the broker keeps for
 * the group (the last heartbeat's, whichever client sent it). A group with no client connected to the
 * broker is answered with 206 CONSUMER_NOT_ONLINE instead.
 */
export interface ConsumerConnection {
  connections: ClientConnection[];
  /** topic → subscription, as the broker filters with it. */
  subscriptions: SubscriptionData[];
  /** CONSUME_PASSIVELY (push), CONSUME_ACTIVELY (pull), CONSUME_POP (5.x). */
  consumeType?: string;
  /** CLUSTERING or BROADCASTING. */
  messageModel?: string;
  consumeFromWhere?: string;
}

export interface ClientConnection {
  clientId: string;
  /** The client's address as the broker sees the connection (`ip:port`). */
  clientAddr: string;
  /** LanguageCode name (`JAVA`, `CPP`, `GO`, …). */
  language: string;
  /** MQVersion ordinal the client announces. */
  version: number;
}

export function parseConsumerConnection(body: Uint8Array | string | null): ConsumerConnection {
  const f = new Fields(parseBodyJson(body, 'ConsumerConnection'), 'ConsumerConnection');
  const connections = f.arr('connectionSet', []).map((c, i) => {
    const cf = f.child(c, `connectionSet[${i}]`);
    return { clientId: cf.str('clientId'), clientAddr: cf.optStr('clientAddr') ?? '', language: String(cf.optStr('language') ?? cf.optInt('language') ?? ''), version: cf.int('version', 0) };
  }).sort((a, b) => (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0));
  const subscriptions = Object.entries(f.obj('subscriptionTable', {})).map(([topic, v]) => parseSubscriptionData(v, `ConsumerConnection.subscriptionTable[${topic}]`))
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
  const out: ConsumerConnection = { connections, subscriptions };
  const ct = f.optStr('consumeType');
  if (ct) out.consumeType = ct;
  const mm = f.optStr('messageModel');
  if (mm) out.messageModel = mm;
  const cfw = f.optStr('consumeFromWhere');
  if (cfw) out.consumeFromWhere = cfw;
  return out;
}
