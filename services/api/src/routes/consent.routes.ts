import { Router } from 'express';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import {
  CLIENT_OPT_OUT_SOURCES,
  CONSENT_SOURCES,
  consentRepository,
  Message,
  recordConsent,
  suppress,
  suppressionRepository,
} from '@optic/db';
import type { Client, ConsentChannel, ConsentEventRow } from '@optic/db';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
import { instant } from '../http/dates';
import { ApiProblem } from '../http/problem';
import { parse } from '../http/validate';
import { findClient } from './clients.routes';
import { loadShop, shopOf } from './shop-scope';

const consentChange = z
  .strictObject({
    channel: z.enum(['sms', 'email']),
    granted: z.boolean(),
    source: z.enum(CONSENT_SOURCES, {
      error: (issue) =>
        issue.input === undefined
          ? 'required: how the consent was given or withdrawn'
          : `one of ${CONSENT_SOURCES.join(', ')}`,
    }),
    actor: z.string().trim().min(1).max(100),
    occurredAt: instant.optional(),
    messageId: z.uuid().optional(),
  })
  .refine((c) => !c.granted || !CLIENT_OPT_OUT_SOURCES.includes(c.source), {
    path: ['source'],
    message: 'a STOP reply or an unsubscribe link only withdraws consent',
  });

type ConsentChange = z.infer<typeof consentChange>;

export function consentRoutes(context: ApiContext): Router {
  const router = Router();
  const path = '/v1/shops/:shopId/clients/:clientId/consent';

  router.post(path, loadShop(context), async (req, res) => {
    const shop = shopOf(res);
    const client = await clientOrNotFound(context, shop.id, req.params);
    const input = parse(consentChange, req.body);
    const at = occurredAt(input, context.clock.now());
    await checkMessage(context.dataSource.manager, client, input.messageId);

    const outcome = await context.dataSource.transaction(async (manager) => {
      const recorded = await recordConsent(manager, {
        shopId: shop.id,
        clientId: client.id,
        channel: input.channel,
        granted: input.granted,
        source: input.source,
        actor: input.actor,
        messageId: input.messageId ?? null,
        at,
      });
      await suppressOptOut(manager, client, input, at);
      return recorded;
    });

    const state = await consentState(
      context.dataSource.manager,
      (await findClient(context, shop.id, client.id))!,
    );
    res.status(201).json({
      eventId: outcome.eventId,
      current: outcome.current,
      rejectedMessageIds: outcome.rejectedMessageIds,
      ...state,
    });
  });

  router.get(path, loadShop(context), async (req, res) => {
    const client = await clientOrNotFound(context, shopOf(res).id, req.params);
    res.json(await consentState(context.dataSource.manager, client));
  });

  return router;
}

/** Where each channel stands (and from which event), and the whole trail. */
export async function consentState(
  manager: EntityManager,
  client: Client,
): Promise<Record<string, unknown>> {
  const trail = await consentRepository.trail(
    manager,
    client.shopId,
    client.id,
  );
  const suppressed = await suppressionRepository.findByAddresses(
    manager,
    client.shopId,
    contactAddresses(client),
  );
  const channelState = (channel: ConsentChannel) => {
    const address = channel === 'sms' ? client.mobile : client.email;
    return {
      granted: channel === 'sms' ? client.smsConsent : client.emailConsent,
      since: channel === 'sms' ? client.smsConsentAt : client.emailConsentAt,
      source:
        channel === 'sms' ? client.smsConsentSource : client.emailConsentSource,
      actor: latestActor(trail, channel, client),
      address,
      suppressed: suppressed.some(
        (s) => s.channel === channel && s.address === address,
      ),
    };
  };
  return {
    clientId: client.id,
    sms: channelState('sms'),
    email: channelState('email'),
    trail,
  };
}

/** The client's mobile and e-mail as the suppression list holds them. */
export function contactAddresses(
  client: Pick<Client, 'mobile' | 'email'>,
): { channel: ConsentChannel; address: string }[] {
  return [
    ...(client.mobile
      ? [{ channel: 'sms' as const, address: client.mobile }]
      : []),
    ...(client.email
      ? [{ channel: 'email' as const, address: client.email }]
      : []),
  ];
}

/** Who made the change that decides the current state. */
function latestActor(
  trail: ConsentEventRow[],
  channel: ConsentChannel,
  client: Client,
): string | null {
  const since = channel === 'sms' ? client.smsConsentAt : client.emailConsentAt;
  const event = trail.find(
    (e) => e.channel === channel && e.occurredAt.getTime() === since?.getTime(),
  );
  return event?.actor ?? null;
}

async function clientOrNotFound(
  context: ApiContext,
  shopId: string,
  params: Record<string, unknown>,
): Promise<Client> {
  const client = await findClient(context, shopId, String(params.clientId));
  if (!client) throw ApiProblem.notFound('client', 'clientId');
  return client;
}

function occurredAt(input: ConsentChange, now: Date): Date {
  if (!input.occurredAt) return now;
  const at = new Date(input.occurredAt);
  if (at.getTime() > now.getTime()) {
    throw ApiProblem.validation([
      { path: 'occurredAt', message: 'must not be in the future' },
    ]);
  }
  return at;
}

async function checkMessage(
  manager: EntityManager,
  client: Client,
  messageId: string | undefined,
): Promise<void> {
  if (!messageId) return;
  const message = await manager.findOneBy(Message, {
    id: messageId,
    clientId: client.id,
  });
  if (!message)
    throw ApiProblem.unprocessable(
      'messageId',
      'unknown message of this client',
    );
}

/**
 * A STOP or unsubscribe recorded by staff came from the address itself:
 * it goes on the suppression list like one received automatically.
 */
async function suppressOptOut(
  manager: EntityManager,
  client: Client,
  input: ConsentChange,
  at: Date,
): Promise<void> {
  if (input.granted || !CLIENT_OPT_OUT_SOURCES.includes(input.source)) return;
  const address = input.channel === 'sms' ? client.mobile : client.email;
  if (!address) return;

  await suppress(manager, {
    shopId: client.shopId,
    channel: input.channel,
    address,
    reason: input.source === 'reply_stop' ? 'reply_stop' : 'unsubscribe',
    actor: input.actor,
    messageId: input.messageId ?? null,
    at,
  });
}

const CONSENT = '/v1/shops/:shopId/clients/:clientId/consent';

/** What `/openapi.json` says of these routes. */
export const consentOperations: OperationSpec[] = [
  {
    method: 'POST',
    path: CONSENT,
    tag: 'Consent',
    summary:
      "Record a consent given or withdrawn; a withdrawal rejects that channel's queued messages",
    body: consentChange,
    answers: [
      { status: 201, description: 'The event, the current state, the trail' },
    ],
    problems: [422],
  },
  {
    method: 'GET',
    path: CONSENT,
    tag: 'Consent',
    summary: 'Where each channel stands, and the whole trail',
    answers: [{ description: 'The state and the trail' }],
  },
];
