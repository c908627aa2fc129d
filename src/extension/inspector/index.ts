/** The capture inspector: `registerInspector(context)` is the only thing activate() needs. */
export { registerInspector, recordTraffic, myTraffic, CAPTURE_VIEW_TYPE, LIVE_VIEW_TYPE } from './provider';
