import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { RequestHandler } from 'express';
import { In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import {
  Document,
  Message,
  MESSAGE_STATUSES,
  messageRepository,
  Template,
  Visit,
} from '@optic/db';
import type { MessageAttachment, Shop } from '@optic/db';
import { nextMarketingOpening } from '@optic/delivery';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { idempotent } from '../auth/idempotency';
import { ApiProblem } from '../http/problem';
import { parse } from '../http/validate';
import { findClient } from './clients.routes';
import { loadShop, shopOf } from './shop-scope';
import { refuseUnsafeHtml } from './email-checks';
import { refuseUnknownFields } from './templates.routes';

const sendRequest = z
  .strictObject({
    channel: z.enum(['sms', 'email']),
    clientId: z.uuid(),
    templateId: z.uuid().optional(),
    body: z.string().min(1).max(100_000).optional(),
    subject: z.string().trim().min(1).max(255).optional(),
    kind: z.enum(['transactional', 'marketing']).optional(),
    salesperson: z.string().trim().min(1).max(100),
    visitId: z.uuid().optional(),
    documentIds: z.array(z.uuid()).max(10).default([]),
  })
  .refine((r) => Boolean(r.templateId) !== Boolean(r.body), {
    path: ['body'],
    message: 'give exactly one of templateId and body',
  })
  .refine((r) => r.channel === 'email' || r.documentIds.length === 0, {
    path: ['documentIds'],
    message: 'only e-mails carry documents',
  });

type SendRequest = z.infer<typeof sendRequest>;

const listQuery = z.strictObject({
  channel: z.enum(['sms', 'email']).optional(),
  clientId: z.uuid().optional(),
  status: z.enum(MESSAGE_STATUSES).optional(),
  campaignId: z.uuid().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const statsQuery = z.strictObject({ campaignId: z.uuid().optional() });

export function messagesRoutes(context: ApiContext): Router {
  const router = Router();
  const scoped = loadShop(context);
  const base = '/v1/shops/:shopId/messages';

  router.post(base, scoped, idempotent(context), sendHandler(context));
  router.get(base, scoped, listHandler(context));
  router.post(`${base}/:messageId/cancel`, scoped, cancelHandler(context));
  router.get(`${base}/stats`, scoped, statsHandler(context));
  router.get(`${base}/:messageId`, scoped, readHandler(context));

  return router;
}

function sendHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const message = await buildMessage(
      context,
      shopOf(res),
      parse(sendRequest, req.body),
    );
    await context.dataSource.manager.insert(Message, message);
    await enqueue(context, message);

    res
      .status(202)
      .location(`/v1/shops/${message.shopId}/messages/${message.id}`)
      .json({ id: message.id, status: message.status });
  };
}

function listHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const query = parse(listQuery, req.query);
    const rows = await messageRepository.list(
      context.dataSource.manager,
      shopOf(res).id,
      query,
      decodeCursor(query.cursor),
      query.limit + 1,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    res.json({
      items: page.map(messageView),
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor(last.queuedAt, last.id)
          : null,
    });
  };
}

function cancelHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const id = String(req.params.messageId);
    const manager = context.dataSource.manager;
    const message = await findShopMessage(manager, id, shopOf(res).id);
    if (!message) throw ApiProblem.notFound('message', 'messageId');

    // Only a message no worker has taken yet can be cancelled; it has not
    // been charged, so there is no credit to give back.
    const cancelled = await messageRepository.transition(
      manager,
      id,
      ['queued'],
      'cancelled',
      context.clock.now(),
      {
        reason: 'cancelled_by_staff',
      },
    );
    if (!cancelled) {
      const current = await messageRepository.findById(manager, id);
      throw new ApiProblem(
        409,
        'not_cancellable',
        `a ${current?.status} message cannot be cancelled`,
      );
    }
    res.json(messageView((await messageRepository.findById(manager, id))!));
  };
}

function statsHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const { campaignId } = parse(statsQuery, req.query);
    const counts = await messageRepository.countByChannelAndStatus(
      context.dataSource.manager,
      shopOf(res).id,
      campaignId ?? null,
    );
    res.json({ counts });
  };
}

function readHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const manager = context.dataSource.manager;
    const message = await findShopMessage(
      manager,
      String(req.params.messageId),
      shopOf(res).id,
    );
    if (!message) throw ApiProblem.notFound('message', 'messageId');

    const events = await messageRepository.events(manager, message.id);
    res.json({ ...messageView(message), attemptsLog: events });
  };
}

/** A message of the shop; null for an unknown or malformed id. */
async function findShopMessage(
  manager: EntityManager,
  id: string,
  shopId: string,
): Promise<Message | null> {
  if (!z.uuid().safeParse(id).success) return null;
  return messageRepository.findById(manager, id, shopId);
}

/** Checks every reference and builds the `queued` row; nothing is written. */
async function buildMessage(
  context: ApiContext,
  shop: Shop,
  input: SendRequest,
): Promise<Message> {
  const client = await findClient(context, shop.id, input.clientId);
  if (!client)
    throw ApiProblem.unprocessable('clientId', 'unknown client of this shop');

  const template = input.templateId
    ? await findTemplate(context, shop.id, input)
    : null;
  const subject = subjectOf(input, template);
  refuseUnknownFields({ body: input.body, subject: input.subject });
  if (input.channel === 'email') refuseUnsafeHtml('body', input.body);

  await checkVisit(context, client.id, input);
  const attachments = await checkDocuments(context, client.id, input);

  const now = context.clock.now();
  const kind = input.kind ?? template?.kind ?? 'transactional';
  return context.dataSource.manager.create(Message, {
    id: randomUUID(),
    shopId: shop.id,
    clientId: client.id,
    channel: input.channel,
    kind,
    notBefore: waitsForWindow(shop, input.channel, kind, now),
    campaignId: null,
    templateId: template?.id ?? null,
    visitId: input.visitId ?? null,
    documentIds: input.documentIds,
    attachments,
    salesperson: input.salesperson,
    subject,
    body: input.body ?? template!.body,
    status: 'queued',
    attempts: 0,
    inFlight: false,
    credits: 0,
    queuedAt: now,
    updatedAt: now,
  });
}

/** The subject given, else the template's; an e-mail must have one. */
function subjectOf(
  input: SendRequest,
  template: Template | null,
): string | null {
  const subject = input.subject ?? template?.subject ?? null;
  if (input.channel === 'email' && !subject) {
    throw ApiProblem.validation([
      { path: 'subject', message: 'required for an e-mail' },
    ]);
  }
  return subject;
}

async function checkVisit(
  context: ApiContext,
  clientId: string,
  input: SendRequest,
): Promise<void> {
  if (!input.visitId) return;
  const visit = await context.dataSource.manager.findOneBy(Visit, {
    id: input.visitId,
    clientId,
  });
  if (!visit)
    throw ApiProblem.unprocessable('visitId', 'unknown visit of this client');
}

async function findTemplate(
  context: ApiContext,
  shopId: string,
  input: SendRequest,
): Promise<Template> {
  const template = await context.dataSource.manager.findOneBy(Template, {
    id: input.templateId!,
    shopId,
  });
  if (!template)
    throw ApiProblem.unprocessable(
      'templateId',
      'unknown template of this shop',
    );
  if (template.channel !== input.channel) {
    throw ApiProblem.unprocessable(
      'templateId',
      `a ${template.channel} template cannot be sent by ${input.channel}`,
    );
  }
  return template;
}

/** A marketing SMS asked for outside the shop's window waits for its opening. */
function waitsForWindow(
  shop: Shop,
  channel: string,
  kind: string,
  now: Date,
): Date | null {
  if (channel !== 'sms' || kind !== 'marketing') return null;
  const opening = nextMarketingOpening(shop, now);
  return opening.getTime() > now.getTime() ? opening : null;
}

/**
 * Attachments must be documents of this client (and of the visit, if
 * named), each once, and fit in one e-mail together; returns what the
 * history keeps of them.
 */
async function checkDocuments(
  context: ApiContext,
  clientId: string,
  input: SendRequest,
): Promise<MessageAttachment[]> {
  if (input.documentIds.length === 0) return [];

  const documents = await context.dataSource.manager.findBy(Document, {
    id: In(input.documentIds),
    clientId,
  });
  const found = new Map(documents.map((d) => [d.id, d]));
  input.documentIds.forEach((id, index) => {
    const document = found.get(id);
    const ofVisit =
      !document?.visitId ||
      !input.visitId ||
      document.visitId === input.visitId;
    if (!document || !ofVisit) {
      throw ApiProblem.unprocessable(
        `documentIds.${index}`,
        'not a document of this client or visit',
      );
    }
    if (input.documentIds.indexOf(id) !== index) {
      throw ApiProblem.unprocessable(
        `documentIds.${index}`,
        'already attached',
      );
    }
  });
  const attachments = input.documentIds.map((id) =>
    attachmentOf(found.get(id)!),
  );
  checkTotalSize(attachments, context.email.attachmentBytes);
  return attachments;
}

