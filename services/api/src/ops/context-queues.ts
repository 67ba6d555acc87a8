import type { Queue } from 'bullmq';
import type { ApiContext } from '../api-context';

/** Every queue the API can see: the message queues and any extra ones. */
export function contextQueues(context: ApiContext): Queue[] {
  return [...context.producer.allQueues(), ...(context.extraQueues ?? [])];
}
