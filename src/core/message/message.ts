/**
 * Message model: what a producer sends (`Message`) and what a broker stores (`MessageExt`).
 */
import { MessageConst, SYSTEM_PROPERTY_NAMES, KEY_SEPARATOR, NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR } from './properties';
import { InputError } from '../errors';

export class MessagePropertyError extends InputError {
  override name = 'MessagePropertyError';
  readonly kind = 'message-property' as const;
  constructor(readonly rule: string, message: string) { super(message); }
}

export interface MessageInit {
  topic: string;
  body: Uint8Array | string;
  tags?: string;
  keys?: string | readonly string[];
  flag?: number;
  /** User properties (validated like Java `putUserProperty`). */
  userProperties?: Readonly<Record<string, string>> | ReadonlyMap<string, string>;
  /** Raw properties, not validated (system names allowed) — for tools that replay captured messages. */
  rawProperties?: Readonly<Record<string, string>> | ReadonlyMap<string, string>;
  delayTimeLevel?: number;
  waitStoreMsgOK?: boolean;
}

/** A message to send. Like Java `Message`: WAIT=true is always set unless told otherwise. */
export class Message {
  topic: string;
  body: Uint8Array;
  flag: number;
  readonly properties = new Map<string, string>();
  /** Set by the producer after a transactional send (Java `__transactionId__`, local only). */
  transactionId?: string;

  constructor(init: MessageInit) {
    this.topic = init.topic;
    this.body = typeof init.body === 'string' ? new Uint8Array(Buffer.from(init.body, 'utf8')) : init.body;
    this.flag = init.flag ?? 0;
    if (init.tags) this.tags = init.tags;
    if (init.keys !== undefined) this.keys = init.keys;
    this.waitStoreMsgOK = init.waitStoreMsgOK ?? true;
    if (init.delayTimeLevel !== undefined) this.delayTimeLevel = init.delayTimeLevel;
    const raw = init.rawProperties;
    if (raw) for (const [k, v] of raw instanceof Map ? raw : Object.entries(raw)) this.properties.set(k, v);
    const user = init.userProperties;
    if (user) for (const [k, v] of user instanceof Map ? user : Object.entries(user)) this.putUserProperty(k, v);
  }

  get tags(): string | undefined { return this.properties.get(MessageConst.TAGS); }
  set tags(v: string | undefined) { this.setOrDelete(MessageConst.TAGS, v); }

  get keys(): string | undefined { return this.properties.get(MessageConst.KEYS); }
  set keys(v: string | readonly string[] | undefined) {
    this.setOrDelete(MessageConst.KEYS, Array.isArray(v) ? v.join(KEY_SEPARATOR) : (v as string | undefined));
  }

  get waitStoreMsgOK(): boolean { return this.properties.get(MessageConst.WAIT_STORE_MSG_OK) !== 'false'; }
  set waitStoreMsgOK(v: boolean) { this.properties.set(MessageConst.WAIT_STORE_MSG_OK, String(v)); }

  get delayTimeLevel(): number {
    const v = this.properties.get(MessageConst.DELAY_TIME_LEVEL);
    return v === undefined ? 0 : Number.parseInt(v, 10) || 0;
  }
  set delayTimeLevel(v: number) {
    if (v > 0) this.properties.set(MessageConst.DELAY_TIME_LEVEL, String(Math.trunc(v)));
    else this.properties.delete(MessageConst.DELAY_TIME_LEVEL);
  }

  get uniqKey(): string | undefined { return this.properties.get(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX); }

  /** Java `putUserProperty`: rejects reserved names, blank names/values and the separator characters. */
  putUserProperty(name: string, value: string): void {
    if (SYSTEM_PROPERTY_NAMES.has(name)) {
      throw new MessagePropertyError('PROPERTY_RESERVED', `The Property<${name}> is used by system, input another please`);
    }
    if (!name || !name.trim() || value === undefined || value === null || !String(value).trim()) {
      throw new MessagePropertyError('PROPERTY_BLANK', 'The name or value of property can not be null or blank string!');
    }
    checkNoSeparator(name, value);
    this.properties.set(name, value);
  }

  getProperty(name: string): string | undefined { return this.properties.get(name); }

  private setOrDelete(k: string, v: string | undefined): void {
    if (v === undefined || v === '') this.properties.delete(k);
    else this.properties.set(k, v);
  }
}

export function checkNoSeparator(name: string, value: string): void {
  if (name.includes(NAME_VALUE_SEPARATOR) || name.includes(PROPERTY_SEPARATOR) || value.includes(NAME_VALUE_SEPARATOR) || value.includes(PROPERTY_SEPARATOR)) {
    throw new MessagePropertyError('PROPERTY_SEPARATOR', `Property ${JSON.stringify(name)} contains U+0001 or U+0002, which cannot be carried in a properties string`);
  }
}

/** A message as stored by a broker (decoded from PULL / QUERY / VIEW / CHECK bodies). */
export interface MessageExt {
  /** Byte offset of this record in the buffer it was decoded from. */
  recordOffset: number;
  storeSize: number;
  magic: number;
  /** 'V1' (0xDAA320A7, 1-byte topic length) or 'V2' (0xDAA320AB, 2-byte topic length). */
  magicVersion: 'V1' | 'V2';
  bodyCRC: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  commitLogOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: string;
  bornPort: number;
  storeTimestamp: number;
  storeHost: string;
  storePort: number;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  topic: string;
  /** Body as stored (still compressed when sysFlag has COMPRESSED_FLAG). */
  rawBody: Uint8Array;
  /** Body after decompression; equals rawBody when not compressed; undefined when it could not be decompressed. */
  body: Uint8Array | undefined;
  compressed: boolean;
  compression?: string;
  decompressError?: string;
  propertiesString: string;
  properties: Map<string, string>;
  /** UNIQ_KEY property if present (Java `MessageExt.getMsgId()` for client messages). */
  msgId: string | undefined;
  /** Offset message id computed from store host + physical offset. */
  offsetMsgId: string;
  tags?: string;
  keys?: string;
}
