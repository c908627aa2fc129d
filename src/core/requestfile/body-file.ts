/**
 * Where a request block's `bodyFile` may be read from.
 *
 * A `.rocketmq` file can come from a cloned repository, so its `bodyFile` is untrusted input: without
 * a check, `bodyFile: ~/.ssh/id_rsa` (written as an absolute path) or `bodyFile: ../../.aws/credentials`
 * would read a private file and send it to a broker. The rule:
 *
 * - The **scope** is the workspace folder that holds the request file. A request file outside every
 *   workspace folder (opened on its own) is scoped to its own folder. An untitled request file has no
 *   folder: it is scoped to the first workspace folder, and cannot use `bodyFile` without one.
 * - A relative `bodyFile` starts from the request file's folder (an untitled file: from the scope).
 *   An absolute one is taken as written.
 * - Containment is decided on **real paths** (symbolic links resolved, on the target and on the scope),
 *   so `..` escapes, absolute paths and links pointing outside are all "outside". What is then read is
 *   the resolved real path, not the link.
 *
 * What happens to an outside path is the caller's decision (the extension asks in a trusted
 * workspace and refuses otherwise). Pure Node: no `vscode` import; the file system calls are
 * injectable for tests.
 */
import * as nodePath from 'node:path';
import { promises as fsp } from 'node:fs';
import { InputError } from '../errors';

type PathApi = Pick<typeof nodePath.posix, 'resolve' | 'relative' | 'isAbsolute' | 'sep' | 'dirname'>;

/** True when `candidate` is `root` itself or below it. Both must be absolute and already resolved. */
export function isInside(root: string, candidate: string, path: PathApi = nodePath): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(candidate));
  if (rel === '') return true;
  if (path.isAbsolute(rel)) return false; // another drive on Windows
  return rel !== '..' && !rel.startsWith(`..${path.sep}`);
}

export type ScopeKind = 'workspace-folder' | 'request-file-folder';

export interface BodyFileScope {
  /** The folder the body file must stay inside (absolute). */
  root: string;
  kind: ScopeKind;
  /** Where relative paths start from (absolute): the request file's folder, or `root` for an untitled file. */
  base: string;
}

/**
 * The scope of a request file at `requestFile` (absolute path, or undefined for an untitled file),
 * given the workspace folder holding it (if any) and the first workspace folder (for untitled files).
 * Undefined: an untitled file with no workspace folder open, which has no place to read from.
 */
export function bodyFileScope(requestFile: string | undefined, holdingFolder: string | undefined, firstFolder: string | undefined, path: PathApi = nodePath): BodyFileScope | undefined {
  if (requestFile === undefined) {
    return firstFolder === undefined ? undefined : { root: path.resolve(firstFolder), kind: 'workspace-folder', base: path.resolve(firstFolder) };
  }
  const dir = path.dirname(path.resolve(requestFile));
  if (holdingFolder !== undefined) return { root: path.resolve(holdingFolder), kind: 'workspace-folder', base: dir };
  return { root: dir, kind: 'request-file-folder', base: dir };
}

/** The path `bodyFile` names, before any link is followed. */
export function lexicalTarget(bodyFile: string, scope: BodyFileScope, path: PathApi = nodePath): string {
  return path.resolve(scope.base, bodyFile);
}

export interface BodyFileCheck {
  /** As written in the request file. */
  requested: string;
  /** Resolved against the base folder, links not followed. */
  target: string;
  /** The file that would be read: `target` with every link resolved. */
  realTarget: string;
  /** The scope's folder with every link resolved. */
  realRoot: string;
  scope: BodyFileScope;
  inside: boolean;
}

export class BodyFileError extends InputError {
  readonly kind = 'body-file' as const;
  constructor(message: string, readonly requested: string, readonly target: string) {
    super(message);
    this.name = 'BodyFileError';
  }
}

export interface BodyFileFs {
  realpath(p: string): Promise<string>;
  /** True for a regular file (not a folder, device, FIFO or socket). */
  isFile(p: string): Promise<boolean>;
}

const realFs: BodyFileFs = { realpath: (p) => fsp.realpath(p), isFile: async (p) => (await fsp.stat(p)).isFile() };

/**
 * Resolves `bodyFile` and decides whether it stays inside the scope. Throws a BodyFileError when the
 * path is empty, does not exist or is not a regular file (a FIFO or device would block or never end).
 */
export async function checkBodyFile(bodyFile: string, scope: BodyFileScope, fs: BodyFileFs = realFs, path: PathApi = nodePath): Promise<BodyFileCheck> {
  if (bodyFile.trim() === '') throw new BodyFileError('bodyFile needs a path', bodyFile, '');
  const target = lexicalTarget(bodyFile, scope, path);
  let realTarget: string;
  try {
    realTarget = await fs.realpath(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'ELOOP' ? 'too many symbolic links' : e instanceof Error ? e.message : String(e);
    throw new BodyFileError(`Cannot read bodyFile "${bodyFile}" (${target}): ${why}`, bodyFile, target);
  }
  if (!(await fs.isFile(realTarget).catch(() => false))) {
    throw new BodyFileError(`Cannot read bodyFile "${bodyFile}" (${realTarget}): not a regular file`, bodyFile, target);
  }
  let realRoot: string;
  try {
    realRoot = await fs.realpath(scope.root);
  } catch {
    realRoot = scope.root; // the folder vanished: compare with its name, the target check still holds
  }
  return { requested: bodyFile, target, realTarget, realRoot, scope, inside: isInside(realRoot, realTarget, path) };
}

/** One sentence naming the path and the folder, for an error message or a confirmation. */
export function describeOutside(c: BodyFileCheck): string {
  const folder = c.scope.kind === 'workspace-folder' ? 'the workspace folder' : "the request file's folder";
  const via = c.realTarget !== c.target ? ` (through the symbolic link ${c.target})` : '';
  return `bodyFile "${c.requested}" resolves to ${c.realTarget}${via}, outside ${folder} ${c.realRoot}`;
}
