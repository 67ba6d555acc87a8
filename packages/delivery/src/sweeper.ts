import type { DataSource } from 'typeorm';
import { silentLogger } from '@optic/domain';
import type { Clock, Logger } from '@optic/domain';
import { messageJobId } from '@optic/queue';
import type { MessageProducer } from '@optic/queue';

export interface SweeperOptions {
  /**
   * A `queued` message due for this long without a live job is re-enqueued.
   * @defaultValue 60000
   */
  queuedAfterMs?: number;
  /**
   * A `sending` message untouched for this long without a live job is
   * re-enqueued (the worker then decides whether it may resend).
   * @defaultValue 300000
   */
  sendingAfterMs?: number;
  /**
   * A message `sent` this long ago with no receipt becomes `expired`.
   * Only for channels with receipts (SMS); unset means never.
   */
  expireSentAfterMs?: number;
  /** The channel whose sent messages may expire. */
  channel?: 'sms' | 'email';
  /**
   * Messages looked at per sweep.
   * @defaultValue 500
   */
  batchSize?: number;
}

interface Candidate {
  id: string;
  channel: 'sms' | 'email';
  campaign_id: string | null;
  not_before: Date | null;
}

const LIVE_STATES = new Set([
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
]);

/**
 * Postgres is the source of truth, Redis the transport: the sweeper finds
 * due messages whose job was never added (enqueue failed) or was lost
 * (Redis flushed or restarted without persistence) and adds it again.
 * Job ids derive from message ids, so sweepers in several processes at
 * once still add one job per message.
 */
export class Sweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: MessageProducer,
    private readonly clock: Clock,
    private readonly options: SweeperOptions = {},
    private readonly logger: Logger = silentLogger,
  ) {}

  /** Runs one pass; returns how many messages were re-enqueued. */
  async sweepOnce(): Promise<number> {
    await this.expireUnconfirmed();
    let requeued = 0;
    for (const candidate of await this.candidates()) {
      if (await this.requeueIfLost(candidate)) requeued += 1;
    }
    if (requeued > 0)
      this.logger.warn('re-enqueued lost messages', { count: requeued });
    return requeued;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweepOnce()
        .catch((error: Error) => {
          this.logger.error('sweep failed', { error: error.message });
          return 0;
        })
        .finally(() => {
          this.running = null;
        });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Marks `expired` the sent messages whose receipt never came. */
  async expireUnconfirmed(): Promise<number> {
    const { expireSentAfterMs, channel } = this.options;
    if (expireSentAfterMs === undefined || !channel) return 0;

    const now = this.clock.now();
    const expired: unknown[] = await this.dataSource.query(
      `WITH changed AS (
         UPDATE message SET status = 'expired', expired_at = $1, updated_at = $1,
           reason = 'no_receipt'
         WHERE id IN (SELECT id FROM message WHERE status = 'sent' AND channel = $2
                      AND sent_at <= $3 LIMIT $4)
         RETURNING id)
       SELECT id FROM changed`,
      [
        now,
        channel,
        new Date(now.getTime() - expireSentAfterMs),
        this.options.batchSize ?? 500,
      ],
    );
    if (expired.length > 0)
      this.logger.info('expired messages without receipt', {
        count: expired.length,
      });
    return expired.length;
  }

  private async candidates(): Promise<Candidate[]> {
    const now = this.clock.now().getTime();
    const queuedBefore = new Date(now - (this.options.queuedAfterMs ?? 60_000));
    const sendingBefore = new Date(
      now - (this.options.sendingAfterMs ?? 300_000),
    );

    return this.dataSource.query(
      `SELECT m.id, m.channel, m.campaign_id, m.not_before FROM message m
       LEFT JOIN campaign c ON c.id = m.campaign_id
       WHERE ((m.status = 'queued' AND coalesce(m.not_before, m.queued_at) <= $1)
           OR (m.status = 'sending' AND m.updated_at <= $2))
         AND (c.id IS NULL OR c.status NOT IN ('paused', 'cancelled'))
       ORDER BY m.updated_at LIMIT $3`,
      [queuedBefore, sendingBefore, this.options.batchSize ?? 500],
    );
  }

  private async requeueIfLost(candidate: Candidate): Promise<boolean> {
    const lane = candidate.campaign_id ? 'campaign' : 'counter';
    const queue = this.producer.queue(candidate.channel, lane);
    const job = await queue.getJob(messageJobId(candidate.id));

    if (job) {
      if (LIVE_STATES.has(await job.getState())) return false;
      // A finished or failed job whose message is still pending: replace it.
      await job.remove();
    }
    await this.producer.enqueue({
      messageId: candidate.id,
      channel: candidate.channel,
      lane,
    });
    return true;
  }
}
