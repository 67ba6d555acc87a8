import { migrationsApplied, MIGRATIONS, runMigrations } from '@optic/db';
import { createTestDatabase } from '../support/test-database';
import type { TestDatabase } from '../support/test-database';

describe('migrations', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('apply every migration once, and a second run is a no-op', async () => {
    const rows: { name: string }[] = await db.dataSource.query(
      'SELECT name FROM schema_migration ORDER BY id',
    );

    expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await runMigrations(db.dataSource)).toEqual([]);
    expect(await migrationsApplied(db.dataSource)).toBe(true);
  });

  it('keep the credit balance from going below zero in the database itself', async () => {
    await db.dataSource.query(
      `INSERT INTO shop (id, name) VALUES ('00000000-0000-4000-8000-000000000001', 'x')`,
    );

    await expect(
      db.dataSource.query(
        `UPDATE shop SET credit_balance = -1 WHERE id = '00000000-0000-4000-8000-000000000001'`,
      ),
    ).rejects.toThrow(/shop_credit_not_negative/);
  });
});
