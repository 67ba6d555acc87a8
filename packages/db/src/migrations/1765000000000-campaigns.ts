import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What campaigns need: reservation, resumable fan-out, one message per client. */
export class Campaigns1765000000000 implements MigrationInterface {
  name = 'Campaigns1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP INDEX IF EXISTS message_campaign_client_once`,
    );
    await queryRunner.query(
      `ALTER TABLE message DROP COLUMN charged_from, DROP COLUMN credits_refunded`,
    );
    await queryRunner.query(
      `ALTER TABLE campaign DROP COLUMN kind, DROP COLUMN reserved_total,
       DROP COLUMN reserved_remaining, DROP COLUMN fanout_cursor,
       DROP COLUMN fanout_done, DROP COLUMN recipients, DROP COLUMN launched_at,
       DROP COLUMN finished_at`,
    );
  }
}

const UP = [
  `ALTER TABLE campaign
     ADD COLUMN kind text NOT NULL DEFAULT 'marketing'
       CHECK (kind IN ('transactional', 'marketing')),
     ADD COLUMN reserved_total integer NOT NULL DEFAULT 0,
     ADD COLUMN reserved_remaining integer NOT NULL DEFAULT 0
       CONSTRAINT campaign_reservation_not_negative CHECK (reserved_remaining >= 0),
     ADD COLUMN fanout_cursor uuid,
     ADD COLUMN fanout_done boolean NOT NULL DEFAULT false,
     ADD COLUMN recipients integer NOT NULL DEFAULT 0,
     ADD COLUMN launched_at timestamptz,
     ADD COLUMN finished_at timestamptz`,
  `ALTER TABLE campaign ADD CONSTRAINT campaign_status_known CHECK (status IN
     ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'))`,
  // Where a message's credits came from, so a refund goes back there once.
  `ALTER TABLE message
     ADD COLUMN charged_from text CHECK (charged_from IN ('balance', 'reservation')),
     ADD COLUMN credits_refunded boolean NOT NULL DEFAULT false`,
  // One message per (campaign, client, channel), whatever replays the fan-out.
  `CREATE UNIQUE INDEX message_campaign_client_once ON message (campaign_id, client_id, channel)
     WHERE campaign_id IS NOT NULL`,
  `CREATE INDEX campaign_shop_idx ON campaign (shop_id, created_at DESC, id DESC)`,
  `CREATE INDEX campaign_running_idx ON campaign (status) WHERE status IN ('running', 'scheduled')`,
];
