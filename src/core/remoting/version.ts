/**
 * `version` in a RemotingCommand is the ordinal of Java's `MQVersion.Version` enum (docs/protocol.md §1.8).
 * The enum is regular enough to rebuild here instead of copying 613 names; tests pin the anchors
 * (0 → V3_0_0_SNAPSHOT, V4_a_b = 213 + 20a + 2b, V5_a_b = 413 + 20a + 2b, 612 → HIGHER_VERSION).
 */
function buildVersionNames(): string[] {
  const names = ['V3_0_0_SNAPSHOT', 'V3_0_0_ALPHA1', 'V3_0_0_BETA1', 'V3_0_0_BETA2', 'V3_0_0_BETA3', 'V3_0_0_BETA4', 'V3_0_0_BETA5'];
  for (let beta = 6; beta <= 9; beta++) names.push(`V3_0_0_BETA${beta}_SNAPSHOT`, `V3_0_0_BETA${beta}`);
  names.push('V3_0_0_FINAL');
  const pair = (v: string) => names.push(`${v}_SNAPSHOT`, v);
  for (let patch = 1; patch <= 15; patch++) pair(`V3_0_${patch}`);
  for (const minor of [1, 2]) for (let patch = 0; patch <= 9; patch++) pair(`V3_${minor}_${patch}`);
  for (let minor = 3; minor <= 9; minor++) for (let patch = 1; patch <= 9; patch++) pair(`V3_${minor}_${patch}`);
  for (const major of [4, 5]) for (let minor = 0; minor <= 9; minor++) for (let patch = 0; patch <= 9; patch++) pair(`V${major}_${minor}_${patch}`);
  names.push('HIGHER_VERSION');
  return names;
}

const VERSION_NAMES: readonly string[] = buildVersionNames();

/** Java's `MQVersion.getVersionDesc`: values past the end read as HIGHER_VERSION. */
export function versionName(ordinal: number): string {
  if (!Number.isInteger(ordinal) || ordinal < 0) return `UNKNOWN(${ordinal})`;
  return VERSION_NAMES[Math.min(ordinal, VERSION_NAMES.length - 1)];
}

export function versionOrdinal(name: string): number | undefined {
  const i = VERSION_NAMES.indexOf(name);
  return i < 0 ? undefined : i;
}

export const VERSION_COUNT = VERSION_NAMES.length;
/** The version our client announces: 5.3.3, so NameServers send standard JSON routes (≥ V4_9_4). */
export const DEFAULT_CLIENT_VERSION = 479;
