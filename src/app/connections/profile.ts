/**
 * Connection profiles as kept in the `rocketmq.connections` setting, and their validation.
 * Pure (no `vscode`): the InputBox steps call these as the user types; unit-tested.
 */

/** What the setting holds. Secrets (SecretKey, security token) are never part of it. */
export interface ConnectionProfile {
  name: string;
  namesrv: string;
  namespace?: string;
  accessKey?: string;
  production?: boolean;
  /** Message trace topic of this cluster's clients, when not the default RMQ_SYS_TRACE_TOPIC. */
  traceTopic?: string;
}

/** Secrets kept in SecretStorage, keyed per profile name. */
export interface ConnectionSecrets {
  secretKey?: string;
  securityToken?: string;
}

/** Keys that must never appear in the settings (they are moved to SecretStorage). */
export const SECRET_FIELDS = ['secretKey', 'securityToken', 'SecretKey', 'secret', 'password'] as const;

export function secretStorageKey(profileName: string, field: keyof ConnectionSecrets): string {
  return `rocketmq.connection/${encodeURIComponent(profileName)}/${field}`;
}

const HOST_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Validates `host:port;host:port` as the user types; undefined when fine. */
export function validateNamesrvList(input: string): string | undefined {
  const s = input.trim();
  if (!s) return 'Enter at least one NameServer as host:port, e.g. 127.0.0.1:9876';
  const parts = s.split(/[;,]/).map((p) => p.trim());
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (!p) {
      if (i === parts.length - 1) continue; // a trailing ';' is harmless
      return 'Empty entry between separators: write host:port;host:port';
    }
    if (/^[a-z]+:\/\//i.test(p)) return `"${p}": write host:port without a scheme (NameServers speak RocketMQ's TCP protocol, not HTTP)`;
    const m = /^\[([0-9A-Fa-f:.]+)\]:(\d+)$/.exec(p) ?? /^([^:\s]+):(\d+)$/.exec(p);
    if (!m) return /^[^:\s]+$/.test(p) ? `"${p}" has no port: NameServers usually listen on 9876 (${p}:9876)` : `"${p}" is not host:port`;
    const host = m[1];
    const port = Number(m[2]);
    if (!(port >= 1 && port <= 65535)) return `"${p}": port ${m[2]} is out of range 1–65535`;
    if (!host.includes(':') && !/^\d+\.\d+\.\d+\.\d+$/.test(host) && !HOST_RE.test(host)) return `"${host}" is not a valid host name or IP address`;
    if (/^\d+\.\d+\.\d+\.\d+$/.test(host) && host.split('.').some((o) => Number(o) > 255)) return `"${host}" is not a valid IPv4 address`;
  }
  return undefined;
}

/** Normalises `a:1 ; b:2;` → `a:1;b:2`. */
export function normaliseNamesrvList(input: string): string {
  return input.split(/[;,]/).map((p) => p.trim()).filter(Boolean).join(';');
}

export function validateProfileName(input: string, existing: readonly string[], current?: string): string | undefined {
  const s = input.trim();
  if (!s) return 'Give the connection a name';
  if (s.length > 64) return 'Keep the name under 64 characters';
  if (existing.some((n) => n === s && n !== current)) return `A connection named "${s}" exists already`;
  return undefined;
}

export function validateAccessKey(input: string): string | undefined {
  if (input && /\s/.test(input)) return 'An AccessKey has no spaces';
  return undefined;
}

/** Reads the raw setting value defensively: drops malformed entries and any secret that a user typed there. */
export function readProfiles(raw: unknown): { profiles: ConnectionProfile[]; problems: string[] } {
  const problems: string[] = [];
  const profiles: ConnectionProfile[] = [];
  if (!Array.isArray(raw)) return { profiles, problems: raw === undefined ? [] : ['rocketmq.connections is not a list'] };
  for (const [i, e] of raw.entries()) {
    if (typeof e !== 'object' || e === null) { problems.push(`rocketmq.connections[${i}] is not an object`); continue; }
    const o = e as Record<string, unknown>;
    if (typeof o.name !== 'string' || typeof o.namesrv !== 'string') { problems.push(`rocketmq.connections[${i}] needs "name" and "namesrv" strings`); continue; }
    const bad = validateNamesrvList(o.namesrv);
    if (bad) problems.push(`connection "${o.name}": ${bad}`);
    for (const f of SECRET_FIELDS) if (f in o) problems.push(`connection "${o.name}" has "${f}" in settings; secrets belong in SecretStorage (use "RocketMQ: Edit Connection")`);
    const p: ConnectionProfile = { name: o.name, namesrv: o.namesrv };
    if (typeof o.namespace === 'string' && o.namespace) p.namespace = o.namespace;
    if (typeof o.accessKey === 'string' && o.accessKey) p.accessKey = o.accessKey;
    if (o.production === true) p.production = true;
    if (typeof o.traceTopic === 'string' && o.traceTopic.trim()) p.traceTopic = o.traceTopic.trim();
    profiles.push(p);
  }
  return { profiles, problems };
}

/** The object written to settings: only the documented, non-secret fields. */
export function profileForSettings(p: ConnectionProfile): ConnectionProfile {
  const o: ConnectionProfile = { name: p.name, namesrv: p.namesrv };
  if (p.namespace) o.namespace = p.namespace;
  if (p.accessKey) o.accessKey = p.accessKey;
  if (p.production) o.production = true;
  if (p.traceTopic) o.traceTopic = p.traceTopic;
  return o;
}
