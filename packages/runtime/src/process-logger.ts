import pino from 'pino';
import type { Logger as Pino } from 'pino';
import type { LogFields, Logger } from '@optic/domain';

/** Keys whose values never reach a log line, wherever they appear. */
const REDACTED = [
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'authorization',
  'req.headers.authorization',
  'req.headers["api-key"]',
  'body',
  '*.body',
  'text',
  '*.text',
];

/** The process's pino logger, adapted to the Logger interface packages take. */
export function createProcessLogger(options: {
  name: string;
  level: string;
}): Logger & { pino: Pino } {
  const instance = pino({
    name: options.name,
    level: options.level,
    redact: { paths: REDACTED, censor: '[redacted]' },
  });
  return wrap(instance);
}

function wrap(instance: Pino): Logger & { pino: Pino } {
  return {
    pino: instance,
    debug: (msg: string, fields?: LogFields) =>
      instance.debug(fields ?? {}, msg),
    info: (msg: string, fields?: LogFields) => instance.info(fields ?? {}, msg),
    warn: (msg: string, fields?: LogFields) => instance.warn(fields ?? {}, msg),
    error: (msg: string, fields?: LogFields) =>
      instance.error(fields ?? {}, msg),
    child: (fields: LogFields) => wrap(instance.child(fields)),
  };
}
