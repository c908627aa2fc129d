#!/usr/bin/env node
// The core's command line: the same codec, producer and capture decoder as the extension, in plain Node.
import { CliCommand, CliIo, EXIT_FAILED, EXIT_OK, EXIT_USAGE, OPTION_RULES, parseArgs, UsageError } from './command';
import { decodeFrameCommand } from './commands/decode-frame';
import { sendCommand } from './commands/send';
import { routeCommand } from './commands/route';
import { clustersCommand } from './commands/clusters';
import { topicsCommand } from './commands/topics';
import { captureCommand } from './commands/capture';
import { messageCommand, browseCommand, traceCommand } from './commands/messages';
import { diffCommand } from './commands/diff';

const commands: CliCommand[] = [
  decodeFrameCommand,
  sendCommand, routeCommand, clustersCommand, topicsCommand,
  captureCommand, diffCommand,
  messageCommand, browseCommand, traceCommand,
];

function help(io: CliIo): void {
  io.out('usage: rocketmq-debugger <command> [options]\n');
  for (const c of commands) io.out(`  ${c.name.padEnd(14)} ${c.summary}\n      ${c.usage}`);
  io.out(`\n${OPTION_RULES}`);
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') { help(io); return name ? 0 : EXIT_USAGE; }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) { io.err(`unknown command "${name}"; try --help`); return EXIT_USAGE; }
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
