/**
 * Commands for connection profiles (add, edit, remove, choose the active one) and the status bar item.
 * Every command also takes a typed argument so that tests and other commands can run it without UI.
 */
import * as vscode from 'vscode';
import {
  ConnectionProfile, ConnectionSecrets, normaliseNamesrvList, validateAccessKey, validateNamesrvList, validateProfileName,
} from '../../app/connections/profile';
import { services } from './services';

/** Argument of `rocketmq.addConnection` / `rocketmq.editConnection` when run from code. */
export interface ConnectionArgs {
  name: string;
  namesrv: string;
  namespace?: string;
  accessKey?: string;
  secretKey?: string;
  securityToken?: string;
  production?: boolean;
  /** Make it the active connection (default: when it is the first one). */
  activate?: boolean;
}

/** Tree nodes and menus pass an object with the profile name. */
interface NamedNode { connectionName: string }

function isConnectionArgs(a: unknown): a is ConnectionArgs {
  return typeof a === 'object' && a !== null && typeof (a as ConnectionArgs).name === 'string' && typeof (a as ConnectionArgs).namesrv === 'string';
}
function nameFrom(a: unknown): string | undefined {
  if (typeof a === 'string') return a;
  if (typeof a === 'object' && a !== null && typeof (a as NamedNode).connectionName === 'string') return (a as NamedNode).connectionName;
  return undefined;
}

