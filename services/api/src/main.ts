import type { Server } from 'node:http';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { SecretBox } from '@optic/domain';
import type { Logger } from '@optic/domain';
import { createDataSource, runMigrations } from '@optic/db';
import { LocalDocumentStore } from '@optic/providers';
import {
  CampaignQueue,
  createRedisConnection,
  MessageProducer,
} from '@optic/queue';
import { CampaignService } from '@optic/delivery';
import {
  checkPostgres,
  checkRedis,
  clockFrom,
  ConfigError,
  createProcessLogger,
  drainable,
  logFormatOf,
  onShutdown,
} from '@optic/runtime';
import type { ApiContext } from './api-context';
import { createApp } from './app';
import { loadConfig } from './config';
import type { ApiConfig } from './config';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createProcessLogger({
    name: 'api',
    level: config.LOG_LEVEL,
    format: logFormatOf(config),
  });

  const unreachable =
    (await checkRedis(config.REDIS_URL)) ??
    (await checkPostgres(config.DATABASE_URL));
  if (unreachable) throw new ConfigError(unreachable);

  const dataSource = await createDataSource({
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    applicationName: 'api',
  }).initialize();
  await runMigrations(dataSource);

  const queues = openQueues(config);
  const app = createApp(apiContext(config, dataSource, queues, logger));

  const server: Server = app.listen(config.API_PORT, config.API_HOST, () => {
    logger.info('api listening', {
      host: config.API_HOST,
      port: config.API_PORT,
    });
  });
  stopOnSignal(server, config.SHUTDOWN_GRACE_MS, logger, async () => {
    await queues.producer.close();
    await queues.fanouts.close();
    queues.redis.disconnect();
    await dataSource.destroy();
  });
}

/** The Redis connection and the queues the API adds jobs to. */
interface ApiQueues {
  redis: Redis;
  producer: MessageProducer;
  fanouts: CampaignQueue;
}

function openQueues(config: ApiConfig): ApiQueues {
  const redis = createRedisConnection(config.REDIS_URL, 'producer');
  const producer = new MessageProducer(redis, config.QUEUE_PREFIX, {
    attempts: config.RETRY_ATTEMPTS,
    baseDelayMs: config.RETRY_BASE_DELAY_MS,
    maxDelayMs: config.RETRY_MAX_DELAY_MS,
  });
  return {
    redis,
    producer,
    fanouts: new CampaignQueue(redis, config.QUEUE_PREFIX),
  };
}

function apiContext(
  config: ApiConfig,
  dataSource: DataSource,
  queues: ApiQueues,
  logger: Logger,
): ApiContext {
  const { redis, producer, fanouts } = queues;
  const clock = clockFrom(config.CLOCK_START);
  return {
    dataSource,
    producer,
    campaigns: new CampaignService(
      dataSource,
      producer,
      fanouts,
      clock,
      logger,
    ),
    documents: new LocalDocumentStore(config.DOCUMENTS_DIR),
    clock,
    logger,
    secrets: config.SECRET_KEY
      ? new SecretBox(Buffer.from(config.SECRET_KEY, 'base64'))
      : null,
    webhookToken: config.OCTOPUSH_WEBHOOK_TOKEN,
    webhookReplayWindowHours: config.WEBHOOK_REPLAY_WINDOW_HOURS,
    limits: { documentBytes: config.DOCUMENT_MAX_BYTES },
    rateLimit: {
      redis,
      prefix: config.QUEUE_PREFIX,
      perSecond: config.RATE_LIMIT_PER_SECOND,
      windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
    },
    email: {
      unsubscribeSecret: config.UNSUBSCRIBE_SECRET,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      attachmentBytes: config.EMAIL_ATTACHMENTS_MAX_BYTES,
      smtpDebug: config.SMTP_DEBUG === 'true',
      privateSmtpHosts: config.SHOP_SMTP_PRIVATE_HOSTS,
    },
    extraQueues: [fanouts.queue],
  };
}

/**
 * On SIGTERM: stop accepting connections, let the requests in progress
 * finish (cut after `graceMs`), then close the connections behind them.
 */
function stopOnSignal(
  server: Server,
  graceMs: number,
  logger: Logger,
  closeConnections: () => Promise<void>,
): void {
  const http = drainable(server);
  const close = async (): Promise<void> => {
    if (!(await http.drain(graceMs)))
      logger.warn('requests still running at the deadline were cut', {
        graceMs,
      });
    await closeConnections();
  };
  onShutdown(close, logger, { graceMs });
}

main().catch((error: Error) => {
  const message =
    error instanceof ConfigError
      ? error.message
      : (error.stack ?? error.message);
  process.stderr.write(`api: ${message}\n`);
  process.exit(1);
});
