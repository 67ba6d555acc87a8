import { Router } from 'express';
import { z } from 'zod';
import { overviewRepository } from '@optic/db';
import type { RunningCampaign, SendCount } from '@optic/db';
import type { ApiContext } from '../api-context';
import { parse } from '../http/validate';
import type { OperationSpec } from '../openapi/operation-spec';
import { contextQueues } from './context-queues';
import { queueWaits } from './queue-waits';
import type { QueueWait } from './queue-waits';

const OVERVIEW_PATH = '/v1/admin/overview';

/** The overview takes no parameter; an unknown one is named in a 400. */
const overviewQuery = z.strictObject({});

/** One shop as the overview shows it. */
interface ShopOverview {
  shopId: string;
  name: string;
  credit: { balance: number; lowThreshold: number; low: boolean };
  /** Messages queued in the last hour and day, by channel, status, reason. */
  sends: Omit<SendCount, 'shopId'>[];
  runningCampaigns: Omit<RunningCampaign, 'shopId'>[];
}

interface Overview {
  at: Date;
  /**
   * Every shop with a send in the last day, a running campaign or a
   * balance under its threshold; the others have nothing to show.
   */
  shops: ShopOverview[];
  queues: QueueWait[];
}

/**
 * `GET /v1/admin/overview`, for admin keys (ROUTE_ROLES): the business view
 * beside the queue dashboard.
 */
export function overviewRoutes(context: ApiContext): Router {
  const router = Router();
  router.get(OVERVIEW_PATH, async (req, res) => {
    parse(overviewQuery, req.query);
    res.json(await buildOverview(context));
  });
  return router;
}

export const overviewOperations: OperationSpec[] = [
  {
    method: 'GET',
    path: OVERVIEW_PATH,
    tag: 'Operations',
    summary:
      "Per shop: the last hour's and day's sends by channel, status and reason, the credit with its low flag, the running campaigns; per queue: the oldest waiting job's age",
    query: overviewQuery,
    answers: [{ description: 'The overview' }],
  },
];

/** Three queries on PostgreSQL, a few reads per queue on Redis. */
async function buildOverview(context: ApiContext): Promise<Overview> {
  const at = context.clock.now();
  const manager = context.dataSource.manager;
  const [sends, campaigns, queues] = await Promise.all([
    overviewRepository.sendCounts(manager, at),
    overviewRepository.runningCampaigns(manager),
    queueWaits(contextQueues(context)),
  ]);
  const active = new Set([...sends, ...campaigns].map((row) => row.shopId));
  const credits = await overviewRepository.shopCredits(manager, [...active]);

  const sendsOf = byShop(sends);
  const campaignsOf = byShop(campaigns);
  return {
    at,
    shops: credits.map(({ shopId, name, balance, lowThreshold, low }) => ({
      shopId,
      name,
      credit: { balance, lowThreshold, low },
      sends: sendsOf.get(shopId) ?? [],
      runningCampaigns: campaignsOf.get(shopId) ?? [],
    })),
    queues,
  };
}

/** Rows grouped by their shop, without the shop's id. */
function byShop<Row extends { shopId: string }>(
  rows: Row[],
): Map<string, Omit<Row, 'shopId'>[]> {
  const groups = new Map<string, Omit<Row, 'shopId'>[]>();
  for (const { shopId, ...rest } of rows) {
    const group = groups.get(shopId) ?? [];
    group.push(rest);
    groups.set(shopId, group);
  }
  return groups;
}
