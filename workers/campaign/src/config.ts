import { z } from 'zod';
import { commonEnv, intEnv, parseEnv } from '@optic/runtime';

/** The campaign worker's settings, read once from the environment. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
) {
  return parseEnv(
    {
      ...commonEnv,
      // /metrics, /healthz and /readyz of this worker; 0 turns them off.
      METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
      METRICS_HOST: z.string().min(1).default('127.0.0.1'),
      FANOUT_CONCURRENCY: intEnv(2),
      CAMPAIGN_CHECK_INTERVAL_MS: intEnv(1000),
      DATABASE_POOL_SIZE: intEnv(5),
      RETRY_ATTEMPTS: intEnv(5),
      RETRY_BASE_DELAY_MS: intEnv(2000),
      RETRY_MAX_DELAY_MS: intEnv(300_000),
    },
    env,
  );
}
