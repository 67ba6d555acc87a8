import type { Job, Queue } from 'bullmq';

/** How long the ready jobs of one queue have waited for a worker. */
export interface QueueWait {
  queue: string;
  /** Jobs ready to run: in the wait list, or delayed and already due. */
  waiting: number;
  /** Seconds since the longest-waiting of them became ready; null when none. */
  oldestWaitingSeconds: number | null;
}

// BullMQ keeps a delayed job's due time (ms) in its sorted-set score,
// shifted left by 12 bits to make room for a counter (see its
// getDelayedScore.lua); the score is the only place the due time is kept.
const DELAY_SCORE_SHIFT = 0x1000;

/**
 * The waiting jobs of each queue and the age of the oldest. Read from
 * Redis each time; ages are counted on the system clock, the one BullMQ
 * stamps its jobs with (not the shared clock tests may shift).
 */
export async function queueWaits(queues: Queue[]): Promise<QueueWait[]> {
  const nowMs = Date.now();
  return Promise.all(queues.map((queue) => queueWait(queue, nowMs)));
}

async function queueWait(queue: Queue, nowMs: number): Promise<QueueWait> {
  const [waiting, due, [oldest], earliestDue] = await Promise.all([
    queue.getWaitingCount(),
    // Strictly before the cutoff: the jobs due at `nowMs` are included.
    queue.getDelayedCount(nowMs + 1),
    queue.getJobs(['wait'], 0, 0, true),
    earliestDueMs(queue),
  ]);
  const since = [
    oldest ? readySinceMs(oldest) : null,
    earliestDue !== null && earliestDue <= nowMs ? earliestDue : null,
  ].filter((ms): ms is number => ms !== null);

  return {
    queue: queue.name,
    waiting: waiting + due,
    oldestWaitingSeconds:
      since.length > 0
        ? Math.max(0, (nowMs - Math.min(...since)) / 1000)
        : null,
  };
}

/**
 * When a job of the wait list became ready. BullMQ does not record when a
 * delayed job was promoted, so a job that already ran (a retry, a message
 * deferred to the sending window) counts from its last run: its age can
 * read longer than its wait, never shorter.
 */
function readySinceMs(job: Job): number {
  return Math.max(job.timestamp + (job.opts.delay ?? 0), job.processedOn ?? 0);
}

async function earliestDueMs(queue: Queue): Promise<number | null> {
  const client = await queue.getBackend().client;
  const [, score] = await client.zrange(queue.toKey('delayed'), 0, 0, {
    WITHSCORES: true,
  });
  return score === undefined
    ? null
    : Math.floor(Number(score) / DELAY_SCORE_SHIFT);
}
