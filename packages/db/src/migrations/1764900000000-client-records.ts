import type { MigrationInterface, QueryRunner } from 'typeorm';
import { foldForSearch } from '@optic/domain';

/**
 * Client records (DESIGN §3): name search, erasure, visit status history,
 * suppression provenance and removals, and the indexes retention needs.
 * Append-only: never edit.
 */
export class ClientRecords1764900000000 implements MigrationInterface {
  name = 'ClientRecords1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of BEFORE_BACKFILL) {
      await queryRunner.query(statement);
    }
    await backfillSearchNames(queryRunner);
    for (const statement of AFTER_BACKFILL) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP TABLE IF EXISTS suppression_removal, visit_status_event`,
    );
    await queryRunner.query(
      `DROP INDEX IF EXISTS client_search_idx, client_mobile_idx,
         client_email_idx, visit_external_idx, suppression_shop_idx,
         message_retention_idx, sms_reply_retention_idx, document_created_idx`,
    );
    await queryRunner.query(
      `ALTER TABLE client DROP COLUMN search_name, DROP COLUMN erased_at`,
    );
    await queryRunner.query(
      `ALTER TABLE visit DROP CONSTRAINT visit_status_known,
         DROP COLUMN external_id`,
    );
    await queryRunner.query(
      `ALTER TABLE suppression DROP COLUMN created_by, DROP COLUMN message_id`,
    );
  }
}

const BEFORE_BACKFILL = [
  // Trigram indexes make `LIKE '%word%'` on folded names use an index. The
  // extension ships with PostgreSQL itself (contrib), and is trusted.
  `CREATE EXTENSION IF NOT EXISTS pg_trgm`,
  // Filled by the application with foldForSearch (accents, case, ligatures),
  // so search does not depend on the server's unaccent rules.
  `ALTER TABLE client ADD COLUMN search_name text NOT NULL DEFAULT '',
     ADD COLUMN erased_at timestamptz`,
];

const AFTER_BACKFILL = [
  `CREATE INDEX client_search_idx ON client USING gin (search_name gin_trgm_ops)`,
  `CREATE INDEX client_mobile_idx ON client (shop_id, mobile)
     WHERE mobile IS NOT NULL`,
  `CREATE INDEX client_email_idx ON client (shop_id, email)
     WHERE email IS NOT NULL`,
  // The practice application's own visit number, when an import gives one.
  `ALTER TABLE visit ADD COLUMN external_id text`,
  `CREATE UNIQUE INDEX visit_external_idx ON visit (shop_id, external_id)
     WHERE external_id IS NOT NULL`,
  // NOT VALID: rows written before this migration keep their free text.
  `ALTER TABLE visit ADD CONSTRAINT visit_status_known CHECK (status IN
     ('quoted', 'ordered', 'ready', 'collected', 'cancelled')) NOT VALID`,
  `CREATE TABLE visit_status_event (
    id bigserial PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shop(id),
    visit_id uuid NOT NULL REFERENCES visit(id),
    status text NOT NULL,
    actor text,
    occurred_at timestamptz NOT NULL
  )`,
  `CREATE INDEX visit_status_event_visit_idx ON visit_status_event (visit_id, id)`,
  `INSERT INTO visit_status_event (shop_id, visit_id, status, occurred_at)
     SELECT shop_id, id, status, created_at FROM visit`,
  // Who added an entry by hand, and the reply or send that caused it.
  `ALTER TABLE suppression ADD COLUMN created_by text,
     ADD COLUMN message_id uuid`,
  `CREATE INDEX suppression_shop_idx ON suppression (shop_id, created_at DESC, id DESC)`,
  // A removed entry leaves the suppression table (the send path only asks
  // whether a row exists) and is kept here with who removed it and why.
  `CREATE TABLE suppression_removal (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shop(id),
    channel text NOT NULL,
    address text NOT NULL,
    reason text NOT NULL,
    suppressed_at timestamptz NOT NULL,
    removed_by text NOT NULL,
    removal_reason text NOT NULL,
    removed_at timestamptz NOT NULL
  )`,
  `CREATE INDEX suppression_removal_shop_idx ON suppression_removal
     (shop_id, removed_at DESC, id DESC)`,
  // Retention finds what is left to purge; purged rows leave these indexes.
  `CREATE INDEX message_retention_idx ON message (queued_at) WHERE body <> ''`,
  `CREATE INDEX sms_reply_retention_idx ON sms_reply (received_at)
     WHERE text IS NOT NULL`,
  `CREATE INDEX document_created_idx ON document (created_at)`,
];

const BACKFILL_BATCH = 1000;

async function backfillSearchNames(queryRunner: QueryRunner): Promise<void> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows: { id: string; last_name: string; first_name: string | null }[] =
      await queryRunner.query(
        `SELECT id, last_name, first_name FROM client WHERE id > $1
         ORDER BY id LIMIT $2`,
        [after, BACKFILL_BATCH],
      );
    if (rows.length === 0) return;

    await queryRunner.query(
      `UPDATE client SET search_name = v.search_name
       FROM unnest($1::uuid[], $2::text[]) AS v(id, search_name)
       WHERE client.id = v.id`,
      [
        rows.map((row) => row.id),
        rows.map((row) =>
          foldForSearch(`${row.last_name} ${row.first_name ?? ''}`),
        ),
      ],
    );
    after = rows[rows.length - 1]!.id;
  }
}
