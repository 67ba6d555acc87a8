import type { LevelWithSilent } from 'pino';

/** The sandbox process's settings, read once from the environment. */
export interface SmsSandboxProcessConfig {
  /** SMS_SANDBOX_HOST; 0.0.0.0 only inside a container. @defaultValue "127.0.0.1" */
  host: string;
  /** SMS_SANDBOX_PORT. @defaultValue 4010 */
  port: number;
  /** SMS_SANDBOX_LOGIN. @defaultValue "demo@optic.local" */
  login: string;
  /** SMS_SANDBOX_API_KEY. @defaultValue "sandbox-key" */
  apiKey: string;
  /** SMS_SANDBOX_RECEIPTS_URL; receipts are off without it. @defaultValue null */
  receiptsUrl: string | null;
  /** SMS_SANDBOX_RECEIPT_DELAY_MS. @defaultValue 200 */
  receiptDelayMs: number;
  /** LOG_LEVEL. @defaultValue "info" */
  logLevel: LevelWithSilent;
}

/** A variable of the environment holds a value the sandbox cannot use. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS: readonly LevelWithSilent[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

/** Reads the process environment; throws ConfigError naming the variable. */
export function loadConfig(): Readonly<SmsSandboxProcessConfig> {
  return parseConfig(process.env);
}

/** Validates an environment and applies the defaults. */
export function parseConfig(env: Env): Readonly<SmsSandboxProcessConfig> {
  return Object.freeze({
    host: readText(env, 'SMS_SANDBOX_HOST', '127.0.0.1'),
    port: readInteger(env, 'SMS_SANDBOX_PORT', 4010, 65535),
    login: readText(env, 'SMS_SANDBOX_LOGIN', 'demo@optic.local'),
    apiKey: readText(env, 'SMS_SANDBOX_API_KEY', 'sandbox-key'),
    receiptsUrl: readUrl(env, 'SMS_SANDBOX_RECEIPTS_URL'),
    receiptDelayMs: readInteger(env, 'SMS_SANDBOX_RECEIPT_DELAY_MS', 200),
    logLevel: readLogLevel(env, 'LOG_LEVEL'),
  });
}

function readInteger(
  env: Env,
  name: string,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = present(env, name);

  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer from 0 to ${max}`);
  }

  return Number(raw);
}

function readText(env: Env, name: string, fallback: string): string {
  return present(env, name) ?? fallback;
}

function readUrl(env: Env, name: string): string | null {
  const raw = present(env, name);

  if (raw === undefined) return null;
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) {
    throw new ConfigError(`${name} must be an http:// or https:// URL`);
  }

  return raw;
}

function readLogLevel(env: Env, name: string): LevelWithSilent {
  const raw = present(env, name) ?? 'info';
  const level = LOG_LEVELS.find((candidate) => candidate === raw);

  if (level === undefined) {
    throw new ConfigError(`${name} must be one of ${LOG_LEVELS.join(', ')}`);
  }

  return level;
}

// An empty or blank variable counts as unset, as shells often leave them.
function present(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();

  return raw === undefined || raw === '' ? undefined : raw;
}
