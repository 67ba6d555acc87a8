import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The first schema: every table of DESIGN §3. Append-only: never edit. */
export class InitialSchema1764800000000 implements MigrationInterface {
  name = 'InitialSchema1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP TABLE IF EXISTS credit_ledger, message_event, message, campaign, template,
       document, suppression, consent_event, visit, client, shop CASCADE`,
    );
  }
}

const UP = [
  `CREATE TABLE shop (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    mini_site_url text,
    country char(2) NOT NULL DEFAULT 'FR',
    region text,
    time_zone text NOT NULL DEFAULT 'Europe/Paris',
    sms_sender text,
    sms_header text,
    sms_signature text,
    sms_stop_mention text,
    sms_transliterate boolean NOT NULL DEFAULT false,
    email_from_address text,
    email_from_name text,
    smtp_host text,
    smtp_port integer,
    smtp_secure boolean NOT NULL DEFAULT false,
    smtp_user text,
    smtp_password_enc text,
    copy_policy text NOT NULL DEFAULT 'none'
      CHECK (copy_policy IN ('none', 'cc', 'bcc')),
    copy_address text,
    credit_balance integer NOT NULL DEFAULT 0
      CONSTRAINT shop_credit_not_negative CHECK (credit_balance >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE client (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shop(id),
    external_id text,
    civility text,
    last_name text NOT NULL,
    first_name text,
    mobile text,
    email text,
    sms_consent boolean NOT NULL DEFAULT false,
    sms_consent_at timestamptz,
    sms_consent_source text,
    email_consent boolean NOT NULL DEFAULT false,
    email_consent_at timestamptz,
    email_consent_source text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX client_shop_idx ON client (shop_id, created_at DESC, id DESC)`,
  `CREATE UNIQUE INDEX client_external_idx ON client (shop_id, external_id)
     WHERE external_id IS NOT NULL`,
  `CREATE TABLE consent_event (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shop(id),
    client_id uuid NOT NULL REFERENCES client(id),
    channel text NOT NULL CHECK (channel IN ('sms', 'email')),
    granted boolean NOT NULL,
    source text NOT NULL,
    actor text NOT NULL,
    message_id uuid,
    occurred_at timestamptz NOT NULL
  )`,
  `CREATE INDEX consent_event_client_idx ON consent_event (client_id, occurred_at)`,
  `CREATE TABLE visit (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shop(id),
    client_id uuid NOT NULL REFERENCES client(id),
    kind text NOT NULL CHECK (kind IN ('glasses', 'contact_lenses', 'repair')),
    visit_date date NOT NULL,
    status text NOT NULL,
    ready_at timestamptz,
    lens_box_days integer CHECK (lens_box_days > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX visit_client_idx ON visit (client_id, visit_date DESC)`,
  `CREATE TABLE suppression (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shop(id),
    channel text NOT NULL CHECK (channel IN ('sms', 'email')),
    address text NOT NULL,
    reason text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (shop_id, channel, address)
  )`,
  `CREATE TABLE document (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shop(id),
    client_id uuid NOT NULL REFERENCES client(id),
    visit_id uuid REFERENCES visit(id),
    type text NOT NULL,
    name text NOT NULL,
    content_type text NOT NULL,
    size_bytes integer NOT NULL,
    storage_key text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX document_client_idx ON document (client_id)`,
  `CREATE TABLE template (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shop(id),
    channel text NOT NULL CHECK (channel IN ('sms', 'email')),
    label text NOT NULL,
    subject text,
    body text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('transactional', 'marketing')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE campaign (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shop(id),
    channel text NOT NULL CHECK (channel IN ('sms', 'email')),
    template_id uuid NOT NULL REFERENCES template(id),
    name text NOT NULL,
    audience jsonb NOT NULL,
    status text NOT NULL,
    scheduled_at timestamptz,
    counts jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE message (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shop(id),
    client_id uuid REFERENCES client(id),
    channel text NOT NULL CHECK (channel IN ('sms', 'email')),
    kind text NOT NULL CHECK (kind IN ('transactional', 'marketing')),
    campaign_id uuid REFERENCES campaign(id),
    template_id uuid REFERENCES template(id),
    visit_id uuid REFERENCES visit(id),
    document_ids uuid[] NOT NULL DEFAULT '{}',
    salesperson text,
    recipient text,
    subject text,
    body text NOT NULL,
    rendered_text text,
    status text NOT NULL CHECK (status IN ('queued', 'sending', 'sent',
      'delivered', 'failed', 'rejected', 'cancelled', 'expired', 'unknown')),
    reason text,
    error text,
    attempts integer NOT NULL DEFAULT 0,
    in_flight boolean NOT NULL DEFAULT false,
    provider text,
    provider_id text,
    encoding text,
    segments integer,
    credits integer NOT NULL DEFAULT 0,
    not_before timestamptz,
    queued_at timestamptz NOT NULL,
    sending_at timestamptz,
    sent_at timestamptz,
    delivered_at timestamptz,
    failed_at timestamptz,
    rejected_at timestamptz,
    cancelled_at timestamptz,
    expired_at timestamptz,
    unknown_at timestamptz,
    updated_at timestamptz NOT NULL
  )`,
  `CREATE INDEX message_history_idx ON message (shop_id, queued_at DESC, id DESC)`,
  `CREATE INDEX message_client_idx ON message (client_id, queued_at DESC)`,
  `CREATE INDEX message_campaign_idx ON message (campaign_id, status)
     WHERE campaign_id IS NOT NULL`,
  `CREATE INDEX message_pending_idx ON message (status, updated_at)
     WHERE status IN ('queued', 'sending')`,
  `CREATE INDEX message_provider_idx ON message (provider_id)
     WHERE provider_id IS NOT NULL`,
  // One row per failed provider call, so the history shows every attempt.
  `CREATE TABLE message_event (
    id bigserial PRIMARY KEY,
    message_id uuid NOT NULL REFERENCES message(id),
    attempt integer NOT NULL,
    kind text NOT NULL,
    detail text,
    occurred_at timestamptz NOT NULL
  )`,
  `CREATE INDEX message_event_message_idx ON message_event (message_id, id)`,
  `CREATE TABLE credit_ledger (
    id bigserial PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shop(id),
    kind text NOT NULL CHECK (kind IN ('purchase', 'debit', 'refund',
      'reservation', 'release')),
    amount integer NOT NULL,
    message_id uuid REFERENCES message(id),
    campaign_id uuid REFERENCES campaign(id),
    note text,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX credit_ledger_shop_idx ON credit_ledger (shop_id, id DESC)`,
  // One debit and at most one refund per message, whatever retries and
  // crashes replay: the ledger itself refuses a second one.
  `CREATE UNIQUE INDEX credit_ledger_message_once ON credit_ledger
     (message_id, kind) WHERE message_id IS NOT NULL`,
];
