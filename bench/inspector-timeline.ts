/**
 * Where the second before the inspector's first rows goes: opens the benchmark capture (see
 * bench/inspector.ts; generated there and cached in .cache/inspector-bench/) in the real workbench
 * (code-server + headless Chromium, production bundle) once cold (the open activates the extension)
 * and then `--warm N` times more under new names (hard links, so each is a new document indexed from
 * scratch), and prints the timeline of each open from Quick Open's Enter to the first rows painted
 * in a visible frame (test/support/inspector/timeline.ts).
 *
 *   node out/bench/inspector-timeline.js [--warm 3] [--pairs 600000 --body 1400]
 */
import { existsSync, linkSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { poll } from '../test/support/inspector/ui';
import { formatTimeline, measureOpen, OpenTimeline, timelineInitScript } from '../test/support/inspector/timeline';
import { openWorkbench } from '../test/support/inspector/workbench';
import { repoRoot } from '../test/support/vscode/code-server';

function arg(name: string, def: number): number {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? Number(process.argv[k + 1]) : def;
}

async function main(): Promise<void> {
  const dir = join(repoRoot, '.cache', 'inspector-bench');
  const base = `bench-${arg('pairs', 600_000)}x${arg('body', 1400)}`;
  const file = join(dir, `${base}.pcapng`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run bench:inspector once to generate it`);
  const warm = arg('warm', 3);
  const names = [`${base}.pcapng`];
  for (let k = 1; k <= warm; k++) {
    const n = `${base}-t${k}.pcapng`;
    if (!existsSync(join(dir, n))) linkSync(file, join(dir, n));
    names.push(n);
  }
  const wb = await openWorkbench({ folder: dir, echoLogs: false, production: true, initScript: timelineInitScript, settings: { 'files.exclude': { '**/*.tmp': true } } });
  const out: OpenTimeline[] = [];
  try {
    for (const [k, name] of names.entries()) {
      const t = await measureOpen(wb.page, name);
      out.push(t);
      console.log(`${k === 0 ? 'cold' : 'warm'} ${formatTimeline(t)}`);
      // Let indexing finish before the next open so each warm open starts from the same quiet state.
      await poll('indexing to finish', 600_000, async () => hostIndexed(name));
    }
  } finally {
    await wb.close();
  }
  const warmVis = out.slice(1).map((t) => t.firstRowsVisibleMs);
  console.log(`cold: ${out[0].firstRowsVisibleMs} ms; warm: ${warmVis.join(', ')} ms (Enter → first rows visible)`);
}

/** The extension host logs "<name>: N frames in M ms" when indexing is over. */
function hostIndexed(name: string): boolean | undefined {
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name === 'RocketMQ Inspector.log' ? [join(d, e.name)] : []));
  for (const f of walk(process.env.TMPDIR ?? '/tmp')) if (new RegExp(` ${name.replace(/[.]/g, '\\.')}: \\d+ frames in `).test(readFileSync(f, 'utf8'))) return true;
  return undefined;
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
