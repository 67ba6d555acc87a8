import { seededRandom } from '@optic/queue';
import {
  buyCredits,
  createClient,
  createShop,
  getMessage,
  sendMessage,
} from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

const LENS_RENEWAL =
  "%magasin vous rappelle que la boîte de lentilles achetées le %datevisite va bientôt se terminer.\r\nN'oubliez pas de programmer un passage en magasin pour ne pas tomber en rupture de lentille !";

describe('sending an SMS from the counter', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({
      retryPolicy: { attempts: 3, baseDelayMs: 300, maxDelayMs: 5000 },
      random: seededRandom(42),
    });
  });

  afterEach(() => {
    stack.sandbox.reset();
  });

  afterAll(async () => {
    await stack.close();
  });

  async function settled(shopId: string, id: string) {
    return waitFor(
      async () => {
        const m = await getMessage(stack.api, shopId, id);
        return ['queued', 'sending'].includes(m.status) ? undefined : m;
      },
      { what: `message ${id} to settle` },
    );
  }

  async function balanceOf(shopId: string): Promise<number> {
    return (await stack.api.get(`/v1/shops/${shopId}/credit`)).data.balance;
  }

  it('goes queued → sent and the sandbox holds exactly one delivery', async () => {
    const shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 10);
    const clientId = await createClient(stack.api, shopId);

    const id = await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Bonjour %prenom, vos lunettes sont prêtes.',
    });
    const message = await settled(shopId, id);

    expect(message.status).toBe('sent');
    expect(message.recipient).toBe('+33612345678');
    expect(message.text).toBe('Bonjour Claire, vos lunettes sont prêtes.');
    expect(message).toMatchObject({
      encoding: 'UCS-2',
      segments: 1,
      credits: 1,
    });
    expect(
      stack.sandbox.messages().filter((m) => m.requestId === id),
    ).toHaveLength(1);
    expect(await balanceOf(shopId)).toBe(9);
  });

  it('charges the lens-renewal reminder its exact UCS-2 parts', async () => {
    const shopId = await createShop(stack.api, { name: 'Optique Lumière' });
    await buyCredits(stack.api, shopId, 10);
    const clientId = await createClient(stack.api, shopId);
    const visit = await stack.api.post(`/v1/shops/${shopId}/visits`, {
      clientId,
      kind: 'contact_lenses',
      visitDate: '2026-09-01',
      lensBoxDays: 90,
    });

    const id = await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      visitId: visit.data.id,
      body: LENS_RENEWAL,
    });
    const message = await settled(shopId, id);

    expect(message).toMatchObject({
      status: 'sent',
      encoding: 'UCS-2',
      segments: 3,
      credits: 3,
    });
    expect(message.text).toContain(
      'Optique Lumière vous rappelle que la boîte de lentilles achetées le 01/09/2026',
    );
    expect(await balanceOf(shopId)).toBe(7);
  });

  it('rejects a client without SMS consent, records why, and takes no credit', async () => {
    const shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 5);
    const clientId = await createClient(stack.api, shopId, {
      smsConsent: false,
      emailConsent: false,
      consentSource: undefined,
    });

    const message = await settled(
      shopId,
      await sendMessage(stack.api, shopId, {
        channel: 'sms',
        clientId,
        body: 'Bonjour',
      }),
    );

    expect(message).toMatchObject({
      status: 'rejected',
      reason: 'no_consent',
      credits: 0,
    });
    expect(await balanceOf(shopId)).toBe(5);
    expect(stack.sandbox.messages()).toHaveLength(0);
  });

  it('rejects an SMS of a shop with no credit and leaves the balance at 0', async () => {
    const shopId = await createShop(stack.api);
    const clientId = await createClient(stack.api, shopId);

    const message = await settled(
      shopId,
      await sendMessage(stack.api, shopId, {
        channel: 'sms',
        clientId,
        body: 'Bonjour',
      }),
    );

    expect(message).toMatchObject({
      status: 'rejected',
      reason: 'insufficient_credit',
    });
    expect(await balanceOf(shopId)).toBe(0);
    expect(stack.sandbox.messages()).toHaveLength(0);
  });

  it('retries after two 500s, is sent on the third attempt, and waits longer each time', async () => {
    const shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 3);
    const clientId = await createClient(stack.api, shopId);
    stack.sandbox.script([
      { type: 'http', status: 500 },
      { type: 'http', status: 500 },
    ]);

    const id = await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Bonjour',
    });
    const message = await settled(shopId, id);

    expect(message).toMatchObject({ status: 'sent', attempts: 3 });
    const log = message.attemptsLog as {
      attempt: number;
      occurredAt: string;
    }[];
    expect(log.map((entry) => entry.attempt)).toEqual([1, 2]);
    const sentAt = Date.parse(
      (message.timestamps as { sentAt: string }).sentAt,
    );
    const firstGap =
      Date.parse(log[1]!.occurredAt) - Date.parse(log[0]!.occurredAt);
    const secondGap = sentAt - Date.parse(log[1]!.occurredAt);
    expect(firstGap).toBeGreaterThanOrEqual(150);
    expect(secondGap).toBeGreaterThan(firstGap);
    expect(
      stack.sandbox.messages().filter((m) => m.requestId === id),
    ).toHaveLength(1);
    expect(await balanceOf(shopId)).toBe(2);
  });

  it('waits as long as a 429 asks, without spending an attempt', async () => {
    const shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 3);
    const clientId = await createClient(stack.api, shopId);
    // Nothing of an earlier test may still be on its way to the sandbox,
    // or it would take the scripted 429.
    await waitFor(async () => {
      const counts = await stack.producer
        .queue('sms', 'counter')
        .getJobCounts('active', 'delayed', 'waiting');
      return (
        (counts.active ?? 0) + (counts.delayed ?? 0) + (counts.waiting ?? 0) ===
        0
      );
    });
    stack.sandbox.reset();
    stack.sandbox.script([{ type: 'rate-limit', retryAfterSeconds: 1 }]);

    const started = Date.now();
    const id = await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Bonjour',
    });
    const message = await settled(shopId, id);

    expect(message).toMatchObject({ status: 'sent' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(stack.sandbox.messages({ requestId: id })).toHaveLength(1);
  });

  it('retries after a timeout and the provider’s deduplication keeps one delivery', async () => {
    const shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 3);
    const clientId = await createClient(stack.api, shopId);
    stack.sandbox.script([{ type: 'timeout' }]);

    const id = await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Bonjour',
    });
    const message = await settled(shopId, id);

    expect(message).toMatchObject({ status: 'sent', attempts: 2 });
    expect((message.attemptsLog as { detail: string }[])[0]!.detail).toContain(
      'in time',
    );
    expect(stack.sandbox.messages({ requestId: id })).toHaveLength(1);
  });

  it('sends through the shop’s own provider account when it has one', async () => {
    const shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 3);
    const clientId = await createClient(stack.api, shopId);
    const settings = await stack.api.patch(`/v1/shops/${shopId}/sms/settings`, {
      provider: { login: 'shop@own.example', apiKey: 'not-the-platform-key' },
    });
    expect(settings.status).toBe(200);

    const message = await settled(
      shopId,
      await sendMessage(stack.api, shopId, {
        channel: 'sms',
        clientId,
        body: 'Bonjour',
      }),
    );

    // The sandbox knows only the platform's account: the shop's keys are refused.
    expect(message).toMatchObject({
      status: 'failed',
      reason: 'auth_failed',
      attempts: 1,
    });
    expect(String(message.error)).toContain('101');
    expect(await balanceOf(shopId)).toBe(3);
  });

  it('fails at once when the provider refuses the number, and refunds the credit', async () => {
    const shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 2);
    const clientId = await createClient(stack.api, shopId, {
      mobile: '07 81 22 33 44',
    });
    stack.sandbox.configure({ invalidNumbers: ['+33781223344'] });

    const message = await settled(
      shopId,
      await sendMessage(stack.api, shopId, {
        channel: 'sms',
        clientId,
        body: 'Bonjour',
      }),
    );

    expect(message).toMatchObject({
      status: 'failed',
      reason: 'invalid_recipient',
      attempts: 1,
    });
    expect(String(message.error)).toContain('117');
    expect(await balanceOf(shopId)).toBe(2);
    const ledger: { kind: string; amount: number }[] =
      await stack.db.dataSource.query(
        'SELECT kind, amount FROM credit_ledger WHERE shop_id = $1 ORDER BY id',
        [shopId],
      );
    expect(ledger).toEqual([
      { kind: 'purchase', amount: 2 },
      { kind: 'debit', amount: -1 },
      { kind: 'refund', amount: 1 },
    ]);
  });
});
