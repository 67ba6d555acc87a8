import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { migrationsApplied } from '@optic/db';
import type { ReadinessChecks } from './ops-server';

/** A worker is ready when Postgres answers with its schema, and Redis. */
export function readinessChecks(
  dataSource: DataSource,
  redis: Redis,
): ReadinessChecks {
  return {
    postgres: async () => {
      await dataSource.query('SELECT 1');
      return migrationsApplied(dataSource);
    },
    redis: async () => (await redis.ping()) === 'PONG',
  };
}
