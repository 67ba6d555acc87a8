import { SecretBox } from '@optic/domain';
import type { Logger } from '@optic/domain';
import {
  SmsChannel,
  SmsProviderRegistry,
  startWorkerProcess,
} from '@optic/delivery';
import type { WorkerProcessSettings } from '@optic/delivery';
import { OctopushSmsProvider } from '@optic/providers';
import {
  clockFrom,
  opsSettings,
  recoverySettings,
  runProcess,
} from '@optic/runtime';
import { loadConfig } from './config';
import type { SmsWorkerConfig } from './config';

runProcess('worker-sms', loadConfig, async (config, logger) => {
  const providers = smsProviders(config);
  const running = await startWorkerProcess(
    smsWorkerSettings(config, logger),
    () => new SmsChannel(providers),
  );

  return {
    close: async () => {
      await running.close();
      providers.close();
    },
  };
});

/** Octopush with the configured account, or a shop's own account. */
function smsProviders(config: SmsWorkerConfig): SmsProviderRegistry {
  const octopush = (account: {
    login: string;
    apiKey: string;
    type?: 'sms_premium' | 'sms_low_cost';
  }) =>
    new OctopushSmsProvider({
      baseUrl: config.OCTOPUSH_URL,
      timeoutMs: config.OCTOPUSH_TIMEOUT_MS,
      ...account,
    });
  const secrets = config.SECRET_KEY
    ? new SecretBox(Buffer.from(config.SECRET_KEY, 'base64'))
    : null;
  return new SmsProviderRegistry(
    octopush({ login: config.OCTOPUSH_LOGIN, apiKey: config.OCTOPUSH_API_KEY }),
    octopush,
    secrets,
  );
}

/** The SMS worker process's settings, from its configuration. */
function smsWorkerSettings(
  config: SmsWorkerConfig,
  logger: Logger,
): WorkerProcessSettings {
  return {
    channel: 'sms',
    databaseUrl: config.DATABASE_URL,
    redisUrl: config.REDIS_URL,
    queuePrefix: config.QUEUE_PREFIX,
    retryPolicy: {
      attempts: config.RETRY_ATTEMPTS,
      baseDelayMs: config.RETRY_BASE_DELAY_MS,
      maxDelayMs: config.RETRY_MAX_DELAY_MS,
    },
    concurrency: {
      counter: config.SMS_COUNTER_CONCURRENCY,
      campaign: config.SMS_CAMPAIGN_CONCURRENCY,
    },
    ...recoverySettings(config),
    crashAt: config.TEST_CRASH_AT ?? null,
    expireSentAfterMs: config.SMS_RECEIPT_TIMEOUT_HOURS * 3600 * 1000,
    poolSize: config.DATABASE_POOL_SIZE,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    campaignRatePerSecond: config.SMS_CAMPAIGN_RATE_PER_SECOND || undefined,
    clock: clockFrom(config.CLOCK_START),
    logger,
    ops: opsSettings(config),
  };
}
