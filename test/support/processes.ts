/**
 * Processes seen through /proc (Linux), to prove that a capture tool and its watchdog are gone: no
 * program needed (pgrep is not part of every base system). Zombies count as gone.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Whether `pid` runs (exists and is not a zombie). */
export function alive(pid: number): boolean {
  if (!pid || !existsSync(`/proc/${pid}`)) return false;
  try { return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8')); } catch { return false; }
}

/** Running processes whose command line contains `text` (arguments joined by spaces). */
export function processesMatching(text: string): { pid: number; cmdline: string }[] {
  const out: { pid: number; cmdline: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let cmdline: string;
    try { cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim(); } catch { continue; }
    if (cmdline.includes(text) && alive(pid)) out.push({ pid, cmdline });
  }
  return out;
}

/** The capture watchdogs of src/app/capture/capture-process.ts (their `$0` is rocketmq-capture). */
export function captureWatchdogs(): { pid: number; cmdline: string }[] {
  return processesMatching(' rocketmq-capture ');
}

/** Processes whose parent is `pid` (from /proc/<child>/stat). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may contain spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch { /* gone meanwhile */ }
  }
  return out;
}
