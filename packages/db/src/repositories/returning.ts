import type { EntityManager } from 'typeorm';

/**
 * Runs an `UPDATE … RETURNING` and gives back its rows. TypeORM's Postgres
 * driver answers a bare UPDATE with `[rows, affectedCount]`, which is easy
 * to misread as two rows; wrapped in a CTE the statement is a SELECT.
 */
export async function updateReturning<Row>(
  manager: EntityManager,
  sql: string,
  params: unknown[],
): Promise<Row[]> {
  return manager.query(
    `WITH changed AS (${sql}) SELECT * FROM changed`,
    params,
  );
}
