import { z } from 'zod';

/** Raised when the environment is wrong; its message names each variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Settings every process shares, with local defaults. */
export const commonEnv = {
  DATABASE_URL: z
    .string()
    .url()
    .default('postgres://postgres@127.0.0.1:5432/optic_comm'),
  REDIS_URL: z
    .string()
    .regex(
      /^rediss?:\/\/[^\s]+$/,
      'a redis:// URL such as redis://127.0.0.1:6379',
    )
    .default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[{}\w-]+$/, 'letters, digits, - _ and braces, e.g. {comm}')
    .default('{comm}'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  /** `json` lines, or `pretty` ones for people; unset: pretty in development. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** `development` makes the logs human-readable unless LOG_FORMAT says otherwise. */
  NODE_ENV: z.string().optional(),
  /** Seals shops' SMTP passwords and provider keys: 32 bytes in base64. */
  SECRET_KEY: z
    .string()
    .regex(
      /^[A-Za-z0-9+/]{43}=$/,
      '32 bytes in base64 (openssl rand -base64 32)',
    )
    .optional(),
  /** Starts the shared clock at this instant (ISO 8601); tests and demos. */
  CLOCK_START: z.iso.datetime({ offset: true }).optional(),
  /**
   * How long a stopping process lets requests and jobs in progress run;
   * jobs still running then go back to their queue, requests are cut.
   */
  SHUTDOWN_GRACE_MS: intEnv(20_000),
};

/**
 * Validates `env` against `shape` and returns a frozen typed object, or
 * throws a ConfigError naming every bad variable and the expected form.
 */
export function parseEnv<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: Record<string, string | undefined>,
): Readonly<z.infer<z.ZodObject<Shape>>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return Object.freeze(result.data);

  const lines = result.error.issues.map(
    (issue) =>
      `  ${issue.path.join('.')}: ${issue.message} (got ${JSON.stringify(env[String(issue.path[0])])})`,
  );
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

/** A positive integer read from a string variable. */
export function intEnv(defaultValue: number) {
  return z.coerce.number().int().positive().default(defaultValue);
}

/** A worker's ops server from `METRICS_PORT` and `METRICS_HOST`; 0 is off. */
export function opsSettings(config: {
  METRICS_PORT: number;
  METRICS_HOST: string;
}): { port: number; host: string } | null {
  return config.METRICS_PORT > 0
    ? { port: config.METRICS_PORT, host: config.METRICS_HOST }
    : null;
}

/** How a delivery worker (SMS, e-mail) finds and takes over lost work. */
export const recoveryEnv = {
  SWEEP_INTERVAL_MS: intEnv(15_000),
  // A due message without a live job is enqueued again after this long
  // (queued), or this long untouched (sending).
  SWEEP_QUEUED_AFTER_MS: intEnv(60_000),
  SWEEP_SENDING_AFTER_MS: intEnv(300_000),
  // A job's lock: a killed worker's jobs are taken over within about twice this.
  JOB_LOCK_MS: intEnv(30_000),
};

/** The worker-process settings read from `recoveryEnv`. */
export function recoverySettings(config: {
  SWEEP_INTERVAL_MS: number;
  SWEEP_QUEUED_AFTER_MS: number;
  SWEEP_SENDING_AFTER_MS: number;
  JOB_LOCK_MS: number;
}) {
  return {
    sweepIntervalMs: config.SWEEP_INTERVAL_MS,
    sweepAfterMs: {
      queued: config.SWEEP_QUEUED_AFTER_MS,
      sending: config.SWEEP_SENDING_AFTER_MS,
    },
    jobLockMs: config.JOB_LOCK_MS,
  };
}
