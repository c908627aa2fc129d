import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..', '..', '..');

/**
 * Where browser tests save screenshots: test-results/screenshots by default, so a test run never
 * rewrites the committed README images; media/screenshots when RMQ_UPDATE_SCREENSHOTS=1 (refresh them).
 */
export function screenshotDir(): string {
  const dir = process.env.RMQ_UPDATE_SCREENSHOTS === '1'
    ? join(repoRoot, 'media', 'screenshots')
    : join(repoRoot, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}
