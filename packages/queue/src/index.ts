export * from './queue-names';
export * from './message-job';
export * from './redis-connection';
export * from './message-producer';
export * from './campaign-queue';
