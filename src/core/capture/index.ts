/** Packet-capture decoder for the RocketMQ remoting protocol (plain Node, no vscode). Layers: README.md. */
export * from './types';
export * from './file-format';
export * from './source';
export * from './netlayers';
export * from './tcp';
export * from './header-scan';
export * from './frames';
export * from './pipeline';
export * from './capture-index';
export * from './frame-reader';
export * from './decode';
export * from './errors';
export * from './filter';
export * from './filter-help';
export * from './search';
export * from './stats';
export * from './pcap-writer';
export * from './protocols';
// fuzz.ts (seeded capture mutation) is test and benchmark tooling: imported by path, not part of the API
