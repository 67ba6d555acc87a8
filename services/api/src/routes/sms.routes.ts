import { Router } from 'express';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import {
  countSms,
  MAX_SMS_SEGMENTS,
  sendingWindowSchema,
  transliterateToGsm,
} from '@optic/domain';
import type { SmsCount } from '@optic/domain';
import {
  creditRepository,
  replyRepository,
  Shop,
  Template,
  Visit,
} from '@optic/db';
import type { Client } from '@optic/db';
import { renderSmsText } from '@optic/delivery';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
import { ApiProblem } from '../http/problem';
import { parse } from '../http/validate';
import { findClient } from './clients.routes';
import { loadShop, shopOf } from './shop-scope';
import { senderName, shopView } from './shop-view';
import { refuseUnknownFields } from './templates.routes';

const previewRequest = z
  .strictObject({
    text: z.string().max(60_000).optional(),
    templateId: z.uuid().optional(),
    kind: z.enum(['transactional', 'marketing']).optional(),
    clientId: z.uuid().optional(),
    visitId: z.uuid().optional(),
  })
  .refine((r) => (r.text === undefined) !== (r.templateId === undefined), {
    path: ['text'],
    message: 'give either text or templateId',
  });

const smsSettings = z.strictObject({
  smsSender: senderName.nullable().optional(),
  smsHeader: z.string().max(160).nullable().optional(),
  smsSignature: z.string().max(160).nullable().optional(),
  smsStopMention: z
    .string()
    .regex(
      /^STOP au \d{3,6}$/,
      'the form "STOP au 36180" (Octopush requires it exactly)',
    )
    .nullable()
    .optional(),
  miniSiteUrl: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .optional(),
  smsTransliterate: z.boolean().optional(),
  // Under this balance the operators' overview flags the shop; 0: never.
  lowCreditThreshold: z.number().int().min(0).max(1_000_000).optional(),
  sendingWindow: sendingWindowSchema.nullable().optional(),
  provider: z
    .strictObject({
      login: z.string().trim().min(1).max(200),
      apiKey: z.string().min(1).max(500),
      type: z.enum(['sms_premium', 'sms_low_cost']).default('sms_premium'),
    })
    .nullable()
    .optional(),
});

type PreviewRequest = z.infer<typeof previewRequest>;

export function smsRoutes(context: ApiContext): Router {
  const router = Router();
  const scoped = loadShop(context);
  const base = '/v1/shops/:shopId/sms';

  router.post(`${base}/preview`, scoped, previewHandler(context));
  router.patch(`${base}/settings`, scoped, settingsHandler(context));
  router.get(`${base}/replies`, scoped, repliesHandler(context));

  return router;
}

function previewHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const shop = shopOf(res);
    const input = parse(previewRequest, req.body);
    const source = await previewSource(context, shop, input);
    const { client, visit } = await previewRecipient(context, shop, input);

    const text = renderSmsText({
      body: source.body,
      kind: source.kind,
      shop,
      client,
      visit,
    });
    const count = countSms(text);
    refuseTooLong(count, input);
    const transliterated = transliterateToGsm(text);
    const balance = await creditRepository.balance(
      context.dataSource.manager,
      shop.id,
    );

    res.json({
      text,
      ...figures(count),
      unicodeCharacters: count.unicodeCharacters,
      transliterated: {
        text: transliterated,
        ...figures(countSms(transliterated)),
      },
      balance,
      enoughCredit: balance >= count.credits,
    });
  };
}

/** The client (and visit) whose merge fields fill the preview, if named. */
async function previewRecipient(
  context: ApiContext,
  shop: Shop,
  input: PreviewRequest,
): Promise<{ client: Client | null; visit: Visit | null }> {
  const client = input.clientId
    ? await findClient(context, shop.id, input.clientId)
    : null;
  if (input.clientId && !client)
    throw ApiProblem.unprocessable('clientId', 'unknown client of this shop');
  const visit =
    input.visitId && client
      ? await context.dataSource.manager.findOneBy(Visit, {
          id: input.visitId,
          clientId: client.id,
        })
      : null;
  return { client, visit };
}

function refuseTooLong(count: SmsCount, input: PreviewRequest): void {
  if (count.segments <= MAX_SMS_SEGMENTS) return;
  throw ApiProblem.unprocessable(
    input.text === undefined ? 'templateId' : 'text',
    `${count.segments} parts: an SMS has at most ${MAX_SMS_SEGMENTS}`,
    'sms_too_long',
  );
}

function settingsHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const shop = shopOf(res);
    const input = parse(smsSettings, req.body);
    refuseUnknownFields({
      smsHeader: input.smsHeader ?? undefined,
      smsSignature: input.smsSignature ?? undefined,
    });

    const changes = settingsChanges(context, input);
    await context.dataSource.manager.update(Shop, { id: shop.id }, changes);
    res.json(
      shopView(
        await context.dataSource.manager.findOneByOrFail(Shop, { id: shop.id }),
      ),
    );
  };
}

/** The shop's columns to update, the provider key sealed. */
function settingsChanges(
  context: ApiContext,
  input: z.infer<typeof smsSettings>,
): Partial<Shop> {
  const { provider, sendingWindow, ...fields } = input;
  const changes: Partial<Shop> = {
    ...fields,
    updatedAt: context.clock.now(),
  };
  if (sendingWindow !== undefined) {
    changes.sendingWindow = sendingWindow && {
      ...sendingWindow,
      days: [...sendingWindow.days],
    };
  }
  if (provider !== undefined)
    Object.assign(changes, providerColumns(context, provider));
  return changes;
}

function repliesHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const query = parse(repliesQuery, req.query);
    const items = await replyRepository.list(
      context.dataSource.manager,
      shopOf(res).id,
      query.clientId ?? null,
      query.limit,
    );
    res.json({ items });
  };
}

const repliesQuery = z.strictObject({
  clientId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

function figures(count: SmsCount) {
  return {
    characters: count.characters,
    encoding: count.encoding,
    units: count.units,
    segments: count.segments,
    credits: count.credits,
  };
}

async function previewSource(
  context: ApiContext,
  shop: Shop,
  input: PreviewRequest,
): Promise<{ body: string; kind: 'transactional' | 'marketing' }> {
  if (input.text !== undefined) {
    if (input.text.trim() === '')
      throw ApiProblem.validation([
        { path: 'text', message: 'the SMS is empty' },
      ]);
    refuseUnknownFields({ text: input.text });
    return { body: input.text, kind: input.kind ?? 'transactional' };
  }

  const template = await context.dataSource.manager.findOneBy(Template, {
    id: input.templateId!,
    shopId: shop.id,
  });
  if (!template)
    throw ApiProblem.unprocessable(
      'templateId',
      'unknown template of this shop',
    );
  if (template.channel !== 'sms')
    throw ApiProblem.unprocessable(
      'templateId',
      'an email template cannot be previewed as an SMS',
    );
  return { body: template.body, kind: input.kind ?? template.kind };
}

/** A shop's own Octopush account; its key is sealed before it is stored. */
function providerColumns(
  context: ApiContext,
  provider: {
    login: string;
    apiKey: string;
    type: 'sms_premium' | 'sms_low_cost';
  } | null,
): Partial<Shop> {
  if (provider === null)
    return {
      smsProviderLogin: null,
      smsProviderKeyEnc: null,
      smsProviderType: null,
    };
  if (!context.secrets) {
    throw new ApiProblem(
      409,
      'secrets_disabled',
      'provider keys cannot be stored: the platform has no SECRET_KEY',
      [
        {
          path: 'provider.apiKey',
          message: 'cannot be stored without SECRET_KEY',
        },
      ],
    );
  }
  return {
    smsProviderLogin: provider.login,
    smsProviderKeyEnc: context.secrets.seal(provider.apiKey),
    smsProviderType: provider.type,
  };
}

const SMS = '/v1/shops/:shopId/sms';

/** What `/openapi.json` says of these routes. */
export const smsOperations: OperationSpec[] = [
  {
    method: 'POST',
    path: `${SMS}/preview`,
    tag: 'SMS',
    summary: 'The final text of an SMS, its encoding, parts and credits',
    body: previewRequest,
    answers: [{ description: 'The text and its figures, and the balance' }],
    problems: [422],
  },
  {
    method: 'PATCH',
    path: `${SMS}/settings`,
    tag: 'SMS',
    summary:
      "Sender name, header, signature, STOP mention, sending window, the shop's own Octopush account",
    body: smsSettings,
    answers: [{ description: 'The shop' }],
    problems: [409],
  },
  {
    method: 'GET',
    path: `${SMS}/replies`,
    tag: 'SMS',
    summary: 'Replies received',
    query: repliesQuery,
    answers: [{ description: 'The replies' }],
  },
];
