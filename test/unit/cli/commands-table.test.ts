import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { main } from '../../../src/cli/main';

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => out.push(l), stdin: async () => '' });
  return { code, out: out.join('\n') };
}

// main.ts names each command beside the module it loads on demand: the two names must agree
test('every command listed by --help is reached by its own name', async () => {
  const help = await cli(['--help']);
  assert.equal(help.code, 0);
  const names = [...help.out.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1]);
  assert.ok(names.includes('capture') && names.includes('send') && names.length >= 6, help.out);
  for (const name of names) {
    const r = await cli([name, '--help']);
    assert.equal(r.code, 0, `${name}: ${r.out}`);
    assert.ok(r.out.startsWith(`${name}: `), `${name} --help printed ${r.out.slice(0, 80)}`);
  }
});
