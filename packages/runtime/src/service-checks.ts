import IORedis from 'ioredis';
import { Client } from 'pg';

const REDIS_HINT =
  "start one with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no";
const POSTGRES_HINT =
  'start one with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';

/**
 * Hides the password of a URL before it is shown to anyone: in the
 * authority (`user:pass@`, `:pass@`, up to the last `@`, so a password
 * holding one is hidden whole; with or without a scheme, as a malformed
 * value may come) and in a `password=` parameter (libpq reads one).
 */
export function redactUrl(url: string): string {
  return url
    .replace(/^((?:[a-z][a-z\d+.-]*:)?\/\/)?([^:/@]*):.*@/i, '$1$2:***@')
    .replace(/([?&](?:password|pass|pwd|secret|token)=)[^&#]*/gi, '$1***');
}

// Postgres's "invalid authorization specification" class (28000: no such
// role, refused by pg_hba.conf; 28P01: wrong password); Redis's refusals.
const POSTGRES_AUTH_CODES = new Set(['28000', '28P01']);
const REDIS_AUTH_REPLY =
  /^(WRONGPASS|NOAUTH|NOPERM)|invalid (username-)?password/i;

/**
 * Connects once to Redis and returns null, or a sentence saying that it
 * is unreachable, where we looked and how to start one.
 */
export async function checkRedis(url: string): Promise<string | null> {
  const redis = new IORedis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let cause: Error | null = null;
  // The first refusal is the useful one; ioredis would print it as "unhandled".
  redis.on('error', (error: Error) => {
    cause ??= error;
  });
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (error) {
    const reason = (cause ?? (error as Error)).message;
    if (REDIS_AUTH_REPLY.test(reason)) {
      return `Redis at ${redactUrl(url)} refused the credentials (${reason}); check the user and password in REDIS_URL`;
    }
    return `Redis is unreachable at ${redactUrl(url)} (${reason}); set REDIS_URL or ${REDIS_HINT}`;
  } finally {
    redis.disconnect();
  }
}

/** The same for PostgreSQL; also creates the database when it is missing. */
export async function checkPostgres(url: string): Promise<string | null> {
  try {
    await ensureDatabase(url);
    return null;
  } catch (error) {
    const { code, message } = error as Error & { code?: string };
    if (code && POSTGRES_AUTH_CODES.has(code)) {
      return `PostgreSQL at ${redactUrl(url)} refused the authentication (${message}); check the user and password in DATABASE_URL`;
    }
    return `PostgreSQL is unreachable at ${redactUrl(url)} (${message}); set DATABASE_URL or ${POSTGRES_HINT}`;
  }
}

async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';

  const client = new Client({
    connectionString: admin.toString(),
    connectionTimeoutMillis: 3000,
  });
  await client.connect();
  try {
    const found = await client.query(
      'SELECT 1 FROM pg_database WHERE datname = $1',
      [name],
    );
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    }
  } finally {
    await client.end();
  }
}
