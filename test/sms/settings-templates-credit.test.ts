import { ManualClock } from '@optic/domain';
import { Sweeper } from '@optic/delivery';
import {
  buyCredits,
  createClient,
  createShop,
  getMessage,
  sendMessage,
} from '../support/api-fixtures';
import { startTestStack, TEST_WEBHOOK_TOKEN } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

describe('SMS settings, predefined messages, credit, cancellation and expiry', () => {
  const clock = new ManualClock(new Date('2026-12-04T10:00:00Z'));
  let stack: TestStack;
  let shopId: string;

  beforeAll(async () => {
    stack = await startTestStack({ clock });
    shopId = await createShop(stack.api);
  });

  afterAll(async () => {
    await stack.close();
  });

  describe('the sender name', () => {
    it.each([
      ['Opt', 200, null],
      ['Optique 2a', 200, null],
      ['OptiqueGare1', 400, 'at most 11 characters'],
      ['Op', 400, 'at least 3 characters'],
      ["Caro'ptiK", 400, 'only letters without accents, digits and spaces'],
      ['Lumière', 400, 'only letters without accents, digits and spaces'],
      ['12345', 400, 'at least one letter'],
    ])('%j answers %d', async (smsSender, status, rule) => {
      const response = await stack.api.patch(
        `/v1/shops/${shopId}/sms/settings`,
        { smsSender },
      );

      expect(response.status).toBe(status);
      if (rule)
        expect(response.data.errors).toEqual([
          { path: 'smsSender', message: rule },
        ]);
    });
  });

  it('stores header, signature, STOP mention, mini-site, transliteration and window', async () => {
    const response = await stack.api.patch(`/v1/shops/${shopId}/sms/settings`, {
      smsHeader: 'Optique Lumière :',
      smsSignature: '%magasin',
      smsStopMention: 'STOP au 36180',
      miniSiteUrl: 'https://lumiere.example',
      smsTransliterate: true,
      sendingWindow: {
        days: [1, 2, 3, 4, 5],
        start: '09:00',
        end: '19:00',
        excludeHolidays: true,
      },
    });

    expect(response.status).toBe(200);
    expect(response.data).toMatchObject({
      smsHeader: 'Optique Lumière :',
      smsTransliterate: true,
      sendingWindow: { days: [1, 2, 3, 4, 5], start: '09:00', end: '19:00' },
    });
    const preview = await stack.api.post(`/v1/shops/${shopId}/sms/preview`, {
      text: 'Vos lunettes sont prêtes',
    });
    // è is in GSM-7's basic table and stays; ê is not and becomes e.
    expect(preview.data).toMatchObject({
      text: 'Optique Lumière :\nVos lunettes sont pretes\nOptique Lumière',
      encoding: 'GSM-7',
    });
    await stack.api.patch(`/v1/shops/${shopId}/sms/settings`, {
      smsHeader: null,
      smsSignature: null,
      smsTransliterate: false,
      sendingWindow: null,
    });
  });

  it.each([
    [{ smsStopMention: 'Stop 36180' }, 'smsStopMention'],
    [{ smsHeader: 'Bonjour %prenon' }, 'smsHeader'],
    [
      {
        sendingWindow: {
          days: [],
          start: '08:00',
          end: '20:00',
          excludeHolidays: true,
        },
      },
      'sendingWindow.days',
    ],
    [
      {
        sendingWindow: {
          days: [1],
          start: '20:00',
          end: '08:00',
          excludeHolidays: true,
        },
      },
      'sendingWindow.end',
    ],
  ])('refuses %j naming the field', async (body, path) => {
    const response = await stack.api.patch(
      `/v1/shops/${shopId}/sms/settings`,
      body,
    );

    expect([400, 422]).toContain(response.status);
    expect(response.data.errors.map((e: { path: string }) => e.path)).toContain(
      path,
    );
  });

  it('stores a shop’s own provider key sealed, and never shows it', async () => {
    const response = await stack.api.patch(`/v1/shops/${shopId}/sms/settings`, {
      provider: { login: 'shop@lumiere.example', apiKey: 'very-secret-key' },
    });

    expect(response.status).toBe(200);
    expect(JSON.stringify(response.data)).not.toContain('very-secret-key');
    expect(response.data).toMatchObject({
      smsProviderLogin: 'shop@lumiere.example',
      smsProviderKeySet: true,
    });
    const rows: { sms_provider_key_enc: string }[] =
      await stack.db.dataSource.query(
        'SELECT sms_provider_key_enc FROM shop WHERE id = $1',
        [shopId],
      );
    expect(rows[0]!.sms_provider_key_enc).toMatch(/^v1\./);
    expect(rows[0]!.sms_provider_key_enc).not.toContain('very-secret-key');
    await stack.api.patch(`/v1/shops/${shopId}/sms/settings`, {
      provider: null,
    });
  });

  describe('predefined messages', () => {
    it('are created, listed, read, changed and deleted', async () => {
      const created = await stack.api.post(`/v1/shops/${shopId}/templates`, {
        channel: 'sms',
        label: 'Equipement optique prêt',
        body: 'Bonjour %civilite %nom, vos lunettes sont prêtes.',
        kind: 'transactional',
      });
      const id = created.data.id;

      const listed = await stack.api.get(`/v1/shops/${shopId}/templates`, {
        params: { channel: 'sms' },
      });
      const changed = await stack.api.patch(
        `/v1/shops/${shopId}/templates/${id}`,
        { body: 'Bonjour %prenom, vos lunettes sont prêtes.' },
      );
      const read = await stack.api.get(`/v1/shops/${shopId}/templates/${id}`);
      const deleted = await stack.api.delete(
        `/v1/shops/${shopId}/templates/${id}`,
      );
      const gone = await stack.api.get(`/v1/shops/${shopId}/templates/${id}`);

      expect(listed.data.items.map((t: { id: string }) => t.id)).toContain(id);
      expect(changed.status).toBe(200);
      expect(read.data.body).toBe('Bonjour %prenom, vos lunettes sont prêtes.');
      expect(deleted.status).toBe(204);
      expect(gone.status).toBe(404);
    });

    it('refuses an unknown merge field on update, naming it', async () => {
      const created = await stack.api.post(`/v1/shops/${shopId}/templates`, {
        channel: 'sms',
        label: 'Ajustement',
        body: 'Bonjour',
      });

      const response = await stack.api.patch(
        `/v1/shops/${shopId}/templates/${created.data.id}`,
        { body: 'Bonjour %nomm' },
      );

      expect(response.status).toBe(422);
      expect(response.data.errors).toEqual([
        { path: 'body', message: 'unknown merge field %nomm' },
      ]);
    });

    it('keeps the history of a message whose template is deleted', async () => {
      await buyCredits(stack.api, shopId, 5);
      const clientId = await createClient(stack.api, shopId);
      const template = await stack.api.post(`/v1/shops/${shopId}/templates`, {
        channel: 'sms',
        label: 'Remise solaire',
        body: 'Remise solaire de 20 %',
      });
      const id = await sendMessage(stack.api, shopId, {
        channel: 'sms',
        clientId,
        templateId: template.data.id,
      });
      await waitFor(
        async () => (await getMessage(stack.api, shopId, id)).status === 'sent',
      );

      await stack.api.delete(
        `/v1/shops/${shopId}/templates/${template.data.id}`,
      );

      expect(await getMessage(stack.api, shopId, id)).toMatchObject({
        status: 'sent',
        templateId: null,
        text: 'Remise solaire de 20 %',
      });
    });
  });

  describe('credit', () => {
    it('keeps the balance equal to the ledger’s sum, newest entry first', async () => {
      const shop = await createShop(stack.api);
      await buyCredits(stack.api, shop, 10);
      await buyCredits(stack.api, shop, 5);
      const clientId = await createClient(stack.api, shop);
      const id = await sendMessage(stack.api, shop, {
        channel: 'sms',
        clientId,
        body: 'Bonjour',
      });
      await waitFor(
        async () => (await getMessage(stack.api, shop, id)).status === 'sent',
      );

      const ledger = await stack.api.get(`/v1/shops/${shop}/credit/ledger`);

      expect(ledger.data.balance).toBe(14);
      expect(
        ledger.data.items.map((e: { kind: string; amount: number }) => [
          e.kind,
          e.amount,
        ]),
      ).toEqual([
        ['debit', -1],
        ['purchase', 5],
        ['purchase', 10],
      ]);
      expect(
        ledger.data.items.reduce(
          (sum: number, e: { amount: number }) => sum + e.amount,
          0,
        ),
      ).toBe(14);
    });

    it('pages the ledger with a cursor', async () => {
      const shop = await createShop(stack.api);
      for (let n = 1; n <= 5; n += 1) await buyCredits(stack.api, shop, n);

      const first = await stack.api.get(`/v1/shops/${shop}/credit/ledger`, {
        params: { limit: 3 },
      });
      const second = await stack.api.get(`/v1/shops/${shop}/credit/ledger`, {
        params: { limit: 3, cursor: first.data.nextCursor },
      });

      expect(first.data.items.map((e: { amount: number }) => e.amount)).toEqual(
        [5, 4, 3],
      );
      expect(
        second.data.items.map((e: { amount: number }) => e.amount),
      ).toEqual([2, 1]);
      expect(second.data.nextCursor).toBeNull();
    });
  });

  describe('cancellation', () => {
    it('cancels a marketing SMS waiting for the window; nothing is charged or sent', async () => {
      const shop = await createShop(stack.api);
      await buyCredits(stack.api, shop, 5);
      const clientId = await createClient(stack.api, shop);
      clock.set(new Date('2026-12-06T10:00:00Z'));
      const id = await sendMessage(stack.api, shop, {
        channel: 'sms',
        clientId,
        body: 'Soldes',
        kind: 'marketing',
      });

      const response = await stack.api.post(
        `/v1/shops/${shop}/messages/${id}/cancel`,
      );

      expect(response.status).toBe(200);
      expect(response.data).toMatchObject({
        status: 'cancelled',
        reason: 'cancelled_by_staff',
      });
      expect(
        (await stack.api.get(`/v1/shops/${shop}/credit`)).data.balance,
      ).toBe(5);
      clock.set(new Date('2026-12-07T08:00:00Z'));
      await stack.producer.queue('sms', 'counter').promoteJobs();
      await waitFor(
        async () =>
          (await stack.producer.queue('sms', 'counter').getDelayedCount()) ===
          0,
      );
      expect(stack.sandbox.messages({ requestId: id })).toHaveLength(0);
      clock.set(new Date('2026-12-04T10:00:00Z'));
    });

    it('refuses to cancel a message already sent', async () => {
      const shop = await createShop(stack.api);
      await buyCredits(stack.api, shop, 5);
      const clientId = await createClient(stack.api, shop);
      const id = await sendMessage(stack.api, shop, {
        channel: 'sms',
        clientId,
        body: 'Bonjour',
      });
      await waitFor(
        async () => (await getMessage(stack.api, shop, id)).status === 'sent',
      );

      const response = await stack.api.post(
        `/v1/shops/${shop}/messages/${id}/cancel`,
      );

      expect(response.status).toBe(409);
      expect(response.data.code).toBe('not_cancellable');
    });
  });

  it('expires a sent SMS whose receipt never came, and a late receipt still counts', async () => {
    const shop = await createShop(stack.api);
    await buyCredits(stack.api, shop, 5);
    const clientId = await createClient(stack.api, shop);
    const id = await sendMessage(stack.api, shop, {
      channel: 'sms',
      clientId,
      body: 'Bonjour',
    });
    const sent = await waitFor(async () => {
      const m = await getMessage(stack.api, shop, id);
      return m.status === 'sent' ? m : undefined;
    });
    const sweeper = new Sweeper(stack.db.dataSource, stack.producer, clock, {
      channel: 'sms',
      expireSentAfterMs: 72 * 3600_000,
    });

    clock.advance(71 * 3600_000);
    await sweeper.expireUnconfirmed();
    expect(await getMessage(stack.api, shop, id)).toMatchObject({
      status: 'sent',
    });
    clock.advance(2 * 3600_000);
    expect(await sweeper.expireUnconfirmed()).toBeGreaterThanOrEqual(1);
    expect(await getMessage(stack.api, shop, id)).toMatchObject({
      status: 'expired',
      reason: 'no_receipt',
    });

    await stack.api.post(
      `/v1/webhooks/octopush/receipts?token=${TEST_WEBHOOK_TOKEN}`,
      {
        message_id: sent.providerId,
        number: '+33612345678',
        status: 'DELIVERED',
        delivery_date: '2026-12-07 10:00:00',
      },
    );
    expect(await getMessage(stack.api, shop, id)).toMatchObject({
      status: 'delivered',
    });
    clock.set(new Date('2026-12-04T10:00:00Z'));
  });

  it('shows in the history what the manual’s table shows, plus parts, credits and reasons', async () => {
    const shop = await createShop(stack.api);
    await buyCredits(stack.api, shop, 5);
    const ok = await createClient(stack.api, shop);
    const noConsent = await createClient(stack.api, shop, {
      smsConsent: false,
      emailConsent: false,
      consentSource: undefined,
      mobile: '06 12 34 56 70',
    });
    const sent = await sendMessage(stack.api, shop, {
      channel: 'sms',
      clientId: ok,
      body: 'Bonjour',
      salesperson: 'Marc',
    });
    const refused = await sendMessage(stack.api, shop, {
      channel: 'sms',
      clientId: noConsent,
      body: 'Bonjour',
    });
    await waitFor(
      async () => (await getMessage(stack.api, shop, sent)).status === 'sent',
    );
    await waitFor(
      async () =>
        (await getMessage(stack.api, shop, refused)).status === 'rejected',
    );

    const history = await stack.api.get(`/v1/shops/${shop}/messages`, {
      params: { channel: 'sms' },
    });

    const byId = Object.fromEntries(
      history.data.items.map((m: { id: string }) => [m.id, m]),
    );
    expect(byId[sent]).toMatchObject({
      recipient: '+33612345678',
      salesperson: 'Marc',
      text: 'Bonjour',
      status: 'sent',
      segments: 1,
      credits: 1,
    });
    expect(byId[sent].timestamps.sentAt).toEqual(expect.any(String));
    expect(byId[refused]).toMatchObject({
      status: 'rejected',
      reason: 'no_consent',
      credits: 0,
    });
  });
});
