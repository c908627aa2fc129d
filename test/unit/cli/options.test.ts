// Every command refuses options it does not declare (exit 2, its usage line, nothing sent), and still takes all it does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { CliCommand, parseArgs, suggest, UsageError } from '../../../src/cli/command';
import { sendCommand } from '../../../src/cli/commands/send';
import { clustersCommand } from '../../../src/cli/commands/clusters';
import { routeCommand } from '../../../src/cli/commands/route';
import { topicsCommand } from '../../../src/cli/commands/topics';
import { decodeFrameCommand } from '../../../src/cli/commands/decode-frame';
import { captureCommand } from '../../../src/cli/commands/capture';
import { createRequest, encodeFrame } from '../../../src/core/remoting';

// compiled to out/test/unit/cli → repository root is four levels up
const sample = path.resolve(__dirname, '..', '..', '..', '..', 'media', 'samples', 'rocketmq-4.9-lo.pcap');
const hex = encodeFrame(createRequest(105, { topic: 'T' })).toString('hex');

async function cli(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), stdin: async () => stdin });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A stand-in NameServer that counts connections and hangs up at once: any count > 0 means the command went to the network. */
async function withRecorder(fn: (addr: string, connections: () => number) => Promise<void>): Promise<void> {
  let n = 0;
  const server = net.createServer((s) => { n++; s.destroy(); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  try {
    await fn(addr, () => n);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** Per command: arguments that are complete and valid, so that without the option check the command would run (and connect). */
const valid: Array<[CliCommand, (ns: string) => string[]]> = [
  [sendCommand, (ns) => ['--namesrv', ns, '--topic', 'T', '--body', 'x']],
  [clustersCommand, (ns) => ['--namesrv', ns]],
  [routeCommand, (ns) => ['--namesrv', ns, 'T']],
  [topicsCommand, (ns) => ['--namesrv', ns]],
  [decodeFrameCommand, () => [hex]],
  [captureCommand, () => [sample]],
];

function assertRefused(r: { code: number; out: string; err: string }, cmd: CliCommand, what: RegExp, label: string): void {
  assert.equal(r.code, 2, `${label}: exit code; stderr: ${r.err}`);
  assert.match(r.err, what, label);
  assert.ok(r.err.includes(`\nusage: ${cmd.usage}`), `${label}: usage line on stderr: ${r.err}`);
  assert.equal(r.out, '', `${label}: nothing on stdout`);
}

test('every command: an unknown option (--x v, --x=v, --x last) exits 2 with the usage line, and nothing connects', async () => {
  await withRecorder(async (ns, connections) => {
    for (const [cmd, args] of valid) {
      for (const bogus of [['--bogus', 'v'], ['--bogus=v'], ['--bogus']]) {
        const label = `${cmd.name} ${bogus.join(' ')}`;
        // unknown option in the middle and at the end
        assertRefused(await cli([cmd.name, ...bogus, ...args(ns)]), cmd, /unknown option --bogus\b/, label);
        assertRefused(await cli([cmd.name, ...args(ns), ...bogus]), cmd, /unknown option --bogus\b/, label);
      }
      assertRefused(await cli([cmd.name, ...args(ns), '-x']), cmd, /unknown option -x\b/, `${cmd.name} -x`);
    }
    assert.equal(connections(), 0, 'no command opened a connection');
  });
});

test('send --dry-run and --sharding-key are options (the route dry-run): misspelt or given a value they are refused, nothing connects', async () => {
  await withRecorder(async (ns, connections) => {
    const r = await cli(['send', '--namesrv', ns, '--topic', 'T', '--sharding-keys', 'K', '--body', 'x', '--dryrun']);
    assertRefused(r, sendCommand, /unknown options --sharding-keys \(did you mean --sharding-key\?\), --dryrun \(did you mean --dry-run\?\)/, 'the reported command');
    for (const [extra, what] of [[['--dry-run=true'], /--dry-run is a flag and takes no value/], [['--sharding-key=K', '--dry-run=1'], /--dry-run is a flag/]] as const) {
      const e = await cli(['send', '--namesrv', ns, '--topic', 'T', ...extra, '--body', 'x']);
      assertRefused(e, sendCommand, what, extra.join(' '));
    }
    assert.equal(connections(), 0, 'nothing sent');
  });
});

test('a flag given a value, an option given twice, --body with --body-file: exit 2, no connection', async () => {
  const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-options-')), 'body.txt');
  fs.writeFileSync(tmp, 'from file');
  await withRecorder(async (ns, connections) => {
    const cases: Array<[CliCommand, string[], RegExp]> = [
      [clustersCommand, ['clusters', '--namesrv', ns, '--json=false'], /--json is a flag and takes no value/],
      [topicsCommand, ['topics', '--namesrv', ns, '--all=no'], /--all is a flag and takes no value/],
      [routeCommand, ['route', '--namesrv', ns, 'T', '--json=1'], /--json is a flag and takes no value/],
      [routeCommand, ['route', '--namesrv', ns, '--namesrv', ns, 'T'], /--namesrv given twice/],
      [topicsCommand, ['topics', '--namesrv', ns, '--all', '--all'], /--all given twice/],
      [sendCommand, ['send', '--namesrv', ns, '--topic', 'T', '--topic=U', '--body', 'x'], /--topic given twice \("T" and "U"\)/],
      [sendCommand, ['send', '--namesrv', ns, '--topic', 'T', '--body', 'x', '--body-file', tmp], /--body or --body-file, not both/],
      [sendCommand, ['send', '--namesrv', ns, '--topic', 'T', '--body', 'x', '--prop', 'novalue'], /--prop needs name=value/],
      [decodeFrameCommand, ['decode-frame', hex, '--compact=yes'], /--compact is a flag/],
      [captureCommand, ['capture', sample, '--views'], /--views goes with --json/],
      [captureCommand, ['capture', sample, '--stats-json', '--json'], /--stats-json .*not with --json/],
    ];
    for (const [cmd, args, what] of cases) assertRefused(await cli(args), cmd, what, args.join(' '));
    assert.equal(connections(), 0, 'nothing sent');
  });
});

test('a near miss names the option it probably meant', async () => {
  const r = await cli(['send', '--namesrv-addr', 'h:1', '--topic', 'T', '--tag', 'a', '--body', 'x']);
  assertRefused(r, sendCommand, /unknown options --namesrv-addr \(did you mean --namesrv\?\), --tag \(did you mean --tags\?\)/, 'send');
  assertRefused(await cli(['topics', '--namesrv', 'h:1', '--jsno']), topicsCommand, /--jsno \(did you mean --json\?\)/, 'topics');
  assertRefused(await cli(['decode-frame', hex, '-compact']), decodeFrameCommand, /-compact \(did you mean --compact\?\)/, 'decode-frame');
  assert.equal(suggest('dryrun', sendCommand.options.flags!), 'dry-run');
  assert.equal(suggest('sharding', sendCommand.options.values!), 'sharding-key');
  assert.equal(suggest('secret', sendCommand.options.values!), 'secret-key');
  assert.equal(suggest('vews', ['json', 'views', 'stats-json']), 'views');
});

test('every known option still gets past parsing (the NameServer commands reach the network)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-options-'));
  const bodyFile = path.join(dir, 'body.txt');
  fs.writeFileSync(bodyFile, 'from file');
  await withRecorder(async (ns, connections) => {
    const sendAll = ['--namesrv', ns, '--topic', 'T', '--tags', 't', '--keys', 'k1 k2', '--prop', 'a=1', '--prop=b=2',
      '--group', 'g', '--mode', 'sync', '--delay', '1', '--queue', 'broker-a:0', '--timeout', '2000', '--count', '1',
      '--serialize', 'ROCKETMQ', '--access-key', 'ak', '--secret-key', 'sk'];
    const runs: string[][] = [
      ['send', ...sendAll, '--body', 'x'],
      ['send', ...sendAll, '--body-file', bodyFile],
      ['send', '--namesrv=' + ns, '--topic=T', '--body=-', '--mode=oneway'],
      ['clusters', '--namesrv', ns, '--json'],
      ['route', '--json', '--namesrv', ns, 'T'],
      ['route', '--namesrv', ns, '--', '-T'],
      ['topics', '--namesrv', ns, '--all', '--json'],
    ];
    for (const args of runs) {
      const before = connections();
      const r = await cli(args, 'stdin body');
      assert.doesNotMatch(r.err, /unknown option|given twice|takes no value|usage:/, args.join(' '));
      assert.equal(r.code, 1, `${args.join(' ')}: fails only because the stand-in NameServer hangs up; stderr: ${r.err}`);
      assert.ok(connections() > before, `${args.join(' ')}: connected`);
    }
  });
  const d = await cli(['decode-frame', hex, '--compact']);
  assert.equal(d.code, 0, d.err);
  assert.equal(d.out.split('\n').length, 1, 'compact: one line');
  assert.equal(JSON.parse(d.out).codeName, 'GET_ROUTEINFO_BY_TOPIC');
  const j = await cli(['capture', sample, '--json', '--views', '--filter', 'code=SEND_MESSAGE_V2 req']);
  assert.equal(j.code, 0, j.err);
  const rows = j.out.split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, 5);
  assert.ok(rows.every((row) => row.view), '--views adds the view');
  const s = await cli(['capture', sample, '--stats-json']);
  assert.equal(s.code, 0, s.err);
  assert.equal(JSON.parse(s.out).frames, 43);
});

