import { Column, Entity, PrimaryColumn } from 'typeorm';

export type CampaignStatus =
  'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';

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
  kind!: 'transactional' | 'marketing';

  /** draft, scheduled, running, paused, completed or cancelled. */
  @Column({ type: 'text' })
  status!: CampaignStatus;

  /** Credits set aside at launch. */
  @Column({ name: 'reserved_total', type: 'integer' })
  reservedTotal!: number;

  /** Of the reservation, what is not spent yet; released at the end. */
  @Column({ name: 'reserved_remaining', type: 'integer' })
  reservedRemaining!: number;

  /** The last client the fan-out wrote a message for. */
  @Column({ name: 'fanout_cursor', type: 'uuid', nullable: true })
  fanoutCursor!: string | null;

  @Column({ name: 'fanout_done', type: 'boolean' })
  fanoutDone!: boolean;

  /** Messages written by the fan-out. */
  @Column({ type: 'integer' })
  recipients!: number;

  @Column({ name: 'launched_at', type: 'timestamptz', nullable: true })
  launchedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'scheduled_at', type: 'timestamptz', nullable: true })
  scheduledAt!: Date | null;

  @Column({ type: 'jsonb' })
  counts!: Record<string, number>;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
