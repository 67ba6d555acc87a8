import { z } from 'zod';
import { CRASH_POINTS } from '@optic/delivery';
import { commonEnv, intEnv, parseEnv, recoveryEnv } from '@optic/runtime';

/** The SMS worker's settings, read once from the environment. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
) {
  return parseEnv(
    {
      ...commonEnv,
      // /metrics, /healthz and /readyz of this worker; 0 turns them off.
      METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
      METRICS_HOST: z.string().min(1).default('127.0.0.1'),
      OCTOPUSH_URL: z.string().url().default('http://127.0.0.1:4010'),
      OCTOPUSH_LOGIN: z.string().min(1).default('demo@optic.local'),
      // The sandbox's key. Not a placeholderSecret: it opens nothing of
      // ours, Octopush refuses it at the first send (AUTH_FAILED, visible),
      // and the Compose stack uses it, in production mode, with the sandbox.
      OCTOPUSH_API_KEY: z.string().min(1).default('sandbox-key'),
      OCTOPUSH_TIMEOUT_MS: intEnv(10_000),
      SMS_COUNTER_CONCURRENCY: intEnv(20),
      SMS_CAMPAIGN_CONCURRENCY: intEnv(50),
      RETRY_ATTEMPTS: intEnv(5),
      RETRY_BASE_DELAY_MS: intEnv(2000),
      RETRY_MAX_DELAY_MS: intEnv(300_000),
      ...recoveryEnv,
      // Test hook of the fault suite: die with SIGKILL at this point, once.
      TEST_CRASH_AT: z.enum(CRASH_POINTS).optional(),
      SMS_RECEIPT_TIMEOUT_HOURS: intEnv(72),
      DATABASE_POOL_SIZE: intEnv(10),
      SMS_CAMPAIGN_RATE_PER_SECOND: z.coerce.number().int().min(0).default(0),
    },
    env,
  );
}

export type SmsWorkerConfig = ReturnType<typeof loadConfig>;
