import type { DataSource } from 'typeorm';
import { createDataSource } from '@optic/db';
import {
  checkPostgres,
  commonEnv,
  ConfigError,
  parseEnv,
} from '@optic/runtime';

/**
 * Runs a one-off command against `DATABASE_URL`: checks the variable and
 * that Postgres answers, opens a small pool, always closes it, and reports
 * a wrong environment as one sentence (exit 1) rather than a stack trace.
 */
export function runDatabaseCommand(
  command: (dataSource: DataSource) => Promise<void>,
): void {
  run(command).catch((error: Error) => {
    console.error(error instanceof ConfigError ? error.message : error.stack);
    process.exit(1);
  });
}

async function run(
  command: (dataSource: DataSource) => Promise<void>,
): Promise<void> {
  const config = parseEnv(
    { DATABASE_URL: commonEnv.DATABASE_URL },
    process.env,
  );
  const unreachable = await checkPostgres(config.DATABASE_URL);
  if (unreachable) throw new ConfigError(unreachable);

  const dataSource = await createDataSource({
    url: config.DATABASE_URL,
    poolSize: 2,
  }).initialize();
  try {
    await command(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
