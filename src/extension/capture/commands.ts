/**
 * Live capture from inside VS Code: "RocketMQ: Start Capture…" (interface, capture filter, an
 * optional duration or size limit), "Stop Capture", "Save Capture As…", and a status bar item with
 * the packet and frame counts while it runs. Packets are written by dumpcap (or tcpdump) and the
 * inspector follows the file (src/app/capture, src/core/capture/follow.ts).
 *
 * One capture at a time per window. It never outlives the window: it is disposed with the extension
 * (deactivate: window closed, reloaded, extension disabled), and should the extension host die
 * without deactivating, the watchdog in capture-process.ts stops the tool.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CaptureError } from '../../app/capture/errors';
import { LiveFileCapture, LiveCaptureEnd, LiveCaptureLimits } from '../../app/capture/live-file-capture';
import { joinSegments, RingSpec } from '../../app/capture/capture-writer';
import { CaptureTool, findCaptureTool } from '../../app/capture/tools';
import { CaptureInterface, listInterfaces, validateFilter } from '../../app/capture/tool-commands';
import { ALL_TCP_FILTER, allLoopback, rocketmqPortsFilter } from '../../app/capture/capture-filter';
import { parseAddressList } from '../../core/transport/address';
import { errorText } from '../../core/errors';
import { services } from '../connections/services';
import { openCapturePanel } from '../inspector';

/** Typed argument of `rocketmq.startCapture` (tests, keybindings): with `interface` set, nothing is asked. */
export interface StartCaptureArgs {
  interface?: string;
  /** 'rocketmq' (the connection's NameServer, broker and VIP ports; the default), 'tcp', or a BPF expression. */
  filter?: string;
  /** Connection profile whose ports make the 'rocketmq' filter (default: the active one). */
  connection?: string;
  durationSec?: number;
  maxMB?: number;
  /** A ring buffer: a new file every `fileBytes`, the newest `files` kept. */
  ring?: RingSpec;
  /** Where to write (default: a timestamped file in rocketmq.capture.folder or the extension's storage). */
  file?: string;
  /** Open the inspector on it (default true). */
  open?: boolean;
}

/** What the capture state hook and Start Capture report. */
export interface CaptureState {
  running: boolean;
  file: string;
  iface: string;
  filter: string;
  tool: CaptureTool;
  toolPid: number;
  packets: number;
  frames: number;
  /** The files on disk (one; for a ring, the newest). */
  files: string[];
  /** Files written, removed ones included. */
  filesWritten: number;
  end: { reason: string; error: string | null } | null;
}

let current: LiveFileCapture | null = null;

