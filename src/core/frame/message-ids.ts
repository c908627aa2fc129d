/** Notes for message ids wherever they appear (extFields, properties, decoded sections). */
import { decodeOffsetMessageId, decodeUniqKey } from '../message';

/**
 * What kind of id a field holds: a UNIQ_KEY (client-made msgId), an offsetMsgId (broker address +
 * commit-log offset), or either when the field does not say (both decodings are then shown: a 32-digit
 * id decodes either way).
 */
export type MessageIdKind = 'uniq' | 'offset' | 'either';

/** The id decoded as its kind says; null if it does not decode. */
export function messageIdNote(id: string, kind: MessageIdKind = 'either'): string | null {
  const parts: string[] = [];
  if (kind !== 'offset') try {
    const u = decodeUniqKey(id);
    parts.push(`as UNIQ_KEY: ip ${u.ip}, pid ${u.pid}, ${u.msSinceMonthStart} ms after month start, counter ${u.counter}`);
  } catch { /* not that */ }
  if (kind !== 'uniq') try {
    const o = decodeOffsetMessageId(id);
    parts.push(`as offsetMsgId: broker ${o.address}, commit log offset ${o.commitLogOffset}`);
  } catch { /* not that */ }
  return parts.length ? parts.join('; ') : null;
}
