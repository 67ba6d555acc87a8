import { z } from 'zod';
import {
  commonEnv,
  intEnv,
  parseEnv,
  placeholderSecret,
  shopSmtpEnv,
  withShopSmtpPolicy,
} from '@optic/runtime';

/** The API's settings, read once from the environment. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
) {
  const config = parseEnv(
    {
      ...commonEnv,
      API_HOST: z.string().default('127.0.0.1'),
      API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
      DATABASE_POOL_SIZE: intEnv(10),
      OCTOPUSH_WEBHOOK_TOKEN: placeholderSecret(
        'local-webhook-token-change-me',
        'openssl rand -hex 16',
      ),
      // Callbacks whose own date is older than this are refused as replays.
      WEBHOOK_REPLAY_WINDOW_HOURS: intEnv(24),
      DOCUMENTS_DIR: z.string().min(1).default('.data/documents'),
      DOCUMENT_MAX_BYTES: intEnv(10 * 1024 * 1024),
      // All documents of one e-mail; 15 MiB is about 20 MB once in base64,
      // under the 25 MB most mail servers take.
      EMAIL_ATTACHMENTS_MAX_BYTES: intEnv(15 * 1024 * 1024),
      UNSUBSCRIBE_SECRET: placeholderSecret(
        'local-unsubscribe-secret-change-me',
        'openssl rand -hex 32',
      ),
      PUBLIC_BASE_URL: z
        .url({ protocol: /^https?$/ })
        .default('http://127.0.0.1:3000'),
      // Logs whole SMTP conversations of settings checks (troubleshooting).
      SMTP_DEBUG: z.enum(['true', 'false']).default('false'),
      ...shopSmtpEnv,
      // Per API key; the window's allowance (rate × window) is the burst.
      RATE_LIMIT_PER_SECOND: intEnv(20),
      RATE_LIMIT_WINDOW_SECONDS: intEnv(10),
      RETRY_ATTEMPTS: intEnv(5),
      RETRY_BASE_DELAY_MS: intEnv(2000),
      RETRY_MAX_DELAY_MS: intEnv(300_000),
    },
    env,
  );
  return withShopSmtpPolicy(config);
}

export type ApiConfig = ReturnType<typeof loadConfig>;
