import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One giving or withdrawal of consent: the proof kept for audits. */
@Entity({ name: 'consent_event' })
export class ConsentEvent {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'shop_id', type: 'uuid' })
  shopId!: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @Column({ type: 'text' })
  channel!: 'sms' | 'email';

  @Column({ type: 'boolean' })
  granted!: boolean;

  /** How: in_shop, signed_form, web_form, reply_stop, unsubscribe_link. */
  @Column({ type: 'text' })
  source!: string;

  /** Who: a salesperson's name, or `system`. */
  @Column({ type: 'text' })
  actor!: string;

  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;
}
