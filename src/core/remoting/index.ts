/** The RemotingCommand codec: plain TypeScript, no `vscode`, usable from Node, the CLI and tests. */
export * from './codes';
export * from './version';
export * from './errors';
export * from './command';
export * from './frame';
export * from './frame-splitter';
export { encodeJsonHeader, decodeJsonHeader } from './json-header';
export { encodeBinaryHeader, decodeBinaryHeader, BINARY_HEADER_FIXED_SIZE } from './binary-header';
export { javaHashMapOrder, javaStringHash } from './java-hashmap-order';
export * from './lenient-json';
export * from './bodies/route';
export * from './bodies/cluster-info';
export * from './bodies/topic-list';
export * from './bodies/register-broker';
export * from './bodies/heartbeat';
export { parseBodyJson } from './bodies/body-json';
export * from './describe';
export * from './headers';
