/**
 * Frame describers by protocol: the one entry point for views that show a captured frame whose
 * protocol the index recorded (src/core/capture/protocols.ts). Each protocol's decoder produces the
 * same FrameDescription, so the inspector's details pane, the CLI's --views and the coming diff
 * render every protocol with one renderer. A second protocol adds its describer here.
 */
import type { ProtocolName } from '../capture/protocols';
import { decodeAndDescribeFrame, FrameContext } from './describe-frame';
import type { FrameDescription } from './frame-description';

type Describer = (bytes: Uint8Array, ctx: FrameContext) => FrameDescription;

const DESCRIBERS: Record<ProtocolName, Describer> = {
  remoting: (bytes, ctx) => decodeAndDescribeFrame(bytes, ctx).description,
};

/** The description of a captured frame of `protocol`; a protocol without a describer is an undecodable frame that says so. */
export function describeFrameOf(protocol: string, bytes: Uint8Array, ctx: FrameContext = {}): FrameDescription {
  const d = (DESCRIBERS as Record<string, Describer | undefined>)[protocol];
  if (d) return d(bytes, ctx);
  return {
    title: `${protocol} frame`, header: null, decodeError: `no decoder for ${protocol} frames`, extFields: [], properties: [], body: null,
    sections: [], notes: [], ranges: [], frameLength: bytes.length, headerLength: 0, trailingBytes: 0,
  };
}
