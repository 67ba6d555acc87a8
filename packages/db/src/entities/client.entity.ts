import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A shop's client, with the consent given for each channel. */
@Entity({ name: 'client' })
export class Client {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'shop_id', type: 'uuid' })
  shopId!: string;

  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId!: string | null;

  @Column({ type: 'text', nullable: true })
  civility!: string | null;

  @Column({ name: 'last_name', type: 'text' })
  lastName!: string;

  @Column({ name: 'first_name', type: 'text', nullable: true })
  firstName!: string | null;

  /** E.164, normalised on write with the shop's country and region. */
  @Column({ type: 'text', nullable: true })
  mobile!: string | null;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ name: 'sms_consent', type: 'boolean' })
  smsConsent!: boolean;

  @Column({ name: 'sms_consent_at', type: 'timestamptz', nullable: true })
  smsConsentAt!: Date | null;

  @Column({ name: 'sms_consent_source', type: 'text', nullable: true })
  smsConsentSource!: string | null;

  @Column({ name: 'email_consent', type: 'boolean' })
  emailConsent!: boolean;

  @Column({ name: 'email_consent_at', type: 'timestamptz', nullable: true })
  emailConsentAt!: Date | null;

  @Column({ name: 'email_consent_source', type: 'text', nullable: true })
  emailConsentSource!: string | null;

  /** Last and first name folded by `foldForSearch`, for name search. */
  @Column({ name: 'search_name', type: 'text' })
  searchName!: string;

  /** Set when the client's personal data was erased on request. */
  @Column({ name: 'erased_at', type: 'timestamptz', nullable: true })
  erasedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
