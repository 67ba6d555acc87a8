import { runMigrations } from '@optic/db';
import { runDatabaseCommand } from './database-command';

/** `npm run migrate`: applies pending migrations; a second run is a no-op. */
runDatabaseCommand(async (dataSource) => {
  const applied = await runMigrations(dataSource);
  console.log(
    applied.length > 0
      ? `applied: ${applied.join(', ')}`
      : 'nothing to apply: the schema is up to date',
  );
});
