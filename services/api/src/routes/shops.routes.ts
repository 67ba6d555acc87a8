import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { Shop } from '@optic/db';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
import { parse } from '../http/validate';
import { loadShop, shopOf } from './shop-scope';
import { senderName, shopView, timeZone } from './shop-view';

const createShop = z.strictObject({
  name: z.string().trim().min(1).max(200),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'an ISO 3166 code such as FR')
    .default('FR'),
  region: z.string().trim().max(10).optional(),
  timeZone: timeZone.default('Europe/Paris'),
  miniSiteUrl: z.url({ protocol: /^https?$/ }).optional(),
  smsSender: senderName.optional(),
  smsHeader: z.string().max(160).optional(),
  smsSignature: z.string().max(160).optional(),
  smsStopMention: z.string().max(40).optional(),
  smsTransliterate: z.boolean().default(false),
  emailFromAddress: z.email().optional(),
  emailFromName: z.string().max(100).optional(),
});

export function shopsRoutes(context: ApiContext): Router {
  const router = Router();

  router.post('/v1/shops', async (req, res) => {
    const input = parse(createShop, req.body);
    const now = context.clock.now();
    const shop = context.dataSource.manager.create(Shop, {
      ...input,
      id: randomUUID(),
      region: input.region ?? null,
      miniSiteUrl: input.miniSiteUrl ?? null,
      smsSender: input.smsSender ?? null,
      smsHeader: input.smsHeader ?? null,
      smsSignature: input.smsSignature ?? null,
      smsStopMention: input.smsStopMention ?? null,
      emailFromAddress: input.emailFromAddress ?? null,
      emailFromName: input.emailFromName ?? null,
      smtpSecure: false,
      copyPolicy: 'none',
      creditBalance: 0,
      createdAt: now,
      updatedAt: now,
    });
    await context.dataSource.manager.insert(Shop, shop);
    res.status(201).location(`/v1/shops/${shop.id}`).json(shopView(shop));
  });

  router.get('/v1/shops/:shopId', loadShop(context), (_req, res) => {
    res.json(shopView(shopOf(res)));
  });

  return router;
}

/** What `/openapi.json` says of these routes. */
export const shopsOperations: OperationSpec[] = [
  {
    method: 'POST',
    path: '/v1/shops',
    tag: 'Shops',
    summary: 'Create a shop',
    body: createShop,
    answers: [{ status: 201, description: 'The shop' }],
  },
  {
    method: 'GET',
    path: '/v1/shops/:shopId',
    tag: 'Shops',
    summary: 'Read a shop and its settings, never its secrets',
    answers: [{ description: 'The shop' }],
  },
];
