// `acl-check FILE#N`: the real CLI on a capture of signed requests (test/support/inspector/acl-fixtures.ts):
// exit codes, the verdict and the field named, the SecretKey read from an environment variable or stdin
// only, and never printed.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { aclCapture, ACL_SECRET } from '../../support/inspector/acl-fixtures';

const cli = path.join(__dirname, '../../../src/cli/main.js');

test('acl-check: match exits 0, a wrong secret and a field added after signing exit 1 and say why; the secret comes from env or stdin and is never printed', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acl-check-'));
  try {
    const cap = aclCapture();
    const file = path.join(dir, 'acl.pcapng');
    fs.writeFileSync(file, cap.bytes);
    const run = (args: string[], input?: string) => spawnSync(process.execPath, [cli, 'acl-check', ...args], { encoding: 'utf8', timeout: 60_000, input, env: { ...process.env, RMQ_SK: ACL_SECRET } });

    const good = run([`${file}#${cap.frames.good}`, '--secret-key-env', 'RMQ_SK']);
    assert.equal(good.status, 0, good.stderr);
    assert.match(good.stdout, /signature MATCH \(AccessKey rmq_user\)/);
    assert.match(good.stdout, /AccessKey\s+rmq_user/);
    assert.match(good.stdout, /properties \(i\)\s+UNIQ_KEY\\u00017F00/, 'the properties separators are shown escaped');

    const wrong = run([`${file}#${cap.frames.wrong}`, '--secret-key-stdin'], `${ACL_SECRET}\n`);
    assert.equal(wrong.status, 1, wrong.stderr);
    assert.match(wrong.stdout, /signature MISMATCH/);
    assert.match(wrong.stdout, /no single field explains it.*SecretKey likely differs/);

    const proxied = run([`${file}#${cap.frames.proxied}`, '--secret-key-env', 'RMQ_SK', '--json']);
    assert.equal(proxied.status, 1, proxied.stderr);
    const j = JSON.parse(proxied.stdout) as { match: boolean; cause: string; field: string; frame: number };
    assert.deepEqual([j.match, j.cause, j.field, j.frame], [false, 'field-added', 'traceOn', cap.frames.proxied]);

    const plainFirst = run([`${file}#${cap.frames.good}`, '--secret-key', ACL_SECRET]);
    for (const r of [good, wrong, proxied, plainFirst]) assert.equal((r.stdout + r.stderr).includes(ACL_SECRET), false, 'the secret is never printed');

    const unsigned = run([`${file}#${cap.frames.unsigned}`, '--secret-key-env', 'RMQ_SK']);
    assert.equal(unsigned.status, 2);
    assert.match(unsigned.stderr, new RegExp(`frame ${cap.frames.unsigned} is not signed`));
    const response = run([`${file}#${cap.frames.refusal}`, '--secret-key-env', 'RMQ_SK']);
    assert.equal(response.status, 2);
    assert.match(response.stderr, /is a response/);
    // a secret on the command line is not an option: refused before anything is read
    const plain = run([`${file}#${cap.frames.good}`, '--secret-key', ACL_SECRET]);
    assert.equal(plain.status, 2);
    const noEnv = run([`${file}#${cap.frames.good}`, '--secret-key-env', 'RMQ_UNSET_VARIABLE']);
    assert.equal(noEnv.status, 2);
    assert.match(noEnv.stderr, /RMQ_UNSET_VARIABLE is not set/);
    const past = run([`${file}#99`, '--secret-key-env', 'RMQ_SK']);
    assert.equal(past.status, 2);
    assert.match(past.stderr, /no frame 99/);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});
