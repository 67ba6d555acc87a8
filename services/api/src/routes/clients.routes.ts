import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import { normalizeEmail, normalizeMobile } from '@optic/domain';
import { Client, ConsentEvent } from '@optic/db';
import type { Shop } from '@optic/db';
import type { ApiContext } from '../api-context';
import { ApiProblem } from '../http/problem';
import { parse } from '../http/validate';
import { loadShop, shopOf } from './shop-scope';

export const CONSENT_SOURCES = [
  'in_shop',
  'signed_form',
  'web_form',
  'reply_stop',
  'unsubscribe_link',
  'import',
] as const;

const createClient = z
  .strictObject({
    externalId: z.string().trim().min(1).max(100).optional(),
    civility: z.string().trim().max(20).optional(),
    lastName: z.string().trim().min(1).max(100),
    firstName: z.string().trim().max(100).optional(),
    mobile: z.string().trim().max(40).optional(),
    email: z.string().trim().max(254).optional(),
    smsConsent: z.boolean().default(false),
    emailConsent: z.boolean().default(false),
    consentSource: z.enum(CONSENT_SOURCES).optional(),
    salesperson: z.string().trim().min(1).max(100).optional(),
  })
  .refine((c) => c.consentSource || (!c.smsConsent && !c.emailConsent), {
    path: ['consentSource'],
    message: 'required when a consent is given (how it was collected)',
  });

type CreateClient = z.infer<typeof createClient>;

export function clientsRoutes(context: ApiContext): Router {
  const router = Router();
  const scoped = loadShop(context);

  router.post('/v1/shops/:shopId/clients', scoped, async (req, res) => {
    const shop = shopOf(res);
    const input = parse(createClient, req.body);
    const contact = normalizeContact(shop, input);

    const client = await context.dataSource.transaction((manager) =>
      insertClient(manager, shop, input, contact, context.clock.now()),
    );
    res
      .status(201)
      .location(`/v1/shops/${shop.id}/clients/${client.id}`)
      .json(client);
  });

  router.get(
    '/v1/shops/:shopId/clients/:clientId',
    scoped,
    async (req, res) => {
      const client = await findClient(
        context,
        shopOf(res).id,
        String(req.params.clientId),
      );
      if (!client) throw ApiProblem.notFound('client', 'clientId');
      res.json(client);
    },
  );

  return router;
}

export async function findClient(
  context: ApiContext,
  shopId: string,
  clientId: string,
): Promise<Client | null> {
  if (!z.uuid().safeParse(clientId).success) return null;
  return context.dataSource.manager.findOneBy(Client, { id: clientId, shopId });
}

/** Mobile and e-mail checked and normalised with the shop's country and region. */
function normalizeContact(shop: Shop, input: CreateClient) {
  let mobile: string | null = null;
  if (input.mobile) {
    const result = normalizeMobile(input.mobile, {
      country: shop.country,
      region: shop.region ?? undefined,
    });
    if (!result.ok)
      throw ApiProblem.unprocessable(
        'mobile',
        mobileMessage(result.reason),
        'invalid_mobile',
      );
    mobile = result.e164;
  }

  let email: string | null = null;
  if (input.email) {
    const result = normalizeEmail(input.email);
    if (!result.ok)
      throw ApiProblem.unprocessable(
        'email',
        'not a deliverable e-mail address',
        'invalid_email',
      );
    email = result.address;
  }
  return { mobile, email };
}

function mobileMessage(reason: string): string {
  switch (reason) {
    case 'not_mobile':
      return 'not a mobile number (a landline cannot receive SMS)';
    case 'not_a_number':
      return 'not a phone number';
    default:
      return "not a valid phone number for the shop's country";
  }
}

async function insertClient(
  manager: EntityManager,
  shop: Shop,
  input: CreateClient,
  contact: { mobile: string | null; email: string | null },
  now: Date,
): Promise<Client> {
  const source = input.consentSource ?? null;
  const client = manager.create(Client, {
    id: randomUUID(),
    shopId: shop.id,
    externalId: input.externalId ?? null,
    civility: input.civility ?? null,
    lastName: input.lastName,
    firstName: input.firstName ?? null,
    ...contact,
    smsConsent: input.smsConsent,
    smsConsentAt: input.smsConsent ? now : null,
    smsConsentSource: input.smsConsent ? source : null,
    emailConsent: input.emailConsent,
    emailConsentAt: input.emailConsent ? now : null,
    emailConsentSource: input.emailConsent ? source : null,
    createdAt: now,
    updatedAt: now,
  });
  await manager.insert(Client, client);

  const granted = (['sms', 'email'] as const).filter((channel) =>
    channel === 'sms' ? input.smsConsent : input.emailConsent,
  );
  for (const channel of granted) {
    await manager.insert(ConsentEvent, {
      id: randomUUID(),
      shopId: shop.id,
      clientId: client.id,
      channel,
      granted: true,
      source: source!,
      actor: input.salesperson ?? 'system',
      messageId: null,
      occurredAt: now,
    });
  }
  return client;
}
