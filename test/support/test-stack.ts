import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import type { AxiosInstance } from 'axios';
import IORedis from 'ioredis';
import { In } from 'typeorm';
import { SecretBox, systemClock } from '@optic/domain';
import type { Clock, Logger } from '@optic/domain';
import { createAdminKey, createDataSource, Document } from '@optic/db';
import {
  CampaignService,
  EmailChannel,
  SmsChannel,
  startCampaignProcess,
  SmsProviderRegistry,
  startWorkerProcess,
} from '@optic/delivery';
/** A process of the stack started in this one: SMS, e-mail, campaign. */
interface RunningWorker {
  /** Its `/metrics`, `/healthz`, `/readyz` server, when `opsServers` is on. */
  opsUrl?: string | null;
  close(): Promise<void>;
}
import {
  EmailLayout,
  EmailSender,
  LocalDocumentStore,
  OctopushSmsProvider,
} from '@optic/providers';
import type { PrivateSmtpHosts } from '@optic/providers';
import {
  CampaignQueue,
  createRedisConnection,
  MessageProducer,
} from '@optic/queue';
import type { RetryPolicy } from '@optic/queue';
import { createApp } from '@optic/api';
import { createSmsSandbox } from '@optic/sms-sandbox';
import type { SmsSandbox } from '@optic/sms-sandbox';
import { SmtpTestServer } from './smtp-test-server';
import { createTestDatabase } from './test-database';
import type { TestDatabase } from './test-database';
import { TEST_REDIS_URL } from './test-env';

export const SANDBOX_LOGIN = 'tests@optic.local';
export const SANDBOX_KEY = 'test-key';
export const TEST_WEBHOOK_TOKEN = 'test-webhook-token-0123456789';
/** The platform's secret key in tests: 32 fixed bytes. */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7);
/** Signs the unsubscribe links of marketing e-mails in tests. */
export const TEST_UNSUBSCRIBE_SECRET = 'test-unsubscribe-secret-0123456789';
/** The public address in tests' links; tests call their path on `apiUrl`. */
export const TEST_PUBLIC_BASE_URL = 'https://comm.optic.test';

export interface TestStackOptions {
  retryPolicy?: RetryPolicy;
  random?: () => number;
  clock?: Clock;
  /** Start the SMS and e-mail workers in this process. @defaultValue true */
  workers?: boolean;
  /** Start the campaign worker in this process with them. @defaultValue true */
  campaignWorker?: boolean;
  /** The SMS campaign lane's limiter. @defaultValue none */
  campaignRatePerSecond?: number;
  /** Receives every process's log. @defaultValue silent unless LOG_TESTS */
  logger?: Logger;
  /** Turn on the SMTP transports' debug log. @defaultValue false */
  smtpDebug?: boolean;
  /**
   * Shops' own SMTP servers at internal addresses, in the API and the
   * e-mail worker. @defaultValue `allow`: the tests' servers are on 127.0.0.1
   */
  privateSmtpHosts?: PrivateSmtpHosts;
  /** Limit requests per API key. @defaultValue no limit */
  rateLimit?: { perSecond: number; windowSeconds?: number };
  /** Give each worker its ops HTTP server on a free port. @defaultValue false */
  opsServers?: boolean;
  /** The Redis of the queues, e.g. a private redis-server. @defaultValue TEST_REDIS_URL */
  redisUrl?: string;
  /**
   * Where the API and the workers reach Postgres, e.g. a TCP proxy that
   * the test cuts; `db`, the test's own connection, stays direct.
   * @defaultValue the database's own address
   */
  databaseAddress?: { host: string; port: number };
}

export interface TestStack {
  db: TestDatabase;
  /** The database as the API and workers reach it (see `databaseAddress`). */
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  retryPolicy: RetryPolicy;
  sandbox: SmsSandbox;
  sandboxUrl: string;
  smtp: SmtpTestServer;
  producer: MessageProducer;
  /** Sends an admin key's `Authorization` header with every request. */
  api: AxiosInstance;
  apiUrl: string;
  /** `Bearer <admin key>`, for requests made without `api`. */
  authorization: string;
  /** The Express application behind `apiUrl` (its route table). */
  app: ReturnType<typeof createApp>;
  documentsDir: string;
  workers: RunningWorker[];
  /** Starts the SMS and e-mail workers (when the stack began without them). */
  startWorkers(): Promise<void>;
  close(): Promise<void>;
}

