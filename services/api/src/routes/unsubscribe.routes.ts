import { Router } from 'express';
import type { Response } from 'express';
import { Message, recordOptOut, Shop } from '@optic/db';
import { escapeHtml, readUnsubscribeToken } from '@optic/providers';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';

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
      return page(res, 200, 'Désinscription', done(found.shop));
    }
    page(
      res,
      200,
      'Désinscription',
      `<p>Ne plus recevoir les informations de ${escapeHtml(found.shop.name)} par e-mail
      à l'adresse ${escapeHtml(found.message.recipient)} ?</p>
      <form method="post">
        <input type="hidden" name="List-Unsubscribe" value="One-Click">
        <button type="submit">Me désabonner</button>
      </form>`,
    );
  });

  // RFC 8058 says the body is `List-Unsubscribe=One-Click`; it carries no
  // information the token does not, so it is not required.
  router.post('/v1/unsubscribe/:token', async (req, res) => {
    const found = await find(context, String(req.params.token));
    if (!found) return invalidLink(res);

    await withdraw(context, found);
    page(res, 200, 'Désinscription', done(found.shop));
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

function done(shop: Shop): string {
  return `<p>C'est fait : vous ne recevrez plus les informations de
    ${escapeHtml(shop.name)} par e-mail.</p>`;
}

function invalidLink(res: Response): void {
  page(
    res,
    404,
    'Lien inconnu',
    `<p>Ce lien de désinscription n'est pas valide. Copiez-le en entier depuis
    l'e-mail reçu, ou répondez à cet e-mail pour demander la désinscription.</p>`,
  );
}

function page(res: Response, status: number, title: string, body: string) {
  res
    .status(status)
    // The token is in the URL: keep it out of referrers and caches.
    .set({
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    })
    .type('html')
    .send(
      `<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title></head>
<body style="font-family: Helvetica, Arial, sans-serif; max-width: 32em; margin: 2em auto">
<h1 style="font-size: 1.3em">${escapeHtml(title)}</h1>${body}</body></html>`,
    );
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
