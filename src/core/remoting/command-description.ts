// Types only (no runtime, no Node API), so that the inspector's webview protocol can name them too.
import type { SerializeType } from './command';

/** A RemotingCommand as plain JSON for people: every field, with the names behind the numbers. */
export interface CommandDescription {
  type: 'request' | 'response';
  code: number;
  codeName: string;
  language: number;
  languageName: string;
  version: number;
  versionName: string;
  opaque: number;
  flag: number;
  flagBits: { response: boolean; oneway: boolean };
  remark: string | null;
  serializeType: SerializeType;
  extFields: Record<string, string> | null;
  body: BodyDescription | null;
}

export interface BodyDescription {
  length: number;
  /** Present only when the body is valid UTF-8: bodies are labelled honestly, never guessed. */
  utf8?: string;
  base64: string;
}
