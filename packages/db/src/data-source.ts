import { DataSource } from 'typeorm';
import { Campaign } from './entities/campaign.entity';
import { Client } from './entities/client.entity';
import { ConsentEvent } from './entities/consent-event.entity';
import { CreditLedgerEntry } from './entities/credit-ledger-entry.entity';
import { Document } from './entities/document.entity';
import { Message } from './entities/message.entity';
import { Shop } from './entities/shop.entity';
import { Suppression } from './entities/suppression.entity';
import { Template } from './entities/template.entity';
import { Visit } from './entities/visit.entity';
import { InitialSchema1764800000000 } from './migrations/1764800000000-initial-schema';
import { SmsChannel1764850000000 } from './migrations/1764850000000-sms-channel';
import { Campaigns1765000000000 } from './migrations/1765000000000-campaigns';
import { ClientRecords1764900000000 } from './migrations/1764900000000-client-records';
import { EmailChannel1764950000000 } from './migrations/1764950000000-email-channel';
import { ApiKeys1765100000000 } from './migrations/1765100000000-api-keys';

export const ENTITIES = [
  Shop,
  Client,
  ConsentEvent,
  Visit,
  Suppression,
  Document,
  Template,
  Campaign,
  Message,
  CreditLedgerEntry,
];

export const MIGRATIONS = [
  InitialSchema1764800000000,
  SmsChannel1764850000000,
  ClientRecords1764900000000,
  EmailChannel1764950000000,
  Campaigns1765000000000,
  ApiKeys1765100000000,
];

export interface DatabaseOptions {
  /** A `postgres://` URL. */
  url: string;
  /**
   * Connections in this process's pool.
   * @defaultValue 10
   */
  poolSize?: number;
  /** Name shown in `pg_stat_activity`, to tell processes apart. */
  applicationName?: string;
}

/** Builds (without connecting) the data source of one process. */
export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    synchronize: false,
    // Migrations hold one connection for their lock and need another.
    poolSize: Math.max(2, options.poolSize ?? 10),
    applicationName: options.applicationName,
    extra: { connectionTimeoutMillis: 5000 },
  });
}

// Any number to share between processes: two of them starting together must
// not both apply the same migration.
const MIGRATION_LOCK_KEY = 7_340_113;

/** Applies the migrations not applied yet; a second run is a no-op. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);

  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await lockRunner.query('SELECT pg_advisory_unlock($1)', [
      MIGRATION_LOCK_KEY,
    ]);
    await lockRunner.release();
  }
}

/** True when every known migration has been applied (for readiness). */
export async function migrationsApplied(
  dataSource: DataSource,
): Promise<boolean> {
  return !(await dataSource.showMigrations());
}
