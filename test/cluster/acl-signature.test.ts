// The ACL signature check (src/core/doctor/acl-signature.ts) against Java and against real
// ACL-enabled brokers, 4.9.7 and 5.3.3:
// - Java's own signer (AclClientRPCHook, test/support/java/rmqtest/AclSignRef.java) signs requests of
//   every shape whose bytes sign differently; our canonical string equals what Java's AclUtils builds
//   for the broker's check, our signature equals the hook's, and the check says "match" on Java's
//   requests (and "the secret likely differs" with another secret);
// - a real broker with ACL on refuses a send signed with a wrong secret; dumpcap records it; the check
//   with the right secret says "mismatch" and names the secret as the cause, says "match" for the
//   accepted send in the same capture, and the doctor's signature finding points at the refused request.
import { describe, before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { prepareJava, runJava, startCluster, RunningCluster } from '../support/cluster';
import { captureScenario } from '../support/doctor/real';
import { Producer } from '../../src/core/producer';
import { calSignature, signatureContent } from '../../src/core/producer';
import { checkSignature, signedRequestOf } from '../../src/core/doctor';
import { readFrameBytes } from '../../src/core/capture';
import { Message, encodeProperties } from '../../src/core/message';
import { RequestCode, ResponseCode } from '../../src/core/remoting';

const ADMIN = { accessKey: 'rmq_admin', secretKey: 'admin-secret-0001', admin: true };
const USER = { accessKey: 'rmq_user', secretKey: 'user-secret-0002', defaultTopicPerm: 'PUB|SUB', defaultGroupPerm: 'PUB|SUB' };

interface Case { name: string; ak: string; sk: string; token?: string; body: Buffer | null; fields: Record<string, string> }

const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');

const CASES: Case[] = [
  { name: 'send-v2', ak: 'rmq_user', sk: 'user-secret-0002', body: Buffer.from('hello'), fields: { a: 'pg', b: 'TopicA', c: 'TBW102', d: '4', e: '0', f: '0', g: '1700000000000', h: '0', i: encodeProperties({ UNIQ_KEY: 'ABC', TAGS: 'TagA', KEYS: 'k1 k2' }), j: '0', k: 'false' } },
  { name: 'no-body', ak: 'ak', sk: 'sk-1', body: null, fields: { topic: 'T', consumerGroup: 'G' } },
  { name: 'empty-body', ak: 'ak', sk: 'sk-1', body: Buffer.alloc(0), fields: { topic: 'T' } },
  { name: 'binary-body', ak: 'ak', sk: 'sk-1', body: Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 0x0a]), fields: { topic: 'T' } },
  { name: 'unicode', ak: 'ключ', sk: 'секрет-é', body: Buffer.from('тело ✓ 😀'), fields: { topic: 'Тема', Zeta: 'Z', alpha: 'ä', _x: '_' } },
  { name: 'token', ak: 'ak', sk: 'sk-2', token: 'session-token-1', body: Buffer.from('with token'), fields: { topic: 'T', queueId: '1' } },
  { name: 'no-fields', ak: 'ak', sk: 'sk-3', body: Buffer.from('x'), fields: {} },
];

