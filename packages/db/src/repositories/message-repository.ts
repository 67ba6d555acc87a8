import type { EntityManager } from 'typeorm';
import { Message } from '../entities/message.entity';
import type { MessageStatus } from '../entities/message.entity';
import { updateReturning } from './returning';

/** The statuses a message never leaves (but `sent` → `delivered`/`failed`). */
export const FINAL_STATUSES: readonly MessageStatus[] = [
  'delivered',
  'failed',
  'rejected',
  'cancelled',
  'expired',
  'unknown',
];

export interface MessageListFilters {
  channel?: 'sms' | 'email';
  clientId?: string;
  status?: MessageStatus;
  campaignId?: string;
}

/** Position after which a page starts: the last row of the previous page. */
export interface MessageCursor {
  queuedAt: Date;
  id: string;
}

const TIMESTAMP_OF: Partial<Record<MessageStatus, string>> = {
  sending: 'sending_at',
  sent: 'sent_at',
  delivered: 'delivered_at',
  failed: 'failed_at',
  rejected: 'rejected_at',
  cancelled: 'cancelled_at',
  expired: 'expired_at',
  unknown: 'unknown_at',
};

export interface TransitionFields {
  reason?: string | null;
  error?: string | null;
  providerId?: string | null;
  inFlight?: boolean;
}

export const messageRepository = {
  async findById(
    manager: EntityManager,
    id: string,
    shopId?: string,
  ): Promise<Message | null> {
    return manager.findOne(Message, {
      where: shopId ? { id, shopId } : { id },
    });
  },

  /** Locks the row for the rest of the transaction. */
  async lock(manager: EntityManager, id: string): Promise<Message | null> {
    return manager.findOne(Message, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
  },

  /**
   * Moves a message to `to` only if it is still in one of `from`, stamping
   * the transition's time. Returns false when another process got there
   * first, which makes replayed jobs harmless.
   */
  async transition(
    manager: EntityManager,
    id: string,
    from: readonly MessageStatus[],
    to: MessageStatus,
    at: Date,
    fields: TransitionFields = {},
  ): Promise<boolean> {
    const stamp = TIMESTAMP_OF[to];
    const sets = ['status = $3', 'updated_at = $4'];
    const params: unknown[] = [id, from, to, at];

    if (stamp) sets.push(`${stamp} = $4`);
    for (const [column, value] of transitionColumns(fields)) {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    }

    const rows = await updateReturning(
      manager,
      `UPDATE message SET ${sets.join(', ')}
       WHERE id = $1 AND status = ANY($2) RETURNING id`,
      params,
    );
    return rows.length > 0;
  },

  async recordEvent(
    manager: EntityManager,
    messageId: string,
    attempt: number,
    kind: string,
    detail: string | null,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO message_event (message_id, attempt, kind, detail, occurred_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [messageId, attempt, kind, detail, at],
    );
  },

  async events(
    manager: EntityManager,
    messageId: string,
  ): Promise<
    { attempt: number; kind: string; detail: string | null; occurredAt: Date }[]
  > {
    const rows: {
      attempt: number;
      kind: string;
      detail: string | null;
      occurred_at: Date;
    }[] = await manager.query(
      `SELECT attempt, kind, detail, occurred_at FROM message_event
       WHERE message_id = $1 ORDER BY id`,
      [messageId],
    );
    return rows.map((row) => ({
      attempt: row.attempt,
      kind: row.kind,
      detail: row.detail,
      occurredAt: row.occurred_at,
    }));
  },

  /** Newest first, `limit` rows after `cursor`. */
  async list(
    manager: EntityManager,
    shopId: string,
    filters: MessageListFilters,
    cursor: MessageCursor | null,
    limit: number,
  ): Promise<Message[]> {
    const query = manager
      .createQueryBuilder(Message, 'm')
      .where('m.shopId = :shopId', { shopId });

    if (filters.channel) query.andWhere('m.channel = :channel', filters);
    if (filters.clientId) query.andWhere('m.clientId = :clientId', filters);
    if (filters.status) query.andWhere('m.status = :status', filters);
    if (filters.campaignId) {
      query.andWhere('m.campaignId = :campaignId', filters);
    }
    if (cursor) {
      query.andWhere('(m.queuedAt, m.id) < (:queuedAt, :id)', cursor);
    }

    return query
      .orderBy('m.queuedAt', 'DESC')
      .addOrderBy('m.id', 'DESC')
      .limit(limit)
      .getMany();
  },

  /** `{ sms: { sent: 12, rejected: 2 }, email: { … } }` for a shop or campaign. */
  async countByChannelAndStatus(
    manager: EntityManager,
    shopId: string,
    campaignId: string | null,
  ): Promise<Record<string, Record<string, number>>> {
    const rows: { channel: string; status: string; count: string }[] =
      await manager.query(
        `SELECT channel, status, count(*) AS count FROM message
       WHERE shop_id = $1 AND ($2::uuid IS NULL OR campaign_id = $2)
       GROUP BY channel, status`,
        [shopId, campaignId],
      );
    const counts: Record<string, Record<string, number>> = {};
    for (const row of rows) {
      counts[row.channel] = {
        ...counts[row.channel],
        [row.status]: Number(row.count),
      };
    }
    return counts;
  },
};

function transitionColumns(fields: TransitionFields): [string, unknown][] {
  const columns: [string, unknown][] = [];
  if (fields.reason !== undefined) columns.push(['reason', fields.reason]);
  if (fields.error !== undefined) columns.push(['error', fields.error]);
  if (fields.providerId !== undefined) {
    columns.push(['provider_id', fields.providerId]);
  }
  if (fields.inFlight !== undefined)
    columns.push(['in_flight', fields.inFlight]);
  return columns;
}
