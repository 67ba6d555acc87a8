import type { Queue } from 'bullmq';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
} from 'prom-client';
import type { DeliveryMetrics } from './delivery-metrics';

/** The states a queue's depth is reported in. */
export const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'failed',
  'completed',
  'prioritized',
] as const;

/**
 * A registry of its own for one process (or one component of a test
 * process), with Node's default metrics: event-loop lag, heap, GC, handles.
 */
export function createMetricsRegistry(labels: { process: string }): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Queue depth as a gauge read from BullMQ on each scrape, so that it costs
 * nothing between scrapes and is never stale.
 */
export function registerQueueDepth(registry: Registry, queues: Queue[]): void {
  new Gauge({
    name: 'optic_queue_jobs',
    help: 'Jobs in each queue, by state, read from Redis at scrape time.',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const counts = await Promise.all(
        queues.map((queue) => queue.getJobCounts(...QUEUE_STATES)),
      );
      queues.forEach((queue, i) => {
        for (const state of QUEUE_STATES) {
          this.set({ queue: queue.name, state }, counts[i]?.[state] ?? 0);
        }
      });
    },
  });
}

/** The delivery pipeline's counters and latency histogram, in `registry`. */
export function prometheusDeliveryMetrics(registry: Registry): DeliveryMetrics {
  const registers = [registry];
  const messages = new Counter({
    name: 'optic_messages_total',
    help: 'Messages that reached a settled state, by channel, status and reason.',
    labelNames: ['channel', 'status', 'reason'],
    registers,
  });
  const creditRejections = new Counter({
    name: 'optic_credit_rejections_total',
    help: 'Messages rejected because the shop had not enough credit.',
    labelNames: ['channel'],
    registers,
  });
  const latency = new Histogram({
    name: 'optic_provider_request_duration_seconds',
    help: 'Time of one provider call (Octopush HTTP, SMTP), by outcome.',
    labelNames: ['channel', 'provider', 'outcome'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const retries = new Counter({
    name: 'optic_delivery_retries_total',
    help: 'Failed attempts that will be retried, by channel and error code.',
    labelNames: ['channel', 'code'],
    registers,
  });
  return {
    messageSettled(channel, status, reason) {
      messages.inc({ channel, status, reason });
      if (reason === 'insufficient_credit') creditRejections.inc({ channel });
    },
    providerRequest(channel, provider, outcome, seconds) {
      latency.observe({ channel, provider, outcome }, seconds);
    },
    retry(channel, code) {
      retries.inc({ channel, code });
    },
  };
}
