import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { Visit } from '@optic/db';
import type { ApiContext } from '../api-context';
import { ApiProblem } from '../http/problem';
import { parse } from '../http/validate';
import { findClient } from './clients.routes';
import { loadShop, shopOf } from './shop-scope';

const createVisit = z.strictObject({
  clientId: z.uuid(),
  kind: z.enum(['glasses', 'contact_lenses', 'repair']),
  visitDate: z.iso.date(),
  status: z.string().trim().min(1).max(40).default('ordered'),
  readyAt: z.iso.datetime({ offset: true }).optional(),
  lensBoxDays: z.number().int().positive().max(3650).optional(),
});

export function visitsRoutes(context: ApiContext): Router {
  const router = Router();

  router.post(
    '/v1/shops/:shopId/visits',
    loadShop(context),
    async (req, res) => {
      const shop = shopOf(res);
      const input = parse(createVisit, req.body);
      const client = await findClient(context, shop.id, input.clientId);
      if (!client)
        throw ApiProblem.unprocessable(
          'clientId',
          'unknown client of this shop',
        );

      const now = context.clock.now();
      const visit = context.dataSource.manager.create(Visit, {
        id: randomUUID(),
        shopId: shop.id,
        clientId: client.id,
        kind: input.kind,
        visitDate: input.visitDate,
        status: input.status,
        readyAt: input.readyAt ? new Date(input.readyAt) : null,
        lensBoxDays: input.lensBoxDays ?? null,
        createdAt: now,
        updatedAt: now,
      });
      await context.dataSource.manager.insert(Visit, visit);
      res.status(201).json(visit);
    },
  );

  return router;
}
