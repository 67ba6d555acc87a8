import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { Clock, Logger } from '@optic/domain';
import { createDataSource } from '@optic/db';
import { startOpsServer } from './ops-server';
import type { OpsServer, OpsServerSettings } from './ops-server';
import {
  createMetricsRegistry,
  prometheusDeliveryMetrics,
  registerQueueDepth,
} from './prometheus-metrics';
import { readinessChecks } from './readiness';
import {
  assertNoEviction,
  createRedisConnection,
  MessageProducer,
} from '@optic/queue';
import type { QueueLane, RetryPolicy } from '@optic/queue';
import type { ChannelHandler } from './channel-handler';
import { startDeliveryWorkers } from './delivery-worker';
import { MessageProcessor } from './message-processor';
import { RetentionJob } from './retention';
import type { RetentionSettings } from './retention';
import { Sweeper } from './sweeper';
import { crashHookAt } from './test-crash-hook';
import {
  DEFAULT_SHUTDOWN_GRACE_MS,
  drainWorkers,
} from './worker-process-shutdown';
import type { CrashPoint } from './test-crash-hook';

export interface WorkerProcessSettings {
  channel: 'sms' | 'email';
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  retryPolicy: RetryPolicy;
  concurrency: Record<QueueLane, number>;
  /** Campaign sends per second for this channel, all processes together. */
  campaignRatePerSecond?: number;
  sweepIntervalMs: number;
  /**
   * How long a message waits (`queued`, due) or stays untouched (`sending`)
   * without a live job before the sweeper enqueues it again.
   * @defaultValue the Sweeper's: 60 s and 5 min
   */
  sweepAfterMs?: { queued: number; sending: number };
  /**
   * How long a job's lock outlives a worker that died holding it: its jobs
   * are taken over by another process within about twice this.
   * @defaultValue 30000 (BullMQ's)
   */
  jobLockMs?: number;
  /** Test hook (TEST_CRASH_AT): die here once. @defaultValue null */
  crashAt?: CrashPoint | null;
  /** Sent messages without a receipt after this long become `expired`. */
  expireSentAfterMs?: number;
  /**
   * Postgres connections of this process. A job holds one only inside its
   * two short transactions, never during the provider call, so a few serve
   * a concurrency of fifty.
   */
  poolSize: number;
  clock: Clock;
  logger: Logger;
  random?: () => number;
  /**
   * Purge personal content older than `months`, every `intervalMs`.
   * @defaultValue null (no purge in this process)
   */
  retention?: RetentionSettings | null;
  /**
   * Serve `/metrics`, `/healthz` and `/readyz` on this port and host.
   * @defaultValue null (no HTTP server)
   */
  ops?: OpsServerSettings | null;
  /**
   * On close, how long jobs in progress may run before they are handed
   * back to their queue for another process.
   * @defaultValue 20000
   */
  shutdownGraceMs?: number;
}

export interface RunningWorker {
  dataSource: DataSource;
  workers: Worker[];
  /** The ops server's address, or null when it is off. */
  opsUrl: string | null;
  close(): Promise<void>;
}

/**
 * Everything a channel's worker process runs: the database, the BullMQ
 * workers of both lanes and a sweeper. `close` stops taking jobs, waits
 * for those in progress (handing back those still running after
 * `shutdownGraceMs`), then closes connections.
 */
export async function startWorkerProcess(
  settings: WorkerProcessSettings,
  channelFor: (dataSource: DataSource) => ChannelHandler,
): Promise<RunningWorker> {
  const dataSource = await createDataSource({
    url: settings.databaseUrl,
    poolSize: settings.poolSize,
    applicationName: `worker-${settings.channel}`,
  }).initialize();

  const workerRedis = createRedisConnection(settings.redisUrl, 'worker');
  await assertNoEviction(workerRedis);
  const producerRedis = createRedisConnection(settings.redisUrl, 'worker');
  const producer = new MessageProducer(
    producerRedis,
    settings.queuePrefix,
    settings.retryPolicy,
  );

  const registry = createMetricsRegistry({
    process: `worker-${settings.channel}`,
  });
  const processor = createProcessor(settings, dataSource, channelFor, registry);
  const workers = startJobWorkers(settings, workerRedis, processor);
  const { sweeper, retention } = startHousekeeping(
    settings,
    dataSource,
    producer,
  );
  const ops = await startWorkerOps(settings, registry, producer, {
    dataSource,
    producerRedis,
  });

  let closing: Promise<void> | null = null;
  const parts = { ops, sweeper, retention, workers, producer };
  const connections = { workerRedis, producerRedis, dataSource };
  // Closing twice (a signal during a test's own close) waits for the first.
  const close = (): Promise<void> =>
    (closing ??= shutDownWorkerProcess(settings, parts, connections));
  return { dataSource, workers, opsUrl: ops?.url ?? null, close };
}

