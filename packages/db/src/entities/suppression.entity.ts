import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A number or address that must receive nothing from this shop. */
@Entity({ name: 'suppression' })
export class Suppression {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'shop_id', type: 'uuid' })
  shopId!: string;

  @Column({ type: 'text' })
  channel!: 'sms' | 'email';

  /** E.164 number or normalised e-mail address. */
  @Column({ type: 'text' })
  address!: string;

  /** reply_stop, unsubscribe, hard_bounce, complaint or manual. */
  @Column({ type: 'text' })
  reason!: string;

  /** Who added it by hand; null for automatic entries. */
  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy!: string | null;

  /** The send or reply that caused it, when there is one. */
  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
