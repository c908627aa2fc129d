import { MQClient } from '../core/producer';
import { InputError } from '../core/errors';

/** A CLI subcommand. Each lives in its own file under commands/ and is listed in main.ts. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Every option the command reads. main.ts parses the arguments against it before `run`, so an option not listed here never reaches the command. */
  options: OptionSpec;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Reads all of standard input (for `-` arguments). */
  stdin(): Promise<string>;
}

/** Exit codes: 0 ok, 1 the operation failed (network, server error), 2 bad input or usage, 3 not found (every broker answered, none had it). */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_NOT_FOUND = 3;

export class UsageError extends InputError {
  override readonly name = 'UsageError';
  readonly kind = 'usage' as const;
}

/** The options a command knows, by name without the leading `--`. `--help`/`-h` is known to every command. */
export interface OptionSpec {
  /** Take a value (`--name value` or `--name=value`); at most once. */
  values?: readonly string[];
  /** Take a value and may be given several times; every value is kept, in order, in `ParsedArgs.lists`. */
  repeatable?: readonly string[];
  /** Booleans (`--name`); no value, at most once. */
  flags?: readonly string[];
}

export interface ParsedArgs {
  positional: string[];
  /** Value options by name, and flags as `'true'`. */
  options: Map<string, string>;
  /** Repeatable options by name: all their values in order. */
  lists: Map<string, string[]>;
  /** `--help` or `-h` was given. */
  help: boolean;
}

/** How every command reads its options; printed by `--help`. */
export const OPTION_RULES = 'options: --name value or --name=value; flags take no value; each option at most once (those shown with … repeat); '
  + 'an option the command does not know is refused (exit 2, nothing sent); "--" ends the options; -h/--help shows the usage';

/**
 * Reads `args` against `spec`: `--name value`, `--name=value`, `--flag`, `-` (a positional, e.g. standard input),
 * `--` (everything after it is positional), `-h`/`--help`; every other argument is positional. A value option takes
 * the next argument whatever it looks like (`--body --x` is the body "--x").
 * Refused, all reported together in one UsageError: an option not in `spec` (with the closest known one when it is a
 * near miss), a flag given a value with `=`, an option given twice unless repeatable, a value option with no value.
 */
export function parseArgs(args: readonly string[], spec: OptionSpec): ParsedArgs {
  const values = new Set(spec.values ?? []), repeatable = new Set(spec.repeatable ?? []), flags = new Set(spec.flags ?? []);
  const positional: string[] = [];
  const options = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const problems: string[] = [];
  const unknown: string[] = [];
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') { positional.push(...args.slice(i + 1)); break; }
    if (a === '-' || !a.startsWith('-')) { positional.push(a); continue; }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = a.startsWith('--') ? a.slice(2, eq > 0 ? eq : undefined) : a.slice(1);
    const shown = eq > 0 ? a.slice(0, eq) : a;
    if (a === '-h' || (a.startsWith('--') && name === 'help')) {
      if (eq > 0) problems.push(`${shown} takes no value`);
      help = true;
    } else if (!a.startsWith('--') || !(values.has(name) || repeatable.has(name) || flags.has(name))) {
      const near = suggest(name, [...values, ...repeatable, ...flags]);
      unknown.push(`${shown}${near ? ` (did you mean --${near}?)` : ''}`);
      // guess that a following word is its value, so it is not also reported as an unexpected argument
      if (eq < 0 && i + 1 < args.length && !args[i + 1].startsWith('-')) i++;
    } else if (flags.has(name)) {
      if (eq > 0) problems.push(`${shown} is a flag and takes no value (give ${shown} or leave it out)`);
      else if (options.has(name)) problems.push(`${shown} given twice`);
      else options.set(name, 'true');
    } else {
      let value: string;
      if (eq > 0) value = a.slice(eq + 1);
      else if (i + 1 < args.length) value = args[++i];
      else { problems.push(`option ${shown} needs a value`); continue; }
      if (repeatable.has(name)) lists.set(name, [...(lists.get(name) ?? []), value]);
      else if (options.has(name)) problems.push(`${shown} given twice (${JSON.stringify(options.get(name))} and ${JSON.stringify(value)})`);
      else options.set(name, value);
    }
  }
  if (unknown.length) problems.unshift(`unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
  if (problems.length) throw new UsageError(problems.join('; '));
  return { positional, options, lists, help };
}

/**
 * The known option an unknown `name` most likely meant, or undefined when none is an obvious near miss: one edit or
 * swap away (two for names of 5+ letters), or the same up to a `-` suffix / prefix (`--namesrv-addr` → `--namesrv`,
 * `--secret` → `--secret-key`), or a single dash instead of two (`-json` → `--json`). Undefined on a tie.
 */
export function suggest(name: string, known: readonly string[]): string | undefined {
  const n = name.replace(/^-+/, '').toLowerCase();
  if (!n) return undefined;
  const exact = known.find((k) => k === n);
  if (exact) return exact;
  const scored = known.map((k) => {
    const d = editDistance(n, k);
    const near = d <= (Math.min(n.length, k.length) >= 5 ? 2 : 1);
    const affix = n.length >= 3 && (n.startsWith(`${k}-`) || k.startsWith(`${n}-`));
    return { k, d: near ? d : affix ? 3 : Infinity };
  }).filter((x) => x.d !== Infinity).sort((x, y) => x.d - y.d);
  if (!scored.length || scored.length > 1 && scored[1].d === scored[0].d) return undefined;
  return scored[0].k;
}

/** Edits (insert, delete, replace, swap of neighbours) turning a into b. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * What the NameServer queries (clusters, route, topics) share: `--namesrv` and exactly `positionals`
 * positional arguments (else a UsageError saying `usage`), a client for the call, closed afterwards.
 */
export async function withNameServer(
  args: ParsedArgs, positionals: number, usage: string,
  fn: (client: MQClient, positional: string[], options: Map<string, string>) => Promise<number>,
): Promise<number> {
  const { positional, options } = args;
  const namesrv = options.get('namesrv');
  if (!namesrv || positional.length !== positionals) throw new UsageError(usage);
  const client = new MQClient({ namesrvAddr: namesrv });
  try {
    return await fn(client, positional, options);
  } finally {
    await client.close();
  }
}
