import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '@optic/db';
import { databaseUrl, TEST_POSTGRES_URL } from './test-env';

export interface TestDatabase {
  url: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

/**
 * A fresh database of its own for one test file, migrated the way
 * `npm run migrate` does it (so every run also tests the migrations).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  // The jest worker's pid in the name lets a later run drop only the
  // databases of runs that are gone, never those of a run still going.
  const name = `optic_test_f${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);

  const url = databaseUrl(name);
  const dataSource = await createDataSource({ url, poolSize: 6 }).initialize();
  await runMigrations(dataSource);
  return {
    url,
    dataSource,
    drop: async () => {
      await dataSource.destroy();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
