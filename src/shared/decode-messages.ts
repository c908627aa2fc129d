/**
 * The Decode Frame panel's two APIs, carried by the shared {@link Endpoint} (src/shared/endpoint.ts):
 * the host asks the webview to show a frame and gets back what the webview put on screen; the
 * webview tells the host it is ready (first load, or re-created after being hidden).
 * Pure TypeScript (no `vscode`, no DOM): compiled into both the extension bundle and the webview bundle.
 */

import type { FrameDescription } from '../core/frame/frame-description';
import type { Api, Validators } from './endpoint';

/** One decoded frame for the panel: the frame model's description and the frame as a hex dump. */
export interface DecodedFrameView {
  description: FrameDescription;
  /** Offset, hex and ASCII lines of the whole frame (capped). */
  frameHex: string;
}

/** What the webview rendered: its heading and how many extField rows (the tests check these). */
export interface RenderReport {
  heading: string;
  fieldCount: number;
}

/** What the webview answers. */
export interface DecodeWebviewApi extends Api {
  requests: { showFrame: { params: DecodedFrameView; result: RenderReport } };
  events: Record<string, never>;
}

/** What the host receives. */
export interface DecodeHostApi extends Api {
  requests: Record<string, never>;
  events: { ready: Record<string, never> };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** A frame view's shape, checked where it arrives (the webview) and where it is restored from saved state. */
export function isDecodedFrameView(v: unknown): v is DecodedFrameView {
  return isObject(v) && typeof v.frameHex === 'string' && isObject(v.description) && Array.isArray(v.description.extFields);
}

export const DECODE_HOST_VALIDATORS: Validators<DecodeHostApi> = {
  requests: {},
  events: { ready: (v) => (v === undefined || (isObject(v) && Object.keys(v).length === 0) ? {} : null) },
};

export const DECODE_WEBVIEW_VALIDATORS: Validators<DecodeWebviewApi> = {
  requests: { showFrame: (v) => (isDecodedFrameView(v) ? v : null) },
  events: {},
};

/** What the webview keeps with setState, so a re-shown panel renders without asking again. */
export interface DecodeViewState {
  last?: DecodedFrameView;
}
