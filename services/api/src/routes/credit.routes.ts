import { Router } from 'express';
import { z } from 'zod';
import { creditRepository } from '@optic/db';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
import { parse } from '../http/validate';
import { loadShop, shopOf } from './shop-scope';

const purchase = z.strictObject({
  credits: z.number().int().positive().max(1_000_000),
  note: z.string().trim().max(200).optional(),
});

export function creditRoutes(context: ApiContext): Router {
  const router = Router();
  const scoped = loadShop(context);

  router.post(
    '/v1/shops/:shopId/credit/purchases',
    scoped,
    async (req, res) => {
      const shop = shopOf(res);
      const input = parse(purchase, req.body);
      const balance = await context.dataSource.transaction((manager) =>
        creditRepository.purchase(
          manager,
          shop.id,
          input.credits,
          input.note ?? null,
        ),
      );
      res.status(201).json({ credits: input.credits, balance });
    },
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
