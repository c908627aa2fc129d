/**
 * What we ask dumpcap and tcpdump, and how we read their answers: the interface list (`-D`), a
 * capture filter check (`-d`, which compiles the filter for the interface without capturing), the
 * arguments of a capture, and their error output turned into typed errors.
 *
 * The tools' output is untrusted text: parsed with bounded patterns, shown as text.
 *
 * Plain Node: no vscode import.
 */
import { execFile } from 'node:child_process';
import { CaptureError } from './errors';
import { CaptureTool, permissionError } from './tools';

export interface CaptureInterface {
  /** The name to pass to `-i`. */
  name: string;
  description: string;
  /** Addresses the tool reports (dumpcap), for the picker. */
  addresses: string[];
  loopback: boolean;
}

/** Runs a tool briefly; never rejects for a non-zero exit (the output is what we read). */
function run(tool: CaptureTool, args: string[], timeoutMs = 10_000): Promise<{ code: number | null; stdout: string; stderr: string; error?: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    execFile(tool.path, args, { timeout: timeoutMs, maxBuffer: 4 << 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & { code?: number | string }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout, stderr, error: e && typeof e.code === 'string' ? e : undefined });
    });
  });
}

function notRunnable(tool: CaptureTool, e: NodeJS.ErrnoException): CaptureError {
  return new CaptureError('capture-tool-missing', `${tool.path} could not be started (${e.code ?? e.message}).`);
}

/**
 * Interfaces the tool can capture on (loopback and "any" included). dumpcap's machine-readable list
 * (`-D -M`: number, name, vendor, friendly name, type, addresses, loopback|network) or tcpdump's
 * `N.name (description) [flags]`.
 */
export async function listInterfaces(tool: CaptureTool): Promise<CaptureInterface[]> {
  const r = await run(tool, tool.kind === 'dumpcap' ? ['-D', '-M'] : ['-D']);
  if (r.error) throw notRunnable(tool, r.error);
  const out: CaptureInterface[] = [];
  for (const line of r.stdout.split('\n')) {
    if (tool.kind === 'dumpcap') {
      const m = /^\d+\.\s+(.*)$/.exec(line);
      if (!m) continue;
      const f = m[1].split('\t');
      const name = f[0]?.trim();
      if (!name) continue;
      out.push({ name, description: (f[2] || f[1] || '').trim(), addresses: (f[4] ?? '').split(',').filter(Boolean), loopback: f[5] === 'loopback' });
    } else {
      const m = /^\d+\.(\S+)(?:\s+\(([^)]*)\))?(?:\s+\[([^\]]*)\])?/.exec(line);
      if (!m) continue;
      out.push({ name: m[1], description: m[2] ?? '', addresses: [], loopback: /Loopback/i.test(m[3] ?? '') });
    }
  }
  if (out.length === 0) throw classifyToolError(tool, '', r.stderr, r.code) ?? new CaptureError('capture-failed', `${tool.kind} listed no interfaces.`, { toolOutput: trimOutput(r.stderr), exitCode: r.code });
  return out;
}

/**
 * Compiles `filter` for `iface` without capturing. Resolves when it is valid; rejects with
 * `capture-filter` (its own words on what is wrong), or the permission / interface error that
 * opening the interface met first (compiling needs the interface's link type).
 */
export async function validateFilter(tool: CaptureTool, iface: string, filter: string): Promise<void> {
  if (!filter.trim()) return;
  const args = tool.kind === 'dumpcap' ? ['-i', iface, '-d', '-f', filter] : ['-i', iface, '-d', filter];
  const r = await run(tool, args);
  if (r.error) throw notRunnable(tool, r.error);
  // dumpcap prints "(000) …" instructions for a valid filter and exits 0 even for an invalid one.
  const compiled = /^\(000\)/m.test(r.stdout);
  const failure = classifyToolError(tool, iface, r.stderr, r.code, filter);
  if (failure) throw failure;
  if (!compiled || r.code !== 0) throw filterError(filter, r.stderr, r.code);
}

function filterError(filter: string, stderr: string, code: number | null): CaptureError {
  const why = /isn't a valid capture filter \(([^)\n]{1,300})\)/.exec(stderr)?.[1]
    ?? /(?:tcpdump|dumpcap):\s*([^\n]{1,300})/.exec(stderr)?.[1]
    ?? (stderr.trim().split('\n')[0] || 'it does not compile');
  return new CaptureError('capture-filter', `The capture filter "${filter}" is not valid: ${why}.`, { toolOutput: trimOutput(stderr), exitCode: code });
}

export interface CaptureArgsSpec {
  iface: string;
  /** BPF expression; empty for everything on the interface. */
  filter: string;
}

/**
 * The tool's arguments for a capture written to its stdout (see capture-process.ts for why).
 * dumpcap: pcapng (`-n`), no packet-count lines (`-q`: we count from the file). tcpdump: classic
 * pcap, `-U` writes each packet as it arrives, `--immediate-mode` hands packets over without the
 * kernel's buffering delay, `-s 0` whole packets; `-Z root` when we are root (tcpdump would switch to
 * its own user after opening the device).
 */
export function captureArgs(tool: CaptureTool, s: CaptureArgsSpec, uid = typeof process.getuid === 'function' ? process.getuid() : -1): string[] {
  if (tool.kind === 'dumpcap') {
    const a = ['-i', s.iface, '-n', '-q', '-w', '-'];
    if (s.filter.trim()) a.push('-f', s.filter);
    return a;
  }
  const a = ['-i', s.iface, '-s', '0', '-U', '--immediate-mode', '-w', '-'];
  if (uid === 0) a.push('-Z', 'root');
  if (s.filter.trim()) a.push(s.filter);
  return a;
}

/** Lines of the tool's error output worth showing (bounded). */
export function trimOutput(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^(?:tcpdump: )?(?:Capturing on|File:|listening on|Packets|\d+ packets? )/.test(l));
  const text = lines.join('\n');
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/**
 * A typed error for what the tool said on stderr, or undefined when it said nothing we recognise as
 * a failure. Permission and missing-interface errors are recognised in both tools' wording; an
 * invalid filter when `filter` is given.
 */
export function classifyToolError(tool: CaptureTool, iface: string, stderr: string, code: number | null, filter?: string): CaptureError | undefined {
  if (/permission to (?:capture|perform this capture)|Operation not permitted|Permission denied.*(?:bpf|socket)|couldn't run .*: (?:Operation not permitted|Permission denied)/i.test(stderr)) {
    return permissionError(tool, iface, trimOutput(stderr));
  }
  const noDev = /There is no device named "([^"\n]{1,200})"|(\S{1,200}): No such device exists|No such device exists|no suitable device found/i.exec(stderr);
  if (noDev) return new CaptureError('capture-interface', `There is no interface "${iface}" to capture on${tool.kind === 'dumpcap' ? ' (dumpcap -D lists them)' : ' (tcpdump -D lists them)'}.`, { toolOutput: trimOutput(stderr), exitCode: code });
  if (filter !== undefined && /Invalid capture filter|isn't a valid capture filter|syntax error|unknown (?:port|host|protocol|network)|illegal|expression rejects all packets|parse error/i.test(stderr)) {
    return filterError(filter, stderr, code);
  }
  return undefined;
}
