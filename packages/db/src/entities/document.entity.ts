import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A file attached to a client or one of its visits. */
@Entity({ name: 'document' })
export class Document {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'shop_id', type: 'uuid' })
  shopId!: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId!: string;

  @Column({ name: 'visit_id', type: 'uuid', nullable: true })
  visitId!: string | null;

  /** What the shop calls it: Facture, Ordonnance, Autre Document... */
  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'content_type', type: 'text' })
  contentType!: string;

  @Column({ name: 'size_bytes', type: 'integer' })
  sizeBytes!: number;

  /** Opaque key in the document store; never derived from user input. */
  @Column({ name: 'storage_key', type: 'text' })
  storageKey!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
