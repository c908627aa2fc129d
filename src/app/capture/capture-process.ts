/**
 * One running capture tool (dumpcap or tcpdump) writing a capture file.
 *
 * The tool must never outlive the program that started it (the VS Code window): a `dispose()` on
 * deactivate covers an orderly close, but not an extension host that is killed. So the tool runs
 * under a small `sh` watchdog whose standard input is a pipe from us: when that pipe closes — we
 * call stop(), or our process is gone for any reason — the watchdog sends the tool SIGTERM, on which
 * both tools flush the file and exit. (Linux's parent-death signal would be simpler but is cleared
 * when a program with file capabilities starts, which is how unprivileged users run dumpcap.)
 *
 * The tool writes the capture to its stdout and we write that to the file: a tool writing a file
 * itself flushes it every half second or so (dumpcap), while its pipe output comes with each batch of
 * packets the kernel hands over (≤ 250 ms), which is what lets the inspector list frames within a
 * second. It also means the capture file belongs to the user running VS Code.
 *
 * Start resolves once the tool has opened the interface (its "File:" / "listening on" line), and
 * rejects at once with a typed error when it exits before that (no permission, no
 * such interface, invalid filter): never a hang, never an empty capture that looks like "no traffic".
 *
 * Plain Node: no vscode import.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { CaptureError } from './errors';
import { CaptureArgsSpec, captureArgs, classifyToolError, trimOutput } from './tool-commands';
import { CaptureTool } from './tools';
import { CaptureWriter, RingSpec } from './capture-writer';

/**
 * The watchdog: runs the tool ("$@") in the background, reports its pid on stderr, and sends it
 * SIGTERM when the watchdog's stdin reaches end-of-file; exits with the tool's status. The tool's
 * stdout (the capture stream) and stderr are the watchdog's.
 */
const WATCHDOG = [
  // A background job's stdin is /dev/null: keep ours (the pipe) on fd 3 for the guard.
  'exec 3<&0',
  '"$@" </dev/null 3<&- &',
  'tool=$!',
  'echo "capture-tool-pid $tool" >&2',
  '( while read -r _ <&3; do :; done; kill -TERM "$tool" 2>/dev/null ) &',
  'guard=$!',
  'wait "$tool"; rc=$?',
  'kill "$guard" 2>/dev/null',
  'exit "$rc"',
].join('\n');

export interface CaptureExit {
  /** Exit code of the tool (128 + n when a signal ended it). */
  code: number | null;
  /** True when we asked it to stop (stop(), dispose(), a limit). */
  requested: boolean;
  /** Set when it ended on its own with an error (crash, device gone, disk full): words for the user. */
  error: CaptureError | null;
}

export interface StartOptions extends CaptureArgsSpec {
  tool: CaptureTool;
  /** The capture file to write (created or truncated; removed again when the tool cannot start). */
  file: string;
  /** Write a ring of files instead of one (see CaptureWriter). */
  ring?: RingSpec;
  /** How long to wait for the tool to say it is capturing. Default 15 s. */
  startTimeoutMs?: number;
}

/** Grace period between asking the tool to stop and killing it. */
export const STOP_GRACE_MS = 3000;

/** Error output beyond this is dropped (a tool in a loop of warnings must not fill memory). */
const MAX_STDERR = 64 * 1024;

export class CaptureProcess {
  /** The capture tool's own process id (not the watchdog's). */
  readonly toolPid: number;
  /** Resolves when the tool has exited and everything it wrote is in the file. */
  readonly exited: Promise<CaptureExit>;
  private requested = false;
  private exitInfo: CaptureExit | null = null;

  private constructor(private readonly child: ChildProcess, toolPid: number, exited: Promise<CaptureExit>, readonly tool: CaptureTool, readonly writer: CaptureWriter) {
    this.toolPid = toolPid;
    this.exited = exited.then((x) => (this.exitInfo = x));
  }

  get running(): boolean { return this.exitInfo === null; }

  /** The capture file (for a ring, the name its files are numbered after). */
  get file(): string { return this.writer.file; }

