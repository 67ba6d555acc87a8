import { In } from 'typeorm';
import type { DataSource } from 'typeorm';
import { SecretBox } from '@optic/domain';
import type { Logger } from '@optic/domain';
import { Document } from '@optic/db';
import { EmailChannel, startWorkerProcess } from '@optic/delivery';
import { EmailLayout, EmailSender, LocalDocumentStore } from '@optic/providers';
import {
  clockFrom,
  opsSettings,
  recoverySettings,
  runProcess,
} from '@optic/runtime';
import { loadConfig } from './config';
import type { EmailWorkerConfig } from './config';

runProcess('worker-email', loadConfig, async (config, logger) => {
  const sender = new EmailSender({
    maxConnections: 5,
    logger,
    debug: config.SMTP_DEBUG === 'true',
  });
  const documents = new LocalDocumentStore(config.DOCUMENTS_DIR);
  const running = await startWorkerProcess(
    {
      channel: 'email',
      databaseUrl: config.DATABASE_URL,
      redisUrl: config.REDIS_URL,
      queuePrefix: config.QUEUE_PREFIX,
      retryPolicy: {
        attempts: config.RETRY_ATTEMPTS,
        baseDelayMs: config.RETRY_BASE_DELAY_MS,
        maxDelayMs: config.RETRY_MAX_DELAY_MS,
      },
      concurrency: {
        counter: config.EMAIL_COUNTER_CONCURRENCY,
        campaign: config.EMAIL_CAMPAIGN_CONCURRENCY,
      },
      ...recoverySettings(config),
      poolSize: config.DATABASE_POOL_SIZE,
      shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
      campaignRatePerSecond: config.EMAIL_CAMPAIGN_RATE_PER_SECOND || undefined,
      clock: clockFrom(config.CLOCK_START),
      logger,
      ops: opsSettings(config),
      retention:
        config.RETENTION_MONTHS > 0
          ? {
              months: config.RETENTION_MONTHS,
              intervalMs: config.RETENTION_INTERVAL_MS,
              documents,
            }
          : null,
    },
    (dataSource) =>
      emailChannel(config, dataSource, { sender, documents, logger }),
  );

  return {
    close: async () => {
      await running.close();
      sender.close();
    },
  };
});

/** The channel: the shop's server or the relay, documents, secrets, links. */
function emailChannel(
  config: EmailWorkerConfig,
  dataSource: DataSource,
  parts: { sender: EmailSender; documents: LocalDocumentStore; logger: Logger },
): EmailChannel {
  const { sender, documents, logger } = parts;
  return new EmailChannel({
    sender,
    layout: new EmailLayout(),
    store: documents,
    loadDocuments: (shopId, ids) =>
      dataSource.manager.findBy(Document, { shopId, id: In(ids) }),
    defaultSmtp: {
      host: config.SMTP_HOST,
      port: config.SMTP_PORT,
      tlsMode:
        config.SMTP_TLS_MODE ??
        (config.SMTP_SECURE === 'true' ? 'tls' : 'opportunistic'),
      user: config.SMTP_USER,
      password: config.SMTP_PASSWORD,
    },
    defaultFrom: config.EMAIL_FROM,
    secrets: config.SECRET_KEY
      ? new SecretBox(Buffer.from(config.SECRET_KEY, 'base64'))
      : null,
    unsubscribe: {
      secret: config.UNSUBSCRIBE_SECRET,
      baseUrl: config.PUBLIC_BASE_URL,
    },
    privateSmtpHosts: config.SHOP_SMTP_PRIVATE_HOSTS,
    logger,
  });
}
