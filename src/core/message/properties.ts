/**
 * Message properties string (docs/protocol.md §3.5).
 *
 * Wire grammar: (name U+0001 value U+0002)* — with or without the final U+0002 depending on the
 * producer's version: ≤ 4.9.0 trailing, 4.9.1 – 5.1.4 none, 5.2.0+ trailing again.
 */

export const NAME_VALUE_SEPARATOR = '\u0001';
export const PROPERTY_SEPARATOR = '\u0002';

/** Standard property names (`MessageConst`). */
export const MessageConst = {
  KEYS: 'KEYS',
  TAGS: 'TAGS',
  WAIT_STORE_MSG_OK: 'WAIT',
  DELAY_TIME_LEVEL: 'DELAY',
  RETRY_TOPIC: 'RETRY_TOPIC',
  REAL_TOPIC: 'REAL_TOPIC',
  REAL_QUEUE_ID: 'REAL_QID',
  TRANSACTION_PREPARED: 'TRAN_MSG',
  PRODUCER_GROUP: 'PGROUP',
  MIN_OFFSET: 'MIN_OFFSET',
  MAX_OFFSET: 'MAX_OFFSET',
  BUYER_ID: 'BUYER_ID',
  ORIGIN_MESSAGE_ID: 'ORIGIN_MESSAGE_ID',
  TRANSFER_FLAG: 'TRANSFER_FLAG',
  CORRECTION_FLAG: 'CORRECTION_FLAG',
  MQ2_FLAG: 'MQ2_FLAG',
  RECONSUME_TIME: 'RECONSUME_TIME',
  MSG_REGION: 'MSG_REGION',
  TRACE_SWITCH: 'TRACE_ON',
  UNIQ_CLIENT_MESSAGE_ID_KEYIDX: 'UNIQ_KEY',
  EXTEND_UNIQ_INFO: 'EXTEND_UNIQ_INFO',
  MAX_RECONSUME_TIMES: 'MAX_RECONSUME_TIMES',
  CONSUME_START_TIMESTAMP: 'CONSUME_START_TIME',
  INNER_NUM: 'INNER_NUM',
  INNER_BASE: 'INNER_BASE',
  TRANSACTION_PREPARED_QUEUE_OFFSET: 'TRAN_PREPARED_QUEUE_OFFSET',
  TRANSACTION_CHECK_TIMES: 'TRANSACTION_CHECK_TIMES',
  CHECK_IMMUNITY_TIME_IN_SECONDS: 'CHECK_IMMUNITY_TIME_IN_SECONDS',
  INSTANCE_ID: 'INSTANCE_ID',
  CORRELATION_ID: 'CORRELATION_ID',
  MESSAGE_REPLY_TO_CLIENT: 'REPLY_TO_CLIENT',
  MESSAGE_TTL: 'TTL',
  REPLY_MESSAGE_ARRIVE_TIME: 'ARRIVE_TIME',
  PUSH_REPLY_TIME: 'PUSH_REPLY_TIME',
  CLUSTER: 'CLUSTER',
  MESSAGE_TYPE: 'MSG_TYPE',
  INNER_MULTI_QUEUE_OFFSET: 'INNER_MULTI_QUEUE_OFFSET',
  INNER_MULTI_DISPATCH: 'INNER_MULTI_DISPATCH',
  TRACE_CONTEXT: 'TRACE_CONTEXT',
  TIMER_DELAY_SEC: 'TIMER_DELAY_SEC',
  TIMER_DELAY_MS: 'TIMER_DELAY_MS',
  TIMER_DELIVER_MS: 'TIMER_DELIVER_MS',
  TIMER_ENQUEUE_MS: 'TIMER_ENQUEUE_MS',
  TIMER_DEQUEUE_MS: 'TIMER_DEQUEUE_MS',
  TIMER_ROLL_TIMES: 'TIMER_ROLL_TIMES',
  TIMER_OUT_MS: 'TIMER_OUT_MS',
  TIMER_DEL_UNIQKEY: 'TIMER_DEL_UNIQKEY',
  TIMER_DELAY_LEVEL: 'TIMER_DELAY_LEVEL',
  BORN_HOST: '__BORNHOST',
  BORN_TIMESTAMP: 'BORN_TIMESTAMP',
  DUP_INFO: 'DUP_INFO',
  SHARDING_KEY: '__SHARDINGKEY',
  TRANSACTION_ID: '__transactionId__',
  CRC32: '__CRC32#',
  POP_CK: 'POP_CK',
  POP_CK_OFFSET: 'POP_CK_OFFSET',
  FIRST_POP_TIME: '1ST_POP_TIME',
  FORWARD_QUEUE_ID: 'PROPERTY_FORWARD_QUEUE_ID',
  REDIRECT: 'REDIRECT',
  DLQ_ORIGIN_TOPIC: 'DLQ_ORIGIN_TOPIC',
  DLQ_ORIGIN_MESSAGE_ID: 'DLQ_ORIGIN_MESSAGE_ID',
} as const;

/** Names a user may not set through `putUserProperty` (`MessageConst.STRING_HASH_SET`). */
export const SYSTEM_PROPERTY_NAMES: ReadonlySet<string> = new Set<string>(
  Object.values(MessageConst).filter((k) => k !== MessageConst.CRC32),
);

export const KEY_SEPARATOR = ' ';

/**
 * Encodes properties. `trailingSeparator` = whether the final pair ends with U+0002
 * (true for producers ≤ 4.9.0 and ≥ 5.2.0, false for 4.9.1 – 5.1.4). Null/undefined values are skipped.
 * `order`: the keys in the order to write them (a producer passes Java's HashMap order); default:
 * the map's own order.
 */
export function encodeProperties(
  props: ReadonlyMap<string, string | null | undefined> | Readonly<Record<string, string | null | undefined>>,
  trailingSeparator = true,
  order?: readonly string[],
): string {
  const get = props instanceof Map ? (k: string) => props.get(k) : (k: string) => (props as Readonly<Record<string, string | null | undefined>>)[k];
  let out = '';
  for (const k of order ?? (props instanceof Map ? props.keys() : Object.keys(props))) {
    const v = get(k);
    if (v === null || v === undefined) continue;
    out += k + NAME_VALUE_SEPARATOR + v + PROPERTY_SEPARATOR;
  }
  if (!trailingSeparator && out.length > 0) out = out.slice(0, -1);
  return out;
}

/**
 * Parses a properties string exactly like Java's `MessageDecoder.string2messageProperties`:
 * split on U+0002; segments shorter than 3 characters are ignored; key = text before the first
 * U+0001 (non-empty), value = the rest (non-empty). Later duplicates win.
 */
export function decodeProperties(s: string | null | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (!s) return map;
  for (const seg of s.split(PROPERTY_SEPARATOR)) {
    if (seg.length < 3) continue;
    const i = seg.indexOf(NAME_VALUE_SEPARATOR);
    if (i <= 0 || i === seg.length - 1) continue;
    map.set(seg.slice(0, i), seg.slice(i + 1));
  }
  return map;
}

/** Whether a producer with this MQVersion ordinal writes the trailing U+0002 (§3.5). */
export function trailingSeparatorForVersion(versionOrdinal: number): boolean {
  // V4_9_1 = 395 (its SNAPSHOT 394) … V5_1_4 = 441; V5_2_0_SNAPSHOT = 452.
  if (versionOrdinal <= 393) return true;
  if (versionOrdinal < 452) return false;
  return true;
}

/** Java HashMap iteration order lives with the codec, which needs it for extFields; re-exported for messages. */
export { javaHashMapOrder } from '../remoting/java-hashmap-order';
