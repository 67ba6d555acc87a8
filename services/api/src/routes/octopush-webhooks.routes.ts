import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import { isStopReply } from '@optic/domain';
import { receiptRepository, recordOptOut, replyRepository } from '@optic/db';
import type { RecordedReceipt } from '@optic/db';
import { octopushReceiptOutcome, parseOctopushDate } from '@optic/providers';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
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

const HOUR_MS = 3_600_000;

// Octopush writes its dates without a zone and we read them as UTC; if they
// are Paris time they look up to two hours ahead, so three hours ahead is
// still a genuine callback, and anything later is not.
const FUTURE_TOLERANCE_MS = 3 * HOUR_MS;

/** Which callback a log line is about. */
type CallbackKind = 'receipt' | 'reply' | 'stop';

/**
 * Callbacks from Octopush. Octopush documents no signature, so each
 * callback URL carries a secret token; a call without it changes nothing.
 * A callback whose own date is outside the replay window changes nothing
 * either, and a repeated one finds its receipt or reply already recorded.
 */
export function octopushWebhookRoutes(context: ApiContext): Router {
  const router = Router();
  const genuine = requireToken(context.webhookToken);
  const fresh = replayWindow(context);

  router.post('/v1/webhooks/octopush/receipts', genuine, async (req, res) => {
    const input = parse(receipt, req.body);
    const at = parseOctopushDate(input.delivery_date)!;
    if (!fresh(at)) return ignoreStale(context, res, 'receipt', at);

    if (input.channel === 'sms') await recordReceipt(context, input, at);
    res.status(204).end();
  });

  router.post('/v1/webhooks/octopush/replies', genuine, async (req, res) => {
    const input = parse(reply, req.body);
    const at = parseOctopushDate(input.reception_date)!;
    if (!fresh(at)) return ignoreStale(context, res, 'reply', at);

    await recordInbound(context, {
      providerId: input.message_id || null,
      number: input.number,
      text: input.text,
      at,
      stopCallback: false,
    });
    res.status(204).end();
  });

  router.post('/v1/webhooks/octopush/stops', genuine, async (req, res) => {
    const input = parse(stop, req.body);
    const at = parseOctopushDate(input.stop_date)!;
    if (!fresh(at)) return ignoreStale(context, res, 'stop', at);

    await recordInbound(context, {
      providerId: input.message_id || null,
      number: input.number,
      text: input.text ?? 'STOP',
      at,
      stopCallback: true,
    });
    res.status(204).end();
  });

  return router;
}

async function recordReceipt(
  context: ApiContext,
  input: z.infer<typeof receipt>,
  at: Date,
): Promise<void> {
  const recorded = await context.dataSource.transaction((manager) =>
    receiptRepository.record(
      manager,
      {
        provider: 'octopush',
        providerId: input.message_id,
        number: input.number,
        status: input.status.toUpperCase(),
        outcome: octopushReceiptOutcome(input.status),
        occurredAt: at,
      },
      context.clock.now(),
    ),
  );
  logTicketless(context, recorded);
}

/** Says when a receipt was matched, or not, without its ticket. */
function logTicketless(context: ApiContext, recorded: RecordedReceipt): void {
  if (recorded.match === 'ticketless') {
    context.logger.info('receipt matched to an SMS sent without a ticket', {
      messageId: recorded.messageId,
    });
  } else if (recorded.match === 'ambiguous') {
    context.logger.warn(
      'receipt of an unknown ticket left unattached: several SMS sent without a ticket to its number',
      { messageIds: recorded.candidates },
    );
  }
}

/**
 * Tells whether a callback's own date is recent enough to be acted on: a
 * captured callback replayed later (a STOP, say) must not act again.
 */
function replayWindow(context: ApiContext): (at: Date) => boolean {
  const maxAgeMs = (context.webhookReplayWindowHours ?? 24) * HOUR_MS;
  return (at) => {
    const ageMs = context.clock.now().getTime() - at.getTime();
    return ageMs <= maxAgeMs && ageMs >= -FUTURE_TOLERANCE_MS;
  };
}

/**
 * Records nothing, yet answers 204 like an accepted callback: the token was
 * right, so this is Octopush (or someone holding its URL), and a refusal
 * could only make Octopush retry a date that will never become fresh again,
 * or flag the URL, whose page must answer empty. The log says it happened.
 */
function ignoreStale(
  context: ApiContext,
  res: Response,
  callback: CallbackKind,
  at: Date,
): void {
  const ageMinutes = Math.round(
    (context.clock.now().getTime() - at.getTime()) / 60_000,
  );
  context.logger.warn('octopush callback outside the replay window', {
    callback,
    ageMinutes,
  });
  res.status(204).end();
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
      const recorded = await replyRepository.record(manager, {
        ...origin,
        number,
        text: inbound.text,
        isStop,
        receivedAt: inbound.at,
      });
      // A repeated STOP was acted on the first time; acting again would add
      // a second withdrawal to the client's consent trail.
      if (!recorded || !isStop) continue;
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

const OCTOPUSH = '/v1/webhooks/octopush';

/** What `/openapi.json` says of these routes. */
export const octopushWebhookOperations: OperationSpec[] = [
  {
    method: 'POST',
    path: `${OCTOPUSH}/receipts`,
    tag: 'Webhooks',
    summary: 'A delivery receipt; repeats and any order are harmless',
    access: 'webhook',
    body: receipt,
    answers: [{ status: 204, description: 'Recorded' }],
  },
  {
    method: 'POST',
    path: `${OCTOPUSH}/replies`,
    tag: 'Webhooks',
    summary: 'A reply from a client',
    access: 'webhook',
    body: reply,
    answers: [{ status: 204, description: 'Recorded' }],
  },
  {
    method: 'POST',
    path: `${OCTOPUSH}/stops`,
    tag: 'Webhooks',
    summary: 'A STOP: withdraws SMS consent and suppresses the number',
    access: 'webhook',
    body: stop,
    answers: [{ status: 204, description: 'Recorded' }],
  },
];
