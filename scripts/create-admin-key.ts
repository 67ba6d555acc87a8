import { createAdminKey, runMigrations } from '@optic/db';
import { runDatabaseCommand } from './database-command';

/**
 * `npm run create-admin-key [label]`: makes a key that sees every shop and
 * prints it once; only its hash is stored, so keep it now.
 */
runDatabaseCommand(async (dataSource) => {
  await runMigrations(dataSource);
  const label = process.argv[2] ?? 'admin';
  const key = await createAdminKey(dataSource.manager, label);
  console.log(key);
  console.error(
    'admin key created; it is shown only now: keep it in a secret store',
  );
});