export function registerCapture(context: vscode.ExtensionContext): void {
  const { connections, log } = services(context);
  const status = vscode.window.createStatusBarItem('rocketmq.capture', vscode.StatusBarAlignment.Left, 50);
  status.name = 'RocketMQ Capture';
  status.command = 'rocketmq.showCapture';
  context.subscriptions.push(status);

  const state = (): CaptureState | null => current && {
    running: current.running, file: current.file, iface: current.spec.iface, filter: current.spec.filter, tool: current.spec.tool,
    toolPid: current.proc.toolPid, packets: current.packets, frames: current.frames,
    files: current.proc.writer.files(), filesWritten: current.segments.length,
    end: current.end && { reason: current.end.reason, error: current.end.error?.message ?? null },
  };

  let lastStatus = 0;
  const showStatus = (c: LiveFileCapture) => {
    lastStatus = Date.now();
    if (!c.running) { status.hide(); return; }
    status.text = `$(record) ${c.spec.iface}: ${c.packets.toLocaleString()} packets · ${c.frames.toLocaleString()} RocketMQ frames`;
    const into = c.spec.ring ? `a ring of ${c.spec.ring.files} files of ${formatBytes(c.spec.ring.fileBytes)} (\`${path.dirname(c.file)}\`)` : `\`${c.file}\``;
    status.tooltip = new vscode.MarkdownString(`Capturing on \`${c.spec.iface}\`${c.spec.filter ? ` with \`${c.spec.filter}\`` : ''} into ${into} (${c.spec.tool.kind}).\n\nClick to show it in the inspector; **RocketMQ: Stop Capture** ends it.`);
    status.show();
  };

  const start = async (a: StartCaptureArgs): Promise<CaptureState | undefined> => {
    if (current?.running) {
      const pick = await vscode.window.showWarningMessage(`A capture is already running on ${current.spec.iface} (${path.basename(current.file)}).`, 'Stop It', 'Show It');
      if (pick === 'Stop It') await stop();
      else { if (pick === 'Show It') openCapturePanel(current); return undefined; }
    }
    const cfg = vscode.workspace.getConfiguration('rocketmq.capture');
    const tool = findCaptureTool({ configured: cfg.get<string>('toolPath') || undefined });
    const interactive = a.interface === undefined;
    const iface = a.interface ?? await pickInterface(tool, await connectionAddresses(a.connection));
    if (!iface) return undefined;
    const filter = interactive && a.filter === undefined ? await pickFilter(tool, iface, a.connection) : await resolveFilter(a.filter ?? 'rocketmq', a.connection);
    if (filter === undefined) return undefined;
    const choice = interactive && a.durationSec === undefined && a.maxMB === undefined && !a.ring
      ? await pickLimit()
      : { limits: { durationSec: a.durationSec, maxBytes: a.maxMB ? a.maxMB * 1024 * 1024 : undefined }, ring: a.ring };
    if (!choice) return undefined;
    const { limits, ring } = choice;
    const file = a.file ?? captureFile(context, tool);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    log.info(`capture: starting ${tool.kind} (${tool.path}) on ${iface}${filter ? ` with "${filter}"` : ''} into ${file}`);
    const cap = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Starting capture on ${iface}…` },
      () => LiveFileCapture.start({ tool, iface, filter, file, limits, ring }));
    current = cap;
    // At most about three updates a second, the last change always shown.
    let pending: NodeJS.Timeout | null = null;
    cap.onChange(() => {
      if (!cap.running) { if (pending) clearTimeout(pending); showStatus(cap); return; }
      if (pending) return;
      pending = setTimeout(() => { pending = null; showStatus(cap); }, Math.max(0, 300 - (Date.now() - lastStatus)));
    });
    showStatus(cap);
    void cap.ended.then((e) => onEnded(cap, e));
    if (a.open !== false) openCapturePanel(cap);
    return state() ?? undefined;
  };

  const onEnded = (cap: LiveFileCapture, e: LiveCaptureEnd) => {
    if (current === cap) showStatus(cap);
    const counts = `${e.index.packets.toLocaleString()} packets, ${e.index.length.toLocaleString()} RocketMQ frames`;
    log.info(`capture: ${path.basename(cap.file)} ended (${e.reason}): ${counts}${e.error ? ` — ${e.error.message}` : ''}`);
    if (e.error) {
      void vscode.window.showErrorMessage(`The capture on ${cap.spec.iface} stopped: ${e.error.message} The ${counts} captured until then are kept in ${cap.file}.`, 'Save As…', 'Show Log')
        .then((c) => { if (c === 'Save As…') void saveAs(cap.file); else if (c === 'Show Log') log.show(true); });
      return;
    }
    const why = e.reason === 'duration-limit' ? ' (duration limit reached)' : e.reason === 'size-limit' ? ' (size limit reached)' : '';
    const files = cap.proc.writer.files();
    const where = cap.spec.ring ? `the newest ${files.length} files of the ring in ${path.dirname(cap.file)}` : path.basename(cap.file);
    void vscode.window.showInformationMessage(`Capture stopped${why}: ${counts} in ${where}.`, 'Save As…', 'Show')
      .then((c) => { if (c === 'Save As…') void saveAs(cap.file); else if (c === 'Show') openCapturePanel(cap); });
  };

  const stop = async (): Promise<CaptureState | undefined> => {
    if (!current) { void vscode.window.showInformationMessage('No capture is running.'); return undefined; }
    const cap = current;
    if (cap.running) await cap.stop();
    return state() ?? undefined;
  };

  /**
   * Save Capture As…: copies the capture file (of `source`, default the current capture) to
   * `target` or where the save dialog says. A ring's files still on disk are joined into one capture.
   */
  const saveAs = async (source?: string, target?: string): Promise<string | undefined> => {
    const src = source ?? current?.file;
    if (!src) { void vscode.window.showInformationMessage('There is no capture to save yet.'); return undefined; }
    const cap = current?.file === src ? current : null;
    const ext = path.extname(src).slice(1) || 'pcapng';
    const ws = vscode.workspace.workspaceFolders?.[0];
    const uri = target ? vscode.Uri.file(target) : await vscode.window.showSaveDialog({
      filters: { [`${ext} capture`]: [ext] }, saveLabel: 'Save Capture',
      defaultUri: ws ? vscode.Uri.joinPath(ws.uri, path.basename(src)) : vscode.Uri.file(src),
    });
    if (!uri) return undefined;
    // A running capture is saved as far as written (a copy may end mid-record, which readers report
    // as a truncated last record).
    if (cap?.spec.ring) joinSegments(cap.segments, uri.fsPath);
    else await vscode.workspace.fs.copy(vscode.Uri.file(src), uri, { overwrite: true });
    const note = cap?.spec.ring ? ` (the ${cap.proc.writer.files().length} newest files of the ring, joined)` : '';
    void vscode.window.showInformationMessage(`Saved the capture to ${uri.fsPath}${note}${cap?.running ? ', as far as captured: it is still running' : ''}.`);
    return uri.fsPath;
  };

  /** Errors of Start Capture in words, with the command that fixes them to copy. */
  const reportStartError = (e: unknown): undefined => {
    const text = errorText(e);
    log.error(`capture: ${text}${e instanceof CaptureError && e.toolOutput ? `\n${e.toolOutput}` : ''}`);
    const remedy = e instanceof CaptureError ? commandIn(e.remedy) : undefined;
    const buttons = remedy ? ['Copy Command', 'Show Log'] : ['Show Log'];
    void vscode.window.showErrorMessage(`Cannot capture: ${text}`, ...buttons).then((c) => {
      if (c === 'Copy Command' && remedy) void vscode.env.clipboard.writeText(remedy);
      else if (c === 'Show Log') log.show(true);
    });
    lastStartError = text;
    return undefined;
  };

  let lastStartError: string | null = null;

  const connectionAddresses = async (name?: string): Promise<string[]> => {
    const profile = name ? connections.get(name) : connections.active();
    if (!profile) return [];
    try { return parseAddressList(profile.namesrv); } catch { return []; }
  };

  /** The filter for 'rocketmq' / 'tcp' / a typed expression. */
  const resolveFilter = async (f: string, connection?: string): Promise<string> => {
    if (f === 'tcp' || f === 'all') return ALL_TCP_FILTER;
    if (f !== 'rocketmq') return f;
    const r = await rocketmqFilterFor(connection);
    return r?.filter ?? ALL_TCP_FILTER;
  };

  /** The connection's NameServer, broker and VIP ports (brokers from its cluster info, when it answers). */
  const rocketmqFilterFor = async (connection?: string): Promise<{ filter: string; detail: string } | null> => {
    const name = connection ?? connections.activeName();
    if (!name) return null;
    const ns = await connectionAddresses(name);
    let brokers: string[] = [];
    let note = '';
    try {
      const s = await connections.session(name);
      const ci = (await s.getClusterInfo()).value;
      for (const bd of ci.brokerAddrTable.values()) brokers.push(...bd.brokerAddrs.values());
    } catch (e) {
      brokers = [];
      note = ` (brokers unknown: ${errorText(e)})`;
    }
    const pf = rocketmqPortsFilter(ns, brokers);
    return pf && { filter: pf.filter, detail: `${name}: ${pf.ports.map((p) => p.port).join(', ')}${note}` };
  };

  const pickInterface = async (tool: CaptureTool, hint: string[]): Promise<string | undefined> => {
    const list: CaptureInterface[] = await listInterfaces(tool);
    const preferred = allLoopback(hint) ? list.find((i) => i.loopback)?.name : 'any';
    const items = list.map((i) => ({
      label: i.name, description: [i.description, i.addresses.join(', ')].filter(Boolean).join(' — '),
      detail: i.name === preferred ? (i.loopback ? 'The connection\'s NameServer is on this machine' : 'All interfaces') : undefined,
    }));
    items.sort((x, y) => Number(y.label === preferred) - Number(x.label === preferred));
    const pick = await vscode.window.showQuickPick(items, { title: 'Start Capture (1/3): interface', placeHolder: `Capture with ${tool.kind} on…`, ignoreFocusOut: true });
    return pick?.label;
  };

  const pickFilter = async (tool: CaptureTool, iface: string, connection?: string): Promise<string | undefined> => {
    const rq = await rocketmqFilterFor(connection);
    const items: (vscode.QuickPickItem & { id: string })[] = [];
    if (rq) items.push({ id: 'rocketmq', label: 'RocketMQ ports of the connection', description: rq.detail, detail: rq.filter });
    items.push({ id: 'tcp', label: 'All TCP', description: ALL_TCP_FILTER });
    items.push({ id: 'bpf', label: 'A capture filter (BPF)…', description: 'e.g. host 10.0.0.5 and tcp port 10911' });
    const pick = await vscode.window.showQuickPick(items, { title: 'Start Capture (2/3): what to capture', ignoreFocusOut: true });
    if (!pick) return undefined;
    if (pick.id === 'rocketmq') return rq!.filter;
    if (pick.id === 'tcp') return ALL_TCP_FILTER;
    // Typed filters are compiled by the tool for this interface before the capture starts.
    const box = vscode.window.createInputBox();
    box.title = 'Start Capture: capture filter';
    box.prompt = `A libpcap filter for ${iface}, checked by ${tool.kind} before the capture starts`;
    box.value = rq?.filter ?? 'tcp port 9876 or tcp port 10911';
    box.ignoreFocusOut = true;
    return new Promise<string | undefined>((resolve) => {
      let done = false;
      box.onDidAccept(async () => {
        box.busy = true;
        box.enabled = false;
        try {
          await validateFilter(tool, iface, box.value);
          done = true;
          resolve(box.value.trim());
          box.hide();
        } catch (e) {
          box.validationMessage = errorText(e);
        } finally {
          box.busy = false;
          box.enabled = true;
        }
      });
      box.onDidChangeValue(() => { box.validationMessage = undefined; });
      box.onDidHide(() => { if (!done) resolve(undefined); box.dispose(); });
      box.show();
    });
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('rocketmq.startCapture', async (arg?: unknown) => {
      const a: StartCaptureArgs = typeof arg === 'object' && arg !== null ? arg as StartCaptureArgs : {};
      lastStartError = null;
      try { return await start(a); } catch (e) { return reportStartError(e); }
    }),
    vscode.commands.registerCommand('rocketmq.stopCapture', () => stop()),
    vscode.commands.registerCommand('rocketmq.saveCaptureAs', (arg?: unknown) => {
      // A file path (from the inspector's Save button), or { source?, target? } for code and tests.
      if (typeof arg === 'string') return saveAs(arg);
      const o = typeof arg === 'object' && arg !== null ? arg as { source?: unknown; target?: unknown } : {};
      return saveAs(typeof o.source === 'string' ? o.source : undefined, typeof o.target === 'string' ? o.target : undefined);
    }),
    vscode.commands.registerCommand('rocketmq.showCapture', () => {
      if (!current) { void vscode.window.showInformationMessage('No capture yet: RocketMQ: Start Capture… begins one.'); return; }
      openCapturePanel(current);
    }),
    // Test hooks (not contributed).
    vscode.commands.registerCommand('_rocketmq.capture.state', () => ({ ...(state() ?? { running: false }), lastStartError })),
    /** What deactivate does to a running capture (a test cannot close its own window). */
    vscode.commands.registerCommand('_rocketmq.capture.dispose', async () => { const c = current; current?.dispose(); await c?.ended; return state(); }),
    { dispose: () => { current?.dispose(); status.hide(); } },
  );
}

