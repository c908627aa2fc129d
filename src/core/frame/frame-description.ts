// Types only (no runtime, no Node API), so that the webviews' protocols can name them too.
//
// A FrameDescription is the one presentation of a RemotingCommand frame. describeFrame() builds it in
// the core; the inspector's details pane, the Decode Frame panel, the CLI's `capture --views` (and the
// coming diff and replay) only render it.
import type { CommandDescription } from '../remoting/command-description';

/** A named value: an extField, a message property, a row of a decoded section. */
export interface FieldRow {
  /** The key as on the wire (a V2 letter such as `b`, a property name, a label). */
  key: string;
  /** The real name (`topic` for `b`); equal to key when the wire already uses it. */
  name: string;
  value: string;
  /** What the value means: sysFlag bits, a timestamp as ISO time, a decoded message id. */
  note?: string;
  /** Byte range [start, end) in the frame, when known (hex highlight). */
  range?: [number, number];
  /** Credentials (AccessKey, Signature, SecurityToken): redacted whenever the frame is copied. */
  secret?: true;
}

export interface ViewTable { columns: string[]; rows: string[][] }

export interface ViewSection {
  title: string;
  rows?: FieldRow[];
  table?: ViewTable;
  text?: string;
  children?: ViewSection[];
}

/**
 * How the body reads. empty; text (valid UTF-8 without control characters other than tab, CR, LF);
 * json (text that parses as JSON, shown indented); binary (anything else, shown as hex, never guessed);
 * truncated (bytes missing from the capture: not interpreted); compressed, batch, stored-messages
 * (decoded by the code's body view, see sections).
 */
export type BodyKind = 'empty' | 'text' | 'json' | 'binary' | 'truncated' | 'compressed' | 'batch' | 'stored-messages';

export interface BodyView {
  kind: BodyKind;
  /** Bytes on the wire. */
  length: number;
  /** Text or indented JSON (for compressed bodies: of the inflated bytes), capped at MAX_BODY_TEXT chars. */
  text?: string;
  textTruncated?: boolean;
  /** Hex dump (offset, hex, ASCII) of the first MAX_BODY_HEX bytes, for binary and undecodable bodies. */
  hex?: string;
  /** Compression of a compressed body (ZLIB, LZ4, ZSTD). */
  compression?: string;
  /** Size after inflating a compressed body. */
  inflatedLength?: number;
  /** What the inflated bytes read as (text, json, binary). */
  inflatedKind?: 'empty' | 'text' | 'json' | 'binary';
  note?: string;
}

export interface ByteRange { start: number; end: number; label: string }

/** describeCommand's header fields, with the flag bits as names (REQUEST/RESPONSE, ONEWAY, OTHER(0x…)). */
export type FrameHeader = Omit<CommandDescription, 'flagBits' | 'extFields' | 'body'> & { flagBits: string[] };

export interface FrameDescription {
  /** "SEND_MESSAGE_V2 request (opaque 7)", "SUCCESS response to PULL_MESSAGE (opaque 9)". */
  title: string;
  /** Null when the header could not be decoded (see decodeError). */
  header: FrameHeader | null;
  decodeError: string | null;
  /** extFields in wire order, with real names and notes. */
  extFields: FieldRow[];
  /** The message properties a send carries in its header. */
  properties: FieldRow[];
  body: BodyView | null;
  /** Decoded views of the body and header: batch entries, pulled messages, route, ids… */
  sections: ViewSection[];
  /** What could not be decoded and why; incomplete frames. */
  notes: string[];
  /** Byte ranges of the frame's parts and fields (for the hex highlight). */
  ranges: ByteRange[];
  /** The whole frame, length word included (from the length word when the bytes are known). */
  frameLength: number;
  headerLength: number;
  /** Bytes after the frame (pasted hex that runs on). */
  trailingBytes: number;
}
