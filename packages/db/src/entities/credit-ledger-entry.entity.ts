import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type LedgerKind =
  'purchase' | 'debit' | 'refund' | 'reservation' | 'release';

/** One movement of SMS credit; a shop's balance is the sum of its rows. */
@Entity({ name: 'credit_ledger' })
export class CreditLedgerEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'shop_id', type: 'uuid' })
  shopId!: string;

  @Column({ type: 'text' })
  kind!: LedgerKind;

  /** Signed: purchases and refunds add, debits and reservations take. */
  @Column({ type: 'integer' })
  amount!: number;

  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId!: string | null;

  @Column({ name: 'campaign_id', type: 'uuid', nullable: true })
  campaignId!: string | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
