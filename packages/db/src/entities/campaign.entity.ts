import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A bulk send of one template to an audience. */
@Entity({ name: 'campaign' })
export class Campaign {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'shop_id', type: 'uuid' })
  shopId!: string;

  @Column({ type: 'text' })
  channel!: 'sms' | 'email';

  @Column({ name: 'template_id', type: 'uuid' })
  templateId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'jsonb' })
  audience!: Record<string, unknown>;

  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'scheduled_at', type: 'timestamptz', nullable: true })
  scheduledAt!: Date | null;

  @Column({ type: 'jsonb' })
  counts!: Record<string, number>;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
