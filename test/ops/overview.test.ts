import axios from 'axios';
import { ManualClock } from '@optic/domain';
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
import { clientWithKey, createShopKey } from '../security/security-support';

const HOUR_MS = 3600_000;
const OVERVIEW = '/v1/admin/overview';

interface ShopEntry {
  shopId: string;
  name: string;
  credit: { balance: number; lowThreshold: number; low: boolean };
  sends: Record<string, unknown>[];
  runningCampaigns: Record<string, unknown>[];
}

interface QueueEntry {
  queue: string;
  waiting: number;
  oldestWaitingSeconds: number | null;
}

interface OverviewBody {
  at: string;
  shops: ShopEntry[];
  queues: QueueEntry[];
}

async function overview(stack: TestStack): Promise<OverviewBody> {
  const response = await stack.api.get(OVERVIEW);
  if (response.status !== 200) {
    throw new Error(
      `overview: ${response.status} ${JSON.stringify(response.data)}`,
    );
  }
  return response.data as OverviewBody;
}

function shopIn(body: OverviewBody, shopId: string): ShopEntry | undefined {
  return body.shops.find((shop) => shop.shopId === shopId);
}

function queueIn(body: OverviewBody, name: string): QueueEntry {
  const entry = body.queues.find((queue) => queue.queue === name);
  if (!entry) throw new Error(`no queue ${name} in the overview`);
  return entry;
}

/** One sample of the API's `/metrics`, by its whole name and labels. */
async function apiMetric(stack: TestStack, sample: string): Promise<number> {
  const text = (await stack.api.get('/metrics')).data as string;
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  if (!line) throw new Error(`no sample ${sample} in /metrics`);
  return Number(line.slice(sample.length + 1));
}

const LOW_CREDIT_SHOPS = 'optic_shops_low_credit{process="api"}';

