import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { RequestHandler } from 'express';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { foldForSearch, searchWords } from '@optic/domain';
import { Shop } from '@optic/db';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { ApiProblem } from '../http/problem';
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

const listQuery = z.strictObject({
  q: z.string().trim().min(1).max(200).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

// Shops have no folded name column, so a name filter folds in the API,
// reading the shops this many at a time until the page is full.
const SCAN_BATCH = 500;

/** What the admin's list shows of a shop. */
type ShopSummary = Pick<
  Shop,
  'id' | 'name' | 'creditBalance' | 'lowCreditThreshold' | 'createdAt'
>;

type PageAfter = { at: Date; id: string } | null;

export function shopsRoutes(context: ApiContext): Router {
  const router = Router();

  router.get('/v1/shops', listHandler(context));

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
    // Read back: the columns' defaults (window, SMTP, threshold) are the
    // database's, and the answer must be what a GET would show.
    const created = await context.dataSource.manager.findOneByOrFail(Shop, {
      id: shop.id,
    });
    res.status(201).location(`/v1/shops/${shop.id}`).json(shopView(created));
  });

  router.get('/v1/shops/:shopId', loadShop(context), (_req, res) => {
    res.json(shopView(shopOf(res)));
  });

  return router;
}

/** Newest first; ROUTE_ROLES keeps it to admin keys. */
function listHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const query = parse(listQuery, req.query);
    const words = query.q === undefined ? [] : nameWords(query.q);
    const cursor = decodeCursor(query.cursor);
    const rows = await findShops(
      context.dataSource.manager,
      words,
      cursor && { at: cursor.queuedAt, id: cursor.id },
      query.limit + 1,
    );

    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    res.json({
      items: page.map(shopSummaryView),
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor(last.createdAt, last.id)
          : null,
    });
  };
}

function nameWords(q: string): string[] {
  const words = searchWords(q);
  if (words.length === 0) {
    throw ApiProblem.validation([
      { path: 'q', message: 'no letter or digit to search for' },
    ]);
  }
  return words;
}

/** Up to `wanted` shops after `after` whose name holds every word. */
async function findShops(
  manager: EntityManager,
  words: string[],
  after: PageAfter,
  wanted: number,
): Promise<ShopSummary[]> {
  if (words.length === 0) return shopsAfter(manager, after, wanted);

  const found: ShopSummary[] = [];
  let cursor = after;
  for (;;) {
    const batch = await shopsAfter(manager, cursor, SCAN_BATCH);
    found.push(...batch.filter((shop) => nameHolds(shop.name, words)));
    const last = batch[batch.length - 1];
    if (found.length >= wanted || batch.length < SCAN_BATCH || !last)
      return found.slice(0, wanted);
    cursor = { at: last.createdAt, id: last.id };
  }
}

function shopsAfter(
  manager: EntityManager,
  after: PageAfter,
  limit: number,
): Promise<ShopSummary[]> {
  const query = manager
    .createQueryBuilder(Shop, 's')
    .select(['s.id', 's.name', 's.creditBalance', 's.lowCreditThreshold'])
    .addSelect('s.createdAt');
  if (after) query.where('(s.createdAt, s.id) < (:at, :id)', after);
  return query
    .orderBy('s.createdAt', 'DESC')
    .addOrderBy('s.id', 'DESC')
    .limit(limit)
    .getMany();
}

function nameHolds(name: string, words: string[]): boolean {
  const folded = foldForSearch(name);
  return words.every((word) => folded.includes(word));
}

function shopSummaryView(shop: ShopSummary): Record<string, unknown> {
  return {
    id: shop.id,
    name: shop.name,
    creditBalance: shop.creditBalance,
    // As the overview reads it: a threshold of 0 never warns.
    lowCredit: shop.creditBalance < shop.lowCreditThreshold,
    createdAt: shop.createdAt,
  };
}

/** What `/openapi.json` says of these routes. */
export const shopsOperations: OperationSpec[] = [
  {
    method: 'GET',
    path: '/v1/shops',
    tag: 'Shops',
    summary:
      'List the shops, newest first, by name (any case or accent); admin keys only',
    query: listQuery,
    answers: [{ description: 'A page of shops and the next cursor' }],
  },
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
