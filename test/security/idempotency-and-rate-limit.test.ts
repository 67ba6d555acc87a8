import { randomUUID } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import { buyCredits, createClient, createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { clientWithKey, createShopKey } from './security-support';

describe('Idempotency-Key', () => {
  let stack: TestStack;
  let shopId: string;
  let clientId: string;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 100);
    clientId = await createClient(stack.api, shopId);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  const send = (key: string, body = 'Vos lunettes sont prêtes') =>
    stack.api.post(
      `/v1/shops/${shopId}/messages`,
      { channel: 'sms', clientId, body, salesperson: 'Julie' },
      { headers: { 'Idempotency-Key': key } },
    );

  const messageCount = async (): Promise<number> => {
    const [row] = await stack.db.dataSource.query(
      `SELECT count(*)::int AS n FROM message WHERE shop_id = $1`,
      [shopId],
    );
    return row.n;
  };

  it('answers a repeat with the first answer and creates one message', async () => {
    const key = randomUUID();
    const before = await messageCount();

    const first = await send(key);
    const again = await send(key);

    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.data).toEqual(first.data);
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await messageCount()).toBe(before + 1);
  });

  it('creates one message when the same request arrives many times at once', async () => {
    const key = randomUUID();
    const before = await messageCount();

    const answers = await Promise.all(
      Array.from({ length: 8 }, () => send(key)),
    );

    const ids = new Set(
      answers.filter((a) => a.status === 202).map((a) => a.data.id),
    );
    expect(ids.size).toBe(1);
    for (const a of answers.filter((a) => a.status !== 202)) {
      expect([a.status, a.data.code]).toEqual([409, 'request_in_progress']);
    }
    expect(await messageCount()).toBe(before + 1);
  });

  it('answers 422 to the same key with another body, creating nothing', async () => {
    const key = randomUUID();
    await send(key);
    const before = await messageCount();

    const other = await send(key, 'Un autre texte');

    expect(other.status).toBe(422);
    expect(other.data.code).toBe('idempotency_key_reused');
    expect(await messageCount()).toBe(before);
  });

  describe('with keys of shops', () => {
    const sendWith = (
      api: AxiosInstance,
      key: string,
      target = { shopId, clientId },
    ) =>
      api.post(
        `/v1/shops/${target.shopId}/messages`,
        {
          channel: 'sms',
          clientId: target.clientId,
          body: 'Vos lunettes sont prêtes',
          salesperson: 'Julie',
        },
        { headers: { 'Idempotency-Key': key } },
      );
    const staffOf = async (shop: string): Promise<AxiosInstance> =>
      clientWithKey(stack, (await createShopKey(stack, shop, 'staff')).key);

    it('answers another key of the same shop with the first answer', async () => {
      const key = randomUUID();
      const [till, backOffice] = [await staffOf(shopId), await staffOf(shopId)];
      const first = await sendWith(till, key);
      const before = await messageCount();

      const second = await sendWith(backOffice, key);

      expect(first.status).toBe(202);
      expect([second.status, second.data.id]).toEqual([202, first.data.id]);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(await messageCount()).toBe(before);
    });

    it('lets another shop use the same value for its own request', async () => {
      const key = randomUUID();
      const otherShopId = await createShop(stack.api);
      await buyCredits(stack.api, otherShopId, 10);
      const other = {
        shopId: otherShopId,
        clientId: await createClient(stack.api, otherShopId),
      };
      const first = await sendWith(await staffOf(shopId), key);

      const second = await sendWith(await staffOf(otherShopId), key, other);

      expect(second.status).toBe(202);
      expect(second.data.id).not.toBe(first.data.id);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
    });
  });

  it('reads the same fields in another order as the same request', async () => {
    const key = randomUUID();
    const first = await send(key);
    const before = await messageCount();

    const reordered = await stack.api.post(
      `/v1/shops/${shopId}/messages`,
      {
        salesperson: 'Julie',
        body: 'Vos lunettes sont prêtes',
        clientId,
        channel: 'sms',
      },
      { headers: { 'Idempotency-Key': key } },
    );

    expect([reordered.status, reordered.data.id]).toEqual([202, first.data.id]);
    expect(await messageCount()).toBe(before);
  });

  it('answers 409 while the first request is still in progress', async () => {
    const key = randomUUID();
    await send(key);
    // As if the first request had not finished yet.
    await stack.db.dataSource.query(
      `UPDATE idempotency_key SET status = 'in_progress', response = NULL
       WHERE idempotency_key = $1`,
      [key],
    );
    const before = await messageCount();

    const response = await send(key);

    expect([response.status, response.data.code]).toEqual([
      409,
      'request_in_progress',
    ]);
    expect(await messageCount()).toBe(before);
  });

  it('replays a campaign launch without launching twice', async () => {
    const template = await stack.api.post(`/v1/shops/${shopId}/templates`, {
      channel: 'sms',
      label: 'Relance',
      body: 'Bonjour %prenom',
    });
    const campaign = await stack.api.post(`/v1/shops/${shopId}/campaigns`, {
      name: 'Relance',
      templateId: template.data.id,
      audience: { all: true },
    });
    const path = `/v1/shops/${shopId}/campaigns/${campaign.data.id}/launch`;
    const headers = { 'Idempotency-Key': randomUUID() };

    const first = await stack.api.post(path, {}, { headers });
    const again = await stack.api.post(path, {}, { headers });
    const other = await stack.api.post(
      path,
      { at: '2099-01-01T00:00:00Z' },
      { headers },
    );

    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.data).toEqual(first.data);
    expect(other.status).toBe(422);
  });
});

