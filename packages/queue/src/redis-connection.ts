import IORedis from 'ioredis';
import type { Redis } from 'ioredis';

export type RedisRole = 'producer' | 'worker';

/**
 * A Redis connection for BullMQ. Workers block and must retry forever;
 * producers (the API) fail fast while Redis is down instead of hanging,
 * because the sweeper will enqueue what they could not.
 */
export function createRedisConnection(url: string, role: RedisRole): Redis {
  return new IORedis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 5000,
    lazyConnect: false,
  });
}

/**
 * BullMQ loses jobs silently if Redis evicts keys; refuse to run unless
 * `maxmemory-policy` is `noeviction`.
 */
export async function assertNoEviction(redis: Redis): Promise<void> {
  const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
  const policy = reply[1];
  if (policy !== 'noeviction') {
    throw new Error(
      `Redis maxmemory-policy is "${policy}"; set it to "noeviction" ` +
        '(redis-cli CONFIG SET maxmemory-policy noeviction) or queued jobs may be lost',
    );
  }
}
