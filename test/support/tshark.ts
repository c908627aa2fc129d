/**
 * tshark as the reference reader of a capture: its TCP reassembly of every stream, to compare with
 * the frames our decoder finds. Plain Node (used by cluster and extension-host tests).
 */
import { spawnSync } from 'node:child_process';

/** tshark's reassembled payload of each TCP stream: "clientPort-serverPort" → [client→server, server→client] as hex. */
export function tsharkStreams(file: string): Map<string, [string, string]> {
  const ids = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'tcp.stream'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (ids.status !== 0) throw new Error(`tshark -r ${file} failed: ${ids.stderr}`);
  const count = Math.max(-1, ...ids.stdout.split('\n').filter(Boolean).map(Number)) + 1;
  const out = new Map<string, [string, string]>();
  if (count === 0) return out;
  const args = ['-r', file, '-q'];
  for (let n = 0; n < count; n++) args.push('-z', `follow,tcp,raw,${n}`);
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 512 << 20 });
  if (r.status !== 0) throw new Error(`tshark follow failed: ${r.stderr}`);
  for (const block of r.stdout.split('===================================================================\nFollow: tcp,raw').slice(1)) {
    const n0 = /Node 0: (.+):(\d+)\n/.exec(block);
    const n1 = /Node 1: (.+):(\d+)\n/.exec(block);
    if (!n0 || !n1) continue;
    const lines = block.split('\n').filter((l) => /^\t?[0-9a-f]+$/.test(l));
    let a = '', b = '';
    for (const l of lines) { if (l.startsWith('\t')) b += l.slice(1); else a += l; }
    out.set(`${n0[2]}-${n1[2]}`, [a, b]);
  }
  return out;
}
