/**
 * Times typed by a user (CLI options, input boxes): an ISO date-time (`2026-12-04T10:00:00Z`, a local
 * `2026-12-04 10:00`), milliseconds since the epoch, `now`, or relative to now (`-15m`, `-2h`, `-1d`,
 * `+30s`). Returns ms since the epoch, or a sentence saying what is wrong.
 */
const UNIT: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseTimeInput(input: string, now = Date.now()): number | string {
  const s = input.trim();
  if (!s) return 'a time is empty';
  if (s === 'now') return now;
  const rel = /^([+-])(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(s);
  if (rel) return now + (rel[1] === '-' ? -1 : 1) * Math.round(Number(rel[2]) * UNIT[rel[3]]);
  if (/^\d{10,16}$/.test(s)) return Number(s);
  const t = Date.parse(s.includes(' ') && !s.includes('T') ? s.replace(' ', 'T') : s);
  if (Number.isFinite(t)) return t;
  return `"${s}" is not a time: use an ISO date-time (2026-12-04T10:00:00Z), ms since the epoch, now, or -15m / -2h / -1d`;
}
