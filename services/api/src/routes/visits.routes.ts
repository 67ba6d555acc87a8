import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import {
  readyAtAfter,
  Visit,
  visitRepository,
  VISIT_STATUSES,
} from '@optic/db';
import type { Client, VisitChanges } from '@optic/db';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { calendarDate, instant } from '../http/dates';
import { ApiProblem } from '../http/problem';
import { parse } from '../http/validate';
import { findClient } from './clients.routes';
import { loadShop, shopOf } from './shop-scope';

const visitFields = {
  kind: z.enum(['glasses', 'contact_lenses', 'repair']),
  visitDate: calendarDate,
  status: z.enum(VISIT_STATUSES),
  readyAt: instant,
  lensBoxDays: z.number().int().positive().max(3650),
  /** The salesperson who records it. */
  actor: z.string().trim().min(1).max(100),
};

const LENSES_ONLY = 'only contact lenses have a box duration';

const createVisit = z
  .strictObject({
    clientId: z.uuid(),
    kind: visitFields.kind,
    visitDate: visitFields.visitDate,
    status: visitFields.status.default('ordered'),
    readyAt: visitFields.readyAt.optional(),
    lensBoxDays: visitFields.lensBoxDays.optional(),
    actor: visitFields.actor.optional(),
  })
  .refine((v) => v.lensBoxDays === undefined || v.kind === 'contact_lenses', {
    message: LENSES_ONLY,
    path: ['lensBoxDays'],
  });

const updateVisit = z.strictObject({
  kind: visitFields.kind.optional(),
  visitDate: visitFields.visitDate.optional(),
  status: visitFields.status.optional(),
  readyAt: visitFields.readyAt.nullable().optional(),
  lensBoxDays: visitFields.lensBoxDays.nullable().optional(),
  actor: visitFields.actor.optional(),
});

const listQuery = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

type VisitParams = { shopId: string; visitId: string; clientId?: string };

/** A visit is reached by itself or under its client. */
const VISIT_PATHS = [
  '/v1/shops/:shopId/visits/:visitId',
  '/v1/shops/:shopId/clients/:clientId/visits/:visitId',
];

export function visitsRoutes(context: ApiContext): Router {
  const router = Router();
  const scoped = loadShop(context);

  router.post('/v1/shops/:shopId/visits', scoped, createHandler(context));
  router.get(
    '/v1/shops/:shopId/clients/:clientId/visits',
    scoped,
    listHandler(context),
  );
  for (const path of VISIT_PATHS) {
    router.get(path, scoped, async (req, res) => {
      const visit = await visitOf(context, req, res);
      res.json(await withHistory(context, visit));
    });
    router.patch(path, scoped, updateHandler(context));
  }
  return router;
}

function createHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const shop = shopOf(res);
    const input = parse(createVisit, req.body);
    const client = await findClient(context, shop.id, input.clientId);
    if (!client)
      throw ApiProblem.unprocessable('clientId', 'unknown client of this shop');

    const now = context.clock.now();
    const visit = context.dataSource.manager.create(Visit, {
      id: randomUUID(),
      shopId: shop.id,
      clientId: client.id,
      externalId: null,
      kind: input.kind,
      visitDate: input.visitDate,
      status: input.status,
      readyAt: readyAtAfter(
        { status: null, readyAt: null },
        { status: input.status, readyAt: dateOrKeep(input.readyAt) },
        now,
      ),
      lensBoxDays: input.lensBoxDays ?? null,
      createdAt: now,
      updatedAt: now,
    });
    await context.dataSource.transaction((manager) =>
      visitRepository.insert(manager, visit, input.actor ?? null),
    );
    res
      .status(201)
      .location(`/v1/shops/${shop.id}/visits/${visit.id}`)
      .json(visit);
  };
}

function listHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const client = await clientOf(context, res, req.params.clientId);
    const query = parse(listQuery, req.query);
    const cursor = decodeCursor(query.cursor);
    const rows = await visitRepository.listForClient(
      context.dataSource.manager,
      client.shopId,
      client.id,
      cursor && { at: cursor.queuedAt, id: cursor.id },
      query.limit + 1,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    res.json({
      items: page,
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor(new Date(`${last.visitDate}T00:00:00Z`), last.id)
          : null,
    });
  };
}

function updateHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const visit = await visitOf(context, req, res);
    const input = parse(updateVisit, req.body);
    const kind = input.kind ?? visit.kind;
    const boxDays =
      input.lensBoxDays !== undefined ? input.lensBoxDays : visit.lensBoxDays;
    if (boxDays !== null && kind !== 'contact_lenses') {
      throw ApiProblem.validation([
        { path: 'lensBoxDays', message: LENSES_ONLY },
      ]);
    }

    const changes: VisitChanges = {
      kind: input.kind,
      visitDate: input.visitDate,
      status: input.status,
      lensBoxDays: input.lensBoxDays,
      readyAt: input.readyAt === null ? null : dateOrKeep(input.readyAt),
    };
    const saved = await context.dataSource.transaction((manager) =>
      visitRepository.update(
        manager,
        visit.shopId,
        visit.id,
        changes,
        input.actor ?? null,
        context.clock.now(),
      ),
    );
    if (!saved) throw ApiProblem.notFound('visit', 'visitId');
    res.json(await withHistory(context, saved));
  };
}

function dateOrKeep(typed: string | undefined): Date | undefined {
  return typed === undefined ? undefined : new Date(typed);
}

async function withHistory(
  context: ApiContext,
  visit: Visit,
): Promise<Record<string, unknown>> {
  const history = await visitRepository.statusHistory(
    context.dataSource.manager,
    [visit.id],
  );
  return { ...visit, statusHistory: history.get(visit.id) ?? [] };
}

async function clientOf(
  context: ApiContext,
  res: Response,
  clientId: unknown,
): Promise<Client> {
  const client = await findClient(context, shopOf(res).id, String(clientId));
  if (!client) throw ApiProblem.notFound('client', 'clientId');
  return client;
}

/**
 * The visit named in the path; under `/clients/:clientId` it must be that
 * client's: a visit of another client is not found there.
 */
async function visitOf(
  context: ApiContext,
  req: Request,
  res: Response,
): Promise<Visit> {
  const params = req.params as VisitParams;
  const client =
    params.clientId !== undefined
      ? await clientOf(context, res, params.clientId)
      : null;

  const visit = z.uuid().safeParse(params.visitId).success
    ? await visitRepository.findById(
        context.dataSource.manager,
        shopOf(res).id,
        params.visitId,
      )
    : null;
  if (!visit || (client && visit.clientId !== client.id)) {
    throw ApiProblem.notFound(
      client ? 'visit of this client' : 'visit',
      'visitId',
    );
  }
  return visit;
}

/** What `/openapi.json` says of these routes. */
export const visitsOperations: OperationSpec[] = [
  {
    method: 'POST',
    path: '/v1/shops/:shopId/visits',
    tag: 'Visits',
    summary: 'Record a visit of a client',
    body: createVisit,
    answers: [{ status: 201, description: 'The visit' }],
    problems: [422],
  },
  {
    method: 'GET',
    path: '/v1/shops/:shopId/clients/:clientId/visits',
    tag: 'Visits',
    summary: "A client's visits, latest first",
    query: listQuery,
    answers: [{ description: 'A page of visits and the next cursor' }],
  },
  ...VISIT_PATHS.flatMap((path): OperationSpec[] => [
    {
      method: 'GET',
      path,
      tag: 'Visits',
      summary: 'Read a visit and its status history',
      answers: [{ description: 'The visit and its history' }],
    },
    {
      method: 'PATCH',
      path,
      tag: 'Visits',
      summary: 'Change a visit; `readyAt` is stamped when it becomes ready',
      body: updateVisit,
      answers: [{ description: 'The visit and its history' }],
    },
  ]),
];
