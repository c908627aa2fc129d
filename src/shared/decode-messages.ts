/**
 * Messages between the extension and its webviews. Pure TypeScript (no `vscode`, no DOM): compiled
 * into both the extension bundle and the webview bundle, so both sides agree on every shape.
 * Each direction is a discriminated union on `type`; a guard checks what arrives, because a
 * message crossing the webview boundary is untyped data until proven otherwise.
 */

/** One decoded RemotingCommand frame, flattened to strings and numbers for display. */
export interface FrameView {
  direction: 'request' | 'response';
  oneway: boolean;
  code: number;
  /** `SEND_MESSAGE`, `SUCCESS`, … or `UNKNOWN(n)`. */
  codeName: string;
  serializeType: 'JSON' | 'ROCKETMQ';
  language: string;
  version: number;
  opaque: number;
  flag: number;
  remark: string | null;
  /** Header fields (extFields), sorted by name; `meaning` names SEND_MESSAGE_V2's one-letter keys. */
  extFields: Array<{ name: string; value: string; meaning?: string }>;
  /** The message properties carried in a send's header (`properties`, or `i` in V2), parsed. */
  properties: Array<{ name: string; value: string }> | null;
  /** Whole frame, length word included. */
  frameLength: number;
  headerLength: number;
  bodyLength: number;
  /** The body as UTF-8 text when it is valid text (first 64 KiB), else null. */
  bodyText: string | null;
  /** Hex of the first bytes of the body (see bodyHexTruncated). */
  bodyHex: string;
  bodyHexTruncated: boolean;
  /** Bytes after the frame that were not part of it. */
  trailingBytes: number;
}

export type ExtensionToWebview =
  | { type: 'showFrame'; seq: number; frame: FrameView };

export type WebviewToExtension =
  | { type: 'ready' }
  | { type: 'rendered'; seq: number; heading: string; fieldCount: number };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function isWebviewToExtension(v: unknown): v is WebviewToExtension {
  if (!isObject(v)) return false;
  switch (v.type) {
    case 'ready':
      return true;
    case 'rendered':
      return typeof v.seq === 'number' && typeof v.heading === 'string' && typeof v.fieldCount === 'number';
    default:
      return false;
  }
}

export function isExtensionToWebview(v: unknown): v is ExtensionToWebview {
  if (!isObject(v) || typeof v.seq !== 'number') return false;
  switch (v.type) {
    case 'showFrame':
      return isObject(v.frame) && typeof v.frame.codeName === 'string' && Array.isArray(v.frame.extFields);
    default:
      return false;
  }
}

/** What the webview keeps with setState, so a re-shown panel renders without asking again. */
export interface DecodeViewState {
  last?: ExtensionToWebview;
}
