import { startCampaignProcess } from '@optic/delivery';
import {
  checkPostgres,
  checkRedis,
  clockFrom,
  ConfigError,
  createProcessLogger,
  onShutdown,
  opsSettings,
} from '@optic/runtime';
import { loadConfig } from './config';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createProcessLogger({
    name: 'worker-campaign',
    level: config.LOG_LEVEL,
  });

  const unreachable =
    (await checkRedis(config.REDIS_URL)) ??
    (await checkPostgres(config.DATABASE_URL));
  if (unreachable) throw new ConfigError(unreachable);

  const running = await startCampaignProcess({
    databaseUrl: config.DATABASE_URL,
    redisUrl: config.REDIS_URL,
    queuePrefix: config.QUEUE_PREFIX,
    poolSize: config.DATABASE_POOL_SIZE,
    fanoutConcurrency: config.FANOUT_CONCURRENCY,
    checkIntervalMs: config.CAMPAIGN_CHECK_INTERVAL_MS,
    retryPolicy: {
      attempts: config.RETRY_ATTEMPTS,
      baseDelayMs: config.RETRY_BASE_DELAY_MS,
      maxDelayMs: config.RETRY_MAX_DELAY_MS,
    },
    clock: clockFrom(config.CLOCK_START),
    logger,
    ops: opsSettings(config),
  });

  logger.info('campaign worker started', { pid: process.pid });
  onShutdown(() => running.close(), logger);
}

main().catch((error: Error) => {
  const message =
    error instanceof ConfigError
      ? error.message
      : (error.stack ?? error.message);
  process.stderr.write(`worker-campaign: ${message}\n`);
  process.exit(1);
});
