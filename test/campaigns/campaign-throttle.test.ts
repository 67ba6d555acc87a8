import { ManualClock } from '@optic/domain';
import { buyCredits, createShop } from '../support/api-fixtures';
import { insertClients } from '../support/bulk-clients';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

describe('a campaign with a provider rate and a schedule', () => {
  const clock = new ManualClock(new Date('2026-12-04T10:00:00Z'));
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ clock, campaignRatePerSecond: 50 });
  });

  afterAll(async () => {
    await stack.close();
  });

  async function campaignOf(shopId: string, clients: number): Promise<string> {
    await buyCredits(stack.api, shopId, clients);
    await insertClients(stack.db.dataSource, shopId, clients);
    const template = await stack.api.post(`/v1/shops/${shopId}/templates`, {
      channel: 'sms',
      label: 'Soldes',
      body: 'Soldes',
      kind: 'transactional',
    });
    const campaign = await stack.api.post(`/v1/shops/${shopId}/campaigns`, {
      name: 'Soldes',
      templateId: template.data.id,
      audience: { all: true },
    });
    return campaign.data.id;
  }

  it('never goes faster than the configured rate, measured at the provider', async () => {
    const shopId = await createShop(stack.api, { smsSignature: undefined });
    const id = await campaignOf(shopId, 200);

    // The test's clock stands still; the limiter works on the real one.
    const started = Date.now();
    await stack.api.post(`/v1/shops/${shopId}/campaigns/${id}/launch`, {});
    await waitFor(async () => stack.sandbox.messages().length === 200, {
      timeoutMs: 30_000,
    });
    const elapsed = Date.now() - started;

    // 200 sends at 50 a second take at least three full windows after the first.
    expect(elapsed).toBeGreaterThanOrEqual(3000);
  }, 60_000);

  it('waits for its scheduled time, then sends', async () => {
    const shopId = await createShop(stack.api, { smsSignature: undefined });
    const id = await campaignOf(shopId, 5);

    const launched = await stack.api.post(
      `/v1/shops/${shopId}/campaigns/${id}/launch`,
      { at: '2026-12-04T10:00:02Z' },
    );

    expect(launched.data).toMatchObject({ status: 'scheduled', recipients: 0 });
    expect(launched.data.credits.reserved).toBe(5);
    await waitFor(
      async () =>
        (await stack.api.get(`/v1/shops/${shopId}/campaigns/${id}`)).data
          .status === 'completed',
      { timeoutMs: 20_000 },
    );
  }, 30_000);
});
