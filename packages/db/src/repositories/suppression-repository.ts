import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Suppression } from '../entities/suppression.entity';
import type { ConsentChannel } from './consent-repository';

/** Position after which a page starts: the last row of the previous page. */
export interface PageCursor {
  at: Date;
  id: string;
}

export interface SuppressionFilters {
  channel?: ConsentChannel;
  /** Exact, already normalised address. */
  address?: string;
}

/** A suppression entry taken off the list, with who did it and why. */
export interface SuppressionRemoval {
  id: string;
  shopId: string;
  channel: ConsentChannel;
  address: string;
  /** Why the address had been suppressed. */
  reason: string;
  suppressedAt: Date;
  removedBy: string;
  removalReason: string;
  removedAt: Date;
}

interface RemovalRow {
  id: string;
  shop_id: string;
  channel: ConsentChannel;
  address: string;
  reason: string;
  suppressed_at: Date;
  removed_by: string;
  removal_reason: string;
  removed_at: Date;
}

export const suppressionRepository = {
  /** Newest first, `limit` entries after `cursor`. */
  async list(
    manager: EntityManager,
    shopId: string,
    filters: SuppressionFilters,
    cursor: PageCursor | null,
    limit: number,
  ): Promise<Suppression[]> {
    const query = manager
      .createQueryBuilder(Suppression, 's')
      .where('s.shopId = :shopId', { shopId });

    if (filters.channel) query.andWhere('s.channel = :channel', filters);
    if (filters.address) query.andWhere('s.address = :address', filters);
    if (cursor) query.andWhere('(s.createdAt, s.id) < (:at, :id)', cursor);

    return query
      .orderBy('s.createdAt', 'DESC')
      .addOrderBy('s.id', 'DESC')
      .limit(limit)
      .getMany();
  },

  /** The entries that block any of these addresses. */
  async findByAddresses(
    manager: EntityManager,
    shopId: string,
    addresses: { channel: ConsentChannel; address: string }[],
  ): Promise<Suppression[]> {
    if (addresses.length === 0) return [];
    return manager.find(Suppression, {
      where: addresses.map((a) => ({ shopId, ...a })),
      order: { createdAt: 'DESC' },
    });
  },

  /**
   * Takes an entry off the list and keeps the removal with who and why;
   * null when the shop has no such entry.
   */
  async remove(
    manager: EntityManager,
    removal: {
      shopId: string;
      id: string;
      actor: string;
      reason: string;
      at: Date;
    },
  ): Promise<SuppressionRemoval | null> {
    const rows: RemovalRow[] = await manager.query(
      `WITH removed AS (
         DELETE FROM suppression WHERE id = $1 AND shop_id = $2
         RETURNING shop_id, channel, address, reason, created_at
       )
       INSERT INTO suppression_removal (id, shop_id, channel, address, reason,
         suppressed_at, removed_by, removal_reason, removed_at)
       SELECT $3, shop_id, channel, address, reason, created_at, $4, $5, $6
       FROM removed
       RETURNING *`,
      [
        removal.id,
        removal.shopId,
        randomUUID(),
        removal.actor,
        removal.reason,
        removal.at,
      ],
    );
    return rows[0] ? removalOf(rows[0]) : null;
  },

  /** Removals, newest first. */
  async removals(
    manager: EntityManager,
    shopId: string,
    cursor: PageCursor | null,
    limit: number,
  ): Promise<SuppressionRemoval[]> {
    const rows: RemovalRow[] = await manager.query(
      `SELECT * FROM suppression_removal
       WHERE shop_id = $1
         AND ($2::timestamptz IS NULL OR (removed_at, id) < ($2, $3::uuid))
       ORDER BY removed_at DESC, id DESC LIMIT $4`,
      [shopId, cursor?.at ?? null, cursor?.id ?? null, limit],
    );
    return rows.map(removalOf);
  },
};

function removalOf(row: RemovalRow): SuppressionRemoval {
  return {
    id: row.id,
    shopId: row.shop_id,
    channel: row.channel,
    address: row.address,
    reason: row.reason,
    suppressedAt: row.suppressed_at,
    removedBy: row.removed_by,
    removalReason: row.removal_reason,
    removedAt: row.removed_at,
  };
}
