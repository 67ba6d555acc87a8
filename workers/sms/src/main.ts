import { SecretBox } from '@optic/domain';
import {
  SmsChannel,
  SmsProviderRegistry,
  startWorkerProcess,
} from '@optic/delivery';
import { OctopushSmsProvider } from '@optic/providers';
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
    name: 'worker-sms',
    level: config.LOG_LEVEL,
  });

  const unreachable =
    (await checkRedis(config.REDIS_URL)) ??
    (await checkPostgres(config.DATABASE_URL));
  if (unreachable) throw new ConfigError(unreachable);

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
  const providers = new SmsProviderRegistry(
    octopush({ login: config.OCTOPUSH_LOGIN, apiKey: config.OCTOPUSH_API_KEY }),
    octopush,
    secrets,
  );
  const running = await startWorkerProcess(
    {
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
      sweepIntervalMs: config.SWEEP_INTERVAL_MS,
      expireSentAfterMs: config.SMS_RECEIPT_TIMEOUT_HOURS * 3600 * 1000,
      poolSize: config.DATABASE_POOL_SIZE,
      campaignRatePerSecond: config.SMS_CAMPAIGN_RATE_PER_SECOND || undefined,
      clock: clockFrom(config.CLOCK_START),
      logger,
      ops: opsSettings(config),
    },
    () => new SmsChannel(providers),
  );

  logger.info('sms worker started', { pid: process.pid });
  onShutdown(async () => {
    await running.close();
    providers.close();
  }, logger);
}

main().catch((error: Error) => {
  // A wrong environment is the operator's to fix: say what, not where in the code.
  const message =
    error instanceof ConfigError
      ? error.message
      : (error.stack ?? error.message);
  process.stderr.write(`worker-sms: ${message}\n`);
  process.exit(1);
});
