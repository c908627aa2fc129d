// Cross-check of our remoting codec against RocketMQ's own Java RemotingCommand, for both pinned
// releases (4.9.7 and 5.3.3 from Maven Central), both ways:
//   Java-encoded frames (NettyEncoder's path: fastEncodeHeader + body) -> our decodeFrame, field for field;
//   our encodeFrame -> Java's RemotingCommand.decode (NettyDecoder's path), field for field;
//   and byte-for-byte equality of the whole frame (JSON headers: fastjson's sorted keys; ROCKETMQ:
//   fixed layout), strictly where the field order is deterministic (at most one extField).
// The Java side is test/support/java/rmqtest/CodecRef.java. No cluster needed, only the jars.
import { describe, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, decodeFrame, RemotingCommand, CodecError } from '../../src/core/remoting';
import { prepareJava, runJava, VERSION_KEYS } from '../support/cluster';
import type { JavaEnv } from '../support/cluster/java';

/** Fields as CodecRef prints them (and as we normalise ours for comparison). */
interface Fields {
  code: number;
  language: number | null;
  version: number;
  opaque: number;
  flag: number;
  remark: string | null;
  extFields: Record<string, string | null> | null;
  serializeType: 'JSON' | 'ROCKETMQ';
  bodyHex: string | null;
}

interface JavaCase {
  name: string;
  rocketmqVersion: string;
  input: Fields & { languageName: string };
  /** extFields keys in the order Java inserted them into its HashMap */
  extOrder: string[];
  /** what NettyEncoder puts on the wire */
  frameHex: string;
  /** RemotingCommand.encode() */
  encodeHex: string;
  /** what Java's own decoder reads back from frameHex */
  decoded: Fields & { languageName: string | null };
}

/**
 * Java's ROCKETMQ decoder keeps a zero-length value as a null map entry; ours drops the entry (a header
 * decoder treats null and absent alike). Compare with null entries removed; the quirks test pins both.
 */
function dropNullValues(m: Record<string, string | null> | null): Record<string, string> | null {
  if (m === null) return null;
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== null)) as Record<string, string>;
}

function strip(f: Fields & { languageName?: unknown; ok?: unknown }): Fields {
  return {
    code: f.code,
    language: f.language,
    version: f.version,
    opaque: f.opaque,
    flag: f.flag,
    remark: f.remark,
    extFields: f.extFields === null ? null : sortKeys(dropNullValues(f.extFields)!),
    serializeType: f.serializeType,
    bodyHex: f.bodyHex,
  };
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function ours(cmd: RemotingCommand): Fields {
  return {
    code: cmd.code,
    language: cmd.language < 0 ? null : cmd.language,
    version: cmd.version,
    opaque: cmd.opaque,
    flag: cmd.flag,
    remark: cmd.remark,
    extFields: cmd.extFields === null ? null : sortKeys(cmd.extFields),
    serializeType: cmd.serializeType,
    bodyHex: cmd.body === null ? null : Buffer.from(cmd.body).toString('hex'),
  };
}

/** Our command for a Java case; extFields in Java's insertion order (decides order within a HashMap bucket). */
function toCommand(f: Fields, extOrder: string[] = []): RemotingCommand {
  let ext: Record<string, string> | null = null;
  if (f.extFields) {
    ext = {};
    for (const k of extOrder) if (k in f.extFields) ext[k] = f.extFields[k] as string;
    for (const [k, v] of Object.entries(f.extFields)) if (!(k in ext)) ext[k] = v as string;
  }
  return {
    code: f.code,
    language: f.language ?? 0,
    version: f.version,
    opaque: f.opaque,
    flag: f.flag,
    remark: f.remark,
    extFields: ext,
    serializeType: f.serializeType,
    body: f.bodyHex === null ? null : new Uint8Array(Buffer.from(f.bodyHex, 'hex')),
  };
}

/** Cases where Java itself cannot represent the input; our encoder may refuse them with a CodecError. */
const UNREPRESENTABLE = new Set(['large-code-rocketmq']);

/**
 * Known divergence, pinned by its own test below instead of the generic comparisons: a lone UTF-16
 * surrogate (invalid text) becomes '?' in Java's String.getBytes(UTF_8) but U+FFFD (EF BF BD) in Node's.
 */
const LONE_SURROGATE = new Set(['lone-surrogate-json', 'lone-surrogate-rocketmq']);

function jsonLines<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as T);
}

