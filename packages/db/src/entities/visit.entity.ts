import { Column, Entity, PrimaryColumn } from 'typeorm';

export type VisitKind = 'glasses' | 'contact_lenses' | 'repair';

/** Where a visit stands; `ready` stamps `readyAt`. */
export const VISIT_STATUSES = [
  'quoted',
  'ordered',
  'ready',
  'collected',
  'cancelled',
] as const;

export type VisitStatus = (typeof VISIT_STATUSES)[number];

/** A sale, quote or repair for a client. */
@Entity({ name: 'visit' })
export class Visit {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'shop_id', type: 'uuid' })
  shopId!: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  /** The practice application's visit number, when an import gave one. */
  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId!: string | null;

  @Column({ type: 'text' })
  kind!: VisitKind;

  /** A calendar date (`yyyy-mm-dd`), as the shop wrote it. */
  @Column({ name: 'visit_date', type: 'date' })
  visitDate!: string;

  @Column({ type: 'text' })
  status!: VisitStatus;

  @Column({ name: 'ready_at', type: 'timestamptz', nullable: true })
  readyAt!: Date | null;

  @Column({ name: 'lens_box_days', type: 'integer', nullable: true })
  lensBoxDays!: number | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
