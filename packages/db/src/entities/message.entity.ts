import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MessageKind } from './template.entity';

export const MESSAGE_STATUSES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'failed',
  'rejected',
  'cancelled',
  'expired',
  'unknown',
] as const;

export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** A document attached to an e-mail, as it was when the send was asked. */
export interface MessageAttachment {
  documentId: string;
  name: string;
  contentType: string;
  sizeBytes: number;
}

/** One send to one client on one channel: a row of the history. */
@Entity({ name: 'message' })
export class Message {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'shop_id', type: 'uuid' })
  shopId!: string;

  @Column({ name: 'client_id', type: 'uuid', nullable: true })
  clientId!: string | null;

  @Column({ type: 'text' })
  channel!: 'sms' | 'email';

  @Column({ type: 'text' })
  kind!: MessageKind;

  @Column({ name: 'campaign_id', type: 'uuid', nullable: true })
  campaignId!: string | null;

  @Column({ name: 'template_id', type: 'uuid', nullable: true })
  templateId!: string | null;

  @Column({ name: 'visit_id', type: 'uuid', nullable: true })
  visitId!: string | null;

  @Column({ name: 'document_ids', type: 'uuid', array: true })
  documentIds!: string[];

  /** What the e-mail carried, as the history shows it. */
  @Column({ type: 'jsonb' })
  attachments!: MessageAttachment[];

  @Column({ type: 'text', nullable: true })
  salesperson!: string | null;

  @Column({ type: 'text', nullable: true })
  recipient!: string | null;

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  /** The text as requested, merge fields not yet rendered. */
  @Column({ type: 'text' })
  body!: string;

  /** What was (or would have been) sent: the SMS text or e-mail subject line and text part. */
  @Column({ name: 'rendered_text', type: 'text', nullable: true })
  renderedText!: string | null;

  @Column({ type: 'text' })
  status!: MessageStatus;

  /** Machine-readable cause of a rejection or failure. */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** The provider's or server's own words, for the history. */
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'integer' })
  attempts!: number;

  /** True while a provider call may be under way: a crash leaves it set. */
  @Column({ name: 'in_flight', type: 'boolean' })
  inFlight!: boolean;

  @Column({ type: 'text', nullable: true })
  provider!: string | null;

  @Column({ name: 'provider_id', type: 'text', nullable: true })
  providerId!: string | null;

  @Column({ type: 'text', nullable: true })
  encoding!: string | null;

  @Column({ type: 'integer', nullable: true })
  segments!: number | null;

  @Column({ type: 'integer' })
  credits!: number;

  /** The shop's balance, or the campaign's reservation. */
  @Column({ name: 'charged_from', type: 'text', nullable: true })
  chargedFrom!: 'balance' | 'reservation' | null;

  @Column({ name: 'credits_refunded', type: 'boolean' })
  creditsRefunded!: boolean;

  @Column({ name: 'not_before', type: 'timestamptz', nullable: true })
  notBefore!: Date | null;

  @Column({ name: 'queued_at', type: 'timestamptz' })
  queuedAt!: Date;

  @Column({ name: 'sending_at', type: 'timestamptz', nullable: true })
  sendingAt!: Date | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true })
  failedAt!: Date | null;

  @Column({ name: 'rejected_at', type: 'timestamptz', nullable: true })
  rejectedAt!: Date | null;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;

  @Column({ name: 'expired_at', type: 'timestamptz', nullable: true })
  expiredAt!: Date | null;

  @Column({ name: 'unknown_at', type: 'timestamptz', nullable: true })
  unknownAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
