// The inspector's signature check through the session's real endpoint (the webview's path): the
// request validator, the SecretKey asked of the host once per check (never in the answer), the
// verdicts for each frame of the ACL fixture, and the doctor's signature finding pointing at the
// refused request ("Check the signature of frame N").
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSource, InspectorSession } from '../../../src/app/inspector/session';
import { HOST_VALIDATORS } from '../../../src/shared/inspector-protocol';
import { ask, call, emit, RecordingHost } from '../../support/inspector/session-host';
import { aclCapture, ACL_ACCESS_KEY, ACL_SECRET } from '../../support/inspector/acl-fixtures';

class SecretHost extends RecordingHost {
  readonly asked: { accessKey: string; ask: boolean }[] = [];
  secret: string | null = ACL_SECRET;
  async aclSecretKey(accessKey: string, askAgain: boolean): Promise<{ secretKey: string; source: string } | null> {
    this.asked.push({ accessKey, ask: askAgain });
    return this.secret === null ? null : { secretKey: this.secret, source: 'test' };
  }
}

test('checkSignature validator: a frame number and an optional askSecret flag, nothing else', () => {
  const v = HOST_VALIDATORS.requests.checkSignature;
  assert.deepEqual(v({ frame: 3 }), { frame: 3 });
  assert.deepEqual(v({ frame: 3, askSecret: true }), { frame: 3, askSecret: true });
  assert.deepEqual(v({ frame: 3, askSecret: false }), { frame: 3 });
  for (const bad of [{}, { frame: -1 }, { frame: 1.5 }, { frame: 3, askSecret: 'yes' }, { frame: 3, secretKey: 'x' }, null, 'frame'] as unknown[]) assert.equal(v(bad), null, JSON.stringify(bad));
});

test('the inspector checks a signed request: match, mismatch (secret / a field added after signing), refusals for unsigned and response frames; the doctor offers the check on the refused request', async () => {
  const cap = aclCapture();
  const file = join(mkdtempSync(join(tmpdir(), 'sig-check-')), 'acl.pcapng');
  writeFileSync(file, cap.bytes);
  const host = new SecretHost();
  const session = new InspectorSession(fileSource(file, 'acl.pcapng'), host);
  try {
    await emit(session, 'ready');
    await session.source.done;
    const good = await call(session, host, 'checkSignature', { frame: cap.frames.good });
    assert.ok(good);
    assert.deepEqual([good.match, good.cause, good.accessKey, good.secretSource], [true, 'match', ACL_ACCESS_KEY, 'test']);
    assert.ok(good.parts.some((p) => p.key === 'b' && p.name === 'topic' && p.value === 'AclTopic'), 'short keys of SEND_MESSAGE_V2 carry their real names');
    assert.match(good.canonical, /\\u0001/, 'control characters are visible');
    const wrong = await call(session, host, 'checkSignature', { frame: cap.frames.wrong });
    assert.deepEqual([wrong!.match, wrong!.cause], [false, 'secret']);
    assert.match(wrong!.explanation, /no single field explains it: the SecretKey likely differs/);
    const proxied = await call(session, host, 'checkSignature', { frame: cap.frames.proxied, askSecret: true });
    assert.deepEqual([proxied!.cause, proxied!.field], ['field-added', 'traceOn']);
    assert.deepEqual(host.asked, [{ accessKey: ACL_ACCESS_KEY, ask: false }, { accessKey: ACL_ACCESS_KEY, ask: false }, { accessKey: ACL_ACCESS_KEY, ask: true }]);
    for (const m of host.posted) assert.equal(JSON.stringify(m).includes(ACL_SECRET), false, 'the secret never goes to the webview');
    for (const m of host.logs) assert.equal(m.includes(ACL_SECRET), false, 'the secret is never logged');

    host.secret = null;
    assert.equal(await call(session, host, 'checkSignature', { frame: cap.frames.good }), null, 'no SecretKey given: null, nothing checked');
    const unsigned = await ask(session, host, 'checkSignature', { frame: cap.frames.unsigned });
    assert.equal(unsigned.kind, 'error');
    assert.match(JSON.stringify(unsigned), new RegExp(`frame ${cap.frames.unsigned} is not signed`));
    assert.match(JSON.stringify(await ask(session, host, 'checkSignature', { frame: cap.frames.refusal })), /is a response/);
    assert.match(JSON.stringify(await ask(session, host, 'checkSignature', { frame: 999 })), /no frame 999/);
    assert.equal(host.asked.length, 4, 'no SecretKey is asked for a frame that cannot be checked');

    const summary = await call(session, host, 'getSummary', {});
    const f = summary.doctor!.findings.find((x) => x.id.startsWith('acl-refused:signature:'));
    assert.ok(f, summary.doctor!.findings.map((x) => x.id).join(', '));
    assert.equal(f.signedRequest, cap.frames.wrong);
    assert.match(f.fix, /Check signature/);
    assert.ok(summary.doctor!.findings.every((x) => x === f || x.signedRequest === undefined), 'only signature refusals offer the check');
  } finally { session.dispose(); }
});
