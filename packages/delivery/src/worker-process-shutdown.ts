import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@optic/domain';

/** How long a stopping worker process lets its jobs finish, by default. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 20_000;

/**
 * Stops `workers` taking jobs and waits up to `graceMs` for those in
 * progress. BullMQ's close waits without a deadline of its own, so at the
 * deadline the jobs still running are handed back to their queue's wait
 * list: another process takes them at once, where leaving them would make
 * them wait for the stalled-job check (a lock's lifetime) and count a stall
 * against them. Returns how many were handed back.
 */
export async function drainWorkers(
  workers: Worker[],
  redis: Redis,
  graceMs: number,
  logger: Logger,
): Promise<number> {
  const closing = Promise.all(workers.map((worker) => worker.close()));
  if (await settlesWithin(closing, graceMs)) return 0;

  const counts = await Promise.all(
    workers.map((worker) => handBackOwnJobs(worker, redis)),
  );
  const handedBack = counts.reduce((sum, count) => sum + count, 0);
  logger.warn('jobs still running at the shutdown deadline handed back', {
    handedBack,
    graceMs,
  });
  return handedBack;
}

/**
 * Moves this worker's active jobs back to wait. A job's lock holds the
 * token of the worker running it (`<worker id>:<n>`), which tells ours from
 * those of other processes; the move checks the token again atomically, so
 * a job that finished meanwhile is left alone. The abandoned run cannot
 * record over the next one: BullMQ refuses its completion without the lock,
 * and the message's own state machine sees a resumed send as a retry.
 */
async function handBackOwnJobs(worker: Worker, redis: Redis): Promise<number> {
  const activeIds = await redis.lrange(worker.toKey('active'), 0, -1);
  let handedBack = 0;

  for (const jobId of activeIds) {
    const token = await redis.get(worker.toKey(`${jobId}:lock`));
    if (!token?.startsWith(`${worker.id}:`)) continue;

    const moved = await worker.backend
      .moveJobFromActiveToWait(jobId, token)
      .then(
        () => true,
        () => false,
      );
    if (moved) handedBack += 1;
  }
  return handedBack;
}

async function settlesWithin(
  work: Promise<unknown>,
  ms: number,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
