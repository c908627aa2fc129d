/**
 * The programs that capture packets for us: dumpcap (Wireshark's capture engine; writes pcapng and
 * is the one Wireshark itself runs) or, where it is missing, tcpdump (writes classic pcap). This file
 * finds them and words what to do when they are missing or may not capture.
 *
 * Plain Node: no vscode import.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CaptureError } from './errors';

export type CaptureToolKind = 'dumpcap' | 'tcpdump';

export interface CaptureTool {
  kind: CaptureToolKind;
  /** Absolute path of the program. */
  path: string;
}

/** Where the tools live besides PATH (sbin folders are often not on a user's PATH; Wireshark.app on macOS). */
const EXTRA_DIRS: Record<string, string[]> = {
  linux: ['/usr/bin', '/usr/sbin', '/sbin', '/usr/local/bin', '/usr/local/sbin'],
  darwin: ['/Applications/Wireshark.app/Contents/MacOS', '/usr/sbin', '/opt/homebrew/bin', '/usr/local/bin'],
};

function isProgram(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch { return false; }
}

function which(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  const dirs = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), ...(EXTRA_DIRS[platform] ?? [])];
  for (const d of dirs) {
    const p = path.join(d, name);
    if (isProgram(p)) return p;
  }
  return undefined;
}

/** What a configured path is: tcpdump when its file name says so, dumpcap otherwise. */
export function toolKindOf(p: string): CaptureToolKind {
  return /tcpdump/i.test(path.basename(p)) ? 'tcpdump' : 'dumpcap';
}

export interface FindToolOptions {
  /** A path the user configured (setting); used as is, never searched for. */
  configured?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/**
 * dumpcap if installed, else tcpdump; a configured path wins. Throws `capture-tool-missing` with the
 * package to install.
 */
export function findCaptureTool(o: FindToolOptions = {}): CaptureTool {
  const platform = o.platform ?? process.platform;
  if (o.configured) {
    if (isProgram(o.configured)) return { kind: toolKindOf(o.configured), path: o.configured };
    throw new CaptureError('capture-tool-missing', `The capture program set in rocketmq.capture.toolPath (${o.configured}) does not exist or is not executable.`, { remedy: installHint(platform) });
  }
  const env = o.env ?? process.env;
  for (const kind of ['dumpcap', 'tcpdump'] as const) {
    const p = which(kind, env, platform);
    if (p) return { kind, path: p };
  }
  throw new CaptureError('capture-tool-missing', 'Capturing packets needs dumpcap (from Wireshark) or tcpdump, and neither is installed.', { remedy: installHint(platform) });
}

/** The install command for dumpcap on this system. */
export function installHint(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'Install Wireshark (it brings dumpcap): brew install --cask wireshark';
  if (platform === 'win32') return 'Install Wireshark with Npcap (it brings dumpcap): https://www.wireshark.org/download.html';
  const id = linuxDistro();
  if (/fedora|rhel|centos|rocky|alma/.test(id)) return 'Install it with: sudo dnf install wireshark-cli (or: sudo dnf install tcpdump)';
  if (/arch|manjaro/.test(id)) return 'Install it with: sudo pacman -S wireshark-cli (or: sudo pacman -S tcpdump)';
  if (/suse/.test(id)) return 'Install it with: sudo zypper install wireshark (or: sudo zypper install tcpdump)';
  if (/alpine/.test(id)) return 'Install it with: sudo apk add tshark (or: sudo apk add tcpdump)';
  return 'Install it with: sudo apt-get install tshark (dumpcap comes with it; or: sudo apt-get install tcpdump)';
}

function linuxDistro(): string {
  try {
    const t = fs.readFileSync('/etc/os-release', 'utf8');
    const get = (k: string) => new RegExp(`^${k}="?([^"\\n]*)"?`, 'm').exec(t)?.[1] ?? '';
    return `${get('ID')} ${get('ID_LIKE')}`.toLowerCase();
  } catch { return ''; }
}

/** The user the capture tool runs as (this process's user). */
export function currentUser(): { name: string; uid: number } {
  let name = process.env.USER ?? '';
  const uid = typeof process.getuid === 'function' ? process.getuid() : -1;
  try { name = os.userInfo().username; } catch { /* no passwd entry: keep $USER */ }
  return { name: name || `uid ${uid}`, uid };
}

/** Group names by id, from /etc/group (empty where there is none). */
function groupName(gid: number): string | undefined {
  try {
    for (const line of fs.readFileSync('/etc/group', 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (Number(id) === gid) return name;
    }
  } catch { /* no /etc/group */ }
  return undefined;
}

/**
 * The permission error for capturing on `iface`: what is missing and the command that grants it.
 * When the tool is installed for a group only (Debian's "non-superusers may capture" answer makes
 * dumpcap executable by the `wireshark` group alone) the missing piece is membership in that group;
 * otherwise the tool lacks the capabilities (or the user is not root).
 */
export function permissionError(tool: CaptureTool, iface: string, toolOutput: string, platform: NodeJS.Platform = process.platform): CaptureError {
  const user = currentUser();
  const who = `user ${user.name}${user.uid >= 0 ? ` (uid ${user.uid})` : ''}`;
  if (platform === 'darwin') {
    return new CaptureError('capture-permission', `Capturing on "${iface}" is not permitted: ${tool.kind} needs read access to /dev/bpf*, which ${who} does not have.`, {
      remedy: 'Grant it with Wireshark\'s ChmodBPF: sudo installer -pkg "/Applications/Wireshark.app/Contents/Resources/Extras/Install ChmodBPF.pkg" -target /, then log out and in.',
      toolOutput,
    });
  }
  let st: fs.Stats | undefined;
  try { st = fs.statSync(tool.path); } catch { /* reported below without the group check */ }
  const group = st && st.gid !== 0 && (st.mode & 0o010) && !(st.mode & 0o001) ? groupName(st.gid) : undefined;
  if (group && !process.getgroups?.().includes(st!.gid)) {
    return new CaptureError('capture-permission', `Capturing on "${iface}" is not permitted: ${tool.path} may capture only for members of the "${group}" group, and ${who} is not one.`, {
      remedy: `Grant it with: sudo usermod -aG ${group} ${user.name}, then log out and in again.`,
      toolOutput,
    });
  }
  const debianWay = tool.kind === 'dumpcap' && /debian|ubuntu/.test(linuxDistro())
    ? ` (or the packaged way: sudo dpkg-reconfigure wireshark-common, answer Yes, then sudo usermod -aG wireshark ${user.name} and log in again)`
    : '';
  return new CaptureError('capture-permission', `Capturing on "${iface}" is not permitted: ${tool.kind} needs the CAP_NET_RAW and CAP_NET_ADMIN capabilities (or root), and ${who} has neither.`, {
    remedy: `Grant them with: sudo setcap cap_net_raw,cap_net_admin=eip ${tool.path}${debianWay}.`,
    toolOutput,
  });
}
