/**
 * What the route tree, sending and request files share: the "RocketMQ" log channel and the
 * connection store. Created once per activation by whichever `register…` runs first.
 */
import * as vscode from 'vscode';
import { ConnectionStore } from './store';
import { Log, recordingLog } from './log';

export interface Services {
  log: Log;
  connections: ConnectionStore;
}

let current: Services | undefined;

export function services(context: vscode.ExtensionContext): Services {
  if (!current) {
    const channel = vscode.window.createOutputChannel('RocketMQ', { log: true });
    const log = recordingLog(channel);
    const connections = new ConnectionStore(context, log);
    const s: Services = { log, connections };
    current = s;
    context.subscriptions.push(channel, connections, { dispose: () => { if (current === s) current = undefined; } });
  }
  return current;
}