export function registerConnections(context: vscode.ExtensionContext): void {
  const { connections, log } = services(context);

  const item = vscode.window.createStatusBarItem('rocketmq.activeConnection', vscode.StatusBarAlignment.Left, 10);
  item.name = 'RocketMQ Connection';
  item.command = 'rocketmq.selectConnection';
  const updateItem = () => {
    const a = connections.active();
    if (!a) { item.hide(); return; }
    item.text = `$(server-environment) ${a.name}`;
    item.tooltip = new vscode.MarkdownString(`RocketMQ connection **${a.name}** — NameServer \`${a.namesrv}\`${a.production ? '\n\n$(warning) production: sends ask for confirmation' : ''}\n\nClick to choose another connection.`, true);
    item.backgroundColor = a.production ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  updateItem();
  context.subscriptions.push(item, connections.onDidChange(updateItem));

  const setContext = () => void vscode.commands.executeCommand('setContext', 'rocketmq.hasConnections', connections.list().length > 0);
  setContext();
  context.subscriptions.push(connections.onDidChange(setContext));

  context.subscriptions.push(
    vscode.commands.registerCommand('rocketmq.addConnection', async (arg?: unknown): Promise<string | undefined> => {
      let input: ConnectionArgs | undefined;
      if (isConnectionArgs(arg)) {
        const problem = validateNamesrvList(arg.namesrv) ?? validateProfileName(arg.name, connections.list().map((p) => p.name));
        if (problem) throw new Error(problem);
        input = arg;
      } else {
        input = await askForConnection(connections.list().map((p) => p.name));
      }
      if (!input) return undefined;
      const profile = toProfile(input);
      await connections.upsert(profile, toSecrets(input));
      if (input.activate ?? connections.list().length === 1) await connections.setActive(profile.name);
      log.info(`connection "${profile.name}" added (NameServer ${profile.namesrv}${profile.accessKey ? ', ACL AccessKey set, SecretKey in SecretStorage' : ''})`);
      return profile.name;
    }),

    vscode.commands.registerCommand('rocketmq.editConnection', async (arg?: unknown): Promise<string | undefined> => {
      if (isConnectionArgs(arg)) {
        const previous = nameFrom((arg as ConnectionArgs & { previousName?: string }).previousName) ?? arg.name;
        if (!connections.get(previous)) throw new Error(`no RocketMQ connection named "${previous}"`);
        const problem = validateNamesrvList(arg.namesrv) ?? validateProfileName(arg.name, connections.list().map((p) => p.name), previous);
        if (problem) throw new Error(problem);
        const secrets = arg.secretKey !== undefined || arg.securityToken !== undefined ? toSecrets(arg) : undefined;
        await connections.upsert(toProfile(arg), secrets, previous);
        return arg.name;
      }
      const name = nameFrom(arg) ?? await pickConnection('Edit which connection?');
      const profile = name ? connections.get(name) : undefined;
      if (!profile) return undefined;
      return editInteractively(profile);
    }),

    vscode.commands.registerCommand('rocketmq.removeConnection', async (arg?: unknown): Promise<boolean> => {
      const name = nameFrom(arg) ?? await pickConnection('Remove which connection?');
      if (!name || !connections.get(name)) return false;
      const confirmFromCode = typeof arg === 'object' && arg !== null && (arg as { confirm?: boolean }).confirm === false;
      if (!confirmFromCode) {
        const ok = await vscode.window.showWarningMessage(`Remove the RocketMQ connection "${name}" and its stored secrets?`, { modal: true }, 'Remove');
        if (ok !== 'Remove') return false;
      }
      await connections.remove(name);
      log.info(`connection "${name}" removed`);
      return true;
    }),

    vscode.commands.registerCommand('rocketmq.selectConnection', async (arg?: unknown): Promise<string | undefined> => {
      const name = nameFrom(arg) ?? await pickConnection('Choose the active RocketMQ connection', true);
      if (!name) return undefined;
      if (name === '$add') return vscode.commands.executeCommand<string | undefined>('rocketmq.addConnection');
      if (!connections.get(name)) throw new Error(`no RocketMQ connection named "${name}"`);
      await connections.setActive(name);
      return name;
    }),
  );

  // For tests and diagnostics: never returns a secret, only whether one is stored.
  context.subscriptions.push(
    vscode.commands.registerCommand('rocketmq.internal.recentLog', (): string[] => log.recent()),
    vscode.commands.registerCommand('rocketmq.internal.secretStored', async (name: unknown): Promise<{ secretKey: boolean; securityToken: boolean }> => {
      const s = typeof name === 'string' ? await connections.getSecrets(name) : {};
      return { secretKey: !!s.secretKey, securityToken: !!s.securityToken };
    }),
    vscode.commands.registerCommand('rocketmq.internal.globalStorageUri', (): string => context.globalStorageUri.toString()),
  );

  async function pickConnection(placeHolder: string, offerAdd = false): Promise<string | undefined> {
    const list = connections.list();
    if (list.length === 0 && !offerAdd) {
      const add = await vscode.window.showInformationMessage('No RocketMQ connection yet.', 'Add NameServer…');
      if (add) await vscode.commands.executeCommand('rocketmq.addConnection');
      return undefined;
    }
    const active = connections.activeName();
    const items: (vscode.QuickPickItem & { name: string })[] = list.map((p) => ({
      name: p.name,
      label: `${p.name === active ? '$(check) ' : ''}${p.name}`,
      description: p.namesrv,
      detail: [p.production ? '$(warning) production' : '', p.accessKey ? `ACL ${p.accessKey}` : '', p.namespace ? `namespace ${p.namespace}` : ''].filter(Boolean).join(' · ') || undefined,
    }));
    if (offerAdd) items.push({ name: '$add', label: '$(add) Add NameServer…' });
    const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true });
    return picked?.name;
  }

  async function editInteractively(profile: ConnectionProfile): Promise<string | undefined> {
    type Field = 'namesrv' | 'name' | 'namespace' | 'accessKey' | 'secretKey' | 'securityToken' | 'production';
    const secrets = await connections.getSecrets(profile.name);
    const fields: (vscode.QuickPickItem & { field: Field })[] = [
      { field: 'namesrv', label: 'NameServer addresses', description: profile.namesrv },
      { field: 'name', label: 'Name', description: profile.name },
      { field: 'namespace', label: 'Namespace', description: profile.namespace ?? '(none)' },
      { field: 'accessKey', label: 'ACL AccessKey', description: profile.accessKey ?? '(none)' },
      { field: 'secretKey', label: 'ACL SecretKey', description: secrets.secretKey ? 'stored in SecretStorage' : '(none)' },
      { field: 'securityToken', label: 'Security token', description: secrets.securityToken ? 'stored in SecretStorage' : '(none)' },
      { field: 'production', label: 'Production', description: profile.production ? 'yes: sends ask for confirmation' : 'no' },
    ];
    const f = await vscode.window.showQuickPick(fields, { placeHolder: `Edit connection "${profile.name}"` });
    if (!f) return undefined;
    const next: ConnectionProfile = { ...profile };
    let nextSecrets: ConnectionSecrets | undefined;
    switch (f.field) {
      case 'namesrv': {
        const v = await vscode.window.showInputBox({ title: 'NameServer addresses', value: profile.namesrv, prompt: 'host:port;host:port', validateInput: validateNamesrvList });
        if (v === undefined) return undefined;
        next.namesrv = normaliseNamesrvList(v);
        break;
      }
      case 'name': {
        const v = await vscode.window.showInputBox({ title: 'Connection name', value: profile.name, validateInput: (s) => validateProfileName(s, connections.list().map((p) => p.name), profile.name) });
        if (v === undefined) return undefined;
        next.name = v.trim();
        break;
      }
      case 'namespace': {
        const v = await vscode.window.showInputBox({ title: 'Namespace (empty for none)', value: profile.namespace ?? '' });
        if (v === undefined) return undefined;
        next.namespace = v.trim() || undefined;
        break;
      }
      case 'accessKey': {
        const v = await vscode.window.showInputBox({ title: 'ACL AccessKey (empty for none)', value: profile.accessKey ?? '', validateInput: validateAccessKey });
        if (v === undefined) return undefined;
        next.accessKey = v.trim() || undefined;
        break;
      }
      case 'secretKey':
      case 'securityToken': {
        const v = await vscode.window.showInputBox({ title: f.label, password: true, prompt: 'Stored in VS Code SecretStorage, never in settings. Empty removes it.' });
        if (v === undefined) return undefined;
        nextSecrets = { ...secrets, [f.field]: v || undefined };
        break;
      }
      case 'production': {
        const v = await vscode.window.showQuickPick(['No', 'Yes — ask before every send'], { placeHolder: 'Is this a production cluster?' });
        if (v === undefined) return undefined;
        next.production = v.startsWith('Yes') || undefined;
        break;
      }
    }
    await connections.upsert(next, nextSecrets, profile.name);
    return next.name;
  }
}

