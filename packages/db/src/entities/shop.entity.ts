import { Column, Entity, PrimaryColumn } from 'typeorm';

export type CopyPolicy = 'none' | 'cc' | 'bcc';

export type ShopSmtpTlsMode = 'tls' | 'starttls' | 'none';

/** A shop of a chain; every other row belongs to one shop. */
@Entity({ name: 'shop' })
export class Shop {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'mini_site_url', type: 'text', nullable: true })
  miniSiteUrl!: string | null;

  @Column({ type: 'char', length: 2 })
  country!: string;

  @Column({ type: 'text', nullable: true })
  region!: string | null;

  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  @Column({ name: 'sms_sender', type: 'text', nullable: true })
  smsSender!: string | null;

  @Column({ name: 'sms_header', type: 'text', nullable: true })
  smsHeader!: string | null;

  @Column({ name: 'sms_signature', type: 'text', nullable: true })
  smsSignature!: string | null;

  @Column({ name: 'sms_stop_mention', type: 'text', nullable: true })
  smsStopMention!: string | null;

  @Column({ name: 'sms_transliterate', type: 'boolean' })
  smsTransliterate!: boolean;

  @Column({ name: 'email_from_address', type: 'text', nullable: true })
  emailFromAddress!: string | null;

  @Column({ name: 'email_from_name', type: 'text', nullable: true })
  emailFromName!: string | null;

  @Column({ name: 'smtp_host', type: 'text', nullable: true })
  smtpHost!: string | null;

  @Column({ name: 'smtp_port', type: 'integer', nullable: true })
  smtpPort!: number | null;

  /** Kept equal to `smtpTlsMode === 'tls'`; read `smtpTlsMode`. */
  @Column({ name: 'smtp_secure', type: 'boolean' })
  smtpSecure!: boolean;

  /** `tls` (implicit, 465), `starttls` (required, 587) or `none`. */
  @Column({ name: 'smtp_tls_mode', type: 'text' })
  smtpTlsMode!: ShopSmtpTlsMode;

  @Column({ name: 'smtp_user', type: 'text', nullable: true })
  smtpUser!: string | null;

  /** AES-GCM ciphertext; never returned by the API. */
  @Column({ name: 'smtp_password_enc', type: 'text', nullable: true })
  smtpPasswordEnc!: string | null;

  @Column({ name: 'copy_policy', type: 'text' })
  copyPolicy!: CopyPolicy;

  @Column({ name: 'copy_address', type: 'text', nullable: true })
  copyAddress!: string | null;

  /** Marketing SMS hours; null means the default (Mon–Sat 08:00–20:00). */
  @Column({ name: 'sending_window', type: 'jsonb', nullable: true })
  sendingWindow!: {
    days: number[];
    start: string;
    end: string;
    excludeHolidays: boolean;
  } | null;

  /** The shop's own Octopush account; null means the platform's. */
  @Column({ name: 'sms_provider_login', type: 'text', nullable: true })
  smsProviderLogin!: string | null;

  /** Sealed with the platform's secret key; never returned by the API. */
  @Column({ name: 'sms_provider_key_enc', type: 'text', nullable: true })
  smsProviderKeyEnc!: string | null;

  @Column({ name: 'sms_provider_type', type: 'text', nullable: true })
  smsProviderType!: 'sms_premium' | 'sms_low_cost' | null;

  /** Always equal to the sum of this shop's credit ledger. */
  @Column({ name: 'credit_balance', type: 'integer' })
  creditBalance!: number;

  /**
   * Under this balance the shop shows as low on credit (overview, metric);
   * 0 turns the warning off.
   */
  @Column({ name: 'low_credit_threshold', type: 'integer' })
  lowCreditThreshold!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
