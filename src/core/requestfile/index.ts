export * from './spec';
export * from './parser';
export * from './body-file';
export * from './writer';
