import IORedis from 'ioredis';
import { Client } from 'pg';

const REDIS_HINT =
  "start one with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no";
const POSTGRES_HINT =
  'start one with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';

/** Hides a password in a URL before it is shown to anyone. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

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
    return `PostgreSQL is unreachable at ${redactUrl(url)} (${(error as Error).message}); set DATABASE_URL or ${POSTGRES_HINT}`;
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
