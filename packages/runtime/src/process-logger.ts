import pino from 'pino';
import type { DestinationStream, Logger as Pino } from 'pino';
import { build as prettyStream } from 'pino-pretty';
import { maskLogFields, maskLogText } from '@optic/domain';
import type { LogFields, Logger } from '@optic/domain';

/** `json`: one object per line, for machines; `pretty`: for people. */
export type LogFormat = 'json' | 'pretty';

/** How a process's logger is built. */
export interface ProcessLoggerOptions {
  /** The process's name, on every line (`api`, `worker-sms`…). */
  name: string;
  /** The lowest pino level written. */
  level: string;
  /**
   * How lines are written.
   * @defaultValue 'json'
   */
  format?: LogFormat;
  /**
   * Where lines go.
   * @defaultValue the process's standard output
   */
  destination?: DestinationStream;
}

/**
 * The process's pino logger, adapted to the Logger interface packages take.
 * Every field, every child's bindings and every message are masked
 * (maskLogFields, maskLogText) before they are written, in either format:
 * a secret or a content is replaced, a phone number or an address masked.
 */
export function createProcessLogger(
  options: ProcessLoggerOptions,
): Logger & { pino: Pino } {
  const instance = pino(
    {
      name: options.name,
      level: options.level,
      formatters: { log: maskLogFields },
    },
    destinationOf(options),
  );
  return wrap(instance);
}

/** `LOG_FORMAT` when set, else pretty in development and JSON elsewhere. */
export function logFormatOf(config: {
  LOG_FORMAT?: LogFormat;
  NODE_ENV?: string;
}): LogFormat {
  return (
    config.LOG_FORMAT ?? (config.NODE_ENV === 'development' ? 'pretty' : 'json')
  );
}

function destinationOf(
  options: ProcessLoggerOptions,
): DestinationStream | undefined {
  if (options.format !== 'pretty') return options.destination;
  // In the process itself, not pino's worker-thread transport: a line is
  // written before the process can exit, and nothing else is started.
  return prettyStream({
    destination: options.destination ?? 1,
    sync: true,
    colorize: !options.destination && process.stdout.isTTY,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
}

function wrap(instance: Pino): Logger & { pino: Pino } {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (msg: string, fields?: LogFields) =>
      instance[level](fields ?? {}, maskLogText(msg));
  return {
    pino: instance,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    // pino's formatters do not see a child's bindings: masked here.
    child: (fields: LogFields) => wrap(instance.child(maskLogFields(fields))),
  };
}
