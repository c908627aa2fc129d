/**
 * The "RocketMQ" LogOutputChannel, with the last lines kept in memory so that tests (and a future
 * "copy diagnostics" action) can read what the user saw.
 */
import * as vscode from 'vscode';

export interface Log {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  show(preserveFocus?: boolean): void;
  /** Recent lines as `level message`, oldest first. */
  recent(): string[];
}

export function recordingLog(channel: vscode.LogOutputChannel, keep = 1000): Log {
  const lines: string[] = [];
  const push = (level: string, m: string) => {
    lines.push(`${level} ${m}`);
    if (lines.length > keep) lines.splice(0, lines.length - keep);
  };
  return {
    trace: (m) => { push('trace', m); channel.trace(m); },
    debug: (m) => { push('debug', m); channel.debug(m); },
    info: (m) => { push('info', m); channel.info(m); },
    warn: (m) => { push('warn', m); channel.warn(m); },
    error: (m) => { push('error', m); channel.error(m); },
    show: (preserveFocus) => channel.show(preserveFocus),
    recent: () => [...lines],
  };
}
