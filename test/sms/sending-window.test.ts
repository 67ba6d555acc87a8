import IORedis from 'ioredis';
import { ManualClock } from '@optic/domain';
import {
  DeferDelivery,
  MessageProcessor,
  SmsChannel,
  SmsProviderRegistry,
  Sweeper,
} from '@optic/delivery';
import { OctopushSmsProvider } from '@optic/providers';
import {
  buyCredits,
  createClient,
  createShop,
  getMessage,
  mobileFor,
  sendMessage,
} from '../support/api-fixtures';
import { TEST_REDIS_URL } from '../support/test-env';
import {
  SANDBOX_KEY,
  SANDBOX_LOGIN,
  startTestStack,
} from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

describe('the sending window of marketing SMS', () => {
  const clock = new ManualClock(new Date('2026-12-05T18:59:00Z'));
  let stack: TestStack;
  let paris: string;
  let alsace: string;

  beforeAll(async () => {
    stack = await startTestStack({ clock });
    paris = await createShop(stack.api, { name: 'Optique Paris' });
    alsace = await createShop(stack.api, {
      name: 'Optique Metz',
      region: '57',
    });
    await buyCredits(stack.api, paris, 100);
    await buyCredits(stack.api, alsace, 100);
  });

  afterAll(async () => {
    await stack.close();
  });

  let clients = 0;
  async function marketing(shopId: string, kind = 'marketing') {
    clients += 1;
    const clientId = await createClient(stack.api, shopId, {
      mobile: mobileFor(clients),
    });
    return sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Soldes sur les montures',
      kind,
    });
  }

  async function settledStatus(shopId: string, id: string) {
    return waitFor(async () => {
      const m = await getMessage(stack.api, shopId, id);
      return m.status === 'sending' ? undefined : m;
    });
  }

  it('sends at once on Saturday at 19:59 in Paris', async () => {
    clock.set(new Date('2026-12-05T18:59:00Z'));

    const id = await marketing(paris);

    const message = await waitFor(async () => {
      const m = await getMessage(stack.api, paris, id);
      return m.status === 'sent' ? m : undefined;
    });
    expect(message.text).toContain('STOP au 36180');
  });

  it('holds a request made on Saturday at 20:00 until Monday at 08:00', async () => {
    clock.set(new Date('2026-12-05T19:00:00Z'));

    const id = await marketing(paris);

    const message = await settledStatus(paris, id);
    expect(message).toMatchObject({
      status: 'queued',
      notBefore: '2026-12-07T07:00:00.000Z',
    });
    const job = await stack.producer
      .queue('sms', 'counter')
      .getJob(`msg-${id}`);
    expect(await job!.getState()).toBe('delayed');
    expect(stack.sandbox.messages({ requestId: id })).toHaveLength(0);
  });

  it('sends a transactional SMS at once on a Sunday night', async () => {
    clock.set(new Date('2026-12-06T22:30:00Z'));

    const id = await marketing(paris, 'transactional');

    await waitFor(
      async () => (await getMessage(stack.api, paris, id)).status === 'sent',
    );
  });

  it.each([
    ['14 July', 'paris', '2026-07-14T10:00:00Z', '2026-07-15T06:00:00.000Z'],
    [
      'the spring-forward Sunday',
      'paris',
      '2026-03-29T10:00:00Z',
      '2026-03-30T06:00:00.000Z',
    ],
    [
      'the fall-back Sunday',
      'paris',
      '2026-10-25T10:00:00Z',
      '2026-10-26T07:00:00.000Z',
    ],
    [
      'Good Friday in Alsace-Moselle',
      'alsace',
      '2026-04-03T09:00:00Z',
      '2026-04-04T06:00:00.000Z',
    ],
  ])('waits on %s', async (_day, where, now, opening) => {
    const shopId = where === 'paris' ? paris : alsace;
    clock.set(new Date(now));

    const id = await marketing(shopId);

    expect(await settledStatus(shopId, id)).toMatchObject({
      status: 'queued',
      notBefore: opening,
    });
    const job = await stack.producer
      .queue('sms', 'counter')
      .getJob(`msg-${id}`);
    expect(await job!.getState()).toBe('delayed');
  });

  it('sends on Good Friday in Paris', async () => {
    clock.set(new Date('2026-04-03T09:00:00Z'));

    const id = await marketing(paris);

    expect((await getMessage(stack.api, paris, id)).notBefore).toBeNull();
    await waitFor(
      async () => (await getMessage(stack.api, paris, id)).status === 'sent',
    );
  });

  it('defers in the worker a marketing SMS whose job runs outside the window', async () => {
    clock.set(new Date('2026-12-04T10:00:00Z'));
    const id = await marketing(paris);
    await waitFor(
      async () => (await getMessage(stack.api, paris, id)).status === 'sent',
    );
    clock.set(new Date('2026-12-06T10:00:00Z'));
    const provider = new OctopushSmsProvider({
      baseUrl: stack.sandboxUrl,
      login: SANDBOX_LOGIN,
      apiKey: SANDBOX_KEY,
    });
    const processor = new MessageProcessor(
      stack.db.dataSource,
      new SmsChannel(new SmsProviderRegistry(provider, () => provider, null)),
      clock,
    );
    const clientId = await createClient(stack.api, paris, {
      mobile: '07 81 00 00 01',
    });
    await stack.workers[0]!.close();
    const late = await sendMessage(stack.api, paris, {
      channel: 'sms',
      clientId,
      body: 'Promo',
      kind: 'marketing',
    });
    await stack.db.dataSource.query(
      'UPDATE message SET not_before = NULL WHERE id = $1',
      [late],
    );

    const outcome = processor.process(late, { number: 1, isFinal: false });

    await expect(outcome).rejects.toBeInstanceOf(DeferDelivery);
    expect(await getMessage(stack.api, paris, late)).toMatchObject({
      status: 'queued',
      notBefore: '2026-12-07T07:00:00.000Z',
    });
    provider.close();
  });
});

describe('a marketing SMS waiting for the window when Redis loses its delayed job', () => {
  const clock = new ManualClock(new Date('2026-12-05T19:30:00Z'));
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ clock, workers: false });
  });

  afterAll(async () => {
    await stack.close();
  });

  it('is re-enqueued by the sweeper after its opening and sent once', async () => {
    const shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 10);
    const clientId = await createClient(stack.api, shopId);
    const id = await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Nouvelle collection',
      kind: 'marketing',
    });
    expect(await stack.producer.queue('sms', 'counter').getDelayedCount()).toBe(
      1,
    );

    const redis = new IORedis(TEST_REDIS_URL);
    const keys = await redis.keys(`${stack.redisPrefix}:*`);
    await redis.del(...keys);
    redis.disconnect();

    const sweeper = new Sweeper(stack.db.dataSource, stack.producer, clock, {
      queuedAfterMs: 60_000,
    });
    clock.set(new Date('2026-12-07T06:59:00Z'));
    expect(await sweeper.sweepOnce()).toBe(0);
    clock.set(new Date('2026-12-07T07:01:30Z'));
    expect(await sweeper.sweepOnce()).toBe(1);

    await stack.startWorkers();
    await waitFor(
      async () => (await getMessage(stack.api, shopId, id)).status === 'sent',
    );
    expect(stack.sandbox.messages({ requestId: id })).toHaveLength(1);
  });
});
