import {
  buyCredits,
  createShop,
  getMessage,
  createClient,
  sendMessage,
} from '../support/api-fixtures';
import { insertClients } from '../support/bulk-clients';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

describe('campaigns', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });

  afterEach(() => {
    stack.sandbox.reset();
  });

  afterAll(async () => {
    await stack.close();
  });

  async function shopWith(
    clients: number,
    credits: number,
    noConsentEvery = 0,
  ): Promise<string> {
    const shopId = await createShop(stack.api, {
      name: 'Optique Lumière',
      smsSignature: undefined,
    });
    if (credits > 0) await buyCredits(stack.api, shopId, credits);
    await insertClients(stack.db.dataSource, shopId, clients, {
      noConsentEvery,
    });
    return shopId;
  }

  async function draft(
    shopId: string,
    body = 'Exceptionnel : ouverture dimanche !',
    audience: Record<string, unknown> = { all: true },
  ) {
    const template = await stack.api.post(`/v1/shops/${shopId}/templates`, {
      channel: 'sms',
      label: 'Ouverture exceptionnelle',
      body,
      kind: 'transactional',
    });
    const campaign = await stack.api.post(`/v1/shops/${shopId}/campaigns`, {
      name: 'Ouverture',
      templateId: template.data.id,
      audience,
    });
    expect(campaign.status).toBe(201);
    return campaign.data.id as string;
  }

  async function view(shopId: string, id: string) {
    return (await stack.api.get(`/v1/shops/${shopId}/campaigns/${id}`)).data;
  }

  async function messageIdsOf(campaignId: string): Promise<Set<string | null>> {
    const rows: { id: string }[] = await stack.db.dataSource.query(
      'SELECT id FROM message WHERE campaign_id = $1',
      [campaignId],
    );
    return new Set(rows.map((r) => r.id));
  }

  async function ledgerOf(shopId: string) {
    const rows: { sum: string }[] = await stack.db.dataSource.query(
      'SELECT sum(amount) AS sum FROM credit_ledger WHERE shop_id = $1',
      [shopId],
    );
    const balance = (await stack.api.get(`/v1/shops/${shopId}/credit`)).data
      .balance as number;
    return { sum: Number(rows[0]!.sum), balance };
  }

  it('previews recipients, exclusions by reason and the exact cost', async () => {
    const shopId = await shopWith(100, 0, 10);
    const id = await draft(
      shopId,
      'Bonjour %prenom, ouverture exceptionnelle dimanche.',
    );
    await stack.db.dataSource.query(
      `UPDATE client SET first_name = 'Anaïs' WHERE shop_id = $1 AND last_name = 'Client 1'`,
      [shopId],
    );
    await stack.db.dataSource.query(
      `UPDATE client SET mobile = NULL WHERE shop_id = $1 AND last_name = 'Client 2'`,
      [shopId],
    );

    const preview = await stack.api.get(
      `/v1/shops/${shopId}/campaigns/${id}/preview`,
    );

    expect(preview.data).toMatchObject({
      recipients: 89,
      excluded: { no_consent: 10, no_recipient: 1, suppressed: 0 },
    });
    // 88 × 1 GSM-7 part, and Anaïs's ï turns hers into a 1-part UCS-2 text.
    expect(preview.data.credits).toBe(89);
  });

  it('sends a 5,000-recipient campaign: counts match the audience and the ledger is exact', async () => {
    const shopId = await shopWith(5000, 6000, 50);
    const id = await draft(shopId);

    const launched = await stack.api.post(
      `/v1/shops/${shopId}/campaigns/${id}/launch`,
      {},
    );
    expect(launched.status).toBe(200);
    expect(launched.data.credits.reserved).toBe(4900);

    const done = await waitFor(
      async () => {
        const c = await view(shopId, id);
        return c.status === 'completed' ? c : undefined;
      },
      { timeoutMs: 120_000, what: 'the campaign to complete' },
    );

    expect(done.recipients).toBe(4900);
    expect(done.progress.counts).toEqual({ sent: 4900 });
    expect(done.credits).toEqual({ reserved: 4900, released: 0, spent: 4900 });
    expect(stack.sandbox.messages()).toHaveLength(4900);
    expect(await ledgerOf(shopId)).toEqual({ sum: 1100, balance: 1100 });
  }, 150_000);

  it('stops sending when paused, and sends each remaining message once after resume', async () => {
    const shopId = await shopWith(1500, 1501);
    const id = await draft(shopId);
    stack.sandbox.configure({ latencyMs: 20 });
    await stack.api.post(`/v1/shops/${shopId}/campaigns/${id}/launch`, {});
    await waitFor(async () => stack.sandbox.messages().length >= 200);

    expect(
      (await stack.api.post(`/v1/shops/${shopId}/campaigns/${id}/pause`)).data
        .status,
    ).toBe('paused');
    // Jobs already taken may finish; then nothing more goes out.
    await waitFor(
      async () =>
        (
          await stack.db.dataSource.query(
            `SELECT 1 FROM message WHERE campaign_id = $1 AND status = 'sending'`,
            [id],
          )
        ).length === 0,
    );
    const flat = stack.sandbox.messages().length;
    const counterClient = await createClient(stack.api, shopId, {
      mobile: '07 81 99 99 99',
    });
    const counter = await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId: counterClient,
      body: 'Vos lunettes sont prêtes',
    });
    await waitFor(
      async () =>
        (await getMessage(stack.api, shopId, counter)).status === 'sent',
    );
    expect(stack.sandbox.messages().length).toBe(flat + 1);
    expect(flat).toBeLessThan(1500);

    stack.sandbox.configure({ latencyMs: 0 });
    await stack.api.post(`/v1/shops/${shopId}/campaigns/${id}/resume`);
    await waitFor(async () => (await view(shopId, id)).status === 'completed', {
      timeoutMs: 60_000,
    });

    const requestIds = stack.sandbox.messages().map((m) => m.requestId);
    expect(requestIds).toHaveLength(1501);
    expect(new Set(requestIds).size).toBe(1501);
    expect(await ledgerOf(shopId)).toEqual({ sum: 0, balance: 0 });
  }, 120_000);

  it('cancels: what has not gone out becomes cancelled and exactly the unspent credit comes back', async () => {
    const shopId = await shopWith(1000, 1000);
    const id = await draft(shopId);
    stack.sandbox.configure({ latencyMs: 30 });
    await stack.api.post(`/v1/shops/${shopId}/campaigns/${id}/launch`, {});
    await waitFor(async () => stack.sandbox.messages().length >= 100);

    const cancelled = await stack.api.post(
      `/v1/shops/${shopId}/campaigns/${id}/cancel`,
    );
    expect(cancelled.data.status).toBe('cancelled');
    await waitFor(
      async () =>
        (
          await stack.db.dataSource.query(
            `SELECT 1 FROM message WHERE campaign_id = $1 AND status IN ('queued', 'sending')`,
            [id],
          )
        ).length === 0,
    );

    const sent = stack.sandbox.messages().length;
    const final = await view(shopId, id);
    expect(final.progress.counts.sent).toBe(sent);
    expect(
      final.progress.counts.sent + (final.progress.counts.cancelled ?? 0),
    ).toBe(final.recipients);
    expect(await ledgerOf(shopId)).toEqual({
      sum: 1000 - sent,
      balance: 1000 - sent,
    });
  }, 60_000);

  it('retries only the failed and rejected messages, never one that was sent', async () => {
    const shopId = await shopWith(50, 100);
    stack.sandbox.configure({
      invalidNumbers: ['+33610000007', '+33610000011'],
    });
    await stack.db.dataSource.query(
      `UPDATE client SET sms_consent = false WHERE shop_id = $1 AND last_name = 'Client 3'`,
      [shopId],
    );
    const id = await draft(shopId, 'Nouvelle collection', {
      clientIds: (
        await stack.db.dataSource.query(
          'SELECT id FROM client WHERE shop_id = $1',
          [shopId],
        )
      ).map((r: { id: string }) => r.id),
    });
    await stack.api.post(`/v1/shops/${shopId}/campaigns/${id}/launch`, {});
    await waitFor(async () => (await view(shopId, id)).status === 'completed');
    expect((await view(shopId, id)).progress.counts).toEqual({
      sent: 47,
      failed: 2,
    });

    stack.sandbox.configure({ invalidNumbers: [] });
    const retried = await stack.api.post(
      `/v1/shops/${shopId}/campaigns/${id}/retry-failed`,
    );
    expect(retried.data.retried).toBe(2);
    await waitFor(async () => (await view(shopId, id)).status === 'completed');

    expect((await view(shopId, id)).progress.counts).toEqual({ sent: 49 });
    const ours = await messageIdsOf(id);
    const requestIds = stack.sandbox
      .messages()
      .map((m) => m.requestId)
      .filter((r) => ours.has(r));
    expect(requestIds).toHaveLength(49);
    expect(new Set(requestIds).size).toBe(49);
    expect(await ledgerOf(shopId)).toEqual({ sum: 51, balance: 51 });
  }, 60_000);

  describe('when the request is wrong', () => {
    it('refuses a launch the balance cannot cover, with the shortfall, and changes nothing', async () => {
      const shopId = await shopWith(30, 10);
      const id = await draft(shopId);

      const response = await stack.api.post(
        `/v1/shops/${shopId}/campaigns/${id}/launch`,
        {},
      );

      expect(response.status).toBe(422);
      expect(response.data).toMatchObject({
        code: 'insufficient_credit',
        needed: 30,
        shortfall: 20,
      });
      expect((await view(shopId, id)).status).toBe('draft');
      expect(await ledgerOf(shopId)).toEqual({ sum: 10, balance: 10 });
    });

    it('refuses an empty audience', async () => {
      const shopId = await shopWith(0, 10);
      const id = await draft(shopId);

      const response = await stack.api.post(
        `/v1/shops/${shopId}/campaigns/${id}/launch`,
        {},
      );

      expect(response.status).toBe(422);
      expect(response.data.code).toBe('empty_audience');
    });

    it.each([
      ['no criterion', { name: 'x', audience: {} }, 'audience'],
      [
        'an unknown template',
        {
          name: 'x',
          templateId: '6a1c8c9e-1d4e-4a4e-9b1a-2f6b1c3d4e5f',
          audience: { all: true },
        },
        'templateId',
      ],
    ])('refuses a campaign with %s', async (_name, body, path) => {
      const shopId = await shopWith(0, 0);
      const template = await stack.api.post(`/v1/shops/${shopId}/templates`, {
        channel: 'sms',
        label: 'x',
        body: 'x',
      });

      const response = await stack.api.post(`/v1/shops/${shopId}/campaigns`, {
        templateId: template.data.id,
        ...body,
      });

      expect([400, 422]).toContain(response.status);
      expect(
        response.data.errors.map((e: { path: string }) => e.path),
      ).toContain(path);
    });

    it('refuses a schedule in the past', async () => {
      const shopId = await shopWith(5, 10);
      const id = await draft(shopId);

      const response = await stack.api.post(
        `/v1/shops/${shopId}/campaigns/${id}/launch`,
        { at: '2020-01-01T10:00:00Z' },
      );

      expect(response.status).toBe(400);
      expect(response.data.errors[0].path).toBe('at');
    });

    it('refuses to pause a finished campaign or to retry one without failures', async () => {
      const shopId = await shopWith(5, 10);
      const id = await draft(shopId);
      await stack.api.post(`/v1/shops/${shopId}/campaigns/${id}/launch`, {});
      await waitFor(
        async () => (await view(shopId, id)).status === 'completed',
      );

      const pause = await stack.api.post(
        `/v1/shops/${shopId}/campaigns/${id}/pause`,
      );
      const retry = await stack.api.post(
        `/v1/shops/${shopId}/campaigns/${id}/retry-failed`,
      );

      expect(pause.status).toBe(409);
      expect(retry.status).toBe(409);
      expect(retry.data.code).toBe('nothing_to_retry');
    });
  });
});
