import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The e-mail channel (issue #5): the shop's TLS mode, a copy address that
 * goes with a copy policy, the attachments each message carried (names and
 * sizes, kept when documents are purged), and the indexes of the document
 * lists. Append-only: never edit.
 */
export class EmailChannel1764950000000 implements MigrationInterface {
  name = 'EmailChannel1764950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP INDEX IF EXISTS document_client_list_idx, document_visit_list_idx`,
    );
    await queryRunner.query(`ALTER TABLE message DROP COLUMN attachments`);
    await queryRunner.query(
      `ALTER TABLE shop DROP CONSTRAINT shop_copy_address_given,
         DROP COLUMN smtp_tls_mode`,
    );
  }
}

const UP = [
  // tls: implicit TLS (465); starttls: STARTTLS required (587); none: a
  // relay on a trusted network. smtp_secure stays as `smtp_tls_mode = 'tls'`.
  `ALTER TABLE shop ADD COLUMN smtp_tls_mode text NOT NULL DEFAULT 'starttls'
     CONSTRAINT shop_smtp_tls_mode_known
       CHECK (smtp_tls_mode IN ('tls', 'starttls', 'none'))`,
  `UPDATE shop SET smtp_tls_mode = 'tls' WHERE smtp_secure`,
  `ALTER TABLE shop ADD CONSTRAINT shop_copy_address_given
     CHECK (copy_policy = 'none' OR copy_address IS NOT NULL)`,
  // [{ documentId, name, contentType, sizeBytes }] as sent.
  `ALTER TABLE message ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]'`,
  `CREATE INDEX document_client_list_idx ON document
     (shop_id, client_id, created_at DESC, id DESC)`,
  `CREATE INDEX document_visit_list_idx ON document
     (visit_id, created_at DESC, id DESC) WHERE visit_id IS NOT NULL`,
];
