export * from './area';
export * from './errors';
export * from './events.schema';
export * from './frames';
export * from './socket-events';
