/**
 * The order in which a `java.util.HashMap<String, …>` filled with `keys` (in this insertion order,
 * default capacity 16, load factor 0.75) iterates. Java peers write extFields in this order, so
 * following it makes our frames byte-identical to theirs (docs/protocol.md §1.3).
 * Bins that Java would turn into trees (≥ 8 colliding keys in a table of ≥ 64) are not modelled:
 * String keys of real headers never collide that much.
 */
// Headers of one kind repeat the same key list on every request, so the order is memoized. The
// lists are short and their strings are property names (internalized), so comparing a list with a
// remembered one is a few pointer compares — cheaper than building a map key from it.
const RECENT = 16;
const recentKeys: (readonly string[])[] = [];
const recentOrder: (readonly string[])[] = [];
let nextSlot = 0;

export function javaHashMapOrder(keys: readonly string[]): string[] {
  return [...javaHashMapOrderShared(keys)];
}

/** Same order, as the memoized array itself (hot paths that only read it). */
export function javaHashMapOrderShared(keys: readonly string[]): readonly string[] {
  for (let i = 0; i < recentKeys.length; i++) {
    const r = recentKeys[i];
    if (r.length !== keys.length) continue;
    let same = true;
    for (let j = 0; j < r.length; j++) if (r[j] !== keys[j]) { same = false; break; }
    if (same) return recentOrder[i];
  }
  const order = computeOrder(keys);
  recentKeys[nextSlot] = keys.slice();
  recentOrder[nextSlot] = order;
  nextSlot = (nextSlot + 1) % RECENT;
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
