import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  MESSAGE_JOB_NAME,
  messageJobId,
  messageJobOptions,
} from './message-job';
import type { MessageJobData, RetryPolicy } from './message-job';
import { allQueueNames, queueName } from './queue-names';
import type { QueueChannel, QueueLane } from './queue-names';

export interface EnqueueRequest {
  messageId: string;
  channel: QueueChannel;
  lane: QueueLane;
  /** Wait this long before the first attempt (sending window, schedule). */
  delayMs?: number;
}

/** Adds delivery jobs to the right queue; shared by the API and sweeper. */
export class MessageProducer {
  private readonly queues = new Map<string, Queue<MessageJobData>>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly policy: RetryPolicy,
  ) {
    for (const name of allQueueNames()) {
      this.queues.set(name, new Queue(name, { connection, prefix }));
    }
  }

  /** Every message queue, for the dashboard and queue-depth metrics. */
  allQueues(): Queue<MessageJobData>[] {
    return [...this.queues.values()];
  }

  queue(channel: QueueChannel, lane: QueueLane): Queue<MessageJobData> {
    return this.queues.get(queueName(channel, lane))!;
  }

  async enqueue(request: EnqueueRequest): Promise<void> {
    const queue = this.queue(request.channel, request.lane);
    await queue.add(
      MESSAGE_JOB_NAME,
      { messageId: request.messageId },
      messageJobOptions(request.messageId, this.policy, request.delayMs),
    );
  }

  /**
   * Enqueues many messages of one lane with `addBulk` (one round trip per
   * page); ids already queued are left alone.
   */
  async enqueueMany(
    channel: QueueChannel,
    lane: QueueLane,
    messageIds: string[],
  ): Promise<void> {
    if (messageIds.length === 0) return;
    await this.queue(channel, lane).addBulk(
      messageIds.map((messageId) => ({
        name: MESSAGE_JOB_NAME,
        data: { messageId },
        opts: messageJobOptions(messageId, this.policy),
      })),
    );
  }

  /**
   * Enqueues a message again (retry, resume): a finished job of the same
   * id is removed first, since BullMQ ignores an add while it exists.
   */
  async requeue(
    channel: QueueChannel,
    lane: QueueLane,
    messageId: string,
  ): Promise<void> {
    const queue = this.queue(channel, lane);
    const existing = await queue.getJob(messageJobId(messageId));
    if (existing) {
      const state = await existing.getState();
      if (['waiting', 'active', 'delayed', 'prioritized'].includes(state))
        return;
      await existing.remove();
    }
    await this.enqueue({ messageId, channel, lane });
  }

  /** True when Redis answers; for readiness probes. */
  async ping(): Promise<boolean> {
    return (await this.connection.ping()) === 'PONG';
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}
