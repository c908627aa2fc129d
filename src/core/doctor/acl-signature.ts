/**
 * ACL 1.0 signature check of a captured request: recompute the Signature with a SecretKey the user
 * gives, the way the client must have signed (the producer's one implementation, src/core/producer/acl.ts:
 * extFields sorted by key, `Signature` left out, values concatenated, then the body; HmacSHA1, Base64),
 * and when it differs, find the one change that explains it: the body not signed, a field added after
 * signing (a proxy, an RPC hook that runs after the signing one), field names put in the string,
 * fields not sorted, `_UNIQUE_KEY_QUERY` (which 4.9 brokers leave out). When no single change
 * explains it, the SecretKey is the likely difference.
 *
 * The secret never leaves this function: the result holds signatures and the canonical string only.
 */
import { calSignature, signatureContent } from '../producer/acl';
import { decodeFrame, RemotingCommand } from '../remoting';
import { InputError } from '../errors';

/** The field 4.9 brokers (and 5.x for clients up to 4.9.3) leave out of the string they verify. */
export const UNIQUE_KEY_QUERY = '_UNIQUE_KEY_QUERY';

export type SignatureCause =
  /** The signature matches. */
  | 'match'
  /** It matches a signature over the fields only: the signer left the body out. */
  | 'body-not-signed'
  /** It matches when this field is left out: the field was added (or renamed) after signing. */
  | 'field-added'
  /** It matches when `_UNIQUE_KEY_QUERY` is left out: signed the way 4.9 brokers verify, not the client way (or the other way round). */
  | 'unique-key-query'
  /** It matches a string with `key=value`-style names in it, or in wire order: a hand-written signer. */
  | 'keys-in-string'
  | 'not-sorted'
  /** It matches the request signed with the ACL 1.0 header fields only (AccessKey, SecurityToken) left out. */
  | 'credentials-not-signed'
  /** Nothing single explains it. */
  | 'secret';

export interface CanonicalPart {
  key: string;
  value: string;
}

export interface SignatureCheck {
  accessKey: string;
  /** Whether the request carries a SecurityToken (it is signed like any other field). */
  securityToken: boolean;
  /** The Signature in the request. */
  signature: string;
  /** The Signature recomputed with the given SecretKey over the canonical string. */
  expected: string;
  match: boolean;
  /** The signed fields in signing order (sorted by key as Java's TreeMap sorts, Signature left out). */
  parts: CanonicalPart[];
  /** The body's length (signed after the fields), 0 for none. */
  bodyLength: number;
  /** The canonical string: the values concatenated, then the body as UTF-8 (binary bytes show as U+FFFD). */
  canonical: string;
  cause: SignatureCause;
  /** The field that explains a mismatch ('field-added'). */
  field?: string;
  /** One sentence a user reads: match, or which field makes them differ, or that the secret likely differs. */
  explanation: string;
  /** How many alternative signings were tried to explain a mismatch. */
  tried: number;
}

/** Why a request cannot be checked (not signed, no extFields); a typed message, never a secret. */
export class SignatureCheckError extends InputError {
  override readonly name = 'SignatureCheckError';
  readonly kind = 'signature-check' as const;
}

/** Java String.compareTo order (UTF-16 code units), as TreeMap sorts. */
const javaCompare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** True when the extFields carry an ACL 1.0 signature (AccessKey and Signature). */
export function isSignedRequest(extFields: Readonly<Record<string, string>> | null | undefined): boolean {
  return !!extFields && typeof extFields.Signature === 'string' && typeof extFields.AccessKey === 'string';
}

/**
 * Checks the request's Signature against `secretKey`. Throws SignatureCheckError for a request that is
 * not signed, and for an empty secret.
 */