/** The delivery logic of every job, with this process's metrics. */
function createProcessor(
  settings: WorkerProcessSettings,
  dataSource: DataSource,
  channelFor: (dataSource: DataSource) => ChannelHandler,
  registry: Registry,
): MessageProcessor {
  const channel = channelFor(dataSource);
  return new MessageProcessor(
    dataSource,
    channel,
    settings.clock,
    settings.logger,
    prometheusDeliveryMetrics(registry),
    crashHookAt(settings.crashAt),
  );
}

/** The BullMQ workers of the channel's counter and campaign lanes. */
function startJobWorkers(
  settings: WorkerProcessSettings,
  connection: Redis,
  processor: MessageProcessor,
): Worker[] {
  return startDeliveryWorkers({
    connection,
    prefix: settings.queuePrefix,
    channel: settings.channel,
    processor,
    retryPolicy: settings.retryPolicy,
    clock: settings.clock,
    concurrency: settings.concurrency,
    campaignRatePerSecond: settings.campaignRatePerSecond,
    jobLockMs: settings.jobLockMs,
    random: settings.random,
    logger: settings.logger,
  });
}

/** The sweeper, and the retention purge when this process runs it. */
function startHousekeeping(
  settings: WorkerProcessSettings,
  dataSource: DataSource,
  producer: MessageProducer,
): { sweeper: Sweeper; retention: RetentionJob | null } {
  const sweeper = new Sweeper(
    dataSource,
    producer,
    settings.clock,
    {
      expireSentAfterMs: settings.expireSentAfterMs,
      channel: settings.channel,
      queuedAfterMs: settings.sweepAfterMs?.queued,
      sendingAfterMs: settings.sweepAfterMs?.sending,
    },
    settings.logger,
  );
  sweeper.start(settings.sweepIntervalMs);

  const retention = settings.retention
    ? new RetentionJob(
        dataSource,
        settings.retention,
        settings.clock,
        settings.logger,
      )
    : null;
  retention?.start();
  return { sweeper, retention };
}

/** The lanes' queue depths, and the ops server when it is on. */
async function startWorkerOps(
  settings: WorkerProcessSettings,
  registry: Registry,
  producer: MessageProducer,
  checked: { dataSource: DataSource; producerRedis: Redis },
): Promise<OpsServer | null> {
  registerQueueDepth(registry, [
    producer.queue(settings.channel, 'counter'),
    producer.queue(settings.channel, 'campaign'),
  ]);
  return settings.ops
    ? await startOpsServer(
        settings.ops,
        registry,
        readinessChecks(checked.dataSource, checked.producerRedis),
      )
    : null;
}

/**
 * Stops what takes new work first (ops server, sweeper, purge), drains the
 * workers, then closes the connections.
 */
async function shutDownWorkerProcess(
  settings: WorkerProcessSettings,
  parts: {
    ops: OpsServer | null;
    sweeper: Sweeper;
    retention: RetentionJob | null;
    workers: Worker[];
    producer: MessageProducer;
  },
  connections: {
    workerRedis: Redis;
    producerRedis: Redis;
    dataSource: DataSource;
  },
): Promise<void> {
  await parts.ops?.close();
  await parts.sweeper.stop();
  await parts.retention?.stop();
  await drainWorkers(
    parts.workers,
    connections.producerRedis,
    settings.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
    settings.logger,
  );

  await parts.producer.close();
  connections.workerRedis.disconnect();
  connections.producerRedis.disconnect();
  await connections.dataSource.destroy();
}
