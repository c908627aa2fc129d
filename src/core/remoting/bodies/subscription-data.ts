import { CodecError } from '../errors';
import { JsonValue, isJsonObject } from '../lenient-json';
import { Fields } from './body-json';

/**
 * SubscriptionData: one topic a consumer subscribes to, as heartbeats, ConsumerConnection and
 * ConsumerRunningInfo carry it: `{"classFilterMode":false,"codeSet":[66],"expressionType":"TAG",
 * "subString":"B","subVersion":1796392507170,"tagsSet":["B"],"topic":"GT"}`.
 */
export interface SubscriptionData {
  topic: string;
  /** The expression as written: `*`, `A || B`, or an SQL92 condition. */
  subString: string;
  /** `TAG` (the default when absent) or `SQL92`. */
  expressionType: string;
  tags: string[];
  /** When the client made this subscription (ms); differs between clients even for the same expression. */
  subVersion: number;
  classFilterMode: boolean;
}

export function parseSubscriptionData(v: JsonValue, path: string): SubscriptionData {
  if (!isJsonObject(v)) throw new CodecError('invalid-body', `${path}: expected a SubscriptionData object`, 0);
  const f = new Fields(v, path);
  return {
    topic: f.str('topic'),
    subString: f.optStr('subString') ?? '*',
    expressionType: f.optStr('expressionType') ?? 'TAG',
    tags: f.strList('tagsSet').sort(),
    subVersion: f.int('subVersion', 0),
    classFilterMode: f.bool('classFilterMode', false),
  };
}

/** Same subscription for the purpose of filtering: topic, type and expression (subVersion and tag hash codes aside). */
export function sameSubscription(a: SubscriptionData, b: SubscriptionData): boolean {
  return a.topic === b.topic && a.expressionType.toUpperCase() === b.expressionType.toUpperCase() && normalizedExpression(a) === normalizedExpression(b);
}

/** The expression compared as the broker applies it: for TAG, the set of tags (`A||B` = `B || A`); SQL92 as written. */
export function normalizedExpression(s: SubscriptionData): string {
  if (s.expressionType.toUpperCase() !== 'TAG') return s.subString.trim();
  const t = s.subString.trim();
  if (t === '' || t === '*') return '*';
  return t.split('||').map((x) => x.trim()).filter(Boolean).sort().join(' || ');
}
