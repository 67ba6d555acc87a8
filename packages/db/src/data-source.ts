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
import { LowCreditThreshold1765200000000 } from './migrations/1765200000000-low-credit-threshold';
import { IdempotencyScope1765300000000 } from './migrations/1765300000000-idempotency-scope';

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
  LowCreditThreshold1765200000000,
  IdempotencyScope1765300000000,
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

/** Socket failures of a connection to Postgres, or of its attempt. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs of a server that is stopping, starting or out of slots. */
const SERVER_UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/**
 * What pg and pg-pool say, without a code, when a connection ends or
 * cannot be made in time.
 */
const CONNECTION_LOST =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed)/;

/**
 * True when `error` (raw from pg, or wrapped by TypeORM) says Postgres
 * could not be reached or dropped the connection, rather than refusing
 * a query: the caller may answer "unavailable, try again".
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  // Duck-typed: errors made by Node's own sockets fail `instanceof Error`
  // where the code runs in another realm (a vm context, jest).
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, driverError } = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
  };
  if (driverError !== undefined && isDatabaseUnreachable(driverError))
    return true;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || SERVER_UNAVAILABLE_CODES.has(code))
      return true;
    // Class 08: connection exceptions.
    if (code.startsWith('08')) return true;
  }
  return typeof message === 'string' && CONNECTION_LOST.test(message);
}
