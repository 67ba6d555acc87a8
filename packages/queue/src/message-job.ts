import type { JobsOptions } from 'bullmq';

/** The payload of a delivery job: Postgres holds everything else. */
export interface MessageJobData {
  messageId: string;
}

export const MESSAGE_JOB_NAME = 'deliver';

/** The name of the backoff strategy every delivery worker registers. */
export const JITTERED_BACKOFF = 'jittered-exponential';

/**
 * A job id derived from the message id, so that enqueueing the same message
 * twice (API retry, sweeper) adds one job. BullMQ ids must not contain `:`.
 */
export function messageJobId(messageId: string): string {
  return `msg-${messageId}`;
}

export interface RetryPolicy {
  /**
   * Provider calls per message, the first included.
   * @defaultValue 5
   */
  attempts: number;
  /**
   * The first retry's delay before jitter; each next one doubles.
   * @defaultValue 2000
   */
  baseDelayMs: number;
  /**
   * No retry waits longer than this.
   * @defaultValue 300000
   */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 2000,
  maxDelayMs: 300_000,
};

/** Options for one delivery job. */
export function messageJobOptions(
  messageId: string,
  policy: RetryPolicy,
  delayMs = 0,
): JobsOptions {
  return {
    jobId: messageJobId(messageId),
    attempts: policy.attempts,
    backoff: { type: JITTERED_BACKOFF },
    delay: Math.max(0, delayMs),
    // Kept for an hour so that a re-add of the same id stays a no-op while
    // the message's outcome settles; Postgres is the lasting record.
    removeOnComplete: { age: 3600, count: 50_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/**
 * The delay before retry `attempt` (1 = first retry): exponential with
 * "equal jitter", half fixed and half random, so that retries spread out
 * but still grow. `random` is injectable so tests can seed it.
 */
export function retryDelayMs(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const exponential = policy.baseDelayMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return Math.round(capped / 2 + (capped / 2) * random());
}

/** A small seeded generator (mulberry32) for reproducible jitter in tests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
