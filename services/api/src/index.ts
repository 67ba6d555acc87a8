export * from './app';
export * from './api-context';
