import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export const FANOUT_QUEUE = 'campaign-fanout';

/** The payload of a fan-out job: the campaign to write messages for. */
export interface FanoutJobData {
  campaignId: string;
}

/**
 * The queue of campaign fan-outs. One job id per campaign; it is removed
 * on completion so that a resume can start the fan-out again, which picks
 * up at the campaign's saved cursor.
 */
export class CampaignQueue {
  readonly queue: Queue<FanoutJobData>;

  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue(FANOUT_QUEUE, { connection, prefix });
  }

  async startFanout(campaignId: string, delayMs = 0): Promise<void> {
    await this.queue.add(
      'fanout',
      { campaignId },
      {
        jobId: `fanout-${campaignId}`,
        delay: Math.max(0, delayMs),
        attempts: 20,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    );
  }

  /**
   * Adds the campaign's fan-out again when Redis no longer has its job
   * (restarted without persistence, flushed); returns whether it did. A job
   * that exists, whatever its state, is left alone.
   */
  async restartIfLost(campaignId: string, delayMs = 0): Promise<boolean> {
    if (await this.queue.getJob(`fanout-${campaignId}`)) return false;
    await this.startFanout(campaignId, delayMs);
    return true;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
