import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '@optic/db';

/** Counters of `pg_stat_database` for one database. */
export interface PgActivity {
  commits: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsFetched: number;
  rowsReturned: number;
}

const NAME_PREFIX = 'optic_bench_';

/** The bench's own database, `optic_bench_<pid>`, migrated; dropped at the end. */
export class BenchDatabase {
  private constructor(
    readonly name: string,
    readonly url: string,
    readonly dataSource: DataSource,
    private readonly adminUrl: string,
  ) {}

  static async create(adminUrl: string): Promise<BenchDatabase> {
    await dropStaleDatabases(adminUrl);
    const name = `${NAME_PREFIX}${process.pid}`;
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);

    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const dataSource = await createDataSource({
      url: url.toString(),
      poolSize: 3,
      applicationName: 'bench',
    }).initialize();
    await runMigrations(dataSource);
    return new BenchDatabase(name, url.toString(), dataSource, adminUrl);
  }

  /** `pg_database_size`, in bytes. */
  async size(): Promise<number> {
    const rows: { size: string }[] = await this.dataSource.query(
      'SELECT pg_database_size(current_database()) AS size',
    );
    return Number(rows[0]!.size);
  }

  /**
   * Commits and rows touched so far. The statistics collector publishes
   * them with a delay of up to a second, so callers wait before reading.
   */
  async activity(): Promise<PgActivity> {
    await this.dataSource.query('SELECT pg_stat_clear_snapshot()');
    const rows: Record<string, string>[] = await this.dataSource.query(
      `SELECT xact_commit, tup_inserted, tup_updated, tup_fetched, tup_returned
       FROM pg_stat_database WHERE datname = current_database()`,
    );
    const row = rows[0]!;
    return {
      commits: Number(row.xact_commit),
      rowsInserted: Number(row.tup_inserted),
      rowsUpdated: Number(row.tup_updated),
      rowsFetched: Number(row.tup_fetched),
      rowsReturned: Number(row.tup_returned),
    };
  }

  async drop(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await adminQuery(
      this.adminUrl,
      `DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`,
    );
  }
}

/** Drops the databases of earlier benches whose process is gone. */
async function dropStaleDatabases(adminUrl: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const rows = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE '${NAME_PREFIX}%'`,
    );
    for (const { datname } of rows.rows) {
      const pid = Number(datname.slice(NAME_PREFIX.length));
      if (Number.isInteger(pid) && !isAlive(pid))
        await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