describe('GET /v1/admin/overview with workers running', () => {
  const clock = new ManualClock(new Date('2026-03-10T09:00:00Z'));
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ clock });
  });

  afterEach(() => stack.sandbox.reset());

  afterAll(async () => {
    await stack?.close();
  });

  async function sendAndSettle(
    shopId: string,
    body: Record<string, unknown>,
  ): Promise<string> {
    const id = await sendMessage(stack.api, shopId, body);
    const settled = await waitFor(
      async () => {
        const message = await getMessage(stack.api, shopId, id);
        return ['queued', 'sending'].includes(message.status)
          ? undefined
          : message;
      },
      { what: `message ${id} to settle` },
    );
    return settled.status;
  }

  it("counts the last hour's and day's sends of a shop by channel, status and reason", async () => {
    const shopId = await createShop(stack.api, { name: 'Optique Vue Claire' });
    await buyCredits(stack.api, shopId, 3);
    const consenting = await createClient(stack.api, shopId);
    const refusing = await createClient(stack.api, shopId, {
      smsConsent: false,
    });
    const sms = { channel: 'sms', body: 'Vos lunettes sont prêtes.' };

    const statuses = [
      await sendAndSettle(shopId, { ...sms, clientId: consenting }),
    ];
    clock.advance(2 * HOUR_MS);
    statuses.push(await sendAndSettle(shopId, { ...sms, clientId: refusing }));
    stack.sandbox.script([{ type: 'invalid-number' }]);
    statuses.push(
      await sendAndSettle(shopId, { ...sms, clientId: consenting }),
    );
    statuses.push(
      await sendAndSettle(shopId, {
        channel: 'email',
        clientId: consenting,
        subject: 'Votre facture',
        body: '<p>Bonjour %prenom</p>',
      }),
    );
    const twoHoursLater = await overview(stack);
    clock.advance(23 * HOUR_MS);
    const nextDay = await overview(stack);

    expect(statuses).toEqual(['sent', 'rejected', 'failed', 'sent']);
    expect(shopIn(twoHoursLater, shopId)?.sends).toEqual([
      {
        channel: 'email',
        status: 'sent',
        reason: null,
        lastHour: 1,
        lastDay: 1,
      },
      {
        channel: 'sms',
        status: 'failed',
        reason: 'invalid_recipient',
        lastHour: 1,
        lastDay: 1,
      },
      {
        channel: 'sms',
        status: 'rejected',
        reason: 'no_consent',
        lastHour: 1,
        lastDay: 1,
      },
      { channel: 'sms', status: 'sent', reason: null, lastHour: 0, lastDay: 1 },
    ]);
    // The first SMS is 25 hours old: out of the day.
    expect(shopIn(nextDay, shopId)?.sends).toEqual([
      {
        channel: 'email',
        status: 'sent',
        reason: null,
        lastHour: 0,
        lastDay: 1,
      },
      {
        channel: 'sms',
        status: 'failed',
        reason: 'invalid_recipient',
        lastHour: 0,
        lastDay: 1,
      },
      {
        channel: 'sms',
        status: 'rejected',
        reason: 'no_consent',
        lastHour: 0,
        lastDay: 1,
      },
    ]);
    expect(shopIn(nextDay, shopId)?.name).toBe('Optique Vue Claire');
  });

  it('flags a shop under its threshold, in the overview and in the metric', async () => {
    const shopId = await createShop(stack.api, { name: 'Optique du Port' });
    await buyCredits(stack.api, shopId, 60);
    const clientId = await createClient(stack.api, shopId);
    await sendAndSettle(shopId, { channel: 'sms', clientId, body: 'Prêtes.' });
    const setThreshold = (lowCreditThreshold: number) =>
      stack.api.patch(`/v1/shops/${shopId}/sms/settings`, {
        lowCreditThreshold,
      });
    const lowBefore = await apiMetric(stack, LOW_CREDIT_SHOPS);

    const byDefault = shopIn(await overview(stack), shopId)?.credit;
    expect((await setThreshold(100)).data.lowCreditThreshold).toBe(100);
    const under = shopIn(await overview(stack), shopId)?.credit;
    const lowWhileUnder = await apiMetric(stack, LOW_CREDIT_SHOPS);
    await buyCredits(stack.api, shopId, 50);
    const bought = shopIn(await overview(stack), shopId)?.credit;
    const lowAfter = await apiMetric(stack, LOW_CREDIT_SHOPS);

    expect(byDefault).toEqual({ balance: 59, lowThreshold: 50, low: false });
    expect(under).toEqual({ balance: 59, lowThreshold: 100, low: true });
    expect(bought).toEqual({ balance: 109, lowThreshold: 100, low: false });
    expect([lowWhileUnder - lowBefore, lowAfter - lowBefore]).toEqual([1, 0]);
  });

  it('lists a shop without sends once it is under its threshold, and not at 0', async () => {
    const shopId = await createShop(stack.api, { name: 'Optique Neuve' });

    const fresh = shopIn(await overview(stack), shopId)?.credit;
    await stack.api.patch(`/v1/shops/${shopId}/sms/settings`, {
      lowCreditThreshold: 0,
    });
    const warningOff = shopIn(await overview(stack), shopId);

    expect(fresh).toEqual({ balance: 0, lowThreshold: 50, low: true });
    expect(warningOff).toBeUndefined();
  });

  it('refuses a threshold that is not a whole number of credits, naming the field', async () => {
    const shopId = await createShop(stack.api);

    const answers = await Promise.all(
      [-1, 2.5, '10'].map((lowCreditThreshold) =>
        stack.api.patch(`/v1/shops/${shopId}/sms/settings`, {
          lowCreditThreshold,
        }),
      ),
    );

    expect(answers.map((a) => a.status)).toEqual([400, 400, 400]);
    for (const answer of answers) {
      expect(answer.data.errors.map((e: { path: string }) => e.path)).toEqual([
        'lowCreditThreshold',
      ]);
    }
  });

  it('shows every queue with nothing waiting once the workers are done', async () => {
    const body = await overview(stack);

    expect(body.queues.map((q) => q.queue).sort()).toEqual([
      'campaign-fanout',
      'email-campaign',
      'email-counter',
      'sms-campaign',
      'sms-counter',
    ]);
    expect(body.queues.filter((q) => q.waiting > 0)).toEqual([]);
    expect(body.queues.filter((q) => q.oldestWaitingSeconds !== null)).toEqual(
      [],
    );
    expect(
      await apiMetric(
        stack,
        'optic_queue_oldest_waiting_seconds{queue="sms-counter",process="api"}',
      ),
    ).toBe(0);
  });

  it('refuses an unknown parameter, naming it', async () => {
    const response = await stack.api.get(`${OVERVIEW}?shop=x`);

    expect(response.status).toBe(400);
    expect(response.data.errors.map((e: { path: string }) => e.path)).toEqual([
      'shop',
    ]);
  });

  it('answers 401 without a key and 403 to a shop key', async () => {
    const shopId = await createShop(stack.api);
    const manager = clientWithKey(
      stack,
      (await createShopKey(stack, shopId, 'manager')).key,
    );

    const anonymous = await axios.get(`${stack.apiUrl}${OVERVIEW}`, {
      validateStatus: () => true,
    });
    const byManager = await manager.get(OVERVIEW);

    expect([anonymous.status, byManager.status]).toEqual([401, 403]);
    expect(byManager.data.code).toBe('forbidden');
  });
});

