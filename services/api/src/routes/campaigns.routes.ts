import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import { Campaign, campaignRepository, Template } from '@optic/db';
import { CampaignError } from '@optic/delivery';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
import { idempotent } from '../auth/idempotency';
import { instant } from '../http/dates';
import { ApiProblem } from '../http/problem';
import { parse } from '../http/validate';
import { loadShop, shopOf } from './shop-scope';

const audience = z
  .strictObject({
    all: z.boolean().optional(),
    lensRenewalWithinDays: z.number().int().min(1).max(365).optional(),
    readyNotTold: z.boolean().optional(),
    noVisitForMonths: z.number().int().min(1).max(240).optional(),
    clientIds: z.array(z.uuid()).min(1).max(100_000).optional(),
  })
  .refine((a) => Object.values(a).some((v) => v !== undefined && v !== false), {
    message:
      'name at least one criterion (all, lensRenewalWithinDays, readyNotTold, noVisitForMonths, clientIds)',
  });

const createCampaign = z.strictObject({
  name: z.string().trim().min(1).max(200),
  templateId: z.uuid(),
  audience,
});

const launch = z.strictObject({
  at: instant.optional(),
});

export function campaignsRoutes(context: ApiContext): Router {
  const router = Router();
  const scoped = loadShop(context);
  const base = '/v1/shops/:shopId/campaigns';

  router.post(base, scoped, createHandler(context));
  router.get(base, scoped, listHandler(context));
  router.get(`${base}/:campaignId`, scoped, readHandler(context));
  router.get(`${base}/:campaignId/preview`, scoped, previewHandler(context));
  router.post(
    `${base}/:campaignId/launch`,
    scoped,
    idempotent(context),
    launchHandler(context),
  );
  for (const action of ['pause', 'resume', 'cancel'] as const) {
    router.post(
      `${base}/:campaignId/${action}`,
      scoped,
      actionHandler(context, action),
    );
  }
  router.post(
    `${base}/:campaignId/retry-failed`,
    scoped,
    retryFailedHandler(context),
  );

  return router;
}

function createHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const shop = shopOf(res);
    const input = parse(createCampaign, req.body);
    const template = await context.dataSource.manager.findOneBy(Template, {
      id: input.templateId,
      shopId: shop.id,
    });
    if (!template)
      throw ApiProblem.unprocessable(
        'templateId',
        'unknown template of this shop',
      );

    const now = context.clock.now();
    const campaign = context.dataSource.manager.create(Campaign, {
      id: randomUUID(),
      shopId: shop.id,
      channel: template.channel,
      templateId: template.id,
      kind: template.kind,
      name: input.name,
      audience: { ...input.audience },
      status: 'draft',
      counts: {},
      createdAt: now,
      updatedAt: now,
    });
    await context.dataSource.manager.save(Campaign, campaign);
    res
      .status(201)
      .location(`/v1/shops/${shop.id}/campaigns/${campaign.id}`)
      .json(await campaignView(context, campaign.id));
  };
}

function listHandler(context: ApiContext): RequestHandler {
  return async (_req, res) => {
    const items = await context.dataSource.manager.find(Campaign, {
      where: { shopId: shopOf(res).id },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: 200,
    });
    res.json({ items });
  };
}

function readHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const campaign = await findCampaign(
      context,
      res,
      String(req.params.campaignId),
    );
    res.json(await campaignView(context, campaign.id));
  };
}

function previewHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const campaign = await findCampaign(
      context,
      res,
      String(req.params.campaignId),
    );
    res.json(await context.campaigns.preview(campaign));
  };
}

function launchHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const campaign = await findCampaign(
      context,
      res,
      String(req.params.campaignId),
    );
    const { at } = parse(launch, req.body);
    if (at && Date.parse(at) <= context.clock.now().getTime()) {
      throw ApiProblem.validation([
        { path: 'at', message: 'the schedule is in the past' },
      ]);
    }
    await translate(() =>
      context.campaigns.launch(campaign.id, at ? new Date(at) : null),
    );
    res.json(await campaignView(context, campaign.id));
  };
}

function actionHandler(
  context: ApiContext,
  action: 'pause' | 'resume' | 'cancel',
): RequestHandler {
  return async (req, res) => {
    const campaign = await findCampaign(
      context,
      res,
      String(req.params.campaignId),
    );
    await translate(() => context.campaigns[action](campaign.id));
    res.json(await campaignView(context, campaign.id));
  };
}

function retryFailedHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const campaign = await findCampaign(
      context,
      res,
      String(req.params.campaignId),
    );
    const retried = await translate(() =>
      context.campaigns.retryFailed(campaign.id),
    );
    res.json({ retried, campaign: await campaignView(context, campaign.id) });
  };
}

async function findCampaign(
  context: ApiContext,
  res: Response,
  id: string,
): Promise<Campaign> {
  const campaign = z.uuid().safeParse(id).success
    ? await context.dataSource.manager.findOneBy(Campaign, {
        id,
        shopId: shopOf(res).id,
      })
    : null;
  if (!campaign) throw ApiProblem.notFound('campaign', 'campaignId');
  return campaign;
}

/** The campaign with its progress and, from the ledger, what it cost. */
async function campaignView(
  context: ApiContext,
  id: string,
): Promise<Record<string, unknown>> {
  const manager = context.dataSource.manager;
  const campaign = await manager.findOneByOrFail(Campaign, { id });
  const progress = await campaignRepository.progress(
    manager,
    id,
    context.clock.now(),
  );
  const ledger: { kind: string; sum: string }[] = await manager.query(
    `SELECT kind, sum(amount) AS sum FROM credit_ledger WHERE campaign_id = $1 GROUP BY kind`,
    [id],
  );
  const byKind = Object.fromEntries(
    ledger.map((row) => [row.kind, Number(row.sum)]),
  );
  const reserved = -(byKind.reservation ?? 0);
  const released = byKind.release ?? 0;
  return {
    ...campaign,
    progress,
    credits: {
      reserved,
      released,
      spent: reserved - released - campaign.reservedRemaining,
    },
  };
}

/** The service's refusals as problems; nothing was changed. */
async function translate<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof CampaignError)) throw error;
    const status =
      error.code === 'wrong_state' || error.code === 'nothing_to_retry'
        ? 409
        : 422;
    const path =
      error.code === 'empty_audience'
        ? 'audience'
        : error.code === 'insufficient_credit'
          ? 'credits'
          : 'status';
    throw new ApiProblem(
      status,
      error.code,
      error.message,
      [{ path, message: error.message }],
      error.details,
    );
  }
}

const CAMPAIGNS = '/v1/shops/:shopId/campaigns';

/** What `/openapi.json` says of these routes. */
export const campaignsOperations: OperationSpec[] = [
  {
    method: 'POST',
    path: CAMPAIGNS,
    tag: 'Campaigns',
    summary: 'Create a campaign: a template and an audience',
    body: createCampaign,
    answers: [{ status: 201, description: 'The campaign, a draft' }],
    problems: [422],
  },
  {
    method: 'GET',
    path: CAMPAIGNS,
    tag: 'Campaigns',
    summary: 'The latest 200 campaigns',
    answers: [{ description: 'The campaigns' }],
  },
  {
    method: 'GET',
    path: `${CAMPAIGNS}/:campaignId`,
    tag: 'Campaigns',
    summary: 'A campaign, its progress and its credits',
    answers: [{ description: 'The campaign' }],
  },
  {
    method: 'GET',
    path: `${CAMPAIGNS}/:campaignId/preview`,
    tag: 'Campaigns',
    summary: 'Recipients, exclusions by reason, parts and credits',
    answers: [{ description: 'The preview' }],
  },
  {
    method: 'POST',
    path: `${CAMPAIGNS}/:campaignId/launch`,
    tag: 'Campaigns',
    summary: 'Launch now or at `at`, reserving the credit in one step',
    body: launch,
    idempotent: true,
    answers: [{ description: 'The campaign' }],
    problems: [409, 422],
  },
  ...(
    [
      ['pause', 'Pause a campaign'],
      ['resume', 'Resume a paused campaign'],
      ['cancel', 'Cancel a campaign, releasing exactly the unspent credit'],
      ['retry-failed', 'Resend only the failed and rejected messages'],
    ] as const
  ).map(([action, summary]): OperationSpec => ({
    method: 'POST',
    path: `${CAMPAIGNS}/:campaignId/${action}`,
    tag: 'Campaigns',
    summary,
    answers: [{ description: 'The campaign' }],
    problems: [409, 422],
  })),
];
