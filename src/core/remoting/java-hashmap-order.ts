/**
 * The order in which a `java.util.HashMap<String, …>` filled with `keys` (in this insertion order,
 * default capacity 16, load factor 0.75) iterates. Java peers write extFields in this order, so
 * following it makes our frames byte-identical to theirs (protocol.md §1.3).
 * Bins that Java would turn into trees (≥ 8 colliding keys in a table of ≥ 64) are not modelled:
 * String keys of real headers never collide that much.
 */
const orderCache = new Map<string, readonly string[]>();

export function javaHashMapOrder(keys: readonly string[]): string[] {
  return [...javaHashMapOrderShared(keys)];
}

/** Same order, as the memoized array itself (hot paths that only read it). */
export function javaHashMapOrderShared(keys: readonly string[]): readonly string[] {
  // Headers of one kind repeat the same key set on every request: memoize (pure function, bounded cache).
  let cacheKey = '';
  for (const k of keys) cacheKey += `${k.length}:${k}`; // length-prefixed: no two key lists share a cache key
  const hit = orderCache.get(cacheKey);
  if (hit) return hit;
  const order = computeOrder(keys);
  if (orderCache.size >= 512) orderCache.clear();
  orderCache.set(cacheKey, order);
  return order;
}

function computeOrder(keys: readonly string[]): string[] {
  let capacity = 16;
  while (keys.length > capacity * 0.75) capacity *= 2;
  const buckets = new Map<number, string[]>();
  for (const k of keys) {
    const h = javaStringHash(k);
    const index = (h ^ (h >>> 16)) & (capacity - 1);
    const bin = buckets.get(index);
    if (bin) bin.push(k); else buckets.set(index, [k]);
  }
  return [...buckets.keys()].sort((a, b) => a - b).flatMap((i) => buckets.get(i)!);
}

/** `String.hashCode()`: over UTF-16 code units, 32-bit wrap-around. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}