test('--help and -h print the command usage and exit 0 without running it', async () => {
  await withRecorder(async (ns, connections) => {
    for (const [cmd, args] of valid) {
      for (const h of ['--help', '-h']) {
        const r = await cli([cmd.name, ...args(ns), h]);
        assert.equal(r.code, 0, `${cmd.name} ${h}: ${r.err}`);
        assert.ok(r.out.includes(`usage: ${cmd.usage}`), `${cmd.name} ${h}`);
        assert.match(r.out, /does not know is refused/);
        assert.equal(r.err, '');
      }
    }
    assert.equal(connections(), 0, 'help sends nothing');
  });
  const top = await cli(['--help']);
  assert.match(top.out, /does not know is refused/);
});

test('parseArgs: values, flags, repeatable values, "-", "--", and every problem reported at once', () => {
  const spec = { values: ['topic', 'body'], repeatable: ['prop'], flags: ['json'] };
  const p = parseArgs(['a', '--topic', 'T', '--prop', 'x=1', '--json', '--prop=y=2', '--body', '--not-an-option', '-', '--', '--json', '-h'], spec);
  assert.deepEqual(p.positional, ['a', '-', '--json', '-h']);
  assert.deepEqual([...p.options], [['topic', 'T'], ['json', 'true'], ['body', '--not-an-option']]);
  assert.deepEqual(p.lists.get('prop'), ['x=1', 'y=2']);
  assert.equal(p.help, false);
  assert.equal(parseArgs(['-h'], spec).help, true);
  assert.equal(parseArgs(['--help'], {}).help, true);
  assert.throws(() => parseArgs(['--topic'], spec), (e: unknown) => e instanceof UsageError && /option --topic needs a value/.test(e.message));
  assert.throws(() => parseArgs(['--nope', 'v', '--json=1', '--topic', 'a', '--topic', 'b', '--help=1'], spec), (e: unknown) => e instanceof UsageError
    && e.message === 'unknown option --nope; --json is a flag and takes no value (give --json or leave it out); --topic given twice ("a" and "b"); --help takes no value');
  // no spec, no options: the check is not opt-in
  assert.throws(() => parseArgs(['--json'], {}), /unknown option --json/);
});