  /**
   * Starts the tool writing `o.file`. Rejects with a CaptureError when it cannot capture (its stderr
   * classified), or when it neither starts nor fails within `startTimeoutMs` (then it is killed).
   */
  static start(o: StartOptions): Promise<CaptureProcess> {
    const args = captureArgs(o.tool, o);
    let writer: CaptureWriter;
    try { writer = new CaptureWriter(o.file, o.ring); } catch (e) {
      return Promise.reject(new CaptureError('capture-failed', `Cannot write the capture file ${o.file}: ${(e as Error).message}.`));
    }
    const child = spawn('sh', ['-c', WATCHDOG, 'rocketmq-capture', o.tool.path, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let toolPid = 0;
    let started = false;
    let self: CaptureProcess | null = null;
    let writeError: Error | null = null;
    const banner = o.tool.kind === 'dumpcap' ? /^File: /m : /listening on /;
    child.stdin!.on('error', () => undefined); // EPIPE after the watchdog is gone
    child.stdout!.on('data', (chunk: Buffer) => {
      if (writeError) return;
      try { writer.write(chunk); } catch (e) { writeError = e as Error; self?.kill(); }
    });
    const exited = new Promise<CaptureExit>((resolve) => {
      child.on('close', (code, signal) => {
        const c = code ?? (signal ? 128 : null);
        const requested = (self?.requested ?? false) && !writeError;
        let error: CaptureError | null = null;
        if (writeError) error = new CaptureError('capture-failed', `Writing the capture file ${o.file} failed: ${writeError.message}.`, { exitCode: c });
        else if (!requested) {
          const said = trimOutput(stderr);
          error = classifyToolError(o.tool, o.iface, stderr, c, o.filter)
            ?? new CaptureError('capture-failed', `${o.tool.kind} stopped on its own (exit ${c ?? 'unknown'})${said ? `: ${said.split('\n')[0]}` : ''}.`, { toolOutput: said, exitCode: c });
        }
        // The pipe has ended with the process ('close' comes after the streams end): all is written.
        try { writer.end(); } catch { /* reported as the write error, if any */ }
        resolve({ code: c, requested, error });
      });
    });
    return new Promise<CaptureProcess>((resolve, fail) => {
      // A capture that never started leaves no empty file that could pass for "no traffic".
      const reject = (e: CaptureError) => {
        fail(e);
        void exited.then(() => { for (const f of writer.files()) fs.rmSync(f, { force: true }); });
      };
      const limitMs = o.startTimeoutMs ?? 15_000;
      const timer = setTimeout(() => {
        if (started) return;
        child.stdin!.end();
        if (toolPid) try { process.kill(toolPid, 'SIGKILL'); } catch { /* gone */ }
        reject(new CaptureError('capture-failed', `${o.tool.kind} did not start capturing on "${o.iface}" within ${limitMs / 1000} s.`, { toolOutput: trimOutput(stderr) }));
      }, limitMs);
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        if (stderr.length < MAX_STDERR) stderr += d;
        if (!toolPid) {
          const m = /^capture-tool-pid (\d+)$/m.exec(stderr);
          if (m) { toolPid = Number(m[1]); stderr = stderr.replace(m[0], ''); }
        }
        if (started || !toolPid || !banner.test(stderr)) return;
        started = true;
        clearTimeout(timer);
        self = new CaptureProcess(child, toolPid, exited, o.tool, writer);
        resolve(self);
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new CaptureError('capture-tool-missing', `Could not start the capture (${e.message}).`));
      });
      void exited.then((x) => {
        if (started) return;
        clearTimeout(timer);
        reject(x.error ?? new CaptureError('capture-failed', `${o.tool.kind} exited before capturing (exit ${x.code}).`, { toolOutput: trimOutput(stderr), exitCode: x.code }));
      });
    });
  }

  /**
   * Asks the tool to stop (it flushes the file and exits); kills it if it has not exited after
   * STOP_GRACE_MS. Resolves with how it exited.
   */
  stop(): Promise<CaptureExit> {
    if (!this.exitInfo) {
      this.requested = true;
      this.child.stdin!.end();
      const t = setTimeout(() => this.kill(), STOP_GRACE_MS);
      void this.exited.then(() => clearTimeout(t));
    }
    return this.exited;
  }

  /** Kills the tool at once (SIGKILL); the file keeps what was flushed. */
  kill(): void {
    if (this.exitInfo) return;
    this.requested = true;
    try { process.kill(this.toolPid, 'SIGKILL'); } catch { /* already gone */ }
    this.child.stdin!.end();
  }
}
