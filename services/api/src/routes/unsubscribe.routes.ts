import { Router } from 'express';
import { Message, recordOptOut, Shop } from '@optic/db';
import { readUnsubscribeToken } from '@optic/providers';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
import { confirmBody, doneBody, invalidLink, page } from './unsubscribe-page';

interface Unsubscription {
  message: Message & { recipient: string };
  shop: Shop;
}

/**
 * The links of marketing e-mails' `List-Unsubscribe`: a `GET` shows a page
 * that asks to confirm (link checkers and previews fetch URLs, and must not
 * unsubscribe anyone); a `POST`, from that page or from the mail client
 * (RFC 8058 one-click), withdraws e-mail consent with the message as proof
 * and suppresses the address. The token is the only credential.
 */
export function unsubscribeRoutes(context: ApiContext): Router {
  const router = Router();

  router.get('/v1/unsubscribe/:token', async (req, res) => {
    const found = await find(context, String(req.params.token));
    if (!found) return invalidLink(res);

    if (await isSuppressed(context, found)) {
      return page(res, 200, 'Désinscription', doneBody(found.shop.name));
    }
    page(
      res,
      200,
      'Désinscription',
      confirmBody(found.shop.name, found.message.recipient),
    );
  });

  // RFC 8058 says the body is `List-Unsubscribe=One-Click`; it carries no
  // information the token does not, so it is not required.
  router.post('/v1/unsubscribe/:token', async (req, res) => {
    const found = await find(context, String(req.params.token));
    if (!found) return invalidLink(res);

    await withdraw(context, found);
    page(res, 200, 'Désinscription', doneBody(found.shop.name));
  });

  return router;
}

async function find(
  context: ApiContext,
  token: string,
): Promise<Unsubscription | null> {
  const id = readUnsubscribeToken(token, context.email.unsubscribeSecret);
  if (!id) return null;

  const manager = context.dataSource.manager;
  const message = await manager.findOneBy(Message, { id });
  if (!message || message.channel !== 'email' || !message.recipient) {
    return null;
  }
  const shop = await manager.findOneByOrFail(Shop, { id: message.shopId });
  return { message: message as Unsubscription['message'], shop };
}

async function isSuppressed(
  context: ApiContext,
  { message }: Unsubscription,
): Promise<boolean> {
  const rows: unknown[] = await context.dataSource.query(
    `SELECT 1 FROM suppression
     WHERE shop_id = $1 AND channel = 'email' AND address = $2`,
    [message.shopId, message.recipient],
  );
  return rows.length > 0;
}

/** Once is enough: a second click changes nothing and says so. */
async function withdraw(
  context: ApiContext,
  found: Unsubscription,
): Promise<void> {
  if (await isSuppressed(context, found)) return;

  const { message } = found;
  await recordOptOut(context.dataSource.manager, {
    shopId: message.shopId,
    channel: 'email',
    address: message.recipient,
    clientId: message.clientId,
    source: 'unsubscribe_link',
    messageId: message.id,
    at: context.clock.now(),
  });
  context.logger.info('unsubscribed by link', { messageId: message.id });
}

const UNSUBSCRIBE = '/v1/unsubscribe/:token';

/** What `/openapi.json` says of these routes; the token is their proof. */
export const unsubscribeOperations: OperationSpec[] = [
  {
    method: 'GET',
    path: UNSUBSCRIBE,
    tag: 'Unsubscribe',
    summary: 'A page that asks to confirm (link checkers must not unsubscribe)',
    access: 'public',
    answers: [
      { description: 'The page', content: 'html' },
      { status: 404, description: 'An unknown link', content: 'html' },
    ],
  },
  {
    method: 'POST',
    path: UNSUBSCRIBE,
    tag: 'Unsubscribe',
    summary: 'Unsubscribe from e-mails (RFC 8058 one-click)',
    access: 'public',
    answers: [
      { description: 'Done', content: 'html' },
      { status: 404, description: 'An unknown link', content: 'html' },
    ],
  },
];
