export * from './errors';
export * from './address';
export * from './remoting-connection';
