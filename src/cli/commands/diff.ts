import * as fs from 'node:fs';
import { CaptureIndex, indexCaptureFile, readFrameBytes } from '../../core/capture';
import { DiffSide, diffSides, formatDiff, frameSide, messageSide, parseHex } from '../../core/frame';
import { decodeFrame } from '../../core/remoting';
import { decodeStoredMessages } from '../../core/message';
import { MQClient } from '../../core/producer';
import { findById } from '../../core/consumer/lookup';
import { CliCommand, EXIT_FAILED, EXIT_OK, UsageError } from '../command';

const OPERANDS = 'FILE#N (frame N of a capture) | FILE#N/M (stored message M of frame N: a pull or view answer, a check-back) | hex:HEX (a frame as hex) | msg:ID (a stored message read from the broker: --namesrv; a UNIQ_KEY needs --topic)';

export const diffCommand: CliCommand = {
  name: 'diff',
  summary: 'compare two frames, or a frame and a stored message, field by field (header, extFields by real name, properties, body)',
  usage: `diff A B [--all] [--json] [--namesrv host:port --topic t [--access-key ak --secret-key sk]]\n  A, B: ${OPERANDS}\n  exit 0 when they are the same, 1 when they differ`,
  options: { values: ['namesrv', 'topic', 'access-key', 'secret-key', 'timeout'], flags: ['all', 'json'] },
  async run({ positional, options }, io) {
    if (positional.length !== 2) throw new UsageError(`give two things to compare: ${OPERANDS}`);
    const ak = options.get('access-key'), sk = options.get('secret-key');
    if (!!ak !== !!sk) throw new UsageError('--access-key and --secret-key go together');
    const indexes = new Map<string, Promise<CaptureIndex>>();
    let client: MQClient | null = null;
    const side = async (op: string, label: string): Promise<DiffSide> => {
      if (op.startsWith('hex:')) {
        let bytes: Uint8Array;
        try { bytes = parseHex(op.slice(4)); } catch (e) { throw new UsageError(`${label}: ${e instanceof Error ? e.message : String(e)}`); }
        return frameSide(bytes, { label: 'hex' });
      }
      if (op.startsWith('msg:')) {
        const namesrv = options.get('namesrv');
        if (!namesrv) throw new UsageError(`${label}: msg:ID reads the message from a broker: give --namesrv`);
        client ??= new MQClient({ namesrvAddr: namesrv, acl: ak && sk ? { accessKey: ak, secretKey: sk } : undefined });
        const r = await findById(client, op.slice(4), { topic: options.get('topic'), timeoutMs: options.has('timeout') ? Number(options.get('timeout')) : undefined });
        if (!r.messages.length) {
          const failed = r.failures.map((f) => `${f.brokerName || f.address}: ${f.error instanceof Error ? f.error.message : String(f.error)}`);
          throw new Error(`${label}: no message ${op.slice(4)}${failed.length ? ` (${failed.join('; ')})` : ` on ${r.asked.map((a) => a.brokerName || a.address).join(', ') || 'any broker'}`}`);
        }
        return messageSide(r.messages[0], `broker ${r.messages[0].brokerName || r.messages[0].brokerAddr}`);
      }
      const m = /^(.+)#(\d+)(?:\/(\d+))?$/.exec(op);
      if (!m) throw new UsageError(`${label}: "${op}" is none of ${OPERANDS}`);
      const [, file, frameText, msgText] = m;
      if (!fs.existsSync(file)) throw new UsageError(`${label}: no such file: ${file}`);
      let ixp = indexes.get(file);
      if (!ixp) indexes.set(file, ixp = indexCaptureFile(file));
      const ix = await ixp;
      const i = Number(frameText);
      if (i >= ix.length) throw new UsageError(`${label}: ${file} has ${ix.length} frame(s) (numbered from 0), no frame ${i}`);
      const fb = await readFrameBytes(ix, i);
      const c = ix.cols;
      const requestCode = (c.flag[i] & 1) && c.reqCode[i] >= 0 ? c.reqCode[i] : undefined;
      const missing = fb.missing + Math.max(0, fb.size - fb.bytes.length);
      if (msgText === undefined) return frameSide(fb.bytes, { label: `frame ${i}`, requestCode, missingBytes: missing, holes: fb.holes });
      if (missing) throw new UsageError(`${label}: frame ${i} was not captured in full (${missing} byte(s) missing): its messages cannot be read`);
      const body = decodeFrame(fb.bytes, { maxFrameLength: 0x7fffffff }).body;
      const msgs = body ? decodeStoredMessages(body).messages : [];
      const k = Number(msgText);
      if (k >= msgs.length) throw new UsageError(`${label}: frame ${i} carries ${msgs.length} stored message(s) (numbered from 0), no message ${k}`);
      return messageSide(msgs[k], `frame ${i} message ${k}`);
    };
    try {
      const a = await side(positional[0], 'A');
      const b = await side(positional[1], 'B');
      const d = diffSides(a, b);
      if (options.has('json')) io.out(JSON.stringify(d, null, 2));
      else for (const l of formatDiff(d, { all: options.has('all') })) io.out(l);
      return d.differences ? EXIT_FAILED : EXIT_OK;
    } finally {
      await (client as MQClient | null)?.close();
    }
  },
};
