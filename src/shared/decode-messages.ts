/**
 * Messages between the extension and its webviews. Pure TypeScript (no `vscode`, no DOM): compiled
 * into both the extension bundle and the webview bundle, so both sides agree on every shape.
 * Each direction is a discriminated union on `type`; a guard checks what arrives, because a
 * message crossing the webview boundary is untyped data until proven otherwise.
 */

import type { FrameDescription } from '../core/frame/frame-description';

/** One decoded frame for the panel: the frame model's description and the frame as a hex dump. */
export interface DecodedFrameView {
  description: FrameDescription;
  /** Offset, hex and ASCII lines of the whole frame (capped). */
  frameHex: string;
}

export type ExtensionToWebview =
  | { type: 'showFrame'; seq: number; frame: DecodedFrameView };

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
      return isObject(v.frame) && typeof v.frame.frameHex === 'string' && isObject(v.frame.description) && Array.isArray(v.frame.description.extFields);
    default:
      return false;
  }
}

/** What the webview keeps with setState, so a re-shown panel renders without asking again. */
export interface DecodeViewState {
  last?: ExtensionToWebview;
}
