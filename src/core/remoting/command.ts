import { DEFAULT_CLIENT_VERSION } from './version';
import { LanguageCode } from './codes';

export type SerializeType = 'JSON' | 'ROCKETMQ';
export const SERIALIZE_TYPE_BYTE: Readonly<Record<SerializeType, number>> = { JSON: 0, ROCKETMQ: 1 };

/** flag bit 0: this frame is a response; bit 1: a oneway request that never gets one (§1.5). */
export const FLAG_RESPONSE = 1;
export const FLAG_ONEWAY = 2;

/** One RemotingCommand, as it travels in one frame. */
export interface RemotingCommand {
  code: number;
  /** LanguageCode byte; -1 when a JSON header named a language this table does not know. */
  language: number;
  /** The name as sent, kept only when `language` could not be resolved (e.g. NODE_JS from a newer peer). */
  languageRaw?: string;
  /** MQVersion ordinal of the sender. */
  version: number;
  opaque: number;
  flag: number;
  remark: string | null;
  /** Custom-header fields and extra keys; null when the frame carried none. Values are always strings. */
  extFields: Record<string, string> | null;
  serializeType: SerializeType;
  body: Uint8Array | null;
}

export const isResponse = (cmd: Pick<RemotingCommand, 'flag'>): boolean => (cmd.flag & FLAG_RESPONSE) !== 0;
export const isOneway = (cmd: Pick<RemotingCommand, 'flag'>): boolean => (cmd.flag & FLAG_ONEWAY) !== 0;

/** Java clients share one process-wide counter across connections; so do we. */
let nextOpaque = 0;
export function allocateOpaque(): number {
  const v = nextOpaque;
  nextOpaque = (nextOpaque + 1) | 0;
  return v;
}

export interface CommandOptions {
  serializeType?: SerializeType;
  language?: number;
  version?: number;
  opaque?: number;
  remark?: string | null;
  body?: Uint8Array | null;
  oneway?: boolean;
}

/** Builds a request. extFields values are stringified as Java's custom headers are. */
export function createRequest(
  code: number,
  extFields?: Record<string, string | number | boolean | bigint | null | undefined> | null,
  opts: CommandOptions = {},
): RemotingCommand {
  return {
    code,
    language: opts.language ?? LanguageCode.JAVA,
    version: opts.version ?? DEFAULT_CLIENT_VERSION,
    opaque: opts.opaque ?? allocateOpaque(),
    flag: opts.oneway ? FLAG_ONEWAY : 0,
    remark: opts.remark ?? null,
    extFields: extFields ? stringifyFields(extFields) : null,
    serializeType: opts.serializeType ?? 'JSON',
    body: opts.body ?? null,
  };
}

/** Builds the response to `request`: same opaque, response bit set. */
export function createResponse(
  request: Pick<RemotingCommand, 'opaque' | 'serializeType'>,
  code: number,
  remark: string | null = null,
  extFields?: Record<string, string | number | boolean | bigint | null | undefined> | null,
  opts: Omit<CommandOptions, 'opaque' | 'oneway' | 'remark'> = {},
): RemotingCommand {
  return {
    code,
    language: opts.language ?? LanguageCode.JAVA,
    version: opts.version ?? DEFAULT_CLIENT_VERSION,
    opaque: request.opaque,
    flag: FLAG_RESPONSE,
    remark,
    extFields: extFields ? stringifyFields(extFields) : null,
    serializeType: opts.serializeType ?? request.serializeType,
    body: opts.body ?? null,
  };
}

export function stringifyFields(
  fields: Record<string, string | number | boolean | bigint | null | undefined>,
): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}
