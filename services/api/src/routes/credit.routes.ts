import { Router } from 'express';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { creditRepository } from '@optic/db';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
import { ApiProblem } from '../http/problem';
import { parse } from '../http/validate';
import { loadShop, shopOf } from './shop-scope';

/** The largest purchase in one request. */
const MAX_PURCHASE = 1_000_000;

/** `shop.credit_balance` is a PostgreSQL integer. */
const MAX_BALANCE = 2_147_483_647;

const purchase = z.strictObject({
  credits: z.number().int().positive().max(MAX_PURCHASE),
  note: z.string().trim().max(200).optional(),
});

export function creditRoutes(context: ApiContext): Router {
  const router = Router();
  const scoped = loadShop(context);

  router.post(
    '/v1/shops/:shopId/credit/purchases',
    scoped,
    purchaseHandler(context),
  );

  router.get('/v1/shops/:shopId/credit', scoped, async (_req, res) => {
    const balance = await creditRepository.balance(
      context.dataSource.manager,
      shopOf(res).id,
    );
    res.json({ balance });
  });

  router.get('/v1/shops/:shopId/credit/ledger', scoped, async (req, res) => {
    const { cursor, limit } = parse(ledgerQuery, req.query);
    const shopId = shopOf(res).id;
    const rows = await creditRepository.ledger(
      context.dataSource.manager,
      shopId,
      cursor ? Number(cursor) : null,
      limit + 1,
    );
    const page = rows.slice(0, limit);
    const balance = await creditRepository.balance(
      context.dataSource.manager,
      shopId,
    );
    res.json({
      balance,
      items: page,
      nextCursor:
        rows.length > limit ? String(page[page.length - 1]!.id) : null,
    });
  });

  return router;
}

function purchaseHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const shop = shopOf(res);
    const input = parse(purchase, req.body);
    const balance = await context.dataSource
      .transaction((manager) =>
        creditRepository.purchase(
          manager,
          shop.id,
          input.credits,
          input.note ?? null,
        ),
      )
      .catch((error: unknown) => {
        throw isOutOfRange(error) ? balanceTooHigh(input.credits) : error;
      });
    res.status(201).json({ credits: input.credits, balance });
  };
}

// The column itself refuses the sum, so two purchases at once cannot
// both pass a check made before them.
function isOutOfRange(error: unknown): boolean {
  return (error as { code?: string }).code === '22003';
}

function balanceTooHigh(credits: number): ApiProblem {
  return new ApiProblem(
    422,
    'balance_limit_exceeded',
    `credits: ${credits} more would take the balance over ${MAX_BALANCE}`,
    [{ path: 'credits', message: `the balance may not exceed ${MAX_BALANCE}` }],
    { maximumBalance: MAX_BALANCE },
  );
}

const ledgerQuery = z.strictObject({
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'a cursor returned by this API')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const CREDIT = '/v1/shops/:shopId/credit';

/** What `/openapi.json` says of these routes. */
export const creditOperations: OperationSpec[] = [
  {
    method: 'POST',
    path: `${CREDIT}/purchases`,
    tag: 'Credit',
    summary: 'Add purchased SMS credit',
    body: purchase,
    answers: [
      { status: 201, description: 'The credits added and the balance' },
    ],
    problems: [422],
  },
  {
    method: 'GET',
    path: CREDIT,
    tag: 'Credit',
    summary: 'The balance',
    answers: [{ description: 'The balance' }],
  },
  {
    method: 'GET',
    path: `${CREDIT}/ledger`,
    tag: 'Credit',
    summary:
      'Purchases, debits, refunds, reservations and releases, newest first',
    query: ledgerQuery,
    answers: [{ description: 'The balance, a page of entries, the cursor' }],
  },
];
