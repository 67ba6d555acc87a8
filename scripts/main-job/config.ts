import { z } from 'zod';
import { commonEnv, intEnv, parseEnv } from '@optic/runtime';

/** The main job's settings: where Redis and Postgres are, and the demo's size. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
) {
  return parseEnv(
    {
      DATABASE_URL: commonEnv.DATABASE_URL,
      REDIS_URL: commonEnv.REDIS_URL,
      QUEUE_PREFIX: commonEnv.QUEUE_PREFIX,
      LOG_LEVEL: commonEnv.LOG_LEVEL,
      DEMO_CLIENTS: intEnv(1000),
      DEMO_SMS: intEnv(300),
      DEMO_EMAILS: intEnv(50),
      DEMO_DATA_DIR: z.string().min(1).default('.data'),
    },
    env,
  );
}

export type MainJobConfig = ReturnType<typeof loadConfig>;

/** The environment the child processes inherit: only what they need. */
export function childBaseEnv(
  env: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const keep = ['PATH', 'HOME', 'NODE_OPTIONS', 'TZ'];
  return Object.fromEntries(
    keep.filter((k) => env[k] !== undefined).map((k) => [k, env[k]!]),
  );
}
