export * from './properties';
export * from './ids';
export * from './sysflag';
export * from './compression';
export * from './message';
export * from './batch';
export * from './stored';
export * from './trace';
