/** Debian's headless Chromium driven by playwright-core (no browser download). */
import { chromium, Browser } from 'playwright-core';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.RMQ_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
];

/**
 * Launches Chromium with a fresh profile (playwright creates it under os.tmpdir(); callers keep TMPDIR
 * short and private to the run, since Chromium aborts on a socket path that is too long).
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run bash scripts/setup-system.sh`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 60_000 });
}
