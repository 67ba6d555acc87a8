import { createDataSource, runMigrations } from '@optic/db';
import {
  checkPostgres,
  commonEnv,
  ConfigError,
  parseEnv,
} from '@optic/runtime';

/** `npm run migrate`: applies pending migrations; a second run is a no-op. */
async function main(): Promise<void> {
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
    const applied = await runMigrations(dataSource);
    console.log(
      applied.length > 0
        ? `applied: ${applied.join(', ')}`
        : 'nothing to apply: the schema is up to date',
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: Error) => {
  console.error(error instanceof ConfigError ? error.message : error.stack);
  process.exit(1);
});