export function checkSignature(extFields: Readonly<Record<string, string>> | null | undefined, body: Uint8Array | null, secretKey: string): SignatureCheck {
  if (!extFields || !isSignedRequest(extFields)) throw new SignatureCheckError('the request is not signed: it has no AccessKey and Signature extFields');
  if (!secretKey) throw new SignatureCheckError('the SecretKey is empty');
  const signature = extFields.Signature;
  const fields = { ...extFields };
  const content = signatureContent(fields, body);
  const expected = calSignature(content, secretKey);
  const keys = Object.keys(fields).filter((k) => k !== 'Signature').sort(javaCompare);
  const bodyLength = body ? body.length : 0;
  const base = {
    accessKey: extFields.AccessKey, securityToken: typeof extFields.SecurityToken === 'string', signature, expected,
    parts: keys.map((key) => ({ key, value: fields[key] })), bodyLength, canonical: Buffer.from(content).toString('utf8'),
  };
  if (expected === signature) return { ...base, match: true, cause: 'match', explanation: 'The signature matches: the request was signed with this SecretKey over exactly these fields and body.', tried: 0 };

  // one change at a time, the likeliest first
  let tried = 0;
  const same = (data: Uint8Array | string): boolean => { tried++; return calSignature(data, secretKey) === signature; };
  const without = (k: string): Record<string, string> => { const o = { ...fields }; delete o[k]; return o; };
  const found = (cause: SignatureCause, explanation: string, field?: string): SignatureCheck => ({ ...base, match: false, cause, field, explanation, tried });

  if (bodyLength && same(signatureContent(fields, null))) {
    return found('body-not-signed', `Mismatch: the signature was computed over the fields without the body (${bodyLength} bytes): the signer left the body out of the canonical string.`);
  }
  if (fields[UNIQUE_KEY_QUERY] !== undefined && same(signatureContent(without(UNIQUE_KEY_QUERY), body))) {
    return found('unique-key-query', `Mismatch: the signature leaves out ${UNIQUE_KEY_QUERY}, as a 4.9 broker verifies it; a client signs every extField.`, UNIQUE_KEY_QUERY);
  }
  for (const k of keys) {
    if (same(signatureContent(without(k), body))) {
      const how = k === 'AccessKey' || k === 'SecurityToken'
        ? `${k} was not part of the signed string: the signer added it after computing the signature`
        : `the field "${k}" was not signed: it was added or changed after signing (by a proxy, an RPC hook running after the ACL hook, or a client that signs before setting it)`;
      return found('field-added', `Mismatch: ${how}.`, k);
    }
  }
  if (fields.SecurityToken !== undefined) {
    const bare = without('AccessKey');
    delete bare.SecurityToken;
    if (same(signatureContent(bare, body))) {
      return found('credentials-not-signed', 'Mismatch: AccessKey and SecurityToken were not part of the signed string: the signer added the credentials after computing the signature.');
    }
  }
  const head = (s: string) => (body && bodyLength ? Buffer.concat([Buffer.from(s, 'utf8'), body]) : Buffer.from(s, 'utf8'));
  if (same(head(keys.map((k) => `${k}${fields[k]}`).join(''))) || same(head(keys.map((k) => `${k}=${fields[k]}`).join('&')))) {
    return found('keys-in-string', 'Mismatch: the signer put the field names into the canonical string; ACL 1.0 signs the values only (sorted by key), then the body.');
  }
  const wire = Object.keys(fields).filter((k) => k !== 'Signature');
  if (wire.join('\u0000') !== keys.join('\u0000') && same(head(wire.map((k) => fields[k]).join('')))) {
    return found('not-sorted', 'Mismatch: the signer concatenated the fields in the order they were sent instead of sorted by key.');
  }
  return found('secret', `Mismatch: no single field explains it: the SecretKey likely differs from the one that signed the request (${tried} other signings tried: the body left out, each field left out, names in the string, wire order).`);
}

/** A captured frame as the check reads it: decoded in full (a frame with missing bytes cannot be checked). */
export function signedRequestOf(frame: Uint8Array, what = 'the frame'): RemotingCommand & { extFields: Record<string, string> } {
  let cmd: RemotingCommand;
  try { cmd = decodeFrame(frame, { maxFrameLength: 0x7fffffff }); } catch (e) { throw new SignatureCheckError(`${what} does not decode: ${e instanceof Error ? e.message : String(e)}`); }
  if (cmd.flag & 1) throw new SignatureCheckError(`${what} is a response: only requests are signed`);
  if (!isSignedRequest(cmd.extFields)) throw new SignatureCheckError(`${what} is not signed: it has no AccessKey and Signature extFields`);
  return cmd as RemotingCommand & { extFields: Record<string, string> };
}

/** Control characters (the properties' \u0001 and \u0002 separators) made visible, for text a terminal or a pane shows. */
export function visibleText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The check as lines of text (the CLI's answer): verdict, both signatures, the signed fields in order, the body. */
export function formatSignatureCheck(r: SignatureCheck, what: string, names: Readonly<Record<string, string>> = {}): string[] {
  const out = [
    `${what}: signature ${r.match ? 'MATCH' : 'MISMATCH'} (AccessKey ${r.accessKey}${r.securityToken ? ', with a SecurityToken' : ''})`,
    r.explanation,
    `  in the request: ${r.signature}`,
    `  recomputed:     ${r.expected}`,
    'canonical string (values of the extFields sorted by key, Signature left out, then the body):',
  ];
  for (const p of r.parts) out.push(`  ${(names[p.key] ? `${names[p.key]} (${p.key})` : p.key).padEnd(28)} ${visibleText(p.value)}${r.field === p.key ? '   <- not signed' : ''}`);
  out.push(`  ${'body'.padEnd(28)} ${r.bodyLength} bytes${r.cause === 'body-not-signed' ? '   <- not signed' : ''}`);
  return out;
}
