import { z } from 'zod';
import { commonEnv, intEnv, parseEnv } from '@optic/runtime';

/** The e-mail worker's settings, read once from the environment. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
) {
  return parseEnv(
    {
      ...commonEnv,
      SMTP_HOST: z.string().min(1).default('127.0.0.1'),
      SMTP_PORT: intEnv(2525),
      SMTP_SECURE: z.enum(['true', 'false']).default('false'),
      SMTP_USER: z.string().optional(),
      SMTP_PASSWORD: z.string().optional(),
      EMAIL_FROM: z.email().default('no-reply@optic.local'),
      DOCUMENTS_DIR: z.string().min(1).default('.data/documents'),
      EMAIL_COUNTER_CONCURRENCY: intEnv(10),
      EMAIL_CAMPAIGN_CONCURRENCY: intEnv(20),
      RETRY_ATTEMPTS: intEnv(5),
      RETRY_BASE_DELAY_MS: intEnv(2000),
      RETRY_MAX_DELAY_MS: intEnv(300_000),
      SWEEP_INTERVAL_MS: intEnv(15_000),
      DATABASE_POOL_SIZE: intEnv(10),
      // Months of message texts, replies and documents kept; 0 keeps them forever.
      RETENTION_MONTHS: z.coerce.number().int().min(0).default(36),
      RETENTION_INTERVAL_MS: intEnv(3_600_000),
    },
    env,
  );
}

export type EmailWorkerConfig = ReturnType<typeof loadConfig>;
