import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { RequestHandler } from 'express';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { findUnknownMergeFields } from '@optic/domain';
import { Template } from '@optic/db';
import { sanitizeEmailBody } from '@optic/providers';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
import { ApiProblem } from '../http/problem';
import { refuseUnsafeHtml } from './email-checks';
import type { FieldError } from '../http/problem';
import { parse } from '../http/validate';
import { loadShop, shopOf } from './shop-scope';

const createTemplate = z
  .strictObject({
    channel: z.enum(['sms', 'email']),
    label: z.string().trim().min(1).max(100),
    subject: z.string().trim().min(1).max(255).optional(),
    body: z.string().min(1).max(100_000),
    kind: z.enum(['transactional', 'marketing']).default('transactional'),
  })
  .refine((t) => t.channel === 'sms' || t.subject, {
    path: ['subject'],
    message: 'required for an e-mail template',
  });

const updateTemplate = z.strictObject({
  label: z.string().trim().min(1).max(100).optional(),
  subject: z.string().trim().min(1).max(255).optional(),
  body: z.string().min(1).max(100_000).optional(),
  kind: z.enum(['transactional', 'marketing']).optional(),
});

const listQuery = z.strictObject({
  channel: z.enum(['sms', 'email']).optional(),
});

export function templatesRoutes(context: ApiContext): Router {
  const router = Router();
  const scoped = loadShop(context);
  const base = '/v1/shops/:shopId/templates';

  router.get(base, scoped, listHandler(context));
  router.get(`${base}/:templateId`, scoped, readHandler(context));
  router.patch(`${base}/:templateId`, scoped, updateHandler(context));
  router.delete(`${base}/:templateId`, scoped, deleteHandler(context));
  router.post(base, scoped, createHandler(context));

  return router;
}

function listHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const { channel } = parse(listQuery, req.query);
    const items = await context.dataSource.manager.find(Template, {
      where: { shopId: shopOf(res).id, ...(channel ? { channel } : {}) },
      order: { label: 'ASC' },
    });
    res.json({ items });
  };
}

function readHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    res.json(
      await findTemplateOr404(
        context,
        shopOf(res).id,
        String(req.params.templateId),
      ),
    );
  };
}

function updateHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const template = await findTemplateOr404(
      context,
      shopOf(res).id,
      String(req.params.templateId),
    );
    const input = parse(updateTemplate, req.body);
    if (template.channel === 'sms' && input.subject !== undefined) {
      throw ApiProblem.validation([
        { path: 'subject', message: 'an SMS has no subject' },
      ]);
    }
    refuseUnknownFields({ body: input.body, subject: input.subject });
    if (template.channel === 'email') refuseUnsafeHtml('body', input.body);

    const body =
      input.body !== undefined && template.channel === 'email'
        ? sanitizeEmailBody(input.body)
        : input.body;
    Object.assign(template, {
      ...input,
      ...(body !== undefined ? { body } : {}),
      updatedAt: context.clock.now(),
    });
    await context.dataSource.manager.save(Template, template);
    res.json(template);
  };
}

function deleteHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const template = await findTemplateOr404(
      context,
      shopOf(res).id,
      String(req.params.templateId),
    );
    await context.dataSource.transaction((manager) =>
      deleteUnusedTemplate(manager, template.id),
    );
    res.status(204).end();
  };
}

async function deleteUnusedTemplate(
  manager: EntityManager,
  templateId: string,
): Promise<void> {
  const campaigns: unknown[] = await manager.query(
    'SELECT 1 FROM campaign WHERE template_id = $1 LIMIT 1',
    [templateId],
  );
  if (campaigns.length > 0) {
    throw new ApiProblem(
      409,
      'template_in_use',
      'a campaign uses this template; it cannot be deleted',
    );
  }
  // Sent messages keep their own copy of the text; only the link goes.
  await manager.query(
    'UPDATE message SET template_id = NULL WHERE template_id = $1',
    [templateId],
  );
  await manager.delete(Template, { id: templateId });
}

function createHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const shop = shopOf(res);
    const input = parse(createTemplate, req.body);
    refuseUnknownFields({ body: input.body, subject: input.subject });
    if (input.channel === 'email') refuseUnsafeHtml('body', input.body);

    const now = context.clock.now();
    const template = context.dataSource.manager.create(Template, {
      id: randomUUID(),
      shopId: shop.id,
      channel: input.channel,
      label: input.label,
      subject: input.channel === 'email' ? input.subject! : null,
      body:
        input.channel === 'email' ? sanitizeEmailBody(input.body) : input.body,
      kind: input.kind,
      createdAt: now,
      updatedAt: now,
    });
    await context.dataSource.manager.insert(Template, template);
    res.status(201).json(template);
  };
}

async function findTemplateOr404(
  context: ApiContext,
  shopId: string,
  id: string,
): Promise<Template> {
  const template = z.uuid().safeParse(id).success
    ? await context.dataSource.manager.findOneBy(Template, { id, shopId })
    : null;
  if (!template) throw ApiProblem.notFound('template', 'templateId');
  return template;
}

/** A template (or inline text) naming a field we cannot fill is refused. */
export function refuseUnknownFields(
  texts: Record<string, string | undefined>,
): void {
  const errors: FieldError[] = [];
  for (const [path, text] of Object.entries(texts)) {
    for (const field of findUnknownMergeFields(text ?? '')) {
      errors.push({ path, message: `unknown merge field ${field}` });
    }
  }
  if (errors.length > 0) {
    throw new ApiProblem(
      422,
      'unknown_merge_field',
      errors.map((e) => `${e.path}: ${e.message}`).join('; '),
      errors,
    );
  }
}

const TEMPLATES = '/v1/shops/:shopId/templates';

/** What `/openapi.json` says of these routes. */
export const templatesOperations: OperationSpec[] = [
  {
    method: 'GET',
    path: TEMPLATES,
    tag: 'Templates',
    summary: "The shop's predefined messages, by label",
    query: listQuery,
    answers: [{ description: 'The templates' }],
  },
  {
    method: 'POST',
    path: TEMPLATES,
    tag: 'Templates',
    summary: 'Create a template; an e-mail body is sanitised',
    body: createTemplate,
    answers: [{ status: 201, description: 'The template' }],
    problems: [422],
  },
  {
    method: 'GET',
    path: `${TEMPLATES}/:templateId`,
    tag: 'Templates',
    summary: 'Read a template',
    answers: [{ description: 'The template' }],
  },
  {
    method: 'PATCH',
    path: `${TEMPLATES}/:templateId`,
    tag: 'Templates',
    summary: 'Change a template',
    body: updateTemplate,
    answers: [{ description: 'The template' }],
    problems: [422],
  },
  {
    method: 'DELETE',
    path: `${TEMPLATES}/:templateId`,
    tag: 'Templates',
    summary: 'Delete a template; sent messages keep their own copy',
    answers: [{ status: 204, description: 'Deleted' }],
    problems: [409],
  },
];
