export * from './area';
export * from './case-taxonomy';
export * from './errors';
export * from './events.schema';
export * from './frames';
export * from './recording.schema';
export * from './socket-events';
