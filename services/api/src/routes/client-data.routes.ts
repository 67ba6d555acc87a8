import { Router } from 'express';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { clientRepository, visitRepository } from '@optic/db';
import type { Client } from '@optic/db';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
import { ApiProblem } from '../http/problem';
import { clientView, findClient } from './clients.routes';
import { consentState } from './consent.routes';
import { documentView } from './documents.routes';
import { messageView } from './messages.routes';
import { loadShop, shopOf } from './shop-scope';

/**
 * Data protection: everything held about a client as one JSON document
 * (right of access and portability), and erasure on request.
 */
export function clientDataRoutes(context: ApiContext): Router {
  const router = Router();
  const scoped = loadShop(context);

  router.get(
    '/v1/shops/:shopId/clients/:clientId/export',
    scoped,
    async (req, res) => {
      const shop = shopOf(res);
      const client = await findClient(
        context,
        shop.id,
        String(req.params.clientId),
      );
      if (!client) throw ApiProblem.notFound('client', 'clientId');

      const body = await exportOf(context, client);
      res
        .attachment(`client-${client.id}.json`)
        .type('application/json')
        .json({ ...body, shop: { id: shop.id, name: shop.name } });
    },
  );

  router.delete(
    '/v1/shops/:shopId/clients/:clientId',
    scoped,
    eraseHandler(context),
  );

  return router;
}

function eraseHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const clientId = String(req.params.clientId);
    if (!z.uuid().safeParse(clientId).success)
      throw ApiProblem.notFound('client', 'clientId');

    const erasure = await context.dataSource.transaction(async (manager) => {
      const result = await clientRepository.erase(manager, {
        shopId: shopOf(res).id,
        clientId,
        at: context.clock.now(),
      });
      // Inside the transaction: should the commit fail, a retry finds the
      // rows again and the store ignores keys already gone.
      if (result.status === 'erased') {
        for (const key of result.documentKeys) {
          await context.documents.delete(key);
        }
      }
      return result;
    });

    if (erasure.status === 'not_found')
      throw ApiProblem.notFound('client', 'clientId');
    if (erasure.status === 'busy') {
      throw new ApiProblem(
        409,
        'client_busy',
        'a message to this client is being sent; erase again in a minute',
        erasure.sendingMessageIds.map((id) => ({
          path: 'clientId',
          message: `message ${id} is being sent`,
        })),
      );
    }
    res.status(204).end();
  };
}

async function exportOf(
  context: ApiContext,
  client: Client,
): Promise<Record<string, unknown>> {
  const manager = context.dataSource.manager;
  const [consent, visits, messages, replies, documents] = await Promise.all([
    consentState(manager, client),
    clientRepository.visitsOf(manager, client.id),
    clientRepository.messagesOf(manager, client.id),
    clientRepository.repliesOf(manager, client.id),
    clientRepository.documentsOf(manager, client.id),
  ]);
  const history = await visitRepository.statusHistory(
    manager,
    visits.map((v) => v.id),
  );
  const { trail, clientId: _clientId, ...current } = consent;

  return {
    exportedAt: context.clock.now(),
    client: clientView(client),
    consent: current,
    consentTrail: trail,
    visits: visits.map((visit) => ({
      ...visit,
      statusHistory: history.get(visit.id) ?? [],
    })),
    messages: messages.map((message) => ({
      ...messageView(message),
      requestedBody: message.body,
    })),
    replies,
    documents: documents.map(documentView),
  };
}

/** What `/openapi.json` says of these routes. */
export const clientDataOperations: OperationSpec[] = [
  {
    method: 'GET',
    path: '/v1/shops/:shopId/clients/:clientId/export',
    tag: 'Client data',
    summary: 'Everything held about a client, as one JSON document',
    answers: [{ description: 'The export, as an attachment' }],
  },
  {
    method: 'DELETE',
    path: '/v1/shops/:shopId/clients/:clientId',
    tag: 'Client data',
    summary: 'Erase a client and their documents',
    answers: [{ status: 204, description: 'Erased' }],
    problems: [409],
  },
];
