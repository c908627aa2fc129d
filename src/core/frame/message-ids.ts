/** Notes for message ids wherever they appear (extFields, properties, decoded sections). */
import { decodeOffsetMessageId, decodeUniqKey } from '../message';

/** A UNIQ_KEY (client-made msgId) and/or an offsetMsgId (broker address + commit-log offset), decoded; null if neither. */
export function messageIdNote(id: string): string | null {
  const parts: string[] = [];
  try {
    const u = decodeUniqKey(id);
    parts.push(`as UNIQ_KEY: ip ${u.ip}, pid ${u.pid}, ${u.msSinceMonthStart} ms after month start, counter ${u.counter}`);
  } catch { /* not that */ }
  try {
    const o = decodeOffsetMessageId(id);
    parts.push(`as offsetMsgId: broker ${o.address}, commit log offset ${o.commitLogOffset}`);
  } catch { /* not that */ }
  return parts.length ? parts.join('; ') : null;
}
