import type { Redis } from 'ioredis';

/** `used_memory` of the whole server: other users' keys included. */
export async function redisUsedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN);
}

/** The keys under a prefix and the bytes Redis says they take. */
export async function prefixFootprint(
  redis: Redis,
  prefix: string,
): Promise<{ keys: number; bytes: number }> {
  let keys = 0;
  let bytes = 0;
  for await (const batch of scanPrefix(redis, prefix)) {
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.memory('USAGE', key, 'SAMPLES', '0');
    const replies = (await pipeline.exec()) ?? [];
    keys += batch.length;
    for (const [, usage] of replies) bytes += Number(usage ?? 0);
  }
  return { keys, bytes };
}

/** Deletes every key under a prefix; returns how many. */
export async function deletePrefix(
  redis: Redis,
  prefix: string,
): Promise<number> {
  let deleted = 0;
  for await (const batch of scanPrefix(redis, prefix)) {
    deleted += await redis.unlink(...batch);
  }
  return deleted;
}

async function* scanPrefix(
  redis: Redis,
  prefix: string,
): AsyncGenerator<string[]> {
  // MATCH is a glob: escape its special characters should a prefix have any.
  const match = `${prefix.replace(/[[\]*?\\]/g, '\\$&')}:*`;
  const stream = redis.scanStream({ match, count: 2000 });
  for await (const keys of stream as AsyncIterable<string[]>) {
    if (keys.length > 0) yield keys;
  }
}

/**
 * Deletes the keys of earlier benches whose process is gone (`{bench<pid>}`
 * and `{bench<pid>r}`), left behind by a bench that was killed.
 */
export async function deleteStalePrefixes(
  redis: Redis,
  isAlive: (pid: number) => boolean,
): Promise<void> {
  const stale = new Set<string>();
  const stream = redis.scanStream({ match: '{bench*', count: 5000 });
  for await (const keys of stream as AsyncIterable<string[]>) {
    for (const key of keys) {
      const match = /^(\{bench(\d+)r?\})/.exec(key);
      if (match && !isAlive(Number(match[2]))) stale.add(match[1]!);
    }
  }
  for (const prefix of stale) await deletePrefix(redis, prefix);
}
