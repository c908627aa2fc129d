export * from './browse';
