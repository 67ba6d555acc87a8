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

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
