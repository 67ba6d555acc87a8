import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Receipts, replies, the sending window and per-shop provider accounts. */
export class SmsChannel1764850000000 implements MigrationInterface {
  name = 'SmsChannel1764850000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS sms_reply, sms_receipt`);
    await queryRunner.query(
      `ALTER TABLE shop DROP COLUMN sending_window,
       DROP COLUMN sms_provider_login, DROP COLUMN sms_provider_key_enc,
       DROP COLUMN sms_provider_type`,
    );
  }
}

const UP = [
  // NULL means the default window (Mon–Sat 08:00–20:00, no public holidays).
  `ALTER TABLE shop ADD COLUMN sending_window jsonb`,
  // A shop's own Octopush account; NULL means the platform's.
  `ALTER TABLE shop ADD COLUMN sms_provider_login text,
     ADD COLUMN sms_provider_key_enc text,
     ADD COLUMN sms_provider_type text
       CHECK (sms_provider_type IN ('sms_premium', 'sms_low_cost'))`,
  // Every receipt as received, kept even before its send is recorded; the
  // message's state is derived from all of them, so order does not matter.
  `CREATE TABLE sms_receipt (
    id bigserial PRIMARY KEY,
    provider text NOT NULL,
    provider_id text NOT NULL,
    number text NOT NULL,
    status text NOT NULL,
    outcome text NOT NULL CHECK (outcome IN ('delivered', 'failed', 'pending')),
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    message_id uuid REFERENCES message(id),
    UNIQUE (provider, provider_id, number, status, occurred_at)
  )`,
  `CREATE INDEX sms_receipt_ticket_idx ON sms_receipt (provider, provider_id)`,
  `CREATE INDEX sms_receipt_message_idx ON sms_receipt (message_id)`,
  `CREATE TABLE sms_reply (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shop(id),
    client_id uuid REFERENCES client(id),
    message_id uuid REFERENCES message(id),
    number text NOT NULL,
    text text,
    is_stop boolean NOT NULL,
    received_at timestamptz NOT NULL
  )`,
  // The reply and STOP callbacks of one message can both arrive, and twice.
  `CREATE UNIQUE INDEX sms_reply_once ON sms_reply (shop_id, number, received_at, is_stop)`,
  `CREATE INDEX sms_reply_client_idx ON sms_reply (client_id, received_at DESC)`,
  `CREATE INDEX sms_reply_shop_idx ON sms_reply (shop_id, received_at DESC)`,
  `CREATE INDEX message_sent_idx ON message (sent_at) WHERE status = 'sent'`,
];
