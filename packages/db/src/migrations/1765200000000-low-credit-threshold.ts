import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the operators' overview needs: each shop's low-credit threshold,
 * and an index to read a day of sends across all shops without walking
 * every shop's history.
 */
export class LowCreditThreshold1765200000000 implements MigrationInterface {
  name = 'LowCreditThreshold1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS message_queued_idx`);
    await queryRunner.query(
      `ALTER TABLE shop DROP COLUMN low_credit_threshold`,
    );
  }
}

const UP = [
  // 50 credits is a day or two of counter SMS for a busy shop: time to buy
  // more before sends are refused. 0 turns the warning off.
  `ALTER TABLE shop ADD COLUMN low_credit_threshold integer NOT NULL DEFAULT 50
     CONSTRAINT shop_low_credit_threshold_not_negative
       CHECK (low_credit_threshold >= 0)`,
  // message_history_idx leads with shop_id: a time range over every shop
  // would scan it whole (PostgreSQL 15 has no skip scan).
  `CREATE INDEX message_queued_idx ON message (queued_at)`,
];
