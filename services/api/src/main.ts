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
import { clockFrom, drainable, runProcess } from '@optic/runtime';
import type { ApiContext } from './api-context';
import { createApp } from './app';
import { loadConfig } from './config';
import type { ApiConfig } from './config';

/**
 * The API process: the shared start-up (configuration, service checks,
 * logger, SIGTERM), then migrations and the HTTP server, which drains its
 * requests before the connections behind them close.
 */
runProcess('api', loadConfig, async (config, logger) => {
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
  const http = drainable(server);

  return {
    close: async () => {
      const graceMs = config.SHUTDOWN_GRACE_MS;
      if (!(await http.drain(graceMs)))
        logger.warn('requests still running at the deadline were cut', {
          graceMs,
        });
      await queues.producer.close();
      await queues.fanouts.close();
      queues.redis.disconnect();
      await dataSource.destroy();
    },
  };
});

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
