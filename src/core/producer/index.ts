export * from './errors';
export * from './validators';
export * from './acl';
export * from './fault';
export * from './route';
export * from './client';
export * from './types';
export { Producer, ProducerOptions, SendOptions, ProducerState, splitBatch, batchEntrySize, commitOrRollbackValue } from './producer';
export * from './dry-run';