describe('GET /v1/admin/overview with the workers stopped', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('shows no waiting job before anything is queued', async () => {
    const body = await overview(stack);

    expect(body.queues).toHaveLength(5);
    expect(body.queues.every((q) => q.waiting === 0)).toBe(true);
    expect(body.queues.every((q) => q.oldestWaitingSeconds === null)).toBe(
      true,
    );
  });

  it('lists a running campaign and ages the oldest waiting job of each queue', async () => {
    const shopId = await createShop(stack.api, { name: 'Optique Marine' });
    await buyCredits(stack.api, shopId, 10);
    const clientId = await createClient(stack.api, shopId);
    const campaignId = await launchCampaign(stack, shopId, clientId);
    await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Vos lentilles sont arrivées.',
    });
    const emailId = await sendMessage(stack.api, shopId, {
      channel: 'email',
      clientId,
      subject: 'Votre facture',
      body: '<p>Bonjour</p>',
    });
    // Delayed by a millisecond: due at once, but only a worker promotes it.
    await stack.producer.enqueue({
      messageId: emailId,
      channel: 'email',
      lane: 'campaign',
      delayMs: 1,
    });

    const waiting = ['sms-counter', 'email-counter', 'email-campaign'];
    const body = await waitFor(
      async () => {
        const current = await overview(stack);
        const aged = [...waiting, 'campaign-fanout'].every(
          (name) => (queueIn(current, name).oldestWaitingSeconds ?? 0) > 0,
        );
        return aged ? current : undefined;
      },
      { what: 'the waiting jobs to age' },
    );

    expect(shopIn(body, shopId)?.runningCampaigns).toEqual([
      {
        campaignId,
        name: 'Renouvellement',
        channel: 'sms',
        launchedAt: expect.any(String),
        recipients: 0,
      },
    ]);
    for (const name of [...waiting, 'campaign-fanout']) {
      expect([name, queueIn(body, name).waiting]).toEqual([name, 1]);
    }
    expect(queueIn(body, 'sms-campaign')).toEqual({
      queue: 'sms-campaign',
      waiting: 0,
      oldestWaitingSeconds: null,
    });
    expect(
      await apiMetric(
        stack,
        'optic_queue_oldest_waiting_seconds{queue="sms-counter",process="api"}',
      ),
    ).toBeGreaterThan(0);
  });
});

async function launchCampaign(
  stack: TestStack,
  shopId: string,
  clientId: string,
): Promise<string> {
  const template = await stack.api.post(`/v1/shops/${shopId}/templates`, {
    channel: 'sms',
    label: 'Renouvellement',
    body: 'Bonjour %prenom, pensez à renouveler vos lentilles.',
    kind: 'marketing',
  });
  const campaign = await stack.api.post(`/v1/shops/${shopId}/campaigns`, {
    name: 'Renouvellement',
    templateId: template.data.id,
    audience: { clientIds: [clientId] },
  });
  const launched = await stack.api.post(
    `/v1/shops/${shopId}/campaigns/${campaign.data.id}/launch`,
    {},
  );
  if (launched.status !== 200 || launched.data.status !== 'running') {
    throw new Error(
      `launch: ${launched.status} ${JSON.stringify(launched.data)}`,
    );
  }
  return campaign.data.id;
}
