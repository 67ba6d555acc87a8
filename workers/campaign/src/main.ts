import { startCampaignProcess } from '@optic/delivery';
import { clockFrom, opsSettings, runProcess } from '@optic/runtime';
import { loadConfig } from './config';

runProcess('worker-campaign', loadConfig, (config, logger) =>
  startCampaignProcess({
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
  }),
);
