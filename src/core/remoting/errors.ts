/** Why a frame or body could not be read or written. Each kind names a rule a reader can act on. */
export type CodecErrorKind =
  | 'truncated'              // fewer bytes than the frame or field says
  | 'invalid-length'         // frame length below the 4 bytes its header-length word needs
  | 'oversize'               // frame length above the configured limit (16 MiB like the server)
  | 'header-overflow'        // header length runs past the end of the frame
  | 'unknown-serialize-type' // type byte neither 0 (JSON) nor 1 (ROCKETMQ)
  | 'invalid-json'           // JSON header or body that even fastjson's leniency does not accept
  | 'invalid-header'         // well-formed JSON of the wrong shape for a RemotingCommand
  | 'binary-field-overflow'  // a ROCKETMQ header field's length runs past the header's end
  | 'invalid-body'           // a body that does not have the structure its command implies
  | 'unencodable';           // a value the chosen serialization cannot carry (e.g. code > int16)

export class CodecError extends Error {
  override readonly name = 'CodecError';
  constructor(
    readonly kind: CodecErrorKind,
    message: string,
    /** Byte offset of the problem, relative to the start of the input the caller handed over. */
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
  }
}
