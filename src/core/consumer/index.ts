export * from './browse';
export * from './lookup';
export * from './trace';
