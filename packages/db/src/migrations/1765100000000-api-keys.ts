import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys with roles, and the stored answers of idempotent requests. */
export class ApiKeys1765100000000 implements MigrationInterface {
  name = 'ApiKeys1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_key`);
    await queryRunner.query(`DROP TABLE api_key`);
  }
}

const UP = [
  `CREATE TABLE api_key (
    id uuid PRIMARY KEY,
    shop_id uuid NULL REFERENCES shop(id),
    role text NOT NULL CHECK (role IN ('staff', 'manager', 'admin')),
    prefix text NOT NULL,
    hash text NOT NULL UNIQUE,
    label text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    revoked_at timestamptz NULL,
    last_used_at timestamptz NULL,
    -- An admin key sees every shop; any other key belongs to exactly one.
    CHECK ((role = 'admin') = (shop_id IS NULL))
  )`,
  `CREATE INDEX api_key_shop ON api_key (shop_id, created_at DESC)`,
  `CREATE TABLE idempotency_key (
    key_id uuid NOT NULL REFERENCES api_key(id),
    idempotency_key text NOT NULL,
    request_hash text NOT NULL,
    status text NOT NULL,
    response jsonb NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (key_id, idempotency_key)
  )`,
  `CREATE INDEX idempotency_key_created ON idempotency_key (created_at)`,
];
