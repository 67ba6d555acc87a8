import { pino } from 'pino';
import type { Logger as PinoLogger, LevelWithSilent } from 'pino';

import type { Logger } from '@optic/domain';

/** The process logger: pino on stdout, behind the domain's interface. */
export function createPinoLogger(level: LevelWithSilent): Logger {
  return adapt(pino({ level, base: { service: 'sms-sandbox' } }));
}

function adapt(logger: PinoLogger): Logger {
  return {
    debug: (msg, fields) => logger.debug(fields ?? {}, msg),
    info: (msg, fields) => logger.info(fields ?? {}, msg),
    warn: (msg, fields) => logger.warn(fields ?? {}, msg),
    error: (msg, fields) => logger.error(fields ?? {}, msg),
    child: (fields) => adapt(logger.child(fields)),
  };
}
