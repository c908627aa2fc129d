#!/usr/bin/env node
// The core's command line: the same codec, producer and capture decoder as the extension, in plain Node.
import { CliCommand, CliIo, EXIT_FAILED, EXIT_OK, EXIT_USAGE, OPTION_RULES, parseArgs, UsageError } from './command';

/**
 * The commands in help order, each module loaded only when its command runs (or for --help): a
 * command brings its part of the core along (the producer, the frame model, the capture decoder),
 * and loading them all took about as long as `capture FILE` spends reading a 100 MB capture.
 */
const commands: [name: string, load: () => Promise<CliCommand>][] = [
  ['decode-frame', async () => (await import('./commands/decode-frame')).decodeFrameCommand],
  ['send', async () => (await import('./commands/send')).sendCommand],
  ['route', async () => (await import('./commands/route')).routeCommand],
  ['clusters', async () => (await import('./commands/clusters')).clustersCommand],
  ['topics', async () => (await import('./commands/topics')).topicsCommand],
  ['capture', async () => (await import('./commands/capture')).captureCommand],
  ['diff', async () => (await import('./commands/diff')).diffCommand],
  ['acl-check', async () => (await import('./commands/acl-check')).aclCheckCommand],
  ['message', async () => (await import('./commands/messages')).messageCommand],
  ['browse', async () => (await import('./commands/messages')).browseCommand],
  ['trace', async () => (await import('./commands/messages')).traceCommand],
  ['groups', async () => (await import('./commands/groups')).groupsCommand],
  ['group', async () => (await import('./commands/groups')).groupCommand],
];

async function help(io: CliIo): Promise<void> {
  io.out('usage: rocketmq-debugger <command> [options]\n');
  for (const [, load] of commands) { const c = await load(); io.out(`  ${c.name.padEnd(14)} ${c.summary}\n      ${c.usage}`); }
  io.out(`\n${OPTION_RULES}`);
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') { await help(io); return name ? 0 : EXIT_USAGE; }
  const entry = commands.find(([n]) => n === name);
  if (!entry) { io.err(`unknown command "${name}"; try --help`); return EXIT_USAGE; }
  const cmd = await entry[1]();
  try {
    // Parsed here, against the command's declared options, so that no command runs (or connects) with an option it does not read.
    const args = parseArgs(rest, cmd.options);
    if (args.help) { io.out(`${cmd.name}: ${cmd.summary}\nusage: ${cmd.usage}\n${OPTION_RULES}`); return EXIT_OK; }
    return await cmd.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) { io.err(`error: ${e.message}\nusage: ${cmd.usage}`); return EXIT_USAGE; }
    io.err(`error: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_FAILED;
  }
}

export const processIo: CliIo = {
  out: (l) => process.stdout.write(l + '\n'),
  err: (l) => process.stderr.write(l + '\n'),
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

if (require.main === module) {
  // `… | head` closes the pipe early: that is the reader being done, not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(process.argv.slice(2), processIo).then((code) => { process.exitCode = code; });
}
