import { Router } from 'express';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import {
  Suppression,
  SUPPRESSION_REASONS,
  suppress,
  suppressionRepository,
} from '@optic/db';
import type { Shop } from '@optic/db';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { ApiProblem } from '../http/problem';
import { parse } from '../http/validate';
import { checkEmail, checkMobile } from './client-contact';
import { loadShop, shopOf } from './shop-scope';

const listQuery = z.strictObject({
  channel: z.enum(['sms', 'email']).optional(),
  address: z.string().trim().min(1).max(254).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const pageQuery = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const addSuppression = z.strictObject({
  channel: z.enum(['sms', 'email']),
  address: z.string().trim().min(1).max(254),
  reason: z.enum(SUPPRESSION_REASONS).default('manual'),
  actor: z.string().trim().min(1).max(100),
});

const removeSuppression = z.strictObject({
  reason: z.string().trim().min(1).max(500),
  actor: z.string().trim().min(1).max(100),
});

export function suppressionRoutes(context: ApiContext): Router {
  const router = Router();
  const scoped = loadShop(context);
  const base = '/v1/shops/:shopId/suppressions';

  router.get(base, scoped, async (req, res) => {
    const shop = shopOf(res);
    const query = parse(listQuery, req.query);
    const address =
      query.address && normalizedAddress(shop, query.channel, query.address);
    const cursor = decodeCursor(query.cursor);
    const rows = await suppressionRepository.list(
      context.dataSource.manager,
      shop.id,
      { channel: query.channel, address: address || undefined },
      cursor && { at: cursor.queuedAt, id: cursor.id },
      query.limit + 1,
    );
    res.json(page(rows, query.limit, (s) => [s.createdAt, s.id]));
  });

  router.post(base, scoped, addHandler(context));

  router.get(`${base}/removals`, scoped, async (req, res) => {
    const query = parse(pageQuery, req.query);
    const cursor = decodeCursor(query.cursor);
    const rows = await suppressionRepository.removals(
      context.dataSource.manager,
      shopOf(res).id,
      cursor && { at: cursor.queuedAt, id: cursor.id },
      query.limit + 1,
    );
    res.json(page(rows, query.limit, (r) => [r.removedAt, r.id]));
  });

  router.delete(`${base}/:suppressionId`, scoped, removeHandler(context));

  return router;
}

function addHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const shop = shopOf(res);
    const input = parse(addSuppression, req.body);
    const address = normalizedAddress(shop, input.channel, input.address);

    const { id, created } = await suppress(context.dataSource.manager, {
      shopId: shop.id,
      channel: input.channel,
      address,
      reason: input.reason,
      actor: input.actor,
      at: context.clock.now(),
    });
    const entry = await context.dataSource.manager.findOneByOrFail(
      Suppression,
      { id },
    );
    res
      .status(created ? 201 : 200)
      .location(`/v1/shops/${shop.id}/suppressions/${id}`)
      .json(entry);
  };
}

function removeHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const id = String(req.params.suppressionId);
    if (!z.uuid().safeParse(id).success)
      throw ApiProblem.notFound('suppression', 'suppressionId');
    const input = parse(removeSuppression, req.body);

    const removed = await suppressionRepository.remove(
      context.dataSource.manager,
      {
        shopId: shopOf(res).id,
        id,
        actor: input.actor,
        reason: input.reason,
        at: context.clock.now(),
      },
    );
    if (!removed) throw ApiProblem.notFound('suppression', 'suppressionId');
    res.status(204).end();
  };
}

/** The address as the send path compares it: E.164, or a normalised e-mail. */
function normalizedAddress(
  shop: Shop,
  channel: 'sms' | 'email' | undefined,
  typed: string,
): string {
  const kind = channel ?? (typed.includes('@') ? 'email' : 'sms');
  const checked = kind === 'sms' ? checkMobile(shop, typed) : checkEmail(typed);
  if (!checked.ok) {
    throw ApiProblem.unprocessable(
      'address',
      checked.message,
      kind === 'sms' ? 'invalid_mobile' : 'invalid_email',
    );
  }
  return checked.value;
}

function page<Row>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => [Date, string],
): { items: Row[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor:
      rows.length > limit && last ? encodeCursor(...keyOf(last)) : null,
  };
}

const SUPPRESSIONS = '/v1/shops/:shopId/suppressions';

/** What `/openapi.json` says of these routes. */
export const suppressionOperations: OperationSpec[] = [
  {
    method: 'GET',
    path: SUPPRESSIONS,
    tag: 'Suppressions',
    summary: 'Numbers and addresses that get nothing',
    query: listQuery,
    answers: [{ description: 'A page of suppressions and the next cursor' }],
  },
  {
    method: 'POST',
    path: SUPPRESSIONS,
    tag: 'Suppressions',
    summary: 'Suppress a number or an address',
    body: addSuppression,
    answers: [
      { status: 201, description: 'Suppressed' },
      { description: 'Already suppressed' },
    ],
    problems: [422],
  },
  {
    method: 'GET',
    path: `${SUPPRESSIONS}/removals`,
    tag: 'Suppressions',
    summary: 'Removals from the list, with their reason and actor',
    query: pageQuery,
    answers: [{ description: 'A page of removals and the next cursor' }],
  },
  {
    method: 'DELETE',
    path: `${SUPPRESSIONS}/:suppressionId`,
    tag: 'Suppressions',
    summary: 'Remove a suppression, saying why and who',
    body: removeSuppression,
    answers: [{ status: 204, description: 'Removed; the removal is kept' }],
  },
];
