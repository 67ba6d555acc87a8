import { createAdminKey, createDataSource, runMigrations } from '@optic/db';
import {
  checkPostgres,
  commonEnv,
  ConfigError,
  parseEnv,
} from '@optic/runtime';

/**
 * `npm run create-admin-key [label]`: makes a key that sees every shop and
 * prints it once; only its hash is stored, so keep it now.
 */
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
    await runMigrations(dataSource);
    const label = process.argv[2] ?? 'admin';
    const key = await createAdminKey(dataSource.manager, label);
    console.log(key);
    console.error(
      'admin key created; it is shown only now: keep it in a secret store',
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: Error) => {
  console.error(error instanceof ConfigError ? error.message : error.stack);
  process.exit(1);
});
