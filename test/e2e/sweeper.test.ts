import IORedis from 'ioredis';
import { ManualClock } from '@optic/domain';
import { Sweeper } from '@optic/delivery';
import {
  buyCredits,
  createClient,
  createShop,
  getMessage,
  mobileFor,
  sendMessage,
} from '../support/api-fixtures';
import { TEST_REDIS_URL } from '../support/test-env';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

describe('when Redis loses the jobs of waiting messages', () => {
  let stack: TestStack;
  const clock = new ManualClock(new Date('2026-12-04T10:00:00Z'));

  beforeAll(async () => {
    // No workers yet: the messages wait in Redis until we delete them.
    stack = await startTestStack({ workers: false, clock });
  });

  afterAll(async () => {
    await stack.close();
  });

  it('re-enqueues them from Postgres and each is delivered exactly once', async () => {
    const shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 20);
    const ids: string[] = [];
    for (let n = 0; n < 10; n += 1) {
      const clientId = await createClient(stack.api, shopId, {
        mobile: mobileFor(n),
      });
      ids.push(
        await sendMessage(stack.api, shopId, {
          channel: 'sms',
          clientId,
          body: `Rappel ${n}`,
        }),
      );
    }
    const queue = stack.producer.queue('sms', 'counter');
    expect(await queue.getWaitingCount()).toBe(10);

    await deleteQueueKeys(stack.redisPrefix);
    expect(await queue.getWaitingCount()).toBe(0);

    const sweeper = new Sweeper(stack.db.dataSource, stack.producer, clock, {
      queuedAfterMs: 60_000,
    });
    expect(await sweeper.sweepOnce()).toBe(0);
    clock.advance(61_000);
    expect(await sweeper.sweepOnce()).toBe(10);
    expect(await sweeper.sweepOnce()).toBe(0);

    await stack.startWorkers();
    for (const id of ids) {
      await waitFor(
        async () => (await getMessage(stack.api, shopId, id)).status === 'sent',
        { what: `${id} sent` },
      );
    }
    expect(await sweeper.sweepOnce()).toBe(0);
    for (const id of ids) {
      expect(
        stack.sandbox.messages().filter((m) => m.requestId === id),
      ).toHaveLength(1);
    }
    expect(stack.sandbox.messages()).toHaveLength(10);
  });
});

async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new IORedis(TEST_REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