/** The capture file: rocketmq.capture.folder (or the extension's storage) / rocketmq-<time>.pcapng. */
function captureFile(context: vscode.ExtensionContext, tool: CaptureTool): string {
  const configured = vscode.workspace.getConfiguration('rocketmq.capture').get<string>('folder');
  const dir = configured || path.join(context.globalStorageUri.fsPath, 'captures');
  const t = new Date();
  const p2 = (n: number) => String(n).padStart(2, '0');
  const stamp = `${t.getFullYear()}${p2(t.getMonth() + 1)}${p2(t.getDate())}-${p2(t.getHours())}${p2(t.getMinutes())}${p2(t.getSeconds())}`;
  return path.join(dir, `rocketmq-${stamp}.${tool.kind === 'dumpcap' ? 'pcapng' : 'pcap'}`);
}

/** The first command a remedy names ("…with: sudo setcap …, then …" → "sudo setcap …"). */
function commandIn(remedy: string | undefined): string | undefined {
  const m = remedy && /:\s*((?:sudo|brew) [^,(]+?)(?:[,(]|\.?$)/.exec(remedy);
  return m ? m[1].trim() : undefined;
}

async function pickLimit(): Promise<{ limits: LiveCaptureLimits; ring?: RingSpec } | undefined> {
  const MB = 1024 * 1024;
  const items: (vscode.QuickPickItem & { choice: { limits: LiveCaptureLimits; ring?: RingSpec } })[] = [
    { label: 'No limit', description: 'until you stop it (RocketMQ: Stop Capture, or the inspector\'s Stop capture)', choice: { limits: {} } },
    { label: 'Stop after 1 minute', choice: { limits: { durationSec: 60 } } },
    { label: 'Stop after 10 minutes', choice: { limits: { durationSec: 600 } } },
    { label: 'Stop at 100 MB', choice: { limits: { maxBytes: 100 * MB } } },
    { label: 'Ring buffer: keep the newest 5 files of 20 MB', description: 'runs until stopped; older frames stay listed without details', choice: { limits: {}, ring: { fileBytes: 20 * MB, files: 5 } } },
    { label: 'Ring buffer: keep the newest 10 files of 100 MB', choice: { limits: {}, ring: { fileBytes: 100 * MB, files: 10 } } },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Start Capture (3/3): limit', ignoreFocusOut: true });
  return pick?.choice;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / 1024 / 1024)} MB` : `${Math.round(n / 1024)} KB`;
}
