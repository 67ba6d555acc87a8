export * from './channel-handler';
export * from './merge-values';
export * from './sms-channel';
export * from './email-channel';
export * from './message-processor';
export * from './delivery-worker';
export * from './sweeper';
export * from './worker-process';
