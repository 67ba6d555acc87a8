import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { receiptRepository } from '@optic/db';
import { octopushReceiptOutcome, parseOctopushDate } from '@optic/providers';
import type { ApiContext } from '../api-context';
import { ApiProblem } from '../http/problem';
import { parse } from '../http/validate';

const octopushDate = z
  .string()
  .refine((v) => parseOctopushDate(v) !== null, 'a date as Y-m-d H:i:s');

const receipt = z.object({
  channel: z.string().default('sms'),
  message_id: z.string().min(1).max(100),
  number: z.string().min(3).max(20),
  status: z.string().min(1).max(40),
  delivery_date: octopushDate,
});

/**
 * Callbacks from Octopush. Octopush documents no signature, so each
 * callback URL carries a secret token; a call without it changes nothing.
 */
export function octopushWebhookRoutes(context: ApiContext): Router {
  const router = Router();
  const genuine = requireToken(context.webhookToken);

  router.post('/v1/webhooks/octopush/receipts', genuine, async (req, res) => {
    const input = parse(receipt, req.body);
    if (input.channel !== 'sms') {
      res.status(204).end();
      return;
    }

    await context.dataSource.transaction((manager) =>
      receiptRepository.record(
        manager,
        {
          provider: 'octopush',
          providerId: input.message_id,
          number: input.number,
          status: input.status.toUpperCase(),
          outcome: octopushReceiptOutcome(input.status),
          occurredAt: parseOctopushDate(input.delivery_date)!,
        },
        context.clock.now(),
      ),
    );
    res.status(204).end();
  });

  return router;
}

export function requireToken(expected: string): RequestHandler {
  const wanted = Buffer.from(expected);
  return (req, _res, next) => {
    const given = Buffer.from(
      typeof req.query.token === 'string' ? req.query.token : '',
    );
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      throw new ApiProblem(
        401,
        'unauthorized',
        'missing or wrong callback token',
      );
    }
    next();
  };
}
