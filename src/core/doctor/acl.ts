/**
 * Which ACL refusal an answer is (no imports: the error hierarchy in src/core/errors.ts classifies
 * with it too, so "is this an ACL failure" has one answer everywhere).
 */
/** Which ACL refusal: from the code and the broker's remark (4.x ACL 1.0 and 5.x ACL 2.0 remarks). */
export type AclRefusal = 'signature' | 'unknown-access-key' | 'no-credentials' | 'no-permission' | 'other';

/**
 * The kind of an ACL refusal, or null when the answer is not one. 4.9 brokers answer SYSTEM_ERROR with
 * the AclException's text, 5.x NO_PERMISSION with the authentication or authorization message.
 */
export function aclRefusal(codeName: string, remark: string | null): AclRefusal | null {
  const r = remark ?? '';
  // NO_PERMISSION is also the broker's own permission bits ("the topic[T] sending message is forbidden"): not ACL
  if (/sending message is forbidden|is forbidden/.test(r)) return null;
  if (/check signature failed|signature-failed/i.test(r)) return 'signature';
  if (/No acl config for|User:\S* (is )?not found|The user is not exist/i.test(r)) return 'unknown-access-key';
  if (/No accessKey is configured|username cannot be null|accesskey is null or empty/i.test(r)) return 'no-credentials';
  if (/No default permission for|No permission for|has no permission to access|Need admin permission|is not in global white/i.test(r)) return 'no-permission';
  if (/AclException|AuthenticationException|AuthorizationException/.test(r)) return 'other';
  if (/ACCESS|ACL|SIGNATURE|AUTH|NO_PERMISSION/.test(codeName)) return 'other';
  return null;
}

