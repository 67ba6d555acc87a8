import { Client } from 'pg';
import { checkPostgres, checkRedis } from '@optic/runtime';
import { buildConsoleIfStale } from '../../scripts/main-job/console-build';
import { TEST_POSTGRES_URL, TEST_REDIS_URL } from './test-env';

/**
 * Checks that Redis and PostgreSQL answer, drops the test databases of
 * earlier runs that were interrupted (their process is gone), and builds
 * the console if its build is missing or stale.
 */
export default async function globalSetup(): Promise<void> {
  const unreachable =
    (await checkRedis(TEST_REDIS_URL)) ??
    (await checkPostgres(TEST_POSTGRES_URL));
  if (unreachable) throw new Error(unreachable);

  const admin = new Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await dropOrphanedDatabases(admin);
  } finally {
    await admin.end();
  }
  // The API under test serves the console's build (test/console).
  await buildConsoleIfStale();
}

async function dropOrphanedDatabases(admin: Client): Promise<void> {
  const rows = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname ~ '^optic_test_f[0-9]+_'`,
  );
  for (const { datname } of rows.rows) {
    const pid = Number(/^optic_test_f(\d+)_/.exec(datname)?.[1]);
    if (isAlive(pid)) continue;
    await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
