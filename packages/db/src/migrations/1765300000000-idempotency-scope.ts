import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An `Idempotency-Key` belongs to the shop (or, for an admin key, to that
 * key): a till retrying with another of the shop's keys must find the
 * first answer rather than send the SMS again.
 */
export class IdempotencyScope1765300000000 implements MigrationInterface {
  name = 'IdempotencyScope1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // A value is unique per scope, hence per key: the old key holds.
    await queryRunner.query(
      `ALTER TABLE idempotency_key DROP CONSTRAINT idempotency_key_pkey`,
    );
    await queryRunner.query(
      `ALTER TABLE idempotency_key ADD PRIMARY KEY (key_id, idempotency_key)`,
    );
    await queryRunner.query(`ALTER TABLE idempotency_key DROP COLUMN scope`);
  }
}

const UP = [
  `ALTER TABLE idempotency_key ADD COLUMN scope text`,
  `UPDATE idempotency_key k
     SET scope = COALESCE('shop:' || a.shop_id, 'key:' || a.id)
     FROM api_key a WHERE a.id = k.key_id`,
  // Two keys of a shop may already hold the same value: keep the newest.
  `DELETE FROM idempotency_key k USING idempotency_key newer
     WHERE newer.scope = k.scope
       AND newer.idempotency_key = k.idempotency_key
       AND (newer.created_at, newer.key_id) > (k.created_at, k.key_id)`,
  `ALTER TABLE idempotency_key ALTER COLUMN scope SET NOT NULL`,
  `ALTER TABLE idempotency_key DROP CONSTRAINT idempotency_key_pkey`,
  `ALTER TABLE idempotency_key ADD PRIMARY KEY (scope, idempotency_key)`,
];
