import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Clock, Logger } from '@optic/domain';
import { createDataSource } from '@optic/db';
import {
  assertNoEviction,
  CampaignQueue,
  createRedisConnection,
  FANOUT_QUEUE,
  MessageProducer,
} from '@optic/queue';
import type { FanoutJobData, RetryPolicy } from '@optic/queue';
import { CampaignService } from './campaign-service';
import { startOpsServer } from './ops-server';
import type { OpsServer, OpsServerSettings } from './ops-server';
import {
  createMetricsRegistry,
  registerQueueDepth,
} from './prometheus-metrics';
import { readinessChecks } from './readiness';

export interface CampaignProcessSettings {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  poolSize: number;
  /** Campaigns fanned out at once. */
  fanoutConcurrency: number;
  /** How often campaigns are checked for completion and lost fan-outs. */
  checkIntervalMs: number;
  retryPolicy: RetryPolicy;
  clock: Clock;
  logger: Logger;
  /**
   * Serve `/metrics`, `/healthz` and `/readyz` on this port and host.
   * @defaultValue null (no HTTP server)
   */
  ops?: OpsServerSettings | null;
}

/**
 * The campaign worker: fans campaigns out into messages, starts again the
 * fan-outs whose job Redis lost, and closes the campaigns whose messages
 * have all settled, releasing their unspent credit.
 */
export async function startCampaignProcess(
  settings: CampaignProcessSettings,
): Promise<{ opsUrl: string | null; close(): Promise<void> }> {
  const dataSource = await createDataSource({
    url: settings.databaseUrl,
    poolSize: settings.poolSize,
    applicationName: 'worker-campaign',
  }).initialize();
  const redis = createRedisConnection(settings.redisUrl, 'worker');
  await assertNoEviction(redis);

  const producer = new MessageProducer(
    redis,
    settings.queuePrefix,
    settings.retryPolicy,
  );
  const fanouts = new CampaignQueue(redis, settings.queuePrefix);
  const service = new CampaignService(
    dataSource,
    producer,
    fanouts,
    settings.clock,
    settings.logger,
  );

  const worker = startFanoutWorker(service, redis, settings);
  const checks = startCampaignChecks(service, settings);
  const ops = await startCampaignOps(settings, fanouts, dataSource, redis);

  return {
    opsUrl: ops?.url ?? null,
    close: async () => {
      await ops?.close();
      await checks.stop();
      await worker.close();
      await fanouts.close();
      await producer.close();
      redis.disconnect();
      await dataSource.destroy();
    },
  };
}

/** The BullMQ worker that runs each campaign's fan-out job. */
function startFanoutWorker(
  service: CampaignService,
  redis: Redis,
  settings: CampaignProcessSettings,
): Worker<FanoutJobData> {
  const worker = new Worker<FanoutJobData>(
    FANOUT_QUEUE,
    (job) => service.fanOut(job.data.campaignId),
    {
      connection: redis,
      prefix: settings.queuePrefix,
      concurrency: settings.fanoutConcurrency,
      // A fan-out killed mid-way is taken over soon; it resumes at its cursor.
      lockDuration: 10_000,
      stalledInterval: 5_000,
    },
  );
  worker.on('error', (error) =>
    settings.logger.error('fan-out worker error', { error: error.message }),
  );
  return worker;
}

/**
 * Every `checkIntervalMs`, restarts lost fan-outs then completes finished
 * campaigns; a check still running when the next is due is not doubled.
 * `stop` clears the timer, then waits for the check in progress.
 */
function startCampaignChecks(
  service: CampaignService,
  settings: CampaignProcessSettings,
): { stop(): Promise<void> } {
  let checking: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    checking ??= service
      .restartLostFanouts()
      .then(() => service.completeFinished())
      .catch((error: Error) =>
        settings.logger.error('campaign check failed', {
          error: error.message,
        }),
      )
      .finally(() => {
        checking = null;
      });
  }, settings.checkIntervalMs);

  return {
    stop: async () => {
      clearInterval(timer);
      await checking;
    },
  };
}

/** The fan-out queue's metrics and the ops server, when it is on. */
async function startCampaignOps(
  settings: CampaignProcessSettings,
  fanouts: CampaignQueue,
  dataSource: DataSource,
  redis: Redis,
): Promise<OpsServer | null> {
  const registry = createMetricsRegistry({ process: 'worker-campaign' });
  registerQueueDepth(registry, [fanouts.queue]);
  return settings.ops
    ? await startOpsServer(
        settings.ops,
        registry,
        readinessChecks(dataSource, redis),
      )
    : null;
}
