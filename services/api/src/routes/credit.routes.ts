import { Router } from 'express';
import { z } from 'zod';
import { creditRepository } from '@optic/db';
import type { ApiContext } from '../api-context';
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

  return router;
}
