import { Column, Entity, PrimaryColumn } from 'typeorm';

export type MessageKind = 'transactional' | 'marketing';

/** A predefined message ("message prédéfini") of one channel. */
@Entity({ name: 'template' })
export class Template {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'shop_id', type: 'uuid' })
  shopId!: string;

  @Column({ type: 'text' })
  channel!: 'sms' | 'email';

  @Column({ type: 'text' })
  label!: string;

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'text' })
  kind!: MessageKind;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