for (const version of ['4.9', '5.3'] as const) {
  describe(`ACL signature check on RocketMQ ${version}`, () => {
    test(`our canonical string and signature equal Java's AclClientRPCHook / AclUtils (${version}); the check says match on Java's requests`, async () => {
      const env = await prepareJava(version, (l) => console.error(`[java ${version}] ${l}`));
      const input = CASES.map((c) => [c.name, hex(c.ak), hex(c.sk), c.token === undefined ? '-' : hex(c.token), c.body === null ? '-' : c.body.toString('hex'),
        Object.entries(c.fields).map(([k, v]) => `${k}=${hex(v)}`).join(',')].join('\t')).join('\n') + '\n';
      const r = await runJava(env, 'rmqtest.AclSignRef', [], input);
      assert.equal(r.code, 0, `AclSignRef exited ${r.code}: ${r.stderr.slice(-2000)}`);
      const lines = r.stdout.split('\n').filter((l) => l.includes('\t'));
      assert.equal(lines.length, CASES.length, r.stdout + r.stderr.slice(-2000));
      for (const [k, line] of lines.entries()) {
        const c = CASES[k];
        const [name, fieldsText, clientSig, contentHex, brokerSig] = line.split('\t');
        assert.equal(name, c.name);
        const ext: Record<string, string> = {};
        for (const kv of fieldsText.split(',')) { const eq = kv.indexOf('='); ext[kv.slice(0, eq)] = Buffer.from(kv.slice(eq + 1), 'hex').toString('utf8'); }
        assert.equal(ext.AccessKey, c.ak, c.name);
        assert.equal(ext.SecurityToken, c.token, c.name);
        assert.equal(ext.Signature, clientSig);
        // the canonical bytes: ours from the signed extFields, Java's as the broker builds them
        assert.equal(signatureContent(ext, c.body).toString('hex'), contentHex, `${c.name}: canonical string`);
        assert.equal(calSignature(signatureContent(ext, c.body), c.sk), clientSig, `${c.name}: signature`);
        assert.equal(brokerSig, clientSig, `${c.name}: Java's broker side agrees with its client side`);
        const check = checkSignature(ext, c.body, c.sk);
        assert.equal(check.match, true, `${c.name}: ${check.explanation}`);
        assert.equal(check.expected, clientSig);
        assert.equal(Buffer.from(check.canonical, 'utf8').toString('hex'), c.name === 'binary-body' ? Buffer.from(Buffer.from(contentHex, 'hex').toString('utf8')).toString('hex') : contentHex);
        const other = checkSignature(ext, c.body, `${c.sk}-other`);
        assert.deepEqual([other.match, other.cause], [false, 'secret'], c.name);
      }
    });

    describe(`a real ${version} broker with ACL on`, () => {
      let c: RunningCluster;
      const topic = `AclSig_${version.replace('.', '')}_${Date.now()}`;
      before(async () => {
        c = await startCluster({ version, brokerNames: ['broker-sig'], acl: { accounts: [ADMIN, USER] } });
        await c.createTopic(topic, { queues: 1 });
      });
      after(async () => { await c?.stop(); });

      test('a send signed with a wrong secret is refused and captured; the check with the right secret says mismatch (the secret), the accepted send says match, the doctor points at the refused request', async () => {
        const producers: Producer[] = [];
        const outcome = new Map<string, unknown>();
        const cap = await captureScenario(c, `aclsig${version}`, [], async () => {
          for (const [name, secretKey] of [['right', USER.secretKey], ['wrong', 'not-the-secret']] as const) {
            const p = new Producer({ namesrvAddr: c.namesrv, producerGroup: `pg_sig_${name}`, clientVersion: c.versionOrdinal, acl: { accessKey: USER.accessKey, secretKey }, retryTimesWhenSendFailed: 0 });
            producers.push(p);
            await p.start();
            outcome.set(name, await p.send(new Message({ topic, body: `signed ${name}`, tags: 'TagA', keys: ['k-sig'] })).then((r) => r, (e: unknown) => e));
          }
        });
        for (const p of producers) await p.shutdown();
        assert.equal((outcome.get('right') as { sendStatus?: string }).sendStatus, 'SEND_OK');
        assert.ok(outcome.get('wrong') instanceof Error, 'the wrongly signed send is refused');

        const ix = cap.ix;
        const sends: { frame: number; status: number; body: string }[] = [];
        for (let i = 0; i < ix.length; i++) {
          if ((ix.cols.flag[i] & 1) || ix.cols.code[i] !== RequestCode.SEND_MESSAGE_V2) continue;
          const p = ix.cols.pair[i];
          const cmd = signedRequestOf((await readFrameBytes(ix, i)).bytes, `frame ${i}`);
          sends.push({ frame: i, status: p >= 0 ? ix.cols.code[p] : -1, body: Buffer.from(cmd.body ?? []).toString('utf8') });
        }
        const right = sends.find((s) => s.body === 'signed right');
        const wrong = sends.find((s) => s.body === 'signed wrong');
        assert.ok(right && wrong, `both sends captured: ${JSON.stringify(sends)}`);
        assert.equal(right.status, ResponseCode.SUCCESS);
        assert.equal(wrong.status, version === '4.9' ? ResponseCode.SYSTEM_ERROR : ResponseCode.NO_PERMISSION, 'refused by the broker');

        const check = async (frame: number) => {
          const cmd = signedRequestOf((await readFrameBytes(ix, frame)).bytes, `frame ${frame}`);
          return checkSignature(cmd.extFields, cmd.body, USER.secretKey);
        };
        const ok = await check(right.frame);
        assert.equal(ok.match, true, ok.explanation);
        assert.equal(ok.accessKey, USER.accessKey);
        assert.ok(ok.parts.some((p) => p.key === 'b' && p.value === topic), 'the canonical string holds the topic');
        const bad = await check(wrong.frame);
        assert.deepEqual([bad.match, bad.cause], [false, 'secret'], bad.explanation);
        assert.match(bad.explanation, /no single field explains it: the SecretKey likely differs/);
        // the wrong secret itself reproduces the captured signature: the check's mismatch is the secret, nothing else
        const cmd = signedRequestOf((await readFrameBytes(ix, wrong.frame)).bytes);
        assert.equal(checkSignature(cmd.extFields, cmd.body, 'not-the-secret').match, true);

        const finding = cap.report.findings.find((f) => f.id.startsWith(`acl-refused:signature:${RequestCode.SEND_MESSAGE_V2}:`));
        assert.ok(finding, cap.report.findings.map((f) => f.id).join(', '));
        assert.equal(finding.evidence.signedRequest, wrong.frame, 'the doctor offers the check on the refused request');
        assert.match(finding.fix, /Check signature/);
      });
    });
  });
}
