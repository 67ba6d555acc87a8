import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { RequestHandler } from 'express';
import { QueryFailedError } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { searchWords } from '@optic/domain';
import {
  Client,
  clientRepository,
  clientSearchName,
  CONSENT_SOURCES,
  ConsentEvent,
} from '@optic/db';
import type { ClientSearch, Shop } from '@optic/db';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { ApiProblem } from '../http/problem';
import { parse } from '../http/validate';
import { checkEmail, checkMobile, normalizeContact } from './client-contact';
import { loadShop, shopOf } from './shop-scope';

export { CONSENT_SOURCES };

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

// Consent is not a plain field: it changes through POST …/consent, which
// records how and by whom.
const CONSENT_FIELDS = [
  'smsConsent',
  'emailConsent',
  'consentSource',
  'salesperson',
] as const;

const updateClient = z.strictObject({
  externalId: z.string().trim().min(1).max(100).nullable().optional(),
  civility: z.string().trim().max(20).nullable().optional(),
  lastName: z.string().trim().min(1).max(100).optional(),
  firstName: z.string().trim().max(100).nullable().optional(),
  mobile: z.string().trim().max(40).nullable().optional(),
  email: z.string().trim().max(254).nullable().optional(),
});

type UpdateClient = z.infer<typeof updateClient>;

const listQuery = z.strictObject({
  q: z.string().trim().min(1).max(200).optional(),
  phone: z.string().trim().min(1).max(40).optional(),
  email: z.string().trim().min(1).max(254).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

type ListQuery = z.infer<typeof listQuery>;

const TYPED_PHONE = /^\+?[\d\s.\-()/]+$/;
const MIN_PHONE_DIGITS = 4;

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
      .json(clientView(client));
  });

  router.get('/v1/shops/:shopId/clients', scoped, listHandler(context));

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
      res.json(clientView(client));
    },
  );

  router.patch(
    '/v1/shops/:shopId/clients/:clientId',
    scoped,
    updateHandler(context),
  );

  return router;
}

function listHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const shop = shopOf(res);
    const query = parse(listQuery, req.query);
    const cursor = decodeCursor(query.cursor);
    const rows = await clientRepository.search(
      context.dataSource.manager,
      shop.id,
      searchOf(shop, query),
      cursor && { at: cursor.queuedAt, id: cursor.id },
      query.limit + 1,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    res.json({
      items: page.map(clientView),
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor(last.createdAt, last.id)
          : null,
    });
  };
}

function updateHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const shop = shopOf(res);
    const input = parseUpdate(req.body);
    const contact = normalizeContact(shop, input);

    const client = await context.dataSource.transaction((manager) =>
      updateClientRow(
        manager,
        shop,
        String(req.params.clientId),
        { ...input, ...contact },
        context.clock.now(),
      ),
    );
    res.json(clientView(client));
  };
}

/** A client of the shop, unless unknown or erased. */
export async function findClient(
  context: ApiContext,
  shopId: string,
  clientId: string,
): Promise<Client | null> {
  if (!z.uuid().safeParse(clientId).success) return null;
  return clientRepository.findActive(
    context.dataSource.manager,
    shopId,
    clientId,
  );
}

/** A client as the API shows it. */
export function clientView(client: Client): Record<string, unknown> {
  const { searchName: _searchName, erasedAt: _erasedAt, ...visible } = client;
  return visible;
}

/**
 * `q` is a name (accent- and case-insensitive, each word anywhere in the
 * name) or, when it looks like one, a phone number; `phone` is a number in
 * any format staff type, or at least four of its digits.
 */
function searchOf(shop: Shop, query: ListQuery): ClientSearch {
  const search: ClientSearch = {};
  const q = query.q;
  if (q && TYPED_PHONE.test(q) && digitsOf(q).length >= MIN_PHONE_DIGITS) {
    Object.assign(search, phoneSearch(shop, q, 'q'));
  } else if (q) {
    search.words = searchWords(q);
    if (search.words.length === 0) {
      throw ApiProblem.validation([
        { path: 'q', message: 'no letter or digit to search for' },
      ]);
    }
  }
  if (query.phone)
    Object.assign(search, phoneSearch(shop, query.phone, 'phone'));
  if (query.email) {
    const email = checkEmail(query.email);
    if (!email.ok)
      throw ApiProblem.validation([{ path: 'email', message: email.message }]);
    search.email = email.value;
  }
  return search;
}

function phoneSearch(
  shop: Shop,
  typed: string,
  path: string,
): Pick<ClientSearch, 'mobile' | 'mobileContains'> {
  const mobile = checkMobile(shop, typed);
  if (mobile.ok) return { mobile: mobile.value };

  // A partial number: its digits, without the national 0, anywhere.
  const digits = digitsOf(typed).replace(/^0/, '');
  if (!TYPED_PHONE.test(typed) || digits.length < MIN_PHONE_DIGITS) {
    throw ApiProblem.validation([
      {
        path,
        message: `a phone number, or at least ${MIN_PHONE_DIGITS} of its digits`,
      },
    ]);
  }
  return { mobileContains: digits };
}

