import { z } from 'zod';
import {
  commonEnv,
  intEnv,
  parseEnv,
  placeholderSecret,
  recoveryEnv,
  shopSmtpEnv,
  withShopSmtpPolicy,
} from '@optic/runtime';

/** The e-mail worker's settings, read once from the environment. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
) {
  const config = parseEnv(
    {
      ...commonEnv,
      // /metrics, /healthz and /readyz of this worker; 0 turns them off.
      METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
      METRICS_HOST: z.string().min(1).default('127.0.0.1'),
      SMTP_HOST: z.string().min(1).default('127.0.0.1'),
      SMTP_PORT: intEnv(2525),
      SMTP_SECURE: z.enum(['true', 'false']).default('false'),
      // Overrides SMTP_SECURE: tls, starttls, opportunistic or none.
      SMTP_TLS_MODE: z
        .enum(['tls', 'starttls', 'opportunistic', 'none'])
        .optional(),
      // Logs whole SMTP conversations, messages included (troubleshooting).
      SMTP_DEBUG: z.enum(['true', 'false']).default('false'),
      ...shopSmtpEnv,
      // The same values as the API's: they sign and point the unsubscribe links.
      UNSUBSCRIBE_SECRET: placeholderSecret(
        'local-unsubscribe-secret-change-me',
        'openssl rand -hex 32',
      ),
      PUBLIC_BASE_URL: z
        .url({ protocol: /^https?$/ })
        .default('http://127.0.0.1:3000'),
      SMTP_USER: z.string().optional(),
      SMTP_PASSWORD: z.string().optional(),
      EMAIL_FROM: z.email().default('no-reply@optic.local'),
      DOCUMENTS_DIR: z.string().min(1).default('.data/documents'),
      EMAIL_COUNTER_CONCURRENCY: intEnv(10),
      EMAIL_CAMPAIGN_CONCURRENCY: intEnv(20),
      RETRY_ATTEMPTS: intEnv(5),
      RETRY_BASE_DELAY_MS: intEnv(2000),
      RETRY_MAX_DELAY_MS: intEnv(300_000),
      ...recoveryEnv,
      DATABASE_POOL_SIZE: intEnv(10),
      EMAIL_CAMPAIGN_RATE_PER_SECOND: z.coerce.number().int().min(0).default(0),
      // Months of message texts, replies and documents kept; 0 keeps them forever.
      RETENTION_MONTHS: z.coerce.number().int().min(0).default(36),
      RETENTION_INTERVAL_MS: intEnv(3_600_000),
    },
    env,
  );
  return withShopSmtpPolicy(config);
}

export type EmailWorkerConfig = ReturnType<typeof loadConfig>;
