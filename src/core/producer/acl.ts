/**
 * ACL request signing (docs/protocol.md §6), as Java's `AclClientRPCHook` (4.9.4+ "sign all extFields").
 */
import { createHmac } from 'node:crypto';
import type { RemotingCommand } from '../remoting';

export interface AclCredentials {
  accessKey: string;
  secretKey: string;
  securityToken?: string;
}

/** HmacSHA1(data, key) → standard Base64 with padding (Java `AclSigner.calSignature`). */
export function calSignature(data: Uint8Array | string, secretKey: string): string {
  if (!secretKey) throw new Error('ACL secret key is empty: the JCE rejects an empty HMAC key');
  return createHmac('sha1', Buffer.from(secretKey, 'utf8')).update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).digest('base64');
}

/** Java String.compareTo order (UTF-16 code units), which is what TreeMap uses. */
function javaCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The bytes that get signed: sorted extFields values (no keys, no separators, `Signature` skipped) + body. */
export function signatureContent(extFields: Readonly<Record<string, string>>, body: Uint8Array | null): Buffer {
  const keys = Object.keys(extFields).filter((k) => k !== 'Signature').sort(javaCompare);
  let s = '';
  for (const k of keys) {
    const v = extFields[k];
    if (v !== undefined && v !== null) s += v;
  }
  const head = Buffer.from(s, 'utf8');
  return body && body.length ? Buffer.concat([head, body]) : head;
}

/** Adds AccessKey (+SecurityToken) and Signature to the command's extFields, in place. */
export function signRequest(cmd: RemotingCommand, cred: AclCredentials): RemotingCommand {
  const ext: Record<string, string> = { ...(cmd.extFields ?? {}) };
  ext.AccessKey = cred.accessKey;
  if (cred.securityToken) ext.SecurityToken = cred.securityToken;
  delete ext.Signature;
  ext.Signature = calSignature(signatureContent(ext, cmd.body), cred.secretKey);
  cmd.extFields = ext;
  return cmd;
}
