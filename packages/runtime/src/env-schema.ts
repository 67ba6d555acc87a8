import { z } from 'zod';
import { redactUrl } from './service-checks';

/** Raised when the environment is wrong; its message names each variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Settings every process shares, with local defaults. */
export const commonEnv = {
  DATABASE_URL: z
    .string()
    .refine(
      isPostgresUrl,
      'a postgres:// or postgresql:// URL such as postgres://postgres@127.0.0.1:5432/optic_comm',
    )
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
  /**
   * `development` makes the logs human-readable unless LOG_FORMAT says
   * otherwise; `production` refuses placeholder secrets and, unless
   * SHOP_SMTP_PRIVATE_HOSTS says otherwise, shops' SMTP servers at
   * internal addresses.
   */
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
 * Whether shops' own SMTP servers may be at loopback, private, link-local
 * or multicast addresses (see `guardedSmtpSettings` in @optic/providers).
 * Unset: `deny` in production, `allow` elsewhere, where the local stack
 * and the tests run their SMTP server on 127.0.0.1.
 */
export const shopSmtpEnv = {
  SHOP_SMTP_PRIVATE_HOSTS: z.enum(['deny', 'allow']).optional(),
};

/** `config` with the policy of `shopSmtpEnv` resolved, its default included. */
export function withShopSmtpPolicy<
  Config extends {
    SHOP_SMTP_PRIVATE_HOSTS?: 'deny' | 'allow';
    NODE_ENV?: string;
  },
>(
  config: Config,
): Readonly<Config & { SHOP_SMTP_PRIVATE_HOSTS: 'deny' | 'allow' }> {
  return Object.freeze({
    ...config,
    SHOP_SMTP_PRIVATE_HOSTS:
      config.SHOP_SMTP_PRIVATE_HOSTS ??
      (config.NODE_ENV === 'production' ? 'deny' : 'allow'),
  });
}

// Schemas made by `placeholderSecret`, with their placeholder.
const PLACEHOLDERS = new Map<z.ZodType, string>();

/**
 * A secret that protects the platform (a callback token, a signing key),
 * with a default that lets a laptop run without setting it. That default
 * is public, in this repository: production refuses to start with it.
 */
export function placeholderSecret(placeholder: string, hint: string) {
  const schema = z
    .string()
    .min(16, `at least 16 characters (${hint})`)
    .default(placeholder);
  PLACEHOLDERS.set(schema, placeholder);
  return schema;
}

/** Variables whose values are never printed, even when wrong. */
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|KEY/;
/** The words of the placeholders in this repository's deployment files. */
const PLACEHOLDER_WORDS = /change-?me|replace-?me/i;

/**
 * Validates `env` against `shape` and returns a frozen typed object, or
 * throws a ConfigError naming every bad variable and the expected form,
 * without the value of a secret or the password of a URL.
 */
export function parseEnv<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: Record<string, string | undefined>,
): Readonly<z.infer<z.ZodObject<Shape>>> {
  const result = z.object(shape).safeParse(env);
  const lines = [
    ...(result.success
      ? []
      : result.error.issues.map((issue) => {
          const name = String(issue.path[0]);
          return `  ${issue.path.join('.')}: ${issue.message} (${shownValue(name, env[name])})`;
        })),
    ...(env.NODE_ENV === 'production' ? placeholdersLeft(shape, env) : []),
  ];
  if (!result.success || lines.length > 0) {
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(result.data);
}

/** What an error message may say of a variable's value. */
function shownValue(name: string, value: string | undefined): string {
  if (value === undefined) return 'unset';
  if (SECRET_NAME.test(name)) return 'value not shown';
  return `got ${JSON.stringify(redactUrl(value))}`;
}

/**
 * In production: each placeholder secret that is unset or left at its
 * default, and any secret that still reads like a placeholder.
 */
function placeholdersLeft(
  shape: z.ZodRawShape,
  env: Record<string, string | undefined>,
): string[] {
  const placeholders = new Set(PLACEHOLDERS.values());
  return Object.entries(shape).flatMap(([name, schema]) => {
    const value = env[name];
    const placeholder = PLACEHOLDERS.get(schema as z.ZodType);
    if (placeholder !== undefined && value === undefined) {
      return [
        `  ${name}: required in production: its default is a public placeholder`,
      ];
    }
    const isPlaceholder =
      value !== undefined &&
      SECRET_NAME.test(name) &&
      (placeholders.has(value) || PLACEHOLDER_WORDS.test(value));
    return isPlaceholder
      ? [`  ${name}: still a placeholder in production: set a random value`]
      : [];
  });
}

function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//.test(value) && URL.canParse(value);
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
