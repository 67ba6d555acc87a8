import { DelayedError, RateLimitError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { isDatabaseUnreachable } from '@optic/db';
import { silentLogger } from '@optic/domain';
import type { Clock, Logger } from '@optic/domain';
import { queueName, retryDelayMs } from '@optic/queue';
import type { MessageJobData, QueueLane, RetryPolicy } from '@optic/queue';
import { DeferDelivery, RetryableDeliveryError } from './message-processor';
import type { MessageProcessor, ProcessOutcome } from './message-processor';

const RATE_LIMIT_MARGIN_MS = 100;
const DATABASE_OUTAGE_PAUSE_MS = 2000;

/**
 * A limiter that never throttles by itself. BullMQ honours a manual
 * `rateLimit` (our pause on a 429) only on a queue that has a limiter:
 * without one, other processes, and a finishing job fetching the next,
 * carry on sending inside the provider's Retry-After.
 */
const UNTHROTTLED = { max: Number.MAX_SAFE_INTEGER, duration: 1000 };

export interface DeliveryWorkerOptions {
  connection: Redis;
  prefix: string;
  channel: 'sms' | 'email';
  processor: MessageProcessor;
  retryPolicy: RetryPolicy;
  /** The process clock, to turn "not before" instants into Redis delays. */
  clock: Clock;
  /**
   * Campaign sends per second across all processes of this channel;
   * unset means as fast as the workers go.
   */
  campaignRatePerSecond?: number;
  /** A job's lock; a dead worker's jobs are taken over after about twice this. */
  jobLockMs?: number;
  /** Jobs in progress at once, per lane. */
  concurrency: Record<QueueLane, number>;
  /** Source of jitter; tests seed it. @defaultValue Math.random */
  random?: () => number;
  logger?: Logger;
}

/**
 * Starts one BullMQ worker per lane of a channel (counter and campaign),
 * sharing the same processor, so counter sends never wait behind a
 * campaign's backlog.
 */
export function startDeliveryWorkers(options: DeliveryWorkerOptions): Worker[] {
  const lanes: QueueLane[] = ['counter', 'campaign'];
  return lanes.map((lane) => startLaneWorker(options, lane));
}

function startLaneWorker(
  options: DeliveryWorkerOptions,
  lane: QueueLane,
): Worker {
  const logger = (options.logger ?? silentLogger).child({
    queue: queueName(options.channel, lane),
  });
  const random = options.random ?? Math.random;

  const worker: Worker<MessageJobData, ProcessOutcome> = new Worker(
    queueName(options.channel, lane),
    (job, token) =>
      runJob(worker, options.processor, job, token, options.clock),
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency[lane],
      // BullMQ's defaults apply unless set: an undefined would replace them.
      ...(options.jobLockMs
        ? {
            lockDuration: options.jobLockMs,
            stalledInterval: options.jobLockMs,
          }
        : {}),
      // BullMQ's limiter counts in Redis, across every process of the
      // queue: the campaign lane of a channel never exceeds the provider's
      // agreed rate, while counter sends are never throttled.
      limiter:
        lane === 'campaign' && options.campaignRatePerSecond
          ? { max: options.campaignRatePerSecond, duration: 1000 }
          : UNTHROTTLED,
      settings: {
        backoffStrategy: (attemptsMade: number) =>
          retryDelayMs(attemptsMade, options.retryPolicy, random),
      },
    },
  );

  worker.on('failed', (job, error) => {
    logger.debug('job attempt failed', {
      jobId: job?.id,
      messageId: job?.data.messageId,
      errorName: error.name,
    });
  });
  worker.on('error', (error) => {
    logger.error('worker error', {
      errorName: error.name,
      error: error.message,
    });
  });
  return worker;
}

async function runJob(
  worker: Worker,
  processor: MessageProcessor,
  job: Job<MessageJobData, ProcessOutcome>,
  token: string | undefined,
  clock: Clock,
): Promise<ProcessOutcome> {
  const number = job.attemptsMade + 1;
  const isFinal = number >= (job.opts.attempts ?? 1);

  try {
    return await processor.process(job.data.messageId, { number, isFinal });
  } catch (error) {
    // Waiting for the sending window is not a failure: the job sleeps in
    // Redis's delayed set, without spending an attempt.
    if (error instanceof DeferDelivery) {
      const delayMs = error.until.getTime() - clock.now().getTime();
      await job.moveToDelayed(Date.now() + Math.max(0, delayMs), token);
      throw new DelayedError();
    }
    // A 429 pauses the whole queue for as long as the provider asked,
    // without spending one of the message's attempts. The provider counts
    // Retry-After from its own clock and BullMQ's limiter can wake a few
    // milliseconds early, so a margin keeps the next try from a second 429.
    if (
      error instanceof RetryableDeliveryError &&
      error.delivery.code === 'RATE_LIMITED'
    ) {
      const askedMs = error.delivery.retryAfterMs ?? 1000;
      await worker.rateLimit(askedMs + RATE_LIMIT_MARGIN_MS);
      throw new RateLimitError();
    }
    // Without Postgres no job of the lane can progress: pausing the lane
    // keeps an outage from spending every waiting message's attempts.
    if (isDatabaseUnreachable(error)) {
      await worker.rateLimit(DATABASE_OUTAGE_PAUSE_MS);
      throw new RateLimitError();
    }
    throw error;
  }
}