/** The whole product on loopback ports, with a database and key prefix of its own. */
export async function startTestStack(
  options: TestStackOptions = {},
): Promise<TestStack> {
  const clock = options.clock ?? systemClock;
  const retryPolicy = options.retryPolicy ?? {
    attempts: 3,
    baseDelayMs: 100,
    maxDelayMs: 1000,
  };
  const redisPrefix = `{t${randomBytes(5).toString('hex')}}`;
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const db = await createTestDatabase();
  const databaseUrl = withAddress(db.url, options.databaseAddress);
  const serviceDataSource =
    databaseUrl === db.url
      ? db.dataSource
      : await createDataSource({ url: databaseUrl, poolSize: 6 }).initialize();
  const documentsDir = await mkdtemp(path.join(os.tmpdir(), 'optic-docs-'));

  const sandbox = createSmsSandbox({
    login: SANDBOX_LOGIN,
    apiKey: SANDBOX_KEY,
    clock,
  });
  const { url: sandboxUrl } = await sandbox.listen(0);
  const smtp = await new SmtpTestServer().start();

  const redis = createRedisConnection(redisUrl, 'producer');
  const producer = new MessageProducer(redis, redisPrefix, retryPolicy);
  const documents = new LocalDocumentStore(documentsDir);
  const fanouts = new CampaignQueue(redis, redisPrefix);
  // Tests that kill Redis expect these; they go to the test log, not the console.
  for (const queue of [...producer.allQueues(), fanouts.queue])
    queue.on('error', (error) =>
      (options.logger ?? silentish()).warn('queue error', {
        error: error.message,
      }),
    );
  const campaigns = new CampaignService(
    serviceDataSource,
    producer,
    fanouts,
    clock,
    silentish(),
  );
  const app = createApp({
    dataSource: serviceDataSource,
    producer,
    campaigns,
    documents,
    clock,
    logger: options.logger ?? silentish(),
    secrets: new SecretBox(TEST_SECRET_KEY),
    webhookToken: TEST_WEBHOOK_TOKEN,
    limits: { documentBytes: 5 * 1024 * 1024 },
    rateLimit: options.rateLimit
      ? { redis, prefix: redisPrefix, windowSeconds: 1, ...options.rateLimit }
      : null,
    email: {
      unsubscribeSecret: TEST_UNSUBSCRIBE_SECRET,
      publicBaseUrl: TEST_PUBLIC_BASE_URL,
      attachmentBytes: 8 * 1024 * 1024,
      smtpDebug: options.smtpDebug ?? false,
      privateSmtpHosts: options.privateSmtpHosts ?? 'allow',
    },
    extraQueues: [fanouts.queue],
  });
  const server = await listen(app);
  const authorization = `Bearer ${await createAdminKey(db.dataSource.manager, 'tests')}`;
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const settings = {
    db,
    databaseUrl,
    redisUrl,
    redisPrefix,
    retryPolicy,
    clock,
    random: options.random,
    sandboxUrl,
    smtp,
    documentsDir,
    campaignWorker: options.campaignWorker !== false,
    campaignRatePerSecond: options.campaignRatePerSecond,
    logger: options.logger ?? silentish(),
    smtpDebug: options.smtpDebug ?? false,
    privateSmtpHosts: options.privateSmtpHosts ?? 'allow',
    ops: options.opsServers ? { port: 0 } : null,
  };
  const workers: RunningWorker[] = [];
  const startAll = async (): Promise<void> => {
    workers.push(...(await startWorkers(settings)));
  };
  if (options.workers !== false) await startAll();

  const close = async (): Promise<void> => {
    await Promise.all(workers.map((w) => w.close()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await fanouts.close();
    await producer.close();
    redis.disconnect();
    await sandbox.close();
    await smtp.stop();
    await deleteKeys(redisUrl, redisPrefix);
    if (serviceDataSource !== db.dataSource) await serviceDataSource.destroy();
    await db.drop();
    await rm(documentsDir, { recursive: true, force: true });
  };

  return {
    db,
    databaseUrl,
    redisUrl,
    redisPrefix,
    retryPolicy,
    sandbox,
    sandboxUrl,
    smtp,
    producer,
    api: axios.create({
      baseURL: apiUrl,
      validateStatus: () => true,
      headers: { Authorization: authorization },
    }),
    apiUrl,
    authorization,
    app,
    documentsDir,
    workers,
    startWorkers: startAll,
    close,
  };
}

interface WorkerSettings {
  db: TestDatabase;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  retryPolicy: RetryPolicy;
  clock: Clock;
  random?: () => number;
  sandboxUrl: string;
  smtp: SmtpTestServer;
  documentsDir: string;
  campaignWorker: boolean;
  campaignRatePerSecond?: number;
  logger: Logger;
  smtpDebug: boolean;
  privateSmtpHosts: PrivateSmtpHosts;
  ops: { port: number } | null;
}

async function startWorkers(s: WorkerSettings): Promise<RunningWorker[]> {
  const common = {
    databaseUrl: s.databaseUrl,
    redisUrl: s.redisUrl,
    queuePrefix: s.redisPrefix,
    retryPolicy: s.retryPolicy,
    concurrency: { counter: 10, campaign: 10 },
    sweepIntervalMs: 60_000,
    poolSize: 4,
    clock: s.clock,
    logger: s.logger,
    random: s.random,
    ops: s.ops,
  };
  const provider = new OctopushSmsProvider({
    baseUrl: s.sandboxUrl,
    login: SANDBOX_LOGIN,
    apiKey: SANDBOX_KEY,
    timeoutMs: 2000,
  });
  const sms = await startWorkerProcess(
    {
      ...common,
      channel: 'sms',
      campaignRatePerSecond: s.campaignRatePerSecond,
    },
    () =>
      new SmsChannel(
        new SmsProviderRegistry(
          provider,
          // A shop's own account talks to the same sandbox with its own keys.
          (account) =>
            new OctopushSmsProvider({
              baseUrl: s.sandboxUrl,
              timeoutMs: 2000,
              ...account,
            }),
          new SecretBox(TEST_SECRET_KEY),
        ),
      ),
  );
  const sender = new EmailSender({ logger: s.logger, debug: s.smtpDebug });
  const email = await startWorkerProcess(
    { ...common, channel: 'email' },
    (dataSource) =>
      new EmailChannel({
        sender,
        layout: new EmailLayout(),
        store: new LocalDocumentStore(s.documentsDir),
        loadDocuments: (shopId, ids) =>
          dataSource.manager.findBy(Document, { shopId, id: In(ids) }),
        defaultSmtp: { host: '127.0.0.1', port: s.smtp.port, secure: false },
        defaultFrom: 'no-reply@optic.test',
        secrets: new SecretBox(TEST_SECRET_KEY),
        unsubscribe: {
          secret: TEST_UNSUBSCRIBE_SECRET,
          baseUrl: TEST_PUBLIC_BASE_URL,
        },
        privateSmtpHosts: s.privateSmtpHosts,
        logger: s.logger,
      }),
  );
  // Pooled SMTP connections would keep the test server's close waiting.
  const closeEmail = email.close;
  email.close = async () => {
    await closeEmail();
    sender.close();
  };
  const closeSms = sms.close;
  sms.close = async () => {
    await closeSms();
    provider.close();
  };
  if (!s.campaignWorker) return [sms, email];
  const campaign = await startCampaignProcess({
    databaseUrl: s.databaseUrl,
    redisUrl: s.redisUrl,
    queuePrefix: s.redisPrefix,
    poolSize: 3,
    fanoutConcurrency: 2,
    checkIntervalMs: 200,
    retryPolicy: s.retryPolicy,
    clock: s.clock,
    logger: silentish(),
    ops: s.ops,
  });
  return [sms, email, campaign];
}

function listen(app: ReturnType<typeof createApp>): Promise<Server> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** `url` with its host and port replaced by `address`, when given. */
function withAddress(
  url: string,
  address: { host: string; port: number } | undefined,
): string {
  if (!address) return url;
  const moved = new URL(url);
  moved.hostname = address.host;
  moved.port = String(address.port);
  return moved.toString();
}

/** Removes every key this stack's queues made. */
async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new IORedis(url);
  try {
    const stream = redis.scanStream({ match: `${prefix}:*`, count: 1000 });
    for await (const keys of stream as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

/** Tests log nothing unless LOG_TESTS is set, then everything to stderr. */
function silentish() {
  const log =
    (level: string) => (msg: string, fields?: Record<string, unknown>) => {
      if (process.env.LOG_TESTS)
        process.stderr.write(
          `${level} ${msg} ${JSON.stringify(fields ?? {})}\n`,
        );
    };
  const logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => logger,
  };
  return logger;
}
