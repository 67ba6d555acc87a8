export * from './time/clock';
export * from './log/logger';
export * from './errors/delivery-error';
