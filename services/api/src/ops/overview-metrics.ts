import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { overviewRepository } from '@optic/db';
import type { ApiContext } from '../api-context';
import { contextQueues } from './context-queues';
import { queueWaits } from './queue-waits';

/**
 * The overview's alerting figures, read at scrape time. Low credit is one
 * count over all shops rather than a gauge per shop: a label per shop
 * would carry its id (labels never carry ids, and thousands of shops would
 * make thousands of series), while `optic_shops_low_credit > 0` is the
 * alert and `GET /v1/admin/overview` names the shops.
 */
export function registerOverviewGauges(
  registry: Registry,
  context: ApiContext,
): void {
  new Gauge({
    name: 'optic_shops_low_credit',
    help: 'Shops whose SMS credit is under their low-credit threshold.',
    registers: [registry],
    async collect() {
      this.set(
        await overviewRepository.lowCreditShopCount(context.dataSource.manager),
      );
    },
  });
  new Gauge({
    name: 'optic_queue_oldest_waiting_seconds',
    help: 'Age of the longest-waiting ready job of each queue (0: none waits).',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      for (const wait of await queueWaits(contextQueues(context))) {
        this.set({ queue: wait.queue }, wait.oldestWaitingSeconds ?? 0);
      }
    },
  });
}
