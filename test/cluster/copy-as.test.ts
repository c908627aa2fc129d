// Copy as… against the real tools: the Java snippet made from a captured send is compiled with the
// release's own rocketmq-client and run, and the mqadmin command is run through the release's own
// MQAdminStartup; each must store a message equal to the captured one (topic, queue, tags, keys,
// user properties, body) on RocketMQ 4.9.7 and 5.3.3.
import { describe, before, after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useCluster, RunningCluster, prepareJava, runJava } from '../support/cluster';
import { createRequest, encodeFrame, RequestCode } from '../../src/core/remoting';
import { encodeProperties } from '../../src/core/message';
import { MQClient } from '../../src/core/producer';
import { browseTopic } from '../../src/core/consumer';
import { copyAsJava, copyAsMqadmin, CopyContext } from '../../src/app/inspector/copy-as';
import { eventually } from '../support/poll';

/** Splits a POSIX command line as our shellQuote writes it (plain words and '…' with '\'' inside). */
function shellWords(line: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]);
  return out;
}

for (const version of ['5.3', '4.9'] as const) {
  describe(`Copy as… on RocketMQ ${version}`, () => {
    const cluster = useCluster(version);
    const tag = `copy${version.replace('.', '')}_${Date.now()}`;
    const topic = `Copy_${tag}`;
    let c: RunningCluster;
    let reader: MQClient;
    let dir: string;
    before(async () => {
      c = await cluster;
      await c.createTopic(topic, { queues: 2 });
      reader = new MQClient({ namesrvAddr: c.namesrv, clientVersion: c.versionOrdinal });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), `copy-as-${version}-`));
    });
    after(async () => { await reader?.close(); });

    /** A send frame as our producer would write it, to broker-a queue 1. */
    const frame = (label: string) => encodeFrame(createRequest(RequestCode.SEND_MESSAGE_V2, {
      a: `pg_${tag}`, b: topic, c: 'TBW102', d: 4, e: 1, f: 0, g: Date.now(), h: 0, j: 0, k: false, n: c.brokers[0].name,
      i: encodeProperties({ UNIQ_KEY: `0A0000050000000000000000000${label === 'java' ? '1' : '2'}${String(Date.now() % 10000).padStart(4, '0')}`, TAGS: `Tag_${label}`, KEYS: `key-${label}`, region: 'eu', WAIT: 'true' }),
    }, { body: Buffer.from(`{"via":"${label}","quote":"it's \\"here\\""}`) }));
    const ctx = (): CopyContext => ({ namesrv: c.namesrv, server: c.brokers[0].addr, client: '127.0.0.1:50000', direction: 'c2s', frame: 1, capture: 'test', timeUs: Date.now() * 1000 });

    async function stored(label: string) {
      return eventually(`the ${label} message stored`, async () => (await browseTopic(reader, topic)).find((m) => m.tags === `Tag_${label}`), 20_000);
    }

    test('the Java snippet compiles against the release\'s rocketmq-client, runs, and stores the captured message', async () => {
      const env = await prepareJava(version);
      const src = copyAsJava(frame('java'), ctx())!;
      fs.writeFileSync(path.join(dir, 'Resend.java'), src);
      const javac = spawnSync('javac', ['-cp', env.classpath, '-d', dir, path.join(dir, 'Resend.java')], { encoding: 'utf8' });
      assert.equal(javac.status, 0, `javac: ${javac.stderr}\n${src}`);
      const run = await runJava({ ...env, classpath: `${dir}${path.delimiter}${env.classpath}` }, 'Resend', []);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /sendStatus=SEND_OK/);
      const m = await stored('java');
      assert.equal(m.brokerName, c.brokers[0].name);
      assert.equal(m.queueId, 1);
      assert.equal(m.keys, 'key-java');
      assert.equal(m.properties.get('region'), 'eu');
      assert.equal(Buffer.from(m.body ?? new Uint8Array()).toString(), `{"via":"java","quote":"it's \\"here\\""}`);
    });

    test('the mqadmin command runs through the release\'s own mqadmin (MQAdminStartup) and stores the captured message', async () => {
      const env = await prepareJava(version);
      const cmd = copyAsMqadmin(frame('mqadmin'), ctx())!;
      const words = shellWords(cmd);
      assert.deepEqual(words.slice(0, 3), ['sh', 'mqadmin', 'sendMessage']);
      // 4.9's mqadmin configures logging from $ROCKETMQ_HOME/conf/logback_tools.xml (a file of the binary distribution)
      const home = path.join(dir, 'rocketmq-home');
      fs.mkdirSync(path.join(home, 'conf'), { recursive: true });
      fs.writeFileSync(path.join(home, 'conf', 'logback_tools.xml'), '<configuration><root level="WARN"/></configuration>\n');
      const run = await runJava(env, 'org.apache.rocketmq.tools.command.MQAdminStartup', words.slice(2), undefined, { props: { 'rocketmq.home.dir': home } });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /SEND_OK/, `mqadmin said:\n${run.stdout}\n${run.stderr}`);
      const m = await stored('mqadmin');
      assert.equal(m.brokerName, c.brokers[0].name);
      assert.equal(m.queueId, 1);
      assert.equal(m.keys, 'key-mqadmin');
      assert.equal(Buffer.from(m.body ?? new Uint8Array()).toString(), `{"via":"mqadmin","quote":"it's \\"here\\""}`);
    });
  });
}
