import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { isStopReply } from '@optic/domain';
import { receiptRepository, recordOptOut, replyRepository } from '@optic/db';
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

const reply = z.object({
  message_id: z.string().max(100).optional(),
  number: z.string().min(3).max(20),
  text: z.string().max(2000),
  sim_card_number: z.string().max(40).optional(),
  reception_date: octopushDate,
});

const stop = z.object({
  message_id: z.string().max(100).optional(),
  number: z.string().min(3).max(20),
  text: z.string().max(2000).optional(),
  stop_date: octopushDate,
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

  router.post('/v1/webhooks/octopush/replies', genuine, async (req, res) => {
    const input = parse(reply, req.body);
    await recordInbound(context, {
      providerId: input.message_id || null,
      number: input.number,
      text: input.text,
      at: parseOctopushDate(input.reception_date)!,
      stopCallback: false,
    });
    res.status(204).end();
  });

  router.post('/v1/webhooks/octopush/stops', genuine, async (req, res) => {
    const input = parse(stop, req.body);
    await recordInbound(context, {
      providerId: input.message_id || null,
      number: input.number,
      text: input.text ?? 'STOP',
      at: parseOctopushDate(input.stop_date)!,
      stopCallback: true,
    });
    res.status(204).end();
  });

  return router;
}

interface Inbound {
  providerId: string | null;
  number: string;
  text: string;
  at: Date;
  /** Octopush's opt-out callback: a STOP whatever the words. */
  stopCallback: boolean;
}

/**
 * A reply is kept in the history of the client it answers; a STOP also
 * suppresses the number and withdraws that client's SMS consent at once,
 * which rejects the SMS still waiting for them.
 */
async function recordInbound(
  context: ApiContext,
  inbound: Inbound,
): Promise<void> {
  const number = normalizeInboundNumber(inbound.number);
  const isStop = inbound.stopCallback || isStopReply(inbound.text);

  await context.dataSource.transaction(async (manager) => {
    const origins = await replyRepository.origins(
      manager,
      inbound.providerId,
      number,
    );
    if (origins.length === 0)
      context.logger.warn('inbound SMS from an unknown number', {
        stop: isStop,
      });

    for (const origin of origins) {
      await replyRepository.record(manager, {
        ...origin,
        number,
        text: inbound.text,
        isStop,
        receivedAt: inbound.at,
      });
      if (!isStop) continue;
      await recordOptOut(manager, {
        shopId: origin.shopId,
        channel: 'sms',
        address: number,
        clientId: origin.clientId,
        source: 'reply_stop',
        messageId: origin.messageId,
        at: inbound.at,
      });
    }
  });
}

/** Octopush sends `+33…`; keep E.164 as the send path stores it. */
function normalizeInboundNumber(number: string): string {
  const digits = number.replace(/[^\d+]/g, '');
  return digits.startsWith('+') ? digits : `+${digits}`;
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