function toProfile(a: ConnectionArgs): ConnectionProfile {
  const p: ConnectionProfile = { name: a.name.trim(), namesrv: normaliseNamesrvList(a.namesrv) };
  if (a.namespace) p.namespace = a.namespace;
  if (a.accessKey) p.accessKey = a.accessKey;
  if (a.production) p.production = true;
  return p;
}

function toSecrets(a: ConnectionArgs): ConnectionSecrets {
  const s: ConnectionSecrets = {};
  if (a.secretKey) s.secretKey = a.secretKey;
  if (a.securityToken) s.securityToken = a.securityToken;
  return s;
}

/** The multi-step "Add NameServer" flow; every step validates as the user types. */
async function askForConnection(existing: readonly string[]): Promise<ConnectionArgs | undefined> {
  const total = 4;
  const namesrv = await vscode.window.showInputBox({
    title: `Add NameServer (1/${total})`,
    prompt: 'NameServer addresses: host:port, several separated by ;',
    placeHolder: '127.0.0.1:9876',
    value: existing.length === 0 ? '127.0.0.1:9876' : undefined,
    ignoreFocusOut: true,
    validateInput: validateNamesrvList,
  });
  if (namesrv === undefined) return undefined;
  const normalized = normaliseNamesrvList(namesrv);
  let suggested = normalized.split(';')[0];
  for (let i = 2; existing.includes(suggested); i++) suggested = `${normalized.split(';')[0]} (${i})`;
  const name = await vscode.window.showInputBox({
    title: `Add NameServer (2/${total})`, prompt: 'A name for this connection', value: suggested, ignoreFocusOut: true,
    validateInput: (s) => validateProfileName(s, existing),
  });
  if (name === undefined) return undefined;
  const accessKey = await vscode.window.showInputBox({
    title: `Add NameServer (3/${total})`, prompt: 'ACL AccessKey — leave empty when the cluster has no ACL', ignoreFocusOut: true, validateInput: validateAccessKey,
  });
  if (accessKey === undefined) return undefined;
  let secretKey: string | undefined;
  if (accessKey.trim()) {
    secretKey = await vscode.window.showInputBox({
      title: `Add NameServer (3/${total}) — SecretKey`, prompt: 'ACL SecretKey: kept in VS Code SecretStorage, never in settings', password: true, ignoreFocusOut: true,
      validateInput: (s) => (s ? undefined : 'The SecretKey is needed to sign requests'),
    });
    if (secretKey === undefined) return undefined;
  }
  const prod = await vscode.window.showQuickPick([
    { label: 'Not production', production: false },
    { label: '$(warning) Production', description: 'ask for confirmation before every send', production: true },
  ], { title: `Add NameServer (4/${total})`, placeHolder: 'Is this a production cluster?', ignoreFocusOut: true });
  if (prod === undefined) return undefined;
  return { name: name.trim(), namesrv: normalized, accessKey: accessKey.trim() || undefined, secretKey, production: prod.production };
}
