import * as fs from 'node:fs';
import { indexCaptureFile, readFrameBytes } from '../../core/capture';
import { checkSignature, formatSignatureCheck, signedRequestOf, SignatureCheckError } from '../../core/doctor/acl-signature';
import { RequestCode } from '../../core/remoting/codes';
import { SEND_V2_NAMES } from '../../core/remoting/headers/send-message';
import { CliCommand, EXIT_FAILED, EXIT_OK, UsageError } from '../command';

/**
 * `acl-check FILE#N`: the ACL 1.0 signature check of a captured request. The SecretKey never comes
 * from the command line (it would sit in the shell history and the process list): from an environment
 * variable named by --secret-key-env, or from standard input with --secret-key-stdin.
 */
export const aclCheckCommand: CliCommand = {
  name: 'acl-check',
  summary: 'recompute the ACL signature of a captured request with a SecretKey and say match or mismatch, and which field makes them differ',
  usage: 'acl-check FILE#N (--secret-key-env VAR | --secret-key-stdin) [--json]\n  N: the request\'s frame number (as capture FILE lists them); exit 0 on a match, 1 on a mismatch',
  options: { values: ['secret-key-env'], flags: ['secret-key-stdin', 'json'] },
  async run({ positional, options }, io) {
    if (positional.length !== 1) throw new UsageError('give one captured request: FILE#N');
    const m = /^(.+)#(\d+)$/.exec(positional[0]);
    if (!m) throw new UsageError(`"${positional[0]}" is not FILE#N (a capture file and a frame number)`);
    const env = options.get('secret-key-env');
    if (!!env === options.has('secret-key-stdin')) throw new UsageError('give the SecretKey through exactly one of --secret-key-env VAR or --secret-key-stdin (never on the command line)');
    let secret: string;
    if (env) {
      const v = process.env[env];
      if (!v) throw new UsageError(`the environment variable ${env} is not set or empty`);
      secret = v;
    } else {
      secret = (await io.stdin()).replace(/\r?\n$/, '');
      if (!secret) throw new UsageError('standard input held no SecretKey');
    }
    const [, file, frameText] = m;
    if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
    const ix = await indexCaptureFile(file);
    const i = Number(frameText);
    if (i >= ix.length) throw new UsageError(`${file} has ${ix.length} frame(s) (numbered from 0), no frame ${i}`);
    const fb = await readFrameBytes(ix, i);
    const missing = fb.missing + Math.max(0, fb.size - fb.bytes.length);
    try {
      if (missing) throw new SignatureCheckError(`frame ${i} was not captured in full (${missing} byte(s) missing): its signature cannot be checked`);
      const cmd = signedRequestOf(fb.bytes, `frame ${i}`);
      const r = checkSignature(cmd.extFields, cmd.body, secret);
      if (options.has('json')) io.out(JSON.stringify({ frame: i, ...r }, null, 2));
      else for (const l of formatSignatureCheck(r, `frame ${i}`, cmd.code === RequestCode.SEND_MESSAGE_V2 || cmd.code === RequestCode.SEND_BATCH_MESSAGE ? SEND_V2_NAMES : {})) io.out(l);
      return r.match ? EXIT_OK : EXIT_FAILED;
    } catch (e) {
      if (e instanceof SignatureCheckError) throw new UsageError(e.message);
      throw e;
    }
  },
};
