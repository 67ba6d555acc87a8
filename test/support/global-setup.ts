import { Client } from 'pg';
import { createDataSource, runMigrations } from '@optic/db';
import { checkPostgres, checkRedis } from '@optic/runtime';
import {
  databaseUrl,
  TEMPLATE_DATABASE,
  TEST_POSTGRES_URL,
  TEST_REDIS_URL,
} from './test-env';

/**
 * Builds a migrated template database once per run; each test file then
 * copies it (CREATE DATABASE … TEMPLATE), which takes milliseconds.
 */
export default async function globalSetup(): Promise<void> {
  const unreachable =
    (await checkRedis(TEST_REDIS_URL)) ??
    (await checkPostgres(TEST_POSTGRES_URL));
  if (unreachable) throw new Error(unreachable);

  const admin = new Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await dropOldTestDatabases(admin);
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE}`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }

  const dataSource = await createDataSource({
    url: databaseUrl(TEMPLATE_DATABASE),
    poolSize: 1,
  }).initialize();
  await runMigrations(dataSource);
  await dataSource.destroy();
}

/** Databases left by an interrupted earlier run. */
async function dropOldTestDatabases(admin: Client): Promise<void> {
  const rows = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE 'optic_test_f%'`,
  );
  for (const { datname } of rows.rows) {
    await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}