function attachmentOf(document: Document): MessageAttachment {
  return {
    documentId: document.id,
    name: document.name,
    contentType: document.contentType,
    sizeBytes: document.sizeBytes,
  };
}

function checkTotalSize(attachments: MessageAttachment[], max: number): void {
  const total = attachments.reduce((sum, a) => sum + a.sizeBytes, 0);
  if (total <= max) return;

  throw ApiProblem.unprocessable(
    'documentIds',
    `the attachments add up to ${total} bytes, more than the ${max} bytes one e-mail may carry`,
    'attachments_too_large',
  );
}

/**
 * The row is committed first; if Redis refuses the job, the sweeper will
 * enqueue it later, so the send is still accepted.
 */
async function enqueue(context: ApiContext, message: Message): Promise<void> {
  try {
    const delayMs = message.notBefore
      ? message.notBefore.getTime() - context.clock.now().getTime()
      : 0;
    await context.producer.enqueue({
      messageId: message.id,
      channel: message.channel,
      lane: 'counter',
      delayMs,
    });
  } catch (error) {
    context.logger.warn('enqueue failed, left to the sweeper', {
      messageId: message.id,
      error: (error as Error).message,
    });
  }
}

/** A history row: what the shop's history table shows, and each transition's time. */
export function messageView(message: Message): Record<string, unknown> {
  return {
    id: message.id,
    shopId: message.shopId,
    clientId: message.clientId,
    channel: message.channel,
    kind: message.kind,
    campaignId: message.campaignId,
    templateId: message.templateId,
    visitId: message.visitId,
    documentIds: message.documentIds,
    attachments: message.attachments ?? [],
    salesperson: message.salesperson,
    recipient: message.recipient,
    subject: message.subject,
    text: message.renderedText ?? message.body,
    status: message.status,
    reason: message.reason,
    error: message.error,
    attempts: message.attempts,
    provider: message.provider,
    providerId: message.providerId,
    encoding: message.encoding,
    segments: message.segments,
    credits: message.credits,
    notBefore: message.notBefore,
    timestamps: {
      queuedAt: message.queuedAt,
      sendingAt: message.sendingAt,
      sentAt: message.sentAt,
      deliveredAt: message.deliveredAt,
      failedAt: message.failedAt,
      rejectedAt: message.rejectedAt,
      cancelledAt: message.cancelledAt,
      expiredAt: message.expiredAt,
      unknownAt: message.unknownAt,
    },
  };
}

const MESSAGES = '/v1/shops/:shopId/messages';

/** What `/openapi.json` says of these routes. */
export const messagesOperations: OperationSpec[] = [
  {
    method: 'POST',
    path: MESSAGES,
    tag: 'Messages',
    summary: 'Send one SMS or e-mail to a client, from a template or a text',
    body: sendRequest,
    idempotent: true,
    answers: [{ status: 202, description: 'Queued: its id and status' }],
    problems: [409, 422],
  },
  {
    method: 'GET',
    path: MESSAGES,
    tag: 'Messages',
    summary: 'The history, newest first',
    query: listQuery,
    answers: [{ description: 'A page of messages and the next cursor' }],
  },
  {
    method: 'GET',
    path: `${MESSAGES}/stats`,
    tag: 'Messages',
    summary: 'Counts by channel and status',
    query: statsQuery,
    answers: [{ description: 'The counts' }],
  },
  {
    method: 'GET',
    path: `${MESSAGES}/:messageId`,
    tag: 'Messages',
    summary: 'A message and each of its attempts',
    answers: [{ description: 'The message' }],
  },
  {
    method: 'POST',
    path: `${MESSAGES}/:messageId/cancel`,
    tag: 'Messages',
    summary: 'Cancel a message no worker has taken yet',
    answers: [{ description: 'The cancelled message' }],
    problems: [409],
  },
];
