import { createClient, createShop, sendMessage } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { closedPort, mailFor, settled } from './email-support';

describe('when the SMTP server refuses or fails', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  async function sendToNewClient(email = 'claire.durand@example.org') {
    const shopId = await createShop(stack.api);
    const clientId = await createClient(stack.api, shopId, { email });
    const id = await sendMessage(stack.api, shopId, {
      channel: 'email',
      clientId,
      subject: 'Vos lunettes sont prêtes',
      body: '<p>Bonjour %prenom</p>',
    });
    return { shopId, clientId, id };
  }

  async function suppressionsOf(shopId: string) {
    return stack.db.dataSource.query(
      `SELECT address, reason, message_id FROM suppression WHERE shop_id = $1`,
      [shopId],
    );
  }

  it('retries a 421 twice and sends at the third attempt', async () => {
    stack.smtp.failNext(
      { at: 'rcpt', code: 421, message: '4.7.0 Too busy, try again later' },
      { at: 'rcpt', code: 421, message: '4.7.0 Too busy, try again later' },
    );
    const { shopId, id } = await sendToNewClient();

    const message = await settled(stack, shopId, id);

    expect(message).toMatchObject({ status: 'sent', attempts: 3, error: null });
    expect(message.attemptsLog).toEqual([
      expect.objectContaining({
        attempt: 1,
        detail: expect.stringContaining('421 4.7.0 Too busy'),
      }),
      expect.objectContaining({
        attempt: 2,
        detail: expect.stringContaining('421 4.7.0 Too busy'),
      }),
    ]);
    expect(mailFor(stack.smtp.received, id)).toHaveLength(1);
  });

  it('retries a 451 at DATA, then sends', async () => {
    stack.smtp.failNext({
      at: 'data',
      code: 451,
      message: '4.3.0 Local error in processing',
    });
    const { shopId, id } = await sendToNewClient();

    expect(await settled(stack, shopId, id)).toMatchObject({
      status: 'sent',
      attempts: 2,
    });
    expect(mailFor(stack.smtp.received, id)).toHaveLength(1);
  });

  it('fails a 550 for the address at once, keeps the reply and suppresses the address', async () => {
    stack.smtp.failNext({
      at: 'rcpt',
      code: 550,
      message:
        '5.1.1 <gone@example.org>: Recipient address rejected: User unknown',
    });
    const { shopId, clientId, id } = await sendToNewClient('gone@example.org');

    const message = await settled(stack, shopId, id);

    expect(message).toMatchObject({
      status: 'failed',
      attempts: 1,
      reason: 'invalid_recipient',
      error: expect.stringContaining(
        '550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown',
      ),
    });
    expect(await suppressionsOf(shopId)).toEqual([
      { address: 'gone@example.org', reason: 'hard_bounce', message_id: id },
    ]);

    const next = await sendMessage(stack.api, shopId, {
      channel: 'email',
      clientId,
      subject: 'Relance',
      body: '<p>Bonjour</p>',
    });
    expect(await settled(stack, shopId, next)).toMatchObject({
      status: 'rejected',
      reason: 'suppressed',
    });
    expect(mailFor(stack.smtp.received, next)).toEqual([]);
  });

  it('fails a 550 5.7.1 policy refusal at once without suppressing the address', async () => {
    stack.smtp.failNext({
      at: 'rcpt',
      code: 550,
      message: '5.7.1 Relaying denied',
    });
    const { shopId, id } = await sendToNewClient();

    expect(await settled(stack, shopId, id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      reason: 'provider_rejected',
      error: expect.stringContaining('5.7.1 Relaying denied'),
    });
    expect(await suppressionsOf(shopId)).toEqual([]);
  });

  it('fails a 554 at DATA at once with the server’s reply', async () => {
    stack.smtp.failNext({
      at: 'data',
      code: 554,
      message: '5.6.0 Message content rejected',
    });
    const { shopId, id } = await sendToNewClient();

    expect(await settled(stack, shopId, id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      reason: 'provider_rejected',
      error: expect.stringContaining('554 5.6.0 Message content rejected'),
    });
  });

  it('retries a shop server that refuses the connection, then fails with the reason', async () => {
    const { shopId, clientId } = await (async () => {
      const shop = await createShop(stack.api);
      return {
        shopId: shop,
        clientId: await createClient(stack.api, shop),
      };
    })();
    const settings = await stack.api.patch(
      `/v1/shops/${shopId}/email/settings`,
      {
        smtp: { host: '127.0.0.1', port: await closedPort(), tlsMode: 'none' },
      },
    );
    expect(settings.status).toBe(200);

    const id = await sendMessage(stack.api, shopId, {
      channel: 'email',
      clientId,
      subject: 'Bonjour',
      body: '<p>Bonjour</p>',
    });

    expect(await settled(stack, shopId, id)).toMatchObject({
      status: 'failed',
      attempts: 3,
      reason: 'provider_unavailable',
      error: expect.stringMatching(/ECONNREFUSED/),
    });
  });
});
