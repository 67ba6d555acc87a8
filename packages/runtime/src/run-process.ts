import type { Logger } from '@optic/domain';
import { ConfigError } from './env-schema';
import { onShutdown } from './graceful-shutdown';
import { createProcessLogger, logFormatOf } from './process-logger';
import type { LogFormat } from './process-logger';
import { checkPostgres, checkRedis } from './service-checks';

/** What every process's configuration holds. */
export interface ProcessBasics {
  REDIS_URL: string;
  DATABASE_URL: string;
  LOG_LEVEL: string;
  SHUTDOWN_GRACE_MS: number;
  LOG_FORMAT?: LogFormat;
  NODE_ENV?: string;
}

/**
 * The edge every worker process shares: read the configuration, check that
 * Redis and Postgres answer, start, and close cleanly on SIGTERM. A wrong
 * environment is the operator's to fix, so it is reported as one sentence
 * naming the variable, without a stack trace, and the process exits 1.
 */
export function runProcess<Config extends ProcessBasics>(
  name: string,
  loadConfig: () => Config,
  start: (
    config: Config,
    logger: Logger,
  ) => Promise<{ close(): Promise<void> }>,
): void {
  run(name, loadConfig, start).catch((error: Error) => {
    const message =
      error instanceof ConfigError
        ? error.message
        : (error.stack ?? error.message);
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(1);
  });
}

async function run<Config extends ProcessBasics>(
  name: string,
  loadConfig: () => Config,
  start: (
    config: Config,
    logger: Logger,
  ) => Promise<{ close(): Promise<void> }>,
): Promise<void> {
  const config = loadConfig();
  const logger = createProcessLogger({
    name,
    level: config.LOG_LEVEL,
    format: logFormatOf(config),
  });

  const unreachable =
    (await checkRedis(config.REDIS_URL)) ??
    (await checkPostgres(config.DATABASE_URL));
  if (unreachable) throw new ConfigError(unreachable);

  const running = await start(config, logger);
  logger.info(`${name} started`, { pid: process.pid });
  onShutdown(() => running.close(), logger, {
    graceMs: config.SHUTDOWN_GRACE_MS,
  });
}
