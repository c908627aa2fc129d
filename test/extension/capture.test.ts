/**
 * Live capture from inside VS Code, in the real extension host (the run is root, so dumpcap may
 * capture), against the real RocketMQ 5.3 cluster: "RocketMQ: Start Capture…" on `lo` with the
 * connection's ports while the extension's producer sends; the frames are listed by the inspector,
 * paired, while the capture still runs; the stopped file is read back by our decoder and by tshark
 * with the same frames; the permission error path runs dumpcap as an unprivileged user (setpriv);
 * disposing (what deactivate does when the window closes) leaves no capture process.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunningCluster } from '../support/cluster';
import type { SendOutcome } from '../../src/app/send/executor';
import type { FrameRow, InspectorHostApi } from '../../src/shared/inspector-protocol';
import type { Envelope, Method, Params, Result } from '../../src/shared/endpoint';
import type { CaptureState } from '../../src/extension/capture/commands';
import { indexCaptureFile } from '../../src/core/capture/capture-index';
import { readFrameBytes } from '../../src/core/capture/frame-reader';
import { RequestCode } from '../../src/core/remoting';
import { alive, captureWatchdogs } from '../support/processes';
import { tsharkStreams } from '../support/tshark';
import { activateExtension, ensureConnection, pollUntil, testCluster } from './routes-cluster';

const CONN = 'capture-test';

interface SessionInfo { target: string; kind: string; frames: number; done: boolean; capturing: boolean }
type State = CaptureState & { lastStartError: string | null };

async function ask<M extends Method<InspectorHostApi>>(target: string, method: M, params: Params<InspectorHostApi, M>): Promise<Result<InspectorHostApi, M>> {
  const r = await vscode.commands.executeCommand<Envelope | null>('_rocketmq.inspector.request', target, method, params);
  assert.ok(r && r.kind === 'reply', `${method}: ${JSON.stringify(r)}`);
  return (r as { result: Result<InspectorHostApi, M> }).result;
}

async function rows(target: string): Promise<FrameRow[]> {
  return (await ask(target, 'getRows', { start: 0, count: 500 })).rows;
}

const captureState = async () => (await vscode.commands.executeCommand<State>('_rocketmq.capture.state'))!;
const sessionOf = async (target: string) => (await vscode.commands.executeCommand<SessionInfo[]>('_rocketmq.inspector.sessions'))!.find((s) => s.target === target);

describe('live capture (extension host, real 5.3 cluster, dumpcap on lo)', function () {
  this.timeout(120_000);
  let cluster: RunningCluster;
  let dir: string;
  const topic = `ExtCapture_${Date.now()}`;

  before(async function () {
    this.timeout(300_000);
    cluster = await testCluster();
    await cluster.createTopic(topic, { queues: 2 });
    await activateExtension();
    await ensureConnection(CONN, cluster.namesrv);
    dir = mkdtempSync(join(tmpdir(), 'rmq-ext-capture-'));
  });
  after(async () => {
    await vscode.commands.executeCommand('_rocketmq.capture.dispose');
    await vscode.workspace.getConfiguration('rocketmq.capture').update('toolPath', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('captures on lo while the producer sends: the frames are listed, paired, before the capture stops; the file reads back the same in our decoder and in tshark', async () => {
    const file = join(dir, 'live.pcapng');
    const started = await vscode.commands.executeCommand<CaptureState>('rocketmq.startCapture', { interface: 'lo', connection: CONN, file });
    assert.ok(started, `no capture: ${(await captureState()).lastStartError}`);
    assert.equal(started.running, true);
    assert.equal(started.tool.kind, 'dumpcap');
    // The default filter: the connection's NameServer, broker and VIP ports.
    const nsPort = cluster.namesrv.split(':')[1];
    assert.ok(started.filter.includes(`tcp port ${nsPort}`), started.filter);
    for (const b of cluster.brokers) {
      const port = Number(b.addr.split(':')[1]);
      assert.ok(started.filter.includes(`tcp port ${port}`) && started.filter.includes(`tcp port ${port - 2}`), `${b.addr} and its VIP port in ${started.filter}`);
    }
    const inspector = await pollUntil('the capture\'s inspector', 10_000, async () => sessionOf(file));
    assert.equal(inspector.kind, 'capture');
    assert.equal(inspector.capturing, true);

    // A fresh session for the profile: its connections open (SYN included) while the capture runs.
    await ensureConnection(CONN, cluster.namesrv);
    const delays: number[] = [];
    const sent: SendOutcome[] = [];
    for (let k = 0; k < 3; k++) {
      const out = (await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendMessage', { connection: CONN, topic, body: `live capture ${k}`, keys: `cap-${k}` }))!;
      assert.equal(out.sent.length, 1, String(out.failed[0]?.error));
      sent.push(out);
      const t0 = Date.now();
      await pollUntil(`send ${k} and its response in the inspector`, 10_000, async () => {
        const r = await rows(file);
        const reqs = r.filter((x) => x.codeName === 'SEND_MESSAGE_V2' && !x.response && x.topic === topic);
        if (reqs.length < k + 1) return undefined;
        const last = reqs[k];
        return last.pair !== null && r.find((x) => x.frame === last.pair)?.status === 'SUCCESS' ? true : undefined;
      }, 20);
      delays.push(Date.now() - t0);
    }
    console.log(`    frames listed ${delays.join(', ')} ms after each send returned`);
    const live = await captureState();
    assert.equal(live.running, true, 'all of this happened while the capture runs');
    assert.ok(live.packets > 0 && live.frames >= 6, `status counts: ${live.packets} packets, ${live.frames} frames`);
    assert.equal((await sessionOf(file))!.capturing, true);
    assert.ok(Math.max(...delays) < 1500, `frames took ${delays.join(', ')} ms to be listed`);

    // Filters and the expert summary work during the capture.
    const view = await ask(file, 'setView', { sort: { column: 'index', descending: false }, filter: { code: 'SEND_MESSAGE_V2', topic } });
    assert.equal(view.total, 6, 'three requests and their three responses');
    const sum = await ask(file, 'getSummary', {});
    assert.ok(sum.frames >= 6);
    assert.ok(sum.latency.some((l) => l.codeName === 'SEND_MESSAGE_V2' && l.count >= 3), JSON.stringify(sum.latency));
    await ask(file, 'setView', { sort: { column: 'index', descending: false }, filter: {} });

    const stopped = (await vscode.commands.executeCommand<CaptureState>('rocketmq.stopCapture'))!;
    assert.equal(stopped.running, false);
    assert.deepEqual(stopped.end, { reason: 'stopped', error: null });
    assert.ok(!alive(stopped.toolPid), 'dumpcap has exited');
    await pollUntil('the inspector to finish', 10_000, async () => ((await sessionOf(file))?.done ? true : undefined));
    const shown = await rows(file);

    // Read back by our decoder: the same frames as the inspector listed.
    const ix = await indexCaptureFile(file);
    assert.equal(ix.state, 'complete');
    assert.equal(ix.length, shown.length);
    assert.deepEqual(shown.map((r) => [r.code, r.opaque, r.response]), Array.from({ length: ix.length }, (_, i) => [ix.cols.code[i], ix.cols.opaque[i], (ix.cols.flag[i] & 1) === 1]));
    const sends = shown.filter((r) => r.codeName === 'SEND_MESSAGE_V2' && !r.response && r.topic === topic);
    assert.equal(sends.length, 3);
    for (const [k, r] of sends.entries()) {
      const d = await ask(file, 'getDetails', { frame: r.frame });
      assert.equal(d.properties.find((p) => p.key === 'UNIQ_KEY')?.value, sent[k].sent[0].msgId);
      assert.equal(d.body?.text, `live capture ${k}`);
    }
    // …and by tshark: every RocketMQ connection's frames are its TCP stream, byte for byte.
    const streams = tsharkStreams(file);
    let compared = 0;
    for (const c of ix.conns) {
      if (!c?.rocketmq || !c.sawSyn || c.gapBytes) continue;
      const ours: [Buffer[], Buffer[]] = [[], []];
      for (let i = 0; i < ix.length; i++) if (ix.cols.conn[i] === c.id) ours[ix.cols.dir[i]].push((await readFrameBytes(ix, i)).bytes);
      const theirs = streams.get(`${c.clientPort}-${c.serverPort}`);
      assert.ok(theirs, `tshark has no stream ${c.clientPort}-${c.serverPort}`);
      assert.equal(Buffer.concat(ours[0]).toString('hex'), theirs[0], `client→server of ${c.clientPort}`);
      assert.equal(Buffer.concat(ours[1]).toString('hex'), theirs[1], `server→client of ${c.clientPort}`);
      compared++;
    }
    assert.ok(compared >= 2, `compared ${compared} connections (NameServer and a broker at least)`);
  });

  it('without permission to capture (dumpcap run as nobody through setpriv) the user gets the words at once, and no process or file is left', async () => {
    // rocketmq.capture.toolPath names the program to run: here dumpcap behind setpriv, as an
    // unprivileged user would run it (the unit tests check the same error with the whole capture
    // running as that user, where the message also names the user).
    const wrapperDir = join(dir, 'nobody');
    const wrapper = join(wrapperDir, 'dumpcap');
    mkdirSync(wrapperDir);
    writeFileSync(wrapper, '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/dumpcap "$@"\n');
    chmodSync(wrapper, 0o755);
    await vscode.workspace.getConfiguration('rocketmq.capture').update('toolPath', wrapper, vscode.ConfigurationTarget.Global);
    const watchdogsBefore = captureWatchdogs().map((p) => p.pid);
    const file = join(dir, 'denied.pcapng');
    const t0 = Date.now();
    const r = await vscode.commands.executeCommand<CaptureState | undefined>('rocketmq.startCapture', { interface: 'lo', filter: 'tcp port 9876', file });
    const ms = Date.now() - t0;
    assert.equal(r, undefined);
    const st = await captureState();
    assert.ok(st.lastStartError, 'an error was reported');
    assert.match(st.lastStartError, /^Capturing on "lo" is not permitted: dumpcap needs the CAP_NET_RAW and CAP_NET_ADMIN capabilities \(or root\)/);
    assert.match(st.lastStartError, new RegExp(`Grant them with: sudo setcap cap_net_raw,cap_net_admin=eip ${wrapper.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    assert.ok(ms < 5000, `the error took ${ms} ms`);
    const log = (await vscode.commands.executeCommand<string[]>('rocketmq.internal.recentLog'))!;
    assert.ok(log.some((l) => l.startsWith('error') && l.includes('is not permitted') && l.includes('You do not have permission to capture')), 'the log has our words and dumpcap\'s own');
    assert.equal(existsSync(file), false, 'no empty capture file that could pass for "no traffic"');
    assert.deepEqual(captureWatchdogs().map((p) => p.pid).filter((p) => !watchdogsBefore.includes(p)), [], 'no process left');
    await vscode.workspace.getConfiguration('rocketmq.capture').update('toolPath', undefined, vscode.ConfigurationTarget.Global);
  });

  it('an invalid capture filter is refused before anything starts, in dumpcap\'s words', async () => {
    const file = join(dir, 'badfilter.pcapng');
    const r = await vscode.commands.executeCommand<CaptureState | undefined>('rocketmq.startCapture', { interface: 'lo', filter: 'tcp port rocketmq', file });
    assert.equal(r, undefined);
    assert.match((await captureState()).lastStartError ?? '', /The capture filter "tcp port rocketmq" is not valid: .*unknown port 'rocketmq'/);
    assert.equal(existsSync(file), false);
  });

  it('a ring of files keeps the newest files while the inspector lists every frame; Save Capture As joins them into one capture', async () => {
    const file = join(dir, 'ring.pcapng');
    const started = (await vscode.commands.executeCommand<CaptureState>('rocketmq.startCapture', { interface: 'lo', connection: CONN, file, ring: { fileBytes: 16 * 1024, files: 2 } }))!;
    assert.ok(started?.running, (await captureState()).lastStartError ?? 'not started');
    const out = (await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendMessage', { connection: CONN, topic, body: 'r'.repeat(2000), repeat: 20 }))!;
    assert.equal(out.sent.length, 20);
    await pollUntil('the 20 sends in the inspector', 10_000, async () => ((await rows(file)).filter((r) => r.codeName === 'SEND_MESSAGE_V2' && r.response).length === 20 ? true : undefined), 50);
    const stopped = (await vscode.commands.executeCommand<CaptureState>('rocketmq.stopCapture'))!;
    assert.ok(stopped.filesWritten >= 3, `${stopped.filesWritten} files written`);
    assert.equal(stopped.files.length, 2, 'the newest two are kept');
    assert.ok(stopped.files.every((f) => existsSync(f) && /ring_\d{5}\.pcapng$/.test(f)), stopped.files.join(', '));
    // The oldest frames keep their row; their bytes went with their file.
    const first = await vscode.commands.executeCommand<Envelope>('_rocketmq.inspector.request', file, 'getDetails', { frame: 0 });
    assert.ok(first?.kind === 'reply' && (first as { result: { missingBytes: number } }).result.missingBytes > 0, JSON.stringify(first).slice(0, 300));
    const target = join(dir, 'ring-saved.pcapng');
    assert.equal(await vscode.commands.executeCommand('rocketmq.saveCaptureAs', { source: file, target }), target);
    const joined = await indexCaptureFile(target);
    const last = [...Array(joined.length).keys()].filter((i) => joined.cols.code[i] === RequestCode.SEND_MESSAGE_V2 && !(joined.cols.flag[i] & 1));
    assert.ok(last.length >= 1, 'the newest sends are in the saved capture');
    assert.ok(!joined.warnings.items.some((w) => w.kind === 'file.truncated-record'));
  });

  it('closing the window (the dispose deactivate runs) stops the capture tool and its watchdog; the frames so far stay in the file', async () => {
    const file = join(dir, 'closing.pcapng');
    const watchdogsBefore = captureWatchdogs().map((p) => p.pid);
    const started = (await vscode.commands.executeCommand<CaptureState>('rocketmq.startCapture', { interface: 'lo', connection: CONN, file, open: false }))!;
    assert.ok(started?.running, (await captureState()).lastStartError ?? 'not started');
    // The watchdog and its guard subshell (same command line).
    const watchdogs = captureWatchdogs().map((p) => p.pid).filter((p) => !watchdogsBefore.includes(p));
    assert.ok(watchdogs.length >= 1, 'a watchdog runs the tool');
    assert.ok(alive(started.toolPid));
    const out = (await vscode.commands.executeCommand<SendOutcome>('rocketmq.sendMessage', { connection: CONN, topic, body: 'before closing' }))!;
    assert.equal(out.sent.length, 1);
    await pollUntil('the send in the capture', 10_000, async () => ((await captureState()).frames >= 2 ? true : undefined), 20);
    await vscode.commands.executeCommand('_rocketmq.capture.dispose');
    await pollUntil('dumpcap and its watchdog to exit', 10_000, () => (!alive(started.toolPid) && !watchdogs.some(alive) ? true : undefined), 20);
    const ix = await indexCaptureFile(file);
    assert.ok(ix.length >= 2, `${ix.length} frames kept`);
    assert.ok([...Array(ix.length).keys()].some((i) => ix.cols.code[i] === RequestCode.SEND_MESSAGE_V2));
  });
});
