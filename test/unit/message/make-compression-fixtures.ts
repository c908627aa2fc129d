// Regenerates test/fixtures/bodies (see compression-vectors.ts): node out/test/unit/message/make-compression-fixtures.js
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { prepareJava, runJava } from '../../support/cluster';
import { CLI_VECTORS, FIXTURES, INPUTS, JAVA_VECTORS, REGISTER_VECTORS, runTool } from './compression-vectors';

async function main(): Promise<void> {
  fs.mkdirSync(FIXTURES, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-fixtures-'));
  try {
    for (const v of CLI_VECTORS) {
      const out = runTool(v, INPUTS[v.input](), tmp);
      fs.writeFileSync(path.join(FIXTURES, v.file), out);
      console.log(`${v.file}: ${out.length} bytes (${v.tool} ${v.args.join(' ')})`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const java53 = await prepareJava('5.3', (l) => console.log(l));
  const lines = JAVA_VECTORS.map((v) => `${v.type} 5 ${INPUTS[v.input]().toString('hex')}`).join('\n') + '\n';
  const r = await runJava(java53, 'rmqtest.BodyRef', ['compress'], lines);
  if (r.code !== 0) throw new Error(`BodyRef compress failed: ${r.stderr.slice(-2000)}`);
  const outs = r.stdout.split('\n').filter((l) => /^[0-9a-f]+$/.test(l));
  JAVA_VECTORS.forEach((v, i) => {
    fs.writeFileSync(path.join(FIXTURES, v.file), Buffer.from(outs[i], 'hex'));
    console.log(`${v.file}: ${outs[i].length / 2} bytes (RocketMQ ${java53.version} ${v.type})`);
  });
  for (const v of REGISTER_VECTORS) {
    const env = await prepareJava(v.version.startsWith('4.') ? '4.9' : '5.3', (l) => console.log(l));
    const reg = await runJava(env, 'rmqtest.BodyRef', ['register']);
    const line = reg.stdout.split('\n').find((l) => l.startsWith('{"compressedHex"'));
    if (reg.code !== 0 || !line) throw new Error(`BodyRef register failed: ${reg.stderr.slice(-2000)}`);
    const j = JSON.parse(line) as { compressedHex: string; jsonHex: string };
    fs.writeFileSync(path.join(FIXTURES, v.compressed), Buffer.from(j.compressedHex, 'hex'));
    fs.writeFileSync(path.join(FIXTURES, v.json), Buffer.from(j.jsonHex, 'hex'));
    console.log(`${v.compressed}, ${v.json}: RegisterBrokerBody of RocketMQ ${env.version}`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
