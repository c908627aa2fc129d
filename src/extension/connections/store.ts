/**
 * Connection profiles: the `rocketmq.connections` setting (machine scope, no secrets), SecretStorage
 * for the SecretKey and security token, the active profile, and one live session per profile.
 */
import * as vscode from 'vscode';
import { Log } from './log';
import { ConnectionProfile, ConnectionSecrets, profileForSettings, readProfiles, secretStorageKey } from '../../app/connections/profile';
import { ConnectionSession } from '../../app/connections/session';
import { ownTraffic } from '../inspector';

const ACTIVE_KEY = 'rocketmq.activeConnection';

export class ConnectionStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when profiles, secrets or the active profile change. */
  readonly onDidChange = this.changed.event;
  private readonly sessions = new Map<string, Promise<ConnectionSession>>();
  /** The profile (as JSON) each session was made from. */
  private readonly sessionProfiles = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];
  private reportedProblems = '';

  constructor(private readonly context: vscode.ExtensionContext, private readonly log: Log) {
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('rocketmq.connections') || e.affectsConfiguration('rocketmq.requestTimeoutMs')) {
        // Only sessions whose profile changed are recreated: requests of the others keep running.
        void this.resetSessions((name) => e.affectsConfiguration('rocketmq.requestTimeoutMs') || this.sessionProfiles.get(name) !== JSON.stringify(this.get(name) ?? null));
        this.changed.fire();
      }
    }));
    this.disposables.push(context.secrets.onDidChange((e) => {
      if (e.key.startsWith('rocketmq.connection/')) {
        const name = decodeURIComponent(e.key.split('/')[1] ?? '');
        void this.resetSessions((n) => n === name);
        this.changed.fire();
      }
    }));
  }

  list(): ConnectionProfile[] {
    const raw = vscode.workspace.getConfiguration('rocketmq').get<unknown>('connections');
    const { profiles, problems } = readProfiles(raw);
    const text = problems.join('\n');
    if (text && text !== this.reportedProblems) for (const p of problems) this.log.warn(`settings: ${p}`);
    this.reportedProblems = text;
    return profiles;
  }

  get(name: string): ConnectionProfile | undefined {
    return this.list().find((p) => p.name === name);
  }

  activeName(): string | undefined {
    const profiles = this.list();
    const stored = this.context.globalState.get<string>(ACTIVE_KEY);
    if (stored && profiles.some((p) => p.name === stored)) return stored;
    return profiles[0]?.name;
  }

  active(): ConnectionProfile | undefined {
    const n = this.activeName();
    return n === undefined ? undefined : this.get(n);
  }

  async setActive(name: string): Promise<void> {
    await this.context.globalState.update(ACTIVE_KEY, name);
    this.changed.fire();
  }

  private async write(profiles: ConnectionProfile[]): Promise<void> {
    // Machine-scoped setting: user (global) settings of this machine, never workspace files.
    await vscode.workspace.getConfiguration('rocketmq').update('connections', profiles.map(profileForSettings), vscode.ConfigurationTarget.Global);
  }

  /** Adds or replaces (by `previousName`, else by name) a profile and stores its secrets. */
  async upsert(profile: ConnectionProfile, secrets: ConnectionSecrets | undefined, previousName?: string): Promise<void> {
    const list = this.list();
    const at = list.findIndex((p) => p.name === (previousName ?? profile.name));
    if (at >= 0) list[at] = profile; else list.push(profile);
    if (previousName && previousName !== profile.name) {
      const old = await this.getSecrets(previousName);
      await this.deleteSecrets(previousName);
      if (!secrets) secrets = old;
      if (this.context.globalState.get<string>(ACTIVE_KEY) === previousName) await this.context.globalState.update(ACTIVE_KEY, profile.name);
    }
    if (secrets) await this.setSecrets(profile.name, secrets);
    await this.write(list);
    await this.resetSessions((n) => n === profile.name || n === previousName);
    this.changed.fire();
  }

  async remove(name: string): Promise<void> {
    await this.write(this.list().filter((p) => p.name !== name));
    await this.deleteSecrets(name);
    if (this.context.globalState.get<string>(ACTIVE_KEY) === name) await this.context.globalState.update(ACTIVE_KEY, undefined);
    await this.resetSessions((n) => n === name);
    this.changed.fire();
  }

  async getSecrets(name: string): Promise<ConnectionSecrets> {
    const [secretKey, securityToken] = await Promise.all([
      this.context.secrets.get(secretStorageKey(name, 'secretKey')),
      this.context.secrets.get(secretStorageKey(name, 'securityToken')),
    ]);
    const s: ConnectionSecrets = {};
    if (secretKey) s.secretKey = secretKey;
    if (securityToken) s.securityToken = securityToken;
    return s;
  }

  async setSecrets(name: string, s: ConnectionSecrets): Promise<void> {
    for (const field of ['secretKey', 'securityToken'] as const) {
      const v = s[field];
      if (v) await this.context.secrets.store(secretStorageKey(name, field), v);
      else await this.context.secrets.delete(secretStorageKey(name, field));
    }
  }

  async deleteSecrets(name: string): Promise<void> {
    await this.context.secrets.delete(secretStorageKey(name, 'secretKey'));
    await this.context.secrets.delete(secretStorageKey(name, 'securityToken'));
  }

  /** The live session of a profile (created on first use, recreated after the profile changes). */
  session(name: string): Promise<ConnectionSession> {
    let s = this.sessions.get(name);
    if (!s) {
      const profile = this.get(name);
      if (!profile) return Promise.reject(new Error(`no RocketMQ connection named "${name}"`));
      const timeout = vscode.workspace.getConfiguration('rocketmq').get<number>('requestTimeoutMs', 3000);
      s = this.getSecrets(name).then((secrets) => new ConnectionSession(profile, secrets, timeout, ownTraffic));
      this.sessions.set(name, s);
      this.sessionProfiles.set(name, JSON.stringify(profile));
      s.catch(() => this.sessions.delete(name));
    }
    return s;
  }

  /** Disposes the sessions `which` selects (default: all); the next use creates fresh ones. */
  async resetSessions(which: (name: string) => boolean = () => true): Promise<void> {
    const gone: Promise<ConnectionSession>[] = [];
    for (const [name, p] of [...this.sessions]) {
      if (!which(name)) continue;
      this.sessions.delete(name);
      this.sessionProfiles.delete(name);
      gone.push(p);
    }
    await Promise.all(gone.map((p) => p.then((s) => s.dispose(), () => undefined)));
  }

  dispose(): void {
    void this.resetSessions();
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}
