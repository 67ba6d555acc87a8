/** Structured fields attached to a log entry: identifiers, never bodies. */
export type LogFields = Record<string, unknown>;

/**
 * The logger every package receives from its process. Only services and
 * workers create a real one (pino); with none supplied nothing is logged.
 */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** A logger that drops everything; the default in packages. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
