/** The capture inspector: `registerInspector(context)` is the only thing activate() needs. */
export { registerInspector, ownTraffic, showSendFrames, openCapturePanel, OWN_TRAFFIC_TITLE, CAPTURE_VIEW_TYPE, LIVE_VIEW_TYPE } from './provider';
export type { SendFrames } from './provider';
