/** The one frame model: a RemotingCommand frame described once, rendered by every view. */
export * from './frame-description';
export * from './describe-frame';
export { describeFrameOf } from './describers';
export { plainBody, bodyText, bodyPreview, hexDump, prettyJson, MAX_BODY_TEXT, MAX_BODY_HEX } from './body';
export { messageIdNote, MessageIdKind } from './message-ids';
export { propertyRows } from './body-views';
export { jsonFieldRanges, binaryFieldRanges } from './field-ranges';
export * from './hex-input';
export * from './diff';
