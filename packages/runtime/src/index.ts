export * from './env-schema';
export * from './process-logger';
export * from './service-checks';
export * from './graceful-shutdown';
export * from './clock-from-env';
export * from './run-process';