describe('rate limit per key', () => {
  let stack: TestStack;
  let shopId: string;

  beforeAll(async () => {
    stack = await startTestStack({
      workers: false,
      rateLimit: { perSecond: 10, windowSeconds: 2 },
    });
    shopId = await createShop(stack.api);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('answers 429 with Retry-After past the allowance, for that key only', async () => {
    const key = await createShopKey(stack, shopId, 'staff');
    const api = clientWithKey(stack, key.key);

    // Windows are fixed: a burst that straddles two may spend both
    // allowances (2 × 20), so 50 requests leave at least 10 refused.
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => api.get(`/v1/shops/${shopId}`)),
    );
    const limited = answers.filter((a) => a.status === 429);
    const other = clientWithKey(
      stack,
      (await createShopKey(stack, shopId, 'staff')).key,
    );

    expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(
      40,
    );
    expect(limited.length).toBeGreaterThanOrEqual(10);
    expect(limited[0]?.data.code).toBe('rate_limited');
    expect(Number(limited[0]?.headers['retry-after'])).toBeGreaterThanOrEqual(
      1,
    );
    expect((await other.get(`/v1/shops/${shopId}`)).status).toBe(200);
  });

  it('answers 429 with Retry-After to an address whose keys keep failing', async () => {
    const unknown = clientWithKey(stack, 'oc_not-a-key-of-anyone-0123456789');
    const shopKey = clientWithKey(
      stack,
      (await createShopKey(stack, shopId, 'staff')).key,
    );

    let answer = await unknown.get(`/v1/shops/${shopId}`);
    const statuses = [answer.status];
    while (answer.status === 401 && statuses.length < 300) {
      answer = await unknown.get(`/v1/shops/${shopId}`);
      statuses.push(answer.status);
    }

    expect(statuses[0]).toBe(401);
    expect([answer.status, answer.data.code]).toEqual([429, 'rate_limited']);
    expect(answer.data.title).toMatch(/failed authentications/);
    expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // A shop sharing the address (a proxy, a shop's network) is not shut out.
    expect((await shopKey.get(`/v1/shops/${shopId}`)).status).toBe(200);
  });
});
