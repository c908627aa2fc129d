/**
 * Waiting for readiness without sleeps: call `check` until it returns a value (anything but
 * undefined) or the deadline passes; errors thrown by `check` count as "not yet" and the last one
 * is quoted in the timeout error. Plain Node, so cluster tests and extension-host tests share it.
 */
export async function pollUntil<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined> | T | undefined,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) { last = e; }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The same, in the argument order the cluster tests use. */
export function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15000, intervalMs = 250): Promise<T> {
  return pollUntil(what, timeoutMs, check, intervalMs);
}
