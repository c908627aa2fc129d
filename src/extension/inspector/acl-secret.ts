/**
 * The SecretKey for the inspector's ACL signature check, per AccessKey: a capture is not tied to a
 * connection profile, but a signature is tied to an account, so the key is the account's AccessKey.
 * In order: the SecretKey saved for that AccessKey by an earlier check, else the SecretKey of a
 * connection profile with that AccessKey (the question "is my profile's secret the one that signed
 * this?" is answered without typing), else an input box (password: true), saved in SecretStorage for
 * the next check. "Use another SecretKey…" asks again and replaces the saved one. Never in settings,
 * never logged, never sent to the webview (the check's result holds signatures only).
 */
import * as vscode from 'vscode';
import { readProfiles, secretStorageKey } from '../../app/connections/profile';

/** SecretStorage key of the SecretKey saved for an AccessKey by the signature check. */
export function signatureCheckSecretKey(accessKey: string): string {
  return `rocketmq.signatureCheck/${encodeURIComponent(accessKey)}/secretKey`;
}

/** Test hook state: the prompts shown (title and whether the input is masked), and answers queued for the next prompts. */
export const prompts: { title: string; password: boolean }[] = [];
const answers: (string | undefined)[] = [];
export function queueSecretAnswer(value: string | undefined): void { answers.push(value); }

export async function aclSecretKey(secrets: vscode.SecretStorage, accessKey: string, ask: boolean): Promise<{ secretKey: string; source: string } | null> {
  const key = signatureCheckSecretKey(accessKey);
  if (!ask) {
    const saved = await secrets.get(key);
    if (saved) return { secretKey: saved, source: `the SecretKey saved for AccessKey ${accessKey}` };
    const { profiles } = readProfiles(vscode.workspace.getConfiguration('rocketmq').get<unknown>('connections'));
    for (const p of profiles) {
      if (p.accessKey !== accessKey) continue;
      const sk = await secrets.get(secretStorageKey(p.name, 'secretKey'));
      if (sk) return { secretKey: sk, source: `the SecretKey of connection "${p.name}"` };
    }
  }
  const options: vscode.InputBoxOptions = {
    title: `SecretKey for AccessKey ${accessKey}`,
    prompt: 'Recomputes the captured request\'s signature. Kept in VS Code SecretStorage for this AccessKey, never in settings.',
    password: true,
    ignoreFocusOut: true,
  };
  prompts.push({ title: options.title!, password: options.password === true });
  const entered = answers.length ? answers.shift() : await vscode.window.showInputBox(options);
  if (!entered) return null;
  await secrets.store(key, entered);
  return { secretKey: entered, source: `the SecretKey entered for AccessKey ${accessKey} (saved in SecretStorage)` };
}