function digitsOf(typed: string): string {
  return typed.replace(/\D/g, '');
}

function parseUpdate(body: unknown): UpdateClient {
  const given = (body ?? {}) as Record<string, unknown>;
  const consent = CONSENT_FIELDS.filter((field) => field in given);
  if (consent.length > 0 && typeof body === 'object') {
    throw ApiProblem.validation(
      consent.map((path) => ({
        path,
        message:
          'consent changes through POST …/clients/:clientId/consent, with its source',
      })),
    );
  }
  return parse(updateClient, body);
}

async function insertClient(
  manager: EntityManager,
  shop: Shop,
  input: CreateClient,
  contact: { mobile?: string | null; email?: string | null },
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
    mobile: contact.mobile ?? null,
    email: contact.email ?? null,
    searchName: clientSearchName(input.lastName, input.firstName ?? null),
    erasedAt: null,
    smsConsent: input.smsConsent,
    smsConsentAt: input.smsConsent ? now : null,
    smsConsentSource: input.smsConsent ? source : null,
    emailConsent: input.emailConsent,
    emailConsentAt: input.emailConsent ? now : null,
    emailConsentSource: input.emailConsent ? source : null,
    createdAt: now,
    updatedAt: now,
  });
  await refuseTakenExternalId(() => manager.insert(Client, client));

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

async function updateClientRow(
  manager: EntityManager,
  shop: Shop,
  clientId: string,
  changes: UpdateClient,
  now: Date,
): Promise<Client> {
  const client = z.uuid().safeParse(clientId).success
    ? await manager.findOne(Client, {
        where: { id: clientId, shopId: shop.id },
        lock: { mode: 'pessimistic_write' },
      })
    : null;
  if (!client || client.erasedAt)
    throw ApiProblem.notFound('client', 'clientId');

  // Empty optional text is stored as null, as on creation.
  const optional = (value: string | null | undefined, was: string | null) =>
    value === undefined ? was : value || null;
  const next: Client = {
    ...client,
    externalId: optional(changes.externalId, client.externalId),
    civility: optional(changes.civility, client.civility),
    lastName: changes.lastName ?? client.lastName,
    firstName: optional(changes.firstName, client.firstName),
    mobile: optional(changes.mobile, client.mobile),
    email: optional(changes.email, client.email),
    updatedAt: now,
  };
  next.searchName = clientSearchName(next.lastName, next.firstName);

  await refuseTakenExternalId(() =>
    manager.update(
      Client,
      { id: client.id },
      {
        externalId: next.externalId,
        civility: next.civility,
        lastName: next.lastName,
        firstName: next.firstName,
        mobile: next.mobile,
        email: next.email,
        searchName: next.searchName,
        updatedAt: now,
      },
    ),
  );
  return next;
}

/** The shop's external ids are unique: a second client with one is a 409. */
async function refuseTakenExternalId(write: () => Promise<unknown>) {
  try {
    await write();
  } catch (error) {
    const driver = (
      error as QueryFailedError & {
        driverError?: { code?: string; constraint?: string };
      }
    ).driverError;
    if (
      error instanceof QueryFailedError &&
      driver?.code === '23505' &&
      driver.constraint === 'client_external_idx'
    ) {
      throw new ApiProblem(
        409,
        'conflict',
        'externalId: another client of this shop has this external id',
        [
          {
            path: 'externalId',
            message: 'another client of this shop has this external id',
          },
        ],
      );
    }
    throw error;
  }
}

const CLIENTS = '/v1/shops/:shopId/clients';

/** What `/openapi.json` says of these routes. */
export const clientsOperations: OperationSpec[] = [
  {
    method: 'POST',
    path: CLIENTS,
    tag: 'Clients',
    summary:
      'Create a client; the mobile and e-mail are checked and normalised',
    body: createClient,
    answers: [{ status: 201, description: 'The client' }],
    problems: [409, 422],
  },
  {
    method: 'GET',
    path: CLIENTS,
    tag: 'Clients',
    summary: 'Search the clients by name, phone or e-mail',
    query: listQuery,
    answers: [{ description: 'A page of clients and the next cursor' }],
  },
  {
    method: 'GET',
    path: `${CLIENTS}/:clientId`,
    tag: 'Clients',
    summary: 'Read a client',
    answers: [{ description: 'The client' }],
  },
  {
    method: 'PATCH',
    path: `${CLIENTS}/:clientId`,
    tag: 'Clients',
    summary: 'Change contact details (consent changes through …/consent)',
    body: updateClient,
    answers: [{ description: 'The client' }],
    problems: [409, 422],
  },
];
