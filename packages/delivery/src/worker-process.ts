import type { Worker } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Clock, Logger } from '@optic/domain';
import { createDataSource } from '@optic/db';
import { startOpsServer } from './ops-server';
import type { OpsServerSettings } from './ops-server';
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
  const channel = channelFor(dataSource);
  const processor = new MessageProcessor(
    dataSource,
    channel,
    settings.clock,
    settings.logger,
    prometheusDeliveryMetrics(registry),
    crashHookAt(settings.crashAt),
  );
  const workers = startDeliveryWorkers({
    connection: workerRedis,
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

  registerQueueDepth(registry, [
    producer.queue(settings.channel, 'counter'),
    producer.queue(settings.channel, 'campaign'),
  ]);
  const ops = settings.ops
    ? await startOpsServer(
        settings.ops,
        registry,
        readinessChecks(dataSource, producerRedis),
      )
    : null;

  let closing: Promise<void> | null = null;
  const shutDown = async (): Promise<void> => {
    await ops?.close();
    await sweeper.stop();
    await retention?.stop();
    await drainWorkers(
      workers,
      producerRedis,
      settings.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
      settings.logger,
    );
    await producer.close();
    workerRedis.disconnect();
    producerRedis.disconnect();
    await dataSource.destroy();
  };
  // Closing twice (a signal during a test's own close) waits for the first.
  const close = (): Promise<void> => (closing ??= shutDown());
  return { dataSource, workers, opsUrl: ops?.url ?? null, close };
}
