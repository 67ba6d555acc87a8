/** The channels a message travels on. */
export type QueueChannel = 'sms' | 'email';

/**
 * Counter sends and campaign traffic use separate queues (same workers and
 * history), so a campaign never delays a send made at the counter.
 */
export type QueueLane = 'counter' | 'campaign';

export const QUEUE_LANES: readonly QueueLane[] = ['counter', 'campaign'];

/** The queue of one channel and lane, e.g. `sms-counter`. */
export function queueName(channel: QueueChannel, lane: QueueLane): string {
  return `${channel}-${lane}`;
}

/** Every queue this product uses. */
export function allQueueNames(): string[] {
  const channels: QueueChannel[] = ['sms', 'email'];
  return channels.flatMap((channel) =>
    QUEUE_LANES.map((lane) => queueName(channel, lane)),
  );
}
