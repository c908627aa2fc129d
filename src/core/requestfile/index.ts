export * from './spec';
export * from './parser';
