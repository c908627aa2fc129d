import { MQClient } from '../core/producer';

/** A CLI subcommand. Each lives in its own file under commands/ and is listed in main.ts. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Reads all of standard input (for `-` arguments). */
  stdin(): Promise<string>;
}

/** Exit codes: 0 ok, 1 the operation failed (network, server error), 2 bad input or usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `--name value`, `--name=value` and `--flag` options; everything else is positional. */
export function parseArgs(args: string[], flags: readonly string[] = []): { positional: string[]; options: Map<string, string> } {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) options.set(a.slice(2, eq), a.slice(eq + 1));
      else if (flags.includes(a.slice(2))) options.set(a.slice(2), 'true');
      else if (i + 1 < args.length) options.set(a.slice(2), args[++i]);
      else throw new UsageError(`option ${a} needs a value`);
    } else positional.push(a);
  }
  return { positional, options };
}

/**
 * What the NameServer queries (clusters, route, topics) share: `--namesrv` and exactly `positionals`
 * positional arguments (else a UsageError saying `usage`), a client for the call, closed afterwards.
 */
export async function withNameServer(
  args: string[], flags: readonly string[], positionals: number, usage: string,
  fn: (client: MQClient, positional: string[], options: Map<string, string>) => Promise<number>,
): Promise<number> {
  const { positional, options } = parseArgs(args, flags);
  const namesrv = options.get('namesrv');
  if (!namesrv || positional.length !== positionals) throw new UsageError(usage);
  const client = new MQClient({ namesrvAddr: namesrv });
  try {
    return await fn(client, positional, options);
  } finally {
    await client.close();
  }
}
