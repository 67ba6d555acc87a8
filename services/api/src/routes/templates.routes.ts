import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { findUnknownMergeFields } from '@optic/domain';
import { Template } from '@optic/db';
import { sanitizeEmailBody } from '@optic/providers';
import type { ApiContext } from '../api-context';
import { ApiProblem } from '../http/problem';
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

export function templatesRoutes(context: ApiContext): Router {
  const router = Router();

  router.post(
    '/v1/shops/:shopId/templates',
    loadShop(context),
    async (req, res) => {
      const shop = shopOf(res);
      const input = parse(createTemplate, req.body);
      refuseUnknownFields({ body: input.body, subject: input.subject });

      const now = context.clock.now();
      const template = context.dataSource.manager.create(Template, {
        id: randomUUID(),
        shopId: shop.id,
        channel: input.channel,
        label: input.label,
        subject: input.channel === 'email' ? input.subject! : null,
        body:
          input.channel === 'email'
            ? sanitizeEmailBody(input.body)
            : input.body,
        kind: input.kind,
        createdAt: now,
        updatedAt: now,
      });
      await context.dataSource.manager.insert(Template, template);
      res.status(201).json(template);
    },
  );

  return router;
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