async function javaDecode(env: JavaEnv, frames: Buffer[]): Promise<(Fields & { ok: boolean; error?: string })[]> {
  const r = await runJava(env, 'rmqtest.CodecRef', ['decode'], frames.map((f) => f.toString('hex')).join('\n') + '\n');
  assert.equal(r.code, 0, `CodecRef decode exited ${r.code}: ${r.stderr.slice(-2000)}`);
  const out = jsonLines<Fields & { ok: boolean; error?: string }>(r.stdout);
  assert.equal(out.length, frames.length, `CodecRef decode answered ${out.length} of ${frames.length} frames; stderr: ${r.stderr.slice(-2000)}`);
  return out;
}

for (const version of VERSION_KEYS) {
  describe(`codec vs RocketMQ ${version} Java RemotingCommand`, () => {
    let env: JavaEnv;
    let cases: JavaCase[] = [];
    /** our encoding of each case's input (or the CodecError it raised) */
    const ourFrames = new Map<string, Buffer | CodecError>();
    /** Java's decoding of our frames */
    const javaReadsOurs = new Map<string, Fields & { ok: boolean; error?: string }>();

    before(
      async () => {
        env = await prepareJava(version, (l) => console.error(`[java ${version}] ${l}`));
        const r = await runJava(env, 'rmqtest.CodecRef', ['encode']);
        assert.equal(r.code, 0, `CodecRef encode exited ${r.code}: ${r.stderr.slice(-2000)}`);
        cases = jsonLines<JavaCase>(r.stdout);
        assert.ok(cases.length >= 44, `expected >= 44 Java cases, got ${cases.length}`);
        const toSend: { name: string; frame: Buffer }[] = [];
        for (const c of cases) {
          try {
            const f = encodeFrame(toCommand(c.input, c.extOrder));
            ourFrames.set(c.name, f);
            toSend.push({ name: c.name, frame: f });
          } catch (e) {
            if (!(e instanceof CodecError)) throw e;
            ourFrames.set(c.name, e);
          }
        }
        const decoded = await javaDecode(env, toSend.map((x) => x.frame));
        toSend.forEach((x, i) => javaReadsOurs.set(x.name, decoded[i]));
      },
      { timeout: 600_000 },
    );

    test('the Java side really is the pinned release', () => {
      const expected = env.version.replace(/\./g, '_');
      for (const c of cases) assert.equal(c.rocketmqVersion, `V${expected}`);
      // Java encode() and the Netty wire path agree (so either is "the" Java encoding)
      for (const c of cases) assert.equal(c.encodeHex, c.frameHex, `${c.name}: encode() vs fastEncodeHeader`);
    });

    test('Java-encoded frames: our decodeFrame reads every field as Java does', () => {
      assert.ok(cases.length > 0);
      for (const c of cases) {
        const frame = Buffer.from(c.frameHex, 'hex');
        let got: Fields;
        try {
          got = ours(decodeFrame(frame));
        } catch (e) {
          assert.fail(`${c.name}: decodeFrame threw ${e}`);
        }
        assert.deepEqual(got, strip(c.decoded), `${c.name}: our decode of Java's frame ${c.frameHex.slice(0, 160)}…`);
      }
    });

    test('our encodeFrame: Java decodes every field as it decodes its own frame', () => {
      assert.ok(cases.length > 0);
      for (const c of cases) {
        if (LONE_SURROGATE.has(c.name)) continue;
        const f = ourFrames.get(c.name);
        if (f instanceof CodecError) {
          assert.ok(UNREPRESENTABLE.has(c.name), `${c.name}: encodeFrame refused a representable command: ${f.message}`);
          continue;
        }
        const j = javaReadsOurs.get(c.name)!;
        assert.ok(j.ok, `${c.name}: Java could not decode our frame ${f!.toString('hex').slice(0, 160)}…: ${j.error}`);
        assert.deepEqual(strip(j), strip(c.decoded), `${c.name}: Java's decode of our frame vs of its own`);
      }
    });

    test('byte for byte: our frames equal Java\'s where the field order is deterministic (<= 1 extField)', () => {
      let compared = 0;
      for (const c of cases) {
        const n = c.input.extFields ? Object.keys(c.input.extFields).length : 0;
        if (n > 1 || LONE_SURROGATE.has(c.name)) continue;
        const f = ourFrames.get(c.name);
        if (f instanceof CodecError) {
          assert.ok(UNREPRESENTABLE.has(c.name), `${c.name}: ${f.message}`);
          continue;
        }
        compared++;
        const ourHex = f!.toString('hex');
        if (ourHex !== c.frameHex) {
          const ourHdr = describeHeader(f!);
          const javaHdr = describeHeader(Buffer.from(c.frameHex, 'hex'));
          assert.equal(ourHdr, javaHdr, `${c.name}: header differs`);
          assert.equal(ourHex, c.frameHex, `${c.name}: frame differs`);
        }
      }
      assert.ok(compared >= 30, `only ${compared} cases compared`);
    });

    test('byte for byte with several extFields: same bytes as Java\'s HashMap order', () => {
      const multi = cases.filter((c) => c.input.extFields && Object.keys(c.input.extFields).length > 1);
      assert.ok(multi.length >= 2);
      for (const c of multi) {
        const f = ourFrames.get(c.name);
        assert.ok(f instanceof Buffer, `${c.name}: ${f}`);
        assert.equal(describeHeader(f), describeHeader(Buffer.from(c.frameHex, 'hex')), `${c.name}: header differs`);
        assert.equal(f.toString('hex'), c.frameHex, `${c.name}: frame differs`);
      }
    });

    test('known divergence: a lone surrogate is "?" in Java\'s bytes, U+FFFD in ours (both sides still read each other)', () => {
      for (const name of LONE_SURROGATE) {
        const c = cases.find((x) => x.name === name)!;
        assert.equal(c.input.remark, 'a\uD800b\uDC00c');
        assert.equal(c.decoded.remark, 'a?b?c', `${name}: Java writes '?'`);
        assert.equal(ours(decodeFrame(Buffer.from(c.frameHex, 'hex'))).remark, 'a?b?c', `${name}: we read Java's bytes`);
        const f = ourFrames.get(name) as Buffer;
        assert.ok(f.includes(Buffer.from('61efbfbd62efbfbd63', 'hex')), `${name}: we write U+FFFD`);
        const j = javaReadsOurs.get(name)!;
        assert.ok(j.ok);
        assert.equal(j.remark, 'a\uFFFDb\uFFFDc', `${name}: Java reads our bytes as U+FFFD`);
      }
    });

    test('ROCKETMQ header quirks Java has: "" reads back as null, code > 32767 is cut to int16', () => {
      const byName = new Map(cases.map((c) => [c.name, c]));
      // these pin the Java behaviour the comparisons above rely on; if they change, the cases need review
      assert.equal(byName.get('empty-remark-rocketmq')!.decoded.remark, null);
      assert.equal(byName.get('empty-remark-json')!.decoded.remark, '');
      const emptyValue = byName.get('empty-ext-value-rocketmq')!;
      assert.deepEqual(emptyValue.decoded.extFields, { a: null });
      // ours: the entry is dropped, the (empty) map stays
      assert.deepEqual(ours(decodeFrame(Buffer.from(emptyValue.frameHex, 'hex'))).extFields, {});
      assert.equal(byName.get('large-code-rocketmq')!.decoded.code, 3442);
      assert.equal(byName.get('large-code-json')!.decoded.code, 200050);
      // and our decoder agrees on the JSON side's escapes: the control-character case round-trips exactly
      const cc = byName.get('control-chars-json')!;
      assert.equal(ours(decodeFrame(Buffer.from(cc.frameHex, 'hex'))).remark, cc.input.remark);
    });
  });
}

/** Readable header for assertion messages: JSON text, or the ROCKETMQ bytes as hex. */
function describeHeader(frame: Buffer): string {
  const word = frame.readUInt32BE(4);
  const len = word & 0xffffff;
  const hdr = frame.subarray(8, 8 + len);
  return word >>> 24 === 0 ? hdr.toString('utf8') : hdr.toString('hex');
}
