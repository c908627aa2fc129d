import { isOneway, isResponse, RemotingCommand } from './command';
import { languageName, requestCodeName, responseCodeName } from './codes';
import { versionName } from './version';
import type { BodyDescription, CommandDescription } from './command-description';

export type { CommandDescription, BodyDescription } from './command-description';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function describeBody(body: Uint8Array): BodyDescription {
  const d: BodyDescription = { length: body.length, base64: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64') };
  try { d.utf8 = strictUtf8.decode(body); } catch { /* binary: base64 only */ }
  return d;
}

/**
 * @param requestCode for responses, the code of the request answered (when known), so that codes
 *   whose meaning depends on it (209–211) get the right name.
 */
export function describeCommand(cmd: RemotingCommand, requestCode?: number): CommandDescription {
  const response = isResponse(cmd);
  return {
    type: response ? 'response' : 'request',
    code: cmd.code,
    codeName: response ? responseCodeName(cmd.code, requestCode) : requestCodeName(cmd.code),
    language: cmd.language,
    languageName: cmd.languageRaw ?? languageName(cmd.language),
    version: cmd.version,
    versionName: versionName(cmd.version),
    opaque: cmd.opaque,
    flag: cmd.flag,
    flagBits: { response, oneway: isOneway(cmd) },
    remark: cmd.remark,
    serializeType: cmd.serializeType,
    extFields: cmd.extFields ? { ...cmd.extFields } : null,
    body: cmd.body && cmd.body.length > 0 ? describeBody(cmd.body) : null,
  };
}
