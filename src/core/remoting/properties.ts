/**
 * Message properties string (protocol.md §3.5): `name U+0001 value U+0002` per pair. The trailing
 * U+0002 depends on the writer's version (≤4.9.0 yes, 4.9.1–5.1.4 no, 5.2.0+ yes); readers take both.
 */
export const NAME_VALUE_SEPARATOR = '\u0001';
export const PROPERTY_SEPARATOR = '\u0002';

/** Java's `string2messageProperties`: segments shorter than 3 chars and empty names/values are dropped. */
export function parseProperties(s: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!s) return out;
  for (const seg of s.split(PROPERTY_SEPARATOR)) {
    if (seg.length < 3) continue;
    const i = seg.indexOf(NAME_VALUE_SEPARATOR);
    if (i <= 0) continue;
    const value = seg.slice(i + 1);
    if (value.length === 0) continue;
    out.set(seg.slice(0, i), value);
  }
  return out;
}

export function encodeProperties(
  props: ReadonlyMap<string, string> | Readonly<Record<string, string | undefined>>,
  opts: { trailingSeparator?: boolean } = {},
): string {
  const entries = props instanceof Map ? [...props.entries()] : Object.entries(props as Record<string, string | undefined>);
  let s = '';
  for (const [k, v] of entries) {
    if (v === undefined || v === null) continue;
    s += k + NAME_VALUE_SEPARATOR + v + PROPERTY_SEPARATOR;
  }
  if (opts.trailingSeparator === false && s.endsWith(PROPERTY_SEPARATOR)) s = s.slice(0, -1);
  return s;
}
